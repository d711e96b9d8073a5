//go:build e2e

package e2e

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

// assetServer serves a generated static site the way Workers static assets
// do with html_handling = "auto-trailing-slash" and not_found_handling =
// "single-page-application": /rates → rates.html, unknown paths → index.html.
// deck is served at /v1/deck when it is not nil.
//
// When offline is set, every request fails as if the network were down: the
// connection is dropped without an answer.
type assetServer struct {
	dir     string
	deck    func() ([]byte, error)
	offline atomic.Bool
	// hold, when set, delays app.wasm until it is closed: the prerendered
	// page can be used before the app starts.
	hold chan struct{}
	// stalls is how many answers for stallPath stall for good, as a dead
	// connection does: after stallAfter body bytes (-1: before the headers).
	stalls     atomic.Int32
	stallPath  string
	stallAfter int
}

func (s *assetServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.offline.Load() {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	p := path.Clean("/" + r.URL.Path)
	if p == "/v1/deck" {
		s.serveDeck(w, r)
		return
	}
	if strings.HasPrefix(p, "/v1/") {
		http.Error(w, `{"error":{"code":"not_found","message":"no such endpoint"}}`, http.StatusNotFound)
		return
	}
	if p == "/web/app.wasm" && s.hold != nil {
		<-s.hold
	}
	if p == s.stallPath && s.stalls.Add(-1) >= 0 {
		s.stall(w, r, filepath.Join(s.dir, filepath.FromSlash(p)))
		return
	}
	file := filepath.Join(s.dir, filepath.FromSlash(p))
	if st, err := os.Stat(file); err == nil && !st.IsDir() {
		if strings.HasSuffix(p, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		http.ServeFile(w, r, file)
		return
	}
	if p == "/" {
		http.ServeFile(w, r, filepath.Join(s.dir, "index.html"))
		return
	}
	if st, err := os.Stat(file + ".html"); err == nil && !st.IsDir() {
		serveFileAs(w, r, file+".html")
		return
	}
	serveFileAs(w, r, filepath.Join(s.dir, "index.html"))
}

// serveFileAs serves a file without http.ServeFile's redirect of
// "/index.html" paths.
func serveFileAs(w http.ResponseWriter, r *http.Request, file string) {
	f, err := os.Open(file)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

func (s *assetServer) serveDeck(w http.ResponseWriter, r *http.Request) {
	if s.deck == nil {
		http.Error(w, `{"error":{"code":"not_found","message":"no deck published"}}`, http.StatusNotFound)
		return
	}
	b, err := s.deck()
	if err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/msgpack")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// stall answers with the first stallAfter bytes of file (nothing at all when
// it is negative), then sends nothing more until the client gives up.
func (s *assetServer) stall(w http.ResponseWriter, r *http.Request, file string) {
	if s.stallAfter >= 0 {
		b, err := os.ReadFile(file)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", mime.TypeByExtension(filepath.Ext(file)))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		w.Write(b[:min(s.stallAfter, len(b))])
		http.NewResponseController(w).Flush()
	}
	<-r.Context().Done()
}
