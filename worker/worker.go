// Package worker is Tollgate's edge: the Cloudflare Worker that answers
// carriers' call authorizations and rate look-ups and serves the portal's API.
//
// This root package holds the worker's own vocabulary — tenants, API keys and
// their scopes, CDR records — and the storage interfaces the HTTP layer needs,
// one interface per store (go-cloud blob style). Implementations live in
// sub-packages: worker/memstore (in memory, the reference backend for native
// tests) and worker/cfstore (Workers KV, D1 and Durable Object storage through
// syscall/js). worker/storetest is the conformance suite every backend runs.
//
// The other sub-packages: worker/httpapi (router, handlers, the error→status
// table, bodies, auth), worker/glue (the Go half of the JS↔Go hand-off),
// worker/cmd/edge (the wasm entry point wiring it all) and worker/cmd/seed
// (demo data for `make run` and the tests).
package worker

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"slices"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
)

// Blobs is the replicated read side (Workers KV): opaque values by key. Get
// returns a core.NotFound error for a missing key.
type Blobs interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Put(ctx context.Context, key string, value []byte) error
}

// Entry is a key and its value.
type Entry struct {
	Key   string
	Value []byte
}

// Storage is a Durable Object's own storage: Blobs plus reads and writes of
// many keys at once.
type Storage interface {
	Blobs
	// GetMany returns the values of those of keys that exist.
	GetMany(ctx context.Context, keys []string) (map[string][]byte, error)
	// Write puts the entries and deletes the keys (a key in both is put),
	// atomically: all of it is stored, or none.
	Write(ctx context.Context, put []Entry, del []string) error
	// List returns, in key order, up to limit (1 to 1000) entries whose
	// keys start with prefix and sort after startAfter ("": from the
	// first).
	List(ctx context.Context, prefix, startAfter string, limit int) ([]Entry, error)
}

// MaxListLimit bounds Storage.List's limit.
const MaxListLimit = 1000

// The well-known keys of the Blobs store.
const (
	// KeyDeckCurrent holds the version string of the published deck.
	KeyDeckCurrent = "deck/current"
)

// DeckKey is the key of the snapshot of deck version v.
func DeckKey(version string) string { return "deck/v/" + version }

// AccountKey is the key of the account snapshot of a tenant.
func AccountKey(tenant string) string { return "account/" + tenant }

// Tenant is one customer business of the platform.
type Tenant struct {
	ID       string // URL-safe identifier, e.g. "acme"
	Name     string
	Home     string // ISO 3166-1 alpha-2 home country: national dialling and domestic calls
	Currency string // ISO 4217, e.g. "USD"
}

// Scope is a permission of a carrier API key.
type Scope string

// The scopes of carrier API keys.
const (
	ScopeAuthorize Scope = "authorize" // POST /v1/authorize
	ScopeCDRs      Scope = "cdrs"      // POST /v1/cdrs
	ScopeRates     Scope = "rates"     // GET /v1/rates/lookup
)

// ParseScope parses a scope name.
func ParseScope(s string) (Scope, error) {
	switch Scope(s) {
	case ScopeAuthorize, ScopeCDRs, ScopeRates:
		return Scope(s), nil
	}
	return "", core.FieldErrorf(core.Invalid, "scope", "unknown scope %q", s)
}

// APIKey is a carrier API key as stored: the SHA-256 of the secret token,
// never the token itself.
type APIKey struct {
	ID      string
	Tenant  string
	Hash    [32]byte
	Scopes  []Scope
	Created time.Time
}

// Allows reports whether k carries scope s.
func (k APIKey) Allows(s Scope) bool { return slices.Contains(k.Scopes, s) }

// HashToken returns the stored form of an API key token.
func HashToken(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// TokenMatches compares a token with a stored hash in constant time.
func TokenMatches(token string, hash [32]byte) bool {
	h := HashToken(token)
	return subtle.ConstantTimeCompare(h[:], hash[:]) == 1
}

// TokenPrefix starts every carrier API key token; the key's ID follows up to
// the next '_', then the secret: "tg_<id>_<secret>".
const TokenPrefix = "tg_"

// TokenID returns the key ID embedded in a token, or "" if the token is not
// shaped like one.
func TokenID(token string) string {
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return ""
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || id == "" || secret == "" {
		return ""
	}
	return id
}

// Keys stores carrier API keys (D1 table api_keys).
type Keys interface {
	// CreateKey stores k; a key with the same ID is a core.Conflict.
	CreateKey(ctx context.Context, k APIKey) error
	// Key returns the key with the given ID or a core.NotFound error.
	Key(ctx context.Context, id string) (APIKey, error)
}

// Tenants stores tenants (D1 table tenants).
type Tenants interface {
	// CreateTenant stores t; an existing ID is a core.Conflict.
	CreateTenant(ctx context.Context, t Tenant) error
	// Tenant returns the tenant or a core.NotFound error.
	Tenant(ctx context.Context, id string) (Tenant, error)
	// TenantIDs returns the IDs of all tenants, sorted.
	TenantIDs(ctx context.Context) ([]string, error)
}

// Ledger is the ledger of record (D1) as the worker uses it.
type Ledger interface {
	Keys
	Tenants
	CDRs
	Webhooks
}

// Accounts reaches the Durable Object of a tenant's account: it delivers an
// internal request (path and JSON body) to the object named by the tenant
// and returns its status and body. The objects serialize everything that
// must not race: reservations, CDR settlement, usage.
type Accounts interface {
	Call(ctx context.Context, tenant, path string, body []byte) (status int, resp []byte, err error)
}

// CDRRecord is a rated call as the ledger keeps it.
type CDRRecord struct {
	Tenant     string
	CallID     string
	User       string
	Dialled    string // E.164 or short number
	Direction  string // "inbound" or "outbound"
	Start      time.Time
	Seconds    int
	ReceivedAt time.Time
	Charges    []ChargeRecord
}

// ChargeRecord is one charge line of a rated call.
type ChargeRecord struct {
	CoveredBy string // "free", "package", "bundle", "payg"
	Quantity  int    // minutes (bundle) or seconds
	Amount    string // exact decimal
	Currency  string
	Cycle     string // the calendar month the call is billed in, "2026-11"
}

// CDRs is the ledger of rated calls (D1 tables cdrs and charges).
type CDRs interface {
	// RecordCDRs stores rated calls with their charges, idempotently by
	// (tenant, call id): a call already recorded is left as it is. All or
	// nothing.
	RecordCDRs(ctx context.Context, recs []CDRRecord) error
	// CDRCount returns how many calls of the tenant are recorded.
	CDRCount(ctx context.Context, tenant string) (int, error)
}
