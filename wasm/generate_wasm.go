//go:build wasm

package main

// generate is native-only; in the browser app.RunWhenOnBrowser never returns.
func generate() {}
