//go:build js && wasm

package cfstore

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"syscall/js"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/glue"
)

// The portal's tables (migrations 0001 and 0002) on D1: D1 implements
// worker.Portal.

// tsLayout is the sortable time format of the portal's tables.
const tsLayout = "2006-01-02T15:04:05.000000000Z07:00"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

func parseTS(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func num(v js.Value) int {
	if v.Type() == js.TypeNumber {
		return v.Int()
	}
	return 0
}

// isConstraint reports whether a D1 error is a violated UNIQUE or PRIMARY
// KEY constraint.
func isConstraint(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// batch runs statements in one D1 batch: a transaction, all or nothing.
func (d *D1) batch(stmts []js.Value) error {
	arr := array.New()
	for _, s := range stmts {
		arr.Call("push", s)
	}
	p, err := call(d.db, "batch", arr)
	if err != nil {
		return err
	}
	_, err = glue.Await(p)
	return err
}

// CreatePortalUser implements worker.Portal.
func (d *D1) CreatePortalUser(_ context.Context, u worker.PortalUser) error {
	if u.Tenant == "" || u.ID == "" || u.Email == "" {
		return core.Errorf(core.Invalid, "a portal user needs a tenant, an ID and an email")
	}
	if _, err := worker.ParseRole(string(u.Role)); err != nil {
		return err
	}
	var hash any = js.Null()
	if u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	_, err := d.exec(`INSERT INTO users (tenant_id, id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.Tenant, u.ID, strings.ToLower(u.Email), u.Name, string(u.Role), hash, ts(time.Now()))
	if isConstraint(err) {
		return core.Errorf(core.Conflict, "user %q or email %q already exists", u.ID, u.Email)
	}
	if err != nil {
		return fmt.Errorf("d1 create portal user: %w", err)
	}
	return nil
}

const userCols = `tenant_id, id, email, name, role, password_hash`

func portalUser(r []js.Value) worker.PortalUser {
	return worker.PortalUser{Tenant: str(r[0]), ID: str(r[1]), Email: str(r[2]), Name: str(r[3]), Role: worker.Role(str(r[4])), PasswordHash: str(r[5])}
}

// PortalUserByEmail implements worker.Portal.
func (d *D1) PortalUserByEmail(_ context.Context, email string) (worker.PortalUser, error) {
	rows, err := d.query(`SELECT `+userCols+` FROM users WHERE email = ?`, strings.ToLower(email))
	if err != nil {
		return worker.PortalUser{}, fmt.Errorf("d1 user by email: %w", err)
	}
	if len(rows) == 0 {
		return worker.PortalUser{}, core.Errorf(core.NotFound, "no user with that email")
	}
	return portalUser(rows[0]), nil
}

// PortalUser implements worker.Portal.
func (d *D1) PortalUser(_ context.Context, tenant, id string) (worker.PortalUser, error) {
	rows, err := d.query(`SELECT `+userCols+` FROM users WHERE tenant_id = ? AND id = ?`, tenant, id)
	if err != nil {
		return worker.PortalUser{}, fmt.Errorf("d1 user: %w", err)
	}
	if len(rows) == 0 {
		return worker.PortalUser{}, core.Errorf(core.NotFound, "no user %q", id)
	}
	return portalUser(rows[0]), nil
}

// PortalUsers implements worker.Portal.
func (d *D1) PortalUsers(_ context.Context, tenant string) ([]worker.PortalUser, error) {
	rows, err := d.query(`SELECT `+userCols+` FROM users WHERE tenant_id = ? ORDER BY id`, tenant)
	if err != nil {
		return nil, fmt.Errorf("d1 users: %w", err)
	}
	out := make([]worker.PortalUser, len(rows))
	for i, r := range rows {
		out[i] = portalUser(r)
	}
	return out, nil
}

// CreateSession implements worker.Portal.
func (d *D1) CreateSession(_ context.Context, s worker.Session) error {
	if s.Tenant == "" || s.User == "" {
		return core.Errorf(core.Invalid, "a session needs a tenant and a user")
	}
	ins, err := d.stmt(`INSERT INTO sessions (token_hash, tenant_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hex.EncodeToString(s.Hash[:]), s.Tenant, s.User, ts(s.Created), ts(s.Expires))
	if err != nil {
		return err
	}
	purge, err := d.stmt(`DELETE FROM sessions WHERE tenant_id = ? AND user_id = ? AND expires_at <= ?`, s.Tenant, s.User, ts(s.Created))
	if err != nil {
		return err
	}
	err = d.batch([]js.Value{ins, purge})
	if isConstraint(err) {
		return core.Errorf(core.Conflict, "session exists")
	}
	if err != nil {
		return fmt.Errorf("d1 create session: %w", err)
	}
	return nil
}

// Session implements worker.Portal.
func (d *D1) Session(_ context.Context, hash [32]byte, now time.Time) (worker.Session, error) {
	rows, err := d.query(`SELECT tenant_id, user_id, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		hex.EncodeToString(hash[:]), ts(now))
	if err != nil {
		return worker.Session{}, fmt.Errorf("d1 session: %w", err)
	}
	if len(rows) == 0 {
		return worker.Session{}, core.Errorf(core.NotFound, "no such session")
	}
	r := rows[0]
	return worker.Session{Hash: hash, Tenant: str(r[0]), User: str(r[1]), Created: parseTS(str(r[2])), Expires: parseTS(str(r[3]))}, nil
}

// DeleteSession implements worker.Portal.
func (d *D1) DeleteSession(_ context.Context, hash [32]byte) error {
	if _, err := d.exec(`DELETE FROM sessions WHERE token_hash = ?`, hex.EncodeToString(hash[:])); err != nil {
		return fmt.Errorf("d1 delete session: %w", err)
	}
	return nil
}

// Idempotency implements worker.Portal.
func (d *D1) Idempotency(_ context.Context, tenant, key string) (worker.IdempotencyRecord, error) {
	rows, err := d.query(`SELECT request_hash, status, body, at FROM idempotency WHERE tenant_id = ? AND key = ?`, tenant, key)
	if err != nil {
		return worker.IdempotencyRecord{}, fmt.Errorf("d1 idempotency: %w", err)
	}
	if len(rows) == 0 {
		return worker.IdempotencyRecord{}, core.Errorf(core.NotFound, "no record of key %q", key)
	}
	r := rows[0]
	return worker.IdempotencyRecord{Tenant: tenant, Key: key, RequestHash: str(r[0]), Status: num(r[1]), Body: []byte(str(r[2])), At: parseTS(str(r[3]))}, nil
}

// CommitPortalWrite implements worker.Portal in one D1 batch (a
// transaction): a used idempotency key fails the whole batch.
func (d *D1) CommitPortalWrite(ctx context.Context, w worker.PortalWrite) error {
	if w.Audit.Tenant == "" || w.Audit.Action == "" {
		return core.Errorf(core.Invalid, "an audit entry needs a tenant and an action")
	}
	var stmts []js.Value
	add := func(q string, args ...any) error {
		s, err := d.stmt(q, args...)
		if err != nil {
			return err
		}
		stmts = append(stmts, s)
		return nil
	}
	if r := w.Idempotency; r != nil {
		if err := add(`INSERT INTO idempotency (tenant_id, key, request_hash, status, body, at) VALUES (?, ?, ?, ?, ?, ?)`,
			r.Tenant, r.Key, r.RequestHash, r.Status, string(r.Body), ts(r.At)); err != nil {
			return err
		}
	}
	if w.Role != nil {
		if _, err := worker.ParseRole(string(w.Role.Role)); err != nil {
			return err
		}
		if _, err := d.PortalUser(ctx, w.Role.Tenant, w.Role.ID); err != nil {
			return err
		}
		if err := add(`UPDATE users SET role = ? WHERE tenant_id = ? AND id = ?`, string(w.Role.Role), w.Role.Tenant, w.Role.ID); err != nil {
			return err
		}
	}
	if c := w.Change; c != nil {
		b, err := json.Marshal(c.Change)
		if err != nil {
			return err
		}
		if err := add(`INSERT INTO billing_changes (tenant_id, at, body) VALUES (?, ?, ?)`, c.Tenant, ts(c.Change.At), string(b)); err != nil {
			return err
		}
	}
	a := w.Audit
	if err := add(`INSERT INTO audit_log (tenant_id, actor, action, detail, at) VALUES (?, ?, ?, ?, ?)`,
		a.Tenant, a.Actor, a.Action, a.Detail, ts(a.At)); err != nil {
		return err
	}
	err := d.batch(stmts)
	if isConstraint(err) && w.Idempotency != nil {
		return core.Errorf(core.Conflict, "idempotency key %q was already used", w.Idempotency.Key)
	}
	if err != nil {
		return fmt.Errorf("d1 portal write: %w", err)
	}
	return nil
}

// BillingChanges implements worker.Portal.
func (d *D1) BillingChanges(_ context.Context, tenant string, from, to time.Time) ([]billing.Change, error) {
	rows, err := d.query(`SELECT body FROM billing_changes WHERE tenant_id = ? AND at >= ? AND at < ? ORDER BY at, id`, tenant, ts(from), ts(to))
	if err != nil {
		return nil, fmt.Errorf("d1 billing changes: %w", err)
	}
	out := make([]billing.Change, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal([]byte(str(r[0])), &out[i]); err != nil {
			return nil, fmt.Errorf("d1 billing change: %w", err)
		}
	}
	return out, nil
}

// AuditLog implements worker.Portal.
func (d *D1) AuditLog(_ context.Context, tenant string, limit int) ([]worker.AuditEntry, error) {
	rows, err := d.query(`SELECT actor, action, detail, at FROM audit_log WHERE tenant_id = ? ORDER BY id DESC LIMIT ?`, tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("d1 audit log: %w", err)
	}
	out := make([]worker.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = worker.AuditEntry{Tenant: tenant, Actor: str(r[0]), Action: str(r[1]), Detail: str(r[2]), At: parseTS(str(r[3]))}
	}
	return out, nil
}

// Notifications implements worker.Portal.
func (d *D1) Notifications(_ context.Context, tenant string, limit int) ([]worker.Notification, error) {
	rows, err := d.query(`SELECT id, kind, message, at FROM notifications WHERE tenant_id = ? ORDER BY at DESC, id LIMIT ?`, tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("d1 notifications: %w", err)
	}
	out := make([]worker.Notification, len(rows))
	for i, r := range rows {
		out[i] = worker.Notification{Tenant: tenant, ID: str(r[0]), Kind: str(r[1]), Message: str(r[2]), At: parseTS(str(r[3]))}
	}
	return out, nil
}

// AddNotifications implements worker.Portal in one D1 batch.
func (d *D1) AddNotifications(_ context.Context, ns []worker.Notification) error {
	var stmts []js.Value
	for _, n := range ns {
		if n.Tenant == "" || n.ID == "" {
			return core.Errorf(core.Invalid, "a notification needs a tenant and an ID")
		}
		s, err := d.stmt(`INSERT INTO notifications (tenant_id, id, kind, message, at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, id) DO NOTHING`, n.Tenant, n.ID, n.Kind, n.Message, ts(n.At))
		if err != nil {
			return err
		}
		stmts = append(stmts, s)
	}
	if len(stmts) == 0 {
		return nil
	}
	if err := d.batch(stmts); err != nil {
		return fmt.Errorf("d1 add notifications: %w", err)
	}
	return nil
}

func storedInvoice(tenant string, r []js.Value) worker.StoredInvoice {
	inv := worker.StoredInvoice{Tenant: tenant, ID: str(r[0]), Total: str(r[3]), Currency: str(r[4]), Issued: parseTS(str(r[5]))}
	inv.Cycle.Start, inv.Cycle.End = parseTS(str(r[1])), parseTS(str(r[2]))
	if len(r) > 6 {
		inv.Body = []byte(str(r[6]))
	}
	return inv
}

// Invoices implements worker.Portal.
func (d *D1) Invoices(_ context.Context, tenant string) ([]worker.StoredInvoice, error) {
	rows, err := d.query(`SELECT id, cycle_start, cycle_end, total, currency, issued_at FROM invoices WHERE tenant_id = ? ORDER BY cycle_start DESC`, tenant)
	if err != nil {
		return nil, fmt.Errorf("d1 invoices: %w", err)
	}
	out := make([]worker.StoredInvoice, len(rows))
	for i, r := range rows {
		out[i] = storedInvoice(tenant, r)
	}
	return out, nil
}

// Invoice implements worker.Portal.
func (d *D1) Invoice(_ context.Context, tenant, id string) (worker.StoredInvoice, error) {
	rows, err := d.query(`SELECT id, cycle_start, cycle_end, total, currency, issued_at, body FROM invoices WHERE tenant_id = ? AND id = ?`, tenant, id)
	if err != nil {
		return worker.StoredInvoice{}, fmt.Errorf("d1 invoice: %w", err)
	}
	if len(rows) == 0 {
		return worker.StoredInvoice{}, core.Errorf(core.NotFound, "no invoice %q", id)
	}
	return storedInvoice(tenant, rows[0]), nil
}

// CreateInvoice implements worker.Portal.
func (d *D1) CreateInvoice(_ context.Context, inv worker.StoredInvoice) error {
	if inv.Tenant == "" || inv.ID == "" || inv.Cycle.IsZero() {
		return core.Errorf(core.Invalid, "an invoice needs a tenant, an ID and a cycle")
	}
	_, err := d.exec(`INSERT INTO invoices (tenant_id, id, cycle_start, cycle_end, total, currency, body, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.Tenant, inv.ID, ts(inv.Cycle.Start), ts(inv.Cycle.End), inv.Total, inv.Currency, string(inv.Body), ts(inv.Issued))
	if isConstraint(err) {
		return core.Errorf(core.Conflict, "invoice %q already issued", inv.ID)
	}
	if err != nil {
		return fmt.Errorf("d1 create invoice: %w", err)
	}
	return nil
}

// Calls implements worker.Portal. The cdrs table keeps start times in
// RFC 3339 UTC to the second.
func (d *D1) Calls(_ context.Context, tenant string, from, to time.Time) ([]worker.CDRRecord, error) {
	f, t := from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339)
	rows, err := d.query(`SELECT call_id, user_id, dialled, direction, started_at, seconds, received_at FROM cdrs
		WHERE tenant_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at, call_id`, tenant, f, t)
	if err != nil {
		return nil, fmt.Errorf("d1 calls: %w", err)
	}
	out := make([]worker.CDRRecord, len(rows))
	idx := make(map[string]int, len(rows))
	for i, r := range rows {
		out[i] = worker.CDRRecord{Tenant: tenant, CallID: str(r[0]), User: str(r[1]), Dialled: str(r[2]), Direction: str(r[3]),
			Start: parseTS(str(r[4])), Seconds: num(r[5]), ReceivedAt: parseTS(str(r[6]))}
		idx[out[i].CallID] = i
	}
	if len(rows) == 0 {
		return out, nil
	}
	chs, err := d.query(`SELECT ch.call_id, ch.covered_by, ch.minutes, ch.amount, ch.currency, ch.cycle FROM charges ch
		JOIN cdrs c ON c.tenant_id = ch.tenant_id AND c.call_id = ch.call_id
		WHERE c.tenant_id = ? AND c.started_at >= ? AND c.started_at < ? ORDER BY ch.call_id, ch.line`, tenant, f, t)
	if err != nil {
		return nil, fmt.Errorf("d1 charges: %w", err)
	}
	for _, r := range chs {
		if i, ok := idx[str(r[0])]; ok {
			out[i].Charges = append(out[i].Charges, worker.ChargeRecord{CoveredBy: str(r[1]), Quantity: num(r[2]), Amount: str(r[3]),
				Currency: str(r[4]), Cycle: str(r[5])})
		}
	}
	return out, nil
}
