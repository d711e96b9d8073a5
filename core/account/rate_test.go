package account_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
)

func TestRateCDRIdempotent(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, nil)
	cdr := account.CDR{CallID: "x1", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november, Seconds: 61}
	r1, err := a.RateCDR(ix, cdr)
	must(t, err)
	if r1.Cover != account.CoverPAYG || !r1.Cost.Equal(money("0.76")) || r1.Duplicate || !r1.Authorized {
		t.Fatalf("first rating %+v", r1)
	}
	r2, err := a.RateCDR(ix, cdr)
	must(t, err)
	if !r2.Duplicate || !r2.Cost.Equal(r1.Cost) {
		t.Fatalf("second rating %+v", r2)
	}
	if u := a.UsageAt(november); !u.PAYG.Equal(money("0.76")) {
		t.Fatalf("charged twice: PAYG %s", u.PAYG)
	}
	cdr.Seconds = 62
	if _, err := a.RateCDR(ix, cdr); core.ErrorCode(err) != core.Conflict {
		t.Fatalf("different CDR, same call id: %v", err)
	}
}

func TestRateCDRErrors(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, nil)
	good := account.CDR{CallID: "e", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november, Seconds: 10}
	tests := []struct {
		name string
		edit func(*account.CDR)
		code core.Code
	}{
		{"no call id", func(c *account.CDR) { c.CallID = "" }, core.Invalid},
		{"negative", func(c *account.CDR) { c.Seconds = -1 }, core.Invalid},
		{"too long", func(c *account.CDR) { c.Seconds = account.MaxCallSeconds + 1 }, core.Invalid},
		{"no start", func(c *account.CDR) { c.Start = time.Time{} }, core.Invalid},
		{"unknown user", func(c *account.CDR) { c.User = "mallory" }, core.NotFound},
		{"no route", func(c *account.CDR) { c.Dialled = dial(t, "+86 10 1234 5678", "GB") }, core.NotFound},
	}
	for _, tt := range tests {
		c := good
		tt.edit(&c)
		if _, err := a.RateCDR(ix, c); core.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	if u := a.UsageAt(november); !u.PAYG.IsZero() || u.BundleMinutes != 0 {
		t.Errorf("failed ratings changed usage: %+v", u)
	}
}

func TestRateCDRUnauthorisedCallIsCharged(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, func(s *account.Settings) { s.RateCard = false })
	r, err := a.RateCDR(ix, account.CDR{CallID: "leak", User: "bob", Dialled: dial(t, "+61 2 9999 9999", "GB"), Start: november, Seconds: 120})
	must(t, err)
	if r.Authorized || r.Cover != account.CoverPAYG || !r.Cost.Equal(money("0.26")) {
		t.Fatalf("%+v", r)
	}
}

func TestReservationsHoldBudget(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, func(s *account.Settings) { s.Cap = money("1.00") })
	req := account.Request{CallID: "r1", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november}
	d, err := a.AuthorizeAndReserve(ix, req)
	must(t, err)
	if !d.Allowed || d.MaxSeconds != 120 {
		t.Fatalf("first call %+v", d)
	}
	// 0.76 held: a second concurrent call to the same mobile gets nothing.
	req2 := req
	req2.CallID = "r2"
	if d2 := a.Authorize(ix, req2); d2.Allowed || d2.Reason != account.DeniedCapReached {
		t.Fatalf("second call %v %s", d2.Allowed, d2.Reason)
	}
	// ...but a landline minute at 0.13 still fits in the 0.24 left.
	req3 := account.Request{CallID: "r3", User: "carol", Dialled: dial(t, "+61 2 9999 9999", "GB"), Start: november}
	if d3 := a.Authorize(ix, req3); !d3.Allowed || d3.MaxSeconds != 60 {
		t.Fatalf("third call %v %s %d", d3.Allowed, d3.Reason, d3.MaxSeconds)
	}
	// Idempotent reservation.
	must(t, a.Reserve(req, d))
	if n := len(a.Reservations()); n != 1 {
		t.Fatalf("%d reservations", n)
	}
	if !a.UsageAt(november).HeldPAYG.Equal(money("0.76")) {
		t.Fatalf("held %s", a.UsageAt(november).HeldPAYG)
	}
	// The CDR settles at the quoted price and frees the rest.
	r, err := a.RateCDR(ix, account.CDR{CallID: "r1", User: "carol", Dialled: req.Dialled, Start: november, Seconds: 45})
	must(t, err)
	if !r.Cost.Equal(d.Quote(45).Cost) || !r.Cost.Equal(money("0.38")) {
		t.Fatalf("rated %s, quoted %s", r.Cost, d.Quote(45).Cost)
	}
	u := a.UsageAt(november)
	if !u.HeldPAYG.IsZero() || !u.PAYG.Equal(money("0.38")) || len(a.Reservations()) != 0 {
		t.Fatalf("after settle %+v", u)
	}
	if a.Settle("r1") {
		t.Fatal("settled twice")
	}
	// Reserving a call already rated changes nothing.
	must(t, a.Reserve(req, d))
	if len(a.Reservations()) != 0 {
		t.Fatal("reserved a rated call")
	}
}

func TestReservationExpiry(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, nil)
	d, err := a.AuthorizeAndReserve(ix, account.Request{CallID: "b1", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november})
	must(t, err)
	if d.Cover != account.CoverBundle || a.UsageAt(november).HeldMinutes != 120 {
		t.Fatalf("%+v %+v", d, a.UsageAt(november))
	}
	_, err = a.AuthorizeAndReserve(ix, account.Request{CallID: "f1", User: "bob", Dialled: dial(t, "999", "GB"), Start: november})
	must(t, err)
	if got := a.Expire(november.Add(2 * time.Hour)); len(got) != 0 {
		t.Fatalf("expired early: %v", got)
	}
	if got := a.Expire(november.Add(2*time.Hour + account.ReservationGrace)); len(got) != 1 || got[0] != "b1" {
		t.Fatalf("expired %v", got)
	}
	if a.UsageAt(november).HeldMinutes != 0 {
		t.Fatal("bundle still held")
	}
	if got := a.Expire(november.Add(24 * time.Hour)); len(got) != 1 || got[0] != "f1" {
		t.Fatalf("expired %v", got)
	}
}

func TestBundleRoundsUpPerCallAndSplitsOnOverspend(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, func(s *account.Settings) { s.Overspend = true })
	useBundle(t, a, ix, 295, "u")
	r, err := a.RateCDR(ix, account.CDR{CallID: "s1", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november, Seconds: 61})
	must(t, err)
	if r.BundleMinutes != 2 || !r.Cost.IsZero() {
		t.Fatalf("61 s: %+v", r.Charge)
	}
	// 3 minutes left; a 400 s call uses them and pays 220 s at 0.012/min.
	d := a.Authorize(ix, account.Request{User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november})
	if d.BundleSeconds != 180 {
		t.Fatalf("bundle seconds %d", d.BundleSeconds)
	}
	r, err = a.RateCDR(ix, account.CDR{CallID: "s2", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november, Seconds: 400})
	must(t, err)
	if r.BundleMinutes != 3 || r.PAYGSeconds != 220 || !r.Cost.Equal(money("0.044")) || !r.Cost.Equal(d.Quote(400).Cost) {
		t.Fatalf("400 s: %+v", r.Charge)
	}
	lines := r.Lines()
	if len(lines) != 2 || lines[0].Kind != "bundle" || lines[1].Kind != "payg" {
		t.Fatalf("lines %+v", lines)
	}
	if len(r.Notices) != 1 || r.Notices[0] != (account.Notice{Meter: account.MeterBundle, Percent: 100}) {
		t.Fatalf("notices %+v", r.Notices)
	}
}

func TestMonthRollover(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, nil)
	useBundle(t, a, ix, 300, "u")
	_, err := a.RateCDR(ix, account.CDR{CallID: "p1", User: "carol", Dialled: dial(t, "+61 2 9999 9999", "GB"), Start: november, Seconds: 60})
	must(t, err)
	dec := time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC)
	_, err = a.RateCDR(ix, account.CDR{CallID: "d1", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: dec, Seconds: 30})
	must(t, err)
	// A late CDR of November goes to November.
	late, err := a.RateCDR(ix, account.CDR{CallID: "p2", User: "carol", Dialled: dial(t, "+61 2 9999 9999", "GB"), Start: november, Seconds: 60})
	must(t, err)
	if want := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC); !late.Month.Equal(want) {
		t.Errorf("late CDR charged to the month of %v, want %v", late.Month, want)
	}
	nov, decU := a.UsageAt(november), a.UsageAt(dec)
	if nov.BundleMinutes != 300 || !nov.PAYG.Equal(money("0.26")) || decU.BundleMinutes != 1 || !decU.PAYG.IsZero() {
		t.Fatalf("november %+v december %+v", nov, decU)
	}
}

// TestUnusedMinutesDoNotCarryOver: "Any unused minutes at the end of the
// calendar month are not carried over": 100 of November's 300 minutes used
// leaves December 300 minutes, not 500.
func TestUnusedMinutesDoNotCarryOver(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, nil) // overspend off
	useBundle(t, a, ix, 100, "nov")
	dec := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		r, err := a.RateCDR(ix, account.CDR{CallID: "dec" + strconv.Itoa(i), User: "bob", Dialled: dial(t, "020 7946 0000", "GB"),
			Start: dec.Add(time.Duration(i) * 2 * time.Hour), Seconds: 100 * 60})
		must(t, err)
		if r.BundleMinutes != 100 {
			t.Fatalf("December call %d: %d bundle minutes, want 100", i, r.BundleMinutes)
		}
	}
	if u := a.UsageAt(dec); u.BundleMinutes != 300 || u.BundleSize != 300 {
		t.Fatalf("December usage %+v", u)
	}
	d := a.Authorize(ix, account.Request{CallID: "more", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: dec.Add(8 * time.Hour)})
	if d.Allowed || d.Reason != account.DeniedBundleExhausted {
		t.Errorf("after 300 December minutes: %+v, want denied_bundle_exhausted (November's 200 unused minutes do not carry over)", d)
	}
}

func TestMonthRolloverInAccountZone(t *testing.T) {
	ix := testDeck(t)
	syd, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	a := gbAccount(t, func(s *account.Settings) { s.Location = syd })
	useBundle(t, a, ix, 300, "u") // 10 Nov
	// 30 Nov 14:00 UTC is 1 Dec 01:00 in Sydney: a new month, a fresh bundle.
	at := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	d := a.Authorize(ix, account.Request{User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: at})
	if d.Reason != account.ReasonBundle {
		t.Fatalf("%s", d.Reason)
	}
	d = a.Authorize(ix, account.Request{User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: at.Add(-2 * time.Hour)})
	if d.Reason != account.DeniedBundleExhausted {
		t.Fatalf("%s", d.Reason)
	}
}

func TestReserveStaleDecision(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, func(s *account.Settings) { s.Cap = money("1.00") })
	req1 := account.Request{CallID: "s1", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november}
	req2 := req1
	req2.CallID = "s2"
	d1, d2 := a.Authorize(ix, req1), a.Authorize(ix, req2) // both see 1.00 left
	must(t, a.Reserve(req1, d1))
	if err := a.Reserve(req2, d2); core.ErrorCode(err) != core.Conflict {
		t.Fatalf("stale decision reserved: %v", err)
	}
	if len(a.Reservations()) != 1 {
		t.Fatal("the failed Reserve changed the account")
	}
	if err := a.Reserve(account.Request{CallID: "s3", User: "bob", Start: november}, account.Decision{Reason: account.DeniedPrivilege}); core.ErrorCode(err) != core.Invalid {
		t.Fatalf("denied decision reserved: %v", err)
	}
}

func TestUnreservedLongCallUsesTheWholeBundle(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, func(s *account.Settings) { s.CallLimit = 600 })
	// A 30-minute CDR with no reservation: the call limit (10 min) does not
	// apply to a call that already happened; the bundle covers it all.
	r, err := a.RateCDR(ix, account.CDR{CallID: "long", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november, Seconds: 1800})
	must(t, err)
	if r.BundleMinutes != 30 || !r.Cost.IsZero() {
		t.Fatalf("%+v", r.Charge)
	}
}

// TestLateCDRUsesItsMonthsBundle checks that a call of last month, rated
// after the account moved into the new month, is classified against last
// month's bundle (the month it is charged to), not the new month's.
func TestLateCDRUsesItsMonthsBundle(t *testing.T) {
	ix := testDeck(t)
	uk := dial(t, "020 7946 0000", "GB")
	dec := time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC)
	useDecember := func(t *testing.T, a *account.Account, minutes int) {
		for i := 0; minutes > 0; i++ {
			m := min(minutes, 120)
			_, err := a.RateCDR(ix, account.CDR{CallID: "dec" + string(rune('a'+i)), User: "bob", Dialled: uk, Start: dec, Seconds: m * 60})
			must(t, err)
			minutes -= m
		}
	}

	t.Run("november used up, december not", func(t *testing.T) {
		a := gbAccount(t, nil) // overspend off
		useBundle(t, a, ix, 300, "u")
		useDecember(t, a, 1)
		late := account.Request{CallID: "late", User: "bob", Dialled: uk, Start: november}
		if d := a.Authorize(ix, late); d.Allowed || d.Reason != account.DeniedBundleExhausted {
			t.Errorf("a November call now: %v %s, want denied_bundle_exhausted", d.Allowed, d.Reason)
		}
		r, err := a.RateCDR(ix, account.CDR{CallID: "late", User: "bob", Dialled: uk, Start: november, Seconds: 120})
		must(t, err)
		// November's 300 minutes are gone: the call is charged at the rate
		// card (120 s at 0.012/min), and was not authorised (overspend off).
		if r.Cover != account.CoverPAYG || r.BundleMinutes != 0 || !r.Cost.Equal(money("0.024")) || r.Authorized {
			t.Errorf("late CDR %+v", r)
		}
		if nov := a.UsageAt(november); nov.BundleMinutes != 300 || !nov.PAYG.Equal(money("0.024")) {
			t.Errorf("November %+v", nov)
		}
		if d := a.UsageAt(dec); d.BundleMinutes != 1 || !d.PAYG.IsZero() {
			t.Errorf("December %+v", d)
		}
	})

	t.Run("december used up, november not", func(t *testing.T) {
		a := gbAccount(t, nil)
		useBundle(t, a, ix, 100, "u")
		useDecember(t, a, 300)
		late := account.Request{CallID: "late", User: "bob", Dialled: uk, Start: november}
		if d := a.Authorize(ix, late); !d.Allowed || d.Reason != account.ReasonBundle || d.BundleSeconds != 7200 {
			t.Errorf("a November call now: %v %s bundle %d s, want November's bundle", d.Allowed, d.Reason, d.BundleSeconds)
		}
		r, err := a.RateCDR(ix, account.CDR{CallID: "late", User: "bob", Dialled: uk, Start: november, Seconds: 120})
		must(t, err)
		if r.Cover != account.CoverBundle || r.BundleMinutes != 2 || !r.Cost.IsZero() || !r.Authorized {
			t.Errorf("late CDR %+v", r)
		}
		if nov := a.UsageAt(november); nov.BundleMinutes != 102 || !nov.PAYG.IsZero() {
			t.Errorf("November %+v", nov)
		}
		if d := a.UsageAt(dec); d.BundleMinutes != 300 || !d.PAYG.IsZero() {
			t.Errorf("December %+v", d)
		}
	})

	t.Run("cap of november", func(t *testing.T) {
		a := gbAccount(t, nil) // cap 10
		// November: 13 × 0.76 = 9.88 of pay-as-you-go; December: nothing.
		for i := range 13 {
			_, err := a.RateCDR(ix, account.CDR{CallID: "m" + string(rune('a'+i)), User: "carol",
				Dialled: dial(t, "+61 412 345 678", "GB"), Start: november, Seconds: 90})
			must(t, err)
		}
		useDecember(t, a, 1)
		d := a.Authorize(ix, account.Request{CallID: "late", User: "carol", Dialled: dial(t, "+61 2 9999 9999", "GB"), Start: november})
		if d.Allowed || d.Reason != account.DeniedCapReached {
			t.Errorf("a November call with 0.12 of November's cap left: %v %s max %d", d.Allowed, d.Reason, d.MaxSeconds)
		}
		if d := a.Authorize(ix, account.Request{CallID: "now", User: "carol", Dialled: dial(t, "+61 2 9999 9999", "GB"), Start: dec}); d.MaxSeconds != 4560 {
			t.Errorf("a December call: max %d, want 4560 (all of December's cap)", d.MaxSeconds)
		}
	})
}

// TestRateCDRBeyondIdempotencyWindow checks that a CDR older than the
// previous month, whose call id the account no longer remembers, is
// refused rather than charged (again) to the current month.
func TestRateCDRBeyondIdempotencyWindow(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, nil)
	au := dial(t, "+61 2 9999 9999", "GB")
	oct := time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	old := account.CDR{CallID: "oct-1", User: "carol", Dialled: au, Start: oct, Seconds: 60}
	_, err := a.RateCDR(ix, old)
	must(t, err)
	_, err = a.RateCDR(ix, account.CDR{CallID: "nov-1", User: "carol", Dialled: au, Start: november, Seconds: 60})
	must(t, err)
	_, err = a.RateCDR(ix, account.CDR{CallID: "dec-1", User: "carol", Dialled: au, Start: dec, Seconds: 60})
	must(t, err)
	// October's calls are forgotten now: a resent batch must not charge again.
	if _, err := a.RateCDR(ix, old); core.ErrorCode(err) != core.Invalid {
		t.Errorf("resent October CDR: %v, want invalid", err)
	}
	if _, err := a.RateCDR(ix, account.CDR{CallID: "oct-2", User: "carol", Dialled: au, Start: oct, Seconds: 60}); core.ErrorCode(err) != core.Invalid {
		t.Errorf("unseen October CDR: %v, want invalid", err)
	}
	if u := a.UsageAt(dec); !u.PAYG.Equal(money("0.13")) {
		t.Errorf("December PAYG %s, want 0.13", u.PAYG)
	}
	// Last month is still in the window: a duplicate is recognised, a new
	// call is charged to November.
	if r, err := a.RateCDR(ix, account.CDR{CallID: "nov-1", User: "carol", Dialled: au, Start: november, Seconds: 60}); err != nil || !r.Duplicate {
		t.Errorf("November duplicate: %+v, %v", r, err)
	}
	_, err = a.RateCDR(ix, account.CDR{CallID: "nov-2", User: "carol", Dialled: au, Start: november, Seconds: 60})
	must(t, err)
	if u := a.UsageAt(november); !u.PAYG.Equal(money("0.26")) {
		t.Errorf("November PAYG %s, want 0.26", u.PAYG)
	}
}

// TestReservedCallOutlastingItsMaximum checks a bundle call that the switch
// released a few seconds after its authorised maximum (the call limit): the
// excess draws on the minutes still in the pool, as it would for a call
// without a reservation, and only goes to the rate card once the pool is
// used up.
func TestReservedCallOutlastingItsMaximum(t *testing.T) {
	ix := testDeck(t)
	uk := dial(t, "020 7946 0000", "GB")
	a := gbAccount(t, func(s *account.Settings) { s.CallLimit = 600 }) // overspend off
	d, err := a.AuthorizeAndReserve(ix, account.Request{CallID: "long", User: "bob", Dialled: uk, Start: november})
	must(t, err)
	if d.BundleSeconds != 600 || d.MaxSeconds != 600 {
		t.Fatalf("decision %+v", d)
	}
	r, err := a.RateCDR(ix, account.CDR{CallID: "long", User: "bob", Dialled: uk, Start: november, Seconds: 605})
	must(t, err)
	if r.BundleMinutes != 11 || r.PAYGSeconds != 0 || !r.Cost.IsZero() {
		t.Errorf("605 s with 290 minutes in the pool: %+v", r.Charge)
	}
	// Within the maximum the charge is the quote, as always.
	d, err = a.AuthorizeAndReserve(ix, account.Request{CallID: "short", User: "bob", Dialled: uk, Start: november})
	must(t, err)
	r, err = a.RateCDR(ix, account.CDR{CallID: "short", User: "bob", Dialled: uk, Start: november, Seconds: 590})
	must(t, err)
	if q := d.Quote(590); r.BundleMinutes != q.BundleMinutes || !r.Cost.Equal(q.Cost) {
		t.Errorf("590 s: %+v, quoted %+v", r.Charge, q)
	}

	// With the pool nearly used up, the excess beyond it is charged at the
	// rate card: 5 minutes left, a 310 s call pays 10 s (0.012/min).
	b := gbAccount(t, nil)
	useBundle(t, b, ix, 295, "u")
	d, err = b.AuthorizeAndReserve(ix, account.Request{CallID: "last", User: "bob", Dialled: uk, Start: november})
	must(t, err)
	if d.BundleSeconds != 300 || d.MaxSeconds != 300 {
		t.Fatalf("decision %+v", d)
	}
	r, err = b.RateCDR(ix, account.CDR{CallID: "last", User: "bob", Dialled: uk, Start: november, Seconds: 310})
	must(t, err)
	if r.BundleMinutes != 5 || r.PAYGSeconds != 10 || !r.Cost.Equal(money("0.002")) {
		t.Errorf("310 s with 5 minutes in the pool: %+v", r.Charge)
	}
	if u := b.UsageAt(november); u.BundleMinutes != 300 || !u.PAYG.Equal(money("0.002")) {
		t.Errorf("usage %+v", u)
	}
}
