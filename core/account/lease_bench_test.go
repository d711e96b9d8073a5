package account_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// leaseCases are holder decisions answered from the lease, per cover.
func leaseCases(tb testing.TB, ix *deck.Index) []struct {
	name string
	h    *account.LeaseHolder
	req  account.Request
} {
	cases := []struct {
		name, user, dial string
		change           func(*account.Settings)
		want             account.Reason
	}{
		{"emergency", "bob", "999", nil, account.ReasonEmergency},
		{"package", "alice", "+61 412 345 678", nil, account.ReasonPackage},
		{"bundle", "bob", "020 7946 0000", func(s *account.Settings) { s.CallLimit = 600 }, account.ReasonBundle},
		{"payg-capped", "carol", "+61 412 345 678", func(s *account.Settings) { s.CallLimit = 600; s.Cap = money("100") }, account.ReasonPAYG},
		{"payg-uncapped", "carol", "+61 412 345 678", func(s *account.Settings) { s.Capped, s.Cap = false, money("0") }, account.ReasonPAYG},
	}
	var out []struct {
		name string
		h    *account.LeaseHolder
		req  account.Request
	}
	for _, c := range cases {
		l := account.NewLedger(gbAccount(tb, c.change), account.LeasePolicy{Isolates: 2})
		h, err := account.NewLeaseHolder(viewOf(tb, l), mustGrant(tb, l, november))
		must(tb, err)
		req := account.Request{CallID: "bench", User: c.user, Dialled: dial(tb, c.dial, "GB"), Start: november.Add(time.Second)}
		if d, renew := h.Authorize(ix, req); d.Reason != c.want || renew {
			tb.Fatalf("%s: %s renew=%v, want %s from the lease", c.name, d.Reason, renew, c.want)
		}
		out = append(out, struct {
			name string
			h    *account.LeaseHolder
			req  account.Request
		}{c.name, h, req})
	}
	return out
}

// BenchmarkLeaseAuthorize measures a decision answered from a lease in
// isolate memory (target ≤ 1 µs, ≤ 2 allocations).
func BenchmarkLeaseAuthorize(b *testing.B) {
	ix := testDeck(b)
	for _, c := range leaseCases(b, ix) {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.h.Authorize(ix, c.req)
			}
		})
	}
}

// TestLeaseAuthorizeAllocs holds lease decisions to ≤ 2 allocations.
func TestLeaseAuthorizeAllocs(t *testing.T) {
	ix := testDeck(t)
	for _, c := range leaseCases(t, ix) {
		if n := testing.AllocsPerRun(50, func() { c.h.Authorize(ix, c.req) }); n > 2 {
			t.Errorf("%s: %v allocations per decision, want ≤ 2", c.name, n)
		}
	}
}

// BenchmarkLeaseRoundTrips simulates a realistic mix of calls from several
// isolates holding leases and reports the share of authorizations that
// needed a round trip to the authority (grant, renewal or a decision by
// the authority itself) as "roundtrip-%"; with background renewals
// (RenewSoon), those are reported apart as "background-renew-%".
func BenchmarkLeaseRoundTrips(b *testing.B) {
	ix := testDeck(b)
	cases := []struct {
		name     string
		acct     func() *account.Account
		policy   account.LeasePolicy
		isolates int
		bg       bool
	}{
		{"4-isolates-ttl5m", simAccount(b, 100, true, "100000"), account.LeasePolicy{Isolates: 4, TTL: 5 * time.Minute}, 4, false},
		{"8-isolates-ttl1m", simAccount(b, 100, true, "100000"), account.LeasePolicy{Isolates: 8, TTL: time.Minute}, 8, false},
		{"8-isolates-ttl1m-background", simAccount(b, 100, true, "100000"), account.LeasePolicy{Isolates: 8, TTL: time.Minute}, 8, true},
		{"4-isolates-exhausted", simAccount(b, 1, true, "40"), account.LeasePolicy{Isolates: 4, MinMoney: money("2"), TTL: 5 * time.Minute}, 4, false},
		{"4-isolates-exhausted-background", simAccount(b, 1, true, "40"), account.LeasePolicy{Isolates: 4, MinMoney: money("2"), TTL: 5 * time.Minute}, 4, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			calls := simCalls(b, rand.New(rand.NewPCG(2026, 11)), 3000, c.isolates)
			var r simResult
			for b.Loop() {
				r = runLeased(b, ix, c.acct, c.policy, calls, c.isolates, c.bg)
			}
			b.ReportMetric(100*float64(r.roundTrips)/float64(r.auths), "roundtrip-%")
			b.ReportMetric(100*float64(r.background)/float64(r.auths), "background-renew-%")
		})
	}
}
