package httpapi

import (
	"errors"
	"log"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// statusOf is the one table that maps Tollgate error codes to HTTP statuses.
var statusOf = map[core.Code]int{
	core.Invalid:      web.StatusBadRequest,
	core.Unauthorized: web.StatusUnauthorized,
	core.Forbidden:    web.StatusForbidden,
	core.NotFound:     web.StatusNotFound,
	core.Conflict:     web.StatusConflict,
	core.Internal:     web.StatusInternalServerError,
}

// Status returns the HTTP status for err (500 for anything unknown).
func Status(err error) int {
	if s, ok := statusOf[core.ErrorCode(err)]; ok {
		return s
	}
	return web.StatusInternalServerError
}

// errTooLarge is returned by decode when the body exceeds the route's limit;
// it is answered with 413 and code "invalid".
var errTooLarge = core.Errorf(core.Invalid, "request body is too large")

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong, without internal details.
type ErrorDetail struct {
	Code    core.Code `json:"code"`
	Message string    `json:"message"`
	Field   string    `json:"field,omitempty"`
}

// writeError answers err. Internal errors are logged and shown only as
// "internal error".
func writeError(w web.ResponseWriter, r *web.Request, err error) {
	code := core.ErrorCode(err)
	status := Status(err)
	if err == errTooLarge {
		status = web.StatusRequestEntityTooLarge
	}
	if code == core.Internal {
		log.Printf("internal error: %s %s: %v", r.Method, r.URL.Path, err)
	}
	d := ErrorDetail{Code: code, Message: core.ErrorMessage(err)}
	var e *core.Error
	if errors.As(err, &e) && code != core.Internal {
		d.Field = e.Field
		d.Message = e.Message
	}
	respond(w, r, status, ErrorBody{Error: d})
}
