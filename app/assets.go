//go:build !wasm

package portal

import (
	"embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed web
var webFiles embed.FS

// WriteAssets writes the portal's local assets (stylesheet, icons) into
// dir/web. Nothing is loaded from the internet: the service worker caches
// these files for offline use.
func WriteAssets(dir string) error {
	web := filepath.Join(dir, "web")
	if err := os.MkdirAll(web, 0o755); err != nil {
		return err
	}
	err := eachWebFile(func(path string, b []byte) error {
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(path)), b, 0o644)
	})
	if err != nil {
		return err
	}
	for _, size := range iconSizes {
		if err := writePNG(filepath.Join(web, pngName(size)), drawIcon(size)); err != nil {
			return err
		}
	}
	return nil
}

// eachWebFile calls fn with the path ("web/…") and content of every embedded
// asset.
func eachWebFile(fn func(path string, b []byte) error) error {
	return fs.WalkDir(webFiles, "web", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := webFiles.ReadFile(path)
		if err != nil {
			return err
		}
		return fn(path, b)
	})
}

// WriteSiteInputs writes everything of the static site that does not come
// from app.wasm (the embedded stylesheets and icon, the drawn icons, the
// service worker and the loader patch) to w, so that a build version hashed
// over app.wasm and these changes whenever any of them does: a
// stylesheet-only change must reach browsers too.
func WriteSiteInputs(w io.Writer) error {
	err := eachWebFile(func(path string, b []byte) error {
		_, err := fmt.Fprintf(w, "%s\x00%d\x00%s", path, len(b), b)
		return err
	})
	if err != nil {
		return err
	}
	for _, size := range iconSizes {
		if err := png.Encode(w, drawIcon(size)); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(w, "%s\x00%s\x00%s", ServiceWorkerJS(), retryingCallSite(), loaderJS)
	return err
}

// iconSizes are the drawn PNG icons' sizes (pngName).
var iconSizes = []int{192, 512}

func pngName(size int) string {
	if size == 192 {
		return "icon-192.png"
	}
	return "icon-512.png"
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// drawIcon renders web/icon.svg's toll barrier as a size×size PNG (the
// manifest and Apple devices want PNG icons). Coordinates are in the SVG's
// 64-unit grid.
func drawIcon(size int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	brand := color.RGBA{0x0f, 0x5f, 0x73, 0xff}
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	accent := color.RGBA{0xe4, 0x57, 0x2e, 0xff}
	scale := func(v int) int { return v * size / 64 }
	fill := func(x, y, w, h int, c color.Color) {
		draw.Draw(img, image.Rect(scale(x), scale(y), scale(x+w), scale(y+h)), &image.Uniform{c}, image.Point{}, draw.Src)
	}
	// Maskable icons are cropped to a circle: a full-bleed background keeps
	// them clean; the barrier sits in the safe zone.
	fill(0, 0, 64, 64, brand)
	fill(10, 14, 8, 40, white)
	fill(18, 18, 38, 8, white)
	fill(26, 18, 7, 8, accent)
	fill(40, 18, 7, 8, accent)
	fill(6, 50, 16, 4, white)
	return img
}
