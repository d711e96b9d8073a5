package portal

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker/httpapi"
)

// demoAccount is an account like the seeded demo tenant, in zone loc.
func demoAccount(t *testing.T, loc *time.Location, created time.Time) []byte {
	t.Helper()
	a, err := account.New("acme", account.DemoCatalog(), account.Settings{Home: "GB", Location: loc, Overspend: true, RateCard: true,
		Capped: true, Cap: core.MustParseMoney("50"), Thresholds: []int{80, 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []account.User{
		{ID: "alice", Name: "Alice", Privileges: account.International, Plan: true},
		{ID: "bob", Name: "Bob", Plan: true},
		{ID: "carol", Name: "Carol", Privileges: account.International, Plan: true, Packages: []string{"pkg-uk-eu"}},
	} {
		if err := a.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.AddLine("+442079460002", "line-local-annual", created, false); err != nil {
		t.Fatal(err)
	}
	if err := a.SetQuantity("bundle-300", 1); err != nil {
		t.Fatal(err)
	}
	b, err := a.EncodeSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestQuoteMatchesServer: the browser's quote of a package change is the
// edge's (httpapi.QuotePackageChange), on month ends, leap days and in
// another time zone.
func TestQuoteMatchesServer(t *testing.T) {
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Fatal(err)
	}
	changes := [][]userPackages{
		{{User: "bob", Packages: []string{"pkg-uk-eu"}}},
		{{User: "carol", Packages: []string{"pkg-global"}}, {User: "alice", Packages: []string{"pkg-au-nz", "pkg-us-ca"}}},
		{{User: "carol", Packages: []string{}}},
		{{User: "carol", Packages: []string{"pkg-uk-eu"}}}, // no change
	}
	times := []struct {
		loc *time.Location
		at  time.Time
	}{
		{time.UTC, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)},
		{time.UTC, time.Date(2026, 1, 31, 23, 59, 0, 0, time.UTC)},
		{time.UTC, time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC)},
		{time.UTC, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{sydney, time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)}, // 1 December in Sydney
	}
	for _, tm := range times {
		snap := demoAccount(t, tm.loc, tm.at.AddDate(0, -1, 0))
		for _, ch := range changes {
			got, err := quotePackageChange(account.DemoCatalog(), snap, ch, tm.at)
			if err != nil {
				t.Fatalf("%v %v: %v", tm.at, ch, err)
			}
			a, err := account.DecodeSnapshot(account.DemoCatalog(), snap)
			if err != nil {
				t.Fatal(err)
			}
			var users []httpapi.UserPackages
			for _, u := range ch {
				users = append(users, httpapi.UserPackages{User: u.User, Packages: u.Packages})
			}
			want, _, _, err := httpapi.QuotePackageChange(a, users, tm.at)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Net.Equal(want.Net) || !got.Credit.Equal(want.Credit) || !got.Charge.Equal(want.Charge) ||
				got.UnusedDays != want.UnusedDays || got.CycleDays != want.CycleDays || len(got.Lines) != len(want.Lines) {
				t.Errorf("%v in %v, %v: browser %+v, server %+v", tm.at, tm.loc, ch, got, want)
			}
			for i := range got.Lines {
				if !got.Lines[i].Amount.Equal(want.Lines[i].Amount) || got.Lines[i].Code != want.Lines[i].Code {
					t.Errorf("line %d: browser %+v, server %+v", i, got.Lines[i], want.Lines[i])
				}
			}
		}
	}
}

func TestQuoteErrors(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	snap := demoAccount(t, time.UTC, at)
	for _, tc := range []struct {
		name string
		snap []byte
		ch   []userPackages
	}{
		{"unknown user", snap, []userPackages{{User: "zed", Packages: []string{"pkg-uk-eu"}}}},
		{"unknown package", snap, []userPackages{{User: "bob", Packages: []string{"pkg-nope"}}}},
		{"not a package", snap, []userPackages{{User: "bob", Packages: []string{"bundle-300"}}}},
		{"corrupt snapshot", snap[:len(snap)/2], []userPackages{{User: "bob"}}},
	} {
		if _, err := quotePackageChange(account.DemoCatalog(), tc.snap, tc.ch, at); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestParseThresholds(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"80, 100", []int{80, 100}, false},
		{"50%,80% 100%", []int{50, 80, 100}, false},
		{"", []int{}, false},
		{"100, 80", nil, true},
		{"80, 80", nil, true},
		{"0", nil, true},
		{"101", nil, true},
		{"eighty", nil, true},
	}
	for _, tc := range tests {
		got, err := parseThresholds(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseThresholds(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err != nil {
			if core.ErrorCode(err) != core.Invalid {
				t.Errorf("parseThresholds(%q) code %s", tc.in, core.ErrorCode(err))
			}
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("parseThresholds(%q) = %v, want %v", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("parseThresholds(%q) = %v, want %v", tc.in, got, tc.want)
			}
		}
	}
}

// wellFormed checks that s is one well-formed XML element and counts its
// elements by name.
func wellFormed(t *testing.T, s string) map[string]int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	count := map[string]int{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return count
		}
		if err != nil {
			t.Fatalf("not well-formed SVG: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok {
			count[se.Name.Local]++
		}
	}
}

func TestCharts(t *testing.T) {
	days := []usageRow{{Date: "2026-11-01", Minutes: 12}, {Date: "2026-11-02"}, {Date: "2026-11-03", Minutes: 130}}
	c := wellFormed(t, minutesChartSVG(days))
	if c["rect"] != 3 || c["svg"] != 1 {
		t.Errorf("minutes chart elements %v, want 3 bars", c)
	}
	if s := minutesChartSVG(days); !strings.Contains(s, `aria-label="Minutes per day: 142 minutes over 3 days, at most 130 in a day"`) {
		t.Errorf("minutes chart label: %s", s)
	}
	wellFormed(t, minutesChartSVG(nil))

	m := core.MustParseMoney
	for _, tc := range []struct {
		spent, cap decimal.Decimal
		capped     bool
		over       bool
	}{
		{m("12.50"), m("50"), true, false},
		{m("60"), m("50"), true, true},
		{m("3"), m("0"), false, false},
		{m("0"), m("0"), true, true},
	} {
		s := spendChartSVG(tc.spent, tc.cap, tc.capped, []int{80, 100}, "USD")
		c := wellFormed(t, s)
		if tc.capped && tc.cap.IsPositive() && c["line"] != 2 {
			t.Errorf("spend chart %v: %d threshold marks", tc, c["line"])
		}
		if strings.Contains(s, `class="fill over"`) != (tc.over && tc.cap.IsPositive()) {
			t.Errorf("spend chart %v: over = %v", tc, strings.Contains(s, "fill over"))
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[int]int{0: 10, 7: 10, 11: 20, 20: 20, 21: 50, 99: 100, 101: 200, 480: 500, 1200: 2000} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", in, got, want)
		}
	}
}

// withTransport answers API calls with f for the test.
func withTransport(t *testing.T, f func(apiRequest) (apiResponse, error)) {
	old := transport
	transport = f
	t.Cleanup(func() { transport = old })
}

func TestCallAPIErrorsInWords(t *testing.T) {
	tests := []struct {
		res      apiResponse
		err      error
		code     string
		contains string
	}{
		{apiResponse{403, []byte(`{"error":{"code":"forbidden","message":"only an admin of the account can change this"}}`)}, nil, "forbidden", "only an admin"},
		{apiResponse{401, []byte(`{"error":{"code":"unauthorized","message":"not signed in"}}`)}, nil, "unauthorized", "not signed in"},
		{apiResponse{502, []byte(`<html>bad gateway</html>`)}, nil, "", "status 502"},
		{apiResponse{}, errors.New("the server could not be reached"), "", "could not be reached"},
	}
	for _, tc := range tests {
		withTransport(t, func(apiRequest) (apiResponse, error) { return tc.res, tc.err })
		err := callAPI("GET", "/v1/me", nil, &Me{}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.contains) {
			t.Errorf("%d: error %v, want it to say %q", tc.res.Status, err, tc.contains)
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.Code != tc.code {
			t.Errorf("%d: code %q, want %q", tc.res.Status, ae.Code, tc.code)
		}
		if isSignedOut(err) != (tc.res.Status == 401) {
			t.Errorf("%d: isSignedOut = %v", tc.res.Status, isSignedOut(err))
		}
	}
	var sent apiRequest
	withTransport(t, func(r apiRequest) (apiResponse, error) {
		sent = r
		return apiResponse{200, []byte(`{"user":{"id":"alice","role":"admin"}}`)}, nil
	})
	var me Me
	if err := callAPI("POST", "/v1/session", map[string]string{"email": "a@b"}, &me, map[string]string{"Idempotency-Key": "k"}); err != nil {
		t.Fatal(err)
	}
	if !me.Admin() || sent.Method != "POST" || string(sent.Body) != `{"email":"a@b"}` || sent.Headers["Idempotency-Key"] != "k" {
		t.Errorf("sent %+v, got %+v", sent, me)
	}
}

func member() *Me {
	m := &Me{}
	m.User.ID, m.User.Name, m.User.Role = "bob", "Bob", "member"
	return m
}

func admin() *Me {
	m := &Me{}
	m.User.ID, m.User.Name, m.User.Role = "alice", "Alice", "admin"
	return m
}

// render loads c in a test engine and returns its HTML.
func render(t *testing.T, c app.Composer) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(c.Render())
}

func TestMembersSeeAdminsChange(t *testing.T) {
	pk := packagesResponse{Currency: "USD", Catalog: []packageJSON{{Code: "pkg-uk-eu", Name: "Unlimited UK & Europe", MonthlyPrice: core.MustParseMoney("15")}},
		Held: []heldPackages{{User: "bob"}, {User: "carol", Packages: []packageJSON{{Code: "pkg-uk-eu", Name: "Unlimited UK & Europe", MonthlyPrice: core.MustParseMoney("15")}}}}}
	for _, tc := range []struct {
		me    *Me
		admin bool
	}{{member(), false}, {admin(), true}} {
		p := &PackagesPage{}
		html := render(t, p)
		if !strings.Contains(html, "Checking who is signed in") {
			t.Errorf("before the session is known: %s", html)
		}
		p.s, p.pk = signedIn{checked: true, me: tc.me}, pk
		html = app.HTMLString(p.Render())
		if strings.Contains(html, `id="change-bob"`) != tc.admin || strings.Contains(html, `id="member-note"`) == tc.admin {
			t.Errorf("packages for admin=%v: change buttons %v, member note %v", tc.admin, strings.Contains(html, `id="change-bob"`), strings.Contains(html, "member-note"))
		}
		if !strings.Contains(html, "US$15.00") {
			t.Errorf("carol's package price missing: %s", html)
		}

		n := &NumbersPage{}
		render(t, n)
		n.s = signedIn{checked: true, me: tc.me}
		n.nums = numbersResponse{Currency: "USD", Numbers: []lineJSON{{Number: "+442079460002", Term: "annual", User: "bob", Category: "line",
			MonthlyPrice: core.MustParseMoney("5"), ReleaseOwes: core.MustParseMoney("55")}}}
		html = app.HTMLString(n.Render())
		if strings.Contains(html, `id="number-442079460002-release"`) != tc.admin {
			t.Errorf("numbers for admin=%v: release button %v", tc.admin, !tc.admin)
		}
		if !strings.Contains(html, "US$55.00 left to pay if released now") {
			t.Errorf("the annual remainder is not shown: %s", html)
		}

		s := &SettingsPage{}
		render(t, s)
		s.s = signedIn{checked: true, me: tc.me}
		s.acct = accountResponse{Currency: "USD", Settings: settingsJSON{Capped: true, Cap: core.MustParseMoney("50"), Thresholds: []int{80, 100}}}
		s.resetForm()
		html = app.HTMLString(s.Render())
		if strings.Contains(html, `id="save-settings"`) != tc.admin || !strings.Contains(html, `value="80, 100"`) {
			t.Errorf("settings for admin=%v: save button %v", tc.admin, strings.Contains(html, "save-settings"))
		}
	}
}

func TestSignedOutPagesLinkToSignIn(t *testing.T) {
	for _, c := range []app.Composer{&PackagesPage{}, &UsagePage{}, &NumbersPage{}, &SettingsPage{}} {
		render(t, c)
		switch p := c.(type) {
		case *PackagesPage:
			p.s.checked = true
		case *UsagePage:
			p.s.checked = true
		case *NumbersPage:
			p.s.checked = true
		case *SettingsPage:
			p.s.checked = true
		}
		html := app.HTMLString(c.Render())
		if !strings.Contains(html, `href="/signin?next=/`) {
			t.Errorf("%T signed out: no sign-in link: %s", c, html)
		}
	}
}

func TestServerRefusalShownInWords(t *testing.T) {
	p := &PackagesPage{}
	render(t, p)
	p.s = signedIn{checked: true, me: admin()}
	p.pk = packagesResponse{Currency: "USD", Held: []heldPackages{{User: "bob"}}}
	p.editing, p.draft = "bob", map[string]bool{}
	p.applyErr = decodeAPIError(apiResponse{403, []byte(`{"error":{"code":"forbidden","message":"only an admin of the account can change this"}}`)})
	html := app.HTMLString(p.Render())
	if !strings.Contains(html, "Not allowed: only an admin of the account can change this.") {
		t.Errorf("403 not shown in words: %s", html)
	}
}

func TestNumberActionResultShown(t *testing.T) {
	p := &NumbersPage{nums: numbersResponse{Numbers: []lineJSON{{Number: "+1", User: "a"}, {Number: "+2", User: "b"}, {Number: "+3", User: "c"}}}}
	p.applyResult(numberAction{Number: "+2", Line: lineJSON{Number: "+2"}})
	if len(p.nums.Numbers) != 3 || p.nums.Numbers[1].User != "" || p.nums.Numbers[0].User != "a" {
		t.Errorf("after unassign: %+v", p.nums.Numbers)
	}
	p.applyResult(numberAction{Number: "+3", Released: true})
	if len(p.nums.Numbers) != 2 || p.nums.Numbers[1].Number != "+2" {
		t.Errorf("after release: %+v", p.nums.Numbers)
	}
}
