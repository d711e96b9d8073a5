package portal

import (
	"errors"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func TestProgressBar(t *testing.T) {
	html := app.HTMLString(progressBar("p", "Loading your plan…", 1, 3))
	for _, want := range []string{`<progress`, `max="3"`, `value="1"`, "Loading your plan… (step 2 of 3)", `aria-labelledby="p-label"`} {
		if !strings.Contains(html, want) {
			t.Errorf("determinate bar misses %q: %s", want, html)
		}
	}
	html = app.HTMLString(progressBar("p", "Generating…", 0, 0))
	if strings.Contains(html, "value=") || strings.Contains(html, "step") || !strings.Contains(html, "Generating…") {
		t.Errorf("indeterminate bar: %s", html)
	}
}

func TestUsageLoadProgressAndInvoiceOutcome(t *testing.T) {
	p := &UsagePage{}
	render(t, p)
	p.s = signedIn{checked: true, me: admin()}
	p.loading, p.step = true, 2
	html := app.HTMLString(p.Render())
	if !strings.Contains(html, "Loading your invoices… (step 3 of 3)") || !strings.Contains(html, `value="2"`) {
		t.Errorf("page load progress: %s", html)
	}

	p.loading, p.usage.Month, p.usage.Currency = false, "2026-11", "USD"
	p.invID, p.invBusy = "upcoming", true
	html = app.HTMLString(p.Render())
	if !strings.Contains(html, `id="invoice-progress"`) || !strings.Contains(html, "Generating the upcoming invoice") {
		t.Errorf("invoice generation progress missing: %s", html)
	}
	p.invBusy, p.invErr = false, &APIError{Status: 500, Code: "internal", Message: "the ledger is unavailable"}
	html = app.HTMLString(p.Render())
	if !strings.Contains(html, "the upcoming invoice could not be generated: the ledger is unavailable") || !strings.Contains(html, `id="invoice-retry"`) {
		t.Errorf("invoice error not in words: %s", html)
	}
	p.invID, p.invErr = "inv-1", errors.New("the server could not be reached")
	html = app.HTMLString(p.Render())
	if !strings.Contains(html, "the invoice could not be loaded: the server could not be reached") {
		t.Errorf("issued invoice error: %s", html)
	}
}
