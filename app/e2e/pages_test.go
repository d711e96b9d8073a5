//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestPages opens every page, waits for the app to mount it and saves a
// screenshot at desktop width. Each page has openPage's 30 seconds to
// mount; the test as a whole gets that per page (eight page loads under
// heavy load used to run out of a 90-second budget for the whole test,
// reported as the last page not mounting).
func TestPages(t *testing.T) {
	pages := []struct{ path, mounted, name, heading string }{
		{"/", "rate-checker", "rate-checker", "Rate checker"},
		{"/rates", "rates", "rates-directory-first", "Rates directory"},
		{"/packages", "packages", "packages", "Packages"},
		{"/usage", "usage", "usage", "Usage & billing"},
		{"/numbers", "numbers", "numbers", "Numbers"},
		{"/settings", "settings", "settings", "Settings"},
		{"/signin", "signin", "signin", "Sign in"},
		{"/admin/deck", "deck-admin", "deck-admin-signed-out", "Rate deck"},
	}
	ctx := newBrowserFor(t, time.Duration(len(pages))*30*time.Second)
	for _, p := range pages {
		openPage(t, ctx, p.path, p.mounted)
		if got := strings.TrimSpace(text(t, ctx, "h1")); got != p.heading {
			t.Errorf("%s: heading %q, want %q", p.path, got, p.heading)
		}
		viewportShot(t, ctx, p.name)
	}
}
