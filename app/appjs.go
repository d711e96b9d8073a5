//go:build !wasm

package portal

import (
	"fmt"
	"strings"
)

// WasmPath is where go-app's static site serves app.wasm.
const WasmPath = "/web/app.wasm"

// WasmStallTimeout is how long the page waits for app.wasm's answer, or for
// its next bytes, before it gives the download up and starts it again.
// Eight seconds without a single byte is a dead connection, not a slow one.
const WasmStallTimeout = 8000 // ms

// WasmDownloadAttempts is how many times the page tries to download app.wasm
// before it shows the error in the loader.
const WasmDownloadAttempts = 3

// ServiceWorkerFallbackDelay is how long after app.js started the page
// registers the service worker if no page has said it is mounted by then
// (app.wasm failed, or a very slow network).
const ServiceWorkerFallbackDelay = 10000 // ms

// PatchAppJS makes the app.js that go-app generated restart a stalled
// app.wasm download. go-app's loader downloads app.wasm once: a connection
// that stops sending leaves the page at "Loading 0%" for good, with nothing
// for the visitor to do but reload. The patched loader aborts a download
// that gets no answer or no new bytes for WasmStallTimeout, and one the
// network dropped, and tries again (without the preload or the HTTP cache)
// up to WasmDownloadAttempts times. Nothing has run yet when it does, so a
// new attempt starts from a clean Go instance. window.tollgateWasmAttempts
// says how many attempts the page made, window.tollgateWasmReadyAt when
// (performance.now()) app.wasm was downloaded and compiled.
//
// It also registers the service worker once the first page is mounted
// rather than as app.js starts. go-app's worker installs by downloading
// every resource of the site, app.wasm (10 MB decoded) among them, and on a
// first visit that download ran alongside the page's own and took the
// cores the compiler and Go's start needed. Registered after the mount, the
// worker finds app.wasm in the HTTP cache (a revalidation) and the visitor
// already has a working page.
func PatchAppJS(appJS string) (string, error) {
	for _, site := range []string{loaderCallSite(), serviceWorkerCallSite} {
		if n := strings.Count(appJS, site); n != 1 {
			// go-app's template changed: fail the build rather than ship
			// a loader that cannot recover.
			return "", fmt.Errorf("portal: app.js: %q was found %d times, want once", strings.TrimSpace(strings.SplitN(site, "\n", 2)[0]), n)
		}
	}
	appJS = strings.Replace(appJS, loaderCallSite(), retryingCallSite(), 1)
	appJS = strings.Replace(appJS, serviceWorkerCallSite,
		fmt.Sprintf("tollgateRegisterServiceWorkerLater(%q, %d);\n", MountedEvent, ServiceWorkerFallbackDelay), 1)
	return appJS + loaderJS + serviceWorkerJS, nil
}

// serviceWorkerCallSite is where go-app's app.js registers the service
// worker: a statement of its own at the top of the file (the function's
// definition starts with "async function").
const serviceWorkerCallSite = "\ngoappInitServiceWorker();\n"

// retryingCallSite replaces loaderCallSite. The limits are written into it:
// app.js runs it before the rest of the file (a const at its end would not
// be initialised yet).
func retryingCallSite() string {
	return fmt.Sprintf(`    let go, wasm;
    for (let attempt = 1; ; attempt++) {
      window.tollgateWasmAttempts = attempt;
      go = new Go();
      const download = tollgateFetchWasm(%q, showProgress, attempt, %d);
      try {
        wasm = await instantiateStreaming(download.response, go.importObject);
        break;
      } catch (err) {
        if (attempt >= %d || !download.interrupted()) {
          throw err;
        }
        console.warn("app.wasm: attempt " + attempt + " failed, trying again:", err);
        showProgress(0);
      }
    }
    window.tollgateWasmReadyAt = performance.now();
`, WasmPath, WasmStallTimeout, WasmDownloadAttempts)
}

// loaderCallSite is where go-app's app.js downloads and starts app.wasm.
func loaderCallSite() string {
	return `    const go = new Go();
    const wasm = await instantiateStreaming(
      fetchWithProgress("` + WasmPath + `", showProgress),
      go.importObject
    );
`
}

// loaderJS is the download that PatchAppJS's loader calls. It is pushed
// (read as fast as the network gives it), so that the stall timer measures
// the network, never the compiler.
const loaderJS = `
// -----------------------------------------------------------------------------
// Tollgate: app.wasm download that notices a stall
// -----------------------------------------------------------------------------
// tollgateFetchWasm starts downloading app.wasm; a download that gets no
// answer or no new bytes for stallMs is aborted. It returns the response
// (a promise, for instantiateStreaming) and interrupted(), which says
// whether the download stalled or the network dropped it, as opposed to
// the server or the compiler refusing it.
function tollgateFetchWasm(url, progress, attempt, stallMs) {
  const abort = new AbortController();
  let interrupted = false;
  let timer;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      interrupted = true;
      abort.abort(new Error("app.wasm: no data for " + stallMs / 1000 + " s"));
    }, stallMs);
  };
  // lost notes a download the network dropped: one aborted here stalled
  // (interrupted is set already) or was cancelled by its reader.
  const lost = (err) => {
    clearTimeout(timer);
    if (!abort.signal.aborted) {
      interrupted = true;
    }
    return err;
  };

  const response = (async () => {
    watch();
    let res;
    try {
      // A new attempt must not be answered by the stalled preload or by
      // a partial answer in the HTTP cache.
      res = await fetch(url, { signal: abort.signal, cache: attempt > 1 ? "no-store" : "default" });
    } catch (err) {
      throw lost(err);
    }
    if (!res.ok) {
      clearTimeout(timer);
      return res;
    }
    const total = parseInt(goappWasmContentLength > 0 ? goappWasmContentLength : res.headers.get("Content-Length"), 10);
    const reader = res.body.getReader();
    let loaded = 0;
    const body = new ReadableStream({
      async start(controller) {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) {
              clearTimeout(timer);
              progress(100);
              controller.close();
              return;
            }
            watch();
            loaded += value.byteLength;
            if (total > 0) {
              progress(Math.min(100, Math.round((loaded * 100) / total)));
            }
            controller.enqueue(value);
          }
        } catch (err) {
          controller.error(lost(err));
        }
      },
      cancel(reason) {
        clearTimeout(timer);
        abort.abort(reason);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  })();
  return { response, interrupted: () => interrupted };
}
`

// serviceWorkerJS registers go-app's service worker when the page says it is
// mounted (the first time only), once the browser is idle, or after
// fallbackMs whatever happens.
const serviceWorkerJS = `
// -----------------------------------------------------------------------------
// Tollgate: service worker registered once the page works
// -----------------------------------------------------------------------------
function tollgateRegisterServiceWorkerLater(mountedEvent, fallbackMs) {
  let registered = false;
  const register = () => {
    if (registered) {
      return;
    }
    registered = true;
    clearTimeout(fallback);
    window.removeEventListener(mountedEvent, whenIdle);
    window.tollgateServiceWorkerRegisteredAt = performance.now();
    goappInitServiceWorker();
  };
  const whenIdle = () => {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(register, { timeout: 1000 });
    } else {
      setTimeout(register, 0);
    }
  };
  const fallback = setTimeout(register, fallbackMs);
  window.addEventListener(mountedEvent, whenIdle);
}
`
