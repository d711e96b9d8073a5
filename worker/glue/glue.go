// Package glue connects Go http.Handlers to the Workers runtime: one Go
// instance per isolate serves every request of that isolate.
//
// The JavaScript half (worker/js/worker.mjs) instantiates the wasm module once,
// then hands each event to Go as a compact tuple — method, URL, headers as one
// "name: value\n" string, the body as bytes, and the request's execution
// context — and receives status, headers (same format) and body bytes back
// through a callback. Everything a handler needs about its own request travels
// in the request's context.Context (see Exec and Storage), so concurrent
// requests never share mutable state.
//
// One rule follows from sharing one Go runtime between the requests of an
// isolate: a handler must never wait (on a lock, a channel, a singleflight)
// for I/O that another request started. The runtime would cancel the waiting
// request as hung, and the goroutine woken by the other request's event
// would do its own I/O in that request's context. Per-request goroutines
// that wait only on their own I/O are safe; shared caches refresh without
// holding locks across I/O; Durable Object events are serialized by the
// runtime (blockConcurrencyWhile in worker.mjs), not by Go.
//
// Outside js/wasm, Serve runs the handlers on a plain net/http server so the
// same program can be tried natively.
package glue

import (
	"bytes"
	"net/http"
	"strings"
)

// Kind tells which entry point of the worker an event arrived through.
type Kind int

// The entry points of the worker.
const (
	KindFetch     Kind = iota // an HTTP request to the worker
	KindObject                // a request to the Durable Object class
	KindScheduled             // a cron trigger, delivered as POST /cron?cron=...
	KindQueue                 // one queue message, delivered as POST /queue/<queue> with the message body
)

// Handlers are the Go handlers of the worker's entry points. A nil handler
// answers 404.
type Handlers struct {
	Fetch     http.Handler
	Object    http.Handler
	Scheduled http.Handler
	// Queue handles one message; a 2xx status acknowledges it, anything
	// else asks the queue to retry it.
	Queue http.Handler
}

func (h Handlers) pick(k Kind) http.Handler {
	var x http.Handler
	switch k {
	case KindFetch:
		x = h.Fetch
	case KindObject:
		x = h.Object
	case KindScheduled:
		x = h.Scheduled
	case KindQueue:
		x = h.Queue
	}
	if x == nil {
		return http.NotFoundHandler()
	}
	return x
}

// ParseHeaders parses the compact header block used between JS and Go: one
// "name: value" per line. Lines without a colon are ignored.
func ParseHeaders(s string) http.Header {
	h := make(http.Header, strings.Count(s, "\n")+1)
	for s != "" {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || k == "" {
			continue
		}
		h.Add(k, strings.TrimLeft(v, " "))
	}
	return h
}

// FormatHeaders writes h in the compact header block format. Newlines inside
// values (which HTTP forbids anyway) are replaced by spaces.
func FormatHeaders(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(": ")
			if strings.ContainsAny(v, "\r\n") {
				v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
			}
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// responseWriter buffers one response: handlers write, the glue hands the
// finished response to JavaScript in one piece.
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newResponseWriter() *responseWriter {
	return &responseWriter{header: make(http.Header, 4)}
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}

func (w *responseWriter) statusCode() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
