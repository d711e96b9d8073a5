//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
