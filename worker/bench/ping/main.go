//go:build js && wasm

// Command ping is the same trivial handler as stockping on Tollgate's glue
// (one Go runtime per isolate): the glue's cost without the API's work.
package main

import (
	"net/http"

	"github.com/tollgate-voice/tollgate/worker/glue"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	glue.Serve(glue.Handlers{Fetch: mux})
}
