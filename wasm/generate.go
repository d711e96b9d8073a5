//go:build !wasm

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portal "github.com/tollgate-voice/tollgate/app"
)

func generate() {
	log.SetFlags(0)
	log.SetPrefix("portal: ")
	out := flag.String("out", "static", "directory to write the static site into")
	wasm := flag.String("wasm", "", "path of the built app.wasm (default: <out>/web/app.wasm)")
	version := flag.String("version", "", "build version (default: content hash of app.wasm)")
	flag.Parse()
	if *wasm == "" {
		*wasm = filepath.Join(*out, "web", "app.wasm")
	}
	b, err := buildInfo(*wasm, *version)
	if err != nil {
		log.Fatal(err)
	}
	if err := portal.WriteAssets(*out); err != nil {
		log.Fatalf("writing assets: %v", err)
	}
	if err := app.GenerateStaticWebsite(*out, portal.Handler(b)); err != nil {
		log.Fatalf("generating the static site: %v", err)
	}
	if err := patchAppJS(filepath.Join(*out, "app.js")); err != nil {
		log.Fatal(err)
	}
	gz, err := portal.PrecompressWasm(*out)
	if err != nil {
		log.Fatalf("precompressing app.wasm: %v", err)
	}
	fmt.Printf("portal: wrote %s (version %s, app.wasm %d bytes, %d gzip)\n", *out, b.Version, b.WasmSize, gz)
}

// buildInfo derives the build's version (unless given) from the built
// app.wasm and the rest of the site's inputs, so that every change gets a new
// service-worker cache, and the wasm size from app.wasm.
func buildInfo(wasm, version string) (portal.Build, error) {
	f, err := os.Open(wasm)
	if err != nil {
		return portal.Build{}, fmt.Errorf("app.wasm must be built first: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return portal.Build{}, err
	}
	if err := portal.WriteSiteInputs(h); err != nil {
		return portal.Build{}, err
	}
	if version == "" {
		version = hex.EncodeToString(h.Sum(nil))[:16]
	}
	return portal.Build{Version: version, WasmSize: n}, nil
}

// patchAppJS makes the generated loader restart a stalled app.wasm download
// (portal.PatchAppJS).
func patchAppJS(file string) error {
	js, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	patched, err := portal.PatchAppJS(string(js))
	if err != nil {
		return err
	}
	return os.WriteFile(file, []byte(patched), 0o644)
}
