package account_test

import (
	"strconv"
	"testing"

	"github.com/tollgate-voice/tollgate/core/account"
)

// BenchmarkAuthorize measures one decision per cover kind. Target: ≤ 1 µs
// and ≤ 2 allocations per decision. A routed decision allocates the digit
// string its Row.Prefix shares; the bundle-then-overspend boundary case
// (the last minutes of the bundle, overspend on, capped) also prices the
// bundle part and builds the budget decimal: 3 allocations.
func BenchmarkAuthorize(b *testing.B) {
	ix := testDeck(b)
	split := gbAccount(b, func(s *account.Settings) { s.Overspend = true })
	useBundle(b, split, ix, 240, "u")
	cases := []struct {
		name string
		a    *account.Account
		user string
		dial string
		dir  account.Direction
		want account.Reason
	}{
		{"emergency", gbAccount(b, nil), "bob", "999", account.Outbound, account.ReasonEmergency},
		{"inbound", gbAccount(b, nil), "bob", "+61 2 9999 9999", account.Inbound, account.ReasonInbound},
		{"package", gbAccount(b, nil), "alice", "+61 412 345 678", account.Outbound, account.ReasonPackage},
		{"package-global", gbAccount(b, nil), "dave", "+33 1 23 45 67 89", account.Outbound, account.ReasonPackage},
		{"bundle", gbAccount(b, nil), "bob", "020 7946 0000", account.Outbound, account.ReasonBundle},
		{"bundle-then-overspend", split, "bob", "020 7946 0000", account.Outbound, account.ReasonBundle},
		{"payg-capped", gbAccount(b, nil), "carol", "+61 412 345 678", account.Outbound, account.ReasonPAYG},
		{"payg-uncapped", gbAccount(b, func(s *account.Settings) { s.Capped, s.Cap = false, money("0") }), "carol", "+61 412 345 678", account.Outbound, account.ReasonPAYG},
		{"denied-privilege", gbAccount(b, nil), "bob", "+61 2 9999 9999", account.Outbound, account.DeniedPrivilege},
	}
	for _, c := range cases {
		req := account.Request{CallID: "bench", User: c.user, Dialled: dial(b, c.dial, "GB"), Direction: c.dir, Start: november}
		if d := c.a.Authorize(ix, req); d.Reason != c.want {
			b.Fatalf("%s: reason %s, want %s", c.name, d.Reason, c.want)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.a.Authorize(ix, req)
			}
		})
	}
}

// BenchmarkRateCDR measures rating a pay-as-you-go CDR (a new call id each
// time, so every iteration charges; the id's formatting is included).
func BenchmarkRateCDR(b *testing.B) {
	ix := testDeck(b)
	a := gbAccount(b, func(s *account.Settings) { s.Capped, s.Cap = false, money("0") })
	cdr := account.CDR{User: "carol", Dialled: dial(b, "+61 412 345 678", "GB"), Start: november, Seconds: 95}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if i%account.MaxRated == 0 {
			b.StopTimer()
			a = gbAccount(b, func(s *account.Settings) { s.Capped, s.Cap = false, money("0") })
			b.StartTimer()
		}
		cdr.CallID = "call-" + strconv.Itoa(i)
		if _, err := a.RateCDR(ix, cdr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshot measures encoding and decoding a busy account.
func BenchmarkSnapshot(b *testing.B) {
	a := busyAccount(b)
	buf, err := a.EncodeSnapshot()
	if err != nil {
		b.Fatal(err)
	}
	cat := account.DemoCatalog()
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			a.EncodeSnapshot()
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			if _, err := account.DecodeSnapshot(cat, buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}
