//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAccountAdmin signs in as an admin and goes through the account pages:
// a package change is quoted in the browser, the quote equals the server's,
// applying it changes the upcoming invoice; releasing an annual number warns
// what is still owed before anything happens.
func TestAccountAdmin(t *testing.T) {
	needsAPI(t)
	postDemoCalls(t)
	ctx := newBrowser(t)
	signIn(t, ctx, "alice@demo.example")
	waitContains(t, ctx, "#nav-user", "Alice Admin")
	rec := waitContains(t, ctx, "#recommendation", "more than three international regions")
	if !strings.Contains(rec, "5 international regions") {
		t.Errorf("recommendation = %q, want the five regions called", rec)
	}
	viewportShot(t, ctx, "account-packages")

	// The upcoming invoice before the change.
	openPage(t, ctx, "/usage", "usage")
	waitJS(t, ctx, `!!document.querySelector("#invoice-upcoming")`, "the invoices")
	waitJS(t, ctx, `!!document.querySelector("#chart-minutes") && !!document.querySelector("#chart-spend")`, "the charts")
	screenshot(t, ctx, "account-usage")
	// Another month: its usage is loaded with progress shown meanwhile.
	prev := time.Now().UTC().AddDate(0, -1, -time.Now().UTC().Day()+1)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#month"), prev.Format("2006-01")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#month").dispatchEvent(new Event("change", {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	waitContains(t, ctx, "#minutes-title", prev.Format("January 2006"))
	click(t, ctx, "#invoice-upcoming")
	before := waitContains(t, ctx, "#invoice-total", "US$")
	screenshot(t, ctx, "account-usage-invoice")

	// Change Bob's packages: the browser's quote, then the server's.
	openPage(t, ctx, "/packages", "packages")
	waitJS(t, ctx, `!!document.querySelector("#change-bob")`, "Bob's row")
	click(t, ctx, "#change-bob")
	waitJS(t, ctx, `!!document.querySelector("#package-editor")`, "the package editor")
	click(t, ctx, "#pkg-pkg-uk-eu")
	net := waitContains(t, ctx, "#quote-net", "US$")
	waitContains(t, ctx, "#quote-check", "exactly the same")
	screenshot(t, ctx, "account-packages-quote")

	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#pkg-pkg-uk-eu").checked`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{}
	if checked {
		want = append(want, "pkg-uk-eu")
	}
	q := wantServerQuote(t, ctx, []map[string]any{{"user": "bob", "packages": want}}, "quote")
	if q.Net.IsZero() {
		t.Errorf("a package change for %d of %d days costs nothing: %+v", q.UnusedDays, q.CycleDays, q)
	}
	if !strings.Contains(text(t, ctx, "#quote-days"), "unused days") {
		t.Errorf("the quote does not explain the unused days: %q", text(t, ctx, "#quote-days"))
	}

	click(t, ctx, "#apply-change")
	waitContains(t, ctx, "#apply-result", "Done")
	t.Logf("applied: %s (browser quote %s)", text(t, ctx, "#apply-result"), net)

	// The upcoming invoice changed.
	openPage(t, ctx, "/usage", "usage")
	waitJS(t, ctx, `!!document.querySelector("#invoice-upcoming")`, "the invoices")
	click(t, ctx, "#invoice-upcoming")
	after := waitContains(t, ctx, "#invoice-total", "US$")
	if after == before {
		t.Errorf("the upcoming invoice is still %s after the package change", after)
	}
	if !strings.Contains(text(t, ctx, "#invoice-lines"), "Prorated addition") && !strings.Contains(text(t, ctx, "#invoice-lines"), "Credit for unused days") {
		t.Errorf("the upcoming invoice has no prorated line: %q", text(t, ctx, "#invoice-lines"))
	}

	// Releasing an annual number: the warning first, nothing released yet.
	openPage(t, ctx, "/numbers", "numbers")
	waitJS(t, ctx, `!!document.querySelector("#number-442079460003-release")`, "the numbers")
	screenshot(t, ctx, "account-numbers")
	click(t, ctx, "#number-442079460003-release")
	warning := waitContains(t, ctx, "#consequence", "annual contract")
	if !strings.Contains(warning, "still owe") {
		t.Errorf("release warning = %q", warning)
	}
	screenshot(t, ctx, "account-numbers-release")
	click(t, ctx, "#cancel-action")
	waitJS(t, ctx, `!document.querySelector("#number-action")`, "the action to be cancelled")
	if !strings.Contains(text(t, ctx, "#number-442079460003"), "Carol") {
		t.Errorf("cancelled release changed the number: %q", text(t, ctx, "#number-442079460003"))
	}

	// Unassigning an annual number: no refund, said before confirming;
	// then it is given back to Carol.
	click(t, ctx, "#number-442079460003-unassign")
	waitContains(t, ctx, "#consequence", "No refund")
	if focused := text(t, ctx, ":focus"); !strings.Contains(focused, "Unassign") {
		t.Errorf("focus is on %q, not the action's panel", focused)
	}
	click(t, ctx, "#confirm-action")
	waitContains(t, ctx, "#number-done", "Unassigned +442079460003")
	waitContains(t, ctx, "#number-442079460003", "Unassigned")
	click(t, ctx, "#number-442079460003-assign")
	waitJS(t, ctx, `!!document.querySelector("#assign-to")`, "the user choice")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#assign-to"), "carol"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#assign-to").dispatchEvent(new Event("change", {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	waitContains(t, ctx, "#consequence", "assigned to carol at no extra cost")
	click(t, ctx, "#confirm-action")
	waitContains(t, ctx, "#number-done", "Assigned +442079460003")
	waitContains(t, ctx, "#number-442079460003", "Carol")

	openPage(t, ctx, "/settings", "settings")
	waitJS(t, ctx, `!!document.querySelector("#settings-form")`, "the settings")
	screenshot(t, ctx, "account-settings")
	// A bad threshold is explained; a good cap is saved and kept.
	setField(t, ctx, "#thresholds", "100, 80")
	click(t, ctx, "#save-settings")
	waitContains(t, ctx, "#settings-error", "lowest to highest")
	setField(t, ctx, "#thresholds", "50, 80, 100")
	setField(t, ctx, "#cap", "75")
	click(t, ctx, "#save-settings")
	waitContains(t, ctx, "#settings-saved", "Saved")
	openPage(t, ctx, "/settings", "settings")
	waitJS(t, ctx, `document.querySelector("#cap") && document.querySelector("#cap").value === "75.00" && document.querySelector("#thresholds").value === "50, 80, 100"`, "the saved cap and thresholds")
	// A cap below this month's spend: the inbox has the threshold notices.
	setField(t, ctx, "#thresholds", "80, 100")
	setField(t, ctx, "#cap", "2")
	click(t, ctx, "#save-settings")
	waitContains(t, ctx, "#settings-saved", "Saved")
	openPage(t, ctx, "/settings", "settings")
	waitContains(t, ctx, "#inbox", "reached 100% of your cap")
	screenshot(t, ctx, "account-settings-inbox")
	// Per-user call privileges.
	for _, v := range []string{"international", "domestic"} {
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#privileges-bob"), v),
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#privileges-bob").dispatchEvent(new Event("change", {bubbles: true}))`)); err != nil {
			t.Fatal(err)
		}
		waitContains(t, ctx, "#privileges-saved", map[string]string{"international": "domestic and international numbers", "domestic": "domestic numbers only"}[v])
	}
	setField(t, ctx, "#cap", "50")
	click(t, ctx, "#save-settings")
	waitContains(t, ctx, "#settings-saved", "Saved")

	// Phone width.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	openPage(t, ctx, "/usage", "usage")
	waitJS(t, ctx, `!!document.querySelector("#chart-minutes")`, "the usage")
	screenshot(t, ctx, "account-usage-phone")
	openPage(t, ctx, "/numbers", "numbers")
	waitJS(t, ctx, `!!document.querySelector("#numbers")`, "the numbers")
	screenshot(t, ctx, "account-numbers-phone")

	// Sign out.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	openPage(t, ctx, "/packages", "packages")
	waitJS(t, ctx, `!!document.querySelector("#signout")`, "the sign-out button")
	click(t, ctx, "#signout")
	waitJS(t, ctx, `window.tollgateMounted === "signin" && !!document.querySelector("#signin-form")`, "the sign-in page")
	openPage(t, ctx, "/packages", "packages")
	waitJS(t, ctx, `!!document.querySelector("#signed-out")`, "the signed-out note")
}

// TestAccountMember: a member sees the account but cannot change packages;
// the server refuses too, and the page says so in words.
func TestAccountMember(t *testing.T) {
	needsAPI(t)
	ctx := newBrowser(t)
	signIn(t, ctx, "bob@demo.example")
	waitContains(t, ctx, "#member-note", "only an admin can change it")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[id^=change-]").length`)); n != 0 {
		t.Errorf("a member sees %d package change buttons", n)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[id^=select-], #bulk-editor, #bulk-action").length`)); n != 0 {
		t.Errorf("a member can select users for a package change (%d controls)", n)
	}
	screenshot(t, ctx, "account-packages-member")
	body := `{"users":[{"user":"bob","packages":["pkg-global"]}]}`
	res := fetchInPage(t, ctx, "POST", "/v1/packages/apply", body, map[string]string{"Idempotency-Key": "member-try"})
	if res.Status != 403 || !strings.Contains(string(res.Body), "only an admin") {
		t.Errorf("a member's package change: %d %s", res.Status, res.Body)
	}

	openPage(t, ctx, "/settings", "settings")
	waitJS(t, ctx, `!!document.querySelector("#settings-form")`, "the settings")
	if dis, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#settings-form fieldset").disabled && !document.querySelector("#save-settings")`)); !dis {
		t.Error("a member can edit the settings")
	}
	openPage(t, ctx, "/numbers", "numbers")
	waitJS(t, ctx, `!!document.querySelector("#numbers")`, "the numbers")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#numbers button").length`)); n != 0 {
		t.Errorf("a member sees %d number action buttons", n)
	}
}

// TestSignInWrongPassword: the API's refusal is shown in words.
func TestSignInWrongPassword(t *testing.T) {
	needsAPI(t)
	ctx := newBrowser(t)
	openPage(t, ctx, "/signin", "signin")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), "alice@demo.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), "not-the-password"),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitContains(t, ctx, "#signin-error", "wrong email or password")
	viewportShot(t, ctx, "account-signin-error")
}
