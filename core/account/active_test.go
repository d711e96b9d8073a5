package account_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
)

// TestActiveUsers: the per-user subscription is billed per active user,
// measured by the user's phone system.
func TestActiveUsers(t *testing.T) {
	tests := []struct {
		name  string
		phone account.Phone
		line  bool // a number is assigned to the user
		want  int
	}{
		{"PBX user, trust based", account.Phone{}, false, 1},
		{"PBX user with a line", account.Phone{System: account.PhonePBX}, true, 1},
		{"Teams user not licensed for Phone System", account.Phone{System: account.PhoneTeams}, true, 0},
		{"Teams user active in direct routing", account.Phone{System: account.PhoneTeams, TeamsActive: true}, false, 1},
		{"Webex user without a DDI", account.Phone{System: account.PhoneWebex}, false, 0},
		{"Webex user with a DDI", account.Phone{System: account.PhoneWebex}, true, 1},
		{"SIP user with no registered phone", account.Phone{System: account.PhoneSIP}, true, 0},
		{"SIP user with three registered phones", account.Phone{System: account.PhoneSIP, SIPPhones: 3}, false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := account.New("acme", account.DemoCatalog(), account.Settings{Home: "GB"})
			must(t, err)
			must(t, a.AddUser(account.User{ID: "u", Phone: tt.phone}))
			if tt.line {
				_, err := a.AddLine("+442079460100", "line-local", november, false)
				must(t, err)
				must(t, a.AssignLine("+442079460100", "u"))
			}
			if got := a.ActiveUsers(); got != tt.want {
				t.Errorf("ActiveUsers() = %d, want %d", got, tt.want)
			}
			if got, ok := a.ActiveUsersOf("u"); !ok || got != tt.want {
				t.Errorf("ActiveUsersOf(u) = %d, %v", got, ok)
			}
			if got := quantity(a, "user"); got != tt.want {
				t.Errorf("user subscription billed %d times, want %d", got, tt.want)
			}
		})
	}
}

// TestActiveUsersFollowChanges: a Webex user stops counting when the DDI
// is unassigned and counts again when one is assigned; a Teams activation
// and SIP registrations are recorded with SetPhone.
func TestActiveUsersFollowChanges(t *testing.T) {
	a, err := account.New("acme", account.DemoCatalog(), account.Settings{Home: "GB"})
	must(t, err)
	must(t, a.AddUser(account.User{ID: "w", Phone: account.Phone{System: account.PhoneWebex}}))
	must(t, a.AddUser(account.User{ID: "t", Phone: account.Phone{System: account.PhoneTeams}}))
	_, err = a.AddLine("+442079460100", "line-local-annual", november, false)
	must(t, err)
	steps := []struct {
		name string
		do   func() error
		want int
	}{
		{"nothing active", func() error { return nil }, 0},
		{"DDI assigned to the Webex user", func() error { return a.AssignLine("+442079460100", "w") }, 1},
		{"Teams user licensed", func() error { return a.SetPhone("t", account.Phone{System: account.PhoneTeams, TeamsActive: true}) }, 2},
		{"DDI reassigned to the Teams user", func() error { return a.AssignLine("+442079460100", "t") }, 1},
		{"Webex user moves to SIP with two phones", func() error { return a.SetPhone("w", account.Phone{System: account.PhoneSIP, SIPPhones: 2}) }, 3},
		{"Teams licence removed", func() error { return a.SetPhone("t", account.Phone{System: account.PhoneTeams}) }, 2},
		{"SIP user back to a PBX", func() error { return a.SetPhone("w", account.Phone{System: "pbx"}) }, 1},
	}
	for _, s := range steps {
		must(t, s.do())
		if got := a.ActiveUsers(); got != s.want {
			t.Fatalf("%s: %d active users, want %d", s.name, got, s.want)
		}
	}
	if u, _ := a.User("w"); u.Phone.System != account.PhonePBX || u.Phone.System.String() != "pbx" {
		t.Errorf("\"pbx\" is stored as the zero system, got %q", u.Phone.System)
	}
}

func TestSetPhoneRejects(t *testing.T) {
	a, err := account.New("acme", account.DemoCatalog(), account.Settings{Home: "GB"})
	must(t, err)
	must(t, a.AddUser(account.User{ID: "u", Phone: account.Phone{System: account.PhoneSIP, SIPPhones: 1}}))
	tests := []struct {
		name  string
		user  string
		phone account.Phone
		code  core.Code
		field string
	}{
		{"unknown system", "u", account.Phone{System: "skype"}, core.Invalid, "phone.system"},
		{"Teams activation on a PBX user", "u", account.Phone{TeamsActive: true}, core.Invalid, "phone.teams_active"},
		{"SIP phones on a Webex user", "u", account.Phone{System: account.PhoneWebex, SIPPhones: 1}, core.Invalid, "phone.sip_phones"},
		{"negative SIP phones", "u", account.Phone{System: account.PhoneSIP, SIPPhones: -1}, core.Invalid, "phone.sip_phones"},
		{"too many SIP phones", "u", account.Phone{System: account.PhoneSIP, SIPPhones: account.MaxSIPPhones + 1}, core.Invalid, "phone.sip_phones"},
		{"no such user", "nobody", account.Phone{}, core.NotFound, "user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.SetPhone(tt.user, tt.phone)
			var e *core.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Field != tt.field {
				t.Fatalf("SetPhone: %v, want %s on %s", err, tt.code, tt.field)
			}
			if u, _ := a.User("u"); u.Phone != (account.Phone{System: account.PhoneSIP, SIPPhones: 1}) {
				t.Fatalf("a refused change changed the user: %+v", u.Phone)
			}
		})
	}
	if err := a.AddUser(account.User{ID: "v", Phone: account.Phone{System: "teams", SIPPhones: 2}}); core.ErrorCode(err) != core.Invalid {
		t.Errorf("AddUser with SIP phones on a Teams user: %v", err)
	}
	if _, ok := a.User("v"); ok {
		t.Error("the refused user was added")
	}
}

// TestNumberHosting: with Tollgate as the PSTN carrier, the hosting fee is
// billed per number held (service numbers and unassigned numbers too, not
// verified business numbers); it excludes bringing your own carrier.
func TestNumberHosting(t *testing.T) {
	a, err := account.New("acme", account.DemoCatalog(), account.Settings{Home: "GB"})
	must(t, err)
	must(t, a.AddUser(account.User{ID: "u"}))
	for _, l := range []struct {
		number, product string
		verified        bool
	}{
		{"+442079460100", "line-local", false},
		{"+442079460101", "line-local-annual", false},
		{"+442079460102", "service-number", false},
		{"+442079460103", "line-local", true},
		{"+61299999999", "line-intl", false},
	} {
		_, err := a.AddLine(l.number, l.product, november, l.verified)
		must(t, err)
	}
	must(t, a.AssignLine("+442079460100", "u"))
	if got := quantity(a, "hosting"); got != 0 {
		t.Fatalf("hosting billed %d times with hosting off", got)
	}
	s := a.Settings()
	s.HostedNumbers = true
	must(t, a.SetSettings(s))
	if got := quantity(a, "hosting"); got != 4 {
		t.Fatalf("hosting billed %d times, want 4 (five numbers, one verified)", got)
	}
	_, err = a.ReleaseLine("+442079460100", november.Add(time.Hour))
	must(t, err)
	if got := quantity(a, "hosting"); got != 3 {
		t.Fatalf("hosting billed %d times after a release, want 3", got)
	}
	// Hosting is not bought in a quantity.
	if err := a.SetQuantity("hosting", 3); core.ErrorCode(err) != core.Invalid {
		t.Errorf("SetQuantity(hosting): %v", err)
	}
	// BYOC and hosting exclude each other, both ways, and a refused change
	// changes nothing.
	if err := a.SetQuantity("byoc", 1); core.ErrorCode(err) != core.Conflict {
		t.Errorf("BYOC on a hosted account: %v", err)
	}
	s.HostedNumbers = false
	must(t, a.SetSettings(s))
	must(t, a.SetQuantity("byoc", 1))
	s.HostedNumbers = true
	if err := a.SetSettings(s); core.ErrorCode(err) != core.Conflict {
		t.Errorf("hosting on a BYOC account: %v", err)
	}
	if a.Settings().HostedNumbers || quantity(a, "hosting") != 0 || quantity(a, "byoc") != 1 {
		t.Errorf("a refused change took effect: %+v %v", a.Settings(), a.BillingItems())
	}
}

// TestPhoneAndHostingSurviveSnapshots: a snapshot round trip keeps the
// users' phones and the hosting setting.
func TestPhoneAndHostingSurviveSnapshots(t *testing.T) {
	a, err := account.New("acme", account.DemoCatalog(), account.Settings{Home: "GB", HostedNumbers: true})
	must(t, err)
	phones := []account.Phone{{}, {System: account.PhoneTeams, TeamsActive: true}, {System: account.PhoneTeams},
		{System: account.PhoneWebex}, {System: account.PhoneSIP, SIPPhones: 7}}
	for i, p := range phones {
		must(t, a.AddUser(account.User{ID: fmt.Sprint("u", i), Phone: p}))
	}
	_, err = a.AddLine("+442079460100", "line-local", november, false)
	must(t, err)
	must(t, a.AssignLine("+442079460100", "u3"))
	b, err := a.EncodeSnapshot()
	must(t, err)
	c, err := account.DecodeSnapshot(account.DemoCatalog(), b)
	must(t, err)
	for i, p := range phones {
		if u, _ := c.User(fmt.Sprint("u", i)); u.Phone != p {
			t.Errorf("user %d: phone %+v, want %+v", i, u.Phone, p)
		}
	}
	if !c.Settings().HostedNumbers || c.ActiveUsers() != 1+1+1+7 || quantity(c, "hosting") != 1 {
		t.Errorf("after a round trip: hosted %v, %d active users, hosting ×%d", c.Settings().HostedNumbers, c.ActiveUsers(), quantity(c, "hosting"))
	}
}

// quantity returns how many of a product the account is billed for.
func quantity(a *account.Account, code string) int {
	for _, it := range a.BillingItems() {
		if it.Code == code {
			return it.Quantity
		}
	}
	return 0
}
