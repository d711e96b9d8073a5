package httpapi

import (
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// The account object's side of quota leases (the isolate's is lease.go).
// The object keeps the account as an account.Ledger: what it leases out is
// held in the account like a reservation, so the object's own decisions
// and every later grant see it as used.
//
//	POST /lease/grant   {"returns": [...]}            → {"lease": {...}, "returned": [...]}
//	POST /lease/renew   {"returns": [the old lease]}  → the same
//	POST /lease/return  {"returns": [...]}            → {"returned": [...]}
//
// A return gives back what a lease still has (lease_id, bundle_seconds,
// money); returning a lease that is closed or gone changes nothing, so an
// isolate may resend returns it is unsure of. The whole body is checked
// against the ledger before anything changes: a malformed body or a return
// of more than a lease holds is core.Invalid and changes nothing.

// maxLeaseReturns bounds the returns of one request.
const maxLeaseReturns = 64

// maxLeaseBackdate is how far before now a lease may be cut for the call
// it is requested for.
const maxLeaseBackdate = 5 * time.Second

// LeaseJSON is a lease on the wire between the object and an isolate.
type LeaseJSON struct {
	ID            string `json:"id"`
	Version       uint64 `json:"version"`
	Cut           string `json:"cut"`     // RFC 3339
	Expires       string `json:"expires"` // RFC 3339
	BundleSeconds int64  `json:"bundle_seconds"`
	Money         string `json:"money"`
	Uncapped      bool   `json:"uncapped"`
	BundleAll     bool   `json:"bundle_all"`
	MoneyAll      bool   `json:"money_all"`
}

func leaseJSON(l account.Lease) LeaseJSON {
	return LeaseJSON{ID: l.ID, Version: l.Version, Cut: l.Cut.UTC().Format(time.RFC3339Nano), Expires: l.Expires.UTC().Format(time.RFC3339Nano),
		BundleSeconds: l.BundleSeconds, Money: l.Money.String(), Uncapped: l.Uncapped, BundleAll: l.BundleAll, MoneyAll: l.MoneyAll}
}

func (j LeaseJSON) lease() (account.Lease, error) {
	cut, err1 := time.Parse(time.RFC3339Nano, j.Cut)
	exp, err2 := time.Parse(time.RFC3339Nano, j.Expires)
	m, err3 := decimal.NewFromString(j.Money)
	if err1 != nil || err2 != nil || err3 != nil {
		return account.Lease{}, core.Errorf(core.Internal, "account object sent a malformed lease")
	}
	return account.Lease{ID: j.ID, Version: j.Version, Cut: cut, Expires: exp, BundleSeconds: j.BundleSeconds, Money: m,
		Uncapped: j.Uncapped, BundleAll: j.BundleAll, MoneyAll: j.MoneyAll}, nil
}

// leaseReturnJSON is what an isolate gives back of a lease: what its side
// of the lease still has, and the credits (creditJSON) it applied to it.
// Credits the object gave but the isolate did not apply (the CDR's answer
// came after the isolate had let go of the lease) are returned too.
type leaseReturnJSON struct {
	LeaseID        string `json:"lease_id"`
	BundleSeconds  int64  `json:"bundle_seconds"`
	Money          string `json:"money"`
	CreditedBundle int64  `json:"credited_bundle_seconds,omitempty"`
	CreditedMoney  string `json:"credited_money,omitempty"`
}

// leaseRequest is the body of the lease routes.
type leaseRequest struct {
	Returns []leaseReturnJSON `json:"returns"`
	// Authorize (grant, renew) is the call the isolate needs the lease
	// for. If the account's quota bounds it, no lease could decide it as
	// the object would: the object decides it (AuthorizeAndReserve) before
	// cutting the lease, and answers the decision with the lease.
	Authorize *AuthorizeRequest `json:"authorize,omitempty"`
}

// leaseResponse answers the lease routes: the new lease (grant, renew),
// the leases the returns closed, and the object's decision on the call
// the request named, if it decided it.
type leaseResponse struct {
	Lease    *LeaseJSON         `json:"lease,omitempty"`
	Returned []string           `json:"returned"`
	Decision *AuthorizeResponse `json:"decision,omitempty"`
}

// unused checks a return's shape.
func (x leaseReturnJSON) unused(i int) (account.Unused, error) {
	field := func(f string) string { return "returns[" + strconv.Itoa(i) + "]." + f }
	if err := checkID(field("lease_id"), x.LeaseID); err != nil {
		return account.Unused{}, err
	}
	if x.BundleSeconds < 0 || x.BundleSeconds > account.MaxCallSeconds*1000 {
		return account.Unused{}, core.FieldErrorf(core.Invalid, field("bundle_seconds"), "must be a non-negative number of seconds")
	}
	m, err := core.ParseMoney(field("money"), x.Money)
	if err != nil || !m.Equal(m.Truncate(core.CallPlaces)) {
		return account.Unused{}, core.FieldErrorf(core.Invalid, field("money"), "must be a non-negative decimal string")
	}
	if x.CreditedBundle < 0 || x.CreditedBundle > account.MaxCallSeconds*1000 {
		return account.Unused{}, core.FieldErrorf(core.Invalid, field("credited_bundle_seconds"), "must be a non-negative number of seconds")
	}
	if x.CreditedMoney != "" {
		if cm, err := core.ParseMoney(field("credited_money"), x.CreditedMoney); err != nil || !cm.Equal(cm.Truncate(core.CallPlaces)) {
			return account.Unused{}, core.FieldErrorf(core.Invalid, field("credited_money"), "must be a non-negative decimal string")
		}
	}
	return account.Unused{BundleSeconds: x.BundleSeconds, Money: m}, nil
}

// credit records a credit the object gave to a lease.
func (oa *objAccount) credit(c account.Credit) {
	t := oa.credited[c.LeaseID]
	if t.Money.IsZero() {
		t.Money = decimal.Zero
	}
	t.BundleSeconds += c.BundleSeconds
	t.Money = t.Money.Add(c.Money)
	oa.credited[c.LeaseID] = t
}

// unapplied is what the object credited to the lease beyond what the
// isolate says it applied (never negative: the object forgets its credits
// when it reloads, and then returns nothing extra).
func (oa *objAccount) unapplied(x leaseReturnJSON) account.Unused {
	t, ok := oa.credited[x.LeaseID]
	if !ok {
		return account.Unused{Money: decimal.Zero}
	}
	am := decimal.Zero
	if x.CreditedMoney != "" {
		am = decimal.RequireFromString(x.CreditedMoney) // checked by unused
	}
	return account.Unused{BundleSeconds: max(t.BundleSeconds-x.CreditedBundle, 0), Money: decimal.Max(t.Money.Sub(am), decimal.Zero)}
}

func (o *Object) lease(w web.ResponseWriter, r *web.Request) error {
	var q leaseRequest
	if err := decodeInternal(r, &q); err != nil {
		return err
	}
	op := r.URL.Path
	if op != "/lease/grant" && len(q.Returns) == 0 {
		return core.FieldErrorf(core.Invalid, "returns", "name the lease to %s", op[len("/lease/"):])
	}
	unused, err := q.unused()
	if err != nil {
		return err
	}
	var call *boundCall
	if q.Authorize != nil && op != "/lease/return" {
		if call, err = o.parseBoundCall(r, *q.Authorize); err != nil {
			return err
		}
	}
	// Leases are cut on whole seconds: a call whose start defaults to the
	// current second is then never before its lease. A lease requested for
	// a call that started a moment ago (a carrier stamps the start before it
	// asks) is cut at that start, so that it can take the call.
	now := o.cfg.Now().UTC().Truncate(time.Second)
	if call != nil && call.start.Before(now) && !call.start.Before(now.Add(-maxLeaseBackdate)) {
		now = call.start.Truncate(time.Second)
	}
	out := leaseResponse{Returned: []string{}}
	var ids []string
	if call != nil {
		ids = []string{call.q.CallID}
	}
	err = o.withCalls(r, ids, func(oa *objAccount) (bool, error) {
		l := oa.ledger
		returned, err := q.apply(oa, unused)
		if err != nil {
			return len(returned) > 0, err
		}
		out.Returned = returned
		if op == "/lease/return" {
			return len(returned) > 0, nil
		}
		if call != nil {
			if out.Decision, err = call.decideIfBound(l.Account()); err != nil {
				return len(returned) > 0, err
			}
		}
		g, err := l.Grant(now)
		if err != nil {
			return len(returned) > 0 || out.Decision != nil, err
		}
		if call != nil && out.Decision == nil && call.leaseBounds(g) {
			// The lease is too small for the call: take it back, decide
			// the call here, and cut the lease from what is left.
			if err := l.Return(g.ID, account.Unused{BundleSeconds: g.BundleSeconds, Money: g.Money}); err != nil {
				return true, core.Errorf(core.Internal, "taking back lease %q: %v", g.ID, err)
			}
			if out.Decision, err = call.decide(l.Account()); err != nil {
				return true, err
			}
			if g, err = l.Grant(now); err != nil {
				return true, err
			}
		}
		lj := leaseJSON(g)
		out.Lease = &lj
		return true, nil
	})
	if err != nil {
		return err
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

// boundCall is the call a lease request names (leaseRequest.Authorize).
type boundCall struct {
	q     AuthorizeRequest
	dir   account.Direction
	start time.Time
	ix    *deck.Index
	// set by decideIfBound:
	d      e164.Dialled
	d0     account.Decision // the account's decision before the lease
	parsed bool
}

func (o *Object) parseBoundCall(r *web.Request, q AuthorizeRequest) (*boundCall, error) {
	if err := q.validate(o.cfg.Now()); err != nil {
		return nil, err
	}
	dir, _ := parseDirection(q.Direction)
	start, _ := time.Parse(time.RFC3339, q.Start)
	ix, _, err := o.cfg.Decks.Current(r.Context())
	if err != nil {
		return nil, err
	}
	return &boundCall{q: q, dir: dir, start: start, ix: ix}, nil
}

// decideIfBound decides the call (AuthorizeAndReserve) if the account's
// free quota bounds it: bundle or budget for less than the call limit, or
// a denial for want of either. It returns nil, and changes nothing, for a
// call a lease may decide.
func (c *boundCall) decideIfBound(a *account.Account) (*AuthorizeResponse, error) {
	d, err := parseCallNumber(c.q.Dialled, a.Settings().Home, c.dir)
	if err != nil {
		return nil, nil // the isolate's copy parsed it; /authorize will answer
	}
	c.d, c.parsed = d, true
	limit := a.Settings().CallLimit
	if limit == 0 {
		limit = account.DefaultCallLimit
	}
	c.d0 = a.Authorize(c.ix, c.req())
	d0 := c.d0
	bound := d0.MaxSeconds < account.NoLimit &&
		(isQuotaDenial(d0.Reason) || d0.Allowed && (d0.MaxSeconds < limit || d0.Cover == account.CoverBundle && d0.BundleSeconds < limit))
	if !bound {
		return nil, nil
	}
	return c.decide(a)
}

func (c *boundCall) req() account.Request {
	return account.Request{CallID: c.q.CallID, User: c.q.User, Dialled: c.d, Direction: c.dir, Start: c.start}
}

// decide is the object's decision on the call (AuthorizeAndReserve).
func (c *boundCall) decide(a *account.Account) (*AuthorizeResponse, error) {
	dec, err := a.AuthorizeAndReserve(c.ix, c.req())
	if err != nil {
		return nil, err
	}
	out := decisionJSON(c.q.CallID, c.d, dec, c.start, c.ix)
	return &out, nil
}

// leaseBounds reports that lease g cannot give the call what the account
// would (checked after decideIfBound left it to a lease): less bundle than
// its bundle part, or less money than its maximum costs.
func (c *boundCall) leaseBounds(g account.Lease) bool {
	d0 := c.d0
	if !c.parsed || !d0.Allowed || d0.MaxSeconds == account.NoLimit {
		return false
	}
	if d0.Cover == account.CoverBundle && int64(d0.BundleSeconds) > g.BundleSeconds {
		return true
	}
	return !g.Uncapped && d0.Quote(d0.MaxSeconds).Cost.GreaterThan(g.Money)
}

// unused checks the returns' shape.
func (q *leaseRequest) unused() ([]account.Unused, error) {
	if len(q.Returns) > maxLeaseReturns {
		return nil, core.FieldErrorf(core.Invalid, "returns", "at most %d returns at a time", maxLeaseReturns)
	}
	unused := make([]account.Unused, len(q.Returns))
	for i, x := range q.Returns {
		u, err := x.unused(i)
		if err != nil {
			return nil, err
		}
		unused[i] = u
	}
	return unused, nil
}

// apply makes the returns, all or nothing: each is checked against the
// ledger before any is made. It returns the ids of the leases it closed.
// To what the isolate returns it adds the credits the isolate did not
// apply (within what the lease holds).
func (q *leaseRequest) apply(oa *objAccount, unused []account.Unused) ([]string, error) {
	l := oa.ledger
	returned := []string{}
	open := map[string]account.LeaseInfo{}
	for _, li := range l.Leases() {
		if li.Open {
			open[li.ID] = li
		}
	}
	// Checked before anything changes: all or nothing.
	seen := map[string]bool{}
	for i, x := range q.Returns {
		li, ok := open[x.LeaseID]
		if seen[x.LeaseID] {
			return nil, core.FieldErrorf(core.Invalid, "returns["+strconv.Itoa(i)+"].lease_id", "lease %q is returned twice", x.LeaseID)
		}
		seen[x.LeaseID] = true
		if ok && (unused[i].BundleSeconds > li.BundleSeconds || unused[i].Money.GreaterThan(li.Money)) {
			return nil, core.FieldErrorf(core.Invalid, "returns["+strconv.Itoa(i)+"]", "lease %q does not hold that much", x.LeaseID)
		}
	}
	for i, x := range q.Returns {
		li, ok := open[x.LeaseID]
		if !ok {
			continue
		}
		u, extra := unused[i], oa.unapplied(x)
		u.BundleSeconds = min(u.BundleSeconds+extra.BundleSeconds, li.BundleSeconds)
		u.Money = decimal.Min(u.Money.Add(extra.Money), li.Money)
		if err := l.Return(x.LeaseID, u); err != nil {
			return returned, core.Errorf(core.Internal, "returning lease %q after checking it: %v", x.LeaseID, err)
		}
		delete(oa.credited, x.LeaseID)
		returned = append(returned, x.LeaseID)
	}
	return returned, nil
}

// objectCDRBatch is a CDR batch as the isolate hands it to the object: the
// carrier's batch plus the terms of the calls the isolate reserved under a
// lease (never accepted from carriers: CDRBatch has no such field).
type objectCDRBatch struct {
	CDRBatch
	Leased []leasedCallJSON `json:"leased,omitempty"`
}

// leasedCallJSON is account.LeasedCall on the wire.
type leasedCallJSON struct {
	LeaseID       string `json:"lease_id"`
	CallID        string `json:"call_id"`
	User          string `json:"user"`
	Digits        string `json:"digits,omitempty"`
	Start         string `json:"start"`
	Cover         int    `json:"cover"`
	Reason        string `json:"reason"`
	Package       string `json:"package,omitempty"`
	BundleSeconds int    `json:"bundle_seconds"`
	MaxSeconds    int    `json:"max_seconds"`
	HoldBundle    int64  `json:"hold_bundle"`
	HoldMoney     string `json:"hold_money"`
}

func leasedCallToJSON(lc account.LeasedCall) leasedCallJSON {
	return leasedCallJSON{LeaseID: lc.LeaseID, CallID: lc.CallID, User: lc.User, Digits: lc.Digits, Start: lc.Start.UTC().Format(time.RFC3339Nano),
		Cover: int(lc.Cover), Reason: string(lc.Reason), Package: lc.Package, BundleSeconds: lc.BundleSeconds, MaxSeconds: lc.MaxSeconds,
		HoldBundle: lc.HoldBundle, HoldMoney: lc.HoldMoney.String()}
}

// leasedCalls returns the leased calls by call id. The core checks their
// terms against the lease they name (an unknown lease, or a hold larger
// than the lease's, moves nothing).
func (b *objectCDRBatch) leasedCalls() (map[string]*account.LeasedCall, error) {
	if len(b.Leased) > MaxCDRBatch {
		return nil, core.FieldErrorf(core.Invalid, "leased", "at most %d leased calls", MaxCDRBatch)
	}
	out := make(map[string]*account.LeasedCall, len(b.Leased))
	for i, x := range b.Leased {
		bad := func(f string) error {
			return core.FieldErrorf(core.Invalid, "leased["+strconv.Itoa(i)+"]."+f, "is malformed")
		}
		start, err := time.Parse(time.RFC3339Nano, x.Start)
		if err != nil {
			return nil, bad("start")
		}
		hm, err := core.ParseMoney("hold_money", x.HoldMoney)
		if err != nil {
			return nil, bad("hold_money")
		}
		if checkID("", x.LeaseID) != nil {
			return nil, bad("lease_id")
		}
		if checkID("", x.CallID) != nil {
			return nil, bad("call_id")
		}
		if x.HoldBundle < 0 || x.BundleSeconds < 0 || x.MaxSeconds < 0 || x.Cover < 0 || x.Cover > 255 {
			return nil, bad("hold_bundle")
		}
		out[x.CallID] = &account.LeasedCall{LeaseID: x.LeaseID, CallID: x.CallID, User: x.User, Digits: x.Digits, Start: start,
			Cover: account.Cover(x.Cover), Reason: account.Reason(x.Reason), Package: x.Package, BundleSeconds: x.BundleSeconds,
			MaxSeconds: x.MaxSeconds, HoldBundle: x.HoldBundle, HoldMoney: hm}
	}
	return out, nil
}

// creditJSON is what a settled leased call gave back to its lease.
type creditJSON struct {
	CallID        string `json:"call_id"`
	LeaseID       string `json:"lease_id"`
	BundleSeconds int64  `json:"bundle_seconds"`
	Money         string `json:"money"`
}

// objectCDRBatchResponse is the object's answer to a CDR batch: the
// carrier's results plus the credits for the isolate (which it strips).
type objectCDRBatchResponse struct {
	CDRBatchResponse
	Credits []creditJSON `json:"credits,omitempty"`
}
