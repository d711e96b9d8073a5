package glue

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tollgate-voice/tollgate/worker/web"
)

func TestHeadersRoundTrip(t *testing.T) {
	tests := []web.Header{
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
	want := web.Header{"Content-Type": {"text/plain"}, "X-A": {"1", "2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseHeaders = %v, want %v", got, want)
	}
}

func TestFormatHeadersStripsNewlines(t *testing.T) {
	h := ParseHeaders(FormatHeaders(web.Header{"X-Evil": {"a\r\nInjected: yes"}}))
	if _, ok := h["Injected"]; ok || h.Get("X-Evil") != "a  Injected: yes" {
		t.Errorf("header injection: %v", h)
	}
}

func TestHandlersPick(t *testing.T) {
	f := web.NotFound
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

func TestPackRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		method, url, headers string
		body                 []byte
	}{
		{"GET", "http://x/v1/ping", "", nil},
		{"POST", "http://x/v1/authorize?a=1", "content-type: application/json\nx: ü\n", []byte(`{"a":"€"}`)},
		{"POST", "http://x/", "a: b\n", []byte{0, 1, 2, '\n', 255}},
	} {
		m, u, h, b, ok := UnpackRequest(PackRequest(tt.method, tt.url, tt.headers, tt.body))
		if !ok || m != tt.method || u != tt.url || h != tt.headers || string(b) != string(tt.body) {
			t.Errorf("request round trip: %q %q %q %q %v", m, u, h, b, ok)
		}
		s, h2, b2, ok := UnpackResponse(PackResponse(404, tt.headers, tt.body))
		if !ok || s != 404 || h2 != tt.headers || string(b2) != string(tt.body) {
			t.Errorf("response round trip: %d %q %q %v", s, h2, b2, ok)
		}
	}
	for _, bad := range [][]byte{nil, {1, 0}, {9, 0, 0, 0, 'G'}, {3, 0, 0, 0, 'G', 'E', 'T'}} {
		if _, _, _, _, ok := UnpackRequest(bad); ok {
			t.Errorf("UnpackRequest(%q) ok", bad)
		}
	}
	if _, _, _, ok := UnpackResponse([]byte{200, 0, 9, 0, 0, 0}); ok {
		t.Error("UnpackResponse accepted a short buffer")
	}
}

func FuzzUnpackRequest(f *testing.F) {
	f.Add(PackRequest("GET", "u", "h: v\n", []byte("b")))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, u, h, body, ok := UnpackRequest(b)
		if !ok {
			return
		}
		if !strings.Contains(m+u, "\n") {
			again := PackRequest(m, u, h, body)
			if string(again) != string(b) {
				t.Fatalf("repack differs")
			}
		}
	})
}
