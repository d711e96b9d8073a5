package account

import (
	"github.com/tollgate-voice/tollgate/core"
)

// PhoneSystem is the phone system a user's calls come from. It decides when
// the user is an active user, the unit the per-user subscription is billed
// by ("We measure active users differently depending on the phone system
// you are connecting").
type PhoneSystem string

// The phone systems.
const (
	// PhonePBX is a PBX user: trust based, always an active user (fair use
	// is watched in the usage, not in the bill). It is the zero value.
	PhonePBX PhoneSystem = ""
	// PhoneTeams is a Microsoft Teams user or resource account: active
	// while licensed for Microsoft Phone System and using Tollgate for
	// direct routing (Phone.TeamsActive).
	PhoneTeams PhoneSystem = "teams"
	// PhoneWebex is a Webex Calling user: active while a number (DDI) is
	// assigned to the user.
	PhoneWebex PhoneSystem = "webex"
	// PhoneSIP is a user of SIP phones: each registered SIP phone is an
	// active user (Phone.SIPPhones of them).
	PhoneSIP PhoneSystem = "sip"
)

// MaxSIPPhones bounds the SIP phones registered for one user.
const MaxSIPPhones = 100

// String returns the system's name: "pbx", "teams", "webex" or "sip".
func (s PhoneSystem) String() string {
	if s == PhonePBX {
		return "pbx"
	}
	return string(s)
}

// ParsePhoneSystem parses "pbx" (or ""), "teams", "webex" or "sip".
func ParsePhoneSystem(s string) (PhoneSystem, error) {
	switch p := PhoneSystem(s); p {
	case "pbx", PhonePBX:
		return PhonePBX, nil
	case PhoneTeams, PhoneWebex, PhoneSIP:
		return p, nil
	}
	return PhonePBX, core.FieldErrorf(core.Invalid, "phone.system", "unknown phone system %q (pbx, teams, webex or sip)", s)
}

// Phone is how a user connects: the phone system and what it reports about
// the user. The zero Phone is a PBX user.
type Phone struct {
	System PhoneSystem
	// TeamsActive (Teams only): the user is licensed for Microsoft Phone
	// System and shows "Active" in Tollgate's Teams service.
	TeamsActive bool
	// SIPPhones (SIP only): the SIP phones registered for the user, 0 to
	// MaxSIPPhones.
	SIPPhones int
}

func validatePhone(p Phone) error {
	if _, err := ParsePhoneSystem(string(p.System)); err != nil {
		return err
	}
	if p.TeamsActive && p.System != PhoneTeams {
		return core.FieldErrorf(core.Invalid, "phone.teams_active", "only a Teams user can be active in Teams")
	}
	if p.SIPPhones != 0 && p.System != PhoneSIP {
		return core.FieldErrorf(core.Invalid, "phone.sip_phones", "only a SIP user has registered SIP phones")
	}
	if p.SIPPhones < 0 || p.SIPPhones > MaxSIPPhones {
		return core.FieldErrorf(core.Invalid, "phone.sip_phones", "registered SIP phones must be 0 to %d", MaxSIPPhones)
	}
	return nil
}

// activeUsers returns how many active users u counts for.
func (u *user) activeUsers() int {
	switch u.Phone.System {
	case PhoneTeams:
		if u.Phone.TeamsActive {
			return 1
		}
	case PhoneWebex:
		if u.lines > 0 {
			return 1
		}
	case PhoneSIP:
		return u.Phone.SIPPhones
	default:
		return 1
	}
	return 0
}

// ActiveUsers returns the account's active users, the quantity its
// per-user subscription is billed for: every PBX user, every Teams user
// active in direct routing, every Webex user with a number assigned and
// every registered SIP phone.
func (a *Account) ActiveUsers() int {
	n := 0
	for _, u := range a.users {
		n += u.activeUsers()
	}
	return n
}

// ActiveUsersOf returns how many active users one user counts for (0, 1,
// or a SIP user's registered phones), or false if there is no such user.
func (a *Account) ActiveUsersOf(userID string) (int, bool) {
	u, ok := a.byUser[userID]
	if !ok {
		return 0, false
	}
	return u.activeUsers(), true
}

// SetPhone records a user's phone system and what it reports (a Teams
// activation, SIP registrations). It changes what the user is billed, not
// what the user may call.
func (a *Account) SetPhone(userID string, p Phone) error {
	u, err := a.userOf(userID)
	if err != nil {
		return err
	}
	if err := validatePhone(p); err != nil {
		return err
	}
	if p.System == "pbx" {
		p.System = PhonePBX
	}
	u.Phone = p
	return nil
}
