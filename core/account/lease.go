package account

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// Quota leasing, as Diameter credit control grants quota: the authority
// (the Durable Object, holding the Account in a Ledger) cuts a Lease of
// bundle seconds and pay-as-you-go money for an edge isolate; the isolate
// authorizes calls from it in memory (LeaseHolder) and asks the authority
// only when the lease cannot cover a call.
//
// What a lease grants is held in the account like a reservation: the
// authority's own Authorize and Reserve count it as used. So the invariant
// of reservations extends to leases: for the month a lease is cut in,
//
//	bundle used + held by reservations + held by leases ≤ pool
//	PAYG spent + held by reservations + held by leases ≤ cap (when capped)
//
// (Ledger.Check verifies it and the bookkeeping behind it).

// DefaultLeaseTTL is how long an isolate may start calls under a lease.
const DefaultLeaseTTL = time.Minute

// MaxLeases bounds the outstanding leases of one account.
const MaxLeases = 1_000

// LeasePolicy sizes grants: a lease gets the larger of (free quota / Isolates)
// and one full call (CallLimit seconds of bundle; MinMoney), never more than
// the Max caps and never more than is free: what is left less reservations
// and other outstanding leases.
type LeasePolicy struct {
	Isolates         int             // expected concurrent isolates (0 means 4)
	MaxBundleSeconds int64           // cap on a bundle grant in seconds (0: none)
	MinMoney         decimal.Decimal // smallest useful money grant (capped accounts)
	MaxMoney         decimal.Decimal // cap on a money grant (zero: none)
	TTL              time.Duration   // 0 means DefaultLeaseTTL
}

// Lease is a grant of quota to an isolate. Calls may start under it until
// Expires, in the calendar month it was cut in.
type Lease struct {
	ID            string
	Version       uint64 // the ledger version it was cut from
	Cut           time.Time
	Expires       time.Time
	BundleSeconds int64           // bundle granted, whole minutes
	Money         decimal.Decimal // pay-as-you-go money granted (capped accounts)
	// Uncapped says pay-as-you-go is not capped: money needs no lease.
	Uncapped bool
	// BundleAll and MoneyAll say the grant is everything that was free when
	// it was cut: the isolate may then decide "bundle used up" or "cap
	// reached" itself instead of asking again.
	BundleAll, MoneyAll bool
}

// Unused is what an isolate gives back: its lease less what the calls it
// reserved under it hold.
type Unused struct {
	BundleSeconds int64
	Money         decimal.Decimal
}

// LeasedCall is a call an isolate reserved under a lease: the terms it was
// authorised on and what it holds. Send it with the call's CDR
// (Ledger.RateCDR) so the authority charges it on those terms.
type LeasedCall struct {
	LeaseID       string
	CallID        string
	User          string
	Digits        string
	Start         time.Time
	Cover         Cover
	Reason        Reason
	Package       string
	BundleSeconds int
	MaxSeconds    int
	HoldBundle    int64 // seconds
	HoldMoney     decimal.Decimal
}

// lease is the authority's record of a lease.
type lease struct {
	id                string
	version           uint64
	period            int32
	cut, expires      time.Time
	holdUntil         time.Time // holds are released then, whatever happened
	open              bool      // the isolate may still start calls under it
	bundle, money     int64     // held now in the account
	granted, grantedM int64
}

// Ledger is the authority over an account's quota: the Account plus its
// outstanding leases. It is what a Durable Object keeps; it is not safe for
// concurrent use (a Durable Object serialises requests).
type Ledger struct {
	a      *Account
	policy LeasePolicy
	leases map[string]*lease
	seq    uint64
}

// NewLedger wraps an account with no leases outstanding. The account's
// own methods stay usable (Authorize and Reserve see leased quota as held),
// but persist the ledger (Ledger.Encode / DecodeLedger), not the account
// alone: Account.Snapshot does not carry the leases, and an account rebuilt
// from it would forget what they hold. Lowering the cap or the pool below
// what is used and held breaks the invariant until leases come back, as it
// does for reservations.
func NewLedger(a *Account, p LeasePolicy) *Ledger {
	return &Ledger{a: a, policy: p, leases: map[string]*lease{}}
}

// Account returns the account the ledger governs.
func (l *Ledger) Account() *Account { return l.a }

// Version counts the ledger's lease operations; a Lease carries the version
// it was cut from.
func (l *Ledger) Version() uint64 { return l.seq }

func (l *Ledger) isolates() int64 {
	if l.policy.Isolates <= 0 {
		return 4
	}
	return int64(l.policy.Isolates)
}

// Grant cuts a new lease at now.
func (l *Ledger) Grant(now time.Time) (Lease, error) {
	if now.IsZero() {
		return Lease{}, core.FieldErrorf(core.Invalid, "now", "a lease needs a time")
	}
	if len(l.leases) >= MaxLeases {
		return Lease{}, core.FieldErrorf(core.Conflict, "lease", "too many outstanding leases")
	}
	a := l.a
	p := a.periodOf(now)
	if p < a.period {
		return Lease{}, core.FieldErrorf(core.Invalid, "now", "cannot lease for a past month")
	}
	a.roll(now)
	share := l.isolates()
	used, spent := a.used(p)
	var gb int64
	free := a.poolSeconds - used - a.heldBundle
	if free > 0 {
		gb = max(free/share, min(free, int64(a.callLimit)))
		if m := l.policy.MaxBundleSeconds; m > 0 {
			gb = min(gb, m)
		}
		gb -= gb % 60
	}
	var gm, freeM int64
	if a.settings.Capped {
		freeM = a.capUnits - spent - a.heldMoney
		if freeM > 0 {
			minM, _ := toUnits(l.policy.MinMoney)
			gm = max(freeM/share, min(freeM, minM))
			if m, ok := toUnits(l.policy.MaxMoney); ok && m > 0 {
				gm = min(gm, m)
			}
		}
	}
	ttl := l.policy.TTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	l.seq++
	r := &lease{id: a.id + "-L" + strconv.FormatUint(l.seq, 10), version: l.seq, period: p, cut: now,
		expires: now.Add(ttl), open: true, bundle: gb, money: gm, granted: gb, grantedM: gm}
	r.holdUntil = r.expires.Add(time.Duration(a.callLimit)*time.Second + ReservationGrace)
	l.leases[r.id] = r
	a.heldBundle += gb
	a.heldMoney += gm
	a.refresh()
	return Lease{ID: r.id, Version: r.version, Cut: now, Expires: r.expires, BundleSeconds: gb,
		Money: fromUnits(gm), Uncapped: !a.settings.Capped, BundleAll: gb >= free, MoneyAll: gm >= freeM}, nil
}

// Return closes a lease: the isolate gives back what its calls did not
// reserve. What they hold stays held until their CDRs arrive (RateCDR) or
// the lease's holds expire. Returning twice, or a lease already expired,
// changes nothing.
func (l *Ledger) Return(id string, u Unused) error {
	r, ok := l.leases[id]
	if !ok || !r.open {
		return nil
	}
	um, ok := toUnits(u.Money)
	if !ok || um < 0 || u.BundleSeconds < 0 {
		return core.FieldErrorf(core.Invalid, "unused", "unused quota must be non-negative, money with at most %d decimal places", core.CallPlaces)
	}
	if u.BundleSeconds > r.bundle || um > r.money {
		return core.FieldErrorf(core.Invalid, "unused", "lease %q does not hold that much", id)
	}
	r.open = false
	r.bundle -= u.BundleSeconds
	r.money -= um
	l.a.heldBundle -= u.BundleSeconds
	l.a.heldMoney -= um
	l.seq++
	l.drop(r)
	l.a.refresh()
	return nil
}

// drop forgets a closed lease that holds nothing.
func (l *Ledger) drop(r *lease) {
	if !r.open && r.bundle == 0 && r.money == 0 {
		delete(l.leases, r.id)
	}
}

// Renew returns a lease and cuts a new one, atomically: if the new grant
// fails, the old lease is untouched.
func (l *Ledger) Renew(now time.Time, id string, u Unused) (Lease, error) {
	if len(l.leases) >= MaxLeases {
		return Lease{}, core.FieldErrorf(core.Conflict, "lease", "too many outstanding leases")
	}
	if now.IsZero() || l.a.periodOf(now) < l.a.period {
		return Lease{}, core.FieldErrorf(core.Invalid, "now", "a lease needs a time in the current month or later")
	}
	if err := l.Return(id, u); err != nil {
		return Lease{}, err
	}
	return l.Grant(now)
}

// Expire releases what leases hold once they can no longer have calls in
// progress (expiry + call limit + ReservationGrace), and expires the
// account's reservations (Account.Expire). It returns the lease ids
// released, sorted. A CDR of a call reserved under a released lease is
// still rated (as a call without reservation).
func (l *Ledger) Expire(now time.Time) []string {
	var ids []string
	for id, r := range l.leases {
		if !now.Before(r.holdUntil) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		r := l.leases[id]
		l.a.heldBundle -= r.bundle
		l.a.heldMoney -= r.money
		delete(l.leases, id)
	}
	if len(ids) > 0 {
		l.seq++
		l.a.refresh()
	}
	l.a.Expire(now)
	return ids
}

// RateCDR rates a completed call. For a call reserved under a lease (lc
// not nil), the call's hold moves from the lease into a reservation on the
// terms the isolate authorised, which Account.RateCDR then charges (the
// actual charge is taken from the account) and releases. It is idempotent
// by call id like Account.RateCDR. Without lc, or when the lease is gone,
// it is Account.RateCDR.
func (l *Ledger) RateCDR(rates *deck.Index, c CDR, lc *LeasedCall) (Rating, error) {
	a := l.a
	if lc != nil && lc.CallID == c.CallID {
		_, rated, err := a.ratedCall(c.CallID)
		if err != nil {
			return Rating{}, err
		}
		_, reserved := a.reservations[c.CallID]
		hm, _ := toUnits(lc.HoldMoney)
		if r, ok := l.leases[lc.LeaseID]; ok && (lc.HoldBundle > 0 || hm > 0) && !rated && !reserved && checkCallID(c.CallID) == nil &&
			len(a.reservations) < MaxReservations && lc.Cover >= CoverFree && lc.Cover <= CoverPAYG {
			hb := min(max(lc.HoldBundle, 0), r.bundle)
			hm = min(max(hm, 0), r.money)
			res := &reservation{CallID: c.CallID, User: lc.User, Digits: lc.Digits, Start: lc.Start, Cover: lc.Cover,
				Reason: lc.Reason, Package: lc.Package, BundleSeconds: lc.BundleSeconds, MaxSeconds: lc.MaxSeconds,
				HoldBundle: hb, HoldMoney: hm,
				Expires: lc.Start.Add(time.Duration(lc.MaxSeconds)*time.Second + ReservationGrace)}
			r.bundle -= hb
			r.money -= hm
			a.reservations[c.CallID] = res // the hold moves: a.held* unchanged
			l.seq++
			l.drop(r)
		}
	}
	return a.RateCDR(rates, c)
}

// LeaseInfo describes an outstanding lease.
type LeaseInfo struct {
	ID            string
	Open          bool
	Expires       time.Time
	HoldUntil     time.Time
	BundleSeconds int64
	Money         decimal.Decimal
}

// Leases returns the outstanding leases, sorted by id.
func (l *Ledger) Leases() []LeaseInfo {
	out := make([]LeaseInfo, 0, len(l.leases))
	for _, r := range l.leases {
		out = append(out, LeaseInfo{ID: r.id, Open: r.open, Expires: r.expires, HoldUntil: r.holdUntil,
			BundleSeconds: r.bundle, Money: fromUnits(r.money)})
	}
	slices.SortFunc(out, func(x, y LeaseInfo) int { return cmp.Compare(x.ID, y.ID) })
	return out
}

// Check verifies the ledger's invariants: the account's held amounts are
// exactly what reservations and leases hold, and, for the current month,
// used + held never exceeds the pool nor spent + held the cap.
func (l *Ledger) Check() error {
	a := l.a
	var hb, hm int64
	for _, r := range a.reservations {
		hb += r.HoldBundle
		hm += r.HoldMoney
	}
	for _, r := range l.leases {
		if r.bundle < 0 || r.money < 0 {
			return core.Errorf(core.Internal, "lease %s holds a negative amount", r.id)
		}
		hb += r.bundle
		hm += r.money
	}
	if hb != a.heldBundle || hm != a.heldMoney {
		return core.Errorf(core.Internal, "held %d s / %d units, but reservations and leases hold %d s / %d units",
			a.heldBundle, a.heldMoney, hb, hm)
	}
	if a.bundleUsed+a.heldBundle > max(a.poolSeconds, a.bundleUsed) {
		return core.Errorf(core.Internal, "bundle over-committed: used %d + held %d > pool %d s", a.bundleUsed, a.heldBundle, a.poolSeconds)
	}
	if a.settings.Capped && a.paygSpent+a.heldMoney > max(a.capUnits, a.paygSpent) {
		return core.Errorf(core.Internal, "cap over-committed: spent %d + held %d > cap %d units", a.paygSpent, a.heldMoney, a.capUnits)
	}
	return nil
}

// Snapshot returns the account's snapshot with the outstanding leases.
func (l *Ledger) Snapshot() Snapshot {
	s := l.a.Snapshot()
	s.LeaseSeq = l.seq
	for _, r := range l.leases {
		s.Leases = append(s.Leases, SnapshotLease{ID: r.id, Version: r.version, Period: r.period, Cut: r.cut,
			Expires: r.expires, HoldUntil: r.holdUntil, Open: r.open, Bundle: r.bundle, Money: r.money,
			Granted: r.granted, GrantedM: r.grantedM})
	}
	slices.SortFunc(s.Leases, func(x, y SnapshotLease) int { return cmp.Compare(x.ID, y.ID) })
	return s
}

// Encode encodes Snapshot with msgp.
func (l *Ledger) Encode() ([]byte, error) {
	s := l.Snapshot()
	return s.MarshalMsg(nil)
}

// LedgerFromSnapshot rebuilds a ledger: the account (FromSnapshot) and its
// leases, whose holds count again as held.
func LedgerFromSnapshot(cat *Catalog, s Snapshot, p LeasePolicy) (*Ledger, error) {
	a, err := FromSnapshot(cat, s)
	if err != nil {
		return nil, err
	}
	if len(s.Leases) > MaxLeases {
		return nil, core.Errorf(core.Invalid, "snapshot: too many leases")
	}
	l := NewLedger(a, p)
	l.seq = s.LeaseSeq
	const maxCounter = 1 << 50
	for _, x := range s.Leases {
		if x.ID == "" || len(x.ID) > 128 || x.Bundle < 0 || x.Money < 0 || x.Bundle > maxCounter || x.Money > maxCounter ||
			x.Bundle > x.Granted || x.Money > x.GrantedM || x.Version > s.LeaseSeq {
			return nil, core.Errorf(core.Invalid, "snapshot: lease %q is inconsistent", x.ID)
		}
		if _, dup := l.leases[x.ID]; dup {
			return nil, core.Errorf(core.Invalid, "snapshot: lease %q listed twice", x.ID)
		}
		l.leases[x.ID] = &lease{id: x.ID, version: x.Version, period: x.Period, cut: x.Cut, expires: x.Expires,
			holdUntil: x.HoldUntil, open: x.Open, bundle: x.Bundle, money: x.Money, granted: x.Granted, grantedM: x.GrantedM}
		a.heldBundle += x.Bundle
		a.heldMoney += x.Money
	}
	a.refresh()
	return l, nil
}

// DecodeLedger decodes what Ledger.Encode wrote.
func DecodeLedger(cat *Catalog, b []byte, p LeasePolicy) (*Ledger, error) {
	var s Snapshot
	rest, err := s.UnmarshalMsg(b)
	if err != nil || len(rest) != 0 {
		return nil, core.Errorf(core.Invalid, "snapshot: not a valid ledger snapshot")
	}
	return LedgerFromSnapshot(cat, s, p)
}
