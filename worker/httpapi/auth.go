package httpapi

import (
	"context"
	"strings"

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
	id := worker.TokenID(strings.TrimSpace(token))
	if id == "" {
		return worker.APIKey{}, core.Errorf(core.Unauthorized, "invalid API key")
	}
	k, err := s.key(r.Context(), id)
	if err != nil {
		if core.ErrorCode(err) == core.NotFound {
			return worker.APIKey{}, core.Errorf(core.Unauthorized, "invalid API key")
		}
		return worker.APIKey{}, err
	}
	if !worker.TokenMatches(strings.TrimSpace(token), k.Hash) {
		return worker.APIKey{}, core.Errorf(core.Unauthorized, "invalid API key")
	}
	if !k.Allows(scope) {
		return worker.APIKey{}, core.Errorf(core.Forbidden, "this API key lacks the %q scope", scope)
	}
	return k, nil
}

// key returns an API key, cached in the isolate for keyTTL: a revoked key
// stops working within that time.
func (s *Server) key(ctx context.Context, id string) (worker.APIKey, error) {
	now := s.now()
	if k, ok := s.keys.get(id, now); ok {
		return k, nil
	}
	k, err := s.cfg.Keys.Key(ctx, id)
	if err != nil {
		return worker.APIKey{}, err
	}
	s.keys.put(id, k, now)
	return k, nil
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
