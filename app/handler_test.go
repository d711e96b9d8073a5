//go:build !wasm

package portal

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServiceWorkerKeepsDeckOffline(t *testing.T) {
	js := ServiceWorkerJS()
	for _, want := range []string{
		`const dataCacheName = "tollgate-data";`,
		`url.pathname === deckPath`,
		`event.respondWith(networkFirst(event.request));`,
		`await data.add(deckPath);`,
		`key !== cacheName && key !== dataCacheName`,
		`{{.ResourcesToCache}}`, // still a go-app template
		`event.request.method !== "GET" || (url.origin === self.location.origin && url.pathname.startsWith("/v1/"))`, // API and uploads bypass it
	} {
		if !strings.Contains(js, want) {
			t.Errorf("service worker lacks %q", want)
		}
	}
}

func TestHandlerServesLocalOfflineApp(t *testing.T) {
	Register()
	h := Handler(Build{Version: "v-test", WasmSize: 1234})
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(path string) string {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, res.Status)
		}
		return b.String()
	}

	worker := get("/app-worker.js")
	for _, p := range Pages() {
		if !strings.Contains(worker, `"`+p.Path+`"`) {
			t.Errorf("service worker does not cache route %s for offline use", p.Path)
		}
	}
	for _, asset := range []string{"/web/portal.css", "/web/icon.svg", "/web/icon-192.png", "/web/icon-512.png", "/web/app.wasm"} {
		if !strings.Contains(worker, `"`+asset+`"`) {
			t.Errorf("service worker does not cache %s", asset)
		}
	}
	if !strings.Contains(worker, `"app-" + "v-test"`) {
		t.Errorf("service worker cache is not keyed by the build version")
	}

	appJS := get("/app.js")
	if !strings.Contains(appJS, `goappWasmContentLength = "1234"`) {
		t.Errorf("app.js does not carry WasmContentLength")
	}

	for _, path := range []string{"/", "/rates", "/manifest.webmanifest", "/app-worker.js"} {
		body := get(path)
		for _, remote := range []string{"https://raw.githubusercontent", "http://", "https://fonts"} {
			if strings.Contains(body, remote) {
				t.Errorf("%s references a remote resource (%s): the portal must work offline", path, remote)
			}
		}
	}
}

func TestWriteAssets(t *testing.T) {
	dir := t.TempDir()
	if err := WriteAssets(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"portal.css", "icon.svg", "icon-192.png", "icon-512.png"} {
		st, err := os.Stat(filepath.Join(dir, "web", name))
		if err != nil || st.Size() == 0 {
			t.Errorf("web/%s not written: %v", name, err)
		}
	}
}
