//go:build e2e

package e2e

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// deckVersion is the version /v1/deck serves now.
func deckVersion(t *testing.T) string {
	t.Helper()
	res, err := http.Get(baseURL + "/v1/deck")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.Header.Get("X-Deck-Version")
}

// TestDeckAdminRefused: a member of the operator and another tenant's admin
// are told, in words, that they cannot publish rate decks; neither sees the
// page in the navigation.
func TestDeckAdminRefused(t *testing.T) {
	needsAPI(t)
	for _, c := range []struct{ email, want string }{
		{"bob@demo.example", "Only the operator's admins publish rate decks"},
		{"gina@globex.example", "published by the platform operator"},
	} {
		ctx := newBrowser(t)
		signIn(t, ctx, c.email)
		if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#nav-links a[href="/admin/deck"]').length`)); n != 0 {
			t.Errorf("%s sees the rate deck page in the navigation", c.email)
		}
		openPage(t, ctx, "/admin/deck", "deck-admin")
		waitContains(t, ctx, "#deck-not-allowed", c.want)
		if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#deck-file, #deck-upload").length`)); n != 0 {
			t.Errorf("%s gets the upload form", c.email)
		}
		viewportShot(t, ctx, "deck-admin-refused-"+strings.Split(c.email, "@")[0])
	}
}

// TestDeckAdminUpload: the operator's admin uploads a deck with bad lines
// (every problem listed with its line, nothing published), then a good one
// through a proxy that takes it in slowly: the progress bar moves, and the new version
// is published with its row count. The good deck is the published deck's
// own rows under a new version name, so the other tests' rates stay as
// they were.
func TestDeckAdminUpload(t *testing.T) {
	needsAPI(t)
	ctx := newBrowser(t)
	signIn(t, ctx, "alice@demo.example")
	waitJS(t, ctx, `!!document.querySelector('#nav-links a[href="/admin/deck"]')`, "the rate deck link for the operator's admin")
	click(t, ctx, `#nav-links a[href="/admin/deck"]`)
	waitJS(t, ctx, `window.tollgateMounted === "deck-admin" && !!document.querySelector("#deck-file")`, "the upload form")
	before := deckVersion(t)
	waitContains(t, ctx, "#deck-current", "version "+before)

	// A deck with two bad lines.
	dir := t.TempDir()
	header := "prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency\n"
	bad := filepath.Join(dir, "bad-deck.csv")
	if err := os.WriteFile(bad, []byte(header+
		"61,Australia,AU,landline,0,0.1,60,60,,2026-01-01,,USD\n"+
		"6x,Bad,AU,mobile,0,0.3,60,60,,2026-01-01,,USD\n"+
		"44,UK,GB,landline,0,abc,60,60,,2026-01-01,,USD\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#deck-file"), []string{bad})); err != nil {
		t.Fatal(err)
	}
	// Keyboard: the upload button is reached and pressed with the keyboard.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#deck-upload")), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	summary := waitContains(t, ctx, "#problems-summary", "Nothing was published")
	if !strings.Contains(summary, "2 problems") {
		t.Errorf("summary = %q, want 2 problems", summary)
	}
	lines, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#deck-problems tbody th")].map(th => th.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(lines, ",") != "3,4" {
		t.Errorf("problem lines = %v, want 3,4", lines)
	}
	if rows := text(t, ctx, "#deck-problems tbody"); !strings.Contains(rows, "6x") || !strings.Contains(rows, "rate") {
		t.Errorf("the problems do not name the prefix and the column: %q", rows)
	}
	if v := deckVersion(t); v != before {
		t.Fatalf("a bad deck changed the published version: %s → %s", before, v)
	}
	screenshot(t, ctx, "deck-admin-problems")

	// A good deck: the published rows again, under a new version.
	_, ix, err := loadTestDeck()
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	// Comment lines first, to about 6 MB (the edge takes 7 MB): more than
	// the loopback connection's buffers hold, so that the upload takes
	// seconds and its progress can be seen.
	for csv.Len() < 6_000_000-len(ix.Deck().Rows)*64 {
		csv.WriteString("# Tollgate end-to-end test: the published deck again, under a new version name.\n")
	}
	if err := ix.Deck().WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "deck.csv")
	if err := os.WriteFile(good, csv.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	version := fmt.Sprintf("e2e-%d", time.Now().Unix())
	// Through a proxy that takes the upload in slowly, as a slow uplink
	// does (the session cookie is the same host's), so that the bar is
	// seen moving; every value it shows is recorded.
	openPageAt(t, ctx, slowUploads(t), "/admin/deck", "deck-admin")
	waitJS(t, ctx, `!!document.querySelector("#deck-file")`, "the upload form behind the slow proxy")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#deck-file"), []string{good})); err != nil {
		t.Fatal(err)
	}
	setField(t, ctx, "#deck-version", version)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.progressSeen = [];
		window.progressTimer = setInterval(() => {
			const p = document.querySelector("#upload-progress");
			if (p) window.progressSeen.push(p.hasAttribute("value") ? p.value : -1);
		}, 20);`)); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#deck-upload")
	waitContains(t, ctx, "#upload-progress-label", "Uploading deck.csv")
	waitJS(t, ctx, `(p => p && p.hasAttribute("value") && p.value > 0 && p.value < 100)(document.querySelector("#upload-progress"))`, "the bar part way")
	screenshot(t, ctx, "deck-admin-uploading")
	published := waitContains(t, ctx, "#upload-outcome", "Published version "+version)
	if want := strconv.Itoa(ix.Len()) + " rows"; !strings.Contains(published, want) {
		t.Errorf("outcome = %q, want %s", published, want)
	}
	if !strings.Contains(published, "previous version, "+before) {
		t.Errorf("outcome = %q does not name the previous version %s", published, before)
	}
	seen, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`clearInterval(window.progressTimer); window.progressSeen`))
	if err != nil {
		t.Fatal(err)
	}
	between, checking := 0, false
	for _, v := range seen {
		if v > 0 && v < 100 {
			between++
		}
		checking = checking || v == -1 // the indeterminate bar while the edge checks
	}
	if between == 0 {
		t.Errorf("the progress bar never showed a value between 0 and 100 during a slow upload: %v", seen)
	}
	t.Logf("upload progress seen: %d values between 0 and 100%%, indeterminate while checking: %v", between, checking)
	if v := deckVersion(t); v != version {
		t.Errorf("/v1/deck serves %s, want the new version %s", v, version)
	}
	waitContains(t, ctx, "#deck-current", "version "+version)
	waitContains(t, ctx, "#deck-versions", version)
	screenshot(t, ctx, "deck-admin-published")

	// Roll back: the earlier version is listed; making it current asks first,
	// then the edge serves it again.
	rollBack := `#deck-versions tr[data-version="` + before + `"] button`
	waitJS(t, ctx, fmt.Sprintf(`!!document.querySelector(%q)`, rollBack), "the earlier version's Make current button")
	click(t, ctx, rollBack)
	waitContains(t, ctx, "#activate-question", "Make version "+before+" current?")
	screenshot(t, ctx, "deck-admin-rollback-confirm")
	if v := deckVersion(t); v != version {
		t.Errorf("asking to confirm already switched the deck to %s", v)
	}
	click(t, ctx, "#activate-yes")
	waitContains(t, ctx, "#upload-outcome", "Version "+before+" is current again")
	if v := deckVersion(t); v != before {
		t.Errorf("/v1/deck serves %s after the roll-back, want %s", v, before)
	}
	waitContains(t, ctx, "#deck-current", "version "+before)

	// Phone width: the form and the outcome fit.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the rate deck page is %d px wide at phone width", w)
	}
	screenshot(t, ctx, "deck-admin-phone")
}

// slowUploads starts a reverse proxy in front of the worker that reads deck
// uploads at about 800 kB/s through a small TCP receive buffer, as a slow
// uplink would, and returns its URL.
func slowUploads(t *testing.T) string {
	t.Helper()
	target, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	lc := net.ListenConfig{Control: func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			// Inherited by the accepted connections: a small window, so that
			// the kernel does not take the whole upload in at once.
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10)
		})
		return cmp.Or(err, serr)
	}}
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/admin/deck" {
			r.Body = &slowBody{r.Body}
		}
		rp.ServeHTTP(w, r)
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// slowBody reads at most 40 kB every 50 ms.
type slowBody struct{ io.ReadCloser }

func (b *slowBody) Read(p []byte) (int, error) {
	time.Sleep(50 * time.Millisecond)
	return b.ReadCloser.Read(p[:min(len(p), 40<<10)])
}
