package account_test

import (
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
)

func TestAuthorize(t *testing.T) {
	ix := testDeck(t)
	type state func(t *testing.T, a *account.Account)
	exhaust := func(t *testing.T, a *account.Account) { useBundle(t, a, ix, 300, "used") }
	// hold: 240 minutes used, and a call in progress holds the last 60.
	hold := func(t *testing.T, a *account.Account) {
		useBundle(t, a, ix, 240, "used")
		d, err := a.AuthorizeAndReserve(ix, account.Request{CallID: "held", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november.Add(-time.Minute)})
		must(t, err)
		if d.Cover != account.CoverBundle || d.BundleSeconds != 3600 {
			t.Fatalf("the held call: %+v", d)
		}
	}
	spend := func(amount string) state {
		return func(t *testing.T, a *account.Account) {
			// carol's per-second UK calls (no plan: rate card) at 0.012/min.
			secs := int(money(amount).Div(money("0.0002")).IntPart())
			for i := 0; secs > 0; i++ {
				s := min(secs, 7200)
				_, err := a.RateCDR(ix, account.CDR{CallID: "spend" + string(rune('a'+i)), User: "carol",
					Dialled: dial(t, "020 7946 0000", "GB"), Start: november.Add(-2 * time.Hour), Seconds: s})
				must(t, err)
				secs -= s
			}
		}
	}
	settings := func(f func(*account.Settings)) state {
		return func(t *testing.T, a *account.Account) {
			s := a.Settings()
			f(&s)
			must(t, a.SetSettings(s))
		}
	}
	tests := []struct {
		name      string
		state     []state
		user      string
		dial      string
		dir       account.Direction
		allowed   bool
		reason    account.Reason
		cover     account.Cover
		pkg       string
		max       int
		bundleSec int
	}{
		{"emergency", nil, "bob", "999", account.Outbound, true, account.ReasonEmergency, account.CoverFree, "", account.NoLimit, 0},
		{"112", nil, "bob", "112", account.Outbound, true, account.ReasonEmergency, account.CoverFree, "", account.NoLimit, 0},
		{"essential 111", nil, "bob", "111", account.Outbound, true, account.ReasonEssential, account.CoverFree, "", account.NoLimit, 0},
		{"essential 101", nil, "bob", "101", account.Outbound, true, account.ReasonEssential, account.CoverFree, "", account.NoLimit, 0},
		{"helpline 105", nil, "bob", "105", account.Outbound, true, account.ReasonTollFree, account.CoverFree, "", account.NoLimit, 0},
		{"helpline 116 123", nil, "carol", "116 123", account.Outbound, true, account.ReasonTollFree, account.CoverFree, "", account.NoLimit, 0},
		{"emergency unknown user", nil, "mallory", "999", account.Outbound, true, account.ReasonEmergency, account.CoverFree, "", account.NoLimit, 0},
		{"inbound", nil, "bob", "+61 2 9999 9999", account.Inbound, true, account.ReasonInbound, account.CoverFree, "", account.NoLimit, 0},
		{"unknown user", nil, "mallory", "020 7946 0000", account.Outbound, false, account.DeniedUnknownUser, account.CoverNone, "", 0, 0},
		{"no route", nil, "alice", "+86 10 1234 5678", account.Outbound, false, account.DeniedNoRoute, account.CoverNone, "", 0, 0},
		{"domestic-only abroad", nil, "bob", "+61 2 9999 9999", account.Outbound, false, account.DeniedPrivilege, account.CoverNone, "", 0, 0},
		{"domestic-only to US", nil, "bob", "+1 212 555 0100", account.Outbound, false, account.DeniedPrivilege, account.CoverNone, "", 0, 0},
		{"premium blocked", nil, "alice", "09098 790000", account.Outbound, false, account.DeniedPremium, account.CoverNone, "", 0, 0},
		{"premium allowed is payg", nil, "carol", "09098 790000", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 360, 0},
		{"toll-free domestic", nil, "bob", "0800 123456", account.Outbound, true, account.ReasonTollFree, account.CoverFree, "", account.NoLimit, 0},
		{"package AU landline", nil, "alice", "+61 2 9999 9999", account.Outbound, true, account.ReasonPackage, account.CoverPackage, "pkg-au-nz", account.NoLimit, 0},
		{"package AU mobile", nil, "alice", "+61 412 345 678", account.Outbound, true, account.ReasonPackage, account.CoverPackage, "pkg-au-nz", account.NoLimit, 0},
		{"US & Canada included", nil, "carol", "+1 212 555 0100", account.Outbound, true, account.ReasonPackage, account.CoverPackage, "pkg-us-ca", account.NoLimit, 0},
		{"global package", nil, "dave", "+33 1 23 45 67 89", account.Outbound, true, account.ReasonPackage, account.CoverPackage, "pkg-global", account.NoLimit, 0},
		{"global not for satellites' kind", nil, "dave", "+881 6 12345678", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 60, 0},
		{"payg AU landline capped", []state{settings(func(s *account.Settings) { s.Cap = money("5") })}, "carol", "+61 2 9999 9999", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 2280, 0},
		{"payg AU mobile capped", []state{settings(func(s *account.Settings) { s.Cap = money("5") })}, "carol", "+61 412 345 678", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 780, 0},
		{"payg limited by call limit", nil, "alice", "+33 1 23 45 67 89", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 7200, 0},
		{"payg uncapped", []state{settings(func(s *account.Settings) { s.Capped, s.Cap = false, money("0") })}, "carol", "+61 412 345 678", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 7200, 0},
		{"bundle", nil, "bob", "020 7946 0000", account.Outbound, true, account.ReasonBundle, account.CoverBundle, "", 7200, 7200},
		{"bundle mobile", nil, "bob", "07700 900123", account.Outbound, true, account.ReasonBundle, account.CoverBundle, "", 7200, 7200},
		{"no plan, domestic: rate card", nil, "carol", "020 7946 0000", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 7200, 0},
		{"bundle last 60 min, overspend off", []state{func(t *testing.T, a *account.Account) { useBundle(t, a, ix, 240, "u") }}, "bob", "020 7946 0000", account.Outbound, true, account.ReasonBundle, account.CoverBundle, "", 3600, 3600},
		{"bundle last 60 min, overspend on", []state{settings(func(s *account.Settings) { s.Overspend = true }), func(t *testing.T, a *account.Account) { useBundle(t, a, ix, 240, "u") }}, "bob", "020 7946 0000", account.Outbound, true, account.ReasonBundle, account.CoverBundle, "", 7200, 3600},
		{"bundle last 60 min, overspend on, tiny cap", []state{settings(func(s *account.Settings) { s.Overspend, s.Cap = true, money("0.12") }), func(t *testing.T, a *account.Account) { useBundle(t, a, ix, 240, "u") }}, "bob", "020 7946 0000", account.Outbound, true, account.ReasonBundle, account.CoverBundle, "", 4200, 3600},
		{"bundle exhausted, overspend off", []state{exhaust}, "bob", "020 7946 0000", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle exhausted, emergency", []state{exhaust}, "bob", "999", account.Outbound, true, account.ReasonEmergency, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, 101", []state{exhaust}, "bob", "101", account.Outbound, true, account.ReasonEssential, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, inbound", []state{exhaust}, "bob", "020 7946 0000", account.Inbound, true, account.ReasonInbound, account.CoverFree, "", account.NoLimit, 0},
		// Overspend off and the bundle used up: every outbound call is
		// blocked but the never-blocked numbers, packages and rate card
		// included, until the 1st; inbound calls go on.
		{"bundle exhausted, 112", []state{exhaust}, "bob", "112", account.Outbound, true, account.ReasonEmergency, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, 111", []state{exhaust}, "bob", "111", account.Outbound, true, account.ReasonEssential, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, inbound from abroad", []state{exhaust}, "alice", "+61 2 9999 9999", account.Inbound, true, account.ReasonInbound, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, package blocked", []state{exhaust}, "alice", "+61 2 9999 9999", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle exhausted, US & Canada blocked", []state{exhaust}, "carol", "+1 212 555 0100", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle exhausted, payg blocked", []state{exhaust}, "carol", "+61 2 9999 9999", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle exhausted, payg domestic blocked", []state{exhaust}, "carol", "020 7946 0000", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle exhausted, toll-free blocked", []state{exhaust}, "bob", "0800 123456", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		// "Any outbound calls except to 999, 111, 112 and 101 will be blocked".
		{"bundle exhausted, 101", []state{exhaust}, "bob", "101", account.Outbound, true, account.ReasonEssential, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, 999", []state{exhaust}, "bob", "999", account.Outbound, true, account.ReasonEmergency, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, helpline 105 blocked", []state{exhaust}, "bob", "105", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle exhausted, helpline 116 123 blocked", []state{exhaust}, "bob", "116123", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle exhausted, overspend on, helpline", []state{exhaust, settings(func(s *account.Settings) { s.Overspend = true })}, "bob", "105", account.Outbound, true, account.ReasonTollFree, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, premium blocked anyway", []state{exhaust}, "alice", "09098 790000", account.Outbound, false, account.DeniedPremium, account.CoverNone, "", 0, 0},
		{"bundle exhausted, domestic-only abroad", []state{exhaust}, "bob", "+61 2 9999 9999", account.Outbound, false, account.DeniedPrivilege, account.CoverNone, "", 0, 0},
		{"bundle exhausted, unknown user", []state{exhaust}, "mallory", "020 7946 0000", account.Outbound, false, account.DeniedUnknownUser, account.CoverNone, "", 0, 0},
		{"bundle exhausted, overspend on, package", []state{exhaust, settings(func(s *account.Settings) { s.Overspend = true })}, "alice", "+61 2 9999 9999", account.Outbound, true, account.ReasonPackage, account.CoverPackage, "pkg-au-nz", account.NoLimit, 0},
		{"bundle exhausted, overspend on, payg", []state{exhaust, settings(func(s *account.Settings) { s.Overspend = true })}, "carol", "+61 412 345 678", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 1560, 0},
		{"bundle held by a call, package blocked", []state{hold}, "alice", "+61 2 9999 9999", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle held by a call, payg blocked", []state{hold}, "carol", "+61 2 9999 9999", account.Outbound, false, account.DeniedBundleExhausted, account.CoverNone, "", 0, 0},
		{"bundle held by a call, 101", []state{hold}, "bob", "101", account.Outbound, true, account.ReasonEssential, account.CoverFree, "", account.NoLimit, 0},
		{"bundle exhausted, package again on the 1st", []state{exhaust}, "alice", "+61 2 9999 9999+dec", account.Outbound, true, account.ReasonPackage, account.CoverPackage, "pkg-au-nz", account.NoLimit, 0},
		{"bundle exhausted, payg again on the 1st", []state{exhaust}, "carol", "+61 2 9999 9999+dec", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 4560, 0},
		{"bundle exhausted, overspend on", []state{exhaust, settings(func(s *account.Settings) { s.Overspend = true })}, "bob", "020 7946 0000", account.Outbound, true, account.ReasonOverspend, account.CoverPAYG, "", 7200, 0},
		{"bundle exhausted, overspend on, capped", []state{exhaust, settings(func(s *account.Settings) { s.Overspend, s.Cap = true, money("0.5") })}, "bob", "07700 900123", account.Outbound, true, account.ReasonOverspend, account.CoverPAYG, "", 600, 0},
		{"bundle reset on the 1st", []state{exhaust, func(t *testing.T, a *account.Account) {}}, "bob", "020 7946 0000+dec", account.Outbound, true, account.ReasonBundle, account.CoverBundle, "", 7200, 7200},
		{"rate card off", []state{settings(func(s *account.Settings) { s.RateCard = false })}, "carol", "+61 2 9999 9999", account.Outbound, false, account.DeniedRateCardOff, account.CoverNone, "", 0, 0},
		{"rate card off, bundle fine", []state{settings(func(s *account.Settings) { s.RateCard = false })}, "bob", "020 7946 0000", account.Outbound, true, account.ReasonBundle, account.CoverBundle, "", 7200, 7200},
		{"rate card off, package fine", []state{settings(func(s *account.Settings) { s.RateCard = false })}, "alice", "+61 2 9999 9999", account.Outbound, true, account.ReasonPackage, account.CoverPackage, "pkg-au-nz", account.NoLimit, 0},
		{"cap reached", []state{spend("10")}, "carol", "+61 2 9999 9999", account.Outbound, false, account.DeniedCapReached, account.CoverNone, "", 0, 0},
		{"cap nearly reached", []state{spend("9.80")}, "carol", "+61 2 9999 9999", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 60, 0},
		{"cap reached, emergency", []state{spend("10")}, "carol", "999", account.Outbound, true, account.ReasonEmergency, account.CoverFree, "", account.NoLimit, 0},
		{"cap reached, package", []state{spend("10")}, "carol", "+1 212 555 0100", account.Outbound, true, account.ReasonPackage, account.CoverPackage, "pkg-us-ca", account.NoLimit, 0},
		{"cap reached last month", []state{spend("10")}, "carol", "+61 2 9999 9999+dec", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 4560, 0},
		{"cap raised", []state{spend("10"), settings(func(s *account.Settings) { s.Cap = money("10.26") })}, "carol", "+61 2 9999 9999", account.Outbound, true, account.ReasonPAYG, account.CoverPAYG, "", 120, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := gbAccount(t, nil)
			for _, f := range tt.state {
				f(t, a)
			}
			start := november
			number := tt.dial
			if n := len(number); n > 4 && number[n-4:] == "+dec" {
				number, start = number[:n-4], time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			}
			d := a.Authorize(ix, account.Request{CallID: "c1", User: tt.user, Dialled: dial(t, number, "GB"), Direction: tt.dir, Start: start})
			if d.Allowed != tt.allowed || d.Reason != tt.reason || d.Cover != tt.cover || d.Package != tt.pkg ||
				d.MaxSeconds != tt.max || d.BundleSeconds != tt.bundleSec {
				t.Errorf("got allowed=%v reason=%s cover=%s pkg=%q max=%d bundle=%d\nwant allowed=%v reason=%s cover=%s pkg=%q max=%d bundle=%d",
					d.Allowed, d.Reason, d.Cover, d.Package, d.MaxSeconds, d.BundleSeconds,
					tt.allowed, tt.reason, tt.cover, tt.pkg, tt.max, tt.bundleSec)
			}
			if d.Allowed && d.Cover == account.CoverPAYG && d.Row.Tariff.Price(d.MaxSeconds).GreaterThan(a.Settings().Cap) && a.Settings().Capped {
				t.Errorf("max %d s costs %s, over the cap", d.MaxSeconds, d.Row.Tariff.Price(d.MaxSeconds))
			}
		})
	}
}

// TestAuthorizeMaxSecondsFitsBudget checks the cap bound against a slow
// search: the longest duration whose price fits what is left, for many
// budgets and every tariff of the test deck.
func TestAuthorizeMaxSecondsFitsBudget(t *testing.T) {
	ix := testDeck(t)
	numbers := []string{"+61 2 9999 9999", "+61 412 345 678", "+33 1 23 45 67 89", "07700 900123", "+881 6 12345678", "09098 790000"}
	for _, capStr := range []string{"0.01", "0.05", "0.13", "0.5", "1", "1.07", "3.33"} {
		a := gbAccount(t, func(s *account.Settings) { s.Cap = money(capStr) })
		for _, n := range numbers {
			d := a.Authorize(ix, account.Request{User: "carol", Dialled: dial(t, n, "GB"), Start: november})
			row, _ := ix.Lookup(dial(t, n, "GB").Number.Digits(), november)
			want := slowMax(row.Tariff, capStr)
			if want == 0 {
				if d.Allowed || d.Reason != account.DeniedCapReached {
					t.Errorf("cap %s, %s: %v %s, want denied_cap_reached", capStr, n, d.Allowed, d.Reason)
				}
				continue
			}
			if d.MaxSeconds != want {
				t.Errorf("cap %s, %s: max %d, want %d", capStr, n, d.MaxSeconds, want)
			}
		}
	}
}

func slowMax(tr deck.Tariff, budget string) int {
	b := money(budget)
	best := 0
	for s := 1; s <= 7200; s++ {
		if tr.Price(s).GreaterThan(b) {
			break // Price never decreases
		}
		best = s
	}
	return best
}

// TestBundleCanBlock: BundleCanBlock is exactly the set of calls the bundle
// block can deny — checked against Authorize on a used-up bundle.
func TestBundleCanBlock(t *testing.T) {
	ix := testDeck(t)
	blocks := 0
	for _, tc := range []struct {
		name      string
		overspend bool
		noBundle  bool
	}{{"overspend off", false, false}, {"overspend on", true, false}, {"no bundle", false, true}} {
		a := gbAccount(t, func(s *account.Settings) { s.Overspend = tc.overspend })
		if tc.noBundle {
			must(t, a.SetQuantity("bundle-300", 0))
		} else {
			useBundle(t, a, ix, 300, "used-"+tc.name)
		}
		for _, dialled := range []string{"020 7946 0000", "+61 2 9999 9999", "+1 415 555 0100", "999", "111", "101", "112", "0800 123 4567"} {
			for _, dir := range []account.Direction{account.Outbound, account.Inbound} {
				d := dial(t, dialled, "GB")
				can := a.BundleCanBlock(d, dir)
				dec := a.Authorize(ix, account.Request{User: "alice", Dialled: d, Direction: dir, Start: november})
				if blocked := dec.Reason == account.DeniedBundleExhausted; blocked != can {
					t.Errorf("%s, %s %v: BundleCanBlock = %v, but Authorize on a used-up bundle says %s", tc.name, dialled, dir, can, dec.Reason)
				} else if blocked {
					blocks++
				}
			}
		}
	}
	if blocks != 4 { // outbound landline, Australia, the US and toll-free, with overspend off
		t.Errorf("%d blocked calls, want 4", blocks)
	}
}

// TestCallsNeedALine: "To place or receive calls, each user must have an
// active line." A user whose line is unassigned or released places no
// calls but emergency and essential ones, and gets them back with a line;
// inbound calls and calls that already happened (CDRs) are not refused.
func TestCallsNeedALine(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, nil)
	at := november
	decide := func(number string, dir account.Direction) account.Decision {
		t.Helper()
		return a.Authorize(ix, account.Request{CallID: "c", User: "bob", Dialled: dial(t, number, "GB"), Direction: dir, Start: at})
	}
	if d := decide("020 7946 0000", account.Outbound); !d.Allowed {
		t.Fatalf("bob with his line: %+v", d)
	}
	must(t, a.UnassignLine("+442079460101"))
	snap, err := a.EncodeSnapshot()
	must(t, err)
	for name, acct := range map[string]*account.Account{"unassigned": a, "unassigned, from a snapshot": func() *account.Account {
		b, err := account.DecodeSnapshot(a.Catalog(), snap)
		must(t, err)
		return b
	}()} {
		for _, tt := range []struct {
			dial   string
			dir    account.Direction
			reason account.Reason
		}{
			{"020 7946 0000", account.Outbound, account.DeniedNoLine},
			{"+61 2 9999 9999", account.Outbound, account.DeniedNoLine},
			{"999", account.Outbound, account.ReasonEmergency},
			{"111", account.Outbound, account.ReasonEssential},
			{"020 7946 0000", account.Inbound, account.ReasonInbound},
		} {
			d := acct.Authorize(ix, account.Request{CallID: "c", User: "bob", Dialled: dial(t, tt.dial, "GB"), Direction: tt.dir, Start: at})
			if d.Reason != tt.reason || d.Allowed != (tt.reason != account.DeniedNoLine) {
				t.Errorf("%s: %s %s: %+v, want %s", name, tt.dir, tt.dial, d, tt.reason)
			}
		}
	}
	// A call that happened is charged all the same.
	r, err := a.RateCDR(ix, account.CDR{CallID: "done", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: at, Seconds: 60})
	if err != nil || r.BundleMinutes != 1 {
		t.Errorf("CDR of a user without a line: %+v, %v", r, err)
	}
	must(t, a.AssignLine("+442079460101", "bob")) // reassigned: calls again
	if d := decide("020 7946 0000", account.Outbound); !d.Allowed {
		t.Errorf("bob with his line back: %+v", d)
	}
	_, err = a.ReleaseLine("+442079460101", at)
	must(t, err)
	if d := decide("020 7946 0000", account.Outbound); d.Reason != account.DeniedNoLine {
		t.Errorf("bob after his line was released: %+v", d)
	}
	// Reassigning alice's line to bob moves the right to call with it.
	must(t, a.AssignLine("+442079460100", "bob"))
	if d := decide("020 7946 0000", account.Outbound); !d.Allowed {
		t.Errorf("bob on alice's line: %+v", d)
	}
	if d := a.Authorize(ix, account.Request{CallID: "c", User: "alice", Dialled: dial(t, "+61 2 9999 9999", "GB"), Start: at}); d.Reason != account.DeniedNoLine {
		t.Errorf("alice after her line went to bob: %+v", d)
	}
}
