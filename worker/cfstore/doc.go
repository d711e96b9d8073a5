// Package cfstore implements the worker's stores on Cloudflare bindings
// through syscall/js: worker.Blobs on Workers KV and worker.Ledger on D1.
// It exists only in js/wasm builds; natively the package is empty and the
// HTTP layer is tested against worker/memstore, which runs the same
// conformance suite (worker/storetest).
package cfstore
