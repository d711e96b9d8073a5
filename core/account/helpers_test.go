package account_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// testDeck is a small deck with the worked examples: Australia landline
// US$0.13/min vs mobile US$0.38/min, a per-second UK landline, 30/6 UK
// mobiles, premium and toll-free numbers, a connection fee (France) and a
// non-geographic satellite code.
func testDeck(t testing.TB) *deck.Index {
	t.Helper()
	f, err := os.Open("testdata/deck.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := deck.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	d.Version = "test"
	ix, err := deck.NewIndex(d)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func dial(t testing.TB, s, home string) e164.Dialled {
	t.Helper()
	d, err := e164.ParseDial(s, home)
	if err != nil {
		t.Fatalf("ParseDial(%q, %s): %v", s, home, err)
	}
	return d
}

var money = core.MustParseMoney

// november is the demo clock: 10 November 2026, 10:00 UTC.
var november = time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)

// gbAccount returns a UK account with a 300-minute bundle, the rate card on,
// a US$10 cap and thresholds at 80 % and 100 %, and four users:
// alice (international, plan, AU/NZ package), bob (domestic only, plan),
// carol (international + premium, no plan) and dave (international, plan,
// Global package).
func gbAccount(t testing.TB, change func(*account.Settings)) *account.Account {
	t.Helper()
	s := account.Settings{Home: "GB", RateCard: true, Capped: true, Cap: money("10"), Thresholds: []int{80, 100}}
	if change != nil {
		change(&s)
	}
	a, err := account.New("acme", account.DemoCatalog(), s)
	if err != nil {
		t.Fatal(err)
	}
	must(t, a.SetQuantity("bundle-300", 1))
	must(t, a.AddUser(account.User{ID: "alice", Privileges: account.International, Plan: true, Packages: []string{"pkg-au-nz"}}))
	must(t, a.AddUser(account.User{ID: "bob", Privileges: account.Domestic, Plan: true}))
	must(t, a.AddUser(account.User{ID: "carol", Privileges: account.International | account.Premium}))
	must(t, a.AddUser(account.User{ID: "dave", Privileges: account.International, Plan: true, Packages: []string{"pkg-global"}}))
	// Each user has a line: "To place or receive calls, each user must
	// have an active line."
	for i, u := range []string{"alice", "bob", "carol", "dave"} {
		number := "+44207946010" + strconv.Itoa(i)
		_, err := a.AddLine(number, "line-local", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false)
		must(t, err)
		must(t, a.AssignLine(number, u))
	}
	return a
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// useBundle rates CDRs of bob's UK landline calls for the given minutes.
func useBundle(t testing.TB, a *account.Account, ix *deck.Index, minutes int, id string) {
	t.Helper()
	for i := 0; minutes > 0; i++ {
		m := min(minutes, 120)
		_, err := a.RateCDR(ix, account.CDR{CallID: id + string(rune('a'+i)), User: "bob",
			Dialled: dial(t, "020 7946 0000", "GB"), Start: november.Add(-time.Hour), Seconds: m * 60})
		must(t, err)
		minutes -= m
	}
}
