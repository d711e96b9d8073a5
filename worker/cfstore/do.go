//go:build js && wasm

package cfstore

import (
	"context"
	"fmt"
	"net/url"
	"syscall/js"

	"github.com/tollgate-voice/tollgate/core"
)

// DOStorage is worker.Blobs on a Durable Object's state.storage.
type DOStorage struct{ s js.Value }

// NewDOStorage wraps state.storage.
func NewDOStorage(storage js.Value) *DOStorage { return &DOStorage{s: storage} }

// Get implements worker.Blobs.
func (d *DOStorage) Get(_ context.Context, key string) ([]byte, error) {
	if !d.s.Truthy() {
		return nil, core.Errorf(core.Internal, "no Durable Object storage in this context")
	}
	p, err := call(d.s, "get", key)
	if err != nil {
		return nil, fmt.Errorf("storage get %q: %w", key, err)
	}
	v, err := await(p)
	if err != nil {
		return nil, fmt.Errorf("storage get %q: %w", key, err)
	}
	if v.IsUndefined() || v.IsNull() {
		return nil, core.Errorf(core.NotFound, "no value for key %q", key)
	}
	return bytesFromJS(v), nil
}

// logRejection logs a failed storage write (the runtime also resets the
// object and fails its pending responses: see Put).
var logRejection = js.FuncOf(func(_ js.Value, a []js.Value) any {
	js.Global().Get("console").Call("error", "durable object storage write failed:", arg0(a))
	return nil
})

// Put implements worker.Blobs. It does not wait for the write: the
// object's output gate holds every response the object sends until its
// pending writes are durable, and replaces them with errors (resetting the
// object) if a write fails. So an acknowledged change is a stored change,
// without a storage round trip on the request's critical path.
func (d *DOStorage) Put(_ context.Context, key string, value []byte) error {
	if !d.s.Truthy() {
		return core.Errorf(core.Internal, "no Durable Object storage in this context")
	}
	p, err := call(d.s, "put", key, bytesToJS(value))
	if err != nil {
		return fmt.Errorf("storage put %q: %w", key, err)
	}
	p.Call("catch", logRejection)
	return nil
}

// Accounts is worker.Accounts on a Durable Object namespace binding: the
// object of a tenant is the one named by its ID.
type Accounts struct{ ns js.Value }

// NewAccounts wraps the namespace binding (env.ACCOUNTS).
func NewAccounts(ns js.Value) *Accounts { return &Accounts{ns: ns} }

// Call implements worker.Accounts.
func (a *Accounts) Call(_ context.Context, tenant, path string, body []byte) (int, []byte, error) {
	id, err := call(a.ns, "idFromName", tenant)
	if err != nil {
		return 0, nil, err
	}
	stub, err := call(a.ns, "get", id)
	if err != nil {
		return 0, nil, err
	}
	init := js.Global().Get("Object").New()
	if body != nil {
		init.Set("method", "POST")
		init.Set("body", bytesToJS(body))
	}
	p, err := call(stub, "fetch", "https://account"+path+"?tenant="+url.QueryEscape(tenant), init)
	if err != nil {
		return 0, nil, err
	}
	res, err := await(p)
	if err != nil {
		return 0, nil, fmt.Errorf("account object %q: %w", tenant, err)
	}
	status := res.Get("status").Int()
	p, err = call(res, "arrayBuffer")
	if err != nil {
		return 0, nil, err
	}
	ab, err := await(p)
	if err != nil {
		return 0, nil, err
	}
	return status, bytesFromJS(ab), nil
}
