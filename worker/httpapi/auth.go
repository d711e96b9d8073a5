package httpapi

import (
	"context"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// carrier authenticates a carrier request: the API key from the
// Authorization header ("Bearer tg_<id>_<secret>") must exist, match its
// stored hash and carry scope. Any failure to identify the key is
// Unauthorized (401); a known key without the scope is Forbidden (403).
func (s *Server) carrier(r *web.Request, scope worker.Scope) (worker.APIKey, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return worker.APIKey{}, core.Errorf(core.Unauthorized, "missing API key: send Authorization: Bearer <key>")
	}
	token = strings.TrimSpace(token)
	now := s.now()
	k, ok := s.verified.get(token, now)
	if !ok {
		id := worker.TokenID(token)
		if id == "" {
			return worker.APIKey{}, core.Errorf(core.Unauthorized, "invalid API key")
		}
		var at time.Time
		var err error
		k, at, err = s.key(r.Context(), id)
		if err != nil {
			if core.ErrorCode(err) == core.NotFound {
				return worker.APIKey{}, core.Errorf(core.Unauthorized, "invalid API key")
			}
			return worker.APIKey{}, err
		}
		if !worker.TokenMatches(token, k.Hash) {
			return worker.APIKey{}, core.Errorf(core.Unauthorized, "invalid API key")
		}
		// Verified tokens skip the hash until the key itself is due for
		// a re-read: a revoked key still stops working within keyTTL.
		s.verified.put(token, k, at)
	}
	if !k.Allows(scope) {
		return worker.APIKey{}, core.Errorf(core.Forbidden, "this API key lacks the %q scope", scope)
	}
	return k, nil
}

// key returns an API key and when it was read, cached in the isolate for
// keyTTL: a revoked key stops working within that time.
func (s *Server) key(ctx context.Context, id string) (worker.APIKey, time.Time, error) {
	now := s.now()
	if k, at, ok := s.keys.getAt(id, now); ok {
		return k, at, nil
	}
	k, err := s.cfg.Keys.Key(ctx, id)
	if err != nil {
		return worker.APIKey{}, time.Time{}, err
	}
	s.keys.put(id, k, now)
	return k, now, nil
}

// tenantFor checks that the tenant named by a request is the key's own and
// returns it. Another tenant's name is NotFound, as if it did not exist.
func (s *Server) tenantFor(ctx context.Context, k worker.APIKey, named string) (worker.Tenant, error) {
	if named == "" {
		named = k.Tenant
	}
	if named != k.Tenant {
		return worker.Tenant{}, core.FieldErrorf(core.NotFound, "tenant", "no tenant %q", named)
	}
	now := s.now()
	if t, ok := s.tenants.get(named, now); ok {
		return t, nil
	}
	t, err := s.cfg.Tenants.Tenant(ctx, named)
	if err != nil {
		return worker.Tenant{}, err
	}
	s.tenants.put(named, t, now)
	return t, nil
}
