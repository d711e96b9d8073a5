//go:build js && wasm

package glue

import (
	"context"
	"errors"
	"log"
	"runtime"
	"strings"
	"sync"
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
// (worker.mjs) must have set globalThis.__tollgate = {env, ready, ...} and
// the wasm import tollgate.answer before starting the Go program.
//
// Events enter Go through the runtime's own event path, without
// syscall/js's: JS writes the event into a small box in Go's memory and
// resumes the Go program (the Go instance's _resume, which is what a
// js.FuncOf call does after building its event object), and the runtime
// calls handleEvent, registered in place of syscall/js's handler. The
// runtime's semantics are unchanged: the event's goroutines run until every
// goroutine waits, then Go pauses and the call returns to JS. What is left
// out is syscall/js's protocol for a js.FuncOf call: an event object and an
// arguments object built in JS, five property reads and two writes by name
// (each name decoded from Go's memory), and a reference with a finalizer
// for each object — measured on Node, 17-20 µs per event warm and 70-190 µs
// with cold caches (as every request finds them on a busy runtime), against
// 4-10 µs and 14-42 µs this way.
//
// So the worker's program must not use js.FuncOf: a js.FuncOf callback
// never reaches its Go function (worker.mjs makes calling one throw, which
// fails that request instead of leaving it to hang). Promises are awaited
// with Await; the log package writes to the console (Go's file writes,
// standard output and error included, wait on a callback); the edge's
// account.LoadLocation reads no files. TestWasmCreatesNoJSCallbacks in
// cmd/edge keeps js.FuncOf and file writes out of the worker's code.
//
// A request comes packed (PackRequest's layout) into the inbox, a buffer Go
// owns, written by JS straight into Go's memory; one too large for the inbox
// is taken from JS as a Uint8Array (takeBody), and the JS values of Durable
// Object, cron and queue events likewise (takeValues), while the event runs,
// before Go returns to JS. Go answers through the wasm import
// tollgate.answer(id, ptr, n) with the response packed as PackResponse does,
// which JS copies out of Go's memory before returning.
func Serve(h Handlers) {
	handlers = h
	api = js.Global().Get("__tollgate")
	log.SetOutput(consoleWriter{js.Global().Get("console")})
	setEventHandler(handleEvent)
	api.Call("ready", uintptr(unsafe.Pointer(&box)), uintptr(unsafe.Pointer(unsafe.SliceData(inbox))), len(inbox))
	select {}
}

//go:linkname setEventHandler syscall/js.setEventHandler
func setEventHandler(fn func() bool)

var (
	handlers Handlers
	api      js.Value // globalThis.__tollgate
)

// consoleWriter writes to the JS console: a write to Go's standard error waits on a
// js.FuncOf callback, which the glue does not support.
type consoleWriter struct{ console js.Value }

func (c consoleWriter) Write(p []byte) (int, error) {
	c.console.Call("error", strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// box is where JS writes an event before it resumes Go: the event type, then
// three fields whose meaning depends on it. Go's heap does not move.
var box [4]uint32

// The event types of box[0].
const (
	eventNone   = 0 // an empty box: the runtime's own timer woke Go
	eventServe  = 1 // box[1] kind, box[2] id, box[3] length in the inbox (noInbox: takeBody)
	eventSettle = 2 // box[1] 1 if fulfilled, 0 if rejected; box[2] the Await id
)

// noInbox is the length of a request that did not fit in the inbox.
const noInbox = 1<<32 - 1

// handleEvent is the runtime's event handler: it takes the event out of the
// box and starts it. It reports false for an empty box: the runtime's idle
// timer fired (syscall/js answers the same when no js.FuncOf call is
// pending).
func handleEvent() bool {
	switch box[0] {
	case eventServe:
		box[0] = eventNone
		serve(Kind(box[1]), int(box[2]), box[3])
	case eventSettle:
		box[0] = eventNone
		settle(box[2], box[1] != 0)
	default:
		return false
	}
	return true
}

// serve copies a request out of JS's reach and hands it to a worker.
func serve(kind Kind, id int, n uint32) {
	var buf []byte
	if n == noInbox {
		b := api.Call("takeBody")
		buf = make([]byte, b.Length())
		js.CopyBytesToGo(buf, b)
	} else {
		n := min(int(n), len(inbox))
		buf = make([]byte, n)
		copy(buf, inbox[:n])
	}
	ev := &eventValues{exec: js.Undefined(), aux: js.Undefined()}
	if kind != KindFetch {
		v := api.Call("takeValues")
		ev.exec, ev.aux = v.Index(0), v.Index(1)
	}
	run(job{handlers.pick(kind), id, buf, ev})
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

// awaiting holds the goroutines waiting in Await, by Await id.
var (
	awaitMu   sync.Mutex
	awaiting  = map[uint32]chan bool{}
	lastAwait uint32
)

// Await waits for the JS promise p and returns its value, or its rejection
// reason as an error. JS settles it with an eventSettle event; the value
// stays in JS until the waiting goroutine takes it. It must not be called
// from handleEvent's goroutine (no handler runs there).
func Await(p js.Value) (js.Value, error) {
	ch := make(chan bool, 1)
	awaitMu.Lock()
	lastAwait++
	id := lastAwait
	awaiting[id] = ch
	awaitMu.Unlock()
	api.Call("await", p, id)
	fulfilled := <-ch
	v := api.Call("takeSettled", id)
	if !fulfilled {
		return js.Undefined(), errors.New(v.String())
	}
	return v, nil
}

// settle wakes the goroutine waiting for Await id.
func settle(id uint32, fulfilled bool) {
	awaitMu.Lock()
	ch, ok := awaiting[id]
	delete(awaiting, id)
	awaitMu.Unlock()
	if ok {
		ch <- fulfilled
	}
}

// LogRejection makes JS log it if the promise p is rejected, for writes
// nobody waits for.
func LogRejection(p js.Value, what string) { api.Call("logRejection", p, what) }

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
