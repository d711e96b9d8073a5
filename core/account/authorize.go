package account

import (
	"math"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// NoLimit is the MaxSeconds of a call nothing meters (emergency, inbound,
// covered by an unlimited package): the switch applies no time limit.
const NoLimit = math.MaxInt32

// Direction is the direction of a call as seen from the account.
type Direction uint8

// The directions. The zero value is Outbound.
const (
	Outbound Direction = iota // a user calls out
	Inbound                   // someone calls one of the account's numbers
)

// String returns "outbound" or "inbound".
func (d Direction) String() string {
	if d == Inbound {
		return "inbound"
	}
	return "outbound"
}

// MarshalText implements encoding.TextMarshaler: "outbound" or "inbound".
func (d Direction) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Direction) UnmarshalText(b []byte) error {
	switch string(b) {
	case "outbound":
		*d = Outbound
	case "inbound":
		*d = Inbound
	default:
		return core.FieldErrorf(core.Invalid, "direction", "unknown direction %q (outbound or inbound)", b)
	}
	return nil
}

// Cover says what pays for a call.
type Cover uint8

// The covers. Their String forms are stable (APIs, snapshots, agreement table).
const (
	CoverNone    Cover = iota // "none": the call is denied
	CoverFree                 // "free": emergency, essential and inbound calls
	CoverPackage              // "package": an unlimited calling package
	CoverBundle               // "bundle": the pooled minute bundle (then PAYG on overspend)
	CoverPAYG                 // "payg": pay-as-you-go at the rate card
)

var coverNames = [...]string{"none", "free", "package", "bundle", "payg"}

// String returns the stable name of c.
func (c Cover) String() string {
	if int(c) < len(coverNames) {
		return coverNames[c]
	}
	return "cover?"
}

// MarshalText implements encoding.TextMarshaler with the stable names.
func (c Cover) MarshalText() ([]byte, error) {
	if int(c) >= len(coverNames) {
		return nil, core.Errorf(core.Internal, "invalid cover %d", c)
	}
	return []byte(coverNames[c]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Cover) UnmarshalText(b []byte) error {
	for i, n := range coverNames {
		if n == string(b) {
			*c = Cover(i)
			return nil
		}
	}
	return core.FieldErrorf(core.Invalid, "cover", "unknown cover %q", b)
}

// Reason explains a Decision. The values are stable API strings.
type Reason string

// The reasons: allowed ones first, then the denials (prefixed "denied_").
const (
	ReasonEmergency = Reason("emergency") // an emergency number: always allowed, free
	ReasonEssential = Reason("essential") // an essential short number (e.g. GB 101, 111): always allowed, free
	ReasonInbound   = Reason("inbound")   // inbound calls are always allowed
	ReasonTollFree  = Reason("toll_free") // a toll-free number of the home country: free
	ReasonPackage   = Reason("package")   // covered by an unlimited package of the user
	ReasonBundle    = Reason("bundle")    // domestic call from the pooled bundle
	ReasonOverspend = Reason("overspend") // bundle used up, overspend on: standard rate
	ReasonPAYG      = Reason("payg")      // out-of-bundle destination on the rate card

	DeniedUnknownUser     = Reason("denied_unknown_user")     // the calling user is not on the account
	DeniedNoLine          = Reason("denied_no_line")          // the calling user has no line assigned
	DeniedInvalidNumber   = Reason("denied_invalid_number")   // nothing callable was dialled
	DeniedNoRoute         = Reason("denied_no_route")         // the rate deck has no row for the number
	DeniedPrivilege       = Reason("denied_privilege")        // international call by a domestic-only user
	DeniedPremium         = Reason("denied_premium")          // premium number, premium blocked for the user
	DeniedBundleExhausted = Reason("denied_bundle_exhausted") // bundle used up, overspend off: outbound blocked until the 1st
	DeniedRateCardOff     = Reason("denied_rate_card_off")    // needs the rate card, which is off
	DeniedCapReached      = Reason("denied_cap_reached")      // the PAYG cap leaves nothing for this call
)

// Request asks whether a call may start.
type Request struct {
	CallID    string
	User      string       // the calling user (outbound) or called user (inbound)
	Dialled   e164.Dialled // the parsed dial string (e164.ParseDial with the account's home)
	Direction Direction
	Start     time.Time
}

// Decision is the answer to a Request. For an allowed call, MaxSeconds is
// the longest it may last: NoLimit when nothing meters it, else bounded by
// the call limit, the bundle left (overspend off) and the pay-as-you-go
// budget (cap − spent − held), so the call cannot cost more than is left.
type Decision struct {
	Allowed    bool
	Reason     Reason
	Cover      Cover
	MaxSeconds int
	// Package is the product code of the covering package (CoverPackage).
	Package string
	// BundleSeconds is how much of the call the bundle covers (whole
	// minutes; CoverBundle). Beyond it (overspend), the call is charged at
	// the standard rate: Price(d) − Price(BundleSeconds).
	BundleSeconds int
	// Row is the rate-deck row of the destination; the zero Row (see
	// HasRow) for emergency, essential and inbound calls and when there is
	// no route. It prices the metered part of the call and names the
	// destination and number kind.
	Row deck.Row
}

// HasRow reports whether the decision carries a rate-deck row.
func (d Decision) HasRow() bool { return d.Row.Prefix != "" }

// Charge is the price of a call of a given duration under a Decision.
type Charge struct {
	Seconds       int
	BundleMinutes int             // pooled-bundle minutes used: every started minute counts
	PAYGSeconds   int             // seconds charged at the rate card
	Cost          decimal.Decimal // rate-card cost, rounded with core.RoundCall
}

// Quote prices a call of the given duration under d: 0 for free and
// package calls; bundle calls use one bundle minute per started minute and,
// past BundleSeconds, cost Price(seconds) − Price(BundleSeconds);
// pay-as-you-go calls cost Row.Tariff.Price(seconds). RateCDR charges
// exactly this figure for a reserved call of up to MaxSeconds.
func (d Decision) Quote(seconds int) Charge {
	c := Charge{Seconds: seconds, Cost: decimal.Zero}
	if seconds <= 0 {
		c.Seconds = 0
		return c
	}
	switch d.Cover {
	case CoverBundle:
		if seconds <= d.BundleSeconds {
			c.BundleMinutes = (seconds + 59) / 60
			return c
		}
		c.BundleMinutes = d.BundleSeconds / 60
		c.PAYGSeconds = seconds - d.BundleSeconds
		c.Cost = d.Row.Tariff.Price(seconds).Sub(d.Row.Tariff.Price(d.BundleSeconds))
	case CoverPAYG:
		c.PAYGSeconds = seconds
		c.Cost = d.Row.Tariff.Price(seconds)
	}
	return c
}

// find looks up the deck row for n at `at` without allocating: the digits
// are written to the stack and deck.Index.Find keeps nothing of them.
func find(rates *deck.Index, n e164.Number, at time.Time) (deck.RowRef, bool) {
	var buf [1 + e164.MaxDigits]byte
	b := n.AppendTo(buf[:0])
	if len(b) < 2 {
		return deck.RowRef{}, false
	}
	return rates.Find(string(b[1:]), at)
}

// Coverable reports whether packages and bundles cover a number kind:
// landline and mobile numbers (and toll-free numbers abroad) are; premium
// and "other" numbers always go to the rate card.
func Coverable(k deck.Kind) bool {
	switch k {
	case deck.KindLandline, deck.KindMobile, deck.KindLandlineOrMobile, deck.KindTollFree:
		return true
	}
	return false
}

// bundleLeft returns the pooled bundle seconds left for a call charged to
// period, less those held, and whether the bundle block (step 5 of
// Authorize) stops an outbound call: enforced, overspend off, less than a
// minute left.
func (a *Account) bundleLeft(period int32, enforce bool) (left int64, blocked bool) {
	if a.poolSeconds == 0 {
		return 0, false
	}
	used, _ := a.used(period)
	left = a.poolSeconds - a.heldBundle - used
	return left, enforce && left < 60 && !a.settings.Overspend
}

// BundleCanBlock reports whether the bundle block (step 5 of Authorize)
// applies to an outbound call to d at all: the account has a pooled bundle,
// overspend is off and d is not a never-blocked number. Whether it does
// block then depends on the bundle's usage, which only the authority (or a
// lease holding some of the bundle) knows; a copy of the account with stale
// usage must not decide such a call.
func (a *Account) BundleCanBlock(d e164.Dialled, dir Direction) bool {
	return dir == Outbound && !d.NeverBlocked() && a.poolSeconds > 0 && !a.settings.Overspend
}

// Authorize decides whether a call may start, in this order:
//
//  1. emergency and essential numbers (e164.Dialled.NeverBlocked: GB 999,
//     112, 111, 101, ...): allowed, free, no limit, in every state;
//  2. inbound calls: allowed, free;
//  3. the user must exist, the number must have a route in the deck;
//  4. privileges: premium numbers need Premium, other countries International;
//  5. an account with a pooled bundle and overspend off whose bundle is used
//     up (less than a minute left once the minutes held by calls in progress
//     and by leases count as used) blocks every other outbound call, package,
//     toll-free and rate-card calls included, until the bundle resets on the
//     1st: DeniedBundleExhausted. The product rule: "If you are not set up
//     for overspend, inbound calls will still operate as normal. Any
//     outbound calls except to 999, 111, 112 and 101 will be blocked until
//     the balance resets on the first of the following month.";
//  6. toll-free numbers and helplines (GB 105, 116 123) of the home country:
//     allowed, free (no bundle minutes);
//  7. an unlimited package of the user covering the destination country
//     (US & Canada for everyone): allowed, free, no limit;
//  8. domestic (home-country) calls of users with an activated plan draw on
//     the pooled bundle; minutes left (less those held by calls in progress)
//     bound the call; with none left (overspend on, as step 5 blocked the
//     rest) the call is pay-as-you-go at the standard rate
//     (ReasonOverspend); with overspend on, a call may also run past the
//     bundle it started in;
//  9. anything else is out of bundle: it needs the rate card (RateCard);
//  10. pay-as-you-go calls are bounded by the cap: MaxSeconds is the longest
//     duration whose price fits cap − spent − held.
//
// Bundle minutes used and pay-as-you-go spent are those of the calendar
// month req.Start falls in (in the account's zone), the month the call is
// charged to: a new month starts afresh, and a call of the month before
// is judged by that month's usage.
//
// Authorize does not change the account; Reserve records the call. It does
// not allocate: the number's digits go to deck.Index.Find from the stack,
// and the decision's Row is built from the index without allocating.
func (a *Account) Authorize(rates *deck.Index, req Request) Decision {
	return a.authorize(rates, req, true)
}

// authorize is Authorize; with enforce false it classifies a call that has
// already happened (a CDR without a reservation) instead: privileges, the
// rate-card switch, the bundle block, overspend and the cap no longer deny
// it, and what would have been denied is charged at the rate card.
func (a *Account) authorize(rates *deck.Index, req Request, enforce bool) Decision {
	if req.Dialled.NeverBlocked() {
		r := ReasonEssential
		if req.Dialled.Emergency {
			r = ReasonEmergency
		}
		return Decision{Allowed: true, Reason: r, Cover: CoverFree, MaxSeconds: NoLimit}
	}
	if req.Direction == Inbound {
		return Decision{Allowed: true, Reason: ReasonInbound, Cover: CoverFree, MaxSeconds: NoLimit}
	}
	u := a.byUser[req.User]
	if u == nil {
		return Decision{Reason: DeniedUnknownUser}
	}
	if enforce && u.lines == 0 {
		return Decision{Reason: DeniedNoLine}
	}
	if !req.Dialled.Number.IsValid() {
		if !req.Dialled.Helpline {
			return Decision{Reason: DeniedInvalidNumber}
		}
		// A free helpline (GB 105, 116 123): blocked with every other
		// outbound call when the bundle is used up (step 5), else free.
		if _, blocked := a.bundleLeft(a.periodOf(req.Start), enforce); blocked {
			return Decision{Reason: DeniedBundleExhausted}
		}
		return Decision{Allowed: true, Reason: ReasonTollFree, Cover: CoverFree, MaxSeconds: NoLimit}
	}
	ref, ok := find(rates, req.Dialled.Number, req.Start)
	if !ok {
		return Decision{Reason: DeniedNoRoute}
	}
	d := Decision{Row: ref.Row()}
	country, kind := ref.Country(), ref.Kind()
	domestic := country == a.settings.Home
	switch {
	case !enforce:
	case kind == deck.KindPremium && u.Privileges&Premium == 0:
		d.Reason = DeniedPremium
		return d
	case !domestic && u.Privileges&International == 0:
		d.Reason = DeniedPrivilege
		return d
	}
	period := a.periodOf(req.Start) // the month the call is charged to
	left, blocked := a.bundleLeft(period, enforce)
	if blocked {
		d.Reason = DeniedBundleExhausted
		return d
	}
	if domestic && kind == deck.KindTollFree {
		d.Allowed, d.Reason, d.Cover, d.MaxSeconds = true, ReasonTollFree, CoverFree, NoLimit
		return d
	}
	if Coverable(kind) {
		for _, i := range u.pkgs {
			if a.cat.sets[i].has(country) {
				d.Allowed, d.Reason, d.Cover, d.MaxSeconds = true, ReasonPackage, CoverPackage, NoLimit
				d.Package = a.cat.products[i].Code
				return d
			}
		}
	}
	limit := a.callLimit
	tariff := &d.Row.Tariff
	if domestic && u.Plan && Coverable(kind) && a.poolSeconds > 0 {
		if left >= 60 {
			b := int(min(left, int64(limit)))
			if !enforce { // a call that happened uses every minute left
				b = int(min(left, MaxCallSeconds))
			}
			d.Allowed, d.Reason, d.Cover, d.BundleSeconds, d.MaxSeconds = true, ReasonBundle, CoverBundle, b, b
			if (a.settings.Overspend || !enforce) && b < limit {
				d.MaxSeconds = limit
				if enforce && a.settings.Capped {
					// Longest d with Price(d) − Price(b) ≤ avail. A deck
					// tariff always has a price in units for b ≤ the call
					// limit; were it not so, the call stops with the bundle.
					d.MaxSeconds = b
					if pb, ok := tariff.PriceUnits(b); ok {
						budget := decimal.New(a.availUnits(period)+pb, unitExp)
						d.MaxSeconds = max(b, min(limit, tariff.MaxSeconds(budget)))
					}
				}
			}
			return d
		}
		d.Reason = ReasonOverspend // overspend on (step 5 blocked the rest), or a call that happened
	} else {
		if enforce && !a.settings.RateCard {
			d.Reason = DeniedRateCardOff
			return d
		}
		d.Reason = ReasonPAYG
	}
	d.MaxSeconds = limit
	if enforce && a.settings.Capped {
		d.MaxSeconds = min(limit, tariff.MaxSeconds(a.avail(period)))
		if d.MaxSeconds <= 0 {
			d.MaxSeconds = 0
			d.Reason = DeniedCapReached
			return d
		}
	}
	d.Allowed, d.Cover = true, CoverPAYG
	return d
}
