package account_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
)

// callStore is account.RatedCalls over encoded records by call id, as a
// storage keeps them: Remember only queues a record, commit stores the
// queue (with the account, in the Durable Object). With loaded set, only
// the call ids it names may be looked up (the object reads the records of
// a CDR batch, not every record).
type callStore struct {
	recs    map[string][]byte
	pending []account.RatedCall
	loaded  map[string]bool
}

func newCallStore() *callStore { return &callStore{recs: map[string][]byte{}} }

func (s *callStore) Rated(id string) (account.RatedCall, bool, error) {
	if s.loaded != nil && !s.loaded[id] {
		return account.RatedCall{}, false, core.Errorf(core.Internal, "record of %q not read", id)
	}
	for _, rc := range s.pending {
		if rc.CallID() == id {
			return rc, true, nil
		}
	}
	b, ok := s.recs[id]
	if !ok {
		return account.RatedCall{}, false, nil
	}
	rc, err := account.DecodeRatedCall(b)
	return rc, err == nil, err
}

func (s *callStore) Remember(rc account.RatedCall) { s.pending = append(s.pending, rc) }

func (s *callStore) commit(t testing.TB) {
	t.Helper()
	for _, rc := range s.pending {
		if _, dup := s.recs[rc.CallID()]; dup {
			t.Fatalf("call %q remembered twice", rc.CallID())
		}
		b, err := rc.Encode()
		must(t, err)
		s.recs[rc.CallID()] = b
	}
	s.pending = nil
}

// splitLedger is a ledger whose rated calls live in a callStore, and which
// is persisted and reloaded between steps, as the Durable Object does.
type splitLedger struct {
	agg    []byte // the ledger's encoding: the account without rated calls
	calls  *callStore
	policy account.LeasePolicy
}

func (s *splitLedger) load(t testing.TB) *account.Ledger {
	t.Helper()
	l, err := account.DecodeLedger(account.DemoCatalog(), s.agg, s.policy)
	must(t, err)
	if old := l.Account().UseRatedCalls(s.calls); len(old) != 0 {
		t.Fatalf("the stored ledger carries %d rated calls", len(old))
	}
	return l
}

func (s *splitLedger) save(t testing.TB, l *account.Ledger) {
	t.Helper()
	b, err := l.Encode()
	must(t, err)
	s.agg = b
	s.calls.commit(t)
}

// TestRatedCallsOutside: an account whose rated calls are kept outside it
// (one record per call, reloaded before every CDR) rates every CDR as the
// account that keeps them itself: the same charges, the same duplicates,
// conflicts and refusals, across months; and its stored state does not
// grow with the calls.
func TestRatedCallsOutside(t *testing.T) {
	ix := testDeck(t)
	gb, au := dial(t, "020 7946 0000", "GB"), dial(t, "+61 412 345 678", "GB")
	dec := november.AddDate(0, 1, 0)
	jan := november.AddDate(0, 2, 0)
	steps := []struct {
		name    string
		cdr     account.CDR
		dup     bool
		errCode core.Code
	}{
		{"bundle call", account.CDR{CallID: "c1", User: "bob", Dialled: gb, Start: november, Seconds: 125}, false, ""},
		{"payg call", account.CDR{CallID: "c2", User: "carol", Dialled: au, Start: november, Seconds: 61}, false, ""},
		{"c1 again", account.CDR{CallID: "c1", User: "bob", Dialled: gb, Start: november, Seconds: 125}, true, ""},
		{"c1 with other seconds", account.CDR{CallID: "c1", User: "bob", Dialled: gb, Start: november, Seconds: 126}, false, core.Conflict},
		{"c2 again", account.CDR{CallID: "c2", User: "carol", Dialled: au, Start: november, Seconds: 61}, true, ""},
		{"unknown user", account.CDR{CallID: "c3", User: "zed", Dialled: gb, Start: november, Seconds: 10}, false, core.NotFound},
		{"december call", account.CDR{CallID: "d1", User: "carol", Dialled: au, Start: dec, Seconds: 600}, false, ""},
		{"late november call", account.CDR{CallID: "c4", User: "bob", Dialled: gb, Start: november.Add(time.Hour), Seconds: 60}, false, ""},
		{"c1 again in december", account.CDR{CallID: "c1", User: "bob", Dialled: gb, Start: november, Seconds: 125}, true, ""},
		{"january call", account.CDR{CallID: "j1", User: "bob", Dialled: gb, Start: jan, Seconds: 60}, false, ""},
		{"c1 again in january: too old", account.CDR{CallID: "c1", User: "bob", Dialled: gb, Start: november, Seconds: 125}, false, core.Invalid},
		{"d1 again in january", account.CDR{CallID: "d1", User: "carol", Dialled: au, Start: dec, Seconds: 600}, true, ""},
	}
	whole := gbAccount(t, nil)
	split := &splitLedger{calls: newCallStore()}
	split.save(t, account.NewLedger(gbAccount(t, nil), account.LeasePolicy{}))
	for _, s := range steps {
		l := split.load(t)
		want, werr := whole.RateCDR(ix, s.cdr)
		got, gerr := l.Account().RateCDR(ix, s.cdr)
		split.save(t, l)
		if core.ErrorCode(werr) != s.errCode || core.ErrorCode(gerr) != s.errCode {
			t.Fatalf("%s: errors %v / %v, want %q", s.name, werr, gerr, s.errCode)
		}
		if got.Duplicate != s.dup || want.Duplicate != s.dup {
			t.Errorf("%s: duplicate %v / %v, want %v", s.name, want.Duplicate, got.Duplicate, s.dup)
		}
		if !got.Cost.Equal(want.Cost) || got.BundleMinutes != want.BundleMinutes || got.Cover != want.Cover ||
			got.Authorized != want.Authorized || len(got.Notices) != len(want.Notices) {
			t.Errorf("%s: split %+v, whole %+v", s.name, got, want)
		}
		for _, m := range []time.Time{november, dec, jan} {
			if u1, u2 := whole.UsageAt(m), l.Account().UsageAt(m); u1.BundleMinutes != u2.BundleMinutes || !u1.PAYG.Equal(u2.PAYG) || u1.PAYGMinutes != u2.PAYGMinutes {
				t.Errorf("%s: usage of %s: whole %+v, split %+v", s.name, m.Format("2006-01"), u1, u2)
			}
		}
	}
	if len(split.calls.recs) != 5 {
		t.Errorf("%d records stored, want 5 (c1 c2 d1 c4 j1)", len(split.calls.recs))
	}
	// The account keeps what its month and the one before need.
	l := split.load(t)
	for id, want := range map[string]bool{"c1": false, "c2": false, "c4": false, "d1": true, "j1": true} {
		rc, _ := account.DecodeRatedCall(split.calls.recs[id])
		if got := l.Account().Remembers(rc); got != want {
			t.Errorf("Remembers(%s) = %v, want %v", id, got, want)
		}
	}
}

// TestRatedCallsOutsideSize: the stored account does not grow with the
// calls it rated; each call adds one small record.
func TestRatedCallsOutsideSize(t *testing.T) {
	ix := testDeck(t)
	gb := dial(t, "020 7946 0000", "GB")
	split := &splitLedger{calls: newCallStore()}
	split.save(t, account.NewLedger(gbAccount(t, nil), account.LeasePolicy{}))
	sizes := map[int]int{}
	for i := 1; i <= 300; i++ {
		l := split.load(t)
		_, err := l.Account().RateCDR(ix, account.CDR{CallID: "call-" + string(rune('A'+i%26)) + string(rune('a'+i/26)), User: "bob", Dialled: gb, Start: november, Seconds: 0})
		must(t, err)
		split.save(t, l)
		sizes[i] = len(split.agg)
	}
	if sizes[10] != sizes[300] {
		t.Errorf("stored account: %d bytes after 10 calls, %d after 300", sizes[10], sizes[300])
	}
	for id, b := range split.calls.recs {
		if len(b) > 200 {
			t.Errorf("record of %s: %d bytes", id, len(b))
		}
	}
}

// TestRatedCallsLookupFails: when the record of a call cannot be read,
// rating, reserving and settling a leased call fail and change nothing.
func TestRatedCallsLookupFails(t *testing.T) {
	ix := testDeck(t)
	gb := dial(t, "020 7946 0000", "GB")
	l := account.NewLedger(gbAccount(t, nil), account.LeasePolicy{})
	h, err := account.NewLeaseHolder(viewOf(t, l), mustGrant(t, l, november))
	must(t, err)
	req := account.Request{CallID: "x1", User: "bob", Dialled: gb, Start: november}
	d, _ := h.Authorize(ix, req)
	lc, err := h.Reserve(req, d)
	must(t, err)
	store := newCallStore()
	store.loaded = map[string]bool{}
	l.Account().UseRatedCalls(store)
	before, err := l.Encode()
	must(t, err)
	cdr := account.CDR{CallID: "x1", User: "bob", Dialled: gb, Start: november, Seconds: 30}
	if _, _, err := l.SettleCDR(ix, cdr, &lc); core.ErrorCode(err) != core.Internal {
		t.Errorf("SettleCDR: %v", err)
	}
	if _, err := l.Account().RateCDR(ix, cdr); core.ErrorCode(err) != core.Internal {
		t.Errorf("RateCDR: %v", err)
	}
	if _, err := l.Account().AuthorizeAndReserve(ix, account.Request{CallID: "x2", User: "bob", Dialled: gb, Start: november}); core.ErrorCode(err) != core.Internal {
		t.Errorf("AuthorizeAndReserve: %v", err)
	}
	after, err := l.Encode()
	must(t, err)
	if !bytes.Equal(before, after) || len(store.pending) != 0 {
		t.Error("a failed look-up changed the ledger")
	}
	checkLedger(t, l)
	// Once read, the leased call settles on its terms.
	store.loaded["x1"] = true
	r, _, err := l.SettleCDR(ix, cdr, &lc)
	if err != nil || r.BundleMinutes != 1 || len(store.pending) != 1 {
		t.Errorf("settled: %+v %v, %d records", r, err, len(store.pending))
	}
	checkLedger(t, l)
}

// TestUseRatedCalls: switching to a store hands over the calls the account
// kept, sorted, and they still make duplicates; snapshots carry none.
func TestUseRatedCalls(t *testing.T) {
	ix := testDeck(t)
	a := busyAccount(t)
	old := a.UseRatedCalls(nil)
	ids := make([]string, len(old))
	for i, rc := range old {
		ids[i] = rc.CallID()
	}
	if !slices.Equal(ids, []string{"p", "ua"}) {
		t.Fatalf("handed over %v, want [p ua]", ids)
	}
	a = busyAccount(t)
	store := newCallStore()
	for _, rc := range a.UseRatedCalls(store) {
		store.Remember(rc)
	}
	store.commit(t)
	if s := a.Snapshot(); len(s.Rated) != 0 {
		t.Errorf("snapshot carries %d rated calls", len(s.Rated))
	}
	r, err := a.RateCDR(ix, account.CDR{CallID: "p", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november, Seconds: 95})
	if err != nil || !r.Duplicate || !r.Cost.Equal(old[0].Rating().Cost) {
		t.Errorf("handed-over call: %+v %v", r, err)
	}
	// Reserving a call already rated changes nothing.
	if _, err := a.AuthorizeAndReserve(ix, account.Request{CallID: "p", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november}); err != nil {
		t.Fatal(err)
	}
	for _, res := range a.Reservations() {
		if res.CallID == "p" {
			t.Error("reserved a rated call")
		}
	}
}

func TestDecodeRatedCall(t *testing.T) {
	a := busyAccount(t)
	old := a.UseRatedCalls(nil)
	good, err := old[0].Encode()
	must(t, err)
	back, err := account.DecodeRatedCall(good)
	must(t, err)
	if b2, _ := back.Encode(); !bytes.Equal(good, b2) || back.CallID() != old[0].CallID() || !back.Rating().Cost.Equal(old[0].Rating().Cost) {
		t.Fatalf("round trip changed the record: %+v vs %+v", back.Rating(), old[0].Rating())
	}
	enc := func(change func(*account.SnapshotRated)) []byte {
		var s account.SnapshotRated
		_, err := s.UnmarshalMsg(good)
		must(t, err)
		change(&s)
		b, err := s.MarshalMsg(nil)
		must(t, err)
		return b
	}
	cases := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"truncated", good[:len(good)/2]},
		{"trailing bytes", append(slices.Clone(good), 0xc0)},
		{"too large", make([]byte, 5000)},
		{"no call id", enc(func(s *account.SnapshotRated) { s.CallID = "" })},
		{"negative cost", enc(func(s *account.SnapshotRated) { s.Cost = decimal.New(-1, 0) })},
		{"cost too precise", enc(func(s *account.SnapshotRated) { s.Cost = money("0.00001") })},
		{"bad cover", enc(func(s *account.SnapshotRated) { s.Cover = 9 })},
		{"bad kind", enc(func(s *account.SnapshotRated) { s.Kind = 200 })},
		{"negative seconds", enc(func(s *account.SnapshotRated) { s.Seconds = -1 })},
		{"negative period", enc(func(s *account.SnapshotRated) { s.Period = -1 })},
	}
	for _, c := range cases {
		if _, err := account.DecodeRatedCall(c.b); core.ErrorCode(err) != core.Invalid {
			t.Errorf("%s: %v, want invalid", c.name, err)
		}
	}
}

func FuzzDecodeRatedCall(f *testing.F) {
	a := busyAccount(f)
	for _, rc := range a.UseRatedCalls(nil) {
		b, err := rc.Encode()
		must(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rc, err := account.DecodeRatedCall(b)
		if err != nil {
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("error %v is not invalid", err)
			}
			return
		}
		b2, err := rc.Encode()
		must(t, err)
		rc2, err := account.DecodeRatedCall(b2)
		if err != nil || !rc.Rating().Kind.IsValid() || rc2.CallID() != rc.CallID() {
			t.Fatalf("re-encoded record: %+v %v", rc2, err)
		}
		if b3, _ := rc2.Encode(); !bytes.Equal(b2, b3) {
			t.Fatal("a decoded record re-encodes differently")
		}
	})
}
