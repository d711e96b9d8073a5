package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// ObjectConfig is what the account Durable Object handler needs.
type ObjectConfig struct {
	Blobs   worker.Blobs     // Workers KV: initial account snapshots; republished snapshots
	CDRs    worker.CDRs      // the ledger of rated calls
	Decks   *Decks           // the shared deck cache
	Catalog *account.Catalog // the products accounts refer to
	Now     func() time.Time
	// Storage returns the storage of the object serving r.
	Storage func(r *web.Request) worker.Storage
	// Events, if set, receives an Event for every threshold a CDR crosses,
	// for delivery to the tenant's webhook.
	Events worker.Queue
	// Notifications, if set, stores a notification for the portal's inbox
	// for every threshold a CDR crosses, dated when it was crossed.
	Notifications NotificationStore
	// Lease sizes the quota leases the object grants to isolates
	// (lease_object.go).
	Lease account.LeasePolicy
}

// NotificationStore keeps the portal's notifications (worker.Portal's
// part of it).
type NotificationStore interface {
	AddNotifications(ctx context.Context, ns []worker.Notification) error
}

// storageKey is where an object keeps its account: the ledger's snapshot
// without rated calls, which have keys of their own (object_calls.go).
const storageKey = "account"

// activationHeader carries the identity of the object's current activation
// (set by the JS class): state cached by an earlier activation is reloaded.
const activationHeader = "X-Tollgate-Activation"

// Object is the handler of the account Durable Objects. One Go instance
// serves every object of its isolate: each tenant's account is cached in
// memory and guarded by its own mutex, which (with the object's input gate)
// serializes everything that must not race. Every change is written to the
// object's storage before it is acknowledged; if writing fails, the cached
// state is dropped and reloaded from storage on the next request. Rated
// calls are not kept in memory: a request reads the records of the calls
// it names (object_calls.go).
type Object struct {
	cfg ObjectConfig
	mu  sync.Mutex
	m   map[string]*objAccount
}

type objAccount struct {
	mu         sync.Mutex
	activation string
	ledger     *account.Ledger // the account and the quota leased out of it
	calls      objCalls        // the records of rated calls the request read or wrote
	// credited is what the CDRs settled since ledger was loaded credited to
	// each open lease (lease_object.go), to reconcile with what the isolate
	// applied when the lease is returned.
	credited map[string]account.Unused
}

// NewObject returns the Durable Object handler.
func NewObject(cfg ObjectConfig) *Object {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Decks == nil {
		cfg.Decks = NewDecks(cfg.Blobs, cfg.Now)
	}
	return &Object{cfg: cfg, m: map[string]*objAccount{}}
}

// ServeWeb implements web.Handler for the object's internal API:
// POST /authorize, POST /cdrs, POST /expire, GET /state and the leases'
// POST /lease/grant, /lease/renew, /lease/return, each with ?tenant=.
func (o *Object) ServeWeb(w web.ResponseWriter, r *web.Request) {
	var err error
	switch r.Method + " " + r.URL.Path {
	case "POST /authorize":
		err = o.authorize(w, r)
	case "POST /cdrs":
		err = o.cdrs(w, r)
	case "POST /expire":
		err = o.expire(w, r)
	case "GET /state":
		err = o.state(w, r)
	case "POST /lease/grant", "POST /lease/renew", "POST /lease/return":
		err = o.lease(w, r)
	default:
		err = core.Errorf(core.NotFound, "no such object operation")
	}
	if err != nil {
		writeError(w, r, err)
	}
}

// with runs f on the tenant's account, loaded if needed, under its lock.
// f returns whether it changed the account; changes are persisted before
// with returns.
func (o *Object) with(r *web.Request, f func(a *account.Account) (bool, error)) error {
	return o.withLedger(r, func(l *account.Ledger) (bool, error) { return f(l.Account()) })
}

// withLedger is with for operations on the leases too.
func (o *Object) withLedger(r *web.Request, f func(l *account.Ledger) (bool, error)) error {
	return o.withState(r, func(oa *objAccount) (bool, error) { return f(oa.ledger) })
}

// withState is with for operations that need the object's in-memory state
// besides the ledger.
func (o *Object) withState(r *web.Request, f func(oa *objAccount) (bool, error)) error {
	return o.withCalls(r, nil, f)
}

// withCalls is withState for operations that may reserve or rate the
// calls named: their records of rated calls are read first (the account
// fails on a call whose record was not read).
func (o *Object) withCalls(r *web.Request, callIDs []string, f func(oa *objAccount) (bool, error)) error {
	tenant := r.URL.Query().Get("tenant")
	if tenant == "" {
		return core.Errorf(core.Invalid, "object request without tenant")
	}
	o.mu.Lock()
	oa := o.m[tenant]
	if oa == nil {
		oa = &objAccount{}
		o.m[tenant] = oa
	}
	o.mu.Unlock()
	oa.mu.Lock()
	defer oa.mu.Unlock()
	ctx := r.Context()
	store := o.cfg.Storage(r)
	act := r.Header.Get(activationHeader)
	if oa.calls.read == nil {
		oa.calls.read = map[string]*account.RatedCall{}
	}
	defer oa.calls.reset() // nothing of the request's calls stays in memory
	oa.calls.reset()
	if oa.ledger == nil || oa.activation != act {
		l, err := o.load(ctx, store, tenant, &oa.calls)
		if err != nil {
			return err
		}
		oa.ledger, oa.activation, oa.credited = l, act, map[string]account.Unused{}
	}
	if err := oa.calls.fetch(ctx, store, callIDs); err != nil {
		oa.ledger = nil
		return err
	}
	changed, err := f(oa)
	if changed {
		if perr := o.persist(ctx, store, oa.ledger, &oa.calls); perr != nil {
			oa.ledger = nil // reload the last persisted state next time
			return perr
		}
	} else if err != nil && core.ErrorCode(err) == core.Internal {
		oa.ledger = nil
	}
	return err
}

// load reads the account and its leases from the object's storage (a
// snapshot without leases, as published in KV, is a ledger with none) and
// hands its rated calls to calls. Rated calls the snapshot still carries
// (written before they had keys of their own) move to their own keys.
func (o *Object) load(ctx context.Context, store worker.Storage, tenant string, calls *objCalls) (*account.Ledger, error) {
	b, err := store.Get(ctx, storageKey)
	if core.ErrorCode(err) == core.NotFound {
		// A new object: start from the account published for the tenant.
		b, err = o.cfg.Blobs.Get(ctx, worker.AccountKey(tenant))
		if core.ErrorCode(err) == core.NotFound {
			return nil, core.FieldErrorf(core.NotFound, "tenant", "tenant %q has no account", tenant)
		}
	}
	if err != nil {
		return nil, err
	}
	l, err := account.DecodeLedger(o.cfg.Catalog, b, o.cfg.Lease)
	if err != nil {
		return nil, core.Errorf(core.Internal, "account %q snapshot: %v", tenant, err)
	}
	if old := l.Account().UseRatedCalls(calls); len(old) > 0 {
		calls.pending = append(calls.pending, old...)
		if err := o.persist(ctx, store, l, calls); err != nil {
			return nil, err
		}
		calls.reset()
	}
	return l, nil
}

// persist writes the ledger and the records of the calls it rated, in one
// atomic write.
func (o *Object) persist(ctx context.Context, store worker.Storage, l *account.Ledger, calls *objCalls) error {
	b, err := l.Encode()
	if err != nil {
		return err
	}
	put, err := calls.entries()
	if err != nil {
		return err
	}
	return store.Write(ctx, append(put, worker.Entry{Key: storageKey, Value: b}), nil)
}

func decodeInternal(r *web.Request, v any) error {
	body, err := readBody(r, limitBatch*2)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	return nil
}

func (o *Object) authorize(w web.ResponseWriter, r *web.Request) error {
	var q AuthorizeRequest
	if err := decodeInternal(r, &q); err != nil {
		return err
	}
	dir, err := parseDirection(q.Direction)
	if err != nil {
		return err
	}
	start, err := parseStart("start", q.Start, o.cfg.Now(), false)
	if err != nil {
		return err
	}
	ix, _, err := o.cfg.Decks.Current(r.Context())
	if err != nil {
		return err
	}
	var out AuthorizeResponse
	err = o.withCalls(r, []string{q.CallID}, func(oa *objAccount) (bool, error) {
		a := oa.ledger.Account()
		d, perr := parseCallNumber(q.Dialled, a.Settings().Home, dir)
		if perr != nil {
			zero := 0
			out = AuthorizeResponse{CallID: q.CallID, Reason: string(account.DeniedInvalidNumber), Cover: account.CoverNone.String(),
				MaxSeconds: &zero, Number: q.Dialled, DeckVersion: ix.Version()}
			return false, nil
		}
		req := account.Request{CallID: q.CallID, User: q.User, Dialled: d, Direction: dir, Start: start}
		dec, err := a.AuthorizeAndReserve(ix, req)
		if err != nil {
			return false, err
		}
		out = decisionJSON(q.CallID, d, dec, start, ix)
		return dec.Allowed, nil
	})
	if err != nil {
		return err
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

func (o *Object) cdrs(w web.ResponseWriter, r *web.Request) error {
	var b objectCDRBatch
	if err := decodeInternal(r, &b); err != nil {
		return err
	}
	leased, err := b.leasedCalls()
	if err != nil {
		return err
	}
	ix, _, err := o.cfg.Decks.Current(r.Context())
	if err != nil {
		return err
	}
	now := o.cfg.Now().UTC()
	out := objectCDRBatchResponse{CDRBatchResponse: CDRBatchResponse{Results: make([]RatingJSON, len(b.CDRs))}}
	ids := make([]string, len(b.CDRs))
	for i, c := range b.CDRs {
		ids[i] = c.CallID
	}
	err = o.withCalls(r, ids, func(oa *objAccount) (bool, error) {
		l := oa.ledger
		a, v0 := l.Account(), l.Version()
		st := a.Settings()
		loc := st.Location
		if loc == nil {
			loc = time.UTC
		}
		currency := a.Catalog().Currency()
		var recs []worker.CDRRecord
		var events []Event
		var notes []worker.Notification
		for i, c := range b.CDRs {
			res := &out.Results[i]
			res.CallID = c.CallID
			fail := func(err error) {
				res.Error = &ErrorDetail{Code: core.ErrorCode(err), Message: core.ErrorMessage(err)}
			}
			dir, err := parseDirection(c.Direction)
			if err != nil {
				fail(err)
				continue
			}
			start, err := parseStart("start", c.Start, now, true)
			if err != nil {
				fail(err)
				continue
			}
			d, err := parseCallNumber(c.Dialled, st.Home, dir)
			if err != nil {
				fail(err)
				continue
			}
			rt, credit, err := l.SettleCDR(ix, account.CDR{CallID: c.CallID, User: c.User, Dialled: d, Direction: dir, Start: start, Seconds: *c.Seconds}, leased[c.CallID])
			if err != nil {
				if core.ErrorCode(err) == core.Internal {
					// Nothing of the batch is kept: saving the CDRs rated
					// before this one without recording them in D1 would
					// make the carrier's retry answer them as duplicates
					// and they would never reach the ledger of record. The
					// account is reloaded; the batch is idempotent.
					return false, err
				}
				fail(err)
				continue
			}
			if !credit.IsZero() {
				out.Credits = append(out.Credits, creditJSON{CallID: c.CallID, LeaseID: credit.LeaseID,
					BundleSeconds: credit.BundleSeconds, Money: credit.Money.String()})
				oa.credit(credit)
			}
			*res = RatingJSON{CallID: c.CallID, Cover: rt.Cover.String(), Reason: string(rt.Reason), Seconds: rt.Seconds,
				BundleMinutes: rt.BundleMinutes, PAYGSeconds: rt.PAYGSeconds, Cost: rt.Cost.String(), Currency: currency,
				Destination: rt.Destination, Authorized: rt.Authorized, Duplicate: rt.Duplicate}
			if len(rt.Notices) > 0 {
				u := a.UsageAt(start)
				month := start.In(loc).Format("2006-01")
				for _, n := range rt.Notices {
					res.Notices = append(res.Notices, string(n.Meter)+":"+strconv.Itoa(n.Percent))
					note := thresholdNotification(month, n.Meter, n.Percent, u, st, currency)
					note.Tenant, note.At = a.ID(), now
					notes = append(notes, note)
					events = append(events, thresholdEvent(a.ID(), note, n))
				}
			}
			rec := worker.CDRRecord{Tenant: a.ID(), CallID: c.CallID, User: c.User, Dialled: d.String(),
				Direction: dir.String(), Start: start, Seconds: rt.Seconds, ReceivedAt: now}
			for _, l := range rt.Lines() {
				res.Lines = append(res.Lines, ChargeJSON{Kind: l.Kind, Quantity: l.Quantity, Unit: l.Unit, Amount: l.Amount.String()})
				rec.Charges = append(rec.Charges, worker.ChargeRecord{CoveredBy: l.Kind, Quantity: l.Quantity,
					Amount: l.Amount.String(), Currency: currency, Cycle: rt.Month.Format("2006-01")}) // the month whose usage it went to
			}
			if !rt.Duplicate {
				recs = append(recs, rec)
			}
		}
		if len(recs) == 0 {
			// A leased call whose rating failed still moved its hold.
			return l.Version() != v0, nil
		}
		// The ledger of record first: if it fails, the account is reloaded
		// from storage and the carrier retries the (idempotent) batch.
		if err := o.cfg.CDRs.RecordCDRs(r.Context(), recs); err != nil {
			return false, core.Errorf(core.Internal, "recording CDRs: %v", err)
		}
		// Then the inbox and the webhook events; a failure here also makes
		// the batch retried (both have stable IDs: the store and the
		// receivers drop duplicates).
		if o.cfg.Notifications != nil && len(notes) > 0 {
			if err := o.cfg.Notifications.AddNotifications(r.Context(), notes); err != nil {
				return false, core.Errorf(core.Internal, "storing notifications: %v", err)
			}
		}
		if o.cfg.Events != nil {
			for _, ev := range events {
				b, _ := json.Marshal(ev)
				if err := o.cfg.Events.Send(r.Context(), b); err != nil {
					return false, core.Errorf(core.Internal, "queueing webhook event: %v", err)
				}
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

// ExpireResponse lists the reservations and the leases an expiry
// released.
type ExpireResponse struct {
	Expired []string `json:"expired"`
	Leases  []string `json:"leases"`
}

func (o *Object) expire(w web.ResponseWriter, r *web.Request) error {
	// The cron may bring the leases its isolate gives back (lease_object.go).
	var q leaseRequest
	if err := decodeInternal(r, &q); err != nil {
		return err
	}
	unused, err := q.unused()
	if err != nil {
		return err
	}
	var out ExpireResponse
	err = o.withState(r, func(oa *objAccount) (bool, error) {
		l := oa.ledger
		returned, err := q.apply(oa, unused)
		if err != nil {
			return len(returned) > 0, err
		}
		before := l.Account().Reservations()
		now := o.cfg.Now()
		out.Leases = l.Expire(now)
		for _, id := range out.Leases {
			delete(oa.credited, id)
		}
		left := map[string]bool{}
		for _, res := range l.Account().Reservations() {
			left[res.CallID] = true
		}
		for _, res := range before {
			if !left[res.CallID] {
				out.Expired = append(out.Expired, res.CallID)
			}
		}
		changed := len(returned) > 0 || len(out.Expired) > 0 || len(out.Leases) > 0
		// Records of calls the account no longer remembers go, a page per
		// expiry (with the ledger if it changed: sweep writes its own
		// progress, persist the ledger after it).
		if _, err := o.sweep(r.Context(), o.cfg.Storage(r), l.Account()); err != nil {
			return changed, core.Errorf(core.Internal, "deleting old rated calls: %v", err)
		}
		return changed, nil
	})
	if err != nil {
		return err
	}
	if out.Expired == nil {
		out.Expired = []string{}
	}
	if out.Leases == nil {
		out.Leases = []string{}
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

// StateResponse is the object's view of the account: usage this month and
// calls in progress.
type StateResponse struct {
	Month         string   `json:"month"`
	BundleMinutes int      `json:"bundle_minutes"`
	BundleSize    int      `json:"bundle_size"`
	PAYG          string   `json:"payg"`
	HeldMinutes   int      `json:"held_minutes"`
	HeldPAYG      string   `json:"held_payg"`
	InProgress    []string `json:"in_progress"`
	// Leases are the quota leases outstanding: what each still holds
	// (included in held_minutes and held_payg).
	Leases []LeaseStateJSON `json:"leases"`
}

// LeaseStateJSON is an outstanding lease in StateResponse.
type LeaseStateJSON struct {
	ID            string `json:"id"`
	Open          bool   `json:"open"`
	BundleSeconds int64  `json:"bundle_seconds"`
	Money         string `json:"money"`
}

func (o *Object) state(w web.ResponseWriter, r *web.Request) error {
	var out StateResponse
	err := o.withLedger(r, func(l *account.Ledger) (bool, error) {
		a := l.Account()
		u := a.UsageAt(o.cfg.Now())
		out = StateResponse{Month: u.Month.Format("2006-01"), BundleMinutes: u.BundleMinutes, BundleSize: u.BundleSize,
			PAYG: u.PAYG.String(), HeldMinutes: u.HeldMinutes, HeldPAYG: u.HeldPAYG.String(), InProgress: []string{},
			Leases: []LeaseStateJSON{}}
		for _, res := range a.Reservations() {
			out.InProgress = append(out.InProgress, res.CallID)
		}
		for _, li := range l.Leases() {
			out.Leases = append(out.Leases, LeaseStateJSON{ID: li.ID, Open: li.Open, BundleSeconds: li.BundleSeconds, Money: li.Money.String()})
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	respond(w, r, web.StatusOK, out)
	return nil
}
