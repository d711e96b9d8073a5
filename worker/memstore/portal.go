package memstore

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/worker"
)

// Portal is an in-memory worker.Portal. It reads rated calls from the
// Ledger it wraps.
type Portal struct {
	*Ledger

	mu       sync.RWMutex
	users    map[[2]string]worker.PortalUser
	sessions map[[32]byte]worker.Session
	idem     map[[2]string]worker.IdempotencyRecord
	changes  []worker.BillingChange
	audit    []worker.AuditEntry
	notes    []worker.Notification
	invoices []worker.StoredInvoice

	// FailCommits makes CommitPortalWrite fail (for tests of partial
	// failures).
	FailCommits bool
}

// NewPortal returns an empty Portal over l.
func NewPortal(l *Ledger) *Portal {
	return &Portal{Ledger: l, users: map[[2]string]worker.PortalUser{}, sessions: map[[32]byte]worker.Session{},
		idem: map[[2]string]worker.IdempotencyRecord{}}
}

// CreatePortalUser implements worker.Portal.
func (p *Portal) CreatePortalUser(_ context.Context, u worker.PortalUser) error {
	if u.Tenant == "" || u.ID == "" || u.Email == "" {
		return core.Errorf(core.Invalid, "a portal user needs a tenant, an ID and an email")
	}
	if _, err := worker.ParseRole(string(u.Role)); err != nil {
		return err
	}
	u.Email = strings.ToLower(u.Email)
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.users[[2]string{u.Tenant, u.ID}]; ok {
		return core.Errorf(core.Conflict, "user %q already exists", u.ID)
	}
	for _, o := range p.users {
		if o.Email == u.Email {
			return core.FieldErrorf(core.Conflict, "email", "email %q is taken", u.Email)
		}
	}
	p.users[[2]string{u.Tenant, u.ID}] = u
	return nil
}

// PortalUserByEmail implements worker.Portal.
func (p *Portal) PortalUserByEmail(_ context.Context, email string) (worker.PortalUser, error) {
	email = strings.ToLower(email)
	p.mu.RLock()
	defer p.mu.RUnlock()
	for _, u := range p.users {
		if u.Email == email {
			return u, nil
		}
	}
	return worker.PortalUser{}, core.Errorf(core.NotFound, "no user with that email")
}

// PortalUser implements worker.Portal.
func (p *Portal) PortalUser(_ context.Context, tenant, id string) (worker.PortalUser, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	u, ok := p.users[[2]string{tenant, id}]
	if !ok {
		return worker.PortalUser{}, core.Errorf(core.NotFound, "no user %q", id)
	}
	return u, nil
}

// PortalUsers implements worker.Portal.
func (p *Portal) PortalUsers(_ context.Context, tenant string) ([]worker.PortalUser, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := []worker.PortalUser{}
	for k, u := range p.users {
		if k[0] == tenant {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b worker.PortalUser) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// CreateSession implements worker.Portal.
func (p *Portal) CreateSession(_ context.Context, s worker.Session) error {
	if s.Tenant == "" || s.User == "" {
		return core.Errorf(core.Invalid, "a session needs a tenant and a user")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.sessions[s.Hash]; ok {
		return core.Errorf(core.Conflict, "session exists")
	}
	for h, o := range p.sessions {
		if o.Tenant == s.Tenant && o.User == s.User && !s.Created.Before(o.Expires) {
			delete(p.sessions, h)
		}
	}
	p.sessions[s.Hash] = s
	return nil
}

// Session implements worker.Portal.
func (p *Portal) Session(_ context.Context, hash [32]byte, now time.Time) (worker.Session, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	s, ok := p.sessions[hash]
	if !ok || !now.Before(s.Expires) {
		return worker.Session{}, core.Errorf(core.NotFound, "no such session")
	}
	return s, nil
}

// DeleteSession implements worker.Portal.
func (p *Portal) DeleteSession(_ context.Context, hash [32]byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.sessions, hash)
	return nil
}

// Idempotency implements worker.Portal.
func (p *Portal) Idempotency(_ context.Context, tenant, key string) (worker.IdempotencyRecord, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	r, ok := p.idem[[2]string{tenant, key}]
	if !ok {
		return worker.IdempotencyRecord{}, core.Errorf(core.NotFound, "no record of key %q", key)
	}
	r.Body = slices.Clone(r.Body)
	return r, nil
}

// CommitPortalWrite implements worker.Portal.
func (p *Portal) CommitPortalWrite(_ context.Context, w worker.PortalWrite) error {
	if w.Audit.Tenant == "" || w.Audit.Action == "" {
		return core.Errorf(core.Invalid, "an audit entry needs a tenant and an action")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.FailCommits {
		return core.Errorf(core.Internal, "memstore: commits fail (test)")
	}
	if r := w.Idempotency; r != nil {
		if _, ok := p.idem[[2]string{r.Tenant, r.Key}]; ok {
			return core.Errorf(core.Conflict, "idempotency key %q was already used", r.Key)
		}
	}
	var roleKey [2]string
	if w.Role != nil {
		roleKey = [2]string{w.Role.Tenant, w.Role.ID}
		if _, ok := p.users[roleKey]; !ok {
			return core.Errorf(core.NotFound, "no user %q", w.Role.ID)
		}
		if _, err := worker.ParseRole(string(w.Role.Role)); err != nil {
			return err
		}
	}
	// Checked: apply everything.
	if r := w.Idempotency; r != nil {
		c := *r
		c.Body = slices.Clone(r.Body)
		p.idem[[2]string{r.Tenant, r.Key}] = c
	}
	if w.Role != nil {
		u := p.users[roleKey]
		u.Role = w.Role.Role
		p.users[roleKey] = u
	}
	if w.Change != nil {
		p.changes = append(p.changes, *w.Change)
	}
	p.audit = append(p.audit, w.Audit)
	return nil
}

// BillingChanges implements worker.Portal.
func (p *Portal) BillingChanges(_ context.Context, tenant string, from, to time.Time) ([]billing.Change, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []billing.Change
	for _, c := range p.changes {
		if c.Tenant == tenant && !c.Change.At.Before(from) && c.Change.At.Before(to) {
			out = append(out, c.Change)
		}
	}
	slices.SortStableFunc(out, func(a, b billing.Change) int { return a.At.Compare(b.At) })
	return out, nil
}

// AuditLog implements worker.Portal.
func (p *Portal) AuditLog(_ context.Context, tenant string, limit int) ([]worker.AuditEntry, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := []worker.AuditEntry{}
	for i := len(p.audit) - 1; i >= 0 && len(out) < limit; i-- {
		if p.audit[i].Tenant == tenant {
			out = append(out, p.audit[i])
		}
	}
	return out, nil
}

// AddNotifications implements worker.Portal.
func (p *Portal) AddNotifications(_ context.Context, ns []worker.Notification) error {
	for _, n := range ns {
		if n.Tenant == "" || n.ID == "" {
			return core.Errorf(core.Invalid, "a notification needs a tenant and an ID")
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, n := range ns {
		if !slices.ContainsFunc(p.notes, func(o worker.Notification) bool { return o.Tenant == n.Tenant && o.ID == n.ID }) {
			p.notes = append(p.notes, n)
		}
	}
	return nil
}

// Notifications implements worker.Portal.
func (p *Portal) Notifications(_ context.Context, tenant string, limit int) ([]worker.Notification, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := []worker.Notification{}
	for _, n := range p.notes {
		if n.Tenant == tenant {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b worker.Notification) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out[:min(limit, len(out))], nil
}

// CreateInvoice implements worker.Portal.
func (p *Portal) CreateInvoice(_ context.Context, inv worker.StoredInvoice) error {
	if inv.Tenant == "" || inv.ID == "" || inv.Cycle.IsZero() {
		return core.Errorf(core.Invalid, "an invoice needs a tenant, an ID and a cycle")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range p.invoices {
		if o.Tenant == inv.Tenant && (o.ID == inv.ID || o.Cycle.Start.Equal(inv.Cycle.Start)) {
			return core.Errorf(core.Conflict, "invoice %q already issued", inv.ID)
		}
	}
	inv.Body = slices.Clone(inv.Body)
	p.invoices = append(p.invoices, inv)
	return nil
}

// Invoices implements worker.Portal.
func (p *Portal) Invoices(_ context.Context, tenant string) ([]worker.StoredInvoice, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := []worker.StoredInvoice{}
	for _, inv := range p.invoices {
		if inv.Tenant == tenant {
			inv.Body = nil
			out = append(out, inv)
		}
	}
	slices.SortFunc(out, func(a, b worker.StoredInvoice) int { return b.Cycle.Start.Compare(a.Cycle.Start) })
	return out, nil
}

// Invoice implements worker.Portal.
func (p *Portal) Invoice(_ context.Context, tenant, id string) (worker.StoredInvoice, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for _, inv := range p.invoices {
		if inv.Tenant == tenant && inv.ID == id {
			inv.Body = slices.Clone(inv.Body)
			return inv, nil
		}
	}
	return worker.StoredInvoice{}, core.Errorf(core.NotFound, "no invoice %q", id)
}

// Calls implements worker.Portal.
func (p *Portal) Calls(_ context.Context, tenant string, from, to time.Time) ([]worker.CDRRecord, error) {
	l := p.Ledger
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []worker.CDRRecord
	for k, r := range l.cdrs {
		if k[0] == tenant && !r.Start.Before(from) && r.Start.Before(to) {
			r.Charges = slices.Clone(r.Charges)
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b worker.CDRRecord) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.CallID, b.CallID)
	})
	return out, nil
}
