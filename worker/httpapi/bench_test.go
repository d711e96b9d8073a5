package httpapi

import (
	"context"
	"testing"

	"github.com/tollgate-voice/tollgate/worker/web"
)

// Native costs of the hot handlers (the wasm build on workerd is slower by
// a constant factor; make bench-worker measures it end to end). Requests
// are built as worker/glue builds them on workerd: web types, absolute URL,
// lower-case header names from JS, the whole body.

func benchRequest(b *testing.B, method, target string, body []byte, headers ...string) *web.Request {
	h := web.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Add(headers[i], headers[i+1])
	}
	r, err := web.NewRequest(context.Background(), method, target, h, body)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func BenchmarkLookup(b *testing.B) {
	f := newFixture(b)
	r := benchRequest(b, "GET", "http://127.0.0.1:8787/v1/rates/lookup?number=%2B61412345678", nil,
		"authorization", "Bearer "+tokenAll, "accept", "*/*")
	b.ReportAllocs()
	for b.Loop() {
		w := web.NewRecorder()
		f.srv.ServeWeb(w, r)
		if w.Status() != 200 {
			b.Fatal(w.Status(), w.Body.String())
		}
	}
}

func BenchmarkAuthorizePackageInIsolate(b *testing.B) {
	cf := newCarrierFixture(b)
	body := []byte(`{"call_id":"b1","user":"carol","dialled":"+33123456789"}`)
	r := benchRequest(b, "POST", "http://127.0.0.1:8787/v1/authorize", body,
		"authorization", "Bearer "+tokenAll, "content-type", "application/json", "accept", "*/*")
	b.ReportAllocs()
	for b.Loop() {
		w := web.NewRecorder()
		cf.srv.ServeWeb(w, r)
		if w.Status() != 200 {
			b.Fatal(w.Status(), w.Body.String())
		}
	}
}

func BenchmarkAuthorizeMeteredInObject(b *testing.B) {
	cf := newCarrierFixture(b)
	body := []byte(`{"call_id":"m1","user":"bob","dialled":"+442079460000","start":"2026-11-22T10:00:00Z"}`)
	r := benchRequest(b, "POST", "http://127.0.0.1:8787/v1/authorize", body,
		"authorization", "Bearer "+tokenAll, "content-type", "application/json", "accept", "*/*")
	b.ReportAllocs()
	for b.Loop() {
		w := web.NewRecorder()
		cf.srv.ServeWeb(w, r)
		if w.Status() != 200 {
			b.Fatal(w.Status(), w.Body.String())
		}
	}
}
