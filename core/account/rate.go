package account

import (
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// MaxCallSeconds bounds the duration of a CDR: a week.
const MaxCallSeconds = 7 * 24 * 60 * 60

// CDR is a completed call.
type CDR struct {
	CallID    string
	User      string
	Dialled   e164.Dialled
	Direction Direction
	Start     time.Time
	Seconds   int // billable (answered) duration; 0 for an unanswered call
}

// Rating is what a completed call is charged.
type Rating struct {
	CallID      string
	User        string
	Start       time.Time
	Cover       Cover
	Reason      Reason
	Package     string    // the covering package, if any
	Destination string    // the deck row's destination name, if rated on one
	Country     string    // the destination country, if known
	Kind        deck.Kind // the destination number kind, if known
	// Month is the calendar month whose usage the call was charged to
	// (midnight on the 1st, in the account's zone): the month it started
	// in, or the account's current month for a call that started before
	// the month before it. Zero for a duplicate.
	Month time.Time
	Charge
	// Authorized is false for a call that had no reservation and that
	// Authorize would have denied: it happened, so it is charged, at the
	// rate card where nothing else covers it.
	Authorized bool
	// Duplicate is true when the call id was already rated: the first
	// rating is returned and nothing is charged again.
	Duplicate bool
	// Notices are the notification thresholds this call crossed.
	Notices []Notice
}

// ChargeLine is one line of a rated call, for statements.
type ChargeLine struct {
	Kind     string          // "free", "package", "bundle" or "payg"
	Quantity int             // bundle minutes, or rated seconds
	Unit     string          // "minute" or "second"
	Amount   decimal.Decimal // rounded with core.RoundCall
}

// Lines returns the charge lines of the rating: the covering package at 0,
// the bundle minutes used at 0, and the pay-as-you-go part at its cost.
func (r Rating) Lines() []ChargeLine {
	var out []ChargeLine
	switch r.Cover {
	case CoverFree:
		out = append(out, ChargeLine{"free", r.Seconds, "second", decimal.Zero})
	case CoverPackage:
		out = append(out, ChargeLine{"package", r.Seconds, "second", decimal.Zero})
	}
	if r.BundleMinutes > 0 {
		out = append(out, ChargeLine{"bundle", r.BundleMinutes, "minute", decimal.Zero})
	}
	if r.PAYGSeconds > 0 {
		out = append(out, ChargeLine{"payg", r.PAYGSeconds, "second", r.Cost})
	}
	return out
}

// RatedCall is what an account remembers of a rated call, for RateCDR's
// idempotency: its rating (without Notices and Duplicate) and the month it
// was charged to. An account keeps these records itself (in its snapshot,
// at most MaxRated), or leaves them to the caller (UseRatedCalls), who
// stores each under its call id (Encode, DecodeRatedCall).
type RatedCall struct {
	period int32
	rating Rating
}

// CallID returns the id of the rated call.
func (rc RatedCall) CallID() string { return rc.rating.CallID }

// Rating returns what the call was charged, as RateCDR first answered it
// (without Notices).
func (rc RatedCall) Rating() Rating { return rc.rating }

// RateCDR charges a completed call, idempotently by call id: rating the
// same call again returns the first rating with Duplicate set and charges
// nothing (a different CDR under a used call id is core.Conflict).
//
// A reserved call is charged on the terms it was authorised on, so the
// figure is exactly what Decision.Quote promised for the duration, and its
// reservation is released. A bundle call that outlasts its MaxSeconds (the
// switch released it late) first uses, past its BundleSeconds, the minutes
// still in the pool, like a call without a reservation.
//
// A call without a reservation is classified as Authorize would now,
// without denying or limiting it (it happened): for a duration within what
// Authorize would allow, the charge is the same.
//
// Usage is recorded in the calendar month the call started, and a call is
// classified against that month's bundle and cap (a late CDR of the
// previous month goes to, and is judged by, that month's counters).
//
// The account remembers the call for idempotency itself, or in the
// caller's RatedCalls (UseRatedCalls): then an error of its Rated fails the
// rating, and nothing changes.
//
// Unknown users and numbers with no route cannot be charged: core.NotFound.
// A bad CDR is core.Invalid, and so is the CDR of an unreserved call that
// started before the previous month: rated calls are remembered for
// idempotency for the current and the previous month only (see MaxRated),
// so an older one cannot be told from a duplicate and is refused rather
// than risk charging it twice.
func (a *Account) RateCDR(rates *deck.Index, c CDR) (Rating, error) {
	if err := checkCallID(c.CallID); err != nil {
		return Rating{}, err
	}
	if c.Seconds < 0 || c.Seconds > MaxCallSeconds {
		return Rating{}, core.FieldErrorf(core.Invalid, "seconds", "duration %d s is outside 0..%d", c.Seconds, MaxCallSeconds)
	}
	if c.Start.IsZero() {
		return Rating{}, core.FieldErrorf(core.Invalid, "start", "the call needs a start time")
	}
	prev, ok, err := a.ratedCall(c.CallID)
	if err != nil {
		return Rating{}, err
	}
	if ok {
		if prev.rating.User != c.User || prev.rating.Seconds != c.Seconds || !prev.rating.Start.Equal(c.Start) {
			return Rating{}, core.FieldErrorf(core.Conflict, "call_id", "call %q was already rated with different details", c.CallID)
		}
		r := prev.rating
		r.Duplicate = true
		return r, nil
	}
	req := Request{CallID: c.CallID, User: c.User, Dialled: c.Dialled, Direction: c.Direction, Start: c.Start}
	res, reserved := a.reservations[c.CallID]
	if !reserved && a.periodOf(c.Start) < a.period-1 {
		// Rated calls are remembered for this month and the last only: an
		// older call id cannot be checked, and a resent batch would be
		// charged twice.
		return Rating{}, core.FieldErrorf(core.Invalid, "start", "call %q started before last month: too old to rate (duplicates can no longer be detected)", c.CallID)
	}
	var d Decision
	authorized := true
	if reserved {
		d = a.decisionOf(rates, res)
		if !d.HasRow() && res.Digits != "" {
			return Rating{}, core.FieldErrorf(core.NotFound, "number", "the rate deck no longer routes the reserved call %q", c.CallID)
		}
		if d.Cover == CoverBundle && c.Seconds > d.MaxSeconds && d.BundleSeconds == d.MaxSeconds {
			// The call outlasted its authorised maximum (the switch released
			// it late): as for a call without a reservation, the excess draws
			// on the minutes still in its month's pool before the rate card.
			used, _ := a.used(a.periodOf(c.Start))
			if left := a.poolSeconds - (a.heldBundle - res.HoldBundle) - used - int64(d.BundleSeconds); left > 0 {
				d.BundleSeconds += int(min(left, MaxCallSeconds))
			}
		}
	} else {
		authorized = a.authorize(rates, req, true).Allowed
		d = a.authorize(rates, req, false)
		if !d.Allowed {
			return Rating{}, core.FieldErrorf(core.NotFound, "call", "call %q cannot be rated: %s", c.CallID, d.Reason)
		}
	}
	r := Rating{CallID: c.CallID, User: c.User, Start: c.Start, Cover: d.Cover, Reason: d.Reason,
		Package: d.Package, Charge: d.Quote(c.Seconds), Authorized: authorized}
	if d.HasRow() {
		r.Destination, r.Country, r.Kind = d.Row.Destination, d.Row.Country, d.Row.Kind
	}
	cost, ok := toUnits(r.Cost)
	if !ok {
		return Rating{}, core.FieldErrorf(core.Internal, "cost", "call cost %s is not a whole number of units", r.Cost)
	}

	// Apply: nothing below can fail.
	a.roll(c.Start)
	if reserved {
		a.release(res)
	}
	p := a.periodOf(c.Start)
	bundle, payg, secs := &a.bundleUsed, &a.paygSpent, &a.paygSecs
	if p == a.period-1 {
		bundle, payg, secs = &a.prevBundle, &a.prevPAYG, &a.prevSecs
	} else {
		p = a.period
	}
	r.Month = monthStart(p, a.loc)
	*secs += int64(r.PAYGSeconds)
	b0, m0 := *bundle, *payg
	*bundle += int64(r.BundleMinutes) * 60
	*payg += cost
	th := a.settings.Thresholds
	r.Notices = crossedUnits(r.Notices, MeterBundle, th, a.poolSeconds, b0, *bundle)
	if a.settings.Capped {
		if len(th) == 0 {
			th = defaultCapThresholds
		}
		r.Notices = crossedUnits(r.Notices, MeterCap, th, a.capUnits, m0, *payg)
	}
	stored := r
	stored.Notices = nil
	a.remember(RatedCall{period: p, rating: stored})
	a.refresh()
	return r, nil
}
