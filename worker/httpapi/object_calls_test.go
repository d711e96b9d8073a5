package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// postCDRs posts a CDR batch and returns its results.
func (cf *carrierFixture) postCDRs(t testing.TB, cdrs ...CDRJSON) []RatingJSON {
	t.Helper()
	b, _ := json.Marshal(CDRBatch{CDRs: cdrs})
	w := cf.do("POST", "/v1/cdrs", tokenAll, b, "Content-Type", "application/json")
	var out CDRBatchResponse
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &out) != nil || len(out.Results) != len(cdrs) {
		t.Fatalf("cdrs: %d %s", w.Code, w.Body)
	}
	return out.Results
}

func cdrJSON(id, user, dialled string, start time.Time, secs int) CDRJSON {
	return CDRJSON{CallID: id, User: user, Dialled: dialled, Start: start.Format(time.RFC3339), Seconds: &secs}
}

// storedLedger returns the account as the object stored it, and the keys
// of the stored records of rated calls.
func (cf *carrierFixture) storedLedger(t testing.TB, tenant string) (account.Snapshot, []string) {
	t.Helper()
	st := cf.accounts.Storage(tenant)
	b, err := st.Get(context.Background(), storageKey)
	if err != nil {
		t.Fatal(err)
	}
	var s account.Snapshot
	if _, err := s.UnmarshalMsg(b); err != nil {
		t.Fatal(err)
	}
	recs, err := st.List(context.Background(), ratedPrefix, "", worker.MaxListLimit)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range recs {
		keys = append(keys, e.Key)
	}
	return s, keys
}

// TestObjectRatedCallsAcrossReload: each rated call is a record of its
// own, the stored account carries none, and a batch re-sent after the
// object restarted is answered with the same charges and not charged (nor
// recorded in D1) again.
func TestObjectRatedCallsAcrossReload(t *testing.T) {
	cf := newCarrierFixture(t)
	start := testNow.Format(time.RFC3339)
	cf.authorize(t, AuthorizeRequest{CallID: "q1", User: "alice", Dialled: "+61412345678", Start: start})
	batch := []CDRJSON{
		cdrJSON("q1", "alice", "+61412345678", testNow, 125),  // reserved, PAYG
		cdrJSON("q2", "bob", "+442079460000", testNow, 61),    // bundle, no reservation
		cdrJSON("q3", "alice", "+61412345678", testNow, 30),   // PAYG, no reservation
		cdrJSON("q4", "zed", "+61412345678", testNow, 30),     // unknown user: not rated
		cdrJSON("q2", "bob", "+442079460000", testNow, 61),    // the same call twice in a batch
		cdrJSON("q3", "alice", "+61412345678", testNow, 31),   // q3 with other details
		cdrJSON("q5", "carol", "+33123456789", testNow, 3600), // package
	}
	first := cf.postCDRs(t, batch...)
	wantDup := []bool{false, false, false, false, true, false, false}
	for i, r := range first {
		if r.Duplicate != wantDup[i] || (r.Error != nil) != (i == 3 || i == 5) {
			t.Errorf("first #%d: %+v", i, r)
		}
	}
	if first[5].Error == nil || first[5].Error.Code != core.Conflict {
		t.Errorf("q3 with other details: %+v", first[5].Error)
	}
	if first[0].Cost != "1.14" || first[1].BundleMinutes != 2 || first[2].Cost != "0.38" {
		t.Errorf("charges %+v", first)
	}
	snap, keys := cf.storedLedger(t, "acme")
	if len(snap.Rated) != 0 || strings.Join(keys, " ") != "rated/q1 rated/q2 rated/q3 rated/q5" {
		t.Fatalf("stored: %d rated calls in the account, records %v", len(snap.Rated), keys)
	}
	for _, act := range []string{"2", "3"} {
		cf.accounts.Activation = act // the object restarts: nothing in memory
		again := cf.postCDRs(t, batch...)
		for i, r := range again {
			f := first[i]
			if f.Error != nil {
				if r.Error == nil || r.Error.Code != f.Error.Code {
					t.Errorf("activation %s #%d: %+v, first %+v", act, i, r.Error, f.Error)
				}
				continue
			}
			if !r.Duplicate || r.Cost != f.Cost || r.BundleMinutes != f.BundleMinutes || r.Cover != f.Cover || r.Seconds != f.Seconds {
				t.Errorf("activation %s #%d: %+v, first %+v", act, i, r, f)
			}
		}
	}
	if n, _ := cf.ledger.CDRCount(context.Background(), "acme"); n != 4 {
		t.Errorf("D1 has %d CDRs, want 4", n)
	}
	if s := cf.state(t, "acme"); s.PAYG != "1.52" || s.BundleMinutes != 2 || len(s.InProgress) != 0 {
		t.Errorf("state %+v", s)
	}
	// A rated call authorised again reserves nothing, after a restart too.
	cf.accounts.Activation = "4"
	status, body, _ := cf.accounts.Call(context.Background(), "acme", "/authorize",
		[]byte(`{"call_id":"q1","user":"alice","dialled":"+61412345678","start":"`+start+`"}`))
	if status != 200 || len(cf.state(t, "acme").InProgress) != 0 {
		t.Errorf("authorize of a rated call: %d %s, in progress %v", status, body, cf.state(t, "acme").InProgress)
	}
}

// TestObjectMovesRatedCallsOutOfTheSnapshot: an account stored with its
// rated calls inside (as before they had keys of their own) keeps them:
// they move to records on load, and a re-sent CDR is a duplicate.
func TestObjectMovesRatedCallsOutOfTheSnapshot(t *testing.T) {
	cf := newCarrierFixture(t)
	ctx := context.Background()
	// The account as the object used to store it: rated calls inside.
	b, err := cf.blobs.Get(ctx, worker.AccountKey("acme"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := account.DecodeLedger(account.DemoCatalog(), b, account.LeasePolicy{})
	if err != nil {
		t.Fatal(err)
	}
	ix, _, err := cf.object.cfg.Decks.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e164.ParseDial("+61412345678", "GB")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"m1", "m2"} {
		if _, err := l.RateCDR(ix, account.CDR{CallID: id, User: "alice", Dialled: d, Start: testNow, Seconds: 60}, nil); err != nil {
			t.Fatal(err)
		}
	}
	old, _ := l.Encode()
	cf.accounts.Storage("acme").Put(ctx, storageKey, old)
	r := cf.postCDRs(t, cdrJSON("m1", "alice", "+61412345678", testNow, 60), cdrJSON("m2", "alice", "+61412345678", testNow, 60),
		cdrJSON("m3", "alice", "+61412345678", testNow, 60))
	if !r[0].Duplicate || !r[1].Duplicate || r[2].Duplicate || r[0].Cost != "0.38" || r[2].Cost != "0.38" {
		t.Errorf("after the move: %+v", r)
	}
	snap, keys := cf.storedLedger(t, "acme")
	if len(snap.Rated) != 0 || strings.Join(keys, " ") != "rated/m1 rated/m2 rated/m3" {
		t.Errorf("stored: %d rated calls in the account, records %v", len(snap.Rated), keys)
	}
	if s := cf.state(t, "acme"); s.PAYG != "1.14" {
		t.Errorf("state %+v", s)
	}
}

// TestObjectSweepsOldRatedCalls: once the account moves to a new month,
// the cron's expiries delete the records of calls before the previous
// month, a page at a time, and keep the others; a CDR that old is refused
// before and after.
func TestObjectSweepsOldRatedCalls(t *testing.T) {
	cf := newCarrierFixture(t)
	cron := &Cron{Tenants: cf.ledger, Accounts: cf.accounts}
	runCron := func() {
		r, _ := web.NewRequest(context.Background(), "POST", "https://cron.internal/cron", nil, nil)
		w := web.NewRecorder()
		cron.ServeWeb(w, r)
		if w.Status() != 200 {
			t.Fatalf("cron: %d %s", w.Status(), w.Body.String())
		}
	}
	nov := testNow
	var batch []CDRJSON
	for i := range sweepPage + 300 {
		batch = append(batch, cdrJSON(fmt.Sprintf("n%04d", i), "bob", "+442079460000", nov, 0))
		if len(batch) == MaxCDRBatch {
			cf.postCDRs(t, batch...)
			batch = nil
		}
	}
	cf.postCDRs(t, batch...)
	runCron() // nothing is old yet
	if _, keys := cf.storedLedger(t, "acme"); len(keys) != sweepPage+300 {
		t.Fatalf("%d records, want %d", len(keys), sweepPage+300)
	}
	dec := nov.AddDate(0, 1, 0)
	cf.now = dec
	cf.postCDRs(t, cdrJSON("d1", "bob", "+442079460000", dec, 0))
	runCron() // November is the previous month: kept
	if _, keys := cf.storedLedger(t, "acme"); len(keys) != sweepPage+301 {
		t.Fatalf("december: %d records", len(keys))
	}
	jan := nov.AddDate(0, 2, 0)
	cf.now = jan
	cf.postCDRs(t, cdrJSON("j1", "bob", "+442079460000", jan, 0))
	old := cdrJSON("n0001", "bob", "+442079460000", nov, 0)
	if r := cf.postCDRs(t, old); r[0].Error == nil || r[0].Error.Code != core.Invalid {
		t.Errorf("november CDR in january, before the sweep: %+v", r[0])
	}
	runCron()
	if _, keys := cf.storedLedger(t, "acme"); len(keys) != sweepPage+302-(sweepPage-2) {
		t.Fatalf("after one expiry: %d records, want %d (a page: d1, j1 and %d deleted)", len(keys), 304, sweepPage-2)
	}
	runCron()
	_, keys := cf.storedLedger(t, "acme")
	if strings.Join(keys, " ") != "rated/d1 rated/j1" {
		t.Fatalf("after the sweep: %v", keys)
	}
	runCron() // done for January: nothing read
	if r := cf.postCDRs(t, old); r[0].Error == nil || r[0].Error.Code != core.Invalid {
		t.Errorf("november CDR in january, after the sweep: %+v", r[0])
	}
	if r := cf.postCDRs(t, cdrJSON("d1", "bob", "+442079460000", dec, 0)); !r[0].Duplicate {
		t.Errorf("december CDR in january: %+v", r[0])
	}
}

// countingStorage counts the bytes written to a worker.Storage.
type countingStorage struct {
	worker.Storage
	mu     *sync.Mutex
	bytes  *int64
	writes *int64
}

func (c countingStorage) Put(ctx context.Context, key string, value []byte) error {
	c.mu.Lock()
	*c.bytes += int64(len(key) + len(value))
	*c.writes++
	c.mu.Unlock()
	return c.Storage.Put(ctx, key, value)
}

func (c countingStorage) Write(ctx context.Context, put []worker.Entry, del []string) error {
	c.mu.Lock()
	for _, e := range put {
		*c.bytes += int64(len(e.Key) + len(e.Value))
	}
	for _, k := range del {
		*c.bytes += int64(len(k))
	}
	*c.writes++
	c.mu.Unlock()
	return c.Storage.Write(ctx, put, del)
}

// cdrStorageFixture is a carrier fixture whose object storage counts the
// bytes written.
func cdrStorageFixture(t testing.TB) (*carrierFixture, func() int64) {
	cf := newCarrierFixture(t)
	var mu sync.Mutex
	var bytes, writes int64
	cf.object.cfg.Storage = func(r *web.Request) worker.Storage {
		return countingStorage{Storage: cf.accounts.StorageOf(r), mu: &mu, bytes: &bytes, writes: &writes}
	}
	return cf, func() int64 { mu.Lock(); defer mu.Unlock(); return bytes }
}

// sendCDRs sends the CDRs of calls from to to-1, one per batch (as the
// bench's settling CDRs).
func sendCDRs(t testing.TB, cf *carrierFixture, from, to int) {
	for i := from; i < to; i++ {
		r := cf.postCDRs(t, cdrJSON(fmt.Sprintf("call-%06d", i), "bob", "+442079460000", testNow, 0))
		if r[0].Error != nil {
			t.Fatal(r[0].Error)
		}
	}
}

// bytesPerCDR returns the storage bytes each of ten CDRs writes after n
// CDRs.
func bytesPerCDR(t testing.TB, n int) int64 {
	cf, written := cdrStorageFixture(t)
	sendCDRs(t, cf, 0, n)
	before := written()
	sendCDRs(t, cf, n, n+10)
	return (written() - before) / 10
}

// TestObjectStorageBytesPerCDR: what a CDR writes does not grow with the
// calls rated before it.
func TestObjectStorageBytesPerCDR(t *testing.T) {
	b10, b1000 := bytesPerCDR(t, 10), bytesPerCDR(t, 1000)
	t.Logf("storage bytes written per CDR: %d after 10 CDRs, %d after 1,000", b10, b1000)
	if b1000 != b10 || b10 > 2048 {
		t.Errorf("bytes per CDR: %d after 10 CDRs, %d after 1,000", b10, b1000)
	}
}

// BenchmarkObjectCDRStorage measures a one-CDR batch through the API and
// the account object (in memory) after 10, 1,000 and 10,000 CDRs, and
// reports the storage bytes each writes (B/CDR).
func BenchmarkObjectCDRStorage(b *testing.B) {
	for _, n := range []int{10, 1_000, 10_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cf, written := cdrStorageFixture(b)
			sendCDRs(b, cf, 0, n)
			before := written()
			b.ResetTimer()
			sendCDRs(b, cf, n, n+b.N)
			b.StopTimer()
			b.ReportMetric(float64(written()-before)/float64(b.N), "B/CDR")
		})
	}
}
