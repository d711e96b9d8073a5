package account

import (
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// LeaseHolder is the isolate's side of a lease: it authorizes calls in
// memory with the same rules as Account.Authorize, evaluated on the
// isolate's copy of the account with the bundle left and the pay-as-you-go
// budget replaced by what the lease still has, and it reserves calls by
// consuming the lease.
//
// Its decisions are the authority's: Authorize answers locally only when
// the lease does not bound the decision (the call gets its full call limit
// of bundle or budget), or when the lease was everything that was free and
// was just granted for this call; else it reports that the lease must be
// renewed, and the isolate asks the authority (Ledger.Renew) and asks the
// holder again. If even the new lease bounds the call, the authority
// decides it itself (Account.AuthorizeAndReserve; its CDR is then rated
// without a LeasedCall). Emergency, essential and inbound calls never need
// a lease. Package calls need none either, except that on an account with
// a pooled bundle and overspend off a lease with less than a minute of
// bundle left blocks them like every other outbound call (Authorize, step
// 5): the bundle is used up as far as the lease knows, so the holder asks to
// renew, and a lease that is everything free decides the block itself.
//
// A LeaseHolder is a plain value owned by one goroutine: it is not safe for
// concurrent use.
type LeaseHolder struct {
	view   *Account // owned: its held counters encode the lease
	lease  Lease
	period int32
	hb, hm int64 // consumed by calls reserved under the lease
	fresh  bool  // no call has been decided from the lease yet
}

// NewLeaseHolder takes ownership of view (the isolate's copy of the account,
// e.g. from DecodeSnapshot; it must not be used elsewhere afterwards) and
// adopts the lease.
func NewLeaseHolder(view *Account, l Lease) (*LeaseHolder, error) {
	if view == nil {
		return nil, core.Errorf(core.Invalid, "no account")
	}
	h := &LeaseHolder{view: view}
	return h, h.Adopt(l)
}

// Adopt replaces the lease (after Ledger.Renew). Calls reserved under the
// previous lease stay charged to it.
func (h *LeaseHolder) Adopt(l Lease) error {
	m, ok := toUnits(l.Money)
	if l.ID == "" || l.Cut.IsZero() || !ok || m < 0 || l.BundleSeconds < 0 {
		return core.FieldErrorf(core.Invalid, "lease", "not a lease")
	}
	v := h.view
	v.roll(l.Cut)
	h.lease, h.period, h.hb, h.hm, h.fresh = l, v.periodOf(l.Cut), 0, 0, true
	clear(v.reservations)
	used, spent := v.used(h.period)
	// left = pool − used − held = lease; budget = cap − spent − held = lease.
	v.heldBundle = v.poolSeconds - used - l.BundleSeconds
	v.heldMoney = v.capUnits - spent - m
	v.refresh()
	return nil
}

// Lease returns the lease held.
func (h *LeaseHolder) Lease() Lease { return h.lease }

// Unused returns what the lease still has (for Ledger.Return or Renew).
func (h *LeaseHolder) Unused() Unused {
	m, _ := toUnits(h.lease.Money)
	if h.lease.Uncapped {
		m = 0 // uncapped: money was neither leased nor limited
	} else {
		m -= h.hm
	}
	return Unused{BundleSeconds: h.lease.BundleSeconds - h.hb, Money: fromUnits(m)}
}

// Authorize decides a call from the lease. renew reports that the lease
// cannot decide it (it is expired, of another month, or bounds the
// decision): the isolate must renew the lease and ask again.
func (h *LeaseHolder) Authorize(rates *deck.Index, req Request) (d Decision, renew bool) {
	v := h.view
	d = v.authorize(rates, req, true)
	if d.MaxSeconds == NoLimit && d.Allowed {
		return d, false // free and package calls: nothing metered
	}
	switch d.Reason {
	case DeniedUnknownUser, DeniedNoLine, DeniedInvalidNumber, DeniedNoRoute, DeniedPrivilege, DeniedPremium, DeniedRateCardOff:
		return d, false // not about quota
	}
	if !req.Start.Before(h.lease.Expires) || v.periodOf(req.Start) != h.period {
		return d, true
	}
	limit := v.callLimit
	bundleBound := d.Reason == DeniedBundleExhausted || d.Reason == ReasonOverspend ||
		(d.Cover == CoverBundle && d.BundleSeconds < limit)
	moneyBound := v.settings.Capped && (d.Reason == DeniedCapReached ||
		(d.Allowed && d.MaxSeconds < limit && (d.Cover == CoverPAYG || v.settings.Overspend)))
	if !bundleBound && !moneyBound {
		return d, false
	}
	// The lease bounds the decision. Only a lease that was everything free
	// and was cut for this very call (no call decided since Adopt) answers
	// as the authority would: since then, CDRs may have freed quota.
	if h.fresh && (!bundleBound || h.lease.BundleAll) && (!moneyBound || h.lease.MoneyAll) {
		h.fresh = false
		return d, false
	}
	return d, true
}

// Reserve records a call Authorize allowed, consuming the lease with what
// Account.Reserve would hold for it. It returns the LeasedCall to send with
// the call's CDR. Reserving a call id twice returns core.Conflict.
func (h *LeaseHolder) Reserve(req Request, d Decision) (LeasedCall, error) {
	v := h.view
	if d.Allowed && d.MaxSeconds == NoLimit {
		// Free and package calls hold nothing: no lease needed.
		if err := checkCallID(req.CallID); err != nil {
			return LeasedCall{}, err
		}
		lc := LeasedCall{LeaseID: h.lease.ID, CallID: req.CallID, User: req.User, Start: req.Start, Cover: d.Cover,
			Reason: d.Reason, Package: d.Package, MaxSeconds: d.MaxSeconds, HoldMoney: fromUnits(0)}
		if d.HasRow() {
			lc.Digits = req.Dialled.Number.Digits()
		}
		return lc, nil
	}
	if !req.Start.Before(h.lease.Expires) || req.Start.Before(h.lease.Cut) || v.periodOf(req.Start) != h.period {
		return LeasedCall{}, core.FieldErrorf(core.Conflict, "lease", "the call does not start within the lease: renew it")
	}
	if _, dup := v.reservations[req.CallID]; dup {
		return LeasedCall{}, core.FieldErrorf(core.Conflict, "call_id", "call %q already reserved", req.CallID)
	}
	if err := v.Reserve(req, d); err != nil {
		return LeasedCall{}, err
	}
	r := v.reservations[req.CallID]
	if r == nil { // already rated in the copy: nothing held
		return LeasedCall{}, core.FieldErrorf(core.Conflict, "call_id", "call %q was already rated", req.CallID)
	}
	h.hb += r.HoldBundle
	h.hm += r.HoldMoney
	h.fresh = false
	return LeasedCall{LeaseID: h.lease.ID, CallID: r.CallID, User: r.User, Digits: r.Digits, Start: r.Start,
		Cover: r.Cover, Reason: r.Reason, Package: r.Package, BundleSeconds: r.BundleSeconds, MaxSeconds: r.MaxSeconds,
		HoldBundle: r.HoldBundle, HoldMoney: fromUnits(r.HoldMoney)}, nil
}

// RenewSoon reports that the lease is running out and should be renewed in
// the background, off any call's path: less than a quarter of its time is
// left, or (unless it was everything free) less than one full call of
// bundle, or less than a quarter of its money.
func (h *LeaseHolder) RenewSoon(now time.Time) bool {
	l := h.lease
	if !now.Before(l.Expires.Add(-l.Expires.Sub(l.Cut) / 4)) {
		return true
	}
	if !l.BundleAll && l.BundleSeconds-h.hb < int64(h.view.callLimit) {
		return true
	}
	m, _ := toUnits(l.Money)
	return !l.Uncapped && !l.MoneyAll && (m-h.hm)*4 < m
}
