//go:build js && wasm && !selftest

package main

import (
	"syscall/js"

	"github.com/tollgate-voice/tollgate/worker/cfstore"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// withSelfTest is the production build's: no test endpoints, whatever the
// bindings say (see selftest_js.go for the tests' build).
func withSelfTest(_ js.Value, api web.Handler, _ *cfstore.KV, _ *cfstore.D1) web.Handler { return api }
