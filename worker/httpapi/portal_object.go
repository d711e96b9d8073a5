package httpapi

import (
	"context"
	"encoding/json"
	"log"
	"strconv"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// PortalObject is the account Durable Object's handler with the portal's
// operations added: requests under /portal/ are the portal's, everything
// else goes to the Object. It shares the Object's per-account cache and
// lock, so portal writes are serialized with authorizations and CDRs.
//
//	GET  /portal/snapshot?tenant=   the account's snapshot (msgp)
//	POST /portal/write?tenant=      apply a portalOp (JSON)
type PortalObject struct {
	obj   *Object
	store worker.Portal
}

// NewPortalObject wraps the account object handler with the portal's
// operations, recorded in store.
func NewPortalObject(obj *Object, store worker.Portal) *PortalObject {
	return &PortalObject{obj: obj, store: store}
}

// ServeWeb implements web.Handler.
func (p *PortalObject) ServeWeb(w web.ResponseWriter, r *web.Request) {
	if !strings.HasPrefix(r.URL.Path, "/portal/") {
		p.obj.ServeWeb(w, r)
		return
	}
	var err error
	switch r.Method + " " + r.URL.Path {
	case "GET /portal/snapshot":
		err = p.snapshot(w, r)
	case "POST /portal/write":
		err = p.write(w, r)
	default:
		err = core.Errorf(core.NotFound, "no such object operation")
	}
	if err != nil {
		writeError(w, r, err)
	}
}

func (p *PortalObject) snapshot(w web.ResponseWriter, r *web.Request) error {
	var b []byte
	err := p.obj.with(r, func(a *account.Account) (bool, error) {
		var err error
		b, err = a.EncodeSnapshot()
		return false, err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mediaMsgpack)
	w.Write(b)
	return nil
}

// portalOp is one portal write as the API hands it to the account object.
// Kind says which fields apply.
type portalOp struct {
	Kind     string         `json:"kind"` // settings, user, packages, number
	Tenant   string         `json:"tenant"`
	Actor    string         `json:"actor"`
	At       time.Time      `json:"at"`
	IdemKey  string         `json:"idem_key,omitempty"`
	IdemHash string         `json:"idem_hash,omitempty"`
	Settings *SettingsPatch `json:"settings,omitempty"`
	User     string         `json:"user,omitempty"`
	Patch    *UserPatch     `json:"patch,omitempty"`
	Packages []UserPackages `json:"packages,omitempty"`
	Number   string         `json:"number,omitempty"`
	Action   string         `json:"action,omitempty"` // assign, unassign, reassign, release
	To       string         `json:"to,omitempty"`     // the user a number is assigned to
}

// opOutcome is what applying a portalOp produced.
type opOutcome struct {
	body    any             // the response
	changed bool            // the account changed
	change  *billing.Change // billing items changed
	action  string          // audit action
	role    *worker.Role    // a role to set in the ledger (user ops)
}

// apply applies op to a (which it changes only if it succeeds: multi-step
// operations are tried on a copy first by the caller).
func (op *portalOp) apply(a *account.Account) (opOutcome, error) {
	switch op.Kind {
	case "settings":
		return op.applySettings(a)
	case "user":
		return op.applyUser(a)
	case "packages":
		return op.applyPackages(a)
	case "number":
		return op.applyNumber(a)
	}
	return opOutcome{}, core.Errorf(core.Invalid, "unknown portal operation %q", op.Kind)
}

// cloneAccount copies an account through its snapshot.
func cloneAccount(a *account.Account) (*account.Account, error) {
	b, err := a.EncodeSnapshot()
	if err != nil {
		return nil, err
	}
	c, err := account.DecodeSnapshot(a.Catalog(), b)
	if err != nil {
		return nil, core.Errorf(core.Internal, "account copy: %v", err)
	}
	return c, nil
}

// tryApply applies op to a copy of a and returns the outcome without
// changing a: the preview (dry run) of a write.
func (op *portalOp) tryApply(a *account.Account) (opOutcome, error) {
	c, err := cloneAccount(a)
	if err != nil {
		return opOutcome{}, err
	}
	return op.apply(c)
}

// writeResult is the object's answer to a write: the response body and
// whether it replays an earlier answer.
type writeResult struct {
	Status   int             `json:"status"`
	Body     json.RawMessage `json:"body"`
	Replayed bool            `json:"replayed"`
}

func (p *PortalObject) write(w web.ResponseWriter, r *web.Request) error {
	var op portalOp
	if err := decodeInternal(r, &op); err != nil {
		return err
	}
	if op.Tenant == "" || op.Tenant != r.URL.Query().Get("tenant") {
		return core.Errorf(core.Invalid, "portal write for another account")
	}
	ctx := r.Context()
	var out opOutcome
	var body, snap []byte
	var replayed *writeResult
	err := p.obj.with(r, func(a *account.Account) (bool, error) {
		// Under the account's lock: a retry with the same key waits for the
		// first request and then replays its answer.
		if op.IdemKey != "" {
			res, ok, err := p.replay(ctx, op)
			if err != nil {
				return false, err
			}
			if ok {
				replayed = &res
				return false, nil
			}
		}
		// First on a copy: an operation of several steps that fails half
		// way leaves the account as it was.
		if _, err := op.tryApply(a); err != nil {
			return false, err
		}
		// From here on a failure is Internal, which makes the object drop
		// the changed account and reload its last persisted state.
		var err error
		if out, err = op.apply(a); err != nil {
			return false, core.Errorf(core.Internal, "portal op %s failed after its dry run: %v", op.Kind, err)
		}
		if body, err = json.Marshal(out.body); err != nil {
			return false, core.Errorf(core.Internal, "portal op %s answer: %v", op.Kind, err)
		}
		if out.changed {
			if snap, err = a.EncodeSnapshot(); err != nil {
				return false, core.Errorf(core.Internal, "portal op %s snapshot: %v", op.Kind, err)
			}
		}
		// The ledger of record first (audit row, billing change, role,
		// idempotency record in one transaction); the object persists the
		// account when f returns. If the ledger refuses, nothing changed.
		if err := p.store.CommitPortalWrite(ctx, op.record(out, body)); err != nil {
			return false, core.Errorf(core.Internal, "recording portal write: %v", err)
		}
		return out.changed, nil
	})
	if err != nil {
		return err
	}
	if replayed != nil {
		respond(w, r, web.StatusOK, replayed)
		return nil
	}
	if snap != nil {
		// The replicated read side: the edge's copy of the account. The
		// write is done; a failure here leaves the replica stale until the
		// next write republishes it.
		if err := p.obj.cfg.Blobs.Put(ctx, worker.AccountKey(op.Tenant), snap); err != nil {
			log.Printf("portal: republishing account %q: %v", op.Tenant, err)
		}
	}
	respond(w, r, web.StatusOK, writeResult{Status: web.StatusOK, Body: body})
	return nil
}

// record is what the ledger keeps of an applied op.
func (op *portalOp) record(out opOutcome, body []byte) worker.PortalWrite {
	detail, _ := json.Marshal(map[string]any{"op": op.Kind, "user": op.User, "number": op.Number, "action": op.Action,
		"to": op.To, "settings": op.Settings, "patch": op.Patch, "packages": op.Packages})
	pw := worker.PortalWrite{Audit: worker.AuditEntry{Tenant: op.Tenant, Actor: op.Actor, Action: out.action,
		Detail: string(detail), At: op.At}}
	if out.change != nil {
		pw.Change = &worker.BillingChange{Tenant: op.Tenant, Change: *out.change}
	}
	if out.role != nil {
		pw.Role = &worker.PortalUser{Tenant: op.Tenant, ID: op.User, Role: *out.role}
	}
	if op.IdemKey != "" {
		pw.Idempotency = &worker.IdempotencyRecord{Tenant: op.Tenant, Key: op.IdemKey, RequestHash: op.IdemHash,
			Status: web.StatusOK, Body: body, At: op.At}
	}
	return pw
}

// replay returns the recorded answer to an idempotency key, or ok=false if
// the key is new. The key with a different request is a core.Conflict.
func (p *PortalObject) replay(ctx context.Context, op portalOp) (writeResult, bool, error) {
	rec, err := p.store.Idempotency(ctx, op.Tenant, op.IdemKey)
	if core.ErrorCode(err) == core.NotFound {
		return writeResult{}, false, nil
	}
	if err != nil {
		return writeResult{}, false, err
	}
	if rec.RequestHash != op.IdemHash {
		return writeResult{}, false, core.FieldErrorf(core.Conflict, "Idempotency-Key",
			"this Idempotency-Key was used for a different request")
	}
	return writeResult{Status: rec.Status, Body: rec.Body, Replayed: true}, true, nil
}

// sendWrite hands a write to the tenant's account object and relays its
// answer.
func (s *Server) sendWrite(w web.ResponseWriter, r *web.Request, op portalOp) error {
	if s.cfg.Accounts == nil {
		return core.Errorf(core.Internal, "no account objects configured")
	}
	b, err := json.Marshal(op)
	if err != nil {
		return err
	}
	status, resp, err := s.cfg.Accounts.Call(r.Context(), op.Tenant, "/portal/write", b)
	if err != nil {
		return err
	}
	if status != web.StatusOK {
		return objectError(status, resp)
	}
	var res writeResult
	if err := json.Unmarshal(resp, &res); err != nil {
		return core.Errorf(core.Internal, "account object answer: %v", err)
	}
	if res.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	// This isolate's copy of the account is stale now, and so is its lease's.
	s.replica.drop(op.Tenant)
	s.leases.drop(op.Tenant)
	writeRaw(w, r, res.Status, res.Body)
	return nil
}

// objectError turns an error answer of the account object back into an
// error, so that it is answered with the one status table.
func objectError(status int, body []byte) error {
	var eb ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Code == "" {
		return core.Errorf(core.Internal, "account object answered %d: %.200s", status, body)
	}
	if eb.Error.Code == core.Internal {
		return core.Errorf(core.Internal, "account object: %s", eb.Error.Message)
	}
	return &core.Error{Code: eb.Error.Code, Message: eb.Error.Message, Field: eb.Error.Field}
}

// writeRaw writes a JSON body, transcoded for a client that accepts msgpack.
func writeRaw(w web.ResponseWriter, r *web.Request, status int, body []byte) {
	ct := mediaJSON
	if wantsMsgpack(r) {
		if m, err := jsonToMsgpack(body); err == nil {
			body, ct = m, mediaMsgpack
		}
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	w.Write(body)
}

// accountSnapshot returns the tenant's account snapshot (msgp) from its
// Durable Object.
func (s *Server) accountSnapshot(ctx context.Context, tenant string) ([]byte, error) {
	if s.cfg.Accounts == nil {
		return nil, core.Errorf(core.Internal, "no account objects configured")
	}
	status, b, err := s.cfg.Accounts.Call(ctx, tenant, "/portal/snapshot", nil)
	if err != nil {
		return nil, err
	}
	if status != web.StatusOK {
		return nil, objectError(status, b)
	}
	return b, nil
}

// getAccountSnapshot serves the signed-in tenant's account snapshot (the
// core/account msgp encoding) for the browser, which runs the same core on
// it: package quotes computed there equal POST /v1/packages/quote.
func (s *Server) getAccountSnapshot(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedIn(r)
	if err != nil {
		return err
	}
	b, err := s.accountSnapshot(r.Context(), v.tenant.ID)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.tollgate.account+msgpack")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
	return nil
}

// signedInAdmin returns the signed-in viewer if they may change the
// account (Forbidden for a member): the preamble of every portal write.
func (s *Server) signedInAdmin(r *web.Request) (viewer, error) {
	v, err := s.signedIn(r)
	if err != nil {
		return viewer{}, err
	}
	if err := v.admin(); err != nil {
		return viewer{}, err
	}
	return v, nil
}

// signedInAccount returns the signed-in viewer and their tenant's account:
// the preamble of every portal read.
func (s *Server) signedInAccount(r *web.Request) (viewer, *account.Account, error) {
	v, err := s.signedIn(r)
	if err != nil {
		return viewer{}, nil, err
	}
	a, err := s.account(r.Context(), v.tenant.ID)
	if err != nil {
		return viewer{}, nil, err
	}
	return v, a, nil
}

// account returns the current state of the tenant's account, read from its
// Durable Object (which holds the usage the replica in KV may lag behind).
func (s *Server) account(ctx context.Context, tenant string) (*account.Account, error) {
	if s.cfg.Accounts == nil {
		return nil, core.Errorf(core.Internal, "no account objects configured")
	}
	b, err := s.accountSnapshot(ctx, tenant)
	if err != nil {
		return nil, err
	}
	a, err := account.DecodeSnapshot(s.catalog(), b)
	if err != nil {
		return nil, core.Errorf(core.Internal, "account %q snapshot: %v", tenant, err)
	}
	return a, nil
}

func (s *Server) catalog() *account.Catalog {
	if s.cfg.Portal.Catalog != nil {
		return s.cfg.Portal.Catalog
	}
	return s.cfg.Catalog
}

// drop forgets an entry.
func (c *ttlCache[K, V]) drop(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}
