//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Budgets of issue 5.
const (
	wasmGzipBudget  = 3 << 20 // bytes
	interactiveGoal = 1000    // ms from navigation to the first interactive component
)

// BenchmarkWasmSize reports app.wasm's size, raw and gzip-compressed (what
// the edge sends), against the 3 MB budget.
func BenchmarkWasmSize(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "static", "web", "app.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	var gz bytes.Buffer
	for i := 0; i < b.N; i++ {
		gz.Reset()
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		w.Write(raw)
		w.Close()
	}
	b.ReportMetric(float64(len(raw)), "raw-bytes")
	b.ReportMetric(float64(gz.Len()), "gzip-bytes")
	verdict := "within"
	if gz.Len() > wasmGzipBudget {
		verdict = "OVER"
	}
	b.Logf("app.wasm: %.2f MB raw, %.2f MB gzip: %s the %d MB gzip budget", mb(len(raw)), mb(gz.Len()), verdict, wasmGzipBudget>>20)
}

// benchBrowser starts Chromium with a fresh profile for a measurement:
// without following the tab's requests through DevTools' Network domain,
// which a visitor's browser does not do (its events cross the DevTools
// connection for every chunk of app.wasm).
func benchBrowser(b *testing.B) (context.Context, func()) {
	return launchBrowser(b, b.TempDir(), browserBudget, false)
}

func mb(n int) float64 { return float64(n) / (1 << 20) }

// BenchmarkTimeToInteractive measures, in headless Chromium on localhost, the
// time from navigation start to the rate checker's mount (its OnMount records
// performance.now()). cold: a fresh profile, nothing cached; warm: a reload
// served by the service worker.
func BenchmarkTimeToInteractive(b *testing.B) {
	var compiled float64 // ms from navigation to app.wasm downloaded and compiled
	var started float64  // ms from navigation to Go's main (+ the runtime's and packages' initialisation)
	measure := func(b *testing.B, ctx context.Context) float64 {
		b.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(baseURL+"/"),
			chromedp.Poll[chromedp.Void](`window.tollgateMounted === "rate-checker"`, chromedp.WithPollingTimeout(30*time.Second)),
		)
		if err != nil {
			b.Fatalf("the app did not mount: %v", err)
		}
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[window.tollgateWasmReadyAt, window.tollgateStartedAt, window.tollgateMountedAt]`))
		if err != nil || len(ms) != 3 {
			b.Fatal(err)
		}
		compiled += ms[0]
		started += ms[1]
		return ms[2]
	}
	report := func(b *testing.B, total float64) {
		avg := total / float64(b.N)
		b.ReportMetric(avg, "ms-to-interactive")
		b.ReportMetric(compiled/float64(b.N), "ms-to-wasm-ready")
		b.ReportMetric(started/float64(b.N), "ms-to-go-main")
		verdict := "within"
		if avg > interactiveGoal {
			verdict = "OVER"
		}
		b.Logf("navigation → interactive: %.0f ms on average over %d runs: %s the %d ms target", avg, b.N, verdict, interactiveGoal)
	}

	b.Run("cold", func(b *testing.B) {
		var total float64
		compiled, started = 0, 0
		for i := 0; i < b.N; i++ {
			ctx, stop := benchBrowser(b)
			total += measure(b, ctx)
			stop()
		}
		report(b, total)
	})
	b.Run("warm", func(b *testing.B) {
		ctx, stop := benchBrowser(b)
		defer stop()
		measure(b, ctx) // install the service worker and fill its cache
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`navigator.serviceWorker.ready.then(r => !!r.active)`,
			chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			b.Fatal(err)
		}
		var total float64
		compiled, started = 0, 0
		for i := 0; i < b.N; i++ {
			total += measure(b, ctx)
		}
		report(b, total)
	})
}
