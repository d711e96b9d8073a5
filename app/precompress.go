//go:build !wasm

package portal

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WasmGzipPath is where the static site keeps app.wasm compressed ahead of
// time (gzip, best compression). The edge worker answers requests for
// WasmPath from it when the browser accepts gzip: a worker's runtime would
// otherwise compress the 10 MB file again for every download (about 280 ms
// of CPU per request on workerd), which is most of a first visit's wait.
const WasmGzipPath = WasmPath + ".gz"

// PrecompressWasm writes dir+WasmGzipPath from dir+WasmPath. The output
// depends only on app.wasm (no name or time in the gzip header), so equal
// builds give equal files.
func PrecompressWasm(dir string) (size int64, err error) {
	src := filepath.Join(dir, filepath.FromSlash(WasmPath))
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	dst := filepath.Join(dir, filepath.FromSlash(WasmGzipPath))
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".app.wasm.gz-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())                             // after the rename, a no-op
	zw, _ := gzip.NewWriterLevel(tmp, gzip.BestCompression) // a valid level: no error
	if _, err = io.Copy(zw, in); err != nil {
		err = fmt.Errorf("compressing %s: %w", src, err)
	} else if err = zw.Close(); err == nil {
		size, err = tmp.Seek(0, io.SeekCurrent)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err != nil {
		return 0, err
	}
	return size, os.Rename(tmp.Name(), dst)
}
