package httpapi

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// Quota leases, the isolate's side (the object's is lease_object.go). The
// isolate holds leases per account (account.LeaseHolder; usually one, a
// few after concurrent renewals) and authorizes metered calls (bundle
// minutes, capped pay-as-you-go money) from them in memory. It asks the
// account's Durable Object only for a new lease: when no lease it holds
// can decide a call (none does, each bounds the call or expired, or its
// copy of the account's settings is older than replicaTTL). A renewal
// returns every lease the account holds here and gets one new one, so
// leases cut for concurrent requests are consolidated again. Leases the
// isolate lets go of otherwise (portal writes, the pool is full) are
// returned with the account's next lease request, or by the cron once
// they expired.
//
// The calls reserved under a lease are remembered until their CDR comes
// through this isolate, which sends their terms (account.LeasedCall) with
// the CDR: the object charges them exactly as quoted, and credits what they
// held but did not use back to the lease (account.Ledger.SettleCDR), which
// this isolate then adds back to its side (LeaseHolder.Credit). A CDR that
// reaches another isolate is rated by the object as a call without
// reservation; its hold stays in the lease until the lease is returned or
// expires.
//
// Concurrency (worker/glue): no lock is held across I/O. A request that
// needs a new lease takes the leases out of the slot (so no other request
// consumes a lease being returned), asks the object, and adds the new one;
// requests meanwhile ask for their own lease.

const (
	// maxLeaseSlots bounds the accounts an isolate holds leases for.
	maxLeaseSlots = 1000
	// maxLeasedCalls bounds the calls remembered per account.
	maxLeasedCalls = 10000
	// maxHeldLeases bounds the leases held per account.
	maxHeldLeases = 8
)

// leaseTable is the isolate's leases, by tenant.
type leaseTable struct {
	mu sync.Mutex
	m  map[string]*leaseSlot
}

// leaseSlot is one account's leases in this isolate.
type leaseSlot struct {
	mu      sync.Mutex
	held    []*heldLease // empty: none, or being renewed
	calls   map[string]leasedEntry
	returns []leaseReturnJSON // dropped leases, to return with the next lease request
}

// heldLease is a lease the isolate holds.
type heldLease struct {
	h       *account.LeaseHolder
	viewAt  time.Time      // when h's copy of the account was read
	applied account.Unused // the credits applied to it
}

func newHeldLease(h *account.LeaseHolder, viewAt time.Time) *heldLease {
	return &heldLease{h: h, viewAt: viewAt, applied: account.Unused{Money: decimal.Zero}}
}

// release is the return of what e still has.
func (e *heldLease) release() leaseReturnJSON {
	u := e.h.Unused()
	return leaseReturnJSON{LeaseID: e.h.Lease().ID, BundleSeconds: u.BundleSeconds, Money: u.Money.String(),
		CreditedBundle: e.applied.BundleSeconds, CreditedMoney: e.applied.Money.String()}
}

// leasedEntry is a call reserved under a lease here: its terms for the
// CDR, and the decision to repeat if the carrier asks again.
type leasedEntry struct {
	lc  account.LeasedCall
	out AuthorizeResponse
}

func newLeaseTable() *leaseTable { return &leaseTable{m: map[string]*leaseSlot{}} }

// slot returns the tenant's slot, creating it if create.
func (t *leaseTable) slot(tenant string, create bool) *leaseSlot {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.m[tenant]
	if s == nil && create {
		if len(t.m) >= maxLeaseSlots {
			// Crude but bounded: forget one account's lease. What it holds
			// lapses in the object when it expires.
			for k := range t.m {
				delete(t.m, k)
				break
			}
		}
		s = &leaseSlot{calls: map[string]leasedEntry{}}
		t.m[tenant] = s
	}
	return s
}

// drop forgets the tenant's leases (after a portal write: their copy of the
// account is stale); what they have is returned with the next lease
// request.
func (t *leaseTable) drop(tenant string) {
	s := t.slot(tenant, false)
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.takeAll()
}

// takeAll removes the leases and queues their returns. Called with s.mu.
func (s *leaseSlot) takeAll() {
	for _, e := range s.held {
		s.returns = append(s.returns, e.release())
	}
	s.held = nil
}

// remember records a call reserved under a lease, if there is room (else
// its CDR is rated without its terms, which only delays the lease's hold).
// Called with s.mu.
func (s *leaseSlot) remember(lc account.LeasedCall, out AuthorizeResponse, now time.Time) {
	if len(s.calls) >= maxLeasedCalls {
		for id, e := range s.calls {
			if now.After(e.lc.Start.Add(time.Duration(e.lc.MaxSeconds)*time.Second + account.ReservationGrace)) {
				delete(s.calls, id)
			}
		}
		if len(s.calls) >= maxLeasedCalls {
			return
		}
	}
	s.calls[lc.CallID] = leasedEntry{lc, out}
}

// decide answers req from the slot's leases. done: out is the answer;
// renew: a new lease is needed; neither: the object must decide (a call
// starting before the leases, a call id a lease cannot reserve).
// Called with s.mu.
func (s *leaseSlot) decide(ix *deck.Index, req account.Request, d e164.Dialled, now time.Time) (out AuthorizeResponse, done, renew bool) {
	if len(s.held) == 0 {
		return out, false, true
	}
	for _, e := range s.held {
		o, ok, rn := e.decide(s, ix, req, d, now)
		if ok {
			return o, true, false
		}
		renew = renew || rn
	}
	return out, false, renew
}

// decide is leaseSlot.decide on one lease.
func (e *heldLease) decide(s *leaseSlot, ix *deck.Index, req account.Request, d e164.Dialled, now time.Time) (out AuthorizeResponse, done, renew bool) {
	h := e.h
	if now.Sub(e.viewAt) >= replicaTTL {
		return out, false, true
	}
	if req.Start.Before(h.Lease().Cut) {
		return out, false, false
	}
	dec, renew := h.Authorize(ix, req)
	if renew {
		return out, false, true
	}
	out = decisionJSON(req.CallID, d, dec, req.Start, ix)
	if !dec.Allowed || dec.MaxSeconds == account.NoLimit {
		return out, true, false // a denial, or a call that holds nothing
	}
	lc, err := h.Reserve(req, dec)
	if err != nil {
		return out, false, false
	}
	s.remember(lc, out, now)
	return out, true, false
}

// authorizeLeased decides a metered call from the account's lease in this
// isolate, asking the object for a new lease if needed. ok=false leaves the
// decision to the object (AuthorizeAndReserve); roundTrip says the object
// was asked for a lease.
func (s *Server) authorizeLeased(ctx context.Context, q AuthorizeRequest, v replicaDecision) (out AuthorizeResponse, roundTrip, ok bool) {
	if !s.cfg.Leases || s.cfg.Accounts == nil || v.rep.snap == nil {
		return out, false, false
	}
	ix, req, d, start := v.ix, v.req, v.req.Dialled, v.req.Start
	// Only calls that would hold quota are worth a lease; the object
	// decides the others (denials on the account's current state).
	metered := v.dec.MaxSeconds < account.NoLimit && (v.dec.Allowed || isQuotaDenial(v.dec.Reason)) ||
		v.dec.Allowed && v.blockable
	slot := s.leases.slot(q.Tenant, true)
	now := s.now()

	slot.mu.Lock()
	if e, dup := slot.calls[q.CallID]; dup {
		slot.mu.Unlock()
		return e.out, false, true // the same call again: its reserved decision
	}
	out, done, renew := slot.decide(ix, req, d, now)
	// A new lease cannot take a call that started well before it is cut
	// (lease_object.go): the object decides it.
	backdated := start.Before(now.UTC().Truncate(time.Second).Add(-maxLeaseBackdate))
	if done || !renew || !metered || backdated {
		slot.mu.Unlock()
		return out, false, done
	}
	slot.takeAll()
	returns := slot.returns
	slot.returns = nil
	slot.mu.Unlock()

	// No lock held from here: ask the object for a lease (and to decide
	// the call itself if the account's quota bounds it).
	h, viewAt, decided, err := s.grantLease(ctx, q, v.rep.snap, returns)
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if err != nil {
		// The returns may not have been made: send them again next time
		// (returning a closed lease changes nothing).
		slot.returns = append(slot.returns, returns...)
		return out, true, false
	}
	e := newHeldLease(h, viewAt)
	if decided != nil {
		out, done = *decided, true
	} else {
		out, done, _ = e.decide(slot, ix, req, d, now)
	}
	if len(slot.held) < maxHeldLeases {
		slot.held = append(slot.held, e)
	} else {
		slot.returns = append(slot.returns, e.release())
	}
	return out, true, done
}

// isQuotaDenial reports a denial a lease may decide (and a fresh lease may
// lift).
func isQuotaDenial(r account.Reason) bool {
	return r == account.DeniedBundleExhausted || r == account.DeniedCapReached
}

// grantLease asks the object for a lease for call q, returning what
// returns lists, and makes a holder of it on a fresh copy of the account
// (decoded from snap, the replica's bytes). decided is the object's
// decision on q if it made it.
func (s *Server) grantLease(ctx context.Context, q AuthorizeRequest, snap []byte, returns []leaseReturnJSON) (h *account.LeaseHolder, at time.Time, decided *AuthorizeResponse, err error) {
	if len(returns) > maxLeaseReturns {
		returns = returns[len(returns)-maxLeaseReturns:] // the older ones lapse at expiry
	}
	body, err := json.Marshal(leaseRequest{Returns: returns, Authorize: &q})
	if err != nil {
		return nil, at, nil, err
	}
	status, resp, err := s.cfg.Accounts.Call(ctx, q.Tenant, "/lease/grant", body)
	if err != nil {
		return nil, at, nil, err
	}
	if status != web.StatusOK {
		return nil, at, nil, objectError(status, resp)
	}
	var lr leaseResponse
	if err := json.Unmarshal(resp, &lr); err != nil || lr.Lease == nil {
		return nil, at, nil, core.Errorf(core.Internal, "account object sent no lease")
	}
	l, err := lr.Lease.lease()
	if err != nil {
		return nil, at, nil, err
	}
	view, err := account.DecodeSnapshot(s.cfg.Catalog, snap)
	if err != nil {
		return nil, at, nil, err
	}
	if h, err = account.NewLeaseHolder(view, l); err != nil {
		return nil, at, nil, err
	}
	return h, s.now(), lr.Decision, nil
}

// forwardCDRs hands a validated CDR batch to the object with the terms of
// the calls reserved here under a lease, applies the credits it answers
// with to this isolate's lease, and answers the carrier.
func (s *Server) forwardCDRs(w web.ResponseWriter, r *web.Request, b CDRBatch) error {
	if !s.cfg.Leases {
		return s.forward(w, r, b.Tenant, "/cdrs", b)
	}
	if s.cfg.Accounts == nil {
		return core.Errorf(core.Internal, "no account objects configured")
	}
	ob := objectCDRBatch{CDRBatch: b}
	slot := s.leases.slot(b.Tenant, false)
	if slot != nil {
		slot.mu.Lock()
		for _, c := range b.CDRs {
			if e, ok := slot.calls[c.CallID]; ok {
				ob.Leased = append(ob.Leased, leasedCallToJSON(e.lc))
			}
		}
		slot.mu.Unlock()
	}
	body, err := json.Marshal(ob)
	if err != nil {
		return err
	}
	status, resp, err := s.cfg.Accounts.Call(r.Context(), b.Tenant, "/cdrs", body)
	if err != nil {
		return err
	}
	if status != web.StatusOK {
		writeRaw(w, r, status, resp)
		return nil
	}
	var out objectCDRBatchResponse
	if err := json.Unmarshal(resp, &out); err != nil {
		return core.Errorf(core.Internal, "account object answer: %v", err)
	}
	if slot != nil && (len(ob.Leased) > 0 || len(out.Credits) > 0) {
		slot.mu.Lock()
		for _, c := range out.Credits {
			m, err := decimal.NewFromString(c.Money)
			if err != nil {
				continue
			}
			// A lease no longer held here (renewed or dropped since): the
			// object returns the credit with it (leaseReturnJSON).
			cr := account.Credit{LeaseID: c.LeaseID, BundleSeconds: c.BundleSeconds, Money: m}
			for _, e := range slot.held {
				if e.h.Lease().ID != c.LeaseID {
					continue
				}
				if ok, _ := e.h.Credit(c.CallID, cr); ok {
					e.applied.BundleSeconds += cr.BundleSeconds
					e.applied.Money = e.applied.Money.Add(cr.Money)
				}
			}
		}
		for _, res := range out.Results {
			if res.Error == nil {
				delete(slot.calls, res.CallID) // settled
			}
		}
		slot.mu.Unlock()
	}
	respond(w, r, web.StatusOK, out.CDRBatchResponse)
	return nil
}

// servedBy is the Tollgate-Served-By value of a leased decision.
func servedBy(roundTrip bool) string {
	if roundTrip {
		return "object"
	}
	return "isolate"
}

// takeLeaseReturns takes, for every account, what this isolate owes its
// object: the leases it dropped and those past their expiry (no call can
// start under them any more), for the cron's expiry to return.
func (s *Server) takeLeaseReturns() map[string][]leaseReturnJSON {
	now := s.now()
	s.leases.mu.Lock()
	slots := make(map[string]*leaseSlot, len(s.leases.m))
	for k, v := range s.leases.m {
		slots[k] = v
	}
	s.leases.mu.Unlock()
	out := map[string][]leaseReturnJSON{}
	for tenant, slot := range slots {
		slot.mu.Lock()
		kept := slot.held[:0]
		for _, e := range slot.held {
			if now.Before(e.h.Lease().Expires) {
				kept = append(kept, e)
			} else {
				slot.returns = append(slot.returns, e.release())
			}
		}
		clear(slot.held[len(kept):])
		slot.held = kept
		if len(slot.returns) > 0 {
			n := min(len(slot.returns), maxLeaseReturns)
			out[tenant] = slot.returns[len(slot.returns)-n:] // older ones lapse at expiry
			slot.returns = nil
		}
		slot.mu.Unlock()
	}
	return out
}

// putBackLeaseReturns queues returns again after the object could not
// take them.
func (s *Server) putBackLeaseReturns(tenant string, rets []leaseReturnJSON) {
	if slot := s.leases.slot(tenant, true); slot != nil {
		slot.mu.Lock()
		slot.returns = append(slot.returns, rets...)
		slot.mu.Unlock()
	}
}
