package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinylib/msgp/msgp"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/memstore"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// Tokens of the fixture's API keys.
const (
	tokenAll   = "tg_all_secret1"
	tokenRates = "tg_rates_secret2"
	tokenOther = "tg_other_secret3"
)

var testNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// fixture is a Server on in-memory stores with the sample deck published,
// tenants "acme" (GB) and "globex" (US) and three keys.
type fixture struct {
	srv   *Server
	blobs *memstore.Blobs
	now   time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{blobs: memstore.NewBlobs(), now: testNow}
	l := memstore.NewLedger()
	for _, tn := range []worker.Tenant{
		{ID: "acme", Name: "Acme", Home: "GB", Currency: "USD"},
		{ID: "globex", Name: "Globex", Home: "US", Currency: "USD"},
	} {
		if err := l.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []struct {
		token, tenant string
		scopes        []worker.Scope
	}{
		{tokenAll, "acme", []worker.Scope{worker.ScopeAuthorize, worker.ScopeCDRs, worker.ScopeRates}},
		{tokenRates, "acme", []worker.Scope{worker.ScopeRates}},
		{tokenOther, "globex", []worker.Scope{worker.ScopeAuthorize}},
	} {
		err := l.CreateKey(ctx, worker.APIKey{ID: worker.TokenID(k.token), Tenant: k.tenant, Hash: worker.HashToken(k.token), Scopes: k.scopes})
		if err != nil {
			t.Fatal(err)
		}
	}
	snap := sampleDeckSnapshot(t)
	f.blobs.Put(ctx, worker.DeckKey("v1"), snap)
	f.blobs.Put(ctx, worker.KeyDeckCurrent, []byte("v1"))
	f.srv = New(Config{Blobs: f.blobs, Keys: l, Tenants: l, Now: func() time.Time { return f.now }})
	return f
}

// sampleDeckSnapshot is core's sample deck as version "v1", encoded as the
// worker stores it in KV.
func sampleDeckSnapshot(t testing.TB) []byte {
	t.Helper()
	file, err := os.Open("../../core/deck/testdata/sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	d, err := deck.ParseCSV(file)
	if err != nil {
		t.Fatal(err)
	}
	d.Version = "v1"
	ix, err := deck.NewIndex(d)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := deck.EncodeSnapshot(ix)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func (f *fixture) do(method, target, token string, body []byte, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	web.ToHTTP(f.srv).ServeHTTP(w, r)
	return w
}

func errorCode(t *testing.T, w *httptest.ResponseRecorder) core.Code {
	t.Helper()
	var b ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("error body %q: %v", w.Body, err)
	}
	if b.Error.Message == "" {
		t.Errorf("error without message: %s", w.Body)
	}
	return b.Error.Code
}

func TestStatusTable(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{core.Errorf(core.Invalid, "x"), 400},
		{core.Errorf(core.Unauthorized, "x"), 401},
		{core.Errorf(core.Forbidden, "x"), 403},
		{core.Errorf(core.NotFound, "x"), 404},
		{core.Errorf(core.Conflict, "x"), 409},
		{core.Errorf(core.Internal, "x"), 500},
		{os.ErrNotExist, 500},
	}
	for _, tt := range tests {
		if got := Status(tt.err); got != tt.want {
			t.Errorf("Status(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestInternalErrorsHideDetails(t *testing.T) {
	r := httptest.NewRequest("GET", "/v1/x", nil)
	w := httptest.NewRecorder()
	writeError(web.FromHTTPWriter(w), webReq(r), core.Errorf(core.Internal, "password=hunter2 at 10.0.0.1"))
	if w.Code != 500 || strings.Contains(w.Body.String(), "hunter2") || !strings.Contains(w.Body.String(), `"internal error"`) {
		t.Errorf("internal error leaked or malformed: %d %s", w.Code, w.Body)
	}
}

func TestLookup(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, query, token string
		status             int
		code               core.Code
		kind, perMinute    string
	}{
		{"AU landline", "number=%2B61299999999", tokenAll, 200, "", "landline", "0.13"},
		{"AU mobile", "number=%2B61412345678", tokenRates, 200, "", "mobile", "0.38"},
		{"GB IDD from GB tenant", "number=0061412345678", tokenAll, 200, "", "mobile", "0.38"},
		{"home override", "number=0011%2061412345678&home=AU", tokenAll, 200, "", "mobile", "0.38"},
		{"missing number", "", tokenAll, 400, core.Invalid, "", ""},
		{"garbage", "number=call-me", tokenAll, 400, core.Invalid, "", ""},
		{"bad at", "number=%2B61412345678&at=yesterday", tokenAll, 400, core.Invalid, "", ""},
		{"no key", "number=%2B61412345678", "", 401, core.Unauthorized, "", ""},
		{"unknown key", "number=%2B61412345678", "tg_nobody_x", 401, core.Unauthorized, "", ""},
		{"wrong secret", "number=%2B61412345678", "tg_all_secretX", 401, core.Unauthorized, "", ""},
		{"malformed key", "number=%2B61412345678", "hello", 401, core.Unauthorized, "", ""},
		{"wrong scope", "number=%2B61412345678", tokenOther, 403, core.Forbidden, "", ""},
		{"other tenant", "number=%2B61412345678&tenant=globex", tokenAll, 404, core.NotFound, "", ""},
		{"unknown tenant", "number=%2B61412345678&tenant=nobody", tokenAll, 404, core.NotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.do("GET", "/v1/rates/lookup?"+tt.query, tt.token, nil)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.code != "" {
				if got := errorCode(t, w); got != tt.code {
					t.Errorf("code %q, want %q", got, tt.code)
				}
				return
			}
			var b LookupResponse
			if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			if b.Rate == nil || b.Rate.Kind != tt.kind || b.Rate.PerMinute != tt.perMinute || b.DeckVersion != "v1" {
				t.Errorf("got %s", w.Body)
			}
		})
	}
}

func TestLookupEmergency(t *testing.T) {
	f := newFixture(t)
	w := f.do("GET", "/v1/rates/lookup?number=112", tokenAll, nil)
	var b LookupResponse
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || w.Code != 200 || !b.Emergency || b.Rate != nil {
		t.Errorf("112: %d %s", w.Code, w.Body)
	}
}

func TestDeckVersionCache(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	w := f.do("GET", "/v1/deck", "", nil)
	if w.Code != 200 || w.Header().Get("ETag") != `"v1"` {
		t.Fatalf("deck: %d %v", w.Code, w.Header())
	}
	// Publish v2 (same rows): the isolate sees it once the TTL has passed.
	snap, _ := f.blobs.Get(ctx, worker.DeckKey("v1"))
	ix, err := deck.DecodeSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	d := *ix.Deck()
	d.Version = "v2"
	ix2, err := deck.NewIndex(&d)
	if err != nil {
		t.Fatal(err)
	}
	snap2, _ := deck.EncodeSnapshot(ix2)
	f.blobs.Put(ctx, worker.DeckKey("v2"), snap2)
	f.blobs.Put(ctx, worker.KeyDeckCurrent, []byte("v2"))
	if w := f.do("GET", "/v1/deck", "", nil); w.Header().Get("ETag") != `"v1"` {
		t.Errorf("within TTL: ETag %s, want cached v1", w.Header().Get("ETag"))
	}
	f.now = f.now.Add(deckTTL)
	if w := f.do("GET", "/v1/deck", "", nil); w.Header().Get("ETag") != `"v2"` {
		t.Errorf("after TTL: ETag %s, want v2", w.Header().Get("ETag"))
	}
	if w := f.do("GET", "/v1/deck", "", nil, "If-None-Match", `"v2"`); w.Code != 304 {
		t.Errorf("If-None-Match: %d", w.Code)
	}
	if w := f.do("GET", "/v1/deck?version=v1", "", nil); w.Code != 200 || !bytes.Equal(w.Body.Bytes(), snap) {
		t.Errorf("old version: %d", w.Code)
	}
}

func TestNoDeckPublished(t *testing.T) {
	l := memstore.NewLedger()
	srv := New(Config{Blobs: memstore.NewBlobs(), Keys: l, Tenants: l})
	w := httptest.NewRecorder()
	web.ToHTTP(srv).ServeHTTP(w, httptest.NewRequest("GET", "/v1/rates", nil))
	if w.Code != 404 {
		t.Errorf("status %d, want 404", w.Code)
	}
}

func TestDirectory(t *testing.T) {
	f := newFixture(t)
	get := func(q string) (DirectoryResponse, int) {
		w := f.do("GET", "/v1/rates?"+q, "", nil)
		var b DirectoryResponse
		json.Unmarshal(w.Body.Bytes(), &b)
		return b, w.Code
	}
	all, code := get("limit=500")
	if code != 200 || all.Total == 0 || all.Total != len(all.Items) || all.Next != nil {
		t.Fatalf("all: %d total=%d items=%d", code, all.Total, len(all.Items))
	}
	// Paging through returns every row exactly once.
	var seen []string
	for off := 0; ; {
		p, _ := get("limit=3&offset=" + strconv.Itoa(off))
		for _, r := range p.Items {
			seen = append(seen, r.Prefix)
		}
		if p.Next == nil {
			break
		}
		off = *p.Next
	}
	if len(seen) != all.Total {
		t.Errorf("paged %d rows, want %d", len(seen), all.Total)
	}
	au, _ := get("country=au&kind=mobile")
	for _, r := range au.Items {
		if r.Country != "AU" || r.Kind != "mobile" {
			t.Errorf("filter leak: %+v", r)
		}
	}
	if len(au.Items) == 0 {
		t.Error("no AU mobile rows")
	}
	for _, q := range []string{"region=mars", "kind=x", "limit=0", "limit=x", "offset=-3"} {
		if _, code := get(q); code != 400 {
			t.Errorf("%s: status %d, want 400", q, code)
		}
	}
}

func TestUnknownRoutes(t *testing.T) {
	f := newFixture(t)
	if w := f.do("GET", "/v1/nothing", "", nil); w.Code != 404 || errorCode(t, w) != core.NotFound {
		t.Errorf("unknown path: %d %s", w.Code, w.Body)
	}
	if w := f.do("PUT", "/v1/rates", "", nil); w.Code != 405 || w.Header().Get("Allow") == "" {
		t.Errorf("wrong method: %d %v", w.Code, w.Header())
	}
}

// decodeTarget is a request body shape for the decode tests.
type decodeTarget struct {
	CallID  string `json:"call_id"`
	Seconds int    `json:"seconds"`
	Tags    []string
}

func TestDecode(t *testing.T) {
	mp := func(build func([]byte) []byte) []byte { return build(nil) }
	good := mp(func(b []byte) []byte {
		b = msgp.AppendMapHeader(b, 2)
		b = msgp.AppendString(b, "call_id")
		b = msgp.AppendString(b, "c1")
		b = msgp.AppendString(b, "seconds")
		return msgp.AppendInt(b, 61)
	})
	tests := []struct {
		name, ctype string
		body        []byte
		limit       int64
		wantErr     bool
		tooLarge    bool
	}{
		{"json", "application/json", []byte(`{"call_id":"c1","seconds":61}`), 100, false, false},
		{"json default type", "", []byte(`{"call_id":"c1","seconds":61}`), 100, false, false},
		{"msgpack", "application/msgpack", good, 100, false, false},
		{"msgpack trailing", "application/msgpack", append(good, 0xc0), 100, true, false},
		{"msgpack truncated", "application/msgpack", good[:len(good)-1], 100, true, false},
		{"msgpack binary value", "application/msgpack", msgp.AppendBytes(msgp.AppendString(msgp.AppendMapHeader(nil, 1), "call_id"), []byte{1}), 100, true, false},
		{"msgpack huge header", "application/msgpack", []byte{0xdf, 0xff, 0xff, 0xff, 0xff}, 100, true, false},
		{"malformed json", "application/json", []byte(`{"call_id":`), 100, true, false},
		{"wrong type", "application/json", []byte(`{"call_id":7}`), 100, true, false},
		{"unknown field", "application/json", []byte(`{"call_idx":"c"}`), 100, true, false},
		{"trailing json", "application/json", []byte(`{} {}`), 100, true, false},
		{"empty", "application/json", nil, 100, true, false},
		{"unsupported type", "text/plain", []byte(`{}`), 100, true, false},
		{"too large", "application/json", []byte(`{"call_id":"` + strings.Repeat("x", 200) + `"}`), 100, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", bytes.NewReader(tt.body))
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			var v decodeTarget
			err := decode(webReq(r), tt.limit, &v)
			if !tt.wantErr {
				if err != nil || v.CallID != "c1" || v.Seconds != 61 {
					t.Fatalf("decode = %+v, %v", v, err)
				}
				return
			}
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("error %v, want code invalid", err)
			}
			if (err == errTooLarge) != tt.tooLarge {
				t.Errorf("tooLarge = %v, want %v", err == errTooLarge, tt.tooLarge)
			}
		})
	}
}

func TestMsgpackResponseRoundTrip(t *testing.T) {
	in := map[string]any{"a": "x", "n": 3, "f": 1.5, "l": []any{true, nil}, "o": map[string]any{"k": "v"}}
	j, _ := json.Marshal(in)
	m, err := jsonToMsgpack(j)
	if err != nil {
		t.Fatal(err)
	}
	back, err := msgpackToJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(j, &a)
	json.Unmarshal(back, &b)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("round trip: %s != %s", ja, jb)
	}
}

// FuzzMsgpackBody: any MessagePack body either fails with Invalid or
// transcodes to valid JSON that survives the trip back.
func FuzzMsgpackBody(f *testing.F) {
	f.Add([]byte{0x80})
	f.Add(msgp.AppendString(msgp.AppendMapHeader(nil, 1), "k"))
	f.Add([]byte{0x92, 0x01, 0xa1, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		j, err := msgpackToJSON(b)
		if err != nil {
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("error code %q", core.ErrorCode(err))
			}
			return
		}
		if !json.Valid(j) {
			t.Fatalf("invalid JSON %q from %x", j, b)
		}
		m, err := jsonToMsgpack(j)
		if err != nil {
			t.Fatalf("back to msgpack: %v", err)
		}
		j2, err := msgpackToJSON(m)
		if err != nil {
			t.Fatalf("second trip: %v", err)
		}
		var x, y any
		json.Unmarshal(j, &x)
		json.Unmarshal(j2, &y)
		a, _ := json.Marshal(x)
		c, _ := json.Marshal(y)
		if !bytes.Equal(a, c) {
			t.Fatalf("unstable: %s vs %s", a, c)
		}
	})
}

var _ web.Handler = (*Server)(nil)

// webReq converts an httptest request for the package's own functions.
func webReq(r *http.Request) *web.Request {
	wr, err := web.FromHTTP(r)
	if err != nil {
		panic(err)
	}
	return wr
}
