package portal

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core"
)

// maxAPIBytes bounds an answer of the portal API the portal accepts.
const maxAPIBytes = 32 << 20

// apiRequest is one call of the edge's portal API, at the page's origin.
type apiRequest struct {
	Method  string
	Path    string
	Body    []byte            // JSON, nil for none
	Headers map[string]string // besides Content-Type and Accept
}

// apiResponse is the edge's answer.
type apiResponse struct {
	Status int
	Body   []byte
}

// transport sends API requests. In the browser it is the browser's fetch
// (with the session cookie); tests replace it. It blocks the calling
// goroutine: call it from ctx.Async, never on the UI goroutine.
var transport = browserFetch

// APIError is an error answer of the API ({"error": {code, message,
// field}}), kept with its HTTP status. Error() is the message in words.
type APIError struct {
	Status  int
	Code    string // core error code: invalid, not_found, forbidden, ...
	Message string
	Field   string
}

func (e *APIError) Error() string { return e.Message }

// errSignedOut is returned for a 401: nobody is signed in (or the session
// ended).
func isSignedOut(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == 401
}

// callAPI sends a request with a JSON body (in, nil for none) and decodes
// the JSON answer into out (nil to ignore it). Errors are in words.
func callAPI(method, path string, in, out any, headers map[string]string) error {
	req := apiRequest{Method: method, Path: path, Headers: headers}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		req.Body = b
	}
	res, err := transport(req)
	if err != nil {
		return err
	}
	if res.Status < 200 || res.Status > 299 {
		if res.Status == 401 && path != "/v1/session" {
			setSession(nil) // the session ended: the pages show "sign in again"
		}
		return decodeAPIError(res)
	}
	if out == nil || len(res.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(res.Body, out); err != nil {
		return fmt.Errorf("the server's answer could not be read (%v)", err)
	}
	return nil
}

// getBytes fetches a binary answer (the account snapshot).
func getBytes(path string) ([]byte, error) {
	res, err := transport(apiRequest{Method: "GET", Path: path, Headers: map[string]string{"Accept": "application/msgpack"}})
	if err != nil {
		return nil, err
	}
	if res.Status != 200 {
		return nil, decodeAPIError(res)
	}
	return res.Body, nil
}

// decodeAPIError turns an error answer into an *APIError with a message for
// people, also when the body is not the API's error JSON.
func decodeAPIError(res apiResponse) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	out := &APIError{Status: res.Status}
	if json.Unmarshal(res.Body, &e) == nil && e.Error.Message != "" {
		out.Code, out.Message, out.Field = e.Error.Code, e.Error.Message, e.Error.Field
	} else {
		out.Message = fmt.Sprintf("the server answered with status %d", res.Status)
	}
	switch {
	case res.Status == 403 && out.Code == "":
		out.Code = string(core.Forbidden)
	case res.Status == 401 && out.Code == "":
		out.Code = string(core.Unauthorized)
	}
	return out
}

// newIdempotencyKey returns a random key for one change: a retry of the same
// change sends the same key, so it cannot be applied twice.
func newIdempotencyKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// browserFetch sends the request with the browser's fetch at the page's
// origin (the session cookie goes with it) and waits for the whole answer.
func browserFetch(req apiRequest) (apiResponse, error) {
	type result struct {
		res apiResponse
		err error
	}
	done := make(chan result, 1)
	status := 0
	var onResponse, onBody, onError app.Func
	onError = app.FuncOf(func(this app.Value, args []app.Value) any {
		done <- result{err: errors.New("the server could not be reached: check your connection and try again")}
		return nil
	})
	onBody = app.FuncOf(func(this app.Value, args []app.Value) any {
		buf := app.Window().Get("Uint8Array").New(args[0])
		n := buf.Length()
		if n > maxAPIBytes {
			done <- result{err: errors.New("the server's answer is too large")}
			return nil
		}
		b := make([]byte, n)
		app.CopyBytesToGo(b, buf)
		done <- result{res: apiResponse{Status: status, Body: b}}
		return nil
	})
	onResponse = app.FuncOf(func(this app.Value, args []app.Value) any {
		res := args[0]
		status = res.Get("status").Int()
		res.Call("arrayBuffer").Call("then", onBody, onError)
		return nil
	})
	headers := map[string]any{"Accept": "application/json"}
	for k, v := range req.Headers {
		headers[k] = v
	}
	opts := map[string]any{"method": req.Method, "credentials": "same-origin", "cache": "no-store", "headers": headers}
	if req.Body != nil {
		headers["Content-Type"] = "application/json"
		opts["body"] = string(bytes.Clone(req.Body))
	}
	app.Window().Call("fetch", req.Path, opts).Call("then", onResponse, onError)
	r := <-done
	onResponse.Release()
	onBody.Release()
	onError.Release()
	return r.res, r.err
}
