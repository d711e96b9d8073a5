package httpapi

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/tollgate-voice/tollgate/worker/web"
)

// Native costs of the hot handlers (the wasm build on workerd is slower by
// a constant factor; make bench-worker measures it end to end).

func BenchmarkLookup(b *testing.B) {
	f := newFixture(b)
	r := httptest.NewRequest("GET", "/v1/rates/lookup?number=%2B61412345678", nil)
	r.Header.Set("Authorization", "Bearer "+tokenAll)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		web.ToHTTP(f.srv).ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
	}
}

func BenchmarkAuthorizePackageInIsolate(b *testing.B) {
	cf := newCarrierFixture(b)
	body := []byte(`{"call_id":"b1","user":"carol","dialled":"+33123456789"}`)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/v1/authorize", bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tokenAll)
		w := httptest.NewRecorder()
		web.ToHTTP(cf.srv).ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
	}
}

func BenchmarkAuthorizeMeteredInObject(b *testing.B) {
	cf := newCarrierFixture(b)
	body := []byte(`{"call_id":"m1","user":"bob","dialled":"+442079460000","start":"2026-11-22T10:00:00Z"}`)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/v1/authorize", bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tokenAll)
		w := httptest.NewRecorder()
		web.ToHTTP(cf.srv).ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
	}
}
