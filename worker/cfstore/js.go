//go:build js && wasm

package cfstore

import (
	"errors"
	"syscall/js"
)

var (
	uint8Array = js.Global().Get("Uint8Array")
	array      = js.Global().Get("Array")
)

// call invokes a method that may throw synchronously and returns a promise.
func call(v js.Value, method string, args ...any) (p js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(method + ": " + jsErrorString(r))
		}
	}()
	return v.Call(method, args...), nil
}

func jsErrorString(r any) string {
	if e, ok := r.(js.Error); ok {
		return e.Error()
	}
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return "panic"
}

func bytesToJS(b []byte) js.Value {
	u := uint8Array.New(len(b))
	if len(b) > 0 {
		js.CopyBytesToJS(u, b)
	}
	return u
}

func bytesFromJS(v js.Value) []byte {
	// v is an ArrayBuffer or a typed array.
	if v.InstanceOf(js.Global().Get("ArrayBuffer")) {
		v = uint8Array.New(v)
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b
}
