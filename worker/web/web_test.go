//go:build !(js && wasm)

package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"reflect"
	"strings"
	"testing"
)

// net/http and net/textproto are the slow obvious references here: the
// tests run natively, where linking them costs nothing.

func TestCanonicalKey(t *testing.T) {
	for _, k := range []string{"", "a", "content-type", "CONTENT-TYPE", "Content-Type", "x-tollgate-activation",
		"idempotency-key", "WWW-authenticate", "-x-", "a--b", "x_y", "x y", "x:y", "ü-a", "1a-2b", "cache-control"} {
		if got, want := CanonicalKey(k), textproto.CanonicalMIMEHeaderKey(k); got != want {
			t.Errorf("CanonicalKey(%q) = %q, want %q", k, got, want)
		}
	}
}

func TestCanonicalKeyCommon(t *testing.T) {
	for lower, k := range commonKeys {
		if got := CanonicalKey(lower); got != textproto.CanonicalMIMEHeaderKey(lower) || got != k {
			t.Errorf("CanonicalKey(%q) = %q, want %q", lower, got, textproto.CanonicalMIMEHeaderKey(lower))
		}
		if n := testing.AllocsPerRun(10, func() { CanonicalKey(lower) }); n != 0 {
			t.Errorf("CanonicalKey(%q) allocates %v times", lower, n)
		}
	}
}

func FuzzCanonicalKey(f *testing.F) {
	f.Add("content-type")
	f.Add("a b")
	f.Fuzz(func(t *testing.T, k string) {
		if got, want := CanonicalKey(k), textproto.CanonicalMIMEHeaderKey(k); got != want {
			t.Fatalf("CanonicalKey(%q) = %q, want %q", k, got, want)
		}
	})
}

func TestHeader(t *testing.T) {
	h := Header{}
	h.Set("content-type", "a")
	h.Add("X-A", "1")
	h.Add("x-a", "2")
	if h.Get("Content-Type") != "a" || !reflect.DeepEqual(h.Values("X-a"), []string{"1", "2"}) || h.Get("missing") != "" {
		t.Fatalf("header %v", h)
	}
	c := h.Clone()
	c.Add("x-a", "3")
	h.Del("CONTENT-TYPE")
	if len(h["X-A"]) != 2 || c.Get("content-type") != "a" || h.Get("content-type") != "" {
		t.Fatalf("clone shares values or Del failed: %v %v", h, c)
	}
}

func TestCookieString(t *testing.T) {
	tests := []Cookie{
		{Name: "s", Value: "tg_abc", Path: "/", MaxAge: 3600, HttpOnly: true, Secure: true, SameSite: SameSiteStrict},
		{Name: "s", Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: SameSiteStrict},
		{Name: "s", Value: "a b,c", SameSite: SameSiteLax},
		{Name: "s", Value: "x;y\"z\\", Path: "/a;b", SameSite: SameSiteNone, Secure: true},
		{Name: "bad name", Value: "v"},
	}
	for _, c := range tests {
		ref := (&http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path, MaxAge: c.MaxAge, HttpOnly: c.HttpOnly,
			Secure: c.Secure, SameSite: map[SameSite]http.SameSite{SameSiteDefault: 0, SameSiteLax: http.SameSiteLaxMode,
				SameSiteStrict: http.SameSiteStrictMode, SameSiteNone: http.SameSiteNoneMode}[c.SameSite]}).String()
		if got := c.String(); got != ref {
			t.Errorf("%+v: String() = %q, net/http says %q", c, got, ref)
		}
	}
}

func TestRequestCookie(t *testing.T) {
	for _, tt := range []struct {
		lines []string
		name  string
		want  string
		ok    bool
	}{
		{[]string{"a=1; tollgate_session=tg_x; b=2"}, "tollgate_session", "tg_x", true},
		{[]string{"a=1", `s="q"`}, "s", "q", true},
		{[]string{"a=1"}, "s", "", false},
		{nil, "s", "", false},
		{[]string{"s="}, "s", "", true},
	} {
		r := &Request{Header: Header{"Cookie": tt.lines}}
		got, ok := r.Cookie(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%q: Cookie(%q) = %q, %v; want %q, %v", tt.lines, tt.name, got, ok, tt.want, tt.ok)
		}
		hr := &http.Request{Header: http.Header{"Cookie": tt.lines}}
		if c, err := hr.Cookie(tt.name); (err == nil) != ok || (ok && c.Value != got) {
			t.Errorf("%q: net/http disagrees: %v %v", tt.lines, c, err)
		}
	}
}

func TestBodyAtMost(t *testing.T) {
	r := &Request{Body: []byte("12345")}
	if b, err := r.BodyAtMost(5); err != nil || string(b) != "12345" {
		t.Errorf("at the limit: %q %v", b, err)
	}
	if _, err := r.BodyAtMost(4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}

func TestRecorder(t *testing.T) {
	w := NewRecorder()
	if w.Status() != 200 {
		t.Errorf("default status %d", w.Status())
	}
	w.WriteHeader(404)
	w.WriteHeader(500) // ignored, as net/http does
	w.Write([]byte("x"))
	if w.Status() != 404 || w.Body.String() != "x" {
		t.Errorf("status %d body %q", w.Status(), w.Body.String())
	}
	w.Header().Set("a", "b")
	to := NewRecorder()
	w.CopyTo(to)
	if to.Status() != 404 || to.Body.String() != "x" || to.Header().Get("A") != "b" {
		t.Errorf("copy %d %q %v", to.Status(), to.Body.String(), to.HeaderMap)
	}
}

func TestMux(t *testing.T) {
	var m Mux
	hit := func(name string) Handler {
		return HandlerFunc(func(w ResponseWriter, r *Request) {
			w.Write([]byte(name + ":" + r.PathValue("id") + ":" + r.PathValue("n")))
		})
	}
	m.Handle("GET /v1/users", hit("list"))
	m.Handle("GET /v1/users/{id}", hit("get"))
	m.Handle("PATCH /v1/users/{id}", hit("patch"))
	m.Handle("POST /v1/numbers/{n}/assign", hit("assign"))
	for _, tt := range []struct {
		method, target string
		status         int
		body, allow    string
	}{
		{"GET", "/v1/users", 200, "list::", ""},
		{"HEAD", "/v1/users", 200, "list::", ""},
		{"GET", "/v1/users/ann", 200, "get:ann:", ""},
		{"PATCH", "https://x.example/v1/users/ann?x=1", 200, "patch:ann:", ""},
		{"POST", "/v1/numbers/%2B442079460000/assign", 200, "assign::+442079460000", ""},
		{"POST", "/v1/numbers/a%2Fb/assign", 200, "assign::a/b", ""},
		{"DELETE", "/v1/users/ann", 405, "method not allowed\n", "GET, PATCH"},
		{"GET", "/v1/users/", 404, "404 page not found\n", ""},
		{"GET", "/v1/users/ann/x", 404, "404 page not found\n", ""},
		{"GET", "/v1/numbers//assign", 404, "404 page not found\n", ""},
	} {
		r, err := NewRequest(nil, tt.method, tt.target, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := NewRecorder()
		m.ServeWeb(w, r)
		if w.Status() != tt.status || w.Body.String() != tt.body || w.Header().Get("Allow") != tt.allow {
			t.Errorf("%s %s: %d %q allow %q; want %d %q allow %q", tt.method, tt.target, w.Status(), w.Body.String(),
				w.Header().Get("Allow"), tt.status, tt.body, tt.allow)
		}
	}
}

func TestToHTTP(t *testing.T) {
	type key struct{}
	h := HandlerFunc(func(w ResponseWriter, r *Request) {
		if r.Context().Value(key{}) != "v" {
			t.Error("context lost")
		}
		w.Header().Set("x-echo", r.Header.Get("X-In"))
		SetCookie(w, Cookie{Name: "s", Value: "v", Path: "/"})
		w.WriteHeader(StatusCreated)
		w.Write([]byte(r.Method + " " + r.URL.String() + " " + string(r.Body)))
	})
	hr := httptest.NewRequest("POST", "/p?q=1", strings.NewReader("body"))
	hr = hr.WithContext(context.WithValue(hr.Context(), key{}, "v"))
	hr.Header.Set("X-In", "a")
	w := httptest.NewRecorder()
	ToHTTP(h).ServeHTTP(w, hr)
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 201 || string(b) != "POST http://example.com/p?q=1 body" || res.Header.Get("X-Echo") != "a" ||
		len(res.Cookies()) != 1 || res.Cookies()[0].Value != "v" {
		t.Errorf("%d %q %v", res.StatusCode, b, res.Header)
	}
}

func TestRequestWithContext(t *testing.T) {
	r, _ := NewRequest(nil, "GET", "/", nil, bytes.Repeat([]byte("x"), 3))
	if r.Context() == nil || r.Header == nil {
		t.Fatal("nil context or header")
	}
	type key struct{}
	r2 := r.WithContext(context.WithValue(context.Background(), key{}, 1))
	if r.Context().Value(key{}) != nil || r2.Context().Value(key{}) != 1 || string(r2.Body) != "xxx" {
		t.Error("WithContext")
	}
}
