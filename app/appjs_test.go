//go:build !wasm

package portal

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// generatedAppJS is the app.js go-app generates for the portal.
func generatedAppJS(t *testing.T) string {
	t.Helper()
	Register()
	srv := httptest.NewServer(Handler(Build{Version: "v-test", WasmSize: 1234}))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/app.js")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /app.js: %v %s", err, res.Status)
	}
	return string(b)
}

func TestPatchAppJSRetriesStalledDownloads(t *testing.T) {
	js, err := PatchAppJS(generatedAppJS(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`const download = tollgateFetchWasm("/web/app.wasm", showProgress, attempt, 8000);`,
		`if (attempt >= 3 || !download.interrupted()) {`,
		`wasm = await instantiateStreaming(download.response, go.importObject);`,
		`cache: attempt > 1 ? "no-store" : "default"`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("patched app.js lacks %q", want)
		}
	}
	if strings.Contains(js, `fetchWithProgress("/web/app.wasm"`) {
		t.Error("patched app.js still downloads app.wasm with go-app's loader")
	}
}

func TestPatchAppJSRegistersTheServiceWorkerAfterTheMount(t *testing.T) {
	js, err := PatchAppJS(generatedAppJS(t))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js, serviceWorkerCallSite) {
		t.Error("patched app.js still registers the service worker as it starts")
	}
	for _, want := range []string{
		"\ntollgateRegisterServiceWorkerLater(\"tollgate-mounted\", 10000);\n",
		"function tollgateRegisterServiceWorkerLater(mountedEvent, fallbackMs) {",
		"async function goappInitServiceWorker() {", // go-app's, called later
	} {
		if !strings.Contains(js, want) {
			t.Errorf("patched app.js lacks %q", want)
		}
	}
}

func TestPatchAppJSRefusesAnUnknownLoader(t *testing.T) {
	js := generatedAppJS(t)
	patched, err := PatchAppJS(js)
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{
		"patched twice":                  patched,
		"other wasm path":                strings.ReplaceAll(js, "/web/app.wasm", "/app.wasm"),
		"no loader":                      "console.log('hi');",
		"no service worker registration": strings.Replace(js, serviceWorkerCallSite, "\n", 1),
	} {
		if _, err := PatchAppJS(in); err == nil {
			t.Errorf("%s: patched without complaint", name)
		}
	}
}

// The build version hashes the site's inputs besides app.wasm: they must be
// the same from run to run, and hold what a browser would otherwise keep
// stale (stylesheets, the service worker, the loader).
func TestWriteSiteInputs(t *testing.T) {
	var a, b strings.Builder
	if err := WriteSiteInputs(&a); err != nil {
		t.Fatal(err)
	}
	if err := WriteSiteInputs(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Error("the site's inputs differ from one run to the next: every build would get a new version")
	}
	for _, want := range []string{"web/portal.css", "web/account.css", "tollgateFetchWasm", dataCacheName, "\x89PNG"} {
		if !strings.Contains(a.String(), want) {
			t.Errorf("the site's inputs lack %q", want)
		}
	}
}
