// Package memstore is the in-memory backend of the worker's stores: the
// reference implementation the conformance suite (worker/storetest) is
// written against, and the backend of the HTTP layer's native tests.
package memstore

import (
	"context"
	"slices"
	"sync"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker"
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

// Ledger is an in-memory worker.Keys and worker.Tenants.
type Ledger struct {
	mu      sync.RWMutex
	keys    map[string]worker.APIKey
	tenants map[string]worker.Tenant
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
