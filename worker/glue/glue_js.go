//go:build js && wasm

package glue

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/url"
	"syscall/js"
)

var uint8Array = js.Global().Get("Uint8Array")

// Env returns the worker's bindings object (env.KV, env.DB, ...), which
// worker.mjs sets before it starts the Go program. It is the same for every
// event of the isolate.
func Env() js.Value { return js.Global().Get("__tollgate").Get("env") }

type ctxKey struct{}

type eventValues struct {
	exec js.Value // the event's ExecutionContext (waitUntil), or the DO state
	aux  js.Value // the Durable Object's state.storage; undefined otherwise
}

// Exec returns the ExecutionContext of the event that ctx belongs to (for
// waitUntil); for a Durable Object request it is the object's state.
func Exec(ctx context.Context) js.Value {
	if v, ok := ctx.Value(ctxKey{}).(*eventValues); ok {
		return v.exec
	}
	return js.Undefined()
}

// Storage returns the Durable Object's state.storage for a KindObject event,
// undefined for any other event.
func Storage(ctx context.Context) js.Value {
	if v, ok := ctx.Value(ctxKey{}).(*eventValues); ok {
		return v.aux
	}
	return js.Undefined()
}

// Serve registers h with the JavaScript glue and never returns. The glue
// (worker.mjs) must have set globalThis.__tollgate = {env, ready} before
// starting the Go program.
func Serve(h Handlers) {
	api := js.Global().Get("__tollgate")
	serve := js.FuncOf(func(_ js.Value, a []js.Value) any {
		// Arguments: kind, method, url, headers, body (Uint8Array|null),
		// exec, aux, done(status, headers, body).
		kind := Kind(a[0].Int())
		method := a[1].String()
		rawURL := a[2].String()
		headers := a[3].String()
		var body []byte
		if b := a[4]; b.Truthy() {
			body = make([]byte, b.Length())
			js.CopyBytesToGo(body, b)
		}
		ev := &eventValues{exec: a[5], aux: a[6]}
		done := a[7]
		go dispatch(h.pick(kind), method, rawURL, headers, body, ev, done)
		return nil
	})
	api.Call("ready", serve)
	select {}
}

const internalBody = `{"error":{"code":"internal","message":"internal error"}}`

func dispatch(h http.Handler, method, rawURL, headers string, body []byte, ev *eventValues, done js.Value) {
	w := newResponseWriter()
	defer func() {
		if p := recover(); p != nil {
			log.Printf("panic serving %s %s: %v", method, rawURL, p)
			done.Invoke(500, "content-type: application/json\n", bytesToJS([]byte(internalBody)))
			return
		}
		done.Invoke(w.statusCode(), FormatHeaders(w.header), bytesToJS(w.body.Bytes()))
	}()
	u, err := url.Parse(rawURL)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	req := &http.Request{
		Method:        method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        ParseHeaders(headers),
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Host:          u.Host,
		RequestURI:    u.RequestURI(),
		RemoteAddr:    "",
	}
	req = req.WithContext(context.WithValue(context.Background(), ctxKey{}, ev))
	h.ServeHTTP(w, req)
}

func bytesToJS(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	u := uint8Array.New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}
