//go:build js && wasm && selftest

package main

import (
	"fmt"
	"syscall/js"

	"github.com/tollgate-voice/tollgate/worker/cfstore"
	"github.com/tollgate-voice/tollgate/worker/glue"
	"github.com/tollgate-voice/tollgate/worker/storetest"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// withObjectSelfTest adds to the account object, when the TOLLGATE_SELFTEST
// binding is set, POST /__selftest/storage: the storage conformance suite
// on the object's own Durable Object storage.
func withObjectSelfTest(env js.Value, object web.Handler) web.Handler {
	if !env.Get("TOLLGATE_SELFTEST").Truthy() {
		return object
	}
	return web.HandlerFunc(func(w web.ResponseWriter, r *web.Request) {
		if r.Method != "POST" || r.URL.Path != "/__selftest/storage" {
			object.ServeWeb(w, r)
			return
		}
		var rec storetest.Recorder
		rec.Run(func(t storetest.T) {
			storetest.Storage(t, cfstore.NewDOStorage(glue.Storage(r.Context())), r.URL.Query().Get("unique"))
		})
		w.Header().Set("content-type", "text/plain")
		for _, f := range rec.Failures {
			fmt.Fprintln(w, f)
		}
		if len(rec.Failures) == 0 {
			fmt.Fprint(w, "ok")
		}
	})
}
