// Package memstore is the in-memory backend of the worker's stores: the
// reference implementation the conformance suite (worker/storetest) is
// written against, and the backend of the HTTP layer's native tests.
package memstore

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// Blobs is an in-memory worker.Blobs.
type Blobs struct {
	mu sync.RWMutex
	m  map[string][]byte
}

// NewBlobs returns an empty Blobs.
func NewBlobs() *Blobs { return &Blobs{m: map[string][]byte{}} }

// Get implements worker.Blobs. The returned slice is a copy.
func (b *Blobs) Get(_ context.Context, key string) ([]byte, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	v, ok := b.m[key]
	if !ok {
		return nil, core.Errorf(core.NotFound, "no value for key %q", key)
	}
	return slices.Clone(v), nil
}

// Put implements worker.Blobs. It stores a copy of value.
func (b *Blobs) Put(_ context.Context, key string, value []byte) error {
	if key == "" {
		return core.FieldErrorf(core.Invalid, "key", "empty key")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[key] = slices.Clone(value)
	return nil
}

// GetMany implements worker.Storage. The returned slices are copies.
func (b *Blobs) GetMany(_ context.Context, keys []string) (map[string][]byte, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		if v, ok := b.m[k]; ok {
			out[k] = slices.Clone(v)
		}
	}
	return out, nil
}

// Write implements worker.Storage: under one lock, so atomically.
func (b *Blobs) Write(_ context.Context, put []worker.Entry, del []string) error {
	for _, e := range put {
		if e.Key == "" {
			return core.FieldErrorf(core.Invalid, "key", "empty key")
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range del {
		delete(b.m, k)
	}
	for _, e := range put {
		b.m[e.Key] = slices.Clone(e.Value)
	}
	return nil
}

// List implements worker.Storage.
func (b *Blobs) List(_ context.Context, prefix, startAfter string, limit int) ([]worker.Entry, error) {
	if limit < 1 || limit > worker.MaxListLimit {
		return nil, core.FieldErrorf(core.Invalid, "limit", "limit must be 1 to %d", worker.MaxListLimit)
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	var keys []string
	for k := range b.m {
		if strings.HasPrefix(k, prefix) && k > startAfter {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	keys = keys[:min(len(keys), limit)]
	out := make([]worker.Entry, len(keys))
	for i, k := range keys {
		out[i] = worker.Entry{Key: k, Value: slices.Clone(b.m[k])}
	}
	return out, nil
}

// Ledger is an in-memory worker.Keys and worker.Tenants.
type Ledger struct {
	mu       sync.RWMutex
	keys     map[string]worker.APIKey
	tenants  map[string]worker.Tenant
	cdrs     map[[2]string]worker.CDRRecord
	webhooks map[string]worker.Webhook
}

// NewLedger returns an empty Ledger.
func NewLedger() *Ledger {
	return &Ledger{keys: map[string]worker.APIKey{}, tenants: map[string]worker.Tenant{}}
}

// CreateKey implements worker.Keys.
func (l *Ledger) CreateKey(_ context.Context, k worker.APIKey) error {
	if k.ID == "" || k.Tenant == "" {
		return core.Errorf(core.Invalid, "an API key needs an ID and a tenant")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.keys[k.ID]; ok {
		return core.Errorf(core.Conflict, "API key %q already exists", k.ID)
	}
	k.Scopes = slices.Clone(k.Scopes)
	l.keys[k.ID] = k
	return nil
}

// Key implements worker.Keys.
func (l *Ledger) Key(_ context.Context, id string) (worker.APIKey, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	k, ok := l.keys[id]
	if !ok {
		return worker.APIKey{}, core.Errorf(core.NotFound, "no API key %q", id)
	}
	k.Scopes = slices.Clone(k.Scopes)
	return k, nil
}

// CreateTenant implements worker.Tenants.
func (l *Ledger) CreateTenant(_ context.Context, t worker.Tenant) error {
	if t.ID == "" {
		return core.FieldErrorf(core.Invalid, "id", "a tenant needs an ID")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.tenants[t.ID]; ok {
		return core.Errorf(core.Conflict, "tenant %q already exists", t.ID)
	}
	l.tenants[t.ID] = t
	return nil
}

// Tenant implements worker.Tenants.
func (l *Ledger) Tenant(_ context.Context, id string) (worker.Tenant, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	t, ok := l.tenants[id]
	if !ok {
		return worker.Tenant{}, core.Errorf(core.NotFound, "no tenant %q", id)
	}
	return t, nil
}

// TenantIDs implements worker.Tenants.
func (l *Ledger) TenantIDs(_ context.Context) ([]string, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	ids := make([]string, 0, len(l.tenants))
	for id := range l.tenants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// RecordCDRs implements worker.CDRs.
func (l *Ledger) RecordCDRs(_ context.Context, recs []worker.CDRRecord) error {
	for _, r := range recs {
		if r.Tenant == "" || r.CallID == "" {
			return core.Errorf(core.Invalid, "a CDR needs a tenant and a call id")
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range recs {
		if _, ok := l.tenants[r.Tenant]; !ok {
			return core.Errorf(core.Invalid, "no tenant %q", r.Tenant)
		}
	}
	if l.cdrs == nil {
		l.cdrs = map[[2]string]worker.CDRRecord{}
	}
	for _, r := range recs {
		k := [2]string{r.Tenant, r.CallID}
		if _, ok := l.cdrs[k]; !ok {
			r.Charges = slices.Clone(r.Charges)
			l.cdrs[k] = r
		}
	}
	return nil
}

// CDRCount implements worker.CDRs.
func (l *Ledger) CDRCount(_ context.Context, tenant string) (int, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	n := 0
	for k := range l.cdrs {
		if k[0] == tenant {
			n++
		}
	}
	return n, nil
}

// CDR returns a recorded call (for tests).
func (l *Ledger) CDR(tenant, callID string) (worker.CDRRecord, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	r, ok := l.cdrs[[2]string{tenant, callID}]
	return r, ok
}

// Accounts is an in-process worker.Accounts: it calls the Durable Object
// handler directly, giving each tenant's object its own in-memory storage.
type Accounts struct {
	Handler web.Handler // the object handler (httpapi.Object)

	mu       sync.Mutex
	storages map[string]*Blobs
	// Activation is sent as the object's activation identity; change it to
	// simulate the object being evicted and started again.
	Activation string
}

// NewAccounts returns Accounts; set Handler before use.
func NewAccounts() *Accounts { return &Accounts{storages: map[string]*Blobs{}, Activation: "1"} }

// Storage returns the storage of the tenant's object.
func (a *Accounts) Storage(tenant string) *Blobs {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.storages[tenant]
	if s == nil {
		s = NewBlobs()
		a.storages[tenant] = s
	}
	return s
}

// StorageOf returns the storage of the object a request is addressed to;
// it is ObjectConfig.Storage for the in-memory backend.
func (a *Accounts) StorageOf(r *web.Request) worker.Storage {
	return a.Storage(r.URL.Query().Get("tenant"))
}

// Call implements worker.Accounts.
func (a *Accounts) Call(ctx context.Context, tenant, path string, body []byte) (int, []byte, error) {
	method := "POST"
	if body == nil {
		method = "GET"
	}
	r, err := web.NewRequest(ctx, method, "http://account"+path+"?tenant="+url.QueryEscape(tenant), nil, body)
	if err != nil {
		return 0, nil, err
	}
	a.mu.Lock()
	r.Header.Set("X-Tollgate-Activation", a.Activation)
	a.mu.Unlock()
	w := web.NewRecorder()
	a.Handler.ServeWeb(w, r)
	return w.Status(), w.Body.Bytes(), nil
}

// SetWebhook implements worker.Webhooks.
func (l *Ledger) SetWebhook(_ context.Context, tenant string, w worker.Webhook) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.tenants[tenant]; !ok {
		return core.Errorf(core.NotFound, "no tenant %q", tenant)
	}
	if l.webhooks == nil {
		l.webhooks = map[string]worker.Webhook{}
	}
	l.webhooks[tenant] = w
	return nil
}

// Webhook implements worker.Webhooks.
func (l *Ledger) Webhook(_ context.Context, tenant string) (worker.Webhook, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if _, ok := l.tenants[tenant]; !ok {
		return worker.Webhook{}, core.Errorf(core.NotFound, "no tenant %q", tenant)
	}
	return l.webhooks[tenant], nil
}

// Queue is an in-memory worker.Queue: it keeps what was sent.
type Queue struct {
	mu   sync.Mutex
	msgs [][]byte
}

// Send implements worker.Queue.
func (q *Queue) Send(_ context.Context, body []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.msgs = append(q.msgs, slices.Clone(body))
	return nil
}

// Take returns and forgets the messages sent so far.
func (q *Queue) Take() [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	m := q.msgs
	q.msgs = nil
	return m
}
