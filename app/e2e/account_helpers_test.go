//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/billing"
)

// needsAPI skips tests that need the worker's portal API (the local asset
// server only serves pages and the deck).
func needsAPI(t *testing.T) {
	t.Helper()
	if os.Getenv("TOLLGATE_URL") == "" {
		t.Skip("the account pages need the worker's API: run with TOLLGATE_WORKERD=1 (make test-portal)")
	}
}

// signIn signs in through the sign-in page and waits for Packages, where
// the portal goes next.
func signIn(t *testing.T, ctx context.Context, email string) {
	t.Helper()
	openPage(t, ctx, "/signin", "signin")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), "tollgate-demo"),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	if err != nil {
		t.Fatalf("signing in as %s: %v", email, err)
	}
	waitJS(t, ctx, `window.tollgateMounted === "packages" && !!document.querySelector("#held")`, "the packages after signing in as "+email)
}

// waitJS waits until the JavaScript expression is true.
func waitJS(t *testing.T, ctx context.Context, js, what string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		shot := strings.NewReplacer(" ", "-", "/", "-", "#", "").Replace(t.Name())
		screenshot(t, ctx, "failed-"+shot)
		t.Fatalf("waiting for %s: %v (page: %q)", what, err, text(t, ctx, "main"))
	}
}

// waitContains waits until the element's text contains want and returns it.
func waitContains(t *testing.T, ctx context.Context, sel, want string) string {
	t.Helper()
	waitJS(t, ctx, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent.includes(%q)`, sel, want),
		fmt.Sprintf("%s to say %q", sel, want))
	return text(t, ctx, sel)
}

// click clicks an element.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

// apiAnswer is an API call made by the page (with its session cookie).
type apiAnswer struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// fetchInPage calls the API from the page, as the signed-in user.
func fetchInPage(t *testing.T, ctx context.Context, method, path, body string, headers map[string]string) apiAnswer {
	t.Helper()
	h, _ := json.Marshal(headers)
	js := fmt.Sprintf(`fetch(%q, {method: %q, credentials: "same-origin", headers: Object.assign({"Content-Type": "application/json"}, %s)%s})
		.then(async r => JSON.stringify({status: r.status, body: (await r.text()) || "null"}))`,
		path, method, h, map[bool]string{true: ", body: " + fmt.Sprintf("%q", body), false: ""}[body != ""])
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	var a struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return apiAnswer{Status: a.Status, Body: json.RawMessage(a.Body)}
}

// postDemoCalls rates a few calls of the demo tenant through the carrier
// API (CDRs, idempotent by call id): Alice calls five international
// regions, Bob the home country, spread over the last days. The usage page
// then has minutes to chart and the recommendation regions to count.
func postDemoCalls(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "worker", "build", "seed", "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []struct {
		Token  string   `json:"token"`
		Tenant string   `json:"tenant"`
		Scopes []string `json:"scopes"`
	}
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	token := ""
	for _, k := range keys {
		if k.Tenant == "demo" && slices.Contains(k.Scopes, "cdrs") {
			token = k.Token
		}
	}
	if token == "" {
		t.Fatal("keys.json has no cdrs key of the demo tenant")
	}
	type cdr struct {
		CallID  string `json:"call_id"`
		User    string `json:"user"`
		Dialled string `json:"dialled"`
		Start   string `json:"start"`
		Seconds int    `json:"seconds"`
	}
	now := time.Now().UTC().Add(-time.Hour)
	calls := []cdr{
		{"e2e-fr", "alice", "+33123456789", "", 240},
		{"e2e-au", "alice", "+61412345678", "", 300},
		{"e2e-jp", "alice", "+81312345678", "", 180},
		{"e2e-br", "alice", "+551123456789", "", 120},
		{"e2e-za", "alice", "+27211234567", "", 150},
		{"e2e-gb1", "bob", "+442079460000", "", 1500},
		{"e2e-gb2", "bob", "+442079460000", "", 2400},
		{"e2e-gb3", "carol", "+442079460000", "", 900},
	}
	for i := range calls {
		// Spread over the days of this month so far.
		back := i % max(1, now.Day())
		calls[i].Start = now.AddDate(0, 0, -back).Format(time.RFC3339)
	}
	body, _ := json.Marshal(map[string]any{"cdrs": calls})
	req, _ := http.NewRequest("POST", baseURL+"/v1/cdrs", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("POST /v1/cdrs: %d %s", res.StatusCode, out)
	}
	if bytes.Contains(out, []byte(`"error"`)) {
		t.Logf("POST /v1/cdrs: %s", out)
	}
}

// setField replaces an input's text by typing.
func setField(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).select()`, sel)),
		chromedp.KeyEvent("\b"),
		chromedp.SendKeys(chromedp.CSS(sel), value),
	)
	if err != nil {
		t.Fatalf("typing into %s: %v", sel, err)
	}
}

// wantServerQuote asks the server (from the page, with its session) to quote
// a package change for users and checks that the page's #<prefix>-net,
// -credit and -charge show the same amounts; it returns the server's quote.
func wantServerQuote(t *testing.T, ctx context.Context, users any, prefix string) billing.Quote {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"users": users})
	res := fetchInPage(t, ctx, "POST", "/v1/packages/quote", string(body), nil)
	if res.Status != 200 {
		t.Fatalf("server quote: %d %s", res.Status, res.Body)
	}
	var sq struct {
		Quote billing.Quote `json:"quote"`
	}
	if err := json.Unmarshal(res.Body, &sq); err != nil {
		t.Fatal(err)
	}
	for suffix, amount := range map[string]decimal.Decimal{"-net": sq.Quote.Net, "-credit": sq.Quote.Credit, "-charge": sq.Quote.Charge} {
		sel := "#" + prefix + suffix
		if got := text(t, ctx, sel); !strings.HasSuffix(got, "$"+amount.StringFixed(2)) {
			t.Errorf("%s: the browser shows %q, the server quotes %s", sel, got, amount.StringFixed(2))
		}
	}
	return sq.Quote
}
