//go:build js && wasm && selftest

package main

import (
	"fmt"
	"os"
	"syscall/js"

	"github.com/tollgate-voice/tollgate/worker/cfstore"
	"github.com/tollgate-voice/tollgate/worker/httpapi"
	"github.com/tollgate-voice/tollgate/worker/storetest"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// withSelfTest adds, when the TOLLGATE_SELFTEST binding is set, the
// integration tests' endpoints: the store conformance suite on the real
// bindings, the agreement table computed in this wasm, and a handler that
// panics (the glue's recovery).
func withSelfTest(env js.Value, api web.Handler, kv *cfstore.KV, db *cfstore.D1) web.Handler {
	if !env.Get("TOLLGATE_SELFTEST").Truthy() {
		return api
	}
	mux := &web.Mux{}
	mux.HandleFunc("POST /__selftest/agreement", httpapi.AgreementSelfTest)
	mux.HandleFunc("POST /__selftest/stores", func(w web.ResponseWriter, r *web.Request) {
		unique := r.URL.Query().Get("unique")
		var rec storetest.Recorder
		rec.Run(func(t storetest.T) { storetest.Blobs(t, kv, unique) })
		rec.Run(func(t storetest.T) { storetest.Ledger(t, db, unique) })
		rec.Run(func(t storetest.T) { storetest.Portal(t, db, "st-"+unique, unique) })
		w.Header().Set("content-type", "text/plain")
		for _, f := range rec.Failures {
			fmt.Fprintln(w, f)
		}
		if len(rec.Failures) == 0 {
			fmt.Fprint(w, "ok")
		}
	})
	// A handler that panics, or whose binding call throws, must cost only
	// its own request: the glue answers 500 and the Go instance goes on.
	mux.HandleFunc("POST /__selftest/panic", func(w web.ResponseWriter, r *web.Request) {
		switch r.URL.Query().Get("how") {
		case "throw":
			js.Global().Get("JSON").Call("parse", "{") // a JavaScript exception inside Go
		case "funcof":
			// A js.FuncOf callback, which the glue does not support: calling
			// it throws (and must not hang the request).
			f := js.FuncOf(func(js.Value, []js.Value) any { return nil })
			js.Global().Get("Reflect").Call("apply", f, js.Undefined(), js.Global().Get("Array").New())
		case "stdout":
			fmt.Fprintln(os.Stdout, "self-test") // Go's file writes wait on a js.FuncOf callback
		}
		panic("self-test panic")
	})
	return web.HandlerFunc(func(w web.ResponseWriter, r *web.Request) {
		if h, _ := mux.Route(r); h != nil {
			h.ServeWeb(w, r)
			return
		}
		api.ServeWeb(w, r)
	})
}
