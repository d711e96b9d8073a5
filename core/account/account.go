package account

import (
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/region"
)

// Limits on what one account may hold. They bound memory and the size of a
// snapshot decoded from the network.
const (
	MaxUsers           = 10_000
	MaxLines           = 20_000
	MaxPackagesPerUser = 8
	MaxThresholds      = 8
	maxIDLen           = 64
)

// DefaultCallLimit is the default longest duration, in seconds, that one
// metered (bundle or pay-as-you-go) call is authorised for: 2 hours.
const DefaultCallLimit = 2 * 60 * 60

// LoadLocation finds the IANA time zone of Settings.Location and of account
// snapshots by name. It is time.LoadLocation; a program whose platform has
// no file system for it to read replaces it before using accounts (the edge
// worker, where reading a file would wait on a JavaScript callback that its
// glue does not support).
var LoadLocation = time.LoadLocation

// Settings are the account-wide switches and limits.
type Settings struct {
	// Home is the ISO 3166-1 alpha-2 country of the account: calls to it are
	// domestic (bundle minutes, domestic-only privilege) and short numbers
	// are read with its dialling plan.
	Home string
	// Location is the calendar of the account: bundles reset and the
	// pay-as-you-go cycle restarts at midnight on the 1st in this zone.
	// nil means UTC. It must be an IANA zone (time.LoadLocation), as
	// snapshots carry it by name; programs without a zoneinfo directory
	// (Workers, browsers) should import time/tzdata.
	Location *time.Location
	// Overspend lets calls continue at the standard rate once the pooled
	// bundle is used up; without it, every outbound call other than to
	// emergency and essential numbers (package and rate-card calls
	// included) is blocked until the bundle resets on the 1st, and inbound
	// calls go on. An account without a pooled bundle is not affected.
	Overspend bool
	// RateCard enables pay-as-you-go billing on the standard rate card for
	// destinations no package or bundle covers.
	RateCard bool
	// Capped and Cap limit the pay-as-you-go spend of a calendar month.
	Capped bool
	Cap    decimal.Decimal
	// Thresholds are the notification levels, in percent (1..100, strictly
	// ascending), applied to the cap and to the bundle, e.g. {80, 100}. A
	// capped account without any is notified of its cap at the default
	// levels all the same (CapThresholds).
	Thresholds []int
	// CallLimit is the longest duration in seconds (whole minutes) a
	// metered call is authorised for (0 means DefaultCallLimit). Its reservation holds at
	// most this much, so concurrent calls share a cap or a bundle.
	CallLimit int
	// HostedNumbers says Tollgate is the account's PSTN carrier: its
	// numbers are hosted on Tollgate's network and the catalog's number
	// hosting fee is billed for every number the account holds (lines and
	// service numbers, assigned or not; not verified business numbers,
	// which stay with the customer's carrier). An account that brings its own
	// carrier (a BYOC subscription) cannot have it.
	HostedNumbers bool
}

// Privileges are a user's call privileges, a set of flags. The zero value
// is the most restrictive: domestic calls only, premium numbers blocked.
// Emergency and essential numbers and inbound calls are never restricted.
type Privileges uint8

// The privilege flags.
const (
	Domestic      Privileges = 0      // calls to the home country only
	International Privileges = 1 << 0 // calls to any country
	Premium       Privileges = 1 << 1 // premium-rate numbers allowed
)

// String returns "domestic", "international", "domestic+premium" or
// "international+premium".
func (p Privileges) String() string {
	s := "domestic"
	if p&International != 0 {
		s = "international"
	}
	if p&Premium != 0 {
		s += "+premium"
	}
	return s
}

// ParsePrivileges parses the String form.
func ParsePrivileges(s string) (Privileges, error) {
	var p Privileges
	base, prem, plus := strings.Cut(s, "+")
	switch base {
	case "domestic":
	case "international":
		p |= International
	default:
		return 0, core.FieldErrorf(core.Invalid, "privileges", "unknown privileges %q", s)
	}
	switch {
	case !plus:
	case prem == "premium":
		p |= Premium
	default:
		return 0, core.FieldErrorf(core.Invalid, "privileges", "unknown privileges %q", s)
	}
	return p, nil
}

// MarshalText implements encoding.TextMarshaler.
func (p Privileges) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Privileges) UnmarshalText(b []byte) error {
	v, err := ParsePrivileges(string(b))
	if err == nil {
		*p = v
	}
	return err
}

// User is a person (or resource account) who places calls.
type User struct {
	ID         string
	Name       string
	Privileges Privileges
	// Plan says the user has an activated calling plan: only such users
	// draw on the account's pooled bundle.
	Plan bool
	// Packages are the codes of the unlimited calling packages assigned to
	// the user, besides those every account includes.
	Packages []string
	// Phone is the user's phone system, which decides when the user is an
	// active user billed the per-user subscription (see ActiveUsers).
	Phone Phone
}

// user is a User plus its precomputed coverage.
type user struct {
	User
	pkgs  []int // catalog indexes: included packages, then assigned ones, regional before global
	lines int   // lines assigned to the user
}

// Account is the state of one customer account. Build it with New (or
// DecodeSnapshot) and change it only through its methods: every method
// validates first and then applies, so a failed call changes nothing.
type Account struct {
	id       string
	cat      *Catalog
	settings Settings
	users    []*user
	byUser   map[string]*user
	lines    []Line
	subs     []Subscription
	dues     []Due

	// usage of the current calendar month (period), and of the one before.
	period     int32 // months since year 0 in the account's zone: y*12 + m - 1
	bundleUsed int64 // seconds, always whole minutes
	paygSpent  int64 // money units (10^-4)
	paygSecs   int64 // seconds charged at the rate card
	prevBundle int64
	prevPAYG   int64
	prevSecs   int64

	reservations map[string]*reservation
	heldBundle   int64                // seconds held by reservations
	heldMoney    int64                // money units held by reservations
	rated        map[string]RatedCall // rated calls the account keeps itself
	calls        RatedCalls           // or where the caller keeps them (UseRatedCalls)

	// caches, rebuilt by refresh after every change
	poolSeconds int64
	capUnits    int64
	callLimit   int
	loc         *time.Location
	availSame   decimal.Decimal // cap − spent − held, for a call in the current period
	availNext   decimal.Decimal // cap − held, for a call in a later period
}

// New returns an empty account with the given settings.
func New(id string, cat *Catalog, s Settings) (*Account, error) {
	if id == "" || len(id) > maxIDLen {
		return nil, core.FieldErrorf(core.Invalid, "id", "account id must be 1 to %d bytes", maxIDLen)
	}
	if cat == nil {
		return nil, core.FieldErrorf(core.Invalid, "catalog", "no catalog")
	}
	a := &Account{id: id, cat: cat, byUser: map[string]*user{},
		reservations: map[string]*reservation{}, rated: map[string]RatedCall{}}
	if err := a.SetSettings(s); err != nil {
		return nil, err
	}
	return a, nil
}

// ID returns the account's identifier.
func (a *Account) ID() string { return a.id }

// Catalog returns the catalog the account's products come from.
func (a *Account) Catalog() *Catalog { return a.cat }

// defaultCapThresholds are the cap's notification levels of an account
// that set none: "You will receive notification when you are approaching
// this limit." Shared: never modified.
var defaultCapThresholds = []int{80, 100}

// CapThresholds returns the levels, in percent, at which the pay-as-you-go
// cap notifies: thresholds, or 80 and 100 if there are none.
func CapThresholds(thresholds []int) []int {
	if len(thresholds) == 0 {
		return slices.Clone(defaultCapThresholds)
	}
	return slices.Clone(thresholds)
}

// Settings returns a copy of the account's settings.
func (a *Account) Settings() Settings {
	s := a.settings
	s.Thresholds = slices.Clone(s.Thresholds)
	return s
}

func validateSettings(s *Settings) error {
	if region.Of(s.Home) == "" || s.Home != strings.ToUpper(s.Home) {
		return core.FieldErrorf(core.Invalid, "home", "home %q is not a known upper-case ISO 3166 country code", s.Home)
	}
	if s.Capped {
		if _, ok := toUnits(s.Cap); !ok || s.Cap.IsNegative() {
			return core.FieldErrorf(core.Invalid, "cap", "cap %s must be a non-negative amount with at most %d decimal places", s.Cap, core.CallPlaces)
		}
	} else if !s.Cap.IsZero() {
		return core.FieldErrorf(core.Invalid, "cap", "a cap is set but capping is off")
	}
	if l := s.Location; l != nil && l != time.UTC && l.String() != "UTC" {
		// The zone travels in snapshots by name: it must be an IANA zone.
		if name := l.String(); name == "Local" || name == "" {
			return core.FieldErrorf(core.Invalid, "location", "the time zone must be a named IANA zone, not %q", name)
		} else if _, err := LoadLocation(name); err != nil {
			return core.FieldErrorf(core.Invalid, "location", "unknown time zone %q (is time/tzdata linked in?)", name)
		}
	}
	if len(s.Thresholds) > MaxThresholds {
		return core.FieldErrorf(core.Invalid, "thresholds", "at most %d thresholds", MaxThresholds)
	}
	for i, t := range s.Thresholds {
		if t < 1 || t > 100 || (i > 0 && t <= s.Thresholds[i-1]) {
			return core.FieldErrorf(core.Invalid, "thresholds", "thresholds must be strictly ascending percentages from 1 to 100")
		}
	}
	if s.CallLimit < 0 || s.CallLimit > 24*60*60 || s.CallLimit%60 != 0 {
		return core.FieldErrorf(core.Invalid, "call_limit", "call limit must be whole minutes from 0 (default) to 86400 seconds")
	}
	return nil
}

// SetSettings replaces the account's settings after validating them.
// Raising or lowering the cap takes effect for the next authorization.
func (a *Account) SetSettings(s Settings) error {
	if err := validateSettings(&s); err != nil {
		return err
	}
	if s.HostedNumbers && a.hasCategory(CategoryBYOC) {
		return core.FieldErrorf(core.Conflict, "hosted_numbers", "an account that brings its own carrier (BYOC) does not host its numbers with us: end the BYOC subscription first")
	}
	s.Thresholds = slices.Clone(s.Thresholds)
	a.settings = s
	a.refresh()
	return nil
}

// refresh recomputes the caches the hot path reads.
func (a *Account) refresh() {
	a.loc = a.settings.Location
	if a.loc == nil {
		a.loc = time.UTC
	}
	a.callLimit = a.settings.CallLimit
	if a.callLimit == 0 {
		a.callLimit = DefaultCallLimit
	}
	a.capUnits, _ = toUnits(a.settings.Cap)
	a.poolSeconds = 0
	for _, s := range a.subs {
		p := a.cat.products[a.cat.byCode[s.Product]]
		if p.Category == CategoryBundle {
			a.poolSeconds += int64(p.Minutes) * int64(s.Quantity) * 60
		}
	}
	a.availSame = fromUnits(max(a.capUnits-a.paygSpent-a.heldMoney, 0))
	a.availNext = fromUnits(max(a.capUnits-a.heldMoney, 0))
}

// --- users -------------------------------------------------------------

func validID(field, id string) error {
	if id == "" || len(id) > maxIDLen {
		return core.FieldErrorf(core.Invalid, field, "must be 1 to %d bytes", maxIDLen)
	}
	return nil
}

// AddUser adds a user. Its ID must be new; its packages must be package
// products of the catalog (no duplicates, at most MaxPackagesPerUser).
func (a *Account) AddUser(u User) error {
	if err := validID("user.id", u.ID); err != nil {
		return err
	}
	if _, dup := a.byUser[u.ID]; dup {
		return core.FieldErrorf(core.Conflict, "user.id", "user %q already exists", u.ID)
	}
	if len(a.users) >= MaxUsers {
		return core.FieldErrorf(core.Conflict, "users", "an account holds at most %d users", MaxUsers)
	}
	if u.Privileges > International|Premium {
		return core.FieldErrorf(core.Invalid, "user.privileges", "unknown privilege flags %d", u.Privileges)
	}
	if err := validatePhone(u.Phone); err != nil {
		return err
	}
	if u.Phone.System == "pbx" {
		u.Phone.System = PhonePBX
	}
	pkgs, err := a.coverage(u.Packages)
	if err != nil {
		return err
	}
	u.Packages = slices.Clone(u.Packages)
	nu := &user{User: u, pkgs: pkgs}
	a.users = append(a.users, nu)
	a.byUser[u.ID] = nu
	return nil
}

// coverage validates package codes and returns the catalog indexes a user
// with them is covered by, in the order authorization tries them.
func (a *Account) coverage(codes []string) ([]int, error) {
	if len(codes) > MaxPackagesPerUser {
		return nil, core.FieldErrorf(core.Invalid, "user.packages", "at most %d packages per user", MaxPackagesPerUser)
	}
	pkgs := slices.Clone(a.cat.included)
	var global []int
	for _, code := range codes {
		i, err := a.cat.productOf("user.packages", code, CategoryPackage)
		if err != nil {
			return nil, err
		}
		if slices.Contains(pkgs, i) || slices.Contains(global, i) {
			return nil, core.FieldErrorf(core.Invalid, "user.packages", "package %q listed twice or already included", code)
		}
		if a.cat.products[i].Region == region.Global {
			global = append(global, i)
		} else {
			pkgs = append(pkgs, i)
		}
	}
	return append(pkgs, global...), nil
}

// Users returns copies of the account's users in the order they were added.
func (a *Account) Users() []User {
	out := make([]User, len(a.users))
	for i, u := range a.users {
		out[i] = u.User
		out[i].Packages = slices.Clone(u.Packages)
	}
	return out
}

// User returns a copy of one user.
func (a *Account) User(id string) (User, bool) {
	u, ok := a.byUser[id]
	if !ok {
		return User{}, false
	}
	c := u.User
	c.Packages = slices.Clone(u.Packages)
	return c, true
}

func (a *Account) userOf(id string) (*user, error) {
	u, ok := a.byUser[id]
	if !ok {
		return nil, core.FieldErrorf(core.NotFound, "user", "no user %q", id)
	}
	return u, nil
}

// SetPrivileges changes a user's call privileges.
func (a *Account) SetPrivileges(userID string, p Privileges) error {
	u, err := a.userOf(userID)
	if err != nil {
		return err
	}
	if p > International|Premium {
		return core.FieldErrorf(core.Invalid, "privileges", "unknown privilege flags %d", p)
	}
	u.Privileges = p
	return nil
}

// SetPlan activates or deactivates a user's calling plan (access to the
// pooled bundle).
func (a *Account) SetPlan(userID string, on bool) error {
	u, err := a.userOf(userID)
	if err != nil {
		return err
	}
	u.Plan = on
	return nil
}

// SetPackages replaces the packages assigned to a user.
func (a *Account) SetPackages(userID string, codes []string) error {
	u, err := a.userOf(userID)
	if err != nil {
		return err
	}
	pkgs, err := a.coverage(codes)
	if err != nil {
		return err
	}
	u.Packages, u.pkgs = slices.Clone(codes), pkgs
	return nil
}

// AssignPackage adds one package to a user.
func (a *Account) AssignPackage(userID, code string) error {
	u, err := a.userOf(userID)
	if err != nil {
		return err
	}
	return a.SetPackages(userID, append(slices.Clone(u.Packages), code))
}

// UnassignPackage removes one package from a user.
func (a *Account) UnassignPackage(userID, code string) error {
	u, err := a.userOf(userID)
	if err != nil {
		return err
	}
	i := slices.Index(u.Packages, code)
	if i < 0 {
		return core.FieldErrorf(core.NotFound, "package", "user %q has no package %q", userID, code)
	}
	return a.SetPackages(userID, slices.Delete(slices.Clone(u.Packages), i, i+1))
}

// RemoveUser removes a user; the user's lines become unassigned (an annual
// line stays owned by the account). A user with calls in progress cannot be
// removed (core.Conflict).
func (a *Account) RemoveUser(userID string) error {
	u, err := a.userOf(userID)
	if err != nil {
		return err
	}
	for _, r := range a.reservations {
		if r.User == userID {
			return core.FieldErrorf(core.Conflict, "user", "user %q has a call in progress", userID)
		}
	}
	for i := range a.lines {
		if a.lines[i].User == userID {
			a.lines[i].User = ""
		}
	}
	a.users = slices.DeleteFunc(a.users, func(x *user) bool { return x == u })
	delete(a.byUser, userID)
	return nil
}

// --- account-level subscriptions --------------------------------------

// Subscription is an account-level product bought in some quantity:
// bundles, the BYOC fee, the provisioning add-on.
type Subscription struct {
	Product  string
	Quantity int
}

// Subscriptions returns the account-level subscriptions.
func (a *Account) Subscriptions() []Subscription { return slices.Clone(a.subs) }

// SetQuantity sets how many of an account-level product (a bundle, BYOC,
// the provisioning add-on) the account has; 0 removes it. Bundles add
// their minutes to the one pooled bucket. Number hosting is not bought in
// a quantity: see Settings.HostedNumbers.
func (a *Account) SetQuantity(code string, qty int) error {
	if p, ok := a.cat.Product(code); ok && p.Category == CategoryHosting {
		return core.FieldErrorf(core.Invalid, "product", "number hosting is billed per number held: turn it on with the hosted_numbers setting")
	}
	if _, err := a.cat.productOf("product", code, CategoryBundle, CategoryBYOC, CategoryProvisioning); err != nil {
		return err
	}
	if qty < 0 || qty > 100_000 {
		return core.FieldErrorf(core.Invalid, "quantity", "quantity must be 0 to 100000")
	}
	if qty > 0 && a.settings.HostedNumbers && a.cat.products[a.cat.byCode[code]].Category == CategoryBYOC {
		return core.FieldErrorf(core.Conflict, "product", "the account's numbers are hosted with us (Tollgate is its carrier): turn number hosting off before bringing your own carrier")
	}
	i := slices.IndexFunc(a.subs, func(s Subscription) bool { return s.Product == code })
	switch {
	case i >= 0 && qty == 0:
		a.subs = slices.Delete(a.subs, i, i+1)
	case i >= 0:
		a.subs[i].Quantity = qty
	case qty > 0:
		a.subs = append(a.subs, Subscription{code, qty})
	}
	a.refresh()
	return nil
}

// hasCategory reports whether the account subscribes to a product of
// category c.
func (a *Account) hasCategory(c Category) bool {
	return slices.ContainsFunc(a.subs, func(s Subscription) bool {
		return a.cat.products[a.cat.byCode[s.Product]].Category == c
	})
}

// --- money units ---------------------------------------------------------

// Pay-as-you-go amounts inside the account are int64 counts of 10^-4 of the
// currency: every rated call is rounded to core.CallPlaces decimals, so the
// sums are exact and the hot path does no decimal arithmetic.
const unitExp = -core.CallPlaces

func toUnits(d decimal.Decimal) (int64, bool) {
	if e := d.Exponent(); e > 16 || e < -64 {
		return 0, false // absurd (and costly) exponents from outside
	}
	s := d.Shift(core.CallPlaces)
	if !s.IsInteger() || s.Abs().GreaterThan(decimal.New(1, 15)) {
		return 0, false
	}
	return s.IntPart(), true
}

func fromUnits(u int64) decimal.Decimal { return decimal.New(u, unitExp) }

// --- usage -----------------------------------------------------------------

// periodOf returns the calendar month of t in the account's zone.
func (a *Account) periodOf(t time.Time) int32 {
	y, m, _ := t.In(a.loc).Date()
	return int32(y)*12 + int32(m) - 1
}

// roll moves the usage counters forward to the period of t: bundles reset
// on the 1st with no carry-over and a new pay-as-you-go cycle starts. Usage
// of the month before is kept for its invoice.
func (a *Account) roll(t time.Time) {
	p := a.periodOf(t)
	switch {
	case p <= a.period:
		return
	case p == a.period+1:
		a.prevBundle, a.prevPAYG, a.prevSecs = a.bundleUsed, a.paygSpent, a.paygSecs
	default:
		a.prevBundle, a.prevPAYG, a.prevSecs = 0, 0, 0
	}
	a.period, a.bundleUsed, a.paygSpent, a.paygSecs = p, 0, 0, 0
	a.forget()
	a.refresh()
}

// Usage is the metered usage of one calendar month.
type Usage struct {
	Month         time.Time       // midnight on the 1st, in the account's zone
	BundleMinutes int             // pooled bundle minutes used
	BundleSize    int             // minutes in the pool
	PAYG          decimal.Decimal // pay-as-you-go spend
	PAYGMinutes   int             // pay-as-you-go seconds charged, in minutes rounded up
	HeldMinutes   int             // bundle minutes held by calls in progress
	HeldPAYG      decimal.Decimal // pay-as-you-go money held by calls in progress
}

// UsageAt returns the usage of the month containing t (zero if nothing was
// recorded in it yet), or of the month before it when that is the last one
// recorded.
func (a *Account) UsageAt(t time.Time) Usage {
	p := a.periodOf(t)
	u := Usage{Month: monthStart(p, a.loc), BundleSize: int(a.poolSeconds / 60),
		HeldMinutes: int(a.heldBundle / 60), HeldPAYG: fromUnits(a.heldMoney), PAYG: decimal.Zero}
	switch p {
	case a.period:
		u.BundleMinutes, u.PAYG, u.PAYGMinutes = int(a.bundleUsed/60), fromUnits(a.paygSpent), int((a.paygSecs+59)/60)
	case a.period - 1:
		u.BundleMinutes, u.PAYG, u.PAYGMinutes = int(a.prevBundle/60), fromUnits(a.prevPAYG), int((a.prevSecs+59)/60)
	}
	return u
}

// used returns the bundle seconds and pay-as-you-go units already charged
// to the month of a call starting in period p: the counters RateCDR charges
// it to. A later month has used nothing yet (it starts afresh); the month
// before the current one has its own counters; older calls (only reserved
// ones are rated) are charged to the current month.
func (a *Account) used(p int32) (bundleSeconds, paygUnits int64) {
	switch {
	case p > a.period:
		return 0, 0
	case p == a.period-1:
		return a.prevBundle, a.prevPAYG
	}
	return a.bundleUsed, a.paygSpent
}

// availUnits is the pay-as-you-go budget left, in money units, for a call
// starting in period p: cap − what its month spent − what calls in
// progress hold.
func (a *Account) availUnits(p int32) int64 {
	_, spent := a.used(p)
	return max(a.capUnits-spent-a.heldMoney, 0)
}

// avail is availUnits as a decimal, cached for the current and later
// months.
func (a *Account) avail(p int32) decimal.Decimal {
	switch {
	case p > a.period:
		return a.availNext
	case p == a.period-1:
		return fromUnits(a.availUnits(p))
	}
	return a.availSame
}

func monthStart(p int32, loc *time.Location) time.Time {
	return time.Date(int(p/12), time.Month(p%12+1), 1, 0, 0, 0, 0, loc)
}

// AddUsage records usage that happened outside Tollgate's rating in the
// month containing at (bundle minutes and pay-as-you-go spend, e.g. when an
// account migrates mid-month). The amount must be non-negative with at most
// four decimal places. Thresholds are not notified.
func (a *Account) AddUsage(at time.Time, bundleMinutes int, payg decimal.Decimal) error {
	units, ok := toUnits(payg)
	if !ok || units < 0 || bundleMinutes < 0 || bundleMinutes > 10_000_000 {
		return core.FieldErrorf(core.Invalid, "usage", "usage must be non-negative minutes and an amount with at most %d decimal places", core.CallPlaces)
	}
	if at.IsZero() {
		return core.FieldErrorf(core.Invalid, "at", "usage needs a time")
	}
	if a.periodOf(at) < a.period-1 {
		return core.FieldErrorf(core.Invalid, "at", "usage older than last month cannot be recorded")
	}
	a.roll(at)
	switch a.periodOf(at) {
	case a.period:
		a.bundleUsed += int64(bundleMinutes) * 60
		a.paygSpent += units
	default: // the month before
		a.prevBundle += int64(bundleMinutes) * 60
		a.prevPAYG += units
	}
	a.refresh()
	return nil
}
