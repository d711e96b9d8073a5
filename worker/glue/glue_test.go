package glue

import (
	"net/http"
	"reflect"
	"testing"
)

func TestHeadersRoundTrip(t *testing.T) {
	tests := []http.Header{
		{},
		{"Content-Type": {"application/json"}},
		{"Set-Cookie": {"a=1; Path=/", "b=2"}, "Etag": {`"v1"`}, "X-Colon": {"a: b: c"}},
	}
	for _, h := range tests {
		got := ParseHeaders(FormatHeaders(h))
		if !reflect.DeepEqual(got, h) {
			t.Errorf("round trip %v -> %q -> %v", h, FormatHeaders(h), got)
		}
	}
}

func TestParseHeaders(t *testing.T) {
	got := ParseHeaders("content-type: text/plain\nno colon line\n: empty name\nx-a:1\nx-a: 2\n")
	want := http.Header{"Content-Type": {"text/plain"}, "X-A": {"1", "2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseHeaders = %v, want %v", got, want)
	}
}

func TestFormatHeadersStripsNewlines(t *testing.T) {
	h := ParseHeaders(FormatHeaders(http.Header{"X-Evil": {"a\r\nInjected: yes"}}))
	if _, ok := h["Injected"]; ok || h.Get("X-Evil") != "a  Injected: yes" {
		t.Errorf("header injection: %v", h)
	}
}

func TestResponseWriter(t *testing.T) {
	w := newResponseWriter()
	if w.statusCode() != 200 {
		t.Errorf("default status %d", w.statusCode())
	}
	w.WriteHeader(404)
	w.WriteHeader(500) // ignored, as net/http does
	w.Write([]byte("x"))
	if w.statusCode() != 404 || w.body.String() != "x" {
		t.Errorf("status %d body %q", w.statusCode(), w.body.String())
	}
}

func TestHandlersPick(t *testing.T) {
	f := http.NotFoundHandler()
	h := Handlers{Fetch: f}
	if h.pick(KindFetch) == nil || h.pick(KindObject) == nil || h.pick(Kind(99)) == nil {
		t.Error("pick returned nil")
	}
}

func FuzzHeaders(f *testing.F) {
	f.Add("a: b\nc: d\n")
	f.Add(":\n\n::")
	f.Fuzz(func(t *testing.T, s string) {
		h := ParseHeaders(s)
		again := ParseHeaders(FormatHeaders(h))
		if len(h) != len(again) {
			t.Fatalf("unstable: %v vs %v", h, again)
		}
	})
}
