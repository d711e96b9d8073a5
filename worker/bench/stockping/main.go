//go:build js && wasm

// Command stockping is the baseline of the glue comparison in `make bench`:
// a trivial handler served by syumai/workers' stock glue (a new Go runtime
// per request).
package main

import (
	"net/http"

	"github.com/syumai/workers"
)

func main() {
	http.HandleFunc("GET /v1/ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	workers.Serve(nil)
}
