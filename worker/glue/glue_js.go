//go:build js && wasm

package glue

import (
	"context"
	"log"
	"runtime"
	"syscall/js"
	"unsafe"

	"github.com/tollgate-voice/tollgate/worker/web"
)

// Env returns the worker's bindings object (env.KV, env.DB, ...), which
// worker.mjs sets before it starts the Go program. It is the same for every
// event of the isolate.
func Env() js.Value { return js.Global().Get("__tollgate").Get("env") }

type ctxKey struct{}

type eventValues struct {
	exec js.Value // the event's ExecutionContext (waitUntil), or the DO state
	aux  js.Value // the Durable Object's state.storage; undefined otherwise
}

// Exec returns the ExecutionContext of a cron or queue event (for
// waitUntil) and the object's state for a Durable Object request; it is
// undefined for fetch events.
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
// (worker.mjs) must have set globalThis.__tollgate = {env, ready} and the
// wasm import tollgate.answer before starting the Go program.
//
// The hand-off keeps the JS values Go touches per event few (each is a
// reference with a finalizer) and copies bytes without syscall/js: Go owns
// an inbox buffer and tells JS where it is; JS writes a packed request
// (PackRequest's layout) into it, straight into Go's memory, and calls
// serve(id, kind, n[, exec, aux]), which copies it out before returning.
// A request too large for the inbox comes as a Uint8Array in place of n.
// Go answers through the wasm import tollgate.answer(id, ptr, n) with the
// response packed as PackResponse does, which JS copies out of Go's memory
// before returning. Calling into Go stays the runtime's js.FuncOf event:
// entering Go any other way (a wasm export) breaks the runtime's own
// bookkeeping as soon as a handler panics or JS calls back into Go.
func Serve(h Handlers) {
	api := js.Global().Get("__tollgate")
	serve := js.FuncOf(func(_ js.Value, a []js.Value) any {
		id := a[0].Int()
		kind := Kind(a[1].Int())
		var buf []byte
		if b := a[2]; b.Type() == js.TypeNumber {
			n := min(max(b.Int(), 0), len(inbox))
			buf = make([]byte, n)
			copy(buf, inbox[:n])
		} else {
			buf = make([]byte, b.Length())
			js.CopyBytesToGo(buf, b)
		}
		ev := &eventValues{exec: js.Undefined(), aux: js.Undefined()}
		if len(a) > 4 {
			ev.exec, ev.aux = a[3], a[4]
		}
		run(job{h.pick(kind), id, buf, ev})
		return nil
	})
	api.Call("ready", serve, uintptr(unsafe.Pointer(unsafe.SliceData(inbox))), len(inbox))
	select {}
}

// inbox is where JS writes requests of up to 64 KiB (every carrier request
// but large CDR batches and deck uploads). It is never freed, and Go's heap
// does not move.
var inbox = make([]byte, 64<<10)

//go:wasmimport tollgate answer
func jsAnswer(id int32, ptr uint32, n int32)

// answer hands a packed response to JS, which copies it before returning.
func answer(id int, out []byte) {
	jsAnswer(int32(id), uint32(uintptr(unsafe.Pointer(unsafe.SliceData(out)))), int32(len(out)))
	runtime.KeepAlive(out)
}

// job is one event for a worker goroutine.
type job struct {
	h   web.Handler
	id  int
	buf []byte
	ev  *eventValues
}

// idle holds the worker goroutines waiting for an event. Workers are kept
// rather than a goroutine started per event: a long-lived goroutine's stack
// has already grown to what the handlers need, and growing (copying) a new
// stack on every event is one of the larger costs of a request on js/wasm.
// Waiting on idle is not waiting on any request's I/O (see the package doc).
var idle = make(chan chan job, 256)

// run hands j to an idle worker, or starts one.
func run(j job) {
	select {
	case w := <-idle:
		w <- j
	default:
		w := make(chan job, 1)
		w <- j
		go worker(w)
	}
}

func worker(w chan job) {
	for j := range w {
		dispatch(j.h, j.id, j.buf, j.ev)
		select {
		case idle <- w:
		default:
			return // enough idle workers
		}
	}
}

const internalBody = `{"error":{"code":"internal","message":"internal error"}}`

func dispatch(h web.Handler, id int, buf []byte, ev *eventValues) {
	w := web.NewRecorder()
	method, rawURL := "?", "?"
	defer func() {
		var out []byte
		if p := recover(); p != nil {
			log.Printf("panic serving %s %s: %v", method, rawURL, p)
			out = PackResponse(500, "content-type: application/json\n", []byte(internalBody))
		} else {
			out = PackResponse(w.Status(), FormatHeaders(w.HeaderMap), w.Body.Bytes())
		}
		answer(id, out)
	}()
	method, rawURL, headers, body, ok := UnpackRequest(buf)
	if !ok {
		w.WriteHeader(web.StatusBadRequest)
		return
	}
	req, err := web.NewRequest(context.WithValue(context.Background(), ctxKey{}, ev), method, rawURL, ParseHeaders(headers), body)
	if err != nil {
		w.WriteHeader(web.StatusBadRequest)
		return
	}
	h.ServeWeb(w, req)
}
