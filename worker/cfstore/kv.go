//go:build js && wasm

package cfstore

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker/glue"
)

// KV is worker.Blobs on a Workers KV namespace binding.
type KV struct{ ns js.Value }

// NewKV wraps the KV namespace binding ns (env.KV).
func NewKV(ns js.Value) *KV { return &KV{ns: ns} }

// Get implements worker.Blobs.
func (k *KV) Get(_ context.Context, key string) ([]byte, error) {
	p, err := call(k.ns, "get", key, "arrayBuffer")
	if err != nil {
		return nil, fmt.Errorf("kv get %q: %w", key, err)
	}
	v, err := glue.Await(p)
	if err != nil {
		return nil, fmt.Errorf("kv get %q: %w", key, err)
	}
	if v.IsNull() || v.IsUndefined() {
		return nil, core.Errorf(core.NotFound, "no value for key %q", key)
	}
	return bytesFromJS(v), nil
}

// Put implements worker.Blobs.
func (k *KV) Put(_ context.Context, key string, value []byte) error {
	if key == "" {
		return core.FieldErrorf(core.Invalid, "key", "empty key")
	}
	p, err := call(k.ns, "put", key, bytesToJS(value))
	if err != nil {
		return fmt.Errorf("kv put %q: %w", key, err)
	}
	if _, err := glue.Await(p); err != nil {
		return fmt.Errorf("kv put %q: %w", key, err)
	}
	return nil
}
