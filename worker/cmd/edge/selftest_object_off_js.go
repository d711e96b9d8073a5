//go:build js && wasm && !selftest

package main

import (
	"syscall/js"

	"github.com/tollgate-voice/tollgate/worker/web"
)

// withObjectSelfTest is the production build's: no test endpoints in the
// account object (see selftest_object_js.go for the tests' build).
func withObjectSelfTest(_ js.Value, object web.Handler) web.Handler { return object }
