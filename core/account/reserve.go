package account

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// ReservationGrace is how long after its latest possible end a reservation
// is kept waiting for its CDR before Expire releases it.
const ReservationGrace = 5 * time.Minute

// unmeteredTTL is how long the reservation of a call without a time limit
// (emergency, inbound, package) is kept; it holds nothing.
const unmeteredTTL = 24 * time.Hour

// MaxReservations bounds the calls in progress of one account.
const MaxReservations = 10_000

// reservation is a call in progress: the terms it was authorised on and
// what it holds of the bundle and the pay-as-you-go budget.
type reservation struct {
	CallID        string
	User          string
	Digits        string // the dialled number's digits, "" for free calls
	Start         time.Time
	Cover         Cover
	Reason        Reason
	Package       string
	BundleSeconds int
	MaxSeconds    int
	HoldBundle    int64 // seconds
	HoldMoney     int64 // money units
	Expires       time.Time
}

// Reservation describes a call in progress.
type Reservation struct {
	CallID            string
	User              string
	Start             time.Time
	Cover             Cover
	Reason            Reason
	MaxSeconds        int
	HeldBundleMinutes int
	HeldMoney         decimal.Decimal
	Expires           time.Time
}

func checkCallID(id string) error {
	if id == "" || len(id) > 128 {
		return core.FieldErrorf(core.Invalid, "call_id", "call id must be 1 to 128 bytes")
	}
	return nil
}

// Reserve records an allowed call as in progress, holding what its
// decision may consume: the bundle seconds it may use and the price of its
// maximum duration at the rate card. Held amounts count as used for the
// following authorizations, so concurrent calls cannot together exceed the
// bundle or the cap. Call Reserve right after Authorize on the same state
// (AuthorizeAndReserve does both): if what the decision holds no longer fits
// (another call was reserved in between), Reserve fails with core.Conflict. It is idempotent by call id: reserving
// a call already reserved or already rated changes nothing (an account
// that leaves its rated calls to RatedCalls fails with its error, if it
// cannot look the call up).
func (a *Account) Reserve(req Request, d Decision) error {
	if err := checkCallID(req.CallID); err != nil {
		return err
	}
	if !d.Allowed {
		return core.FieldErrorf(core.Invalid, "decision", "the call was denied (%s): nothing to reserve", d.Reason)
	}
	if _, ok := a.reservations[req.CallID]; ok {
		return nil
	}
	if _, ok, err := a.ratedCall(req.CallID); err != nil || ok {
		return err
	}
	if len(a.reservations) >= MaxReservations {
		return core.FieldErrorf(core.Conflict, "call_id", "too many calls in progress")
	}
	if req.Start.IsZero() {
		return core.FieldErrorf(core.Invalid, "start", "the call needs a start time")
	}
	r := &reservation{CallID: req.CallID, User: req.User, Start: req.Start, Cover: d.Cover, Reason: d.Reason,
		Package: d.Package, BundleSeconds: d.BundleSeconds, MaxSeconds: d.MaxSeconds}
	if d.HasRow() && (d.Cover == CoverBundle || d.Cover == CoverPAYG) {
		r.Digits = req.Dialled.Number.Digits()
		r.HoldBundle = int64(d.BundleSeconds)
		if d.MaxSeconds > d.BundleSeconds {
			r.HoldMoney, _ = toUnits(d.Quote(d.MaxSeconds).Cost)
		}
	}
	if r.HoldBundle > 0 || r.HoldMoney > 0 {
		period := a.periodOf(req.Start)
		used, _ := a.used(period)
		left := a.poolSeconds - a.heldBundle - used
		if r.HoldBundle > left || (a.settings.Capped && r.HoldMoney > a.availUnits(period)) {
			return core.FieldErrorf(core.Conflict, "decision", "the account changed since the call was authorised: authorise it again")
		}
	}
	if d.MaxSeconds < NoLimit {
		r.Expires = req.Start.Add(time.Duration(d.MaxSeconds)*time.Second + ReservationGrace)
	} else {
		r.Expires = req.Start.Add(unmeteredTTL)
	}
	a.roll(req.Start)
	a.reservations[req.CallID] = r
	a.heldBundle += r.HoldBundle
	a.heldMoney += r.HoldMoney
	a.refresh()
	return nil
}

// AuthorizeAndReserve authorizes a call and, if it is allowed, reserves it.
// For a call id already reserved it returns the decision reserved then.
func (a *Account) AuthorizeAndReserve(rates *deck.Index, req Request) (Decision, error) {
	if r, ok := a.reservations[req.CallID]; ok {
		return a.decisionOf(rates, r), nil
	}
	d := a.Authorize(rates, req)
	if !d.Allowed {
		return d, nil
	}
	return d, a.Reserve(req, d)
}

// decisionOf rebuilds the decision a reservation was made on.
func (a *Account) decisionOf(rates *deck.Index, r *reservation) Decision {
	d := Decision{Allowed: true, Reason: r.Reason, Cover: r.Cover, MaxSeconds: r.MaxSeconds,
		Package: r.Package, BundleSeconds: r.BundleSeconds}
	if r.Digits != "" {
		d.Row, _ = rates.Lookup(r.Digits, r.Start)
	}
	return d
}

// Settle releases the reservation of a call (RateCDR does it when the CDR
// arrives). It reports whether there was one; settling twice is harmless.
func (a *Account) Settle(callID string) bool {
	r, ok := a.reservations[callID]
	if !ok {
		return false
	}
	a.release(r)
	a.refresh()
	return true
}

func (a *Account) release(r *reservation) {
	delete(a.reservations, r.CallID)
	a.heldBundle -= r.HoldBundle
	a.heldMoney -= r.HoldMoney
}

// Expire releases the reservations of calls that must have ended by now
// (start + max duration + ReservationGrace; a day for calls without a
// limit) and returns their call ids, sorted. A CDR arriving later is still
// rated.
func (a *Account) Expire(now time.Time) []string {
	var ids []string
	for id, r := range a.reservations {
		if !now.Before(r.Expires) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		a.release(a.reservations[id])
	}
	if len(ids) > 0 {
		a.refresh()
	}
	return ids
}

// Reservations returns the calls in progress, sorted by call id.
func (a *Account) Reservations() []Reservation {
	out := make([]Reservation, 0, len(a.reservations))
	for _, r := range a.reservations {
		out = append(out, Reservation{CallID: r.CallID, User: r.User, Start: r.Start, Cover: r.Cover,
			Reason: r.Reason, MaxSeconds: r.MaxSeconds, HeldBundleMinutes: int(r.HoldBundle / 60),
			HeldMoney: fromUnits(r.HoldMoney), Expires: r.Expires})
	}
	slices.SortFunc(out, func(x, y Reservation) int {
		if x.CallID < y.CallID {
			return -1
		}
		if x.CallID > y.CallID {
			return 1
		}
		return 0
	})
	return out
}
