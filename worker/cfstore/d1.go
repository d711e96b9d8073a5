//go:build js && wasm

package cfstore

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"syscall/js"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/glue"
)

// D1 is worker.Ledger on a D1 database binding. Statements are prepared
// with bound parameters only; rows are read in raw (array) form.
type D1 struct{ db js.Value }

// NewD1 wraps the D1 database binding db (env.DB).
func NewD1(db js.Value) *D1 { return &D1{db: db} }

func (d *D1) stmt(query string, args ...any) (js.Value, error) {
	s, err := call(d.db, "prepare", query)
	if err != nil {
		return js.Value{}, err
	}
	if len(args) == 0 {
		return s, nil
	}
	return call(s, "bind", args...)
}

// query runs a SELECT and returns its rows as arrays of JS values.
func (d *D1) query(query string, args ...any) ([][]js.Value, error) {
	s, err := d.stmt(query, args...)
	if err != nil {
		return nil, err
	}
	p, err := call(s, "raw")
	if err != nil {
		return nil, err
	}
	v, err := glue.Await(p)
	if err != nil {
		return nil, err
	}
	rows := make([][]js.Value, v.Length())
	for i := range rows {
		r := v.Index(i)
		rows[i] = make([]js.Value, r.Length())
		for j := range rows[i] {
			rows[i][j] = r.Index(j)
		}
	}
	return rows, nil
}

// exec runs a statement and returns the number of rows it changed.
func (d *D1) exec(query string, args ...any) (int, error) {
	s, err := d.stmt(query, args...)
	if err != nil {
		return 0, err
	}
	p, err := call(s, "run")
	if err != nil {
		return 0, err
	}
	v, err := glue.Await(p)
	if err != nil {
		return 0, err
	}
	return v.Get("meta").Get("changes").Int(), nil
}

func str(v js.Value) string {
	if v.IsNull() || v.IsUndefined() {
		return ""
	}
	return v.String()
}

// CreateTenant implements worker.Tenants.
func (d *D1) CreateTenant(_ context.Context, t worker.Tenant) error {
	if t.ID == "" {
		return core.FieldErrorf(core.Invalid, "id", "a tenant needs an ID")
	}
	n, err := d.exec(`INSERT INTO tenants (id, name, home, currency, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, t.ID, t.Name, t.Home, t.Currency, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("d1 create tenant: %w", err)
	}
	if n == 0 {
		return core.Errorf(core.Conflict, "tenant %q already exists", t.ID)
	}
	return nil
}

// Tenant implements worker.Tenants.
func (d *D1) Tenant(_ context.Context, id string) (worker.Tenant, error) {
	rows, err := d.query(`SELECT id, name, home, currency FROM tenants WHERE id = ?`, id)
	if err != nil {
		return worker.Tenant{}, fmt.Errorf("d1 tenant: %w", err)
	}
	if len(rows) == 0 {
		return worker.Tenant{}, core.Errorf(core.NotFound, "no tenant %q", id)
	}
	r := rows[0]
	return worker.Tenant{ID: str(r[0]), Name: str(r[1]), Home: str(r[2]), Currency: str(r[3])}, nil
}

// TenantIDs implements worker.Tenants.
func (d *D1) TenantIDs(_ context.Context) ([]string, error) {
	rows, err := d.query(`SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("d1 tenant ids: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = str(r[0])
	}
	return ids, nil
}

// CreateKey implements worker.Keys.
func (d *D1) CreateKey(_ context.Context, k worker.APIKey) error {
	if k.ID == "" || k.Tenant == "" {
		return core.Errorf(core.Invalid, "an API key needs an ID and a tenant")
	}
	scopes := make([]string, len(k.Scopes))
	for i, s := range k.Scopes {
		scopes[i] = string(s)
	}
	n, err := d.exec(`INSERT INTO api_keys (id, tenant_id, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`,
		k.ID, k.Tenant, hex.EncodeToString(k.Hash[:]), strings.Join(scopes, " "), k.Created.UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("d1 create key: %w", err)
	}
	if n == 0 {
		return core.Errorf(core.Conflict, "API key %q already exists", k.ID)
	}
	return nil
}

// Key implements worker.Keys. Revoked keys are NotFound.
func (d *D1) Key(_ context.Context, id string) (worker.APIKey, error) {
	rows, err := d.query(`SELECT id, tenant_id, hash, scopes, created_at FROM api_keys
		WHERE id = ? AND revoked_at IS NULL`, id)
	if err != nil {
		return worker.APIKey{}, fmt.Errorf("d1 key: %w", err)
	}
	if len(rows) == 0 {
		return worker.APIKey{}, core.Errorf(core.NotFound, "no API key %q", id)
	}
	r := rows[0]
	k := worker.APIKey{ID: str(r[0]), Tenant: str(r[1])}
	h, err := hex.DecodeString(str(r[2]))
	if err != nil || len(h) != len(k.Hash) {
		return worker.APIKey{}, fmt.Errorf("d1 key %q: corrupt hash", id)
	}
	copy(k.Hash[:], h)
	for _, s := range strings.Fields(str(r[3])) {
		k.Scopes = append(k.Scopes, worker.Scope(s))
	}
	if k.Created, err = time.Parse(time.RFC3339, str(r[4])); err != nil {
		return worker.APIKey{}, fmt.Errorf("d1 key %q: corrupt created_at", id)
	}
	return k, nil
}

// RecordCDRs implements worker.CDRs in one D1 batch (a transaction).
func (d *D1) RecordCDRs(_ context.Context, recs []worker.CDRRecord) error {
	if len(recs) == 0 {
		return nil
	}
	stmts := array.New()
	add := func(query string, args ...any) error {
		s, err := d.stmt(query, args...)
		if err != nil {
			return err
		}
		stmts.Call("push", s)
		return nil
	}
	for _, r := range recs {
		if r.Tenant == "" || r.CallID == "" {
			return core.Errorf(core.Invalid, "a CDR needs a tenant and a call id")
		}
		err := add(`INSERT INTO cdrs (tenant_id, call_id, user_id, dialled, direction, started_at, seconds, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, call_id) DO NOTHING`,
			r.Tenant, r.CallID, r.User, r.Dialled, r.Direction, r.Start.UTC().Format(time.RFC3339), r.Seconds,
			r.ReceivedAt.UTC().Format(time.RFC3339))
		if err != nil {
			return err
		}
		for i, c := range r.Charges {
			err := add(`INSERT INTO charges (tenant_id, call_id, line, covered_by, minutes, amount, currency, cycle)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, call_id, line) DO NOTHING`,
				r.Tenant, r.CallID, i, c.CoveredBy, c.Quantity, c.Amount, c.Currency, c.Cycle)
			if err != nil {
				return err
			}
		}
	}
	p, err := call(d.db, "batch", stmts)
	if err != nil {
		return fmt.Errorf("d1 record cdrs: %w", err)
	}
	if _, err := glue.Await(p); err != nil {
		return fmt.Errorf("d1 record cdrs: %w", err)
	}
	return nil
}

// CDRCount implements worker.CDRs.
func (d *D1) CDRCount(_ context.Context, tenant string) (int, error) {
	rows, err := d.query(`SELECT count(*) FROM cdrs WHERE tenant_id = ?`, tenant)
	if err != nil {
		return 0, fmt.Errorf("d1 cdr count: %w", err)
	}
	return rows[0][0].Int(), nil
}

// SetWebhook implements worker.Webhooks.
func (d *D1) SetWebhook(_ context.Context, tenant string, w worker.Webhook) error {
	var u, sec any = nil, nil
	if w.URL != "" {
		u, sec = w.URL, w.Secret
	}
	n, err := d.exec(`UPDATE tenants SET webhook_url = ?, webhook_secret = ? WHERE id = ?`, u, sec, tenant)
	if err != nil {
		return fmt.Errorf("d1 set webhook: %w", err)
	}
	if n == 0 {
		return core.Errorf(core.NotFound, "no tenant %q", tenant)
	}
	return nil
}

// Webhook implements worker.Webhooks.
func (d *D1) Webhook(_ context.Context, tenant string) (worker.Webhook, error) {
	rows, err := d.query(`SELECT webhook_url, webhook_secret FROM tenants WHERE id = ?`, tenant)
	if err != nil {
		return worker.Webhook{}, fmt.Errorf("d1 webhook: %w", err)
	}
	if len(rows) == 0 {
		return worker.Webhook{}, core.Errorf(core.NotFound, "no tenant %q", tenant)
	}
	return worker.Webhook{URL: str(rows[0][0]), Secret: str(rows[0][1])}, nil
}
