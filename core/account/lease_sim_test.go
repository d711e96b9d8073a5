package account_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// simCall is one call of the simulation: who calls what, from which
// isolate, when, and how long it would last if allowed (the switch cuts
// it at MaxSeconds).
type simCall struct {
	id      string
	isolate int
	user    string
	dialled e164.Dialled
	dir     account.Direction
	start   time.Time
	secs    int
}

// simMix is a realistic mix of calls for the demo account: mostly domestic
// bundle calls, some packages, international pay-as-you-go, inbound and
// emergency calls.
func simCalls(t testing.TB, rng *rand.Rand, n, isolates int) []simCall {
	mix := []struct {
		weight int
		user   string
		dial   string
		dir    account.Direction
	}{
		{50, "bob", "020 7946 0000", account.Outbound},
		{8, "bob", "07700 900123", account.Outbound},
		{15, "carol", "+61 412 345 678", account.Outbound},
		{2, "carol", "+33 1 23 45 67 89", account.Outbound},
		{10, "carol", "+1 212 555 0100", account.Outbound},
		{5, "alice", "+61 2 9999 9999", account.Outbound},
		{6, "bob", "+61 2 9999 9999", account.Inbound},
		{2, "bob", "999", account.Outbound},
		{2, "bob", "+61 2 9999 9999", account.Outbound}, // denied: domestic only
	}
	total := 0
	for _, m := range mix {
		total += m.weight
	}
	parsed := make([]e164.Dialled, len(mix))
	for i, m := range mix {
		parsed[i] = dial(t, m.dial, "GB")
	}
	at := november
	calls := make([]simCall, n)
	for i := range calls {
		at = at.Add(time.Duration(rng.IntN(3000)) * time.Millisecond)
		w := rng.IntN(total)
		k := 0
		for w >= mix[k].weight {
			w -= mix[k].weight
			k++
		}
		secs := rng.IntN(900)
		if rng.IntN(10) == 0 {
			secs = 0 // unanswered
		}
		calls[i] = simCall{id: fmt.Sprintf("c%05d", i), isolate: rng.IntN(isolates), user: mix[k].user,
			dialled: parsed[k], dir: mix[k].dir, start: at, secs: secs}
	}
	return calls
}

type simCDR struct {
	cdr account.CDR
	lc  *account.LeasedCall
	d   account.Decision
}

type simResult struct {
	auths, roundTrips, direct int
	background                int // renewals off the call path (RenewSoon)
	bundleMinutes             int
	payg                      decimal.Decimal
	charges                   map[string]account.Charge
}

// pending holds CDRs by end time.
type pending []simCDR

func (p *pending) add(c simCDR) { *p = append(*p, c) }

// due removes and returns the CDRs ending by t, in end order.
func (p *pending) due(t time.Time) []simCDR {
	end := func(c simCDR) time.Time { return c.cdr.Start.Add(time.Duration(c.cdr.Seconds) * time.Second) }
	slices.SortStableFunc(*p, func(x, y simCDR) int { return end(x).Compare(end(y)) })
	i := 0
	for i < len(*p) && !end((*p)[i]).After(t) {
		i++
	}
	out := slices.Clone((*p)[:i])
	*p = slices.Delete(*p, 0, i)
	return out
}

func durationFor(c simCall, d account.Decision) int { return min(c.secs, d.MaxSeconds) }

// runLeased runs the calls through isolates holding leases from one
// ledger, checking the invariant after every step and every charge against
// its decision's quote (the slow reference ledger: sums of quotes).
//
// With proactive, isolates renew in the background when RenewSoon says so
// (counted apart: no call waits for those).
func runLeased(t testing.TB, ix *deck.Index, newAcct func() *account.Account, p account.LeasePolicy, calls []simCall, isolates int, proactive bool) simResult {
	return runLeasedSplit(t, ix, newAcct, p, calls, isolates, proactive, false)
}

// runLeasedSplit is runLeased; with split, the ledger keeps its rated
// calls in a callStore, and is stored and reloaded around every CDR, which
// is sent again after another reload (a duplicate, the same charge).
func runLeasedSplit(t testing.TB, ix *deck.Index, newAcct func() *account.Account, p account.LeasePolicy, calls []simCall, isolates int, proactive, split bool) simResult {
	l := account.NewLedger(newAcct(), p)
	var store *splitLedger
	if split {
		store = &splitLedger{calls: newCallStore(), policy: p}
		l.Account().UseRatedCalls(store.calls)
	}
	holders := make([]*account.LeaseHolder, isolates)
	res := simResult{payg: decimal.Zero, charges: map[string]account.Charge{}}
	var q pending
	refMinutes, refPAYG := 0, decimal.Zero
	settle := func(cs []simCDR) {
		for _, c := range cs {
			if store != nil {
				store.save(t, l)
				l = store.load(t)
			}
			r, err := l.RateCDR(ix, c.cdr, c.lc)
			if err != nil {
				t.Fatalf("%s: %v", c.cdr.CallID, err)
			}
			if store != nil {
				store.save(t, l)
				l = store.load(t)
				again, err := l.RateCDR(ix, c.cdr, c.lc)
				if err != nil || !again.Duplicate || again.BundleMinutes != r.BundleMinutes || again.PAYGSeconds != r.PAYGSeconds || !again.Cost.Equal(r.Cost) {
					t.Fatalf("%s sent again: %+v %v, first %+v", c.cdr.CallID, again, err, r)
				}
			}
			want := c.d.Quote(c.cdr.Seconds)
			if r.BundleMinutes != want.BundleMinutes || r.PAYGSeconds != want.PAYGSeconds || !r.Cost.Equal(want.Cost) {
				t.Fatalf("%s charged %+v, quoted %+v", c.cdr.CallID, r.Charge, want)
			}
			refMinutes += want.BundleMinutes
			refPAYG = refPAYG.Add(want.Cost)
			res.charges[c.cdr.CallID] = r.Charge
			if err := l.Check(); err != nil {
				t.Fatalf("after CDR %s: %v", c.cdr.CallID, err)
			}
		}
	}
	for i, c := range calls {
		settle(q.due(c.start))
		if i%50 == 0 {
			l.Expire(c.start)
		}
		req := account.Request{CallID: c.id, User: c.user, Dialled: c.dialled, Direction: c.dir, Start: c.start}
		res.auths++
		h := holders[c.isolate]
		if h == nil {
			g, err := l.Grant(c.start)
			must(t, err)
			h, err = account.NewLeaseHolder(viewOf(t, l), g)
			must(t, err)
			holders[c.isolate] = h
			res.roundTrips++
		}
		d, renew := h.Authorize(ix, req)
		direct := false
		if renew {
			res.roundTrips++
			g, err := l.Renew(c.start, h.Lease().ID, h.Unused())
			must(t, err)
			must(t, h.Adopt(g))
			if d, renew = h.Authorize(ix, req); renew {
				// Even a fresh lease cannot decide it: the authority does.
				res.direct++
				direct = true
				d, err = l.Account().AuthorizeAndReserve(ix, req)
				must(t, err)
			}
		}
		if err := l.Check(); err != nil {
			t.Fatalf("after authorizing %s: %v", c.id, err)
		}
		if d.Allowed {
			cdr := account.CDR{CallID: c.id, User: c.user, Dialled: c.dialled, Direction: c.dir, Start: c.start, Seconds: durationFor(c, d)}
			var lc *account.LeasedCall
			if !direct {
				x, err := h.Reserve(req, d)
				must(t, err)
				lc = &x
			}
			q.add(simCDR{cdr, lc, d})
		}
		if proactive && h.RenewSoon(c.start) {
			res.background++
			g, err := l.Renew(c.start, h.Lease().ID, h.Unused())
			must(t, err)
			must(t, h.Adopt(g))
		}
	}
	settle(q.due(calls[len(calls)-1].start.Add(24 * time.Hour)))
	for _, h := range holders {
		if h != nil {
			must(t, l.Return(h.Lease().ID, h.Unused()))
		}
	}
	l.Expire(calls[len(calls)-1].start.Add(48 * time.Hour))
	if err := l.Check(); err != nil {
		t.Fatal(err)
	}
	u := l.Account().UsageAt(november)
	if u.HeldMinutes != 0 || !u.HeldPAYG.IsZero() || len(l.Leases()) != 0 {
		t.Fatalf("still held at the end: %+v, leases %+v", u, l.Leases())
	}
	if u.BundleMinutes != refMinutes || !u.PAYG.Equal(refPAYG) {
		t.Fatalf("account charged %d min %s; the reference ledger %d min %s", u.BundleMinutes, u.PAYG, refMinutes, refPAYG)
	}
	if s := l.Account().Settings(); s.Capped && u.PAYG.GreaterThan(s.Cap) || u.BundleMinutes > u.BundleSize {
		t.Fatalf("over the cap or the pool: %+v", u)
	}
	res.bundleMinutes, res.payg = u.BundleMinutes, u.PAYG
	return res
}

// runSingle runs the same calls against one authority (no leases).
func runSingle(t testing.TB, ix *deck.Index, a *account.Account, calls []simCall) simResult {
	res := simResult{payg: decimal.Zero, charges: map[string]account.Charge{}}
	var q pending
	settle := func(cs []simCDR) {
		for _, c := range cs {
			r, err := a.RateCDR(ix, c.cdr)
			must(t, err)
			res.charges[c.cdr.CallID] = r.Charge
		}
	}
	for i, c := range calls {
		settle(q.due(c.start))
		if i%50 == 0 {
			a.Expire(c.start)
		}
		req := account.Request{CallID: c.id, User: c.user, Dialled: c.dialled, Direction: c.dir, Start: c.start}
		d, err := a.AuthorizeAndReserve(ix, req)
		must(t, err)
		if d.Allowed {
			q.add(simCDR{cdr: account.CDR{CallID: c.id, User: c.user, Dialled: c.dialled, Direction: c.dir, Start: c.start, Seconds: durationFor(c, d)}, d: d})
		}
	}
	settle(q.due(calls[len(calls)-1].start.Add(24 * time.Hour)))
	u := a.UsageAt(november)
	res.bundleMinutes, res.payg = u.BundleMinutes, u.PAYG
	return res
}

func simAccount(t testing.TB, bundles int, capped bool, cap string) func() *account.Account {
	return func() *account.Account {
		a := gbAccount(t, func(s *account.Settings) {
			s.Overspend, s.CallLimit, s.Capped, s.Cap = true, 600, capped, money(cap)
		})
		must(t, a.SetQuantity("bundle-1200", bundles))
		return a
	}
}

// TestLeaseSimulation runs random calls from several isolates through
// leases (renewals, expiries, CDRs) with a fixed seed: the invariant holds
// after every step, every call is charged exactly its quote, and where the
// quotas do not bind, the money and minutes charged equal those of one
// authority deciding every call itself.
func TestLeaseSimulation(t *testing.T) {
	ix := testDeck(t)
	n := 3000
	if runtime.GOARCH == "wasm" {
		n = 800 // the same checks, fewer calls: node is slow
	}
	cases := []struct {
		name      string
		acct      func() *account.Account
		policy    account.LeasePolicy
		isolates  int
		same      bool // equals the single-authority run exactly
		proactive bool
		split     bool // rated calls kept outside the account (RatedCalls)
	}{
		{"plenty", simAccount(t, 100, true, "100000"), account.LeasePolicy{Isolates: 4, TTL: 5 * time.Minute}, 4, true, false, false},
		{"plenty, background renewals", simAccount(t, 100, true, "100000"), account.LeasePolicy{Isolates: 4, TTL: time.Minute}, 4, true, true, false},
		{"uncapped", simAccount(t, 100, false, "0"), account.LeasePolicy{Isolates: 4, TTL: time.Minute}, 6, true, true, false},
		{"scarce bundle and cap", simAccount(t, 1, true, "40"), account.LeasePolicy{Isolates: 4, MinMoney: money("2"), TTL: time.Minute}, 4, false, true, false},
		{"one isolate", simAccount(t, 1, true, "40"), account.LeasePolicy{Isolates: 1, TTL: time.Minute}, 1, true, false, false},
		{"plenty, rated calls outside, reloaded", simAccount(t, 100, true, "100000"), account.LeasePolicy{Isolates: 4, TTL: time.Minute}, 4, true, true, true},
		{"scarce, rated calls outside, reloaded", simAccount(t, 1, true, "40"), account.LeasePolicy{Isolates: 4, MinMoney: money("2"), TTL: time.Minute}, 4, false, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2026, 11))
			calls := simCalls(t, rng, n, c.isolates)
			leased := runLeasedSplit(t, ix, c.acct, c.policy, calls, c.isolates, c.proactive, c.split)
			single := runSingle(t, ix, c.acct(), calls)
			t.Logf("%d authorizations, %d DO round trips on the call path (%.2f%%), %d decided by the DO, %d background renewals; leased %d min %s, single %d min %s",
				leased.auths, leased.roundTrips, 100*float64(leased.roundTrips)/float64(leased.auths), leased.direct, leased.background,
				leased.bundleMinutes, leased.payg, single.bundleMinutes, single.payg)
			if !c.same {
				return
			}
			if leased.bundleMinutes != single.bundleMinutes || !leased.payg.Equal(single.payg) || len(leased.charges) != len(single.charges) {
				t.Fatalf("leased run charged %d min %s for %d calls, single authority %d min %s for %d calls",
					leased.bundleMinutes, leased.payg, len(leased.charges), single.bundleMinutes, single.payg, len(single.charges))
			}
			for id, x := range leased.charges {
				if y := single.charges[id]; x.BundleMinutes != y.BundleMinutes || !x.Cost.Equal(y.Cost) {
					t.Fatalf("%s: leased %+v, single %+v", id, x, y)
				}
			}
		})
	}
}
