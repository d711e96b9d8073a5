package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestWasmLinksNoNetHTTP keeps net/http (and what it drags in: crypto/tls,
// net, HTTP/2, mime/multipart) and mime out of the edge's wasm, which must
// stay within the 2 MB gzip budget: handlers use worker/web and
// httpapi.mediaType instead. The store conformance suite is linked only into
// the integration tests' build (-tags selftest).
func TestWasmLinksNoNetHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list gave too few packages: %q", deps)
	}
	banned := map[string]bool{"net/http": true, "crypto/tls": true, "net": true, "net/textproto": true,
		"mime/multipart": true, "crypto/x509": true, "mime": true,
		// test code: only the -tags selftest build (the integration tests') has it
		"github.com/tollgate-voice/tollgate/worker/storetest": true}
	for _, d := range deps {
		if banned[d] || strings.HasPrefix(d, "net/http/") {
			t.Errorf("the js/wasm build of worker/cmd/edge links %s", d)
		}
	}
}
