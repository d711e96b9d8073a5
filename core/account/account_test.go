package account_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/region"
)

func TestDemoCatalog(t *testing.T) {
	c := account.DemoCatalog()
	want := map[account.Category]int{account.CategoryLine: 4, account.CategoryServiceNumber: 1, account.CategoryUser: 1,
		account.CategoryBYOC: 1, account.CategoryHosting: 1, account.CategoryProvisioning: 1, account.CategoryPackage: 7, account.CategoryBundle: 2}
	got := map[account.Category]int{}
	regions := map[region.ID]bool{}
	for _, p := range c.Products() {
		got[p.Category]++
		if p.Category == account.CategoryPackage {
			regions[p.Region] = true
		}
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d products, want %d", k, got[k], n)
		}
	}
	for _, r := range region.All() {
		if !regions[r.ID] {
			t.Errorf("no package for region %s", r.ID)
		}
	}
	if p, _ := c.Product("pkg-us-ca"); !p.Included || !p.MonthlyPrice.IsZero() {
		t.Errorf("US & Canada must be included at no charge: %+v", p)
	}
	if p, _ := c.Product("bundle-1200"); p.Minutes != 1200 {
		t.Errorf("bundle-1200: %+v", p)
	}
}

func TestNewCatalogErrors(t *testing.T) {
	ok := account.Product{Code: "x", Category: account.CategoryUser, MonthlyPrice: money("1")}
	tests := []struct {
		name string
		p    account.Product
	}{
		{"no code", account.Product{Category: account.CategoryUser}},
		{"bad category", account.Product{Code: "y", Category: "widget"}},
		{"negative", account.Product{Code: "y", Category: account.CategoryUser, MonthlyPrice: money("1").Neg()}},
		{"too precise", account.Product{Code: "y", Category: account.CategoryUser, MonthlyPrice: money("1.00001")}},
		{"duplicate", ok},
		{"line without term", account.Product{Code: "y", Category: account.CategoryLine}},
		{"package without region", account.Product{Code: "y", Category: account.CategoryPackage}},
		{"paid included", account.Product{Code: "y", Category: account.CategoryPackage, Region: region.Asia, Included: true, MonthlyPrice: money("1")}},
		{"empty bundle", account.Product{Code: "y", Category: account.CategoryBundle}},
		{"region on a line", account.Product{Code: "y", Category: account.CategoryLine, Term: account.Monthly, Region: region.Asia}},
	}
	for _, tt := range tests {
		if _, err := account.NewCatalog("USD", ok, tt.p); core.ErrorCode(err) != core.Invalid {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, err := account.NewCatalog("dollars", ok); core.ErrorCode(err) != core.Invalid {
		t.Errorf("bad currency: %v", err)
	}
}

func TestSettingsValidation(t *testing.T) {
	tests := []struct {
		name string
		s    account.Settings
	}{
		{"no home", account.Settings{}},
		{"lower-case home", account.Settings{Home: "gb"}},
		{"unknown home", account.Settings{Home: "ZZ"}},
		{"cap off with amount", account.Settings{Home: "GB", Cap: money("5")}},
		{"cap too precise", account.Settings{Home: "GB", Capped: true, Cap: money("5.00001")}},
		{"thresholds not ascending", account.Settings{Home: "GB", Thresholds: []int{100, 80}}},
		{"threshold over 100", account.Settings{Home: "GB", Thresholds: []int{120}}},
		{"call limit not minutes", account.Settings{Home: "GB", CallLimit: 90}},
		{"unnamed zone", account.Settings{Home: "GB", Location: time.FixedZone("XYZ", 3600)}},
		{"local zone", account.Settings{Home: "GB", Location: time.Local}},
	}
	for _, tt := range tests {
		if _, err := account.New("a", account.DemoCatalog(), tt.s); core.ErrorCode(err) != core.Invalid {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	a := gbAccount(t, nil)
	before := a.Settings()
	if err := a.SetSettings(account.Settings{Home: "XX"}); core.ErrorCode(err) != core.Invalid {
		t.Fatal(err)
	}
	if after := a.Settings(); after.Home != before.Home || !after.Cap.Equal(before.Cap) {
		t.Fatal("a failed SetSettings changed the settings")
	}
}

func TestUsers(t *testing.T) {
	a := gbAccount(t, nil)
	tests := []struct {
		name string
		err  error
		code core.Code
	}{
		{"duplicate user", a.AddUser(account.User{ID: "bob"}), core.Conflict},
		{"empty id", a.AddUser(account.User{}), core.Invalid},
		{"unknown package", a.AddUser(account.User{ID: "eve", Packages: []string{"pkg-mars"}}), core.NotFound},
		{"not a package", a.AddUser(account.User{ID: "eve", Packages: []string{"bundle-300"}}), core.Invalid},
		{"package twice", a.AddUser(account.User{ID: "eve", Packages: []string{"pkg-asia", "pkg-asia"}}), core.Invalid},
		{"included package", a.AddUser(account.User{ID: "eve", Packages: []string{"pkg-us-ca"}}), core.Invalid},
		{"bad privileges", a.AddUser(account.User{ID: "eve", Privileges: 7}), core.Invalid},
		{"assign to nobody", a.AssignPackage("eve", "pkg-asia"), core.NotFound},
		{"unassign missing", a.UnassignPackage("bob", "pkg-asia"), core.NotFound},
		{"privileges of nobody", a.SetPrivileges("eve", account.International), core.NotFound},
	}
	for _, tt := range tests {
		if core.ErrorCode(tt.err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, tt.err, tt.code)
		}
	}
	if _, ok := a.User("eve"); ok {
		t.Fatal("a failed AddUser added eve")
	}
	must(t, a.AssignPackage("bob", "pkg-asia"))
	must(t, a.AssignPackage("bob", "pkg-uk-eu"))
	must(t, a.UnassignPackage("bob", "pkg-asia"))
	if u, _ := a.User("bob"); !slices.Equal(u.Packages, []string{"pkg-uk-eu"}) {
		t.Fatalf("bob's packages %v", u.Packages)
	}
	must(t, a.RemoveUser("bob"))
	if len(a.Users()) != 3 {
		t.Fatal("bob not removed")
	}
}

func TestPrivilegesText(t *testing.T) {
	for _, p := range []account.Privileges{account.Domestic, account.International, account.Premium, account.International | account.Premium} {
		b, _ := p.MarshalText()
		var q account.Privileges
		if err := q.UnmarshalText(b); err != nil || q != p {
			t.Errorf("%v -> %s -> %v, %v", p, b, q, err)
		}
	}
	for _, s := range []string{"", "all", "international+", "premium", "domestic+gold"} {
		if _, err := account.ParsePrivileges(s); core.ErrorCode(err) != core.Invalid {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestContractRemainder(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name      string
		start, at time.Time
		monthly   string
		want      string
	}{
		{"released on day one owes the year", d(2026, 1, 15), d(2026, 1, 15), "10", "120"},
		{"mid-February 2026 (28 days)", d(2026, 1, 15), d(2026, 3, 1), "10", "105"},     // 10 months + 14/28
		{"leap February 2028 (29 days)", d(2028, 1, 15), d(2028, 3, 1), "10", "104.83"}, // 10 months + 14/29 = 104.8276
		{"31st anchors clamp", d(2026, 1, 31), d(2026, 2, 28), "31", "341"},             // Feb 28..Mar 31 is 31 days, 1 left → 10×31 + 1
		{"last day", d(2026, 1, 15), d(2027, 1, 14), "10", "0.32"},                      // Dec 15 .. Jan 15: 31 days, 1 left
		{"at the end", d(2026, 1, 15), d(2027, 1, 15), "10", "0"},
		{"after the end", d(2026, 1, 15), d(2027, 6, 1), "10", "0"},
		{"before the start", d(2026, 1, 15), d(2025, 12, 1), "10", "120"},
	}
	for _, tt := range tests {
		c := account.Contract{Term: account.Annual, Start: tt.start, End: tt.start.AddDate(1, 0, 0)}
		if got := c.Remainder(money(tt.monthly), tt.at); !got.Equal(money(tt.want)) {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	m := account.Contract{Term: account.Monthly, Start: d(2026, 1, 15)}
	if got := m.Remainder(money("10"), d(2026, 3, 1)); !got.IsZero() {
		t.Errorf("monthly owes %s", got)
	}
}

func TestAnnualNumberRules(t *testing.T) {
	a := gbAccount(t, nil)
	start := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	l, err := a.AddLine("+442079460000", "line-local-annual", start, false)
	must(t, err)
	if !l.Contract.End.Equal(time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("end %v", l.Contract.End)
	}
	must(t, a.AssignLine("+442079460000", "alice"))
	must(t, a.AssignLine("+442079460000", "bob"))  // reassign: free
	must(t, a.UnassignLine("+442079460000"))       // unassign: no refund, still owned
	if len(a.Lines()) != 5 || len(a.Dues()) != 0 { // the users' four and this one
		t.Fatal("unassigning released the number or changed what is owed")
	}
	owed, err := a.ReleaseLine("+442079460000", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	must(t, err)
	// March is invoiced in advance on 1 March, so the remainder runs from
	// 1 April: 14 of the 31 days of 15 Mar–15 Apr, then 9 contract months.
	if !owed.Equal(money("47.26")) || len(a.Dues()) != 1 || len(a.Lines()) != 4 { // 5 × (9 + 14/31) = 47.258
		t.Fatalf("owed %s, dues %v", owed, a.Dues())
	}
	// errors
	tests := []struct {
		name string
		err  error
		code core.Code
	}{
		{"bad number", func() error { _, err := a.AddLine("12345", "line-local", start, false); return err }(), core.Invalid},
		{"not a line product", func() error { _, err := a.AddLine("+442079460001", "bundle-300", start, false); return err }(), core.Invalid},
		{"unknown product", func() error { _, err := a.AddLine("+442079460001", "line-gold", start, false); return err }(), core.NotFound},
		{"verified service number", func() error { _, err := a.AddLine("+442079460001", "service-number", start, true); return err }(), core.Invalid},
		{"no start", func() error { _, err := a.AddLine("+442079460001", "line-local", time.Time{}, false); return err }(), core.Invalid},
		// A line product matches its number: local for the home country (GB), international otherwise.
		{"foreign number on a local line", func() error { _, err := a.AddLine("+12125550100", "line-local", start, false); return err }(), core.Invalid},
		{"home number on an international line", func() error { _, err := a.AddLine("+442079460005", "line-intl", start, false); return err }(), core.Invalid},
		{"foreign number on an international line", func() error { _, err := a.AddLine("+12125550199", "line-intl-annual", start, false); return err }(), ""},
		{"foreign service number", func() error { _, err := a.AddLine("+61299999998", "service-number", start, false); return err }(), ""},
		{"release unknown", func() error { _, err := a.ReleaseLine("+442079460009", start); return err }(), core.NotFound},
		{"assign unknown number", a.AssignLine("+442079460009", "bob"), core.NotFound},
	}
	for _, tt := range tests {
		if core.ErrorCode(tt.err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, tt.err, tt.code)
		}
	}
	_, err = a.AddLine("+44 20 7946 0001", "service-number", start, false)
	must(t, err)
	if err := a.AssignLine("+442079460001", "bob"); core.ErrorCode(err) != core.Invalid {
		t.Errorf("assigning a service number: %v", err)
	}
	if _, err := a.AddLine("+442079460001", "line-local", start, false); core.ErrorCode(err) != core.Conflict {
		t.Errorf("duplicate number: %v", err)
	}
	_, err = a.AddLine("+12125550100", "line-intl", start, true)
	must(t, err)
	if owed, err := a.ReleaseLine("+12125550100", start.AddDate(0, 1, 0)); err != nil || !owed.IsZero() {
		t.Errorf("monthly release owes %s, %v", owed, err)
	}
}

func TestCrossed(t *testing.T) {
	th := []int{50, 80, 100}
	tests := []struct {
		limit, before, after string
		want                 []int
	}{
		{"10", "0", "7.99", []int{50}},
		{"10", "7.99", "8", []int{80}},
		{"10", "0", "12", []int{50, 80, 100}},
		{"10", "8", "9.99", nil},
		{"10", "10", "11", nil},
		{"0", "0", "5", nil},
		{"10", "5", "4", nil},
	}
	for _, tt := range tests {
		got := account.Crossed(th, money(tt.limit), money(tt.before), money(tt.after))
		if !slices.Equal(got, tt.want) {
			t.Errorf("Crossed(%s: %s→%s) = %v, want %v", tt.limit, tt.before, tt.after, got, tt.want)
		}
	}
}

// TestCapThresholdNotices: the cap notifies at the account's thresholds
// and, when it set none, at 80 % and 100 % all the same ("You will receive
// notification when you are approaching this limit").
func TestCapThresholdNotices(t *testing.T) {
	ix := testDeck(t)
	for name, th := range map[string][]int{"thresholds 80/100": {80, 100}, "no thresholds": nil, "threshold 50": {50}} {
		a := gbAccount(t, func(s *account.Settings) { s.Thresholds = th }) // cap 10
		var notices []account.Notice
		for i := 0; i < 14; i++ { // 14 × 0.76 = 10.64
			r, err := a.RateCDR(ix, account.CDR{CallID: "m" + string(rune('a'+i)), User: "carol",
				Dialled: dial(t, "+61 412 345 678", "GB"), Start: november, Seconds: 90})
			must(t, err)
			notices = append(notices, r.Notices...)
		}
		var want []account.Notice
		for _, p := range account.CapThresholds(th) {
			want = append(want, account.Notice{Meter: account.MeterCap, Percent: p})
		}
		if !slices.Equal(notices, want) || len(want) == 0 {
			t.Errorf("%s: notices %v, want %v", name, notices, want)
		}
	}
	if got := account.CapThresholds(nil); !slices.Equal(got, []int{80, 100}) {
		t.Errorf("CapThresholds(nil) = %v", got)
	}
}

func FuzzParsePrivileges(f *testing.F) {
	for _, s := range []string{"domestic", "international+premium", "domestic+premium", "", "+", "international+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := account.ParsePrivileges(s)
		if err != nil {
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("code %s", core.ErrorCode(err))
			}
			return
		}
		if p.String() != s {
			t.Fatalf("%q parsed to %v, which prints %q", s, p, p)
		}
	})
}

func TestCoverAndDirectionText(t *testing.T) {
	for _, c := range []account.Cover{account.CoverNone, account.CoverFree, account.CoverPackage, account.CoverBundle, account.CoverPAYG} {
		b, err := c.MarshalText()
		var back account.Cover
		if err != nil || back.UnmarshalText(b) != nil || back != c || string(b) != c.String() {
			t.Errorf("cover %v: %s %v", c, b, err)
		}
	}
	var c account.Cover
	if err := c.UnmarshalText([]byte("gold")); core.ErrorCode(err) != core.Invalid {
		t.Error(err)
	}
	for _, d := range []account.Direction{account.Outbound, account.Inbound} {
		b, _ := d.MarshalText()
		var back account.Direction
		if back.UnmarshalText(b) != nil || back != d {
			t.Errorf("direction %v", d)
		}
	}
	var d account.Direction
	if err := d.UnmarshalText([]byte("sideways")); core.ErrorCode(err) != core.Invalid {
		t.Error(err)
	}
}

func TestRemoveUserWithCallInProgress(t *testing.T) {
	ix := testDeck(t)
	a := gbAccount(t, nil)
	_, err := a.AuthorizeAndReserve(ix, account.Request{CallID: "x", User: "carol", Dialled: dial(t, "+61 2 9999 9999", "GB"), Start: november})
	must(t, err)
	if err := a.RemoveUser("carol"); core.ErrorCode(err) != core.Conflict {
		t.Fatalf("%v", err)
	}
	a.Settle("x")
	must(t, a.RemoveUser("carol"))
	if err := a.RemoveUser("carol"); core.ErrorCode(err) != core.NotFound {
		t.Fatalf("%v", err)
	}
}
