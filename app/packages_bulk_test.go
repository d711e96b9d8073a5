package portal

import (
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker/httpapi"
)

var bulkCatalog = []packageJSON{
	{Code: "pkg-us-ca", Name: "Unlimited US & Canada", Included: true},
	{Code: "pkg-uk-eu", Name: "Unlimited UK & Europe", MonthlyPrice: core.MustParseMoney("15")},
	{Code: "pkg-au-nz", Name: "Unlimited Australia & NZ", MonthlyPrice: core.MustParseMoney("15")},
	{Code: "pkg-global", Name: "Unlimited Global", MonthlyPrice: core.MustParseMoney("45")},
}

func TestParseBulkAction(t *testing.T) {
	for v, want := range map[string]bulkAction{
		"add:pkg-uk-eu":    {"add", "pkg-uk-eu"},
		"remove:pkg-au-nz": {"remove", "pkg-au-nz"},
		"global":           {"global", "pkg-global"},
		"":                 {},
		"add:":             {},
		"swap:pkg-uk-eu":   {},
		"pkg-uk-eu":        {},
	} {
		got, ok := parseBulkAction(v)
		if got != want || ok != (want.Kind != "") {
			t.Errorf("parseBulkAction(%q) = %v %v, want %v", v, got, ok, want)
		}
		if ok && got.value() != v {
			t.Errorf("%q round-trips to %q", v, got.value())
		}
	}
}

func TestBulkChange(t *testing.T) {
	held := map[string][]string{
		"alice": {},
		"bob":   {"pkg-uk-eu"},
		"carol": {"pkg-uk-eu", "pkg-au-nz"},
		"dave":  {"pkg-global"},
	}
	all := []string{"alice", "bob", "carol", "dave"}
	tests := []struct {
		action    string
		users     []string
		change    string // "user=codes" separated by "; "
		unchanged string // users
	}{
		{"add:pkg-uk-eu", all, "alice=pkg-uk-eu", "bob,carol,dave"},
		{"add:pkg-au-nz", []string{"alice", "bob"}, "alice=pkg-au-nz; bob=pkg-uk-eu,pkg-au-nz", ""},
		{"remove:pkg-uk-eu", all, "bob=; carol=pkg-au-nz", "alice,dave"},
		{"global", all, "alice=pkg-global; bob=pkg-global; carol=pkg-global", "dave"},
		{"add:pkg-global", []string{"carol"}, "carol=pkg-global", ""},
		{"remove:pkg-global", all, "dave=", "alice,bob,carol"},
	}
	for _, tt := range tests {
		a, _ := parseBulkAction(tt.action)
		change, unchanged := bulkChange(bulkCatalog, held, tt.users, a)
		var cs, us []string
		for _, c := range change {
			cs = append(cs, c.User+"="+strings.Join(c.Packages, ","))
			if c.Packages == nil {
				t.Errorf("%s: %s's packages are null, not an empty list", tt.action, c.User)
			}
		}
		for _, u := range unchanged {
			us = append(us, u.User)
			if u.Why == "" {
				t.Errorf("%s: no reason why %s is unchanged", tt.action, u.User)
			}
		}
		if got := strings.Join(cs, "; "); got != tt.change {
			t.Errorf("%s %v: change %q, want %q", tt.action, tt.users, got, tt.change)
		}
		if got := strings.Join(us, ","); got != tt.unchanged {
			t.Errorf("%s %v: unchanged %q, want %q", tt.action, tt.users, got, tt.unchanged)
		}
	}
}

// TestBulkQuoteMatchesServer: one quote over every selected user, worked out
// in the browser, is the edge's quote of the same request.
func TestBulkQuoteMatchesServer(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		time.Date(2027, 2, 28, 23, 0, 0, 0, time.UTC),
	} {
		snap := demoAccount(t, time.UTC, at.AddDate(0, -2, 0))
		a, err := account.DecodeSnapshot(account.DemoCatalog(), snap)
		if err != nil {
			t.Fatal(err)
		}
		held := map[string][]string{}
		for _, u := range a.Users() {
			held[u.ID] = u.Packages
		}
		for _, action := range []string{"add:pkg-uk-eu", "add:pkg-au-nz", "remove:pkg-uk-eu", "global"} {
			ba, _ := parseBulkAction(action)
			change, _ := bulkChange(bulkCatalog, held, []string{"alice", "bob", "carol"}, ba)
			got, err := quotePackageChange(account.DemoCatalog(), snap, change, at)
			if err != nil {
				t.Fatalf("%s: %v", action, err)
			}
			a, err := account.DecodeSnapshot(account.DemoCatalog(), snap) // the server's quote changes its account
			if err != nil {
				t.Fatal(err)
			}
			var users []httpapi.UserPackages
			for _, u := range change {
				users = append(users, httpapi.UserPackages{User: u.User, Packages: u.Packages})
			}
			want, _, _, err := httpapi.QuotePackageChange(a, users, at)
			if err != nil {
				t.Fatal(err)
			}
			if !sameQuote(got, want) {
				t.Errorf("%v %s: browser %+v, server %+v", at, action, got, want)
			}
			if len(change) > 1 && got.Net.IsZero() {
				t.Errorf("%v %s: a change for %d users costs nothing", at, action, len(change))
			}
		}
	}
}

func TestBulkEditorOnlyForAdmins(t *testing.T) {
	pk := packagesResponse{Currency: "USD", Catalog: bulkCatalog, Held: []heldPackages{{User: "alice"}, {User: "bob"}}}
	for _, tc := range []struct {
		me    *Me
		admin bool
	}{{member(), false}, {admin(), true}} {
		p := &PackagesPage{}
		render(t, p)
		p.s, p.pk = signedIn{checked: true, me: tc.me}, pk
		html := app.HTMLString(p.Render())
		if strings.Contains(html, `id="select-bob"`) != tc.admin || strings.Contains(html, `id="bulk-hint"`) != tc.admin {
			t.Errorf("admin=%v: checkboxes %v", tc.admin, strings.Contains(html, `id="select-bob"`))
		}
		if !tc.admin {
			continue
		}
		p.bulk = bulkState{selected: map[string]bool{"alice": true, "bob": true}, action: bulkAction{Kind: "add", Code: "pkg-uk-eu"}}
		p.bulk.change, p.bulk.unchanged = bulkChange(pk.Catalog, p.heldMap(), p.selectedUsers(), p.bulk.action)
		html = app.HTMLString(p.Render())
		for _, want := range []string{`id="bulk-editor"`, "Change 2 selected users", `<label for="bulk-action">`, "Confirm for 2 users", "Selected: alice and bob."} {
			if !strings.Contains(html, want) {
				t.Errorf("bulk editor misses %q", want)
			}
		}
	}
}

func TestAndList(t *testing.T) {
	for n, want := range []string{"", "A", "A and B", "A, B and C"} {
		if got := andList([]string{"A", "B", "C"}[:n]); got != want {
			t.Errorf("%d names: %q, want %q", n, got, want)
		}
	}
}
