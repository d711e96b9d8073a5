package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// The portal's API: signed-in users of a tenant (roles admin and member)
// see and change their account. A session is a random token in an
// HttpOnly, SameSite=Strict cookie; the ledger keeps only its SHA-256.
// Members read; admins write (a member's write is 403). Anything of another
// tenant is 404, as if it did not exist. Every write goes through the
// tenant's account Durable Object (see portal_object.go), which applies it
// with the core, persists and republishes the account snapshot, and records
// the audit row (with the billing change and idempotency record) in one
// ledger transaction.

// PortalConfig is what the portal's API needs besides Config's stores.
type PortalConfig struct {
	// Store is the portal's ledger (D1): users, sessions, audit, changes.
	Store worker.Portal
	// Catalog is the product catalog accounts refer to.
	Catalog *account.Catalog
	// OperatorTenant is the platform operator's tenant: its admins may
	// publish rate decks (the deck is shared by every tenant).
	OperatorTenant string
	// SessionTTL is how long a session lasts; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
	// PasswordMatches checks a password against its stored hash; nil means
	// worker.PasswordMatches (the edge uses WebCrypto's native PBKDF2).
	PasswordMatches func(password, stored string) bool
}

// DefaultSessionTTL is how long a portal session lasts.
const DefaultSessionTTL = 12 * time.Hour

// SessionCookie is the name of the portal's session cookie.
const SessionCookie = "tollgate_session"

// Body limits of the portal's routes.
const (
	limitPortal = 64 << 10 // any portal JSON body
	limitDeck   = 7 << 20  // a CSV rate deck (the glue refuses bodies over 8 MiB)
)

var portalRoutes = []Route{
	{"POST", "/v1/session", (*Server).signIn},
	{"DELETE", "/v1/session", (*Server).signOut},
	{"GET", "/v1/me", (*Server).me},
	{"GET", "/v1/account", (*Server).getAccount},
	{"GET", "/v1/account/snapshot", (*Server).getAccountSnapshot},
	{"PATCH", "/v1/account/settings", (*Server).patchSettings},
	{"GET", "/v1/users", (*Server).listUsers},
	{"GET", "/v1/users/{id}", (*Server).getUser},
	{"PATCH", "/v1/users/{id}", (*Server).patchUser},
	{"POST", "/v1/users/{id}/packages", (*Server).userPackages},
	{"GET", "/v1/numbers", (*Server).listNumbers},
	{"POST", "/v1/numbers/{n}/assign", (*Server).numberAssign},
	{"POST", "/v1/numbers/{n}/unassign", (*Server).numberUnassign},
	{"POST", "/v1/numbers/{n}/reassign", (*Server).numberReassign},
	{"POST", "/v1/numbers/{n}/release", (*Server).numberRelease},
	{"GET", "/v1/packages", (*Server).getPackages},
	{"POST", "/v1/packages/quote", (*Server).quotePackages},
	{"POST", "/v1/packages/apply", (*Server).applyPackages},
	{"GET", "/v1/usage", (*Server).getUsage},
	{"GET", "/v1/invoices", (*Server).listInvoices},
	{"GET", "/v1/invoices/{id}", (*Server).getInvoice},
	{"GET", "/v1/notifications", (*Server).getNotifications},
	{"GET", "/v1/audit", (*Server).getAudit},
	{"POST", "/v1/admin/deck", (*Server).uploadDeck},
	{"GET", "/v1/admin/decks", (*Server).listDecks},
	{"POST", "/v1/admin/deck/current", (*Server).activateDeck},
}

// init mounts the portal's routes. Their answers are private to the
// signed-in user: never stored by caches (nor by the portal's service
// worker).
func init() {
	for _, rt := range portalRoutes {
		h := rt.handler
		rt.handler = func(s *Server, w web.ResponseWriter, r *web.Request) error {
			w.Header().Set("Cache-Control", "private, no-store")
			return h(s, w, r)
		}
		routes = append(routes, rt)
	}
}

// viewer is the signed-in user of a request.
type viewer struct {
	user    worker.PortalUser
	tenant  worker.Tenant
	session worker.Session
}

func (v viewer) admin() error {
	if v.user.Role != worker.RoleAdmin {
		return core.Errorf(core.Forbidden, "only an admin of the account can change this")
	}
	return nil
}

func (s *Server) portalStore() (worker.Portal, error) {
	if s.cfg.Portal.Store == nil || s.catalog() == nil {
		return nil, core.Errorf(core.Internal, "the portal is not configured")
	}
	return s.cfg.Portal.Store, nil
}

// signedIn authenticates a portal request by its session cookie.
func (s *Server) signedIn(r *web.Request) (viewer, error) {
	store, err := s.portalStore()
	if err != nil {
		return viewer{}, err
	}
	c, ok := r.Cookie(SessionCookie)
	if !ok || !strings.HasPrefix(c, worker.SessionTokenPrefix) {
		return viewer{}, core.Errorf(core.Unauthorized, "not signed in")
	}
	ctx := r.Context()
	sess, err := store.Session(ctx, worker.HashToken(c), s.now())
	if err != nil {
		if core.ErrorCode(err) == core.NotFound {
			return viewer{}, core.Errorf(core.Unauthorized, "your session has ended: sign in again")
		}
		return viewer{}, err
	}
	u, err := store.PortalUser(ctx, sess.Tenant, sess.User)
	if err != nil {
		if core.ErrorCode(err) == core.NotFound {
			return viewer{}, core.Errorf(core.Unauthorized, "your session has ended: sign in again")
		}
		return viewer{}, err
	}
	t, err := s.tenant(ctx, sess.Tenant)
	if err != nil {
		return viewer{}, err
	}
	return viewer{user: u, tenant: t, session: sess}, nil
}

func (s *Server) tenant(ctx context.Context, id string) (worker.Tenant, error) {
	now := s.now()
	if t, ok := s.tenants.get(id, now); ok {
		return t, nil
	}
	t, err := s.cfg.Tenants.Tenant(ctx, id)
	if err != nil {
		return worker.Tenant{}, err
	}
	s.tenants.put(id, t, now)
	return t, nil
}

// SignInRequest is the body of POST /v1/session.
type SignInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// MeResponse answers GET /v1/me and POST /v1/session.
type MeResponse struct {
	User     PortalUserJSON `json:"user"`
	Tenant   TenantJSON     `json:"tenant"`
	Operator bool           `json:"operator"` // may publish rate decks
	Expires  time.Time      `json:"expires"`  // when the session ends
}

// PortalUserJSON is a signed-in user.
type PortalUserJSON struct {
	ID    string      `json:"id"`
	Email string      `json:"email"`
	Name  string      `json:"name"`
	Role  worker.Role `json:"role"`
}

// TenantJSON is a tenant.
type TenantJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Home     string `json:"home"`
	Currency string `json:"currency"`
}

func tenantJSON(t worker.Tenant) TenantJSON {
	return TenantJSON{ID: t.ID, Name: t.Name, Home: t.Home, Currency: t.Currency}
}

func (s *Server) meResponse(v viewer) MeResponse {
	return MeResponse{
		User:     PortalUserJSON{ID: v.user.ID, Email: v.user.Email, Name: v.user.Name, Role: v.user.Role},
		Tenant:   tenantJSON(v.tenant),
		Operator: v.user.Role == worker.RoleAdmin && v.tenant.ID == s.cfg.Portal.OperatorTenant && v.tenant.ID != "",
		Expires:  v.session.Expires.UTC(),
	}
}

// dummyHash is compared against when the email is unknown, so that a wrong
// email takes as long as a wrong password (a hash of a throwaway password).
const dummyHash = "pbkdf2-sha256$100000$Y0rUSTZM-LW0UMGOkqj1pw$g6XUhFtUn2j1yRgyCEUp4wa5qGKH_pkDDI7Hl_SGz2Q"

func (s *Server) passwordMatches(password, stored string) bool {
	if f := s.cfg.Portal.PasswordMatches; f != nil {
		return f(password, stored)
	}
	return worker.PasswordMatches(password, stored)
}

func (s *Server) signIn(w web.ResponseWriter, r *web.Request) error {
	store, err := s.portalStore()
	if err != nil {
		return err
	}
	var q SignInRequest
	if err := decode(r, limitSmall, &q); err != nil {
		return err
	}
	q.Email = strings.TrimSpace(q.Email)
	if q.Email == "" || len(q.Email) > 254 {
		return core.FieldErrorf(core.Invalid, "email", "enter your email address")
	}
	if q.Password == "" || len(q.Password) > 256 {
		return core.FieldErrorf(core.Invalid, "password", "enter your password")
	}
	ctx := r.Context()
	bad := core.Errorf(core.Unauthorized, "wrong email or password")
	u, err := store.PortalUserByEmail(ctx, q.Email)
	if err != nil {
		if core.ErrorCode(err) != core.NotFound {
			return err
		}
		s.passwordMatches(q.Password, dummyHash)
		return bad
	}
	if !s.passwordMatches(q.Password, u.PasswordHash) {
		return bad
	}
	t, err := s.tenant(ctx, u.Tenant)
	if err != nil {
		return err
	}
	ttl := s.cfg.Portal.SessionTTL
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	now := s.now().UTC()
	token := worker.NewSessionToken()
	sess := worker.Session{Hash: worker.HashToken(token), Tenant: u.Tenant, User: u.ID, Created: now, Expires: now.Add(ttl)}
	if err := store.CreateSession(ctx, sess); err != nil {
		return err
	}
	if err := store.CommitPortalWrite(ctx, worker.PortalWrite{Audit: worker.AuditEntry{Tenant: u.Tenant, Actor: u.ID,
		Action: "session.create", Detail: "{}", At: now}}); err != nil {
		return err
	}
	web.SetCookie(w, web.Cookie{Name: SessionCookie, Value: token, Path: "/", MaxAge: int(ttl / time.Second),
		HttpOnly: true, SameSite: web.SameSiteStrict, Secure: secureCookie(r)})
	respond(w, r, web.StatusOK, s.meResponse(viewer{user: u, tenant: t, session: sess}))
	return nil
}

// secureCookie says whether the session cookie gets the Secure attribute:
// always, except over plain http to localhost (wrangler dev, tests).
func secureCookie(r *web.Request) bool {
	host := r.URL.Hostname()
	local := host == "localhost" || strings.HasSuffix(host, ".localhost")
	if ip, err := netip.ParseAddr(host); err == nil && ip.Unmap().IsLoopback() {
		local = true
	}
	https := r.URL.Scheme == "https" || r.Header.Get("X-Forwarded-Proto") == "https"
	return https || !local
}

func (s *Server) signOut(w web.ResponseWriter, r *web.Request) error {
	store, err := s.portalStore()
	if err != nil {
		return err
	}
	if c, ok := r.Cookie(SessionCookie); ok && c != "" {
		ctx := r.Context()
		h := worker.HashToken(c)
		if sess, err := store.Session(ctx, h, s.now()); err == nil {
			if err := store.DeleteSession(ctx, h); err != nil {
				return err
			}
			if err := store.CommitPortalWrite(ctx, worker.PortalWrite{Audit: worker.AuditEntry{Tenant: sess.Tenant, Actor: sess.User,
				Action: "session.delete", Detail: "{}", At: s.now().UTC()}}); err != nil {
				return err
			}
		}
	}
	web.SetCookie(w, web.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: web.SameSiteStrict, Secure: secureCookie(r)})
	w.WriteHeader(web.StatusNoContent)
	return nil
}

func (s *Server) me(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedIn(r)
	if err != nil {
		return err
	}
	respond(w, r, web.StatusOK, s.meResponse(v))
	return nil
}

// readBody returns the request body if it has at most limit bytes, else
// errTooLarge (413).
func readBody(r *web.Request, limit int64) ([]byte, error) {
	body, err := r.BodyAtMost(limit)
	if err != nil {
		return nil, errTooLarge
	}
	return body, nil
}

// requestHash identifies a write for its idempotency key: the same key with
// a different request is a conflict.
func requestHash(r *web.Request, body []byte) string {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// idempotencyKey returns the request's Idempotency-Key header, checked.
func idempotencyKey(r *web.Request, required bool) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if k == "" {
		if required {
			return "", core.FieldErrorf(core.Invalid, "Idempotency-Key", "send an Idempotency-Key header (a unique value per change) so that a retry cannot apply the change twice")
		}
		return "", nil
	}
	if len(k) > 128 || strings.ContainsAny(k, "\x00\r\n") {
		return "", core.FieldErrorf(core.Invalid, "Idempotency-Key", "must be 1 to 128 bytes on one line")
	}
	return k, nil
}
