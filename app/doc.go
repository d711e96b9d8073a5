// Package portal is Tollgate's self-service portal: go-app components that run
// in the browser as WebAssembly, over the same rating core the edge uses.
//
// The package lives in app/ and is imported as portal. Each component is in a
// file of its own. Components only present: parsing numbers, looking up rates
// and pricing calls are done by core (core/e164, core/deck, core/region)
// running in the browser over the deck snapshot served at /v1/deck.
//
// The browser entry point and static-site generator is wasm/ (one main for
// both targets); the generated site is written to static/ and served by the
// edge worker as static assets.
package portal
