package httpapi

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/tollgate-voice/tollgate/worker/web"
)

// Benchmarks of the portal's main requests on in-memory stores (the
// Durable Object round trip is an in-process call here). The fixture's
// password hashes use 1,000 PBKDF2 iterations; production uses 100,000
// (≈ 100× the sign-in time natively; WebCrypto on the edge).

func benchPortal(b *testing.B, method, path string, body func(i int) any, headers func(i int) []string) {
	f := newPortalFixture(b)
	f.signIn("ann")
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		var h []string
		if headers != nil {
			h = headers(i)
		}
		var bd any
		if body != nil {
			bd = body(i)
		}
		w := f.do("ann", method, path, bd, h...)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func BenchmarkPortalGetAccount(b *testing.B) { benchPortal(b, "GET", "/v1/account", nil, nil) }

func BenchmarkPortalQuote(b *testing.B) {
	change := PackageChangeRequest{Users: []UserPackages{{User: "cat", Packages: []string{"pkg-global"}}}}
	benchPortal(b, "POST", "/v1/packages/quote", func(int) any { return change }, nil)
}

func BenchmarkPortalApply(b *testing.B) {
	pk := []string{"pkg-global", "pkg-uk-eu"}
	benchPortal(b, "POST", "/v1/packages/apply",
		func(i int) any {
			return PackageChangeRequest{Users: []UserPackages{{User: "cat", Packages: pk[i%2 : i%2+1]}}}
		},
		func(i int) []string { return []string{"Idempotency-Key", "b" + strconv.Itoa(i)} })
}

func BenchmarkPortalSignIn(b *testing.B) {
	f := newPortalFixture(b)
	b.ReportAllocs()
	for range b.N {
		w := httptest.NewRecorder()
		web.ToHTTP(f.srv).ServeHTTP(w, httptest.NewRequest("POST", "http://127.0.0.1/v1/session",
			strings.NewReader(`{"email":"ann@acme.example","password":"`+testPassword+`"}`)))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
