// Command demo is a small command-line tour of Tollgate's rating core: it
// builds a demo account (DEMO catalog prices) on the default global deck
// (DEMO rates) and prints call authorizations and CDR ratings — Australian
// landline vs mobile, the pooled bundle, the outbound block with the bundle
// used up and overspend off (emergency and essential calls still go
// through), and, with overspend on, a call that hits the pay-as-you-go cap.
// It is what `make run` runs until the worker exists.
//
//	go run ./core/cmd/demo [-deck prices.csv] [-now 2026-11-10T09:00:00Z]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/deck/global"
	"github.com/tollgate-voice/tollgate/core/e164"
)

func main() {
	deckPath := flag.String("deck", "", "rate deck CSV (default: the built-in global deck)")
	nowFlag := flag.String("now", "2026-11-10T09:00:00Z", "the demo clock (RFC 3339)")
	flag.Parse()
	now, err := time.Parse(time.RFC3339, *nowFlag)
	if err != nil {
		fail(err)
	}
	ix, err := loadDeck(*deckPath)
	if err != nil {
		fail(err)
	}
	if err := run(os.Stdout, ix, now); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "demo:", core.ErrorMessage(err))
	os.Exit(1)
}

func loadDeck(path string) (*deck.Index, error) {
	if path == "" {
		return global.Index()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := deck.ParseCSV(f)
	if err != nil {
		return nil, err
	}
	d.Version = path
	return deck.NewIndex(d)
}

// run prints the tour to w, on the rate deck ix, with the clock at now.
func run(w io.Writer, ix *deck.Index, now time.Time) error {
	a, err := account.New("acme", account.DemoCatalog(), account.Settings{
		Home: "GB", RateCard: true, Overspend: false,
		Capped: true, Cap: core.MustParseMoney("5.00"), Thresholds: []int{80, 100},
	})
	if err != nil {
		return err
	}
	steps := []error{
		a.SetQuantity("bundle-300", 1),
		a.AddUser(account.User{ID: "ann", Name: "Ann (international)", Privileges: account.International, Plan: true}),
		a.AddUser(account.User{ID: "ben", Name: "Ben (domestic only)", Privileges: account.Domestic, Plan: true}),
		a.AddUser(account.User{ID: "cat", Name: "Cat (AU/NZ package)", Privileges: account.International, Plan: true, Packages: []string{"pkg-au-nz"}}),
	}
	for i, u := range []string{"ann", "ben", "cat"} { // a user calls from a line
		number := fmt.Sprintf("+44207946000%d", i+1)
		_, err := a.AddLine(number, "line-local", now, false)
		steps = append(steps, err, a.AssignLine(number, u))
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "Tollgate demo — account %q, home GB, deck %q (%d rows), clock %s\n", a.ID(), ix.Version(), ix.Len(), now.Format(time.RFC3339))
	fmt.Fprintln(w, "DEMO prices: catalog and rates are invented for illustration.")
	fmt.Fprintln(w, "Settings: 300 pooled domestic minutes, rate card on, overspend OFF, PAYG cap US$5.00, notices at 80% and 100%.")

	seq := 0
	call := func(user, dialStr string, secs int) (account.Decision, *account.Rating, error) {
		dialled, err := e164.ParseDial(dialStr, "GB")
		if err != nil {
			return account.Decision{}, nil, err
		}
		seq++
		req := account.Request{CallID: fmt.Sprintf("demo-%d", seq), User: user, Dialled: dialled, Start: now}
		d, err := a.AuthorizeAndReserve(ix, req)
		if err != nil || !d.Allowed || secs < 0 {
			return d, nil, err
		}
		secs = min(secs, d.MaxSeconds) // the switch ends the call at the authorised maximum
		r, err := a.RateCDR(ix, account.CDR{CallID: req.CallID, User: user, Dialled: dialled, Start: now, Seconds: secs})
		return d, &r, err
	}
	section := func(title string, calls [][3]any) error {
		fmt.Fprintf(w, "\n== %s\n", title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "user\tdialled\tdestination\tdecision\tcover\tmax\tcall\tcharged\tnotices")
		for _, c := range calls {
			user, dialStr, secs := c[0].(string), c[1].(string), c[2].(int)
			d, r, err := call(user, dialStr, secs)
			if err != nil {
				return err
			}
			dest := "-"
			if d.HasRow() {
				dest = fmt.Sprintf("%s (%s)", d.Row.Destination, d.Row.Kind)
			}
			verdict := "ALLOW " + string(d.Reason)
			if !d.Allowed {
				verdict = "DENY " + string(d.Reason)
			}
			charged, dur, notes := "-", "-", ""
			if r != nil {
				dur = fmt.Sprintf("%ds", r.Seconds)
				charged = "US$" + r.Cost.StringFixed(4)
				if r.BundleMinutes > 0 {
					charged += fmt.Sprintf(" + %d bundle min", r.BundleMinutes)
				}
				for _, n := range r.Notices {
					notes += fmt.Sprintf("%s %d%% ", n.Meter, n.Percent)
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", user, dialStr, dest, verdict, d.Cover, maxString(d.MaxSeconds), dur, charged, notes)
		}
		return tw.Flush()
	}

	if err := section("Australia: landline US$0.13/min vs mobile US$0.38/min (pay-as-you-go, 7 minutes each)", [][3]any{
		{"ann", "+61 2 9999 9999", 420},
		{"ann", "+61 412 345 678", 420},
		{"cat", "+61 412 345 678", 420},
		{"ben", "+61 2 9999 9999", 60},
	}); err != nil {
		return err
	}
	if err := section("Included and pooled", [][3]any{
		{"ann", "+1 212 555 0100", 600},
		{"ben", "020 7946 0000", 7200},
		{"ann", "020 7946 0000", 7200},
		{"cat", "07400 123456", 3600},
	}); err != nil {
		return err
	}
	u := a.UsageAt(now)
	fmt.Fprintf(w, "Bundle: %d of %d minutes used.\n", u.BundleMinutes, u.BundleSize)
	if err := section("Bundle used up, overspend off: every outbound call blocked until the 1st (packages and rate card too) except emergency and essential numbers", [][3]any{
		{"ben", "020 7946 0000", 60},
		{"ben", "999", 180},
		{"ben", "112", 60},
		{"ben", "111", 60},
		{"ben", "+44 20 7946 0000", 60},
		{"ann", "+1 212 555 0100", 60},
		{"ann", "+61 2 9999 9999", 60},
	}); err != nil {
		return err
	}
	u = a.UsageAt(now)
	fmt.Fprintf(w, "PAYG spent this month: US$%s of the US$5.00 cap.\n", u.PAYG.StringFixed(4))
	settings := a.Settings()
	settings.Overspend = true
	if err := a.SetSettings(settings); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nOverspend switched ON: calls go on at the standard rate, within the cap.")
	if err := section("The cap bounds each call: the max duration is what the money left pays for (calls asked for 1 hour)", [][3]any{
		{"ann", "+61 412 345 678", 3600},
		{"ann", "+61 2 9999 9999", 3600},
		{"ann", "+61 2 9999 9999", 3600},
		{"ann", "999", 60},
	}); err != nil {
		return err
	}
	u = a.UsageAt(now)
	fmt.Fprintf(w, "PAYG spent this month: US$%s of the US$5.00 cap.\n", u.PAYG.StringFixed(4))
	return nil
}

func maxString(s int) string {
	if s == account.NoLimit {
		return "no limit"
	}
	return fmt.Sprintf("%ds", s)
}
