//go:build !wasm

package portal

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func TestPrecompressWasmRoundTripsAndIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	wasm := filepath.Join(dir, filepath.FromSlash(WasmPath))
	if err := os.MkdirAll(filepath.Dir(wasm), 0o755); err != nil {
		t.Fatal(err)
	}
	// Compressible text and incompressible noise, as a wasm binary has both.
	var raw bytes.Buffer
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		raw.WriteString("tollgate rates the call ")
		raw.WriteByte(byte(rng.Uint32()))
	}
	if err := os.WriteFile(wasm, raw.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	size, err := PrecompressWasm(dir)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, filepath.FromSlash(WasmGzipPath))
	first, err := os.ReadFile(gz)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(first)) != size {
		t.Errorf("PrecompressWasm reported %d bytes, wrote %d", size, len(first))
	}
	if len(first) >= raw.Len()/2 {
		t.Errorf("compressed %d bytes into %d: not compressed", raw.Len(), len(first))
	}
	zr, err := gzip.NewReader(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q, time %v: the file would differ between equal builds", zr.Name, zr.ModTime)
	}
	back, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, raw.Bytes()) {
		t.Fatal("decompressed app.wasm.gz differs from app.wasm")
	}

	if _, err := PrecompressWasm(dir); err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(gz)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two compressions of the same app.wasm differ")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(gz), ".app.wasm.gz-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestPrecompressWasmWithoutWasmFails(t *testing.T) {
	if _, err := PrecompressWasm(t.TempDir()); err == nil {
		t.Fatal("no app.wasm, no error")
	}
}
