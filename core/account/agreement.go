package account

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// AgreementTable is the shared agreement table (core/testdata/agreement.json):
// calls whose authorization quote and CDR charge every implementation —
// native, browser (wasm) and edge (worker) — must reproduce exactly. It is
// self-contained: the deck is inline CSV, accounts use DemoCatalog.
type AgreementTable struct {
	Description string          `json:"description"`
	DeckCSV     []string        `json:"deck_csv"` // lines of a deck CSV
	Home        string          `json:"home"`
	Users       []AgreementUser `json:"users"`
	Base        AgreementSetup  `json:"base"` // settings every case starts from
	Cases       []AgreementCase `json:"cases"`
}

// AgreementUser is a user of the table's account.
type AgreementUser struct {
	ID         string     `json:"id"`
	Privileges Privileges `json:"privileges"`
	Plan       bool       `json:"plan"`
	Packages   []string   `json:"packages"`
}

// AgreementSetup is the account state before a case. Pointer fields left
// out keep the base value.
type AgreementSetup struct {
	Overspend         *bool    `json:"overspend,omitempty"`
	RateCard          *bool    `json:"rate_card,omitempty"`
	Cap               *string  `json:"cap,omitempty"` // "" = no cap
	Bundles           []string `json:"bundles,omitempty"`
	BundleUsedMinutes int      `json:"bundle_used_minutes,omitempty"`
	PAYGSpent         string   `json:"payg_spent,omitempty"`
	CallLimit         int      `json:"call_limit,omitempty"`
}

// AgreementCase is one call and what must come of it.
type AgreementCase struct {
	Name      string         `json:"name"`
	Setup     AgreementSetup `json:"setup"`
	User      string         `json:"user"`
	Dial      string         `json:"dial"`
	Direction string         `json:"direction"` // "outbound" (default) or "inbound"
	Start     time.Time      `json:"start"`
	Seconds   int            `json:"seconds"`
	Want      AgreementWant  `json:"want"`
}

// AgreementWant is the expected decision and charge. For denied calls only
// the decision is compared.
type AgreementWant struct {
	Allowed       bool   `json:"allowed"`
	Reason        Reason `json:"reason"`
	Cover         string `json:"cover"`
	Package       string `json:"package"`
	MaxSeconds    int    `json:"max_seconds"`
	BundleMinutes int    `json:"bundle_minutes"`
	Cost          string `json:"cost"` // compare as decimals: "1.6" equals "1.60"
}

// ReadAgreement parses an agreement table.
func ReadAgreement(r io.Reader) (*AgreementTable, error) {
	var t AgreementTable
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, core.Errorf(core.Invalid, "agreement table: %v", err)
	}
	return &t, nil
}

// Deck builds the table's rate deck.
func (t *AgreementTable) Deck() (*deck.Index, error) {
	d, err := deck.ParseCSV(strings.NewReader(strings.Join(t.DeckCSV, "\n")))
	if err != nil {
		return nil, err
	}
	d.Version = "agreement"
	return deck.NewIndex(d)
}

// Build returns the account and the request of case c, with the usage of
// its setup recorded in the month of the call.
func (t *AgreementTable) Build(c AgreementCase) (*Account, Request, error) {
	s := t.Base
	if c.Setup.Overspend != nil {
		s.Overspend = c.Setup.Overspend
	}
	if c.Setup.RateCard != nil {
		s.RateCard = c.Setup.RateCard
	}
	if c.Setup.Cap != nil {
		s.Cap = c.Setup.Cap
	}
	if c.Setup.Bundles != nil {
		s.Bundles = c.Setup.Bundles
	}
	if c.Setup.CallLimit != 0 {
		s.CallLimit = c.Setup.CallLimit
	}
	settings := Settings{Home: t.Home, Overspend: s.Overspend != nil && *s.Overspend,
		RateCard: s.RateCard != nil && *s.RateCard, CallLimit: s.CallLimit, Thresholds: []int{80, 100}}
	if s.Cap != nil && *s.Cap != "" {
		cap, err := core.ParseMoney("cap", *s.Cap)
		if err != nil {
			return nil, Request{}, err
		}
		settings.Capped, settings.Cap = true, cap
	}
	a, err := New("agreement", DemoCatalog(), settings)
	if err != nil {
		return nil, Request{}, err
	}
	for _, b := range s.Bundles {
		if err := a.SetQuantity(b, 1+a.quantity(b)); err != nil {
			return nil, Request{}, err
		}
	}
	for i, u := range t.Users {
		if err := a.AddUser(User{ID: u.ID, Privileges: u.Privileges, Plan: u.Plan, Packages: u.Packages}); err != nil {
			return nil, Request{}, err
		}
		// Every user has a line (on an international product, which any
		// home takes): a user without one places no calls.
		number := fmt.Sprintf("+1202555%04d", i)
		if t.Home == "US" {
			number = fmt.Sprintf("+44207946%04d", i)
		}
		if _, err := a.AddLine(number, "line-intl", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false); err != nil {
			return nil, Request{}, err
		}
		if err := a.AssignLine(number, u.ID); err != nil {
			return nil, Request{}, err
		}
	}
	spent := core.MustParseMoney("0")
	if c.Setup.PAYGSpent != "" {
		if spent, err = core.ParseMoney("payg_spent", c.Setup.PAYGSpent); err != nil {
			return nil, Request{}, err
		}
	}
	if err := a.AddUsage(c.Start, c.Setup.BundleUsedMinutes, spent); err != nil {
		return nil, Request{}, err
	}
	dialled, err := e164.ParseDial(c.Dial, t.Home)
	if err != nil {
		return nil, Request{}, err
	}
	req := Request{CallID: "agreement-" + c.Name, User: c.User, Dialled: dialled, Start: c.Start}
	switch c.Direction {
	case "", "outbound":
	case "inbound":
		req.Direction = Inbound
	default:
		return nil, Request{}, core.FieldErrorf(core.Invalid, "direction", "unknown direction %q", c.Direction)
	}
	return a, req, nil
}

func (a *Account) quantity(code string) int {
	for _, s := range a.subs {
		if s.Product == code {
			return s.Quantity
		}
	}
	return 0
}
