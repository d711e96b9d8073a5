package account

import (
	"cmp"
	"slices"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// Rated calls outside the account: by default an account remembers every
// call it rated this month and last (for RateCDR's idempotency) in its own
// state, so its snapshot grows with the month's calls. A store that writes
// the account on every CDR wants the opposite: the account's state of a
// fixed size, plus one record per rated call, read only when a CDR under
// that call id arrives. UseRatedCalls hands the records to such a store.

// RatedCalls keeps the records of an account's rated calls by call id, for
// an account that does not keep them itself (UseRatedCalls).
type RatedCalls interface {
	// Rated returns the record of the call, and whether the call was
	// rated. An error (say, the record was not read from storage) makes
	// RateCDR, Ledger.RateCDR and Reserve fail before they change anything.
	Rated(callID string) (RatedCall, bool, error)
	// Remember keeps the record of a call RateCDR has just charged,
	// replacing any record of that call id (only one the account no longer
	// Remembers can exist). The charge is in the account and the record
	// here: persist both together, or neither.
	Remember(RatedCall)
}

// UseRatedCalls makes rc keep the account's rated calls from now on
// (RateCDR looks calls up in it and remembers them there), instead of the
// account: its snapshots then carry no rated calls, and their size no
// longer grows with the month's calls. It returns the records the account
// kept until now, sorted by call id, and forgets them: the caller stores
// them where rc will find them. Records rc holds are no longer bounded by
// MaxRated; the caller deletes those the account no longer Remembers.
// UseRatedCalls(nil) makes the account keep its rated calls again,
// starting with none.
func (a *Account) UseRatedCalls(rc RatedCalls) []RatedCall {
	out := make([]RatedCall, 0, len(a.rated))
	for _, r := range a.rated {
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y RatedCall) int { return cmp.Compare(x.CallID(), y.CallID()) })
	a.rated = map[string]RatedCall{}
	a.calls = rc
	return out
}

// Remembers reports whether the account still needs the record of a rated
// call: whether the call was charged to the current month, the previous
// one or a later one. Older records may be deleted: a CDR that old is
// refused unless it was reserved (see RateCDR), so it cannot be charged
// twice.
func (a *Account) Remembers(rc RatedCall) bool { return rc.period >= a.period-1 }

// Month returns the calendar month the account's usage counters are in
// (midnight on the 1st in its zone): the month of the latest call, lease
// or usage it recorded. Records of rated calls the account no longer
// Remembers change only when it changes.
func (a *Account) Month() time.Time { return monthStart(a.period, a.loc) }

// ratedCall looks a call up among the rated calls. A record the account
// no longer Remembers is not seen, whether or not the caller deleted it
// yet: the account answers as one that keeps its rated calls itself.
func (a *Account) ratedCall(id string) (RatedCall, bool, error) {
	if a.calls != nil {
		rc, ok, err := a.calls.Rated(id)
		if err != nil || !ok || !a.Remembers(rc) {
			return RatedCall{}, false, err
		}
		return rc, true, nil
	}
	rc, ok := a.rated[id]
	return rc, ok, nil
}

func (rc RatedCall) snapshot() SnapshotRated {
	r := rc.rating
	return SnapshotRated{Period: rc.period, CallID: r.CallID, User: r.User, Start: r.Start,
		Cover: uint8(r.Cover), Reason: string(r.Reason), Package: r.Package, Destination: r.Destination,
		Country: r.Country, Kind: uint8(r.Kind), Seconds: r.Seconds, BundleMinutes: r.BundleMinutes,
		PAYGSeconds: r.PAYGSeconds, Cost: r.Cost, Authorized: r.Authorized}
}

// ratedFromSnapshot validates a rated call read from outside.
func ratedFromSnapshot(r SnapshotRated) (RatedCall, error) {
	if err := checkCallID(r.CallID); err != nil {
		return RatedCall{}, err
	}
	if _, ok := toUnits(r.Cost); !ok || r.Cost.IsNegative() || Cover(r.Cover) > CoverPAYG || r.Period < 0 || r.Period > 12*10000 ||
		!deck.Kind(r.Kind).IsValid() || r.Seconds < 0 || r.BundleMinutes < 0 || r.PAYGSeconds < 0 {
		return RatedCall{}, core.Errorf(core.Invalid, "rated call %q is inconsistent", r.CallID)
	}
	return RatedCall{period: r.Period, rating: Rating{CallID: r.CallID, User: r.User, Start: r.Start,
		Cover: Cover(r.Cover), Reason: Reason(r.Reason), Package: r.Package, Destination: r.Destination,
		Country: r.Country, Kind: deck.Kind(r.Kind), Authorized: r.Authorized,
		Charge: Charge{Seconds: r.Seconds, BundleMinutes: r.BundleMinutes, PAYGSeconds: r.PAYGSeconds, Cost: r.Cost}}}, nil
}

// maxRatedBytes bounds an encoded rated call DecodeRatedCall accepts.
const maxRatedBytes = 4 << 10

// Encode encodes the record with msgp (a SnapshotRated: about 150 bytes).
func (rc RatedCall) Encode() ([]byte, error) {
	s := rc.snapshot()
	b, err := s.MarshalMsg(nil)
	if err != nil {
		return nil, core.Errorf(core.Internal, "encoding rated call: %v", err)
	}
	return b, nil
}

// DecodeRatedCall decodes and validates a record Encode wrote, from
// untrusted bytes. Errors are core.Invalid.
func DecodeRatedCall(b []byte) (RatedCall, error) {
	if len(b) > maxRatedBytes {
		return RatedCall{}, core.Errorf(core.Invalid, "rated call of %d bytes is over the %d-byte limit", len(b), maxRatedBytes)
	}
	var s SnapshotRated
	rest, err := s.UnmarshalMsg(b)
	if err != nil {
		return RatedCall{}, core.Errorf(core.Invalid, "rated call is malformed: %v", err)
	}
	if len(rest) != 0 {
		return RatedCall{}, core.Errorf(core.Invalid, "rated call has %d trailing bytes", len(rest))
	}
	rc, err := ratedFromSnapshot(s)
	if err != nil {
		return RatedCall{}, core.Errorf(core.Invalid, "rated call: %s", core.ErrorMessage(err))
	}
	return rc, nil
}
