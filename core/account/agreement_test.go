package account_test

import (
	"os"
	"testing"

	"github.com/tollgate-voice/tollgate/core/account"
)

// TestAgreement runs the shared agreement table: Authorize's decision, the
// quote, the CDR charge of a reserved call and the charge of the same CDR
// without a reservation must all be the table's figures.
func TestAgreement(t *testing.T) {
	f, err := os.Open("../testdata/agreement.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := account.ReadAgreement(f)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := tab.Deck()
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Cases) < 30 {
		t.Fatalf("only %d cases", len(tab.Cases))
	}
	seen := map[string]bool{}
	for _, c := range tab.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if seen[c.Name] {
				t.Fatal("duplicate case name")
			}
			seen[c.Name] = true
			a, req, err := tab.Build(c)
			if err != nil {
				t.Fatal(err)
			}
			w := c.Want
			d := a.Authorize(ix, req)
			if d.Allowed != w.Allowed || d.Reason != w.Reason || d.Cover.String() != w.Cover || d.Package != w.Package || d.MaxSeconds != w.MaxSeconds {
				t.Fatalf("decision allowed=%v reason=%s cover=%s package=%q max=%d; want %+v", d.Allowed, d.Reason, d.Cover, d.Package, d.MaxSeconds, w)
			}
			if !d.Allowed {
				return
			}
			q := d.Quote(c.Seconds)
			if !q.Cost.Equal(money(w.Cost)) || q.BundleMinutes != w.BundleMinutes {
				t.Fatalf("quote %s, %d bundle minutes; want %s, %d", q.Cost, q.BundleMinutes, w.Cost, w.BundleMinutes)
			}
			// Reserved, then rated.
			if _, err := a.AuthorizeAndReserve(ix, req); err != nil {
				t.Fatal(err)
			}
			cdr := account.CDR{CallID: req.CallID, User: req.User, Dialled: req.Dialled, Direction: req.Direction, Start: req.Start, Seconds: c.Seconds}
			r, err := a.RateCDR(ix, cdr)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Cost.Equal(money(w.Cost)) || r.BundleMinutes != w.BundleMinutes || r.Cover.String() != w.Cover {
				t.Fatalf("reserved CDR rated %s (%s, %d min); want %s", r.Cost, r.Cover, r.BundleMinutes, w.Cost)
			}
			// The same CDR on a fresh account, without a reservation.
			b, _, err := tab.Build(c)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := b.RateCDR(ix, cdr)
			if err != nil {
				t.Fatal(err)
			}
			if !r2.Cost.Equal(money(w.Cost)) || r2.BundleMinutes != w.BundleMinutes || !r2.Authorized {
				t.Fatalf("unreserved CDR rated %s (%d min, authorized %v); want %s", r2.Cost, r2.BundleMinutes, r2.Authorized, w.Cost)
			}
		})
	}
}
