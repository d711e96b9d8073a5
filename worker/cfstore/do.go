//go:build js && wasm

package cfstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/url"
	"syscall/js"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/glue"
)

// DOStorage is worker.Storage on a Durable Object's storage, as worker.mjs
// hands it over (its ObjectStorage: the runtime's get and put, plus
// getMany, write and list of many keys packed into one buffer).
type DOStorage struct{ s js.Value }

// NewDOStorage wraps the object's storage.
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
	v, err := glue.Await(p)
	if err != nil {
		return nil, fmt.Errorf("storage get %q: %w", key, err)
	}
	if v.IsUndefined() || v.IsNull() {
		return nil, core.Errorf(core.NotFound, "no value for key %q", key)
	}
	return bytesFromJS(v), nil
}

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
	glue.LogRejection(p, "durable object storage write failed:")
	return nil
}

// pack appends the packed form worker.mjs's ObjectStorage reads: each key
// as a 4-byte little-endian length and its bytes, then its value the same
// way if withValue.
func pack(b []byte, key string, value []byte, withValue bool) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(key)))
	b = append(b, key...)
	if withValue {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(value)))
		b = append(b, value...)
	}
	return b
}

// unpack reads packed entries (keys with values).
func unpack(b []byte) ([]worker.Entry, error) {
	var out []worker.Entry
	for len(b) > 0 {
		var e worker.Entry
		for i := range 2 {
			if len(b) < 4 || uint64(len(b)-4) < uint64(binary.LittleEndian.Uint32(b)) {
				return nil, core.Errorf(core.Internal, "storage returned malformed entries")
			}
			n := binary.LittleEndian.Uint32(b)
			if i == 0 {
				e.Key = string(b[4 : 4+n])
			} else {
				e.Value = b[4 : 4+n : 4+n]
			}
			b = b[4+n:]
		}
		out = append(out, e)
	}
	return out, nil
}

func (d *DOStorage) packed(method string, buf []byte, args ...any) (js.Value, error) {
	if !d.s.Truthy() {
		return js.Undefined(), core.Errorf(core.Internal, "no Durable Object storage in this context")
	}
	return call(d.s, method, append([]any{bytesToJS(buf)}, args...)...)
}

// GetMany implements worker.Storage.
func (d *DOStorage) GetMany(_ context.Context, keys []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var buf []byte
	for _, k := range keys {
		buf = pack(buf, k, nil, false)
	}
	p, err := d.packed("getMany", buf)
	if err != nil {
		return nil, fmt.Errorf("storage get of %d keys: %w", len(keys), err)
	}
	v, err := glue.Await(p)
	if err != nil {
		return nil, fmt.Errorf("storage get of %d keys: %w", len(keys), err)
	}
	entries, err := unpack(bytesFromJS(v))
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		out[e.Key] = e.Value
	}
	return out, nil
}

// Write implements worker.Storage. The puts and deletes go to the runtime
// in one call, with no await between them: the runtime makes them one
// atomic write. Like Put, it does not wait for the write to be durable:
// the output gate holds the object's responses until it is.
func (d *DOStorage) Write(_ context.Context, put []worker.Entry, del []string) error {
	if len(put) == 0 && len(del) == 0 {
		return nil
	}
	var buf []byte
	for _, e := range put {
		if e.Key == "" {
			return core.FieldErrorf(core.Invalid, "key", "empty key")
		}
		buf = pack(buf, e.Key, e.Value, true)
	}
	for _, k := range del {
		buf = pack(buf, k, nil, false)
	}
	p, err := d.packed("write", buf, len(put))
	if err != nil {
		return fmt.Errorf("storage write of %d keys: %w", len(put)+len(del), err)
	}
	glue.LogRejection(p, "durable object storage write failed:")
	return nil
}

// List implements worker.Storage.
func (d *DOStorage) List(_ context.Context, prefix, startAfter string, limit int) ([]worker.Entry, error) {
	if limit < 1 || limit > worker.MaxListLimit {
		return nil, core.FieldErrorf(core.Invalid, "limit", "limit must be 1 to %d", worker.MaxListLimit)
	}
	if !d.s.Truthy() {
		return nil, core.Errorf(core.Internal, "no Durable Object storage in this context")
	}
	p, err := call(d.s, "list", prefix, startAfter, limit)
	if err != nil {
		return nil, fmt.Errorf("storage list %q: %w", prefix, err)
	}
	v, err := glue.Await(p)
	if err != nil {
		return nil, fmt.Errorf("storage list %q: %w", prefix, err)
	}
	return unpack(bytesFromJS(v))
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
	res, err := glue.Await(p)
	if err != nil {
		return 0, nil, fmt.Errorf("account object %q: %w", tenant, err)
	}
	status := res.Get("status").Int()
	p, err = call(res, "arrayBuffer")
	if err != nil {
		return 0, nil, err
	}
	ab, err := glue.Await(p)
	if err != nil {
		return 0, nil, err
	}
	return status, bytesFromJS(ab), nil
}
