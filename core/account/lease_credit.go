package account

import (
	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// Credits: a call reserved under a lease holds its full quote (up to the
// call limit) until its CDR arrives. Most calls are much shorter, so a lease
// that only ever shrinks would be used up after a few calls. When the CDR
// of a leased call is settled while its lease is still open, what the call
// held but was not charged goes back into that lease instead of into the
// account (Ledger.SettleCDR), and the isolate learns it from the answer and
// puts it back into its side of the lease (LeaseHolder.Credit).
//
// The invariant is unchanged: the credit stays held (by the lease instead
// of the call), so bundle used + held and spent + held are what they were
// before the CDR, or grow by an overrun the account could cover. If the
// isolate never applies a credit (it renewed or returned the lease first),
// the lease holds it until the lease is returned or expires: quota is
// withheld for a while, never given out twice.

// Credit is what a settled leased call gave back to its lease.
type Credit struct {
	LeaseID       string
	BundleSeconds int64
	Money         decimal.Decimal
}

// IsZero reports that nothing was credited.
func (c Credit) IsZero() bool { return c.BundleSeconds == 0 && c.Money.IsZero() }

// SettleCDR is RateCDR that credits the lease: when lc's hold moved from
// an open lease into the call's reservation and the call was charged in
// the lease's month, the part of the hold the charge did not use goes back
// into the lease and is returned as the Credit (zero otherwise).
func (l *Ledger) SettleCDR(rates *deck.Index, c CDR, lc *LeasedCall) (Rating, Credit, error) {
	var r *lease
	if lc != nil && lc.CallID == c.CallID {
		r = l.leases[lc.LeaseID]
	}
	if r == nil {
		rt, err := l.RateCDR(rates, c, lc)
		return rt, Credit{LeaseID: "", Money: decimal.Zero}, err
	}
	b0, m0, seq0 := r.bundle, r.money, l.seq
	rt, err := l.RateCDR(rates, c, lc)
	none := Credit{LeaseID: r.id, Money: decimal.Zero}
	if err != nil || l.seq == seq0 || rt.Duplicate || !r.open || l.leases[r.id] != r {
		return rt, none, err
	}
	a := l.a
	if p := a.periodOf(c.Start); p != r.period || p != a.period {
		return rt, none, nil
	}
	hb, hm := b0-r.bundle, m0-r.money // what moved into the reservation
	cost, _ := toUnits(rt.Cost)
	cb := max(hb-int64(rt.BundleMinutes)*60, 0)
	cm := max(hm-cost, 0)
	if cb == 0 && cm == 0 {
		return rt, none, nil
	}
	r.bundle += cb
	r.money += cm
	a.heldBundle += cb
	a.heldMoney += cm
	l.seq++
	a.refresh()
	return rt, Credit{LeaseID: r.id, BundleSeconds: cb, Money: fromUnits(cm)}, nil
}

// Credit puts back into the lease what Ledger.SettleCDR credited to it for
// the call callID reserved here. It reports false, and changes nothing,
// when the credit is for another lease (the holder renewed since) or for
// more than the calls reserved under this lease consumed.
func (h *LeaseHolder) Credit(callID string, c Credit) (bool, error) {
	m, ok := toUnits(c.Money)
	if !ok || m < 0 || c.BundleSeconds < 0 {
		return false, core.FieldErrorf(core.Invalid, "credit", "a credit is non-negative, money with at most %d decimal places", core.CallPlaces)
	}
	if c.LeaseID != h.lease.ID || c.BundleSeconds > h.hb || m > h.hm {
		return false, nil
	}
	v := h.view
	h.hb -= c.BundleSeconds
	h.hm -= m
	v.heldBundle -= c.BundleSeconds
	v.heldMoney -= m
	delete(v.reservations, callID) // settled: the copy forgets the call
	v.refresh()
	return true, nil
}
