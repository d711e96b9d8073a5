//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// typeNumber selects the home country, replaces the number field's content
// by typing dial key by key, and waits for the answer to settle.
func typeNumber(t *testing.T, ctx context.Context, home, dial string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#home"), home),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#home").dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.Focus(chromedp.CSS("#dial")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#dial").select()`),
		chromedp.KeyEvent("\b"),
		chromedp.SendKeys(chromedp.CSS("#dial"), dial),
	)
	if err != nil {
		t.Fatalf("typing %q: %v", dial, err)
	}
}

// waitText waits until the element's text contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := text(t, ctx, sel)
		if strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: text %q, want it to contain %q", sel, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// expected is what the native core says about a number: the browser must
// show exactly this.
type expected struct {
	dest, kind, rate string
	costs            map[string]string // "#cost-5" → "US$1.90"
}

func expectFor(t *testing.T, dial, home string) expected {
	t.Helper()
	_, ix, err := loadTestDeck()
	if err != nil {
		t.Fatal(err)
	}
	d, err := e164.ParseDial(dial, home)
	if err != nil {
		t.Fatalf("ParseDial(%q, %s): %v", dial, home, err)
	}
	row, ok := ix.Lookup(d.Number.Digits(), time.Now())
	if !ok {
		t.Fatalf("no rate for %s in the test deck", d.Number)
	}
	e := expected{dest: row.Destination, costs: map[string]string{}}
	switch row.Kind {
	case deck.KindMobile:
		e.kind = "Mobile"
	case deck.KindLandline:
		e.kind = "Landline"
	default:
		t.Fatalf("%s is %v: the test wants a landline or a mobile", d.Number, row.Kind)
	}
	e.rate = "/min"
	for _, m := range []int{1, 5, 10, 30} {
		e.costs["#cost-"+strconv.Itoa(m)] = row.Tariff.Price(m * 60).String()
	}
	return e
}

// checkRate types dial and checks the page against the core's answer.
func checkRate(t *testing.T, ctx context.Context, home, dial string) expected {
	t.Helper()
	want := expectFor(t, dial, home)
	typeNumber(t, ctx, home, dial)
	waitText(t, ctx, "#dest", want.dest)
	if got := text(t, ctx, "#kind"); got != want.kind {
		t.Errorf("%s: kind %q, want %q", dial, got, want.kind)
	}
	for sel, amount := range want.costs {
		// The page writes at least two decimals: 0.38 → "US$0.38", 1.9 → "US$1.90".
		got := text(t, ctx, sel)
		if !strings.Contains(got, trimMoney(amount)) {
			t.Errorf("%s: %s shows %q, core prices %s", dial, sel, got, amount)
		}
	}
	return want
}

func trimMoney(s string) string {
	if i := strings.IndexByte(s, '.'); i < 0 {
		return s + ".00"
	} else if len(s)-i == 2 {
		return s + "0"
	}
	return s
}

// TestRateChecker types Australian numbers the way people do and checks that
// the browser, running the core over the deck snapshot, shows the mobile and
// landline prices the core computes natively.
func TestRateChecker(t *testing.T) {
	ctx := newBrowser(t)
	openPage(t, ctx, "/", "rate-checker")
	waitText(t, ctx, "#deck-status", "Rates version")

	mobile := checkRate(t, ctx, "GB", "+61 412 345 678")
	screenshot(t, ctx, "rate-checker-au-mobile")
	landline := checkRate(t, ctx, "GB", "0061 2 9999 9999")
	screenshot(t, ctx, "rate-checker-au-landline")
	if mobile.costs["#cost-1"] == landline.costs["#cost-1"] {
		t.Errorf("AU mobile and landline cost the same (%s): the deck should price them apart", mobile.costs["#cost-1"])
	}
	checkRate(t, ctx, "AU", "(02) 9999-9999")
	checkRate(t, ctx, "US", "011 61 412 345 678")

	// Emergency numbers: free, never blocked.
	typeNumber(t, ctx, "GB", "999")
	waitText(t, ctx, "#answer-message", "free, never blocked")
	typeNumber(t, ctx, "AU", "000")
	waitText(t, ctx, "#answer-message", "free, never blocked")
	screenshot(t, ctx, "rate-checker-emergency")

	// Garbage: an error in words.
	typeNumber(t, ctx, "GB", "call me maybe")
	msg := waitText(t, ctx, "#answer-message", "Not a number we can call")
	if len(msg) < len("Not a number we can call: ")+5 {
		t.Errorf("error without a reason: %q", msg)
	}
	screenshot(t, ctx, "rate-checker-invalid")

	// Phone width: the layout folds (menu button, two cost columns).
	typeNumber(t, ctx, "GB", "+61 412 345 678")
	waitText(t, ctx, "#dest", "Australia")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	viewportShot(t, ctx, "rate-checker-phone")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".nav-toggle"))); err != nil {
		t.Fatal(err)
	}
	waitVisible(t, ctx, "#nav-links a[href='/rates']")
	viewportShot(t, ctx, "rate-checker-phone-menu")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}

	// Keyboard: the number field has the focus on arrival and a label.
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('label[for="dial"]').textContent`))
	if err != nil || label != "Number" {
		t.Errorf("number field label = %q, %v", label, err)
	}
}

// TestRateCheckerOffline loads the portal once online (the service worker
// caches the app and the deck), takes the network away, reloads, and checks a
// rate again.
func TestRateCheckerOffline(t *testing.T) {
	ctx := newBrowser(t)
	base := baseURL
	var local *assetServer
	if os.Getenv("TOLLGATE_URL") == "" {
		// A server of its own, whose network can be cut for real.
		local = &assetServer{dir: filepath.Join(repoRoot, "static"), deck: deckSnapshot}
		srv := httptest.NewServer(local)
		t.Cleanup(srv.Close)
		base = srv.URL
	}
	openPageAt(t, ctx, base, "/", "rate-checker")
	waitText(t, ctx, "#deck-status", "Rates version")
	// Wait for the service worker to be active and to have the deck.
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(async () => {
		const reg = await navigator.serviceWorker.ready;
		const data = await caches.open("tollgate-data");
		return !!reg.active && !!(await data.match("/v1/deck"));
	})()`, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("service worker not ready with the deck cached: %v", err)
	}
	// It was registered once the page worked, not while app.wasm downloaded.
	order, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[window.tollgateMountedAt, window.tollgateServiceWorkerRegisteredAt || 0]`))
	if err != nil || len(order) != 2 || order[1] < order[0] {
		t.Errorf("[mounted, service worker registered] at %v ms (%v): want the registration after the mount", order, err)
	}

	if local != nil {
		local.offline.Store(true)
	} else if err := goOffline(ctx); err != nil {
		t.Fatalf("going offline: %v", err)
	}
	// Check that we really are offline: the server is unreachable.
	reachable, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`fetch("/v1/rates?offline-probe=1", {cache: "no-store"}).then(() => true, () => false)`, chromedp.EvalAwaitPromise))
	if err != nil || reachable {
		t.Fatalf("network emulation did not take the network away (reachable=%v, %v)", reachable, err)
	}

	openPageAt(t, ctx, base, "/", "rate-checker")
	waitText(t, ctx, "#deck-status", "Rates version")
	checkRate(t, ctx, "GB", "+61 412 345 678")
	checkRate(t, ctx, "GB", "0061 2 9999 9999")
	screenshot(t, ctx, "rate-checker-offline")

	// A deep route works offline too.
	openPageAt(t, ctx, base, "/rates", "rates")
}

// goOffline cuts the page and its service worker off the network: Chromium's
// network emulation applies per target, and the service worker's requests
// come from a target of their own.
func goOffline(ctx context.Context) error {
	if err := emulateOffline(ctx); err != nil {
		return err
	}
	targets, err := chromedp.Targets(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, ti := range targets {
		if ti.Type != "service_worker" {
			continue
		}
		swCtx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(ti.TargetID))
		if err := emulateOffline(swCtx); err != nil {
			return fmt.Errorf("service worker %s: %w", ti.URL, err)
		}
		n++
	}
	if n == 0 {
		return errors.New("no service worker target to take offline")
	}
	return nil
}

func emulateOffline(ctx context.Context) error {
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return err
	}
	if err := emulateNetwork(ctx, true, true, netRule{Offline: true}); err != nil {
		return err
	}
	_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	return err
}

// waitVisible waits until the element is displayed.
func waitVisible(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		t.Fatalf("%s not visible: %v", sel, err)
	}
}

// TestTypingBeforeTheAppStarts types into the prerendered page while app.wasm
// is still on its way: the number must not be lost when the app takes over.
func TestTypingBeforeTheAppStarts(t *testing.T) {
	if os.Getenv("TOLLGATE_URL") != "" {
		t.Skip("needs the local server to hold app.wasm back")
	}
	hold := make(chan struct{})
	local := &assetServer{dir: filepath.Join(repoRoot, "static"), deck: deckSnapshot, hold: hold}
	srv := httptest.NewServer(local)
	t.Cleanup(srv.Close)
	released := false
	release := func() {
		if !released {
			released = true
			close(hold)
		}
	}
	t.Cleanup(release)

	ctx := newBrowser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#dial")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The loader is a badge: the page's own heading is visible, not covered.
	covered, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const h = document.querySelector("h1").getBoundingClientRect();
		const top = document.elementFromPoint(h.left + 5, h.top + 5);
		return !top || top.closest("#app-wasm-loader") !== null;
	})()`))
	if err != nil || covered {
		t.Errorf("the loader covers the prerendered page (%v)", err)
	}
	viewportShot(t, ctx, "rate-checker-loading")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#dial"), "+61 412 345 678")); err != nil {
		t.Fatal(err)
	}
	release()
	err = chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`window.tollgateMounted === "rate-checker"`, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("the app did not mount: %v", err)
	}
	want := expectFor(t, "+61 412 345 678", "GB")
	waitText(t, ctx, "#dest", want.dest)
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#dial"))); v != "+61 412 345 678" {
		t.Errorf("number field holds %q after the app started", v)
	}
}
