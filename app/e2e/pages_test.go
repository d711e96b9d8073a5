//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// TestPages opens every page, waits for the app to mount it and saves a
// screenshot at desktop width.
func TestPages(t *testing.T) {
	ctx := newBrowser(t)
	pages := []struct{ path, mounted, name, heading string }{
		{"/", "rate-checker", "rate-checker", "Rate checker"},
		{"/rates", "rates", "rates-directory-first", "Rates directory"},
		{"/packages", "packages", "packages", "Packages"},
		{"/usage", "usage", "usage", "Usage & billing"},
		{"/numbers", "numbers", "numbers", "Numbers"},
		{"/settings", "settings", "settings", "Settings"},
		{"/signin", "signin", "signin", "Sign in"},
	}
	for _, p := range pages {
		openPage(t, ctx, p.path, p.mounted)
		if got := strings.TrimSpace(text(t, ctx, "h1")); got != p.heading {
			t.Errorf("%s: heading %q, want %q", p.path, got, p.heading)
		}
		viewportShot(t, ctx, p.name)
	}
}
