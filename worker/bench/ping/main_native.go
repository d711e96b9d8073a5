//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "ping is a js/wasm benchmark worker: make bench-worker builds and runs it")
	os.Exit(2)
}
