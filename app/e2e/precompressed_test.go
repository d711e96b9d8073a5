//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	portal "github.com/tollgate-voice/tollgate/app"
)

// TestWasmIsSentPrecompressed checks, on the worker (wrangler dev), that
// app.wasm goes out as the build's gzip copy, sent as it is (not
// compressed again per request), that it is exactly the built app.wasm once
// decoded, and that it revalidates with its own tag.
func TestWasmIsSentPrecompressed(t *testing.T) {
	if os.Getenv("TOLLGATE_WORKERD") == "" {
		t.Skip("the precompressed app.wasm is the worker's: run with TOLLGATE_WORKERD=1 (make test-portal)")
	}
	want, err := os.ReadFile(filepath.Join(repoRoot, "static", "web", "app.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	gzCopy, err := os.ReadFile(filepath.Join(repoRoot, "static", filepath.FromSlash(portal.WasmGzipPath)))
	if err != nil {
		t.Fatal(err)
	}
	get := func(method string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, baseURL+portal.WasmPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		// An explicit Accept-Encoding: Go's client then leaves the body as sent.
		req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}

	res, body := get("GET")
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %s", portal.WasmPath, res.Status)
	}
	for name, v := range map[string]string{"Content-Encoding": "gzip", "Content-Type": "application/wasm", "Vary": "accept-encoding"} {
		if got := res.Header.Get(name); got != v {
			t.Errorf("%s: %q, want %q", name, got, v)
		}
	}
	if !bytes.Equal(body, gzCopy) {
		t.Errorf("the body (%d bytes) is not the build's gzip copy (%d bytes)", len(body), len(gzCopy))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(decoded, want) {
		t.Fatalf("decoded app.wasm (%d bytes) differs from static/web/app.wasm (%d bytes)", len(decoded), len(want))
	}
	tag := res.Header.Get("ETag")
	if !strings.HasSuffix(tag, `-gzip"`) {
		t.Errorf("ETag %q: not the gzip copy's own tag", tag)
	}

	again, body := get("GET", "If-None-Match", tag)
	if again.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidation with %s: %s and %d bytes, want 304 and none", tag, again.Status, len(body))
	}
	head, body := get("HEAD")
	if head.StatusCode != 200 || len(body) != 0 || head.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("HEAD: %s, %d bytes, encoding %q", head.Status, len(body), head.Header.Get("Content-Encoding"))
	}
}
