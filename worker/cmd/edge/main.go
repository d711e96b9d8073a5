// Command edge is Tollgate's Cloudflare Worker: built with GOOS=js GOARCH=wasm
// into worker/build/app.wasm and started once per isolate by worker.mjs
// (see worker/glue). Natively it runs nothing useful: main_native.go.
package main
