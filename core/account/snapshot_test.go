package account_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
)

// busyAccount is gbAccount with lines, subscriptions, a release, usage,
// calls in progress and rated calls: every part of the state.
func busyAccount(t testing.TB) *account.Account {
	ix := testDeck(t)
	a := gbAccount(t, func(s *account.Settings) { s.Overspend = true })
	start := time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)
	_, err := a.AddLine("+442079460000", "line-local-annual", start, false)
	must(t, err)
	_, err = a.AddLine("+442079460001", "line-local", start, true)
	must(t, err)
	_, err = a.AddLine("+442079460002", "service-number", start, false)
	must(t, err)
	_, err = a.AddLine("+442079460003", "line-local-annual", start, false)
	must(t, err)
	must(t, a.AssignLine("+442079460000", "alice"))
	_, err = a.ReleaseLine("+442079460003", november)
	must(t, err)
	must(t, a.SetQuantity("byoc", 4))
	must(t, a.SetQuantity("provisioning", 1))
	useBundle(t, a, ix, 100, "u")
	_, err = a.RateCDR(ix, account.CDR{CallID: "p", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november, Seconds: 95})
	must(t, err)
	_, err = a.AuthorizeAndReserve(ix, account.Request{CallID: "live1", User: "carol", Dialled: dial(t, "+33 1 23 45 67 89", "GB"), Start: november})
	must(t, err)
	_, err = a.AuthorizeAndReserve(ix, account.Request{CallID: "live2", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november})
	must(t, err)
	return a
}

func TestSnapshotRoundTrip(t *testing.T) {
	ix := testDeck(t)
	a := busyAccount(t)
	b, err := a.EncodeSnapshot()
	must(t, err)
	back, err := account.DecodeSnapshot(account.DemoCatalog(), b)
	must(t, err)
	b2, err := back.EncodeSnapshot()
	must(t, err)
	if !bytes.Equal(b, b2) {
		t.Fatal("re-encoding a decoded snapshot changed it")
	}
	// The decoded account behaves the same.
	for _, n := range []string{"020 7946 0000", "+61 412 345 678", "+33 1 23 45 67 89", "999"} {
		for _, u := range []string{"alice", "bob", "carol", "dave"} {
			req := account.Request{User: u, Dialled: dial(t, n, "GB"), Start: november}
			d1, d2 := a.Authorize(ix, req), back.Authorize(ix, req)
			if d1.Allowed != d2.Allowed || d1.Reason != d2.Reason || d1.MaxSeconds != d2.MaxSeconds || d1.BundleSeconds != d2.BundleSeconds {
				t.Errorf("%s → %s: %+v vs %+v", u, n, d1, d2)
			}
		}
	}
	if u1, u2 := a.UsageAt(november), back.UsageAt(november); u1.BundleMinutes != u2.BundleMinutes || !u1.PAYG.Equal(u2.PAYG) || !u1.HeldPAYG.Equal(u2.HeldPAYG) {
		t.Errorf("usage %+v vs %+v", u1, u2)
	}
	if len(back.Dues()) != 1 || !back.Dues()[0].Amount.Equal(a.Dues()[0].Amount) {
		t.Errorf("dues %+v", back.Dues())
	}
	// Idempotency survives the trip.
	r, err := back.RateCDR(ix, account.CDR{CallID: "p", User: "carol", Dialled: dial(t, "+61 412 345 678", "GB"), Start: november, Seconds: 95})
	if err != nil || !r.Duplicate {
		t.Errorf("rated call forgotten: %+v %v", r, err)
	}
	// The reserved call settles on its reserved terms.
	r, err = back.RateCDR(ix, account.CDR{CallID: "live2", User: "bob", Dialled: dial(t, "020 7946 0000", "GB"), Start: november, Seconds: 30})
	if err != nil || r.Cover != account.CoverBundle || r.BundleMinutes != 1 {
		t.Errorf("reserved call: %+v %v", r, err)
	}
}

func TestDecodeSnapshotRejects(t *testing.T) {
	good := busyAccount(t).Snapshot()
	tests := []struct {
		name string
		edit func(*account.Snapshot)
	}{
		{"version", func(s *account.Snapshot) { s.Version = 99 }},
		{"currency", func(s *account.Snapshot) { s.Currency = "EUR" }},
		{"home", func(s *account.Snapshot) { s.Home = "QQ" }},
		{"zone", func(s *account.Snapshot) { s.Location = "Mars/Olympus" }},
		{"negative cap", func(s *account.Snapshot) { s.Cap = money("1").Neg() }},
		{"unknown package", func(s *account.Snapshot) { s.Users[0].Packages = []string{"pkg-moon"} }},
		{"duplicate user", func(s *account.Snapshot) { s.Users = append(s.Users, s.Users[0]) }},
		{"line of nobody", func(s *account.Snapshot) { s.Lines[0].User = "ghost" }},
		{"non-canonical number", func(s *account.Snapshot) { s.Lines[0].Number = "+44 20 7946 0000" }},
		{"subscription twice", func(s *account.Snapshot) { s.Subs = append(s.Subs, s.Subs[0]) }},
		{"negative usage", func(s *account.Snapshot) { s.PAYGSpent = -1 }},
		{"negative hold", func(s *account.Snapshot) { s.Reservations[0].HoldMoney = -5 }},
		{"reservation twice", func(s *account.Snapshot) { s.Reservations = append(s.Reservations, s.Reservations[0]) }},
		{"rated cost too precise", func(s *account.Snapshot) { s.Rated[0].Cost = money("0.00001") }},
		{"bad kind", func(s *account.Snapshot) { s.Rated[0].Kind = 200 }},
	}
	for _, tt := range tests {
		s := busyAccount(t).Snapshot()
		tt.edit(&s)
		b, err := s.MarshalMsg(nil)
		must(t, err)
		if _, err := account.DecodeSnapshot(account.DemoCatalog(), b); core.ErrorCode(err) != core.Invalid {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	b, _ := good.MarshalMsg(nil)
	for _, cut := range []int{0, 1, len(b) / 2, len(b) - 1} {
		if _, err := account.DecodeSnapshot(account.DemoCatalog(), b[:cut]); core.ErrorCode(err) != core.Invalid {
			t.Errorf("truncated at %d: %v", cut, err)
		}
	}
	if _, err := account.DecodeSnapshot(account.DemoCatalog(), append(b, 0)); core.ErrorCode(err) != core.Invalid {
		t.Errorf("trailing byte: %v", err)
	}
	// An array header claiming a million users is refused before allocation.
	hostile := []byte{0x81, 0xa5, 'u', 's', 'e', 'r', 's', 0xdd, 0x00, 0x0f, 0x42, 0x40}
	if _, err := account.DecodeSnapshot(account.DemoCatalog(), hostile); core.ErrorCode(err) != core.Invalid {
		t.Errorf("hostile array: %v", err)
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	b, err := busyAccount(f).EncodeSnapshot()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{0x80})
	f.Add([]byte{0x81, 0xa1, 'v', 0x01})
	cat := account.DemoCatalog()
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := account.DecodeSnapshot(cat, b)
		if err != nil {
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("error code %s: %v", core.ErrorCode(err), err)
			}
			return
		}
		b1, err := a.EncodeSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		a2, err := account.DecodeSnapshot(cat, b1)
		if err != nil {
			t.Fatalf("re-decoding a valid snapshot: %v", err)
		}
		b2, _ := a2.EncodeSnapshot()
		if !bytes.Equal(b1, b2) {
			t.Fatal("snapshot does not round-trip")
		}
	})
}

func TestSnapshotKeepsZone(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	a := gbAccount(t, func(s *account.Settings) { s.Location = london })
	b, err := a.EncodeSnapshot()
	must(t, err)
	back, err := account.DecodeSnapshot(account.DemoCatalog(), b)
	must(t, err)
	if got := back.Settings().Location; got == nil || got.String() != "Europe/London" {
		t.Fatalf("zone %v", got)
	}
}
