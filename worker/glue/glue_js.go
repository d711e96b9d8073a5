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
// (worker.mjs) must have set globalThis.__tollgate = {env, ready, values}
// and the wasm import tollgate.answer before starting the Go program.
//
// The hand-off avoids syscall/js on the path of a fetch event: every
// js.Value Go touches is a reference with a finalizer, and every js.FuncOf
// call goes through the runtime's event machinery. Instead JS calls two
// wasm exports with plain integers: tollgate_alloc(n) returns a Go buffer
// that JS fills with the request (PackRequest's layout) in Go's memory, and
// tollgate_serve(id, kind, ptr, n) queues the event and lets it run until
// it answers or waits for I/O. Go answers through the wasm import
// tollgate.answer(id, ptr, n) with the response packed as PackResponse
// does, which JS copies out of Go's memory before returning. Durable
// Object, cron and queue events also carry JS values (the state, the
// ExecutionContext): Go takes them with values(id).
func Serve(h Handlers) {
	handlers = h
	api = js.Global().Get("__tollgate")
	api.Call("ready")
	select {}
}

var (
	handlers Handlers
	api      js.Value
	// inbox holds the buffers tollgate_alloc handed to JS until
	// tollgate_serve takes them (keyed by address: JS fills them in between
	// the two calls, with no Go code running).
	inbox = map[uint32][]byte{}
)

//go:wasmexport tollgate_alloc
func alloc(n int32) uint32 {
	if n <= 0 {
		n = 1
	}
	b := make([]byte, n)
	p := uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
	inbox[p] = b
	return p
}

//go:wasmexport tollgate_serve
func serve(id, kind int32, ptr uint32, n int32) {
	buf, ok := inbox[ptr]
	delete(inbox, ptr)
	if !ok || int(n) > len(buf) || n < 0 {
		buf, n = nil, 0
	}
	ev := &eventValues{exec: js.Undefined(), aux: js.Undefined()}
	if Kind(kind) != KindFetch {
		v := api.Call("values", id)
		ev.exec, ev.aux = v.Index(0), v.Index(1)
	}
	waiting = true
	run(job{handlers.pick(Kind(kind)), int(id), buf[:n], ev})
	// Let the event run now. Goroutines on js/wasm are not preempted, so
	// once a worker has taken the job it runs until it answers or waits
	// for I/O, and only then does this goroutine run again and return to
	// JS. Gosched may first run other goroutines (the scheduler takes from
	// the global queue now and then), hence the loop.
	for i := 0; waiting; i++ {
		if i == 1000 {
			log.Printf("glue: event %d not started after %d yields", id, i)
			break
		}
		runtime.Gosched()
	}
}

// waiting is set while the event tollgate_serve queued has not been taken
// by a worker. There is one Go thread, so no lock: exports do not overlap.
var waiting bool

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
		waiting = false
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
