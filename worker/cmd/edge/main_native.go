//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "edge is the worker's wasm program: build it with `make worker-build` and run `make run`")
	os.Exit(2)
}
