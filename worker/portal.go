package worker

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/billing"
)

// Role is what a portal user may do: an admin changes, a member sees.
type Role string

// The portal roles.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// ParseRole parses a role name.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleAdmin, RoleMember:
		return Role(s), nil
	}
	return "", core.FieldErrorf(core.Invalid, "role", "must be \"admin\" or \"member\"")
}

// PortalUser is a person who signs in to the portal (D1 table users). Its ID
// is also the ID of the account user it is, when it places calls.
type PortalUser struct {
	Tenant       string
	ID           string
	Email        string // unique across tenants, lower case
	Name         string
	Role         Role
	PasswordHash string // PasswordHash's encoding; "" means the user cannot sign in
}

// Session is a signed-in portal session as stored: the SHA-256 of the
// session token, never the token.
type Session struct {
	Hash    [32]byte
	Tenant  string
	User    string
	Created time.Time
	Expires time.Time
}

// AuditEntry is one row of the audit log: who changed what, when.
type AuditEntry struct {
	Tenant string
	Actor  string // the portal user
	Action string // e.g. "settings.update", "packages.apply", "deck.publish"
	Detail string // JSON
	At     time.Time
}

// IdempotencyRecord remembers the answer to a write sent with an
// Idempotency-Key, so that sending it again returns the same answer.
type IdempotencyRecord struct {
	Tenant      string
	Key         string
	RequestHash string // hex SHA-256 of the method, path and body
	Status      int
	Body        []byte
	At          time.Time
}

// BillingChange is a mid-cycle change of a tenant's billing items, kept for
// the prorated lines of the next invoice.
type BillingChange struct {
	Tenant string
	Change billing.Change
}

// Notification is a message for a tenant's portal inbox.
type Notification struct {
	Tenant  string
	ID      string
	Kind    string // e.g. "threshold"
	Message string
	At      time.Time
}

// StoredInvoice is an issued invoice: billing.Invoice as JSON.
type StoredInvoice struct {
	Tenant   string
	ID       string
	Cycle    billing.Cycle
	Total    string
	Currency string
	Body     []byte // JSON of billing.Invoice
	Issued   time.Time
}

// PortalWrite is what one portal write records in the ledger, all or
// nothing: its audit row and, when present, the billing change, the role
// change and the idempotency record. A second record under an idempotency
// key already used is a core.Conflict and nothing is written.
type PortalWrite struct {
	Audit       AuditEntry
	Change      *BillingChange
	Role        *PortalUser // sets Role of (Tenant, ID)
	Idempotency *IdempotencyRecord
}

// Portal is the ledger of record (D1) as the portal's API uses it.
type Portal interface {
	// CreatePortalUser stores u; an existing (tenant, id) or email is a
	// core.Conflict.
	CreatePortalUser(ctx context.Context, u PortalUser) error
	// PortalUserByEmail returns the user with that email (case-insensitive)
	// or a core.NotFound error.
	PortalUserByEmail(ctx context.Context, email string) (PortalUser, error)
	// PortalUser returns a user of a tenant or a core.NotFound error.
	PortalUser(ctx context.Context, tenant, id string) (PortalUser, error)
	// PortalUsers returns the tenant's portal users sorted by ID.
	PortalUsers(ctx context.Context, tenant string) ([]PortalUser, error)

	// CreateSession stores s and drops the user's sessions that expired
	// by s.Created (so that sessions do not pile up); an existing hash is a
	// core.Conflict.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session with the hash, or a core.NotFound error
	// if there is none or it expired at or before now.
	Session(ctx context.Context, hash [32]byte, now time.Time) (Session, error)
	// DeleteSession removes a session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, hash [32]byte) error

	// Idempotency returns the record of a key or a core.NotFound error.
	Idempotency(ctx context.Context, tenant, key string) (IdempotencyRecord, error)
	// CommitPortalWrite records a write, all or nothing.
	CommitPortalWrite(ctx context.Context, w PortalWrite) error
	// BillingChanges returns the changes with At in [from, to), by time.
	BillingChanges(ctx context.Context, tenant string, from, to time.Time) ([]billing.Change, error)
	// AuditLog returns the tenant's latest audit rows, newest first.
	AuditLog(ctx context.Context, tenant string, limit int) ([]AuditEntry, error)
	// Notifications returns the tenant's latest notifications, newest first.
	Notifications(ctx context.Context, tenant string, limit int) ([]Notification, error)
	// AddNotifications stores notifications for the portal's inbox (e.g.
	// threshold crossings seen by CDR rating), idempotently by (tenant,
	// ID): one already stored is left as it is.
	AddNotifications(ctx context.Context, ns []Notification) error
	// Invoices returns the tenant's issued invoices, newest first, without
	// their bodies; Invoice returns one with its body or core.NotFound.
	Invoices(ctx context.Context, tenant string) ([]StoredInvoice, error)
	Invoice(ctx context.Context, tenant, id string) (StoredInvoice, error)
	// CreateInvoice stores an issued invoice; one with the same ID or
	// cycle start is a core.Conflict.
	CreateInvoice(ctx context.Context, inv StoredInvoice) error
	// Calls returns the tenant's rated calls started in [from, to), by start.
	Calls(ctx context.Context, tenant string, from, to time.Time) ([]CDRRecord, error)
}

// Password hashing: PBKDF2-HMAC-SHA256 with a random 16-byte salt, stored as
// "pbkdf2-sha256$<iterations>$<salt>$<key>" (unpadded base64url), so the
// cost can be raised without invalidating stored hashes.
const (
	PasswordIterations = 100_000
	passwordScheme     = "pbkdf2-sha256"
	passwordKeyLen     = 32
	minPasswordLen     = 8
	maxPasswordLen     = 256
)

// HashPassword returns the stored form of a password with the given number
// of iterations (PasswordIterations in production; tests may use fewer).
func HashPassword(password string, iterations int) (string, error) {
	if len(password) < minPasswordLen || len(password) > maxPasswordLen {
		return "", core.FieldErrorf(core.Invalid, "password", "must be %d to %d bytes", minPasswordLen, maxPasswordLen)
	}
	if iterations < 1 {
		return "", core.Errorf(core.Invalid, "iterations must be positive")
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	return encodePassword(password, salt, iterations)
}

func encodePassword(password string, salt []byte, iterations int) (string, error) {
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, passwordKeyLen)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return passwordScheme + "$" + strconv.Itoa(iterations) + "$" + enc.EncodeToString(salt) + "$" + enc.EncodeToString(key), nil
}

// maxIterations bounds the work a stored hash can ask for.
const maxIterations = 10_000_000

// PasswordMatches reports whether password matches a stored hash, in time
// independent of where they differ. A malformed or empty hash never matches.
func PasswordMatches(password, stored string) bool {
	iter, salt, want, ok := ParsePasswordHash(stored)
	if !ok || len(password) > maxPasswordLen {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, passwordKeyLen)
	return err == nil && hmac.Equal(got, want)
}

// ParsePasswordHash splits a stored password hash into its iteration count,
// salt and derived key (32 bytes of PBKDF2-HMAC-SHA256), so that another
// implementation of PBKDF2 (WebCrypto on workerd) can check it.
func ParsePasswordHash(stored string) (iterations int, salt, key []byte, ok bool) {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != passwordScheme {
		return 0, nil, nil, false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 || iter > maxIterations {
		return 0, nil, nil, false
	}
	enc := base64.RawURLEncoding
	salt, err1 := enc.DecodeString(parts[2])
	key, err2 := enc.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(key) != passwordKeyLen || len(salt) == 0 {
		return 0, nil, nil, false
	}
	return iter, salt, key, true
}

// MaxPasswordLen is the longest password accepted.
const MaxPasswordLen = maxPasswordLen

// SessionTokenPrefix starts every portal session token.
const SessionTokenPrefix = "tgs_"

// NewSessionToken returns a fresh random session token (256 bits).
func NewSessionToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return SessionTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}
