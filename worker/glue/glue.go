// Package glue connects Go web.Handlers (worker/web) to the Workers runtime: one Go
// instance per isolate serves every request of that isolate.
//
// The JavaScript half (worker/js/worker.mjs) instantiates the wasm module once,
// then hands each event to Go as one buffer — method, URL, headers as one
// "name: value\n" block and the body (PackRequest) — plus, for Durable Object
// events, the object's state, and receives status, headers and body back as
// one buffer (PackResponse) through a single answer function. Events enter
// Go through the runtime's event path without syscall/js's callback
// protocol (see Serve), so the worker's program uses no js.FuncOf: promises
// are awaited with Await.
// Everything a handler needs about its own request travels in the request's
// context.Context (see Exec and Storage), so concurrent requests never share
// mutable state.
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
// same program can be tried natively; the js/wasm build does not link
// net/http at all (see worker/web).
package glue

import (
	"encoding/binary"
	"strings"

	"github.com/tollgate-voice/tollgate/worker/web"
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
	Fetch     web.Handler
	Object    web.Handler
	Scheduled web.Handler
	// Queue handles one message; a 2xx status acknowledges it, anything
	// else asks the queue to retry it.
	Queue web.Handler
}

func (h Handlers) pick(k Kind) web.Handler {
	var x web.Handler
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
		return web.NotFound
	}
	return x
}

// PackRequest lays out a request as the JS glue hands it to Go: a 4-byte
// little-endian length n, then n bytes "method\nurl\nheaders" (headers in
// the compact block format), then the body.
func PackRequest(method, url, headers string, body []byte) []byte {
	head := method + "\n" + url + "\n" + headers
	out := make([]byte, 4+len(head)+len(body))
	binary.LittleEndian.PutUint32(out, uint32(len(head)))
	copy(out[4:], head)
	copy(out[4+len(head):], body)
	return out
}

// UnpackRequest is the inverse of PackRequest; the body aliases buf.
func UnpackRequest(buf []byte) (method, url, headers string, body []byte, ok bool) {
	if len(buf) < 4 {
		return "", "", "", nil, false
	}
	n := binary.LittleEndian.Uint32(buf)
	if uint64(n) > uint64(len(buf)-4) {
		return "", "", "", nil, false
	}
	head := string(buf[4 : 4+n])
	method, rest, ok1 := strings.Cut(head, "\n")
	url, headers, ok2 := strings.Cut(rest, "\n")
	if !ok1 || !ok2 {
		return "", "", "", nil, false
	}
	return method, url, headers, buf[4+n:], true
}

// PackResponse lays out a response as Go hands it back: a 2-byte
// little-endian status, a 4-byte little-endian length n, n bytes of headers
// (compact block format), then the body.
func PackResponse(status int, headers string, body []byte) []byte {
	out := make([]byte, 6+len(headers)+len(body))
	binary.LittleEndian.PutUint16(out, uint16(status))
	binary.LittleEndian.PutUint32(out[2:], uint32(len(headers)))
	copy(out[6:], headers)
	copy(out[6+len(headers):], body)
	return out
}

// UnpackResponse is the inverse of PackResponse (what worker.mjs does).
func UnpackResponse(buf []byte) (status int, headers string, body []byte, ok bool) {
	if len(buf) < 6 {
		return 0, "", nil, false
	}
	n := binary.LittleEndian.Uint32(buf[2:])
	if uint64(n) > uint64(len(buf)-6) {
		return 0, "", nil, false
	}
	return int(binary.LittleEndian.Uint16(buf)), string(buf[6 : 6+n]), buf[6+n:], true
}

// ParseHeaders parses the compact header block used between JS and Go: one
// "name: value" per line. Lines without a colon are ignored.
func ParseHeaders(s string) web.Header {
	h := make(web.Header, strings.Count(s, "\n")+1)
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
func FormatHeaders(h web.Header) string {
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
