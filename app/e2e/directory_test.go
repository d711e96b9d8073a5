//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRatesDirectory searches the directory, filters by region and sorts,
// in the browser over the deck snapshot.
func TestRatesDirectory(t *testing.T) {
	ctx := newBrowser(t)
	openPage(t, ctx, "/rates", "rates")
	waitText(t, ctx, "#directory-status", "countries")
	viewportShot(t, ctx, "rates-directory")

	rows := func() []string {
		t.Helper()
		r, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("#directory tbody tr")].map(tr => tr.dataset.country)`))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	all := len(rows())
	if all < 5 {
		t.Fatalf("directory lists %d countries", all)
	}

	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#search"), "austral")); err != nil {
		t.Fatal(err)
	}
	waitRows(t, ctx, func(r []string) bool { return len(r) == 1 && r[0] == "AU" }, rows)
	landline := text(t, ctx, `#directory tr[data-country="AU"] td.landline`)
	mobile := text(t, ctx, `#directory tr[data-country="AU"] td.mobile`)
	if !strings.HasPrefix(landline, "US$") || !strings.HasPrefix(mobile, "US$") || landline == mobile {
		t.Errorf("AU landline %q, mobile %q", landline, mobile)
	}
	screenshot(t, ctx, "rates-directory-search")

	// Search by calling code.
	err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#search").select()`),
		chromedp.SendKeys(chromedp.CSS("#search"), "+64"),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitRows(t, ctx, func(r []string) bool { return len(r) == 1 && r[0] == "NZ" }, rows)

	// Clear the search, filter to Australia & New Zealand, sort by mobile
	// price, highest first.
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#search").select()`),
		chromedp.KeyEvent("\b"),
		chromedp.SetValue(chromedp.CSS("#region"), "au-nz"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#region").dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitRows(t, ctx, func(r []string) bool {
		for _, c := range r {
			if c == "GB" || c == "US" {
				return false
			}
		}
		return len(r) >= 2 && len(r) < all
	}, rows)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sort-mobile")), chromedp.Click(chromedp.CSS("#sort-mobile"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	sort, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#sort-mobile").parentElement.getAttribute("aria-sort")`))
	if err != nil || sort != "descending" {
		t.Errorf("mobile column aria-sort = %q, %v", sort, err)
	}
	csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`decodeURIComponent(document.querySelector("#csv").getAttribute("href").split(",").slice(1).join(","))`))
	if err != nil || !strings.HasPrefix(csv, "country,iso,calling_code,region,") || !strings.Contains(csv, ",AU,61,") {
		t.Errorf("CSV download: %q, %v", csv, err)
	}
	screenshot(t, ctx, "rates-directory-region")
}

func waitRows(t *testing.T, _ any, ok func([]string) bool, rows func() []string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := rows()
		if ok(r) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("directory rows %v", r)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
