package portal

import (
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func TestReadDeckAnswer(t *testing.T) {
	tests := []struct {
		name     string
		res      apiResponse
		version  string // published
		problems []int  // lines of the problems listed
		omitted  int
		err      string // contained in the error
	}{
		{"published", apiResponse{201, []byte(`{"version":"2026-12","rows":2,"currency":"USD","previous":"v1"}`)}, "2026-12", nil, 0, ""},
		{"every bad line", apiResponse{400, []byte(`{"error":{"code":"invalid","message":"the deck has 3 problem(s); nothing was published"},"errors":[{"line":3,"prefix":"6x","field":"prefix","message":"prefix must be digits"},{"line":4,"field":"rate","message":"rate is not a number"}],"omitted":1}`)},
			"", []int{3, 4}, 1, ""},
		{"a 400 without lines is an error in words", apiResponse{400, []byte(`{"error":{"code":"invalid","message":"request body is empty"}}`)}, "", nil, 0, "request body is empty"},
		{"member", apiResponse{403, []byte(`{"error":{"code":"forbidden","message":"only the platform operator's admins publish rate decks"}}`)}, "", nil, 0, "only the platform operator's admins"},
		{"too large, not JSON", apiResponse{413, []byte(`<html>too big</html>`)}, "", nil, 0, "status 413"},
		{"published but unreadable", apiResponse{201, []byte(`{`)}, "", nil, 0, "could not be read"},
		{"version taken", apiResponse{409, []byte(`{"error":{"code":"conflict","message":"version \"v1\" is already published with other rates: versions are immutable","field":"version"}}`)}, "", nil, 0, "immutable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := readDeckAnswer(tt.res)
			switch {
			case tt.version != "":
				if o.Published == nil || o.Published.Version != tt.version || o.Err != nil || len(o.Problems) != 0 {
					t.Fatalf("%+v, want published %s", o, tt.version)
				}
			case tt.problems != nil:
				var lines []int
				for _, p := range o.Problems {
					lines = append(lines, p.Line)
				}
				if o.Published != nil || o.Err != nil || len(lines) != len(tt.problems) || lines[0] != tt.problems[0] || lines[1] != tt.problems[1] || o.Omitted != tt.omitted {
					t.Fatalf("%+v, want problems on lines %v", o, tt.problems)
				}
				if !strings.Contains(o.Summary, "nothing was published") {
					t.Errorf("summary %q", o.Summary)
				}
			default:
				if o.Err == nil || !strings.Contains(o.Err.Error(), tt.err) || o.Published != nil || o.Problems != nil {
					t.Fatalf("%+v, want the error %q", o, tt.err)
				}
			}
		})
	}
}

func TestCanPublishDecks(t *testing.T) {
	me := func(role string, operator bool) *Me {
		m := &Me{Operator: operator}
		m.User.Role = role
		return m
	}
	tests := []struct {
		me   *Me
		want bool
	}{
		{nil, false},
		{me("admin", true), true},
		{me("member", true), false},
		{me("admin", false), false},
	}
	for _, tt := range tests {
		if got := canPublishDecks(tt.me); got != tt.want {
			t.Errorf("%+v: %v, want %v", tt.me, got, tt.want)
		}
	}
}

func TestByteWords(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 999: "999 bytes", 1000: "1.0 kB", 12345: "12.3 kB", 7 << 20: "7.3 MB"} {
		if got := byteWords(n); got != want {
			t.Errorf("byteWords(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDeckAdminPageByRole(t *testing.T) {
	operatorAdmin := admin()
	operatorAdmin.Operator = true
	otherAdmin := admin()
	otherAdmin.Tenant.Name = "Globex Inc"
	for _, tc := range []struct {
		me   *Me
		want []string
		not  []string
	}{
		{member(), []string{`id="deck-not-allowed"`, "admins publish rate decks"}, []string{`id="deck-file"`}},
		{otherAdmin, []string{`id="deck-not-allowed"`, "Globex Inc uses the operator"}, []string{`id="deck-file"`}},
		{operatorAdmin, []string{`<label for="deck-file">CSV file</label>`, `<label for="deck-version">Version name (optional)</label>`, `id="deck-upload"`}, []string{"deck-not-allowed"}},
	} {
		p := &DeckAdminPage{}
		render(t, p)
		p.s = signedIn{checked: true, me: tc.me}
		html := app.HTMLString(p.Render())
		for _, w := range tc.want {
			if !strings.Contains(html, w) {
				t.Errorf("%+v: misses %q", tc.me.User, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(html, w) {
				t.Errorf("%+v: has %q", tc.me.User, w)
			}
		}
	}
}

func TestDeckUploadOutcomeShown(t *testing.T) {
	me := admin()
	me.Operator = true
	p := &DeckAdminPage{}
	render(t, p)
	p.s, p.fileName = signedIn{checked: true, me: me}, "deck.csv"
	p.phase, p.sent, p.total = uploadDone, 900, 900
	p.outcome = readDeckAnswer(apiResponse{400, []byte(`{"error":{"message":"the deck has 2 problem(s); nothing was published"},"errors":[{"line":3,"prefix":"6x","field":"prefix","message":"prefix must be 1-15 digits"}],"omitted":1}`)})
	html := app.HTMLString(p.Render())
	for _, w := range []string{"Nothing was published: the deck has 2 problems.", "prefix must be 1-15 digits", "…and 1 more problem not listed."} {
		if !strings.Contains(html, w) {
			t.Errorf("problems: misses %q in %s", w, html)
		}
	}
	// The line number heads its row (go-app writes attributes in any order).
	if !regexp.MustCompile(`<th (scope="row" class="num"|class="num" scope="row")>3</th>`).MatchString(html) {
		t.Errorf("problems: line 3 is not a row header in %s", html)
	}
	p.outcome = readDeckAnswer(apiResponse{201, []byte(`{"version":"v2","rows":1234,"currency":"USD","previous":"v1"}`)})
	html = app.HTMLString(p.Render())
	if !strings.Contains(html, "Published version v2: 1234 rows, prices in USD.") || !strings.Contains(html, "The previous version, v1, stays readable.") {
		t.Errorf("published: %s", html)
	}
	p.phase, p.sent = uploadSending, 450
	html = app.HTMLString(p.Render())
	if !strings.Contains(html, `<progress`) || !strings.Contains(html, `value="50"`) || !strings.Contains(html, "Uploading deck.csv: 50%") {
		t.Errorf("progress: %s", html)
	}
}

func TestDeckUploadCheckedBeforeSending(t *testing.T) {
	file := app.Null() // stands for the chosen File: only its presence matters here
	tests := []struct {
		name    string
		file    app.Value
		size    int64
		version string
		want    string // "" for none
	}{
		{"no file", nil, 0, "", "Choose a CSV file first."},
		{"empty", file, 0, "", "deck.csv is empty."},
		{"too large", file, maxDeckUpload + 1, "", "the largest deck accepted is 7.3 MB"},
		{"slash in version", file, 100, "2026/12", "without “/”"},
		{"long version", file, 100, strings.Repeat("v", 65), "at most 64 characters"},
		{"spaces around the version are not part of it", file, 100, "  2026-12  ", ""},
		{"fine", file, maxDeckUpload, "", ""},
	}
	for _, tt := range tests {
		p := &DeckAdminPage{file: tt.file, fileName: "deck.csv", fileSize: tt.size, version: tt.version}
		got := p.problem()
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if v := (&DeckAdminPage{version: "  2026-12 "}).versionName(); v != "2026-12" {
		t.Errorf("versionName = %q", v)
	}
}

func TestDeckVersionsPanel(t *testing.T) {
	me := admin()
	me.Operator = true
	p := &DeckAdminPage{}
	render(t, p)
	p.s = signedIn{checked: true, me: me}
	if html := app.HTMLString(p.Render()); !strings.Contains(html, "Loading the versions…") {
		t.Errorf("before the history arrives: %s", html)
	}
	p.current = "2027-01"
	p.versions = []deckVersion{
		{Version: "2027-01", Rows: 12, Currency: "USD", UploadedAt: "2026-12-06T07:00:00Z", UploadedBy: "alice@demo.example", Current: true},
		{Version: "seed-1", Rows: 9384, Currency: "USD"},
	}
	html := app.HTMLString(p.Render())
	for _, w := range []string{"6 Dec 2026 07:00 UTC by alice@demo.example", "before the history was kept", ">Current<",
		`aria-label="Make version seed-1 current"`} {
		if !strings.Contains(html, w) {
			t.Errorf("versions: misses %q", w)
		}
	}
	if strings.Contains(html, `aria-label="Make version 2027-01 current"`) || strings.Contains(html, "activate-confirm") {
		t.Error("the current version offers to be made current, or a confirmation shows unasked")
	}
	p.confirming = "seed-1"
	html = app.HTMLString(p.Render())
	if !strings.Contains(html, "Make version seed-1 current? Every call from now on is rated with its prices") || !strings.Contains(html, `id="activate-yes"`) {
		t.Errorf("confirmation: %s", html)
	}
	p.confirming, p.phase = "", uploadDone
	p.outcome = deckOutcome{Published: &deckPublished{Version: "seed-1", Rows: 9384, Currency: "USD", Previous: "2027-01"}, Activated: true}
	if html = app.HTMLString(p.Render()); !strings.Contains(html, "Version seed-1 is current again: 9384 rows") {
		t.Errorf("after the switch: %s", html)
	}
}
