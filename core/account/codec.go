package account

import (
	"cmp"
	"slices"
	"time"

	"github.com/tollgate-voice/tollgate/core"
)

// MaxRated bounds the rated calls an account remembers for idempotency
// (those of the current and the previous month). Past it, the oldest
// month's calls are forgotten first.
const MaxRated = 50_000

// MaxSnapshotBytes bounds the size of a snapshot DecodeSnapshot accepts.
const MaxSnapshotBytes = 32 << 20

// remember records a rated call: in the caller's RatedCalls, or in the
// account, forgetting older ones to stay within MaxRated.
func (a *Account) remember(rc RatedCall) {
	if a.calls != nil {
		a.calls.Remember(rc)
		return
	}
	if len(a.rated) >= MaxRated {
		for k, v := range a.rated {
			if v.period < a.period {
				delete(a.rated, k)
			}
		}
		for k := range a.rated {
			if len(a.rated) < MaxRated*9/10 {
				break
			}
			delete(a.rated, k)
		}
	}
	a.rated[rc.rating.CallID] = rc
}

// forget drops the rated calls the account keeps that are older than the
// previous month.
func (a *Account) forget() {
	for k, v := range a.rated {
		if !a.Remembers(v) {
			delete(a.rated, k)
		}
	}
}

// Snapshot returns the state of the account as a Snapshot. Reservations
// and rated calls are sorted by call id, so equal states encode to equal
// bytes.
func (a *Account) Snapshot() Snapshot {
	s := Snapshot{
		Version: SnapshotVersion, ID: a.id, Currency: a.cat.currency, Home: a.settings.Home,
		Location: a.loc.String(), Overspend: a.settings.Overspend, RateCard: a.settings.RateCard,
		Capped: a.settings.Capped, Cap: a.settings.Cap, Thresholds: slices.Clone(a.settings.Thresholds),
		CallLimit: a.settings.CallLimit, HostedNumbers: a.settings.HostedNumbers, Period: a.period, BundleUsed: a.bundleUsed, PAYGSpent: a.paygSpent,
		PrevBundle: a.prevBundle, PrevPAYG: a.prevPAYG, PAYGSeconds: a.paygSecs, PrevSeconds: a.prevSecs,
	}
	for _, u := range a.users {
		s.Users = append(s.Users, SnapshotUser{ID: u.ID, Name: u.Name, Privileges: uint8(u.Privileges), Plan: u.Plan, Packages: slices.Clone(u.Packages),
			System: string(u.Phone.System), TeamsActive: u.Phone.TeamsActive, SIPPhones: u.Phone.SIPPhones})
	}
	for _, l := range a.lines {
		s.Lines = append(s.Lines, SnapshotLine{Number: l.Number, Product: l.Product, User: l.User, Verified: l.Verified, Start: l.Contract.Start})
	}
	for _, sub := range a.subs {
		s.Subs = append(s.Subs, SnapshotSub(sub))
	}
	for _, d := range a.dues {
		s.Dues = append(s.Dues, SnapshotDue(d))
	}
	for _, r := range a.reservations {
		s.Reservations = append(s.Reservations, SnapshotReservation{CallID: r.CallID, User: r.User, Digits: r.Digits,
			Start: r.Start, Cover: uint8(r.Cover), Reason: string(r.Reason), Package: r.Package,
			BundleSeconds: r.BundleSeconds, MaxSeconds: r.MaxSeconds, HoldBundle: r.HoldBundle, HoldMoney: r.HoldMoney, Expires: r.Expires})
	}
	slices.SortFunc(s.Reservations, func(x, y SnapshotReservation) int { return cmp.Compare(x.CallID, y.CallID) })
	for _, rc := range a.rated {
		s.Rated = append(s.Rated, rc.snapshot())
	}
	slices.SortFunc(s.Rated, func(x, y SnapshotRated) int { return cmp.Compare(x.CallID, y.CallID) })
	return s
}

// EncodeSnapshot encodes the account's state with msgp.
func (a *Account) EncodeSnapshot() ([]byte, error) {
	s := a.Snapshot()
	b, err := s.MarshalMsg(nil)
	if err != nil {
		return nil, core.Errorf(core.Internal, "encoding account snapshot: %v", err)
	}
	return b, nil
}

// DecodeSnapshot decodes and validates an account snapshot from untrusted
// bytes against the catalog: arrays are bounded before anything is
// allocated (msgp limits), then every value is checked as the methods that
// built it would. Errors are core.Invalid.
func DecodeSnapshot(cat *Catalog, b []byte) (*Account, error) {
	if len(b) > MaxSnapshotBytes {
		return nil, core.Errorf(core.Invalid, "account snapshot of %d bytes is over the %d-byte limit", len(b), MaxSnapshotBytes)
	}
	var s Snapshot
	rest, err := s.UnmarshalMsg(b)
	if err != nil {
		return nil, core.Errorf(core.Invalid, "account snapshot is malformed: %v", err)
	}
	if len(rest) != 0 {
		return nil, core.Errorf(core.Invalid, "account snapshot has %d trailing bytes", len(rest))
	}
	return FromSnapshot(cat, s)
}

func snapErr(err error) error {
	return core.Errorf(core.Invalid, "account snapshot: %s", core.ErrorMessage(err))
}

// FromSnapshot rebuilds an account from a Snapshot, validating it.
func FromSnapshot(cat *Catalog, s Snapshot) (*Account, error) {
	bad := func(format string, args ...any) error {
		return core.Errorf(core.Invalid, "account snapshot: "+format, args...)
	}
	if s.Version != SnapshotVersion {
		return nil, bad("version %d, want %d", s.Version, SnapshotVersion)
	}
	if cat == nil || s.Currency != cat.currency {
		return nil, bad("currency %q does not match the catalog", s.Currency)
	}
	loc := time.UTC
	if s.Location != "" && s.Location != "UTC" {
		var err error
		if loc, err = LoadLocation(s.Location); err != nil {
			return nil, bad("unknown time zone %q", s.Location)
		}
	}
	a, err := New(s.ID, cat, Settings{Home: s.Home, Location: loc, Overspend: s.Overspend, RateCard: s.RateCard,
		Capped: s.Capped, Cap: s.Cap, Thresholds: s.Thresholds, CallLimit: s.CallLimit, HostedNumbers: s.HostedNumbers})
	if err != nil {
		return nil, snapErr(err)
	}
	if s.Location == "" || s.Location == "UTC" {
		a.settings.Location = nil
	}
	for _, u := range s.Users {
		phone := Phone{System: PhoneSystem(u.System), TeamsActive: u.TeamsActive, SIPPhones: u.SIPPhones}
		if err := a.AddUser(User{ID: u.ID, Name: u.Name, Privileges: Privileges(u.Privileges), Plan: u.Plan, Packages: u.Packages, Phone: phone}); err != nil {
			return nil, snapErr(err)
		}
	}
	for _, l := range s.Lines {
		line, err := a.addLine(l.Number, l.Product, l.Start, l.Verified, false)
		if err != nil {
			return nil, snapErr(err)
		}
		if line.Number != l.Number {
			return nil, bad("number %q is not canonical", l.Number)
		}
		if l.User != "" {
			if err := a.AssignLine(l.Number, l.User); err != nil {
				return nil, snapErr(err)
			}
		}
	}
	for _, sub := range s.Subs {
		if sub.Quantity <= 0 || slices.ContainsFunc(a.subs, func(x Subscription) bool { return x.Product == sub.Product }) {
			return nil, bad("subscription %q listed twice or with quantity %d", sub.Product, sub.Quantity)
		}
		if err := a.SetQuantity(sub.Product, sub.Quantity); err != nil {
			return nil, snapErr(err)
		}
	}
	if len(s.Dues) > MaxLines {
		return nil, bad("too many dues")
	}
	for _, d := range s.Dues {
		if _, ok := toUnits(d.Amount); !ok || !d.Amount.IsPositive() || d.Code == "" {
			return nil, bad("due %q of %s is invalid", d.Code, d.Amount)
		}
		a.dues = append(a.dues, Due(d))
	}
	const maxCounter = 1 << 50
	if s.Period < 0 || s.Period > 12*10000 {
		return nil, bad("period %d out of range", s.Period)
	}
	for _, v := range []int64{s.BundleUsed, s.PAYGSpent, s.PrevBundle, s.PrevPAYG, s.PAYGSeconds, s.PrevSeconds} {
		if v < 0 || v > maxCounter {
			return nil, bad("usage counter %d out of range", v)
		}
	}
	a.period, a.bundleUsed, a.paygSpent, a.prevBundle, a.prevPAYG = s.Period, s.BundleUsed, s.PAYGSpent, s.PrevBundle, s.PrevPAYG
	a.paygSecs, a.prevSecs = s.PAYGSeconds, s.PrevSeconds
	if len(s.Reservations) > MaxReservations {
		return nil, bad("too many reservations")
	}
	for _, r := range s.Reservations {
		if err := checkCallID(r.CallID); err != nil {
			return nil, snapErr(err)
		}
		if _, dup := a.reservations[r.CallID]; dup {
			return nil, bad("reservation %q listed twice", r.CallID)
		}
		if Cover(r.Cover) == CoverNone || Cover(r.Cover) > CoverPAYG || r.HoldBundle < 0 || r.HoldMoney < 0 ||
			r.HoldBundle > maxCounter || r.HoldMoney > maxCounter || r.MaxSeconds < 0 || r.BundleSeconds < 0 {
			return nil, bad("reservation %q is inconsistent", r.CallID)
		}
		a.reservations[r.CallID] = &reservation{CallID: r.CallID, User: r.User, Digits: r.Digits, Start: r.Start,
			Cover: Cover(r.Cover), Reason: Reason(r.Reason), Package: r.Package, BundleSeconds: r.BundleSeconds,
			MaxSeconds: r.MaxSeconds, HoldBundle: r.HoldBundle, HoldMoney: r.HoldMoney, Expires: r.Expires}
		a.heldBundle += r.HoldBundle
		a.heldMoney += r.HoldMoney
	}
	if len(s.Rated) > MaxRated {
		return nil, bad("too many rated calls")
	}
	for _, r := range s.Rated {
		rc, err := ratedFromSnapshot(r)
		if err != nil {
			return nil, snapErr(err)
		}
		if _, dup := a.rated[r.CallID]; dup {
			return nil, bad("rated call %q listed twice", r.CallID)
		}
		a.rated[r.CallID] = rc
	}
	a.refresh()
	return a, nil
}
