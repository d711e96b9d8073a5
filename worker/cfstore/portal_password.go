//go:build js && wasm

package cfstore

import (
	"crypto/hmac"
	"syscall/js"

	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/glue"
)

// PasswordMatches is worker.PasswordMatches computed by the runtime's
// WebCrypto (crypto.subtle PBKDF2, native code) instead of Go compiled to
// wasm, which takes ≈0.4 s of CPU for 100,000 iterations. It checks the
// same stored hashes; workerd accepts at most 100,000 iterations, more
// falls back to the Go implementation.
func PasswordMatches(password, stored string) bool {
	iter, salt, want, ok := worker.ParsePasswordHash(stored)
	if !ok || len(password) > worker.MaxPasswordLen {
		return false
	}
	if iter > 100_000 {
		return worker.PasswordMatches(password, stored)
	}
	subtle := js.Global().Get("crypto").Get("subtle")
	p, err := call(subtle, "importKey", "raw", bytesToJS([]byte(password)), "PBKDF2", false, []any{"deriveBits"})
	if err != nil {
		return false
	}
	key, err := glue.Await(p)
	if err != nil {
		return false
	}
	params := js.Global().Get("Object").New()
	params.Set("name", "PBKDF2")
	params.Set("hash", "SHA-256")
	params.Set("salt", bytesToJS(salt))
	params.Set("iterations", iter)
	p, err = call(subtle, "deriveBits", params, key, len(want)*8)
	if err != nil {
		return false
	}
	bits, err := glue.Await(p)
	if err != nil {
		return false
	}
	return hmac.Equal(bytesFromJS(bits), want)
}
