package account_test

import (
	"math/rand/v2"
	"testing"

	"github.com/tollgate-voice/tollgate/core/account"
)

// TestAuthorizeInvariants drives random accounts and calls and checks the
// promises of Authorize and RateCDR: emergency numbers always pass; a
// capped pay-as-you-go call's maximum is the longest that fits what is left
// (Price(max) ≤ left < Price(max+1) unless the call limit bound it); bundle
// calls never take more than the minutes left; the CDR of a reserved call
// costs exactly the quote; and the cap is never exceeded by calls kept
// within their maximum.
func TestAuthorizeInvariants(t *testing.T) {
	ix := testDeck(t)
	r := rand.New(rand.NewPCG(7, 11))
	numbers := []string{"+61 2 9999 9999", "+61 412 345 678", "020 7946 0000", "07700 900123", "+33 1 23 45 67 89",
		"+1 212 555 0100", "09098 790000", "+881 6 12345678", "0800 123456", "999", "101", "+49 30 1234567"}
	users := []string{"alice", "bob", "carol", "dave"}
	caps := []string{"0.5", "1", "2.37", "10"}
	iterations := 60
	if testing.Short() {
		iterations = 10
	}
	for it := range iterations {
		capStr := caps[r.IntN(len(caps))]
		a := gbAccount(t, func(s *account.Settings) {
			s.Cap = money(capStr)
			s.Overspend = r.IntN(2) == 0
			s.RateCard = r.IntN(4) != 0
			s.CallLimit = 60 * (1 + r.IntN(120))
		})
		capAmt := money(capStr)
		for c := range 40 {
			n := numbers[r.IntN(len(numbers))]
			req := account.Request{CallID: "c" + string(rune('A'+it)) + string(rune('a'+c)), User: users[r.IntN(len(users))],
				Dialled: dial(t, n, "GB"), Start: november}
			if r.IntN(10) == 0 {
				req.Direction = account.Inbound
			}
			usage := a.UsageAt(november)
			left := capAmt.Sub(usage.PAYG).Sub(usage.HeldPAYG)
			d := a.Authorize(ix, req)
			if req.Dialled.NeverBlocked() && (!d.Allowed || d.Cover != account.CoverFree) {
				t.Fatalf("%s blocked: %s", n, d.Reason)
			}
			if !d.Allowed {
				continue
			}
			limit := a.Settings().CallLimit
			switch d.Cover {
			case account.CoverPAYG:
				tr := d.Row.Tariff
				if tr.Price(d.MaxSeconds).GreaterThan(left) {
					t.Fatalf("%s: max %d costs %s > left %s", n, d.MaxSeconds, tr.Price(d.MaxSeconds), left)
				}
				if d.MaxSeconds < limit && !tr.Price(d.MaxSeconds+1).GreaterThan(left) {
					t.Fatalf("%s: max %d is not the longest within %s", n, d.MaxSeconds, left)
				}
			case account.CoverBundle:
				minutesLeft := usage.BundleSize - usage.BundleMinutes - usage.HeldMinutes
				if d.BundleSeconds > minutesLeft*60 || d.BundleSeconds%60 != 0 || d.MaxSeconds < d.BundleSeconds {
					t.Fatalf("%s: bundle %d s of %d min left, max %d", n, d.BundleSeconds, minutesLeft, d.MaxSeconds)
				}
				if d.MaxSeconds > d.BundleSeconds && d.Row.Tariff.Price(d.MaxSeconds).Sub(d.Row.Tariff.Price(d.BundleSeconds)).GreaterThan(left) {
					t.Fatalf("%s: overspend past the cap", n)
				}
			}
			d2, err := a.AuthorizeAndReserve(ix, req)
			must(t, err)
			secs := r.IntN(min(d2.MaxSeconds, 3*3600) + 1)
			rt, err := a.RateCDR(ix, account.CDR{CallID: req.CallID, User: req.User, Dialled: req.Dialled, Direction: req.Direction, Start: req.Start, Seconds: secs})
			must(t, err)
			if q := d2.Quote(secs); !rt.Cost.Equal(q.Cost) || rt.BundleMinutes != q.BundleMinutes {
				t.Fatalf("%s %d s: rated %s/%d, quoted %s/%d", n, secs, rt.Cost, rt.BundleMinutes, q.Cost, q.BundleMinutes)
			}
			if u := a.UsageAt(november); u.PAYG.GreaterThan(capAmt) || u.BundleMinutes > u.BundleSize {
				t.Fatalf("over the limits: %+v", u)
			}
		}
	}
}
