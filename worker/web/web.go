// Package web is the worker's own small HTTP vocabulary: a request, a
// response writer, handlers, headers with canonical keys, cookies, status
// codes and a body size limit — what the handlers in worker/httpapi need.
//
// It exists to keep net/http out of the edge's wasm: net/http links
// crypto/tls, net, HTTP/2 and mime/multipart, which the worker never uses
// (workerd speaks HTTP; worker/glue hands each request over as bytes) and
// which would push app.wasm over its size budget. A test keeps net/http,
// crypto/tls and net out of the js/wasm build of worker/cmd/edge.
//
// Natively (never in js/wasm), FromHTTP and ToHTTP adapt web handlers to
// net/http, so tests keep using net/http/httptest.
package web

import (
	"bytes"
	"context"
	"errors"
	"net/url"
)

// Request is one HTTP request with its whole body.
type Request struct {
	Method string
	URL    *url.URL // absolute on workerd: scheme, host, path, query
	Header Header
	Body   []byte
	ctx    context.Context
	// pathValues holds the wildcard names and values of the route
	// Mux.Route matched, in pairs.
	pathValues []string
}

// NewRequest returns a request for target (an absolute URL or a path).
// A nil header means an empty one; a nil ctx means context.Background.
func NewRequest(ctx context.Context, method, target string, header Header, body []byte) (*Request, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	if header == nil {
		header = Header{}
	}
	return &Request{Method: method, URL: u, Header: header, Body: body, ctx: ctx}, nil
}

// Context returns the request's context, never nil.
func (r *Request) Context() context.Context {
	if r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

// WithContext returns a shallow copy of r with ctx as its context.
func (r *Request) WithContext(ctx context.Context) *Request {
	c := *r
	c.ctx = ctx
	return &c
}

// Query returns the value of the URL query parameter name ("" if absent).
func (r *Request) Query(name string) string {
	return r.URL.Query().Get(name)
}

// ErrTooLarge is the error of BodyAtMost for a body over its limit.
var ErrTooLarge = errors.New("request body is too large")

// BodyAtMost returns the body if it has at most limit bytes, else
// ErrTooLarge (which the API answers with 413).
func (r *Request) BodyAtMost(limit int64) ([]byte, error) {
	if int64(len(r.Body)) > limit {
		return nil, ErrTooLarge
	}
	return r.Body, nil
}

// ResponseWriter is what a handler answers through, as in net/http: set
// headers, then WriteHeader (once; later calls are ignored), then Write
// (which implies 200 if no status was set).
type ResponseWriter interface {
	Header() Header
	WriteHeader(status int)
	Write(p []byte) (int, error)
}

// Handler answers requests.
type Handler interface {
	ServeWeb(w ResponseWriter, r *Request)
}

// HandlerFunc is a function used as a Handler.
type HandlerFunc func(ResponseWriter, *Request)

// ServeWeb calls f(w, r).
func (f HandlerFunc) ServeWeb(w ResponseWriter, r *Request) { f(w, r) }

// NotFound answers 404 in plain text.
var NotFound Handler = HandlerFunc(func(w ResponseWriter, r *Request) {
	Error(w, "404 page not found", StatusNotFound)
})

// Error answers status with msg as a plain-text body.
func Error(w ResponseWriter, msg string, status int) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write([]byte(msg + "\n"))
}

// Recorder is a ResponseWriter that keeps the response in memory: the glue
// hands it to JavaScript in one piece, and handlers that wrap others
// inspect it.
type Recorder struct {
	HeaderMap Header
	Code      int // 0 until WriteHeader or Write
	Body      bytes.Buffer
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{HeaderMap: make(Header, 4)} }

// Header implements ResponseWriter.
func (w *Recorder) Header() Header {
	if w.HeaderMap == nil {
		w.HeaderMap = make(Header, 4)
	}
	return w.HeaderMap
}

// WriteHeader implements ResponseWriter; only the first status counts.
func (w *Recorder) WriteHeader(status int) {
	if w.Code == 0 {
		w.Code = status
	}
}

// Write implements ResponseWriter.
func (w *Recorder) Write(p []byte) (int, error) {
	if w.Code == 0 {
		w.Code = StatusOK
	}
	return w.Body.Write(p)
}

// Status returns the response's status: 200 if none was written.
func (w *Recorder) Status() int {
	if w.Code == 0 {
		return StatusOK
	}
	return w.Code
}

// CopyTo sends the recorded response on to w.
func (w *Recorder) CopyTo(to ResponseWriter) {
	h := to.Header()
	for k, vs := range w.HeaderMap {
		h[k] = vs
	}
	to.WriteHeader(w.Status())
	to.Write(w.Body.Bytes())
}

// The status codes the worker answers with.
const (
	StatusOK                    = 200
	StatusCreated               = 201
	StatusNoContent             = 204
	StatusNotModified           = 304
	StatusBadRequest            = 400
	StatusUnauthorized          = 401
	StatusForbidden             = 403
	StatusNotFound              = 404
	StatusMethodNotAllowed      = 405
	StatusConflict              = 409
	StatusRequestEntityTooLarge = 413
	StatusInternalServerError   = 500
	StatusBadGateway            = 502
)
