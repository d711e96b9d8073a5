//go:build js && wasm

// Command ping is the same trivial handler as stockping on Tollgate's glue
// (one Go runtime per isolate): the glue's cost without the API's work.
package main

import (
	"github.com/tollgate-voice/tollgate/worker/glue"
	"github.com/tollgate-voice/tollgate/worker/web"
)

func main() {
	mux := &web.Mux{}
	mux.HandleFunc("GET /v1/ping", func(w web.ResponseWriter, r *web.Request) {
		w.Header().Set("content-type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	glue.Serve(glue.Handlers{Fetch: mux})
}
