//go:build !(js && wasm)

package web

import (
	"io"
	"net/http"
)

// FromHTTP converts a net/http request, reading its whole body. The URL
// is made absolute from r.Host and r.TLS, as requests on workerd are.
func FromHTTP(r *http.Request) (*Request, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		body = b
	}
	u := *r.URL
	if u.Host == "" {
		u.Host = r.Host
	}
	if u.Scheme == "" {
		u.Scheme = "http"
		if r.TLS != nil {
			u.Scheme = "https"
		}
	}
	return &Request{Method: r.Method, URL: &u, Header: Header(r.Header.Clone()), Body: body, ctx: r.Context()}, nil
}

// ToHTTP adapts h to net/http: the native server and httptest.
func ToHTTP(h Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		r, err := FromHTTP(hr)
		if err != nil {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		h.ServeWeb(httpWriter{w}, r)
	})
}

// httpWriter is a net/http ResponseWriter as a web one (the header maps
// are the same type underneath).
type httpWriter struct{ w http.ResponseWriter }

func (h httpWriter) Header() Header              { return Header(h.w.Header()) }
func (h httpWriter) WriteHeader(status int)      { h.w.WriteHeader(status) }
func (h httpWriter) Write(p []byte) (int, error) { return h.w.Write(p) }

// FromHTTPWriter adapts a net/http ResponseWriter (an httptest recorder).
func FromHTTPWriter(w http.ResponseWriter) ResponseWriter { return httpWriter{w} }
