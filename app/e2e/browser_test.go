//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

var (
	baseURL   string // where the portal is served
	repoRoot  string
	artifacts string // test-artifacts/portal
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	repoRoot = root
	artifacts = filepath.Join(root, "test-artifacts", "portal")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if os.Getenv("TOLLGATE_WORKERD") != "" && os.Getenv("TOLLGATE_URL") == "" {
		u, stop, err := startWorkerd(root)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer stop()
		os.Setenv("TOLLGATE_URL", u)
		fmt.Fprintln(os.Stderr, "e2e: the worker on workerd serves the portal at", u)
	}
	if u := os.Getenv("TOLLGATE_URL"); u != "" {
		baseURL = u
		return m.Run()
	}
	static := filepath.Join(root, "static")
	if _, err := os.Stat(filepath.Join(static, "web", "app.wasm")); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: static/web/app.wasm is missing: run `make portal` first")
		return 1
	}
	srv := httptest.NewServer(&assetServer{dir: static, deck: deckSnapshot})
	defer srv.Close()
	baseURL = srv.URL
	return m.Run()
}

// chromiumPath finds Chromium. Without it the browser tests skip, except in
// CI, where a missing browser is a failure.
func chromiumPath(t testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (CI is set: .ci/run must install it with apt-get)")
	}
	t.Skip("chromium is not installed: skipping browser tests (apt-get install -y chromium)")
	return ""
}

// newBrowser starts a fresh headless Chromium (its own profile, so no service
// worker or cache survives from another test) and returns a tab's context.
// The browser is closed when the test ends.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	return newBrowserFor(t, browserBudget)
}

// newBrowserFor is newBrowser for a test that needs more than
// browserBudget in all: one that opens many pages, each of which has its
// own 30-second limit to mount (openPage).
func newBrowserFor(t testing.TB, budget time.Duration) context.Context {
	t.Helper()
	ctx, stop := startBrowserFor(t, t.TempDir(), budget)
	t.Cleanup(stop)
	return ctx
}

// browserBudget is how long one test may drive its browser in all.
const browserBudget = 90 * time.Second

// startBrowser starts Chromium with the profile in dir; stop closes it.
func startBrowser(t testing.TB, dir string) (ctx context.Context, stop func()) {
	t.Helper()
	return startBrowserFor(t, dir, browserBudget)
}

// startBrowserFor is startBrowser with a budget of its own.
func startBrowserFor(t testing.TB, dir string, budget time.Duration) (ctx context.Context, stop func()) {
	t.Helper()
	return launchBrowser(t, dir, budget, true)
}

// launchBrowser starts Chromium; with follow, the tab's requests are
// followed through DevTools' Network domain (see followRequests).
func launchBrowser(t testing.TB, dir string, budget time.Duration, follow bool) (ctx context.Context, stop func()) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, budget)
	stop = func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	}
	if err := chromedp.Do(ctx); err != nil { // start the browser now
		stop()
		t.Fatalf("starting chromium: %v", err)
	}
	if !follow {
		return ctx, stop
	}
	tab := chromedp.FromContext(ctx)
	closeBrowser := stop
	stop = func() {
		closeBrowser()
		requestsOf.Delete(tab)
	}
	if err := followRequests(ctx); err != nil {
		stop()
		t.Fatalf("following the tab's requests: %v", err)
	}
	return ctx, stop
}

// tabRequests follows one tab's requests, so that a page that does not
// mount can say what it was still waiting for.
type tabRequests struct {
	mu      sync.Mutex
	pending map[network.RequestID]*pendingRequest
}

// pendingRequest is a request that has not finished loading yet.
type pendingRequest struct {
	url           string
	sent          time.Time
	status        int64 // 0 until the answer's headers came
	bytes         int64 // body bytes so far
	lastByte      time.Time
	fromSW, cache bool
}

// requestsOf maps a tab (its chromedp context) to its requests.
var requestsOf sync.Map

// followRequests starts following the tab's requests.
func followRequests(ctx context.Context) error {
	tr := &tabRequests{pending: map[network.RequestID]*pendingRequest{}}
	requestsOf.Store(chromedp.FromContext(ctx), tr)
	chromedp.Listen(ctx, func(ev any) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			tr.pending[e.RequestID] = &pendingRequest{url: e.Request.URL, sent: time.Now()}
		case *network.EventResponseReceived:
			if r := tr.pending[e.RequestID]; r != nil {
				r.status, r.fromSW, r.cache = e.Response.Status, e.Response.FromServiceWorker, e.Response.FromDiskCache
			}
		case *network.EventDataReceived:
			if r := tr.pending[e.RequestID]; r != nil {
				r.bytes += e.DataLength
				r.lastByte = time.Now()
			}
		case *network.EventLoadingFinished:
			delete(tr.pending, e.RequestID)
		case *network.EventLoadingFailed:
			delete(tr.pending, e.RequestID)
		}
	})
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	return err
}

// pendingNow returns a copy of the tab's unfinished requests, oldest first.
func pendingNow(ctx context.Context) (rs []pendingRequest, followed bool) {
	v, ok := requestsOf.Load(chromedp.FromContext(ctx))
	if !ok {
		return nil, false
	}
	tr := v.(*tabRequests)
	tr.mu.Lock()
	for _, r := range tr.pending {
		rs = append(rs, *r)
	}
	tr.mu.Unlock()
	sort.Slice(rs, func(i, j int) bool { return rs[i].sent.Before(rs[j].sent) })
	return rs, true
}

// unanswered counts the tab's requests that have waited longer than d for
// the answer's headers.
func unanswered(ctx context.Context, d time.Duration) int {
	rs, _ := pendingNow(ctx)
	n := 0
	for _, r := range rs {
		if r.status == 0 && time.Since(r.sent) > d {
			n++
		}
	}
	return n
}

// pendingRequests describes the tab's unfinished requests, oldest first.
func pendingRequests(ctx context.Context) string {
	rs, followed := pendingNow(ctx)
	if !followed {
		return "(requests not followed)"
	}
	if len(rs) == 0 {
		return "none"
	}
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "\n\t%s sent %s ago, status %d, %d bytes", r.url, time.Since(r.sent).Round(time.Millisecond), r.status, r.bytes)
		if r.bytes > 0 {
			fmt.Fprintf(&b, " (last %s ago)", time.Since(r.lastByte).Round(time.Millisecond))
		}
		if r.fromSW {
			b.WriteString(" from the service worker")
		}
		if r.cache {
			b.WriteString(" from the disk cache")
		}
	}
	return b.String()
}

// openPage navigates to path and waits until the wasm app has mounted the
// page's interactive component (the prerendered HTML looks the same, but
// typing into it does nothing).
func openPage(t testing.TB, ctx context.Context, path, page string) {
	t.Helper()
	openPageAt(t, ctx, baseURL, path, page)
}

// openPageAt is openPage on another server.
//
// wrangler dev was seen (CI, two cores) to leave a fresh browser's first
// requests for small assets unanswered until the browser went away, while
// app.wasm streamed on another connection: its own log showed them answered
// after 31 s. When a page has not mounted after 20 s and the server has left
// requests without an answer for 15 s, the page is loaded once more, and the
// test log says so with the requests that hung. A page that is broken fails
// the second time too; any other failure is reported at 30 s as before.
func openPageAt(t testing.TB, ctx context.Context, base, path, mounted string) {
	t.Helper()
	start := time.Now()
	err := navigate(ctx, base+path)
	if err == nil {
		err = waitMounted(ctx, mounted, start.Add(20*time.Second))
		switch {
		case err == nil:
		case unanswered(ctx, 15*time.Second) > 0:
			t.Logf("opening %s: the server left requests unanswered; loading the page again. Pending:%s", path, pendingRequests(ctx))
			if err = navigate(ctx, base+path); err == nil {
				err = waitMounted(ctx, mounted, time.Now().Add(30*time.Second))
			}
		default:
			err = waitMounted(ctx, mounted, start.Add(30*time.Second))
		}
	}
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({href: location.href, readyState: document.readyState,
			appJSRan: typeof goappInitWebAssembly === "function", serviceWorker: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
			goMainAt: window.tollgateStartedAt, mounted: window.tollgateMounted,
			loader: (document.getElementById("app-wasm-loader-label") || {}).innerText})`))
		t.Fatalf("opening %s: the app did not mount %q: %v (page state: %s; requests still pending: %s)", path, mounted, err, state, pendingRequests(ctx))
	}
}

// navigate starts loading url.
//
// Not chromedp.Navigate: it also waits for the window's load event, which
// is not what "interactive" means and which, under heavy load, was seen to
// keep a test waiting past its whole budget with the app already running.
// The old page's mark is cleared first, so that only the new page can
// satisfy waitMounted.
func navigate(ctx context.Context, url string) error {
	chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`delete window.tollgateMounted`))
	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: url})
	if err == nil && res.ErrorText != "" {
		err = fmt.Errorf("%s", res.ErrorText)
	}
	return err
}

// waitMounted waits until deadline for the page to say it mounted the
// component named mounted. Until the new document has its JavaScript
// context, a poll may land in the old one as it goes away: that is retried.
func waitMounted(ctx context.Context, mounted string, deadline time.Time) error {
	for {
		err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf(`window.tollgateMounted === %q`, mounted),
			chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil || time.Now().After(deadline) || !navigationRace(err) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// navigationRace says whether err is an evaluation that met a document
// being replaced by the next one.
func navigationRace(err error) bool {
	for _, s := range []string{"Cannot find context with specified id", "Execution context was destroyed", "Inspected target navigated or closed"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

// screenshot saves a full-page PNG into test-artifacts/portal/.
func screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// text returns the text content of the first element matching sel.
func text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector(%q) || {textContent: ""}).textContent`, sel)))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// viewportShot saves what a person sees without scrolling.
func viewportShot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}
