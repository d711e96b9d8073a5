package httpapi

import (
	"context"
	"log"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/core/region"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// Decks keeps the published deck's index in the isolate: the current
// version pointer is re-read at most every deckTTL, and the snapshot of a
// version is decoded once. It is shared by the API and the Durable Object
// handlers of one Go instance and safe for concurrent use.
//
// No lock is held across I/O: in a Workers isolate one request must never
// wait for another request's I/O (the runtime cancels it as hung, and work
// resumed by another request's event runs in that request's context). So
// when the cached deck is due for a check, one request re-reads it while
// the others go on with the cached one, and with nothing cached yet every
// request loads the deck itself.
type Decks struct {
	blobs worker.Blobs
	now   func() time.Time

	mu         sync.Mutex
	checked    time.Time
	refreshing bool
	ix         *deck.Index
	snap       []byte
}

// NewDecks returns a Decks reading from blobs; now nil means time.Now.
func NewDecks(blobs worker.Blobs, now func() time.Time) *Decks {
	if now == nil {
		now = time.Now
	}
	return &Decks{blobs: blobs, now: now}
}

// Current returns the index and snapshot bytes of the published deck.
func (c *Decks) Current(ctx context.Context) (*deck.Index, []byte, error) {
	now := c.now()
	c.mu.Lock()
	ix, snap := c.ix, c.snap
	fresh := ix != nil && now.Sub(c.checked) < deckTTL && !now.Before(c.checked)
	if fresh || (ix != nil && c.refreshing) {
		c.mu.Unlock()
		return ix, snap, nil
	}
	if ix != nil {
		c.refreshing = true
	}
	c.mu.Unlock()

	nix, nsnap, err := c.load(ctx, ix, snap)

	c.mu.Lock()
	defer c.mu.Unlock()
	if ix != nil {
		c.refreshing = false
	}
	if err != nil {
		if ix != nil && core.ErrorCode(err) == core.Internal {
			log.Printf("deck refresh failed, serving cached version %q: %v", ix.Version(), err)
			return ix, snap, nil
		}
		return nil, nil, err
	}
	c.ix, c.snap, c.checked = nix, nsnap, now
	return nix, nsnap, nil
}

// load reads the current version and, unless it is cur's, its snapshot.
func (c *Decks) load(ctx context.Context, cur *deck.Index, curSnap []byte) (*deck.Index, []byte, error) {
	v, err := c.blobs.Get(ctx, worker.KeyDeckCurrent)
	if err != nil {
		if core.ErrorCode(err) == core.NotFound {
			return nil, nil, core.Errorf(core.NotFound, "no rate deck has been published")
		}
		return nil, nil, err
	}
	version := string(v)
	if cur != nil && cur.Version() == version {
		return cur, curSnap, nil
	}
	snap, err := c.blobs.Get(ctx, worker.DeckKey(version))
	if err != nil {
		return nil, nil, core.Errorf(core.Internal, "deck %q is published but its snapshot is missing: %v", version, err)
	}
	ix, err := deck.DecodeSnapshot(snap)
	if err != nil {
		return nil, nil, core.Errorf(core.Internal, "deck %q snapshot does not decode: %v", version, err)
	}
	return ix, snap, nil
}

// TierJSON is one tariff tier in API bodies.
type TierJSON struct {
	FromSecond int    `json:"from_second"`
	PerMinute  string `json:"per_minute"`
	Increment  int    `json:"increment"`
}

// RateJSON is one deck row in API bodies.
type RateJSON struct {
	Prefix        string     `json:"prefix"`
	Destination   string     `json:"destination"`
	Country       string     `json:"country,omitempty"`
	Region        region.ID  `json:"region,omitempty"`
	Kind          string     `json:"kind"`
	Currency      string     `json:"currency"`
	PerMinute     string     `json:"per_minute"` // the first tier's rate
	ConnectionFee string     `json:"connection_fee"`
	Increments    string     `json:"increments"` // "60/60", "30/6", ...
	Tiers         []TierJSON `json:"tiers"`
	EffectiveFrom *time.Time `json:"effective_from,omitempty"`
	EffectiveTo   *time.Time `json:"effective_to,omitempty"`
}

func rateJSON(r deck.Row, currency string) RateJSON {
	out := RateJSON{
		Prefix: r.Prefix, Destination: r.Destination, Country: r.Country, Region: region.Of(r.Country),
		Kind: r.Kind.String(), Currency: currency, ConnectionFee: r.Tariff.ConnectionFee.String(),
		Increments: increments(r.Tariff), Tiers: make([]TierJSON, len(r.Tariff.Tiers)),
	}
	for i, t := range r.Tariff.Tiers {
		out.Tiers[i] = TierJSON{FromSecond: t.FromSecond, PerMinute: t.PerMinute.String(), Increment: t.Increment}
	}
	if len(r.Tariff.Tiers) > 0 {
		out.PerMinute = r.Tariff.Tiers[0].PerMinute.String()
	}
	if !r.EffectiveFrom.IsZero() {
		t := r.EffectiveFrom.UTC()
		out.EffectiveFrom = &t
	}
	if !r.EffectiveTo.IsZero() {
		t := r.EffectiveTo.UTC()
		out.EffectiveTo = &t
	}
	return out
}

// increments names the billing increments the usual way: "60/60" (first
// increment / subsequent increment), from the first two tiers.
func increments(t deck.Tariff) string {
	switch len(t.Tiers) {
	case 0:
		return ""
	case 1:
		i := strconv.Itoa(t.Tiers[0].Increment)
		return i + "/" + i
	}
	return strconv.Itoa(t.Tiers[0].Increment) + "/" + strconv.Itoa(t.Tiers[1].Increment)
}

// LookupResponse answers GET /v1/rates/lookup.
type LookupResponse struct {
	Number      string    `json:"number"`               // E.164, or the short number's digits
	Emergency   bool      `json:"emergency"`            // an emergency number: never blocked, never rated
	Short       bool      `json:"short"`                // a short/service number of the home country
	DeckVersion string    `json:"deck_version"`         //
	Rate        *RateJSON `json:"rate"`                 // null for short numbers
	Price60     string    `json:"price_60s,omitempty"`  // what a 60-second call costs
	Price300    string    `json:"price_300s,omitempty"` // what a 5-minute call costs
}

func (s *Server) lookup(w web.ResponseWriter, r *web.Request) error {
	k, err := s.carrier(r, worker.ScopeRates)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	t, err := s.tenantFor(r.Context(), k, q.Get("tenant"))
	if err != nil {
		return err
	}
	number := q.Get("number")
	if number == "" {
		return core.FieldErrorf(core.Invalid, "number", "the number to look up is missing")
	}
	home := t.Home
	if h := q.Get("home"); h != "" {
		home = strings.ToUpper(h)
	}
	d, err := e164.ParseDial(number, home)
	if err != nil {
		return err
	}
	at := s.now()
	if v := q.Get("at"); v != "" {
		if at, err = time.Parse(time.RFC3339, v); err != nil {
			return core.FieldErrorf(core.Invalid, "at", "must be an RFC 3339 time like 2026-11-22T10:00:00Z")
		}
	}
	ix, _, err := s.decks.Current(r.Context())
	if err != nil {
		return err
	}
	out := LookupResponse{Number: d.String(), Emergency: d.Emergency, Short: d.Short != "", DeckVersion: ix.Version()}
	if d.Short == "" {
		row, ok := ix.Lookup(d.Number.Digits(), at)
		if !ok {
			return core.FieldErrorf(core.NotFound, "number", "no rate for %s", d.Number)
		}
		rj := rateJSON(row, ix.Currency())
		out.Rate = &rj
		out.Price60 = row.Tariff.Price(60).String()
		out.Price300 = row.Tariff.Price(300).String()
	}
	w.Header().Set("Cache-Control", "private, max-age=60")
	respond(w, r, web.StatusOK, out)
	return nil
}

// DirectoryResponse answers GET /v1/rates.
type DirectoryResponse struct {
	DeckVersion string     `json:"deck_version"`
	Total       int        `json:"total"`          // rows matching the filters
	Offset      int        `json:"offset"`         //
	Next        *int       `json:"next,omitempty"` // the offset of the next page, if any
	Items       []RateJSON `json:"items"`
}

// Directory limits.
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

func (s *Server) directory(w web.ResponseWriter, r *web.Request) error {
	q := r.URL.Query()
	search := strings.ToLower(strings.TrimSpace(q.Get("q")))
	country := strings.ToUpper(q.Get("country"))
	var reg region.ID
	if v := q.Get("region"); v != "" {
		reg = region.ID(v)
		if _, ok := region.Lookup(reg); !ok {
			return core.FieldErrorf(core.Invalid, "region", "unknown region %q", v)
		}
	}
	kind, kindSet := deck.KindOther, false
	if v := q.Get("kind"); v != "" {
		k, err := deck.ParseKind(v)
		if err != nil {
			return err
		}
		kind, kindSet = k, true
	}
	switch by := q.Get("by"); {
	case by == "country":
		for _, p := range []string{"kind", "limit", "offset"} {
			if q.Get(p) != "" {
				return core.FieldErrorf(core.Invalid, p, "%s does not apply to by=country (every country has its landline and mobile prices; there is one page)", p)
			}
		}
		return s.countries(w, r, search, country, reg)
	case by != "":
		return core.FieldErrorf(core.Invalid, "by", "by must be \"country\" or absent, not %q", by)
	}
	limit, err := intParam(q.Get("limit"), "limit", defaultPageSize, 1, maxPageSize)
	if err != nil {
		return err
	}
	offset, err := intParam(q.Get("offset"), "offset", 0, 0, deck.MaxRows)
	if err != nil {
		return err
	}
	ix, _, err := s.decks.Current(r.Context())
	if err != nil {
		return err
	}
	now := s.now()
	out := DirectoryResponse{DeckVersion: ix.Version(), Offset: offset, Items: []RateJSON{}}
	for _, row := range ix.Deck().Rows {
		if !row.InForce(now) ||
			(country != "" && row.Country != country) ||
			(reg != "" && !region.Covers(reg, row.Country)) ||
			(kindSet && row.Kind != kind) ||
			(search != "" && !matches(row, search)) {
			continue
		}
		if out.Total >= offset && len(out.Items) < limit {
			out.Items = append(out.Items, rateJSON(row, ix.Currency()))
		}
		out.Total++
	}
	if next := offset + len(out.Items); next < out.Total {
		out.Next = &next
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	respond(w, r, web.StatusOK, out)
	return nil
}

// CountriesResponse answers GET /v1/rates?by=country.
type CountriesResponse struct {
	DeckVersion string        `json:"deck_version"`
	Currency    string        `json:"currency"`
	Total       int           `json:"total"`
	Countries   []CountryJSON `json:"countries"`
}

// CountryJSON is what calls to one country cost per minute, to its
// landlines and to its mobiles: the core's deck.CountrySummary, which the
// portal's rates directory shows too.
type CountryJSON struct {
	Country     string          `json:"country"`
	Name        string          `json:"name"`
	CallingCode string          `json:"calling_code,omitempty"`
	Region      region.ID       `json:"region,omitempty"`
	RegionName  string          `json:"region_name,omitempty"`
	Landline    *PriceRangeJSON `json:"landline"` // null: no landline price
	Mobile      *PriceRangeJSON `json:"mobile"`   // null: no mobile price
	Shared      bool            `json:"shared"`   // one numbering plan: the same rows price both
}

// PriceRangeJSON is the lowest and highest first-tier price per minute.
type PriceRangeJSON struct {
	Min string `json:"min"`
	Max string `json:"max"`
}

func priceRangeJSON(p deck.PriceRange) *PriceRangeJSON {
	if !p.Set {
		return nil
	}
	return &PriceRangeJSON{Min: p.Min.String(), Max: p.Max.String()}
}

// countries answers GET /v1/rates?by=country: the per-country summary of
// the rows in force now, sorted by name, filtered by country, region and a
// search (name, ISO code or calling code).
func (s *Server) countries(w web.ResponseWriter, r *web.Request, search, country string, reg region.ID) error {
	ix, _, err := s.decks.Current(r.Context())
	if err != nil {
		return err
	}
	code := strings.TrimPrefix(strings.ReplaceAll(search, " ", ""), "+")
	out := CountriesResponse{DeckVersion: ix.Version(), Currency: ix.Currency(), Countries: []CountryJSON{}}
	for _, c := range deck.SummarizeCountries(ix.Deck().Rows, s.now()) {
		if (country != "" && c.Country != country) ||
			(reg != "" && c.Region != reg) ||
			(search != "" && !strings.Contains(strings.ToLower(c.Name), search) && strings.ToLower(c.Country) != search &&
				(code == "" || strings.Trim(code, "0123456789") != "" || c.CallingCode != code)) {
			continue
		}
		out.Countries = append(out.Countries, CountryJSON{Country: c.Country, Name: c.Name, CallingCode: c.CallingCode,
			Region: c.Region, RegionName: c.RegionName, Landline: priceRangeJSON(c.Landline), Mobile: priceRangeJSON(c.Mobile), Shared: c.Shared})
	}
	out.Total = len(out.Countries)
	w.Header().Set("Cache-Control", "public, max-age=60")
	respond(w, r, web.StatusOK, out)
	return nil
}

// matches is the directory search: a destination name or country code
// containing the text, or a prefix starting with its digits ("+44", "44").
func matches(row deck.Row, search string) bool {
	if d := strings.TrimPrefix(search, "+"); d != "" && strings.Trim(d, "0123456789") == "" {
		return strings.HasPrefix(row.Prefix, d)
	}
	return strings.Contains(strings.ToLower(row.Destination), search) ||
		strings.ToLower(row.Country) == search
}

func intParam(v, name string, def, min, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, core.FieldErrorf(core.Invalid, name, "must be an integer from %d to %d", min, max)
	}
	return n, nil
}

// deck serves the current deck snapshot (msgp), or an older version with
// ?version=, cacheable by version.
func (s *Server) deck(w web.ResponseWriter, r *web.Request) error {
	var version string
	var snap []byte
	if v := r.URL.Query().Get("version"); v != "" {
		b, err := s.cfg.Blobs.Get(r.Context(), worker.DeckKey(v))
		if err != nil {
			if core.ErrorCode(err) == core.NotFound {
				return core.FieldErrorf(core.NotFound, "version", "no deck version %q", v)
			}
			return err
		}
		version, snap = v, b
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		ix, b, err := s.decks.Current(r.Context())
		if err != nil {
			return err
		}
		version, snap = ix.Version(), b
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	etag := strconv.Quote(version)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("X-Deck-Version", version)
	if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == etag || inm == "W/"+etag) {
		w.WriteHeader(web.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/vnd.tollgate.deck+msgpack")
	h.Set("Content-Length", strconv.Itoa(len(snap)))
	w.Write(snap)
	return nil
}
