package account_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
)

// viewOf is an isolate's copy of the ledger's account, as replicated.
func viewOf(t testing.TB, l *account.Ledger) *account.Account {
	t.Helper()
	b, err := l.Account().EncodeSnapshot()
	must(t, err)
	v, err := account.DecodeSnapshot(l.Account().Catalog(), b)
	must(t, err)
	return v
}

func checkLedger(t testing.TB, l *account.Ledger) {
	t.Helper()
	if err := l.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestLeaseGrantSizes(t *testing.T) {
	// gbAccount: 300-minute pool (18000 s), US$10 cap, 2-hour call limit.
	cases := []struct {
		name        string
		change      func(*account.Settings)
		policy      account.LeasePolicy
		grants      int
		wantBundle  []int64
		wantMoney   []string
		wantAll     []bool // BundleAll
		wantMoneyAl []bool
	}{
		{"quarter, at least one full call", nil, account.LeasePolicy{Isolates: 4, MinMoney: money("1")}, 4,
			[]int64{7200, 7200, 3600, 0}, []string{"2.5", "1.875", "1.4062", "1.0547"},
			[]bool{false, false, true, true}, []bool{false, false, false, false}},
		{"capped grants", nil, account.LeasePolicy{Isolates: 2, MaxBundleSeconds: 1800, MaxMoney: money("3")}, 3,
			[]int64{1800, 1800, 1800}, []string{"3", "3", "2"}, []bool{false, false, false}, []bool{false, false, false}},
		{"small cap is leased exactly", func(s *account.Settings) { s.Cap = money("0.0003") },
			account.LeasePolicy{Isolates: 4, MinMoney: money("1")}, 2,
			[]int64{7200, 7200}, []string{"0.0003", "0"}, []bool{false, false}, []bool{true, true}},
		{"uncapped", func(s *account.Settings) { s.Capped, s.Cap = false, money("0") },
			account.LeasePolicy{Isolates: 1}, 1, []int64{18000}, []string{"0"}, []bool{true}, []bool{true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := account.NewLedger(gbAccount(t, c.change), c.policy)
			for i := range c.grants {
				g, err := l.Grant(november)
				must(t, err)
				if g.BundleSeconds != c.wantBundle[i] || !g.Money.Equal(money(c.wantMoney[i])) ||
					g.BundleAll != c.wantAll[i] || g.MoneyAll != c.wantMoneyAl[i] {
					t.Errorf("grant %d: %d s %s all=%v/%v, want %d s %s all=%v/%v", i, g.BundleSeconds, g.Money,
						g.BundleAll, g.MoneyAll, c.wantBundle[i], c.wantMoney[i], c.wantAll[i], c.wantMoneyAl[i])
				}
				if g.Uncapped == l.Account().Settings().Capped {
					t.Errorf("grant %d: Uncapped %v", i, g.Uncapped)
				}
				checkLedger(t, l)
			}
		})
	}
}

func TestLeaseGrantErrors(t *testing.T) {
	l := account.NewLedger(gbAccount(t, nil), account.LeasePolicy{})
	if _, err := l.Grant(time.Time{}); core.ErrorCode(err) != core.Invalid {
		t.Errorf("zero time: %v", err)
	}
	g, err := l.Grant(november)
	must(t, err)
	if err := l.Return(g.ID, account.Unused{BundleSeconds: g.BundleSeconds + 60, Money: money("0")}); core.ErrorCode(err) != core.Invalid {
		t.Errorf("returning more than leased: %v", err)
	}
	if err := l.Return(g.ID, account.Unused{BundleSeconds: -1, Money: money("0")}); core.ErrorCode(err) != core.Invalid {
		t.Errorf("negative return: %v", err)
	}
	if _, err := l.Renew(november.AddDate(0, -1, 0), g.ID, account.Unused{Money: money("0")}); core.ErrorCode(err) != core.Invalid {
		t.Errorf("renew in a past month: %v", err)
	}
	if len(l.Leases()) != 1 {
		t.Errorf("failed calls changed the leases: %v", l.Leases())
	}
	checkLedger(t, l)
}

// TestLeaseHolderAgreesWithAccount: whenever the holder decides locally,
// it decides exactly what the authority would.
func TestLeaseHolderAgreesWithAccount(t *testing.T) {
	ix := testDeck(t)
	cases := []struct {
		name       string
		change     func(*account.Settings)
		policy     account.LeasePolicy
		user, dial string
		dir        account.Direction
		want       account.Reason
		renew      bool
	}{
		{"emergency", nil, account.LeasePolicy{}, "bob", "999", account.Outbound, account.ReasonEmergency, false},
		{"inbound", nil, account.LeasePolicy{}, "bob", "+61 2 9999 9999", account.Inbound, account.ReasonInbound, false},
		{"package", nil, account.LeasePolicy{}, "alice", "+61 412 345 678", account.Outbound, account.ReasonPackage, false},
		{"US included", nil, account.LeasePolicy{}, "carol", "+1 212 555 0100", account.Outbound, account.ReasonPackage, false},
		{"privilege", nil, account.LeasePolicy{}, "bob", "+61 2 9999 9999", account.Outbound, account.DeniedPrivilege, false},
		{"bundle full call", nil, account.LeasePolicy{}, "bob", "020 7946 0000", account.Outbound, account.ReasonBundle, false},
		{"bundle bounded by lease", nil, account.LeasePolicy{MaxBundleSeconds: 600}, "bob", "020 7946 0000", account.Outbound, account.ReasonBundle, true},
		{"payg bounded by the lease's money", nil, account.LeasePolicy{}, "carol", "+61 412 345 678", account.Outbound, account.ReasonPAYG, true},
		{"payg full call", func(s *account.Settings) { s.Cap = money("1000") }, account.LeasePolicy{}, "carol", "+61 412 345 678", account.Outbound, account.ReasonPAYG, false},
		{"payg uncapped", func(s *account.Settings) { s.Capped, s.Cap = false, money("0") }, account.LeasePolicy{}, "carol", "+61 412 345 678", account.Outbound, account.ReasonPAYG, false},
		{"cap zero leased exactly", func(s *account.Settings) { s.Cap = money("0") }, account.LeasePolicy{}, "carol", "+61 412 345 678", account.Outbound, account.DeniedCapReached, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := account.NewLedger(gbAccount(t, c.change), c.policy)
			v := viewOf(t, l)
			g, err := l.Grant(november)
			must(t, err)
			h, err := account.NewLeaseHolder(v, g)
			must(t, err)
			req := account.Request{CallID: "c1", User: c.user, Dialled: dial(t, c.dial, "GB"), Direction: c.dir, Start: november.Add(time.Second)}
			d, renew := h.Authorize(ix, req)
			if d.Reason != c.want || renew != c.renew {
				t.Fatalf("holder: %s renew=%v, want %s renew=%v", d.Reason, renew, c.want, c.renew)
			}
			if renew {
				return
			}
			// The authority, without the lease it granted, decides the same.
			must(t, l.Return(g.ID, account.Unused{BundleSeconds: g.BundleSeconds, Money: g.Money}))
			ad := l.Account().Authorize(ix, req)
			if ad.Reason != d.Reason || ad.MaxSeconds != d.MaxSeconds || ad.BundleSeconds != d.BundleSeconds || ad.Cover != d.Cover {
				t.Errorf("holder %+v\nauthority %+v", d, ad)
			}
		})
	}
}

func TestLeaseLifecycle(t *testing.T) {
	ix := testDeck(t)
	l := account.NewLedger(gbAccount(t, func(s *account.Settings) { s.CallLimit = 600; s.Cap = money("100") }),
		account.LeasePolicy{Isolates: 2})
	h, err := account.NewLeaseHolder(viewOf(t, l), mustGrant(t, l, november))
	must(t, err)
	g := h.Lease()
	if g.BundleSeconds != 9000 || !g.Money.Equal(money("50")) {
		t.Fatalf("lease %d s %s", g.BundleSeconds, g.Money)
	}

	// Two calls reserved at the isolate.
	bob := account.Request{CallID: "b1", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november}
	carol := account.Request{CallID: "c1", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november}
	var calls []account.LeasedCall
	for _, req := range []account.Request{bob, carol} {
		d, renew := h.Authorize(ix, req)
		if !d.Allowed || renew {
			t.Fatalf("%s: %s renew=%v", req.CallID, d.Reason, renew)
		}
		lc, err := h.Reserve(req, d)
		must(t, err)
		calls = append(calls, lc)
	}
	if _, err := h.Reserve(bob, account.Decision{}); core.ErrorCode(err) != core.Conflict {
		t.Errorf("reserving twice: %v", err)
	}
	// 600 s of bundle and 10 minutes at 0.38 = 3.80 consumed.
	if u := h.Unused(); u.BundleSeconds != 8400 || !u.Money.Equal(money("46.2")) {
		t.Fatalf("unused %d s %s", u.BundleSeconds, u.Money)
	}

	// The isolate renews: unused comes back, the calls' holds stay.
	g2, err := l.Renew(november.Add(30*time.Second), g.ID, h.Unused())
	must(t, err)
	must(t, h.Adopt(g2))
	checkLedger(t, l)
	u := l.Account().UsageAt(november)
	if u.HeldMinutes != 10+int(g2.BundleSeconds/60) || !u.HeldPAYG.Equal(money("3.8").Add(g2.Money)) {
		t.Errorf("held %d min %s after renewal (lease %d s %s)", u.HeldMinutes, u.HeldPAYG, g2.BundleSeconds, g2.Money)
	}

	// CDRs settle against the old lease; the charge is the quote.
	cdrB := account.CDR{CallID: "b1", User: "bob", Dialled: bob.Dialled, Start: november, Seconds: 125}
	r, err := l.RateCDR(ix, cdrB, &calls[0])
	must(t, err)
	if r.Cover != account.CoverBundle || r.BundleMinutes != 3 || !r.Cost.IsZero() {
		t.Errorf("bob: %+v", r)
	}
	r, err = l.RateCDR(ix, cdrB, &calls[0])
	must(t, err)
	if !r.Duplicate {
		t.Errorf("second CDR not a duplicate")
	}
	cdrC := account.CDR{CallID: "c1", User: "carol", Dialled: carol.Dialled, Start: november, Seconds: 61}
	r, err = l.RateCDR(ix, cdrC, &calls[1])
	must(t, err)
	if !r.Cost.Equal(money("0.76")) || !r.Authorized {
		t.Errorf("carol: %+v", r)
	}
	checkLedger(t, l)
	if n := len(l.Leases()); n != 1 {
		t.Errorf("the settled lease is still listed: %+v", l.Leases())
	}
	u = l.Account().UsageAt(november)
	if u.BundleMinutes != 3 || !u.PAYG.Equal(money("0.76")) || u.HeldMinutes != int(g2.BundleSeconds/60) || !u.HeldPAYG.Equal(g2.Money) {
		t.Errorf("usage %+v", u)
	}

	// The new lease is never returned: it expires after its calls could end.
	if ids := l.Expire(g2.Expires.Add(10 * time.Minute)); len(ids) != 0 {
		t.Errorf("expired too early: %v", ids)
	}
	if ids := l.Expire(g2.Expires.Add(10*time.Minute + account.ReservationGrace)); len(ids) != 1 || ids[0] != g2.ID {
		t.Errorf("expired %v", ids)
	}
	checkLedger(t, l)
	if u := l.Account().UsageAt(november); u.HeldMinutes != 0 || !u.HeldPAYG.IsZero() {
		t.Errorf("still held after expiry: %+v", u)
	}
}

func mustGrant(t testing.TB, l *account.Ledger, at time.Time) account.Lease {
	t.Helper()
	g, err := l.Grant(at)
	must(t, err)
	return g
}

// TestLeaseLateCDR: a call whose lease's holds were released is still
// rated, as a call without reservation.
func TestLeaseLateCDR(t *testing.T) {
	ix := testDeck(t)
	l := account.NewLedger(gbAccount(t, nil), account.LeasePolicy{})
	h, err := account.NewLeaseHolder(viewOf(t, l), mustGrant(t, l, november))
	must(t, err)
	req := account.Request{CallID: "b1", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november}
	d, _ := h.Authorize(ix, req)
	lc, err := h.Reserve(req, d)
	must(t, err)
	l.Expire(november.Add(24 * time.Hour))
	r, err := l.RateCDR(ix, account.CDR{CallID: "b1", User: "bob", Dialled: req.Dialled, Start: november, Seconds: 60}, &lc)
	must(t, err)
	if r.Cover != account.CoverBundle || r.BundleMinutes != 1 {
		t.Errorf("%+v", r)
	}
	checkLedger(t, l)
}

func TestLeaseSnapshot(t *testing.T) {
	l := account.NewLedger(gbAccount(t, nil), account.LeasePolicy{Isolates: 3})
	g1 := mustGrant(t, l, november)
	mustGrant(t, l, november)
	must(t, l.Return(g1.ID, account.Unused{BundleSeconds: 60, Money: money("0.5")}))
	b, err := l.Encode()
	must(t, err)
	l2, err := account.DecodeLedger(account.DemoCatalog(), b, account.LeasePolicy{Isolates: 3})
	must(t, err)
	checkLedger(t, l2)
	got, want := l2.Leases(), l.Leases()
	if len(got) != 2 || len(got) != len(want) {
		t.Fatalf("leases %+v, want %+v", got, want)
	}
	for i := range got {
		x, y := got[i], want[i]
		if x.ID != y.ID || x.Open != y.Open || x.BundleSeconds != y.BundleSeconds || !x.Money.Equal(y.Money) ||
			!x.Expires.Equal(y.Expires) || !x.HoldUntil.Equal(y.HoldUntil) {
			t.Errorf("lease %+v, want %+v", x, y)
		}
	}
	if !sameUsage(l2.Account().UsageAt(november), l.Account().UsageAt(november)) {
		t.Errorf("usage %+v, want %+v", l2.Account().UsageAt(november), l.Account().UsageAt(november))
	}
	b2, err := l2.Encode()
	must(t, err)
	if string(b2) != string(b) {
		t.Errorf("re-encoding differs")
	}
	g3 := mustGrant(t, l2, november)
	if g3.ID == g1.ID || g3.Version <= g1.Version {
		t.Errorf("lease ids repeat after a restore: %s", g3.ID)
	}

	// Hostile leases are refused.
	for _, bad := range []func(*account.SnapshotLease){
		func(x *account.SnapshotLease) { x.Bundle = -60 },
		func(x *account.SnapshotLease) { x.Bundle = x.Granted + 60 },
		func(x *account.SnapshotLease) { x.ID = "" },
	} {
		s := l.Snapshot()
		bad(&s.Leases[0])
		if _, err := account.LedgerFromSnapshot(account.DemoCatalog(), s, account.LeasePolicy{}); core.ErrorCode(err) != core.Invalid {
			t.Errorf("bad lease accepted: %v", err)
		}
	}
	s := l.Snapshot()
	s.Leases = append(s.Leases, s.Leases[0])
	if _, err := account.LedgerFromSnapshot(account.DemoCatalog(), s, account.LeasePolicy{}); core.ErrorCode(err) != core.Invalid {
		t.Errorf("duplicate lease accepted: %v", err)
	}
}

func sameUsage(x, y account.Usage) bool {
	return x.Month.Equal(y.Month) && x.BundleMinutes == y.BundleMinutes && x.BundleSize == y.BundleSize &&
		x.PAYG.Equal(y.PAYG) && x.HeldMinutes == y.HeldMinutes && x.HeldPAYG.Equal(y.HeldPAYG)
}

// FuzzDecodeLedger: any bytes either fail with core.Invalid or decode to a
// ledger that keeps its invariant bookkeeping and re-encodes to a fixed point.
func FuzzDecodeLedger(f *testing.F) {
	l := account.NewLedger(gbAccount(f, nil), account.LeasePolicy{Isolates: 3})
	g := mustGrant(f, l, november)
	mustGrant(f, l, november)
	if err := l.Return(g.ID, account.Unused{BundleSeconds: 60, Money: money("0.5")}); err != nil {
		f.Fatal(err)
	}
	b, err := l.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte{0x80})
	cat := account.DemoCatalog()
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := account.DecodeLedger(cat, b, account.LeasePolicy{})
		if err != nil {
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("error code %s: %v", core.ErrorCode(err), err)
			}
			return
		}
		b2, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		l2, err := account.DecodeLedger(cat, b2, account.LeasePolicy{})
		if err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		b3, err := l2.Encode()
		if err != nil || string(b3) != string(b2) {
			t.Fatalf("not a fixed point: %v", err)
		}
	})
}

func TestLeaseRenewSoon(t *testing.T) {
	ix := testDeck(t)
	// 600 s call limit, 4 isolates: the lease is 4500 s of bundle, US$25.
	l := account.NewLedger(gbAccount(t, func(s *account.Settings) { s.CallLimit = 600; s.Cap = money("100") }),
		account.LeasePolicy{Isolates: 4, TTL: 4 * time.Minute})
	h, err := account.NewLeaseHolder(viewOf(t, l), mustGrant(t, l, november))
	must(t, err)
	if h.RenewSoon(november) || h.RenewSoon(november.Add(179*time.Second)) || !h.RenewSoon(november.Add(3*time.Minute)) {
		t.Errorf("RenewSoon by time is wrong")
	}
	bob := dial(t, "020 7946 0000", "GB")
	for i := range 7 { // 7 × 600 s of 4500 s: 300 s left, less than a call
		req := account.Request{CallID: "b" + string(rune('0'+i)), User: "bob", Dialled: bob, Start: november}
		if h.RenewSoon(november) {
			t.Fatalf("RenewSoon after %d calls", i)
		}
		d, renew := h.Authorize(ix, req)
		if renew {
			t.Fatalf("call %d needs a renewal", i)
		}
		_, err := h.Reserve(req, d)
		must(t, err)
	}
	if !h.RenewSoon(november) {
		t.Errorf("RenewSoon with 300 s of bundle left")
	}
	if _, renew := h.Authorize(ix, account.Request{CallID: "b9", User: "bob", Dialled: bob, Start: november}); !renew {
		t.Errorf("a call the lease cannot cover fully was answered locally")
	}
}

// TestLeaseBundleExhaustedBlocks: with overspend off, leases follow the
// rule of Authorize: the bundle held by leases counts as used, and an
// isolate whose lease has no bundle left (and was all that was free) blocks
// every outbound call but the never-blocked numbers, as the authority does.
func TestLeaseBundleExhaustedBlocks(t *testing.T) {
	ix := testDeck(t)
	req := func(user, number string, dir account.Direction) account.Request {
		return account.Request{CallID: "c-" + user + number, User: user, Dialled: dial(t, number, "GB"), Direction: dir, Start: november.Add(time.Second)}
	}
	check := func(t *testing.T, who string, d account.Decision, want account.Reason) {
		t.Helper()
		if d.Reason != want || d.Allowed != !strings.HasPrefix(string(want), "denied_") {
			t.Errorf("%s: %s (allowed %v), want %s", who, d.Reason, d.Allowed, want)
		}
	}
	calls := []struct {
		user, number string
		dir          account.Direction
		blocked      account.Reason // when the bundle is used up
		open         account.Reason // when it is not
	}{
		{"alice", "+61 412 345 678", account.Outbound, account.DeniedBundleExhausted, account.ReasonPackage},
		{"carol", "+1 212 555 0100", account.Outbound, account.DeniedBundleExhausted, account.ReasonPackage},
		{"carol", "+61 2 9999 9999", account.Outbound, account.DeniedBundleExhausted, account.ReasonPAYG},
		{"bob", "111", account.Outbound, account.ReasonEssential, account.ReasonEssential},
		{"bob", "999", account.Outbound, account.ReasonEmergency, account.ReasonEmergency},
		{"bob", "+61 2 9999 9999", account.Inbound, account.ReasonInbound, account.ReasonInbound},
	}

	t.Run("used up", func(t *testing.T) {
		l := account.NewLedger(gbAccount(t, nil), account.LeasePolicy{})
		useBundle(t, l.Account(), ix, 300, "used")
		for _, c := range calls {
			g := mustGrant(t, l, november)
			if g.BundleSeconds != 0 || !g.BundleAll {
				t.Fatalf("lease of a used-up bundle: %+v", g)
			}
			h, err := account.NewLeaseHolder(viewOf(t, l), g)
			must(t, err)
			d, renew := h.Authorize(ix, req(c.user, c.number, c.dir))
			if renew {
				t.Errorf("%s: the holder asks to renew a lease that was everything free", c.number)
			}
			check(t, "holder "+c.number, d, c.blocked)
			check(t, "authority "+c.number, l.Account().Authorize(ix, req(c.user, c.number, c.dir)), c.blocked)
			must(t, l.Return(g.ID, h.Unused()))
		}
	})

	t.Run("held by another isolate's lease", func(t *testing.T) {
		l := account.NewLedger(gbAccount(t, nil), account.LeasePolicy{Isolates: 1, MaxBundleSeconds: 18000})
		all := mustGrant(t, l, november) // the whole bundle
		if all.BundleSeconds != 18000 {
			t.Fatalf("lease %+v, want the whole 300 minutes", all)
		}
		holder, err := account.NewLeaseHolder(viewOf(t, l), all)
		must(t, err)
		for _, c := range calls {
			d, _ := holder.Authorize(ix, req(c.user, c.number, c.dir))
			check(t, "holder of the bundle "+c.number, d, c.open)
			// Another isolate gets a lease of nothing, which was all that
			// was free: it decides the call itself.
			none := mustGrant(t, l, november)
			if none.BundleSeconds != 0 || !none.BundleAll {
				t.Fatalf("second lease: %+v", none)
			}
			starved, err := account.NewLeaseHolder(viewOf(t, l), none)
			must(t, err)
			d, renew := starved.Authorize(ix, req(c.user, c.number, c.dir))
			check(t, "starved holder "+c.number, d, c.blocked)
			if renew {
				t.Errorf("%s: the starved holder asks to renew a lease that was everything free", c.number)
			}
			check(t, "authority "+c.number, l.Account().Authorize(ix, req(c.user, c.number, c.dir)), c.blocked)
			must(t, l.Return(none.ID, starved.Unused()))
		}
		// The lease comes back unused: the bundle is free again.
		must(t, l.Return(all.ID, holder.Unused()))
		for _, c := range calls {
			check(t, "authority after the return "+c.number, l.Account().Authorize(ix, req(c.user, c.number, c.dir)), c.open)
		}
	})
}
