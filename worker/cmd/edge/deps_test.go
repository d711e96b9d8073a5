package main

import (
	"os"
	"os/exec"
	"path/filepath"
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

// TestWasmCreatesNoJSCallbacks keeps js.FuncOf, and Go's file writes that
// wait on one (os.Stdout, os.Stderr, fmt.Print*), out of the worker's own
// code: the glue replaces syscall/js's event handler, so a callback never
// reaches its Go function (worker.mjs makes calling one throw). The
// standard library's own uses (file I/O) are the same hazard; the glue
// routes the log package to the console instead. selftest_js.go calls both
// on purpose, to test that they fail cleanly.
func TestWasmCreatesNoJSCallbacks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatal(err)
	}
	module := strings.TrimSpace(string(root)) + string(filepath.Separator)
	for _, tags := range []string{"", "selftest"} {
		cmd := exec.Command("go", "list", "-deps", "-tags", tags, "-f", `{{.Dir}}{{range .GoFiles}} {{.}}{{end}}`, ".")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		files := 0
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 || !strings.HasPrefix(f[0]+string(filepath.Separator), module) {
				continue // the standard library and other modules
			}
			for _, name := range f[1:] {
				if name == "selftest_js.go" {
					continue
				}
				path := filepath.Join(f[0], name)
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				files++
				for _, banned := range []string{"js.FuncOf(", "os.Stdout", "os.Stderr", "fmt.Print", "time.LoadLocation("} {
					if strings.Contains(string(src), banned) {
						t.Errorf("%s (tags %q) uses %s, which the worker's glue does not support", path, tags, banned)
					}
				}
			}
		}
		if files < 20 {
			t.Fatalf("tags %q: only %d files of this module checked:\n%s", tags, files, out)
		}
	}
}
