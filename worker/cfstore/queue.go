//go:build js && wasm

package cfstore

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/tollgate-voice/tollgate/worker/glue"
)

// Queue is worker.Queue on a Queue producer binding (env.WEBHOOKS).
type Queue struct{ q js.Value }

// NewQueue wraps a Queue producer binding.
func NewQueue(q js.Value) *Queue { return &Queue{q: q} }

// Send implements worker.Queue; the message body is the bytes as given.
func (q *Queue) Send(_ context.Context, body []byte) error {
	if !q.q.Truthy() {
		return fmt.Errorf("queue binding missing")
	}
	p, err := call(q.q, "send", bytesToJS(body), map[string]any{"contentType": "bytes"})
	if err != nil {
		return fmt.Errorf("queue send: %w", err)
	}
	if _, err := glue.Await(p); err != nil {
		return fmt.Errorf("queue send: %w", err)
	}
	return nil
}

// Fetch is worker.Poster on the runtime's fetch.
type Fetch struct{}

// Post implements worker.Poster.
func (Fetch) Post(_ context.Context, url string, header map[string]string, body []byte) (int, error) {
	h := js.Global().Get("Headers").New()
	for k, v := range header {
		h.Call("set", k, v)
	}
	init := js.Global().Get("Object").New()
	init.Set("method", "POST")
	init.Set("headers", h)
	init.Set("body", bytesToJS(body))
	p, err := call(js.Global(), "fetch", url, init)
	if err != nil {
		return 0, err
	}
	res, err := glue.Await(p)
	if err != nil {
		return 0, fmt.Errorf("POST %s: %w", url, err)
	}
	// Drain the body so the connection can be reused.
	if p, err := call(res, "arrayBuffer"); err == nil {
		glue.Await(p)
	}
	return res.Get("status").Int(), nil
}
