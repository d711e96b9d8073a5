// Package httpapi is the worker's HTTP layer: the /v1 router, its handlers,
// request and response bodies (JSON, or MessagePack on request), body size
// limits, carrier API key authentication and the one table that maps
// Tollgate error codes to HTTP statuses.
//
// It is written against worker/web, not net/http (which would not fit the
// edge's wasm size budget): the same Server runs natively against the
// in-memory stores in tests (through web.ToHTTP and net/http/httptest) and
// on workerd against KV, D1 and the Durable Object through worker/glue.
package httpapi

import (
	_ "embed"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// OpenAPI is the OpenAPI 3.1 description of the API, served at
// /v1/openapi.json. A test checks that it and Routes describe the same
// operations.
//
//go:embed openapi.json
var OpenAPI []byte

// Config is what a Server needs. Now defaults to time.Now.
type Config struct {
	Blobs   worker.Blobs
	Keys    worker.Keys
	Tenants worker.Tenants
	Now     func() time.Time
	// Decks is the shared deck cache; nil means a new one on Blobs.
	Decks *Decks
	// Accounts reaches the accounts' Durable Objects.
	Accounts worker.Accounts
	// Catalog is the product catalog account snapshots refer to. With it,
	// authorizations that hold nothing (emergency, inbound, package calls)
	// are answered from the isolate's replica of the account; without it
	// every authorization goes to the Durable Object.
	Catalog *account.Catalog
	// Portal configures the signed-in portal's API (portal.go).
	Portal PortalConfig
	// Leases turns on quota leases (lease.go): metered calls are
	// authorized from a lease held in the isolate (needs Catalog).
	Leases bool
}

// Cache lifetimes in the isolate. Workers KV itself is eventually consistent
// (up to a minute), so these add little staleness.
const (
	deckTTL   = 5 * time.Second  // how often the current deck version is re-read
	keyTTL    = 30 * time.Second // revoked keys stop working within this time
	tenantTTL = 30 * time.Second
	// replicaTTL bounds how stale the isolate's copy of an account may be
	// when it answers an authorization that holds nothing.
	replicaTTL = 10 * time.Second
)

// Server serves the API.
type Server struct {
	cfg   Config
	mux   web.Mux
	decks *Decks
	keys  *ttlCache[string, worker.APIKey]
	// verified holds API keys by their whole token once its hash matched,
	// so that a request with a known token skips the SHA-256.
	verified *ttlCache[string, worker.APIKey]
	replica  *ttlCache[string, *replica]
	tenants  *ttlCache[string, worker.Tenant]
	leases   *leaseTable
}

// Route is one operation of the API.
type Route struct {
	Method  string
	Path    string // web.Mux/OpenAPI path, e.g. "/v1/rates/lookup"
	handler func(*Server, web.ResponseWriter, *web.Request) error
}

// routes is the API. Every entry must be in openapi.json and vice versa.
var routes = []Route{
	{"GET", "/v1/openapi.json", (*Server).openapi},
	{"GET", "/v1/rates/lookup", (*Server).lookup},
	{"GET", "/v1/rates", (*Server).directory},
	{"GET", "/v1/deck", (*Server).deck},
	{"POST", "/v1/authorize", (*Server).authorize},
	{"POST", "/v1/cdrs", (*Server).cdrs},
}

// Routes returns the operations the server answers.
func Routes() []Route { return append([]Route(nil), routes...) }

// New returns a Server.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Decks == nil {
		cfg.Decks = NewDecks(cfg.Blobs, cfg.Now)
	}
	s := &Server{
		cfg:      cfg,
		decks:    cfg.Decks,
		keys:     newTTLCache[string, worker.APIKey](keyTTL, 10000),
		verified: newTTLCache[string, worker.APIKey](keyTTL, 10000),
		tenants:  newTTLCache[string, worker.Tenant](tenantTTL, 10000),
		replica:  newTTLCache[string, *replica](replicaTTL, 1000),
		leases:   newLeaseTable(),
	}
	for _, rt := range routes {
		rt := rt
		s.mux.HandleFunc(rt.Method+" "+rt.Path, func(w web.ResponseWriter, r *web.Request) {
			if err := rt.handler(s, w, r); err != nil {
				writeError(w, r, err)
			}
		})
	}
	return s
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// ServeWeb implements web.Handler. Unknown paths and methods get the API's
// error body too.
func (s *Server) ServeWeb(w web.ResponseWriter, r *web.Request) {
	h, allow := s.mux.Route(r)
	switch {
	case h != nil:
		h.ServeWeb(w, r)
	case len(allow) > 0:
		w.Header().Set("Allow", strings.Join(allow, ", "))
		respond(w, r, web.StatusMethodNotAllowed, ErrorBody{Error: ErrorDetail{Code: core.Invalid, Message: "method not allowed"}})
	default:
		respond(w, r, web.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: core.NotFound, Message: "no such endpoint"}})
	}
}

func (s *Server) openapi(w web.ResponseWriter, r *web.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(OpenAPI)
	return nil
}
