package httpapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// AuthorizeRequest is the body of POST /v1/authorize.
type AuthorizeRequest struct {
	Tenant    string `json:"tenant,omitempty"` // defaults to the key's tenant
	CallID    string `json:"call_id"`
	User      string `json:"user"`                // the calling (outbound) or called (inbound) user
	Dialled   string `json:"dialled"`             // as dialled: E.164, IDD or national form of the tenant's home
	Direction string `json:"direction,omitempty"` // "outbound" (default) or "inbound"
	Start     string `json:"start,omitempty"`     // RFC 3339; default now
}

// AuthorizeResponse is the decision on a call.
type AuthorizeResponse struct {
	CallID        string    `json:"call_id"`
	Allowed       bool      `json:"allowed"`
	Reason        string    `json:"reason"`
	Cover         string    `json:"cover"`                  // none, free, package, bundle, payg
	MaxSeconds    *int      `json:"max_seconds"`            // null: no limit
	Package       string    `json:"package,omitempty"`      // the covering package
	BundleSeconds int       `json:"bundle_seconds"`         // of the call covered by the bundle
	Number        string    `json:"number"`                 // what was understood: E.164 or short number
	Rate          *RateJSON `json:"rate"`                   // null when no deck row applies
	Expires       string    `json:"expires,omitempty"`      // when the reservation lapses without a CDR
	DeckVersion   string    `json:"deck_version,omitempty"` //
}

// CDRJSON is one completed call in POST /v1/cdrs.
type CDRJSON struct {
	CallID    string `json:"call_id"`
	User      string `json:"user"`
	Dialled   string `json:"dialled"`
	Direction string `json:"direction,omitempty"`
	Start     string `json:"start"`
	Seconds   *int   `json:"seconds"`
}

// CDRBatch is the body of POST /v1/cdrs.
type CDRBatch struct {
	Tenant string    `json:"tenant,omitempty"`
	CDRs   []CDRJSON `json:"cdrs"`
}

// servedByHeader says where an authorization was decided: "isolate" (from
// the isolate's replica, no Durable Object round trip) or "object".
const servedByHeader = "Tollgate-Served-By"

// MaxCDRBatch bounds the CDRs of one request.
const MaxCDRBatch = 1000

// ChargeJSON is one charge line of a rated call.
type ChargeJSON struct {
	Kind     string `json:"kind"` // free, package, bundle, payg
	Quantity int    `json:"quantity"`
	Unit     string `json:"unit"` // minute, second
	Amount   string `json:"amount"`
}

// RatingJSON is the outcome of one CDR: its charges, or its error.
type RatingJSON struct {
	CallID        string       `json:"call_id"`
	Error         *ErrorDetail `json:"error,omitempty"`
	Cover         string       `json:"cover,omitempty"`
	Reason        string       `json:"reason,omitempty"`
	Seconds       int          `json:"seconds"`
	BundleMinutes int          `json:"bundle_minutes"`
	PAYGSeconds   int          `json:"payg_seconds"`
	Cost          string       `json:"cost,omitempty"`
	Currency      string       `json:"currency,omitempty"`
	Destination   string       `json:"destination,omitempty"`
	Authorized    bool         `json:"authorized"`
	Duplicate     bool         `json:"duplicate"`
	Lines         []ChargeJSON `json:"lines,omitempty"`
	Notices       []string     `json:"notices,omitempty"` // e.g. "bundle:80", "payg_cap:100"
}

// CDRBatchResponse answers POST /v1/cdrs: one result per CDR, in order.
type CDRBatchResponse struct {
	Results []RatingJSON `json:"results"`
}

func parseDirection(s string) (account.Direction, error) {
	switch s {
	case "", "outbound":
		return account.Outbound, nil
	case "inbound":
		return account.Inbound, nil
	}
	return 0, core.FieldErrorf(core.Invalid, "direction", "must be \"outbound\" or \"inbound\"")
}

func parseStart(field, s string, now time.Time, required bool) (time.Time, error) {
	if s == "" {
		if required {
			return time.Time{}, core.FieldErrorf(core.Invalid, field, "is required")
		}
		return now.UTC().Truncate(time.Second), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, core.FieldErrorf(core.Invalid, field, "must be an RFC 3339 time like 2026-11-22T10:00:00Z")
	}
	return t.UTC(), nil
}

func checkID(field, s string) error {
	if s == "" || len(s) > 128 || strings.ContainsAny(s, "\x00\r\n") {
		return core.FieldErrorf(core.Invalid, field, "must be 1 to 128 bytes on one line")
	}
	return nil
}

// validate checks the request's shape (the Durable Object checks it
// against the account) and fills in defaults.
func (q *AuthorizeRequest) validate(now time.Time) error {
	if err := checkID("call_id", q.CallID); err != nil {
		return err
	}
	if err := checkID("user", q.User); err != nil {
		return err
	}
	if q.Dialled == "" || len(q.Dialled) > 64 {
		return core.FieldErrorf(core.Invalid, "dialled", "must be 1 to 64 characters")
	}
	if _, err := parseDirection(q.Direction); err != nil {
		return err
	}
	t, err := parseStart("start", q.Start, now, false)
	if err != nil {
		return err
	}
	q.Start = t.Format(time.RFC3339)
	return nil
}

func (c *CDRJSON) validate(i int) error {
	wrap := func(err error) error {
		if e, ok := err.(*core.Error); ok {
			return core.FieldErrorf(e.Code, "cdrs["+strconv.Itoa(i)+"]."+e.Field, "%s", e.Message)
		}
		return err
	}
	if err := checkID("call_id", c.CallID); err != nil {
		return wrap(err)
	}
	if err := checkID("user", c.User); err != nil {
		return wrap(err)
	}
	if c.Dialled == "" || len(c.Dialled) > 64 {
		return wrap(core.FieldErrorf(core.Invalid, "dialled", "must be 1 to 64 characters"))
	}
	if _, err := parseDirection(c.Direction); err != nil {
		return wrap(err)
	}
	t, err := parseStart("start", c.Start, time.Time{}, true)
	if err != nil {
		return wrap(err)
	}
	c.Start = t.Format(time.RFC3339)
	if c.Seconds == nil {
		return wrap(core.FieldErrorf(core.Invalid, "seconds", "is required"))
	}
	if *c.Seconds < 0 || *c.Seconds > account.MaxCallSeconds {
		return wrap(core.FieldErrorf(core.Invalid, "seconds", "must be from 0 to %d", account.MaxCallSeconds))
	}
	return nil
}

func (s *Server) authorize(w web.ResponseWriter, r *web.Request) error {
	k, err := s.carrier(r, worker.ScopeAuthorize)
	if err != nil {
		return err
	}
	var q AuthorizeRequest
	if err := decode(r, limitSmall, &q); err != nil {
		return err
	}
	t, err := s.tenantFor(r.Context(), k, q.Tenant)
	if err != nil {
		return err
	}
	if err := q.validate(s.now()); err != nil {
		return err
	}
	q.Tenant = t.ID
	if v, ok := s.decideOnReplica(r.Context(), q); ok {
		if v.holdsNothing() {
			w.Header().Set(servedByHeader, "isolate")
			respond(w, r, web.StatusOK, decisionJSON(q.CallID, v.req.Dialled, v.dec, v.req.Start, v.ix))
			return nil
		}
		if out, roundTrip, ok := s.authorizeLeased(r.Context(), q, v); ok {
			w.Header().Set(servedByHeader, servedBy(roundTrip))
			respond(w, r, web.StatusOK, out)
			return nil
		}
	}
	w.Header().Set(servedByHeader, "object")
	return s.forward(w, r, t.ID, "/authorize", q)
}

// replica is the isolate's read-only copy of an account, from the snapshot
// published in KV. Authorize only reads the account, but *account.Account is
// not documented as safe for concurrent readers, so a mutex guards it.
type replica struct {
	mu   sync.Mutex
	acct *account.Account
	snap []byte // the snapshot acct was decoded from (lease holders decode their own copy)
}

// replicaDecision is a call decided on the isolate's replica of the
// account (the snapshot published in KV): the answer itself when the call
// holds nothing (holdsNothing), else where a lease starts from.
type replicaDecision struct {
	rep *replica
	ix  *deck.Index
	req account.Request
	dec account.Decision
	// blockable: the bundle block could deny the call (BundleCanBlock),
	// which the replica's stale usage cannot rule out.
	blockable bool
}

// decideOnReplica decides q on the replica; ok=false leaves it to the
// object (no replica, no deck, a number the account cannot parse).
func (s *Server) decideOnReplica(ctx context.Context, q AuthorizeRequest) (v replicaDecision, ok bool) {
	if s.cfg.Catalog == nil {
		return v, false
	}
	rep, err := s.replicaOf(ctx, q.Tenant)
	if err != nil {
		return v, false
	}
	ix, _, err := s.decks.Current(ctx)
	if err != nil {
		return v, false
	}
	dir, _ := parseDirection(q.Direction)
	start, err := time.Parse(time.RFC3339, q.Start)
	if err != nil {
		return v, false
	}
	rep.mu.Lock()
	defer rep.mu.Unlock()
	d, err := parseCallNumber(q.Dialled, rep.acct.Settings().Home, dir)
	if err != nil {
		return v, false
	}
	v = replicaDecision{rep: rep, ix: ix, req: account.Request{CallID: q.CallID, User: q.User, Dialled: d, Direction: dir, Start: start}}
	v.dec = rep.acct.Authorize(ix, v.req)
	v.blockable = rep.acct.BundleCanBlock(d, dir)
	return v, true
}

// holdsNothing says the isolate may answer the call itself: emergency and
// essential numbers, inbound calls, calls an unlimited package covers — no
// bundle minutes or money can be over-committed by answering them without
// the Durable Object, and the CDR is rated by the object as Authorize would
// decide then. Everything else (bundle, pay-as-you-go, denials, and calls
// the bundle running out would block) goes to a lease (lease.go) or the
// object.
func (v replicaDecision) holdsNothing() bool {
	d := v.dec
	return d.Allowed && (d.Cover == account.CoverFree || d.Cover == account.CoverPackage) && d.MaxSeconds >= account.NoLimit && !v.blockable
}

func (s *Server) replicaOf(ctx context.Context, tenant string) (*replica, error) {
	now := s.now()
	if rep, ok := s.replica.get(tenant, now); ok {
		return rep, nil
	}
	b, err := s.cfg.Blobs.Get(ctx, worker.AccountKey(tenant))
	if err != nil {
		return nil, err
	}
	a, err := account.DecodeSnapshot(s.cfg.Catalog, b)
	if err != nil {
		return nil, err
	}
	rep := &replica{acct: a, snap: b}
	s.replica.put(tenant, rep, now)
	return rep, nil
}

// parseCallNumber parses the number of a call as the account's phones
// dial it. An inbound call is allowed whatever its number says: a number
// that does not parse (a withheld caller ID, "anonymous") is the zero
// Dialled, never an invalid-number denial.
func parseCallNumber(dialled, home string, dir account.Direction) (e164.Dialled, error) {
	d, err := e164.ParseDial(dialled, home)
	if err != nil && dir == account.Inbound {
		return e164.Dialled{}, nil
	}
	return d, err
}

// decisionJSON is the API form of a decision.
func decisionJSON(callID string, d e164.Dialled, dec account.Decision, start time.Time, ix *deck.Index) AuthorizeResponse {
	out := AuthorizeResponse{CallID: callID, Allowed: dec.Allowed, Reason: string(dec.Reason), Cover: dec.Cover.String(),
		Package: dec.Package, BundleSeconds: dec.BundleSeconds, Number: d.String(), DeckVersion: ix.Version()}
	if dec.MaxSeconds < account.NoLimit {
		m := dec.MaxSeconds
		out.MaxSeconds = &m
		if dec.Allowed {
			out.Expires = start.Add(time.Duration(m)*time.Second + account.ReservationGrace).Format(time.RFC3339)
		}
	}
	if dec.HasRow() {
		rj := rateJSON(dec.Row, ix.Currency())
		out.Rate = &rj
	}
	return out
}

func (s *Server) cdrs(w web.ResponseWriter, r *web.Request) error {
	k, err := s.carrier(r, worker.ScopeCDRs)
	if err != nil {
		return err
	}
	var b CDRBatch
	if err := decode(r, limitBatch, &b); err != nil {
		return err
	}
	t, err := s.tenantFor(r.Context(), k, b.Tenant)
	if err != nil {
		return err
	}
	if len(b.CDRs) == 0 || len(b.CDRs) > MaxCDRBatch {
		return core.FieldErrorf(core.Invalid, "cdrs", "a batch holds 1 to %d CDRs", MaxCDRBatch)
	}
	// The whole batch is checked before anything is charged.
	for i := range b.CDRs {
		if err := b.CDRs[i].validate(i); err != nil {
			return err
		}
	}
	b.Tenant = t.ID
	return s.forwardCDRs(w, r, b)
}

// forward hands a validated request to the tenant's Durable Object and
// relays its answer.
func (s *Server) forward(w web.ResponseWriter, r *web.Request, tenant, path string, v any) error {
	if s.cfg.Accounts == nil {
		return core.Errorf(core.Internal, "no account objects configured")
	}
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	status, resp, err := s.cfg.Accounts.Call(r.Context(), tenant, path, body)
	if err != nil {
		return err
	}
	ct := mediaJSON
	if wantsMsgpack(r) {
		if m, err := jsonToMsgpack(resp); err == nil {
			resp, ct = m, mediaMsgpack
		}
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	w.Write(resp)
	return nil
}
