package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// The operator's rate-deck administration: upload a CSV deck as a new
// version, list the versions, make an earlier version current again.

// signedInOperator is the preamble of the deck administration: a signed-in
// admin of the operator tenant (whose decks every tenant is rated with).
func (s *Server) signedInOperator(r *web.Request) (viewer, error) {
	v, err := s.signedInAdmin(r)
	if err != nil {
		return viewer{}, err
	}
	if v.tenant.ID != s.cfg.Portal.OperatorTenant || v.tenant.ID == "" {
		return viewer{}, core.Errorf(core.Forbidden, "only the platform operator's admins manage rate decks")
	}
	return v, nil
}

// DeckPublished answers a successful POST /v1/admin/deck.
type DeckPublished struct {
	Version  string `json:"version"`
	Rows     int    `json:"rows"`
	Currency string `json:"currency"`
	Previous string `json:"previous,omitempty"` // the version it replaced, still readable at /v1/deck?version=
}

// DeckErrorBody is the 400 answer to a deck with problems: every problem
// with its CSV line number. Nothing is published.
type DeckErrorBody struct {
	Error   ErrorDetail    `json:"error"`
	Errors  []RowErrorJSON `json:"errors"`
	Omitted int            `json:"omitted"` // problems beyond those listed
}

// RowErrorJSON is one problem of an uploaded deck.
type RowErrorJSON struct {
	Line    int    `json:"line"`
	Prefix  string `json:"prefix,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// maxVersionLen bounds a deck version name.
const maxVersionLen = 64

// uploadDeck publishes a CSV rate deck as a new version: parsed and
// validated by the core (every bad line reported, nothing published), its
// snapshot written under its version, then the current-version pointer
// switched to it in one write. Old versions stay readable.
func (s *Server) uploadDeck(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedInOperator(r)
	if err != nil {
		return err
	}
	mt, _ := mediaType(r.Header.Get("Content-Type"))
	if mt != "text/csv" {
		return core.Errorf(core.Invalid, "send the deck as Content-Type: text/csv")
	}
	version := r.URL.Query().Get("version")
	if len(version) > maxVersionLen || strings.ContainsAny(version, "/\x00\r\n") {
		return core.FieldErrorf(core.Invalid, "version", "must be at most %d bytes without '/' or line breaks", maxVersionLen)
	}
	body, err := readBody(r, limitDeck)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return core.Errorf(core.Invalid, "request body is empty")
	}
	d, err := deck.ParseCSV(bytes.NewReader(body))
	if err != nil {
		var ie *deck.ImportError
		if errors.As(err, &ie) {
			out := DeckErrorBody{Error: ErrorDetail{Code: core.Invalid, Message: "the deck has " +
				strconv.Itoa(len(ie.Errors)+ie.Omitted) + " problem(s); nothing was published"}, Errors: []RowErrorJSON{}, Omitted: ie.Omitted}
			for _, e := range ie.Errors {
				out.Errors = append(out.Errors, RowErrorJSON{Line: e.Line, Prefix: e.Prefix, Field: e.Field, Message: e.Message})
			}
			respond(w, r, Status(err), out)
			return nil
		}
		return err
	}
	if version == "" {
		version = worker.ContentVersion(body)
	}
	d.Version = version
	ix, err := deck.NewIndex(d)
	if err != nil {
		return err
	}
	snap, err := deck.EncodeSnapshot(ix)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if old, err := s.cfg.Blobs.Get(ctx, worker.DeckKey(version)); err == nil {
		if !bytes.Equal(old, snap) {
			return core.FieldErrorf(core.Conflict, "version", "version %q is already published with other rates: versions are immutable", version)
		}
	} else if core.ErrorCode(err) != core.NotFound {
		return err
	} else if err := s.cfg.Blobs.Put(ctx, worker.DeckKey(version), snap); err != nil {
		return err
	}
	if err := s.recordDeckVersion(ctx, worker.DeckVersion{Version: version, Rows: ix.Len(), Currency: ix.Currency(),
		UploadedAt: s.now().UTC(), UploadedBy: v.user.Email}); err != nil {
		return err
	}
	prev := ""
	if b, err := s.cfg.Blobs.Get(ctx, worker.KeyDeckCurrent); err == nil {
		prev = string(b)
	}
	// The one write that publishes: readers see the old or the new version.
	if err := s.cfg.Blobs.Put(ctx, worker.KeyDeckCurrent, []byte(version)); err != nil {
		return err
	}
	s.decks.refresh()
	detail, _ := json.Marshal(map[string]any{"version": version, "rows": ix.Len(), "previous": prev})
	if err := s.cfg.Portal.Store.CommitPortalWrite(ctx, worker.PortalWrite{Audit: worker.AuditEntry{Tenant: v.tenant.ID,
		Actor: v.user.ID, Action: "deck.publish", Detail: string(detail), At: s.now().UTC()}}); err != nil {
		return core.Errorf(core.Internal, "deck %s published; audit row failed: %v", version, err)
	}
	respond(w, r, web.StatusCreated, DeckPublished{Version: version, Rows: ix.Len(), Currency: ix.Currency(), Previous: prev})
	return nil
}

// recordDeckVersion adds an uploaded version to the deck history (once its
// snapshot is stored, before it becomes current). A current version the
// history does not list (published before the history was kept) is recorded
// first, so that it stays listed and can be made current again.
func (s *Server) recordDeckVersion(ctx context.Context, dv worker.DeckVersion) error {
	h, err := s.deckHistory(ctx)
	if err != nil {
		return err
	}
	changed := false
	if cur, _, err := s.decks.Current(ctx); err == nil {
		if _, listed := h.Find(cur.Version()); !listed {
			h, changed = h.Add(worker.DeckVersion{Version: cur.Version(), Rows: cur.Len(), Currency: cur.Currency()})
		}
	}
	h, added := h.Add(dv)
	if !changed && !added {
		return nil
	}
	return s.cfg.Blobs.Put(ctx, worker.KeyDeckVersions, h.Encode())
}

func (s *Server) deckHistory(ctx context.Context) (worker.DeckVersions, error) {
	b, err := s.cfg.Blobs.Get(ctx, worker.KeyDeckVersions)
	if core.ErrorCode(err) == core.NotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return worker.DecodeDeckVersions(b)
}

// DeckVersionJSON is one deck version in GET /v1/admin/decks.
type DeckVersionJSON struct {
	Version    string     `json:"version"`
	Rows       int        `json:"rows"`
	Currency   string     `json:"currency"`
	UploadedAt *time.Time `json:"uploaded_at,omitempty"` // absent for a version published before the history was kept
	UploadedBy string     `json:"uploaded_by,omitempty"`
	Current    bool       `json:"current"`
}

// DeckVersionsResponse answers GET /v1/admin/decks: the uploaded versions,
// newest first, and which one is current.
type DeckVersionsResponse struct {
	Current  string            `json:"current"`
	Versions []DeckVersionJSON `json:"versions"`
}

func (s *Server) listDecks(w web.ResponseWriter, r *web.Request) error {
	if _, err := s.signedInOperator(r); err != nil {
		return err
	}
	ctx := r.Context()
	h, err := s.deckHistory(ctx)
	if err != nil {
		return err
	}
	out := DeckVersionsResponse{Versions: []DeckVersionJSON{}}
	if ix, _, err := s.decks.Current(ctx); err == nil {
		out.Current = ix.Version()
		if _, listed := h.Find(out.Current); !listed {
			// Published before the history was kept (or by hand): still listed.
			out.Versions = append(out.Versions, DeckVersionJSON{Version: ix.Version(), Rows: ix.Len(), Currency: ix.Currency(), Current: true})
		}
	} else if core.ErrorCode(err) != core.NotFound {
		return err
	}
	for _, dv := range h {
		j := DeckVersionJSON{Version: dv.Version, Rows: dv.Rows, Currency: dv.Currency,
			UploadedBy: dv.UploadedBy, Current: dv.Version == out.Current}
		if !dv.UploadedAt.IsZero() {
			at := dv.UploadedAt.UTC()
			j.UploadedAt = &at
		}
		out.Versions = append(out.Versions, j)
	}
	w.Header().Set("Cache-Control", "no-store")
	respond(w, r, web.StatusOK, out)
	return nil
}

// DeckActivateRequest is the body of POST /v1/admin/deck/current.
type DeckActivateRequest struct {
	Version string `json:"version"`
}

// activateDeck makes an uploaded version current again (a roll-back, or a
// roll-forward after one): its snapshot must exist and decode; then the
// current-version pointer moves in one write.
func (s *Server) activateDeck(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedInOperator(r)
	if err != nil {
		return err
	}
	var q DeckActivateRequest
	if err := decode(r, limitSmall, &q); err != nil {
		return err
	}
	if q.Version == "" {
		return core.FieldErrorf(core.Invalid, "version", "is required")
	}
	if len(q.Version) > maxVersionLen || strings.ContainsAny(q.Version, "/\x00\r\n") {
		return core.FieldErrorf(core.Invalid, "version", "must be at most %d bytes without '/' or line breaks", maxVersionLen)
	}
	ctx := r.Context()
	snap, err := s.cfg.Blobs.Get(ctx, worker.DeckKey(q.Version))
	if core.ErrorCode(err) == core.NotFound {
		return core.FieldErrorf(core.NotFound, "version", "no deck version %q", q.Version)
	} else if err != nil {
		return err
	}
	ix, err := deck.DecodeSnapshot(snap)
	if err != nil {
		return core.Errorf(core.Internal, "deck %q snapshot does not decode: %v", q.Version, err)
	}
	prev := ""
	if b, err := s.cfg.Blobs.Get(ctx, worker.KeyDeckCurrent); err == nil {
		prev = string(b)
	}
	if prev != q.Version {
		if err := s.cfg.Blobs.Put(ctx, worker.KeyDeckCurrent, []byte(q.Version)); err != nil {
			return err
		}
		s.decks.refresh()
		detail, _ := json.Marshal(map[string]any{"version": q.Version, "rows": ix.Len(), "previous": prev})
		if err := s.cfg.Portal.Store.CommitPortalWrite(ctx, worker.PortalWrite{Audit: worker.AuditEntry{Tenant: v.tenant.ID,
			Actor: v.user.ID, Action: "deck.activate", Detail: string(detail), At: s.now().UTC()}}); err != nil {
			return core.Errorf(core.Internal, "deck %s made current; audit row failed: %v", q.Version, err)
		}
	}
	respond(w, r, web.StatusOK, DeckPublished{Version: q.Version, Rows: ix.Len(), Currency: ix.Currency(), Previous: prev})
	return nil
}
