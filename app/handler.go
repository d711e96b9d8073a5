//go:build !wasm

package portal

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Build identifies one build of the portal.
type Build struct {
	// Version keys the service worker's cache: a new version makes browsers
	// fetch the new app. Use a content hash of app.wasm.
	Version string
	// WasmSize is the byte length of app.wasm. The edge compresses assets, so
	// the Content-Length header cannot be used for the loading progress.
	WasmSize int64
}

// Handler returns the go-app handler describing the portal's pages, assets and
// service worker. The static-site generator renders it into static/.
func Handler(b Build) *app.Handler {
	cacheable := []string{"/web/icon.svg"}
	for _, p := range Pages() {
		if p.Path != "/" {
			cacheable = append(cacheable, p.Path) // deep routes work offline too
		}
	}
	h := &app.Handler{
		Name:            "Tollgate",
		ShortName:       "Tollgate",
		Title:           "Tollgate — call rates and billing",
		Description:     "Check what a call costs, browse the rates directory and manage your calling packages.",
		Lang:            "en",
		BackgroundColor: "#f5f7fa",
		ThemeColor:      "#0f5f73",
		LoadingLabel:    "Loading Tollgate {progress}%",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles: []string{"/web/portal.css", "/web/account.css"},
		// Start downloading (and compiling) app.wasm with the page rather
		// than after the deferred scripts ran: app.js's fetch reuses it.
		RawHeaders:            []string{`<link rel="preload" href="` + WasmPath + `" as="fetch" type="application/wasm" crossorigin>`},
		CacheableResources:    cacheable,
		Version:               b.Version,
		ServiceWorkerTemplate: ServiceWorkerJS(),
	}
	if b.WasmSize > 0 {
		h.WasmContentLength = strconv.FormatInt(b.WasmSize, 10)
	}
	return h
}

// dataCacheName is the service-worker cache that keeps the last deck snapshot
// across app versions, so that rates can be checked offline.
const dataCacheName = "tollgate-data"

// ServiceWorkerJS returns go-app's service worker with three changes: the
// deck snapshot is fetched network-first and kept in a cache that survives
// app updates (fresh rates online, the last known rates offline), and it is
// fetched once at install so that the first offline visit already has it;
// the rest of the API (/v1/, and any request but a GET) is left to the
// browser, so that uploads report their progress.
func ServiceWorkerJS() string {
	s := app.DefaultAppWorkerJS
	edits := []struct{ old, new string }{
		{
			`const resourcesToCache = {{.ResourcesToCache}};`,
			`const resourcesToCache = {{.ResourcesToCache}};
const dataCacheName = "` + dataCacheName + `";
const deckPath = "` + DeckPath + `";`,
		},
		{
			`  await cache.addAll(resourcesToCache);
}`,
			`  await cache.addAll(resourcesToCache);
  try {
    const data = await caches.open(dataCacheName);
    await data.add(deckPath);
  } catch (err) {
    console.warn("deck snapshot not cached at install:", err);
  }
}`,
		},
		{
			`if (key !== cacheName) {`,
			`if (key !== cacheName && key !== dataCacheName) {`,
		},
		{
			`self.addEventListener("fetch", (event) => {
  event.respondWith(fetchWithCache(event.request));
});`,
			`self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === "GET" && url.origin === self.location.origin && url.pathname === deckPath) {
    event.respondWith(networkFirst(event.request));
    return;
  }
  if (event.request.method !== "GET" || (url.origin === self.location.origin && url.pathname.startsWith("/v1/"))) {
    // The API goes straight to the network: nothing of it is cached, and
    // an upload through the worker would report no progress to the page.
    return;
  }
  event.respondWith(fetchWithCache(event.request));
});

async function networkFirst(request) {
  const cache = await caches.open(dataCacheName);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(deckPath, response.clone());
    }
    return response;
  } catch (err) {
    const cached = await cache.match(deckPath);
    if (cached) {
      return cached;
    }
    throw err;
  }
}`,
		},
	}
	for _, e := range edits {
		if strings.Count(s, e.old) != 1 {
			// go-app's template changed: fail loudly at generation time
			// rather than ship a worker without offline rates.
			panic(fmt.Sprintf("portal: service worker template: %q not found exactly once", e.old))
		}
		s = strings.Replace(s, e.old, e.new, 1)
	}
	return s
}
