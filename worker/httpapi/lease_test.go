package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// newLeaseFixture is the carrier fixture with quota leases on, granted by
// policy p.
func newLeaseFixture(t testing.TB, p account.LeasePolicy) *carrierFixture {
	t.Helper()
	cf := newCarrierFixture(t)
	cf.object.cfg.Lease = p
	now := func() time.Time { return cf.now }
	cf.srv = New(Config{Blobs: cf.blobs, Keys: cf.ledger, Tenants: cf.ledger, Now: now, Decks: cf.object.cfg.Decks,
		Accounts: cf.accounts, Catalog: account.DemoCatalog(), Leases: true})
	return cf
}

// authorizeServed is authorize with the Tollgate-Served-By header.
func (cf *carrierFixture) authorizeServed(t testing.TB, q AuthorizeRequest) (AuthorizeResponse, string) {
	t.Helper()
	b, _ := json.Marshal(q)
	w := cf.do("POST", "/v1/authorize", tokenAll, b, "Content-Type", "application/json")
	if w.Code != 200 {
		t.Fatalf("authorize %+v: %d %s", q, w.Code, w.Body)
	}
	var d AuthorizeResponse
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	return d, w.Header().Get(servedByHeader)
}

func (cf *carrierFixture) settle(t testing.TB, q AuthorizeRequest, secs int) RatingJSON {
	t.Helper()
	batch := CDRBatch{CDRs: []CDRJSON{{CallID: q.CallID, User: q.User, Dialled: q.Dialled, Start: q.Start, Seconds: &secs}}}
	b, _ := json.Marshal(batch)
	w := cf.do("POST", "/v1/cdrs", tokenAll, b, "Content-Type", "application/json")
	var out CDRBatchResponse
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &out) != nil || len(out.Results) != 1 {
		t.Fatalf("cdrs: %d %s", w.Code, w.Body)
	}
	if r := out.Results[0]; r.Error != nil {
		t.Fatalf("cdr %s: %+v", q.CallID, r.Error)
	}
	return out.Results[0]
}

// TestLeasedAuthorizations: after one lease grant, bundle calls are
// decided in the isolate; each CDR charges the quote and credits the lease,
// so the lease keeps serving.
func TestLeasedAuthorizations(t *testing.T) {
	cf := newLeaseFixture(t, account.LeasePolicy{Isolates: 1}) // the lease is all that is free
	start := cf.now.Format(time.RFC3339)
	served := map[string]int{}
	for i := range 50 {
		q := AuthorizeRequest{CallID: "l" + strconv.Itoa(i), User: "bob", Dialled: "020 7946 0000", Start: start}
		d, by := cf.authorizeServed(t, q)
		served[by]++
		if !d.Allowed || d.Cover != "bundle" || d.MaxSeconds == nil || *d.MaxSeconds != account.DefaultCallLimit {
			t.Fatalf("%s: %+v", q.CallID, d)
		}
		if i == 0 {
			// The lease holds the call; the object has no reservation.
			s := cf.state(t, "acme")
			if len(s.Leases) != 1 || len(s.InProgress) != 0 || s.HeldMinutes == 0 {
				t.Fatalf("state after the first call: %+v", s)
			}
		}
		secs := i * 7 % 200
		r := cf.settle(t, q, secs)
		if r.Cover != "bundle" || r.BundleMinutes != (secs+59)/60 || r.Cost != "0" {
			t.Fatalf("%s charged %+v for %d s", q.CallID, r, secs)
		}
	}
	if served["object"] != 1 || served["isolate"] != 49 {
		t.Errorf("served by %v, want one lease grant and 49 from the isolate", served)
	}
	s := cf.state(t, "acme")
	if len(s.Leases) != 1 || len(s.InProgress) != 0 {
		t.Errorf("state: %+v", s)
	}
	// Repeating an authorization answers the reserved decision, not a
	// second reservation.
	q := AuthorizeRequest{CallID: "again", User: "bob", Dialled: "020 7946 0000", Start: start}
	d1, _ := cf.authorizeServed(t, q)
	d2, by := cf.authorizeServed(t, q)
	if by != "isolate" || *d1.MaxSeconds != *d2.MaxSeconds || d1.Expires != d2.Expires {
		t.Errorf("again: %+v / %+v by %s", d1, d2, by)
	}
}

// TestLeaseRenewals: the lease is renewed when its copy of the account is
// older than replicaTTL and when it expires; each renewal returns what the
// old lease had, so the object holds one lease's worth at a time.
func TestLeaseRenewals(t *testing.T) {
	cf := newLeaseFixture(t, account.LeasePolicy{Isolates: 1})
	trips := 0
	for i := range 30 {
		cf.now = cf.now.Add(time.Second)
		q := AuthorizeRequest{CallID: "r" + strconv.Itoa(i), User: "bob", Dialled: "020 7946 0000", Start: cf.now.Format(time.RFC3339)}
		_, by := cf.authorizeServed(t, q)
		if by == "object" {
			trips++
		}
		cf.settle(t, q, 30)
	}
	if trips != 3 { // at 1, 11 and 21 s
		t.Errorf("%d lease requests in 30 s, want 3 (one per replicaTTL)", trips)
	}
	s := cf.state(t, "acme")
	open := 0
	for _, l := range s.Leases {
		if l.Open {
			open++
		}
	}
	if open != 1 || len(s.Leases) != 1 {
		t.Errorf("leases %+v: the renewed ones were not returned", s.Leases)
	}
	if s.BundleMinutes != 30 {
		t.Errorf("charged %d bundle minutes, want 30", s.BundleMinutes)
	}
}

// TestLeaseInvariantConcurrent fires concurrent authorizations and CDRs at
// the capped account (PAYG calls) and the bundle: what is authorized, its
// maximum duration priced, never exceeds the cap or the bundle, every
// charge is the quote for its duration, and after the leases expire
// nothing is held.
func TestLeaseInvariantConcurrent(t *testing.T) {
	cf := newLeaseFixture(t, account.LeasePolicy{})
	start := cf.now.Format(time.RFC3339)
	type call struct {
		q AuthorizeRequest
		d AuthorizeResponse
	}
	var mu sync.Mutex
	var allowed []call
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				q := AuthorizeRequest{CallID: fmt.Sprintf("g%d-%d", g, i), User: "alice", Dialled: "+61412345678", Start: start}
				if i%2 == 1 {
					q.User, q.Dialled = "bob", "020 7946 0000"
				}
				b, _ := json.Marshal(q)
				w := cf.do("POST", "/v1/authorize", tokenAll, b, "Content-Type", "application/json")
				var d AuthorizeResponse
				if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &d) != nil {
					t.Errorf("%s: %d %s", q.CallID, w.Code, w.Body)
					return
				}
				if d.Allowed {
					mu.Lock()
					allowed = append(allowed, call{q, d})
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	// Nothing settled yet: everything allowed is outstanding at once.
	cap := decimal.RequireFromString("50")
	heldMoney, heldBundle := decimal.Zero, 0
	for _, c := range allowed {
		heldMoney = heldMoney.Add(cf.priceOf(t, c.d, *c.d.MaxSeconds))
		heldBundle += c.d.BundleSeconds
	}
	if heldMoney.GreaterThan(cap) || heldBundle > 300*60 {
		t.Fatalf("authorized %s of money and %d s of bundle, over the cap 50 or the bundle 18000 s", heldMoney, heldBundle)
	}
	if len(allowed) < 5 {
		t.Fatalf("only %d calls allowed", len(allowed))
	}
	// Settle them all, concurrently, for full length or less.
	charged := decimal.Zero
	for k, c := range allowed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			secs := *c.d.MaxSeconds
			if k%3 == 0 {
				secs = secs / 3
			}
			r := cf.settle(t, c.q, secs)
			want := cf.priceOf(t, c.d, secs)
			if got := decimal.RequireFromString(r.Cost); !got.Equal(want) {
				t.Errorf("%s: charged %s for %d s, quoted %s", c.q.CallID, got, secs, want)
			}
			mu.Lock()
			charged = charged.Add(decimal.RequireFromString(r.Cost))
			mu.Unlock()
		}()
	}
	wg.Wait()
	s := cf.state(t, "acme")
	if p := decimal.RequireFromString(s.PAYG); !p.Equal(charged) || p.GreaterThan(cap) {
		t.Errorf("spent %s, charged %s (cap 50)", s.PAYG, charged)
	}
	// The leases expire (the isolate's are returned with the cron's expiry);
	// then nothing is held.
	cf.now = cf.now.Add(3 * time.Hour)
	cron := &Cron{Tenants: cf.ledger, Accounts: cf.accounts, Leases: cf.srv}
	r, _ := web.NewRequest(context.Background(), "POST", "https://cron.internal/cron", nil, nil)
	w := web.NewRecorder()
	cron.ServeWeb(w, r)
	if w.Status() != 200 {
		t.Fatalf("cron: %d", w.Status())
	}
	s = cf.state(t, "acme")
	if s.HeldMinutes != 0 || s.HeldPAYG != "0" || len(s.Leases) != 0 {
		t.Errorf("after expiry: %+v", s)
	}
}

// priceOf is a decision's quote for secs seconds, from the deck row's
// tariff: the pay-as-you-go part of the call (all of it, or what is past
// the bundle's seconds).
func (cf *carrierFixture) priceOf(t testing.TB, d AuthorizeResponse, secs int) decimal.Decimal {
	t.Helper()
	ix, _, err := cf.object.cfg.Decks.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	row, ok := ix.Lookup(strings.TrimPrefix(d.Number, "+"), cf.now)
	if !ok {
		t.Fatalf("no row for %s", d.Number)
	}
	switch {
	case d.Cover == "payg":
		return row.Tariff.Price(secs)
	case d.Cover == "bundle" && secs > d.BundleSeconds:
		return row.Tariff.Price(secs).Sub(row.Tariff.Price(d.BundleSeconds))
	}
	return decimal.Zero
}

// TestLeaseRoutesBadBodies: malformed lease requests are 400 with a clear
// error and change nothing.
func TestLeaseRoutesBadBodies(t *testing.T) {
	cf := newLeaseFixture(t, account.LeasePolicy{})
	ctx := context.Background()
	status, body, _ := cf.accounts.Call(ctx, "acme", "/lease/grant", []byte(`{}`))
	var lr leaseResponse
	if status != 200 || json.Unmarshal(body, &lr) != nil || lr.Lease == nil {
		t.Fatalf("grant: %d %s", status, body)
	}
	id := lr.Lease.ID
	before := cf.state(t, "acme")
	cases := []struct{ name, path, body string }{
		{"not JSON", "/lease/grant", `{`},
		{"unknown field", "/lease/grant", `{"x":1}`},
		{"renew names no lease", "/lease/renew", `{}`},
		{"return names no lease", "/lease/return", `{"returns":[]}`},
		{"negative bundle", "/lease/return", `{"returns":[{"lease_id":"` + id + `","bundle_seconds":-1,"money":"0"}]}`},
		{"bad money", "/lease/return", `{"returns":[{"lease_id":"` + id + `","bundle_seconds":0,"money":"lots"}]}`},
		{"money too precise", "/lease/return", `{"returns":[{"lease_id":"` + id + `","bundle_seconds":0,"money":"0.000001"}]}`},
		{"more than held", "/lease/renew", `{"returns":[{"lease_id":"` + id + `","bundle_seconds":999999,"money":"0"}]}`},
		{"twice", "/lease/return", `{"returns":[{"lease_id":"` + id + `","bundle_seconds":0,"money":"0"},{"lease_id":"` + id + `","bundle_seconds":0,"money":"0"}]}`},
		{"empty lease id", "/lease/return", `{"returns":[{"lease_id":"","bundle_seconds":0,"money":"0"}]}`},
		{"bad leased call", "/cdrs", `{"cdrs":[],"leased":[{"lease_id":"` + id + `","call_id":"c","user":"bob","start":"noon","cover":3,"reason":"bundle","bundle_seconds":60,"max_seconds":60,"hold_bundle":60,"hold_money":"0"}]}`},
		{"expire with a bad return", "/expire", `{"returns":[{"lease_id":"` + id + `","bundle_seconds":999999,"money":"0"}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := cf.accounts.Call(ctx, "acme", c.path, []byte(c.body))
			var e ErrorBody
			if status != 400 || json.Unmarshal(body, &e) != nil || e.Error.Code != core.Invalid || e.Error.Message == "" {
				t.Errorf("%d %s", status, body)
			}
		})
	}
	after := cf.state(t, "acme")
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("state changed:\n%+v\n%+v", before, after)
	}
	// A good return closes the lease; returning it again changes nothing.
	ret := fmt.Sprintf(`{"returns":[{"lease_id":%q,"bundle_seconds":%d,"money":%q}]}`, id, lr.Lease.BundleSeconds, lr.Lease.Money)
	for i, want := range []int{1, 0} {
		status, body, _ = cf.accounts.Call(ctx, "acme", "/lease/return", []byte(ret))
		var rr leaseResponse
		if status != 200 || json.Unmarshal(body, &rr) != nil || len(rr.Returned) != want || rr.Lease != nil {
			t.Errorf("return #%d: %d %s", i, status, body)
		}
	}
	if s := cf.state(t, "acme"); s.HeldMinutes != 0 || s.HeldPAYG != "0" || len(s.Leases) != 0 {
		t.Errorf("after the return: %+v", s)
	}
}

// TestLeaseDropReturnsWithNextGrant: a lease the isolate drops (a portal
// write made its copy of the account stale) is returned with the next
// lease request, including a credit a CDR gave it after the drop.
func TestLeaseDropReturnsWithNextGrant(t *testing.T) {
	cf := newLeaseFixture(t, account.LeasePolicy{})
	start := cf.now.Format(time.RFC3339)
	q := AuthorizeRequest{CallID: "d1", User: "bob", Dialled: "020 7946 0000", Start: start}
	cf.authorizeServed(t, q)
	first := cf.state(t, "acme").Leases[0]
	cf.srv.leases.drop("acme")
	// The CDR credits the (still open) lease; the isolate no longer holds it.
	if r := cf.settle(t, q, 61); r.BundleMinutes != 2 {
		t.Fatalf("d1: %+v", r)
	}
	q.CallID = "d2"
	if _, by := cf.authorizeServed(t, q); by != "object" {
		t.Errorf("after the drop the call was served by %s", by)
	}
	s := cf.state(t, "acme")
	if len(s.Leases) != 1 || s.Leases[0].ID == first.ID {
		t.Fatalf("leases %+v: the dropped lease (with its credit) was not returned", s.Leases)
	}
	// What is held is the new lease only: the credit came back.
	if s.HeldMinutes != int(s.Leases[0].BundleSeconds/60) || s.BundleMinutes != 2 {
		t.Errorf("state %+v", s)
	}
}

// countingObject counts the requests that reach the account objects.
type countingObject struct {
	next  web.Handler
	mu    sync.Mutex
	paths []string
}

func (c *countingObject) ServeWeb(w web.ResponseWriter, r *web.Request) {
	c.mu.Lock()
	c.paths = append(c.paths, r.URL.Path)
	c.mu.Unlock()
	c.next.ServeWeb(w, r)
}

// TestLeaseTooSmallDecidedByObject: a call the account could cover but a
// lease could not (a full AU call costs more than a quarter of the cap) is
// decided by the object in the same round trip as the lease grant.
func TestLeaseTooSmallDecidedByObject(t *testing.T) {
	cf := newLeaseFixture(t, account.LeasePolicy{})
	counter := &countingObject{next: cf.object}
	cf.accounts.Handler = counter
	start := cf.now.Format(time.RFC3339)
	q := AuthorizeRequest{CallID: "au1", User: "alice", Dialled: "+61412345678", Start: start}
	d, by := cf.authorizeServed(t, q)
	if !d.Allowed || d.Cover != "payg" || d.MaxSeconds == nil || *d.MaxSeconds != account.DefaultCallLimit || by != "object" {
		t.Fatalf("%+v by %s", d, by)
	}
	if len(counter.paths) != 1 || counter.paths[0] != "/lease/grant" {
		t.Errorf("object requests %v, want one lease grant", counter.paths)
	}
	s := cf.state(t, "acme")
	if len(s.InProgress) != 1 || s.InProgress[0] != "au1" || len(s.Leases) != 1 {
		t.Errorf("state %+v: want the call reserved by the object and a lease", s)
	}
	// The charge is the quote; the object rated its own reservation.
	r := cf.settle(t, q, 125)
	if r.Cost != "1.14" {
		t.Errorf("charged %+v", r)
	}
	// A domestic call fits the lease (bundle): no round trip.
	counter.paths = nil
	q2 := AuthorizeRequest{CallID: "uk1", User: "alice", Dialled: "+442079460000", Start: start}
	if d, by := cf.authorizeServed(t, q2); !d.Allowed || by != "isolate" || len(counter.paths) != 0 {
		t.Errorf("%+v by %s, object requests %v", d, by, counter.paths)
	}
}

// TestLeaseBackdatedCallGoesToObject: a call that started well before any
// lease could be cut is decided by the object alone (no lease requested);
// one that started a moment ago gets a lease cut at its start.
func TestLeaseBackdatedCallGoesToObject(t *testing.T) {
	cf := newLeaseFixture(t, account.LeasePolicy{})
	counter := &countingObject{next: cf.object}
	cf.accounts.Handler = counter
	q := AuthorizeRequest{CallID: "old", User: "bob", Dialled: "020 7946 0000", Start: cf.now.Add(-time.Minute).Format(time.RFC3339)}
	d, by := cf.authorizeServed(t, q)
	if !d.Allowed || by != "object" || len(counter.paths) != 1 || counter.paths[0] != "/authorize" {
		t.Errorf("%+v by %s, object requests %v", d, by, counter.paths)
	}
	if s := cf.state(t, "acme"); len(s.InProgress) != 1 || len(s.Leases) != 0 {
		t.Errorf("state %+v", s)
	}
	counter.paths = nil
	q = AuthorizeRequest{CallID: "recent", User: "bob", Dialled: "020 7946 0000", Start: cf.now.Add(-2 * time.Second).Format(time.RFC3339)}
	d, by = cf.authorizeServed(t, q)
	if !d.Allowed || by != "object" || len(counter.paths) != 1 || counter.paths[0] != "/lease/grant" {
		t.Errorf("%+v by %s, object requests %v", d, by, counter.paths)
	}
	if s := cf.state(t, "acme"); len(s.InProgress) != 1 || len(s.Leases) != 1 {
		t.Errorf("state %+v: want the recent call on a lease", s)
	}
}

// TestBundleUsedUpBlocksPackageCalls: with overspend off, once the pooled
// bundle is used up every outbound call but the never-blocked numbers is
// blocked — package calls too, which the isolate would otherwise answer
// from its replica (whose usage, from KV, is stale).
func TestBundleUsedUpBlocksPackageCalls(t *testing.T) {
	for _, leases := range []bool{false, true} {
		t.Run(fmt.Sprintf("leases=%v", leases), func(t *testing.T) {
			cf := newLeaseFixture(t, account.LeasePolicy{})
			if !leases {
				cf.srv = New(Config{Blobs: cf.blobs, Keys: cf.ledger, Tenants: cf.ledger, Now: func() time.Time { return cf.now },
					Decks: cf.object.cfg.Decks, Accounts: cf.accounts, Catalog: account.DemoCatalog()})
			}
			ctx := context.Background()
			b, _ := cf.blobs.Get(ctx, "account/acme")
			a, err := account.DecodeSnapshot(account.DemoCatalog(), b)
			if err != nil {
				t.Fatal(err)
			}
			st := a.Settings()
			st.Overspend = false
			if err := a.SetSettings(st); err != nil {
				t.Fatal(err)
			}
			b, _ = a.EncodeSnapshot()
			cf.blobs.Put(ctx, "account/acme", b)
			start := cf.now.Format(time.RFC3339)
			pkg := AuthorizeRequest{CallID: "pkg0", User: "carol", Dialled: "+33123456789", Start: start}
			if d, _ := cf.authorizeServed(t, pkg); !d.Allowed || d.Cover != "package" {
				t.Fatalf("package call before: %+v", d)
			}
			// Use the 300 minutes up.
			for i := 0; ; i++ {
				q := AuthorizeRequest{CallID: "use" + strconv.Itoa(i), User: "bob", Dialled: "020 7946 0000", Start: start}
				d, _ := cf.authorizeServed(t, q)
				if !d.Allowed {
					if d.Reason != "denied_bundle_exhausted" {
						t.Fatalf("%s: %+v", q.CallID, d)
					}
					break
				}
				cf.settle(t, q, *d.MaxSeconds)
				if i > 10 {
					t.Fatal("the bundle never ran out")
				}
			}
			for _, c := range []struct {
				dial, reason string
			}{{"+33123456789", "denied_bundle_exhausted"}, {"999", "emergency"}} {
				pkg.CallID, pkg.Dialled = "pkg-"+c.dial, c.dial
				if d, _ := cf.authorizeServed(t, pkg); d.Reason != c.reason {
					t.Errorf("%s after the bundle ran out: %+v", c.dial, d)
				}
			}
		})
	}
}
