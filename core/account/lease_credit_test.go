package account_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
)

// TestLeaseCredit: a settled leased call gives what it held but was not
// charged back to its open lease, on both sides; a returned lease, a
// duplicate CDR and a CDR without its LeasedCall credit nothing.
func TestLeaseCredit(t *testing.T) {
	ix := testDeck(t)
	bobDial, carolDial := dial(t, "020 7946 0000", "GB"), dial(t, "+61 412 345 678", "GB")
	cases := []struct {
		name         string
		user         string
		secs         int
		returnFirst  bool // the isolate returns the lease before the CDR
		noLeasedCall bool // the CDR reaches the object without its LeasedCall
		wantBundle   int64
		wantMoney    string
	}{
		{"bundle call, 125 s of a 600 s hold", "bob", 125, false, false, 600 - 180, "0"},
		{"bundle call, unanswered", "bob", 0, false, false, 600, "0"},
		{"bundle call, full length", "bob", 600, false, false, 0, "0"},
		{"payg call, 61 s of 10 minutes at 0.38", "carol", 61, false, false, 0, "3.04"},
		{"lease returned first", "bob", 125, true, false, 0, "0"},
		{"CDR without its LeasedCall", "bob", 125, false, true, 0, "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := account.NewLedger(gbAccount(t, func(s *account.Settings) { s.CallLimit = 600; s.Cap = money("100") }),
				account.LeasePolicy{Isolates: 2})
			h, err := account.NewLeaseHolder(viewOf(t, l), mustGrant(t, l, november))
			must(t, err)
			dl := bobDial
			if c.user == "carol" {
				dl = carolDial
			}
			req := account.Request{CallID: "x1", User: c.user, Dialled: dl, Start: november}
			d, renew := h.Authorize(ix, req)
			if !d.Allowed || renew {
				t.Fatalf("%s renew=%v", d.Reason, renew)
			}
			lc, err := h.Reserve(req, d)
			must(t, err)
			before := h.Unused()
			if c.returnFirst {
				must(t, l.Return(h.Lease().ID, before))
			}
			var lcp *account.LeasedCall
			if !c.noLeasedCall {
				lcp = &lc
			}
			cdr := account.CDR{CallID: "x1", User: c.user, Dialled: dl, Start: november, Seconds: c.secs}
			r, cr, err := l.SettleCDR(ix, cdr, lcp)
			must(t, err)
			checkLedger(t, l)
			q := d.Quote(c.secs)
			if r.BundleMinutes != q.BundleMinutes || !r.Cost.Equal(q.Cost) {
				t.Errorf("charged %+v, quoted %+v", r.Charge, q)
			}
			if cr.BundleSeconds != c.wantBundle || !cr.Money.Equal(money(c.wantMoney)) {
				t.Fatalf("credit %d s %s, want %d s %s", cr.BundleSeconds, cr.Money, c.wantBundle, c.wantMoney)
			}
			if cr.IsZero() {
				return
			}
			ok, err := h.Credit("x1", cr)
			must(t, err)
			if !ok {
				t.Fatal("the holder refused the credit of its own lease")
			}
			after := h.Unused()
			if after.BundleSeconds != before.BundleSeconds+cr.BundleSeconds || !after.Money.Equal(before.Money.Add(cr.Money)) {
				t.Errorf("unused %+v → %+v after a credit of %+v", before, after, cr)
			}
			// The object's lease holds exactly what the isolate may still use.
			ls := l.Leases()
			if len(ls) != 1 || ls[0].BundleSeconds != after.BundleSeconds || !ls[0].Money.Equal(after.Money) {
				t.Errorf("object's lease %+v, isolate's unused %+v", ls, after)
			}
			// A duplicate CDR credits nothing.
			if _, cr2, err := l.SettleCDR(ix, cdr, lcp); err != nil || !cr2.IsZero() {
				t.Errorf("duplicate: credit %+v, %v", cr2, err)
			}
			// Returning everything leaves the account as if no lease was cut.
			must(t, l.Return(h.Lease().ID, h.Unused()))
			checkLedger(t, l)
			if u := l.Account().UsageAt(november); u.HeldMinutes != 0 || !u.HeldPAYG.IsZero() {
				t.Errorf("still held: %+v", u)
			}
		})
	}
}

func TestLeaseHolderCreditRefused(t *testing.T) {
	l := account.NewLedger(gbAccount(t, nil), account.LeasePolicy{})
	h, err := account.NewLeaseHolder(viewOf(t, l), mustGrant(t, l, november))
	must(t, err)
	id := h.Lease().ID
	for _, c := range []account.Credit{
		{LeaseID: "other", BundleSeconds: 60, Money: decimal.Zero},
		{LeaseID: id, BundleSeconds: 60, Money: decimal.Zero}, // nothing consumed yet
		{LeaseID: id, BundleSeconds: 0, Money: money("0.01")},
	} {
		if ok, err := h.Credit("c", c); ok || err != nil {
			t.Errorf("%+v: ok=%v err=%v", c, ok, err)
		}
	}
	for _, c := range []account.Credit{
		{LeaseID: id, BundleSeconds: -1, Money: decimal.Zero},
		{LeaseID: id, Money: decimal.New(-1, 0)},
		{LeaseID: id, Money: decimal.New(1, -12)},
	} {
		if _, err := h.Credit("c", c); core.ErrorCode(err) != core.Invalid {
			t.Errorf("%+v: %v, want invalid", c, err)
		}
	}
	if u := h.Unused(); u.BundleSeconds != h.Lease().BundleSeconds {
		t.Errorf("a refused credit changed the lease: %+v", u)
	}
}

// TestLeaseCreditSimulation: one isolate authorizes random calls from a
// lease kept alive by credits; every call is charged its quote, the
// invariant holds after every step, and the lease is renewed far less
// often than calls are made.
func TestLeaseCreditSimulation(t *testing.T) {
	ix := testDeck(t)
	rng := rand.New(rand.NewPCG(4, 2026))
	l := account.NewLedger(gbAccount(t, func(s *account.Settings) { s.CallLimit = 600; s.Cap = money("100"); s.Overspend = true }),
		account.LeasePolicy{Isolates: 4, TTL: time.Hour})
	h, err := account.NewLeaseHolder(viewOf(t, l), mustGrant(t, l, november))
	must(t, err)
	users := []struct{ user, dial string }{{"bob", "020 7946 0000"}, {"carol", "+61 412 345 678"}, {"bob", "999"}}
	type open struct {
		cdr account.CDR
		lc  *account.LeasedCall
		d   account.Decision
	}
	var inFlight []open
	renewals, direct, calls := 0, 0, 600
	at := november
	settle := func(o open) {
		r, cr, err := l.SettleCDR(ix, o.cdr, o.lc)
		must(t, err)
		if q := o.d.Quote(o.cdr.Seconds); r.BundleMinutes != q.BundleMinutes || !r.Cost.Equal(q.Cost) {
			t.Fatalf("%s charged %+v, quoted %+v", o.cdr.CallID, r.Charge, q)
		}
		if !cr.IsZero() {
			if _, err := h.Credit(o.cdr.CallID, cr); err != nil {
				t.Fatal(err)
			}
		}
		checkLedger(t, l)
	}
	for i := range calls {
		at = at.Add(time.Duration(rng.IntN(5000)) * time.Millisecond)
		u := users[rng.IntN(len(users))]
		req := account.Request{CallID: fmt.Sprintf("s%04d", i), User: u.user, Dialled: dial(t, u.dial, "GB"), Start: at}
		d, renew := h.Authorize(ix, req)
		if renew {
			renewals++
			g, err := l.Renew(at, h.Lease().ID, h.Unused())
			must(t, err)
			must(t, h.Adopt(g))
			if d, renew = h.Authorize(ix, req); renew {
				// Even a fresh lease bounds it: the authority decides.
				direct++
				d, err = l.Account().AuthorizeAndReserve(ix, req)
				must(t, err)
			}
		}
		if d.Allowed {
			var lcp *account.LeasedCall
			if !renew {
				lc, err := h.Reserve(req, d)
				must(t, err)
				lcp = &lc
			}
			secs := min(rng.IntN(61), d.MaxSeconds) // quotas do not bind
			inFlight = append(inFlight, open{account.CDR{CallID: req.CallID, User: req.User, Dialled: req.Dialled, Start: at, Seconds: secs}, lcp, d})
		}
		checkLedger(t, l)
		for len(inFlight) > 3 { // a few calls in progress at a time
			k := rng.IntN(len(inFlight))
			settle(inFlight[k])
			inFlight = append(inFlight[:k], inFlight[k+1:]...)
		}
	}
	for _, o := range inFlight {
		settle(o)
	}
	must(t, l.Return(h.Lease().ID, h.Unused()))
	l.Expire(at.Add(48 * time.Hour))
	checkLedger(t, l)
	if u := l.Account().UsageAt(november); u.HeldMinutes != 0 || !u.HeldPAYG.IsZero() || u.PAYG.GreaterThan(money("100")) || u.BundleMinutes > u.BundleSize {
		t.Errorf("at the end: %+v", u)
	}
	t.Logf("%d calls, %d renewals on the call path, %d decided by the authority", calls, renewals, direct)
	if renewals > calls/10 {
		t.Errorf("%d renewals for %d calls: credits do not keep the lease alive", renewals, calls)
	}
}
