//go:build e2e

package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBulkPackageChange: the admin ticks two users, chooses one package
// change for both and sees one prorated quote, worked out in the browser and
// equal to the server's quote of the same request; confirming applies it
// once (Idempotency-Key: sending the same request with the same key again is
// a replay, not a second change). The package editor is photographed at
// phone width.
func TestBulkPackageChange(t *testing.T) {
	needsAPI(t)
	ctx := newBrowser(t)
	signIn(t, ctx, "alice@demo.example")
	waitJS(t, ctx, `!!document.querySelector("#select-bob") && !!document.querySelector("#select-carol")`, "the user checkboxes")
	if lbl, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('label[for="select-bob"]') || {textContent: ""}).textContent`)); !strings.Contains(lbl, "Bob") {
		t.Errorf("Bob's checkbox is labelled %q", lbl)
	}
	// Keyboard: focus the checkbox and press space.
	for _, u := range []string{"bob", "carol"} {
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#select-"+u)), chromedp.KeyEvent(" ")); err != nil {
			t.Fatal(err)
		}
	}
	waitContains(t, ctx, "#bulk-title", "Change 2 selected users")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#bulk-action"), "add:pkg-au-nz"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#bulk-action").dispatchEvent(new Event("change", {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	waitContains(t, ctx, "#bulk-quote-net", "US$")
	waitContains(t, ctx, "#bulk-quote-check", "exactly the same")
	screenshot(t, ctx, "packages-bulk-quote")

	// The server's quote of the same request, asked from here.
	var before struct {
		Catalog []struct {
			Code string `json:"code"`
		} `json:"catalog"`
		Held []struct {
			User     string `json:"user"`
			Packages []struct {
				Code     string `json:"code"`
				Included bool   `json:"included"`
			} `json:"packages"`
		} `json:"held"`
	}
	res := fetchInPage(t, ctx, "GET", "/v1/packages", "", nil)
	if err := json.Unmarshal(res.Body, &before); err != nil {
		t.Fatal(err)
	}
	held := map[string][]string{}
	for _, h := range before.Held {
		held[h.User] = []string{}
		for _, p := range h.Packages {
			if !p.Included {
				held[h.User] = append(held[h.User], p.Code)
			}
		}
	}
	var users []map[string]any
	for _, u := range []string{"bob", "carol"} {
		if slices.Contains(held[u], "pkg-au-nz") || slices.Contains(held[u], "pkg-global") {
			continue // the page leaves them out too
		}
		want := []string{}
		for _, c := range before.Catalog { // in the catalog's order, as the page sends them
			if c.Code == "pkg-au-nz" || slices.Contains(held[u], c.Code) {
				want = append(want, c.Code)
			}
		}
		users = append(users, map[string]any{"user": u, "packages": want})
	}
	if len(users) == 0 {
		t.Fatal("bob and carol already hold the package: the test data changed")
	}
	q := wantServerQuote(t, ctx, users, "bulk-quote")
	if rows, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#bulk-quote-lines tbody tr").length`)); rows != len(q.Lines) {
		t.Errorf("the browser's quote has %d lines, the server's %d", rows, len(q.Lines))
	}

	// Phone width: the package editor.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the packages page is %d px wide at phone width", w)
	}
	screenshot(t, ctx, "packages-editor-phone")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}

	// Confirm: the request carries an Idempotency-Key; record it.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.applyKeys = [];
		const f = window.fetch;
		window.fetch = (url, opts) => {
			if (String(url).endsWith("/v1/packages/apply")) window.applyKeys.push({key: opts.headers["Idempotency-Key"], body: opts.body});
			return f(url, opts);
		};`)); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#bulk-apply")
	done := waitContains(t, ctx, "#apply-result", "Done")
	if !strings.Contains(done, "Bob") || !strings.Contains(done, "Carol") {
		t.Errorf("result = %q, want both users named", done)
	}
	var sent []struct {
		Key  string `json:"key"`
		Body string `json:"body"`
	}
	b, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.applyKeys)`))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &sent); err != nil || len(sent) != 1 || len(sent[0].Key) < 16 {
		t.Fatalf("apply requests sent: %s", b)
	}
	// The same request with the same key again: the first answer, no second change.
	again := fetchInPage(t, ctx, "POST", "/v1/packages/apply", sent[0].Body, map[string]string{"Idempotency-Key": sent[0].Key})
	if again.Status != 200 {
		t.Errorf("replay with the same key: %d %s", again.Status, again.Body)
	}
	res = fetchInPage(t, ctx, "GET", "/v1/packages", "", nil)
	var after struct {
		Held []struct {
			User     string `json:"user"`
			Packages []struct {
				Code string `json:"code"`
			} `json:"packages"`
		} `json:"held"`
	}
	if err := json.Unmarshal(res.Body, &after); err != nil {
		t.Fatal(err)
	}
	for _, h := range after.Held {
		if h.User != "bob" && h.User != "carol" {
			continue
		}
		n := 0
		for _, p := range h.Packages {
			if p.Code == "pkg-au-nz" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s holds %d Australia & NZ packages after the change and its replay, want 1", h.User, n)
		}
	}
	waitContains(t, ctx, "#held-bob", "Australia")
	waitContains(t, ctx, "#held-carol", "Australia")
	viewportShot(t, ctx, "packages-bulk-applied")
}

// TestInvoiceProgress: the upcoming invoice is generated on request; while
// it is, a progress bar says so (the answer is delayed so that it can be
// seen); a failure is explained in words and Try again recovers. The
// page's fetch is wrapped to fail or slow down that one request (per-URL
// network emulation left the request pending for good in Chromium 148).
func TestInvoiceProgress(t *testing.T) {
	needsAPI(t)
	ctx := newBrowser(t)
	signIn(t, ctx, "alice@demo.example")
	openPage(t, ctx, "/usage", "usage")
	waitJS(t, ctx, `!!document.querySelector("#invoice-upcoming")`, "the invoices")
	// The page's requests for the upcoming invoice fail, or are slow, as
	// this test says (window.invoiceNet: "fail" or "slow").
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.invoiceNet = "fail";
		const f = window.fetch;
		window.fetch = (url, opts) => {
			if (!String(url).endsWith("/v1/invoices/upcoming")) return f(url, opts);
			if (window.invoiceNet === "fail") return Promise.reject(new TypeError("Failed to fetch"));
			return new Promise(r => setTimeout(r, 1500)).then(() => f(url, opts));
		};`)); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#invoice-upcoming")
	msg := waitContains(t, ctx, "#invoice-error", "could not be generated")
	if !strings.Contains(msg, "could not be reached") {
		t.Errorf("error = %q", msg)
	}
	viewportShot(t, ctx, "usage-invoice-error")
	// A slow answer: the progress bar while the invoice is generated.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.invoiceNet = "slow"`)); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#invoice-retry")
	waitContains(t, ctx, "#invoice-progress-label", "Generating the upcoming invoice")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#invoice-progress progress").length`)); n != 1 {
		t.Errorf("%d progress bars while generating the invoice", n)
	}
	screenshot(t, ctx, "usage-invoice-progress")
	waitContains(t, ctx, "#invoice-total", "US$")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#invoice-progress, #invoice-error").length`)); n != 0 {
		t.Errorf("the progress or the error is still shown with the invoice")
	}
}
