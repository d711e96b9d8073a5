package httpapi

// A fast path for decoding the hottest request body, POST /v1/authorize:
// a flat JSON object of plain strings. decodeFast accepts only documents
// that encoding/json (as decode uses it) decodes without error to the very
// same value — exact-case known keys, printable-ASCII strings without
// escapes, JSON whitespace — and reports false for anything else, which
// decode then hands to encoding/json for the full rules and the usual error
// messages. FuzzDecodeFast checks the equivalence.

// fastDecoder is a request body with a fast decoding path.
type fastDecoder interface {
	// decodeFast decodes b and reports true, or leaves the receiver
	// unchanged and reports false.
	decodeFast(b []byte) bool
}

func (q *AuthorizeRequest) decodeFast(b []byte) bool {
	var out AuthorizeRequest
	ok := scanFlatObject(b, func(key, val string) bool {
		switch key {
		case "tenant":
			out.Tenant = val
		case "call_id":
			out.CallID = val
		case "user":
			out.User = val
		case "dialled":
			out.Dialled = val
		case "direction":
			out.Direction = val
		case "start":
			out.Start = val
		default:
			return false
		}
		return true
	})
	if ok {
		*q = out
	}
	return ok
}

// scanFlatObject parses b as a JSON object whose values are all strings
// and calls set for each member in order; it reports false (having
// possibly called set) if b is anything else or a string holds anything
// but printable ASCII without a quote or backslash, or if set does.
func scanFlatObject(b []byte, set func(key, val string) bool) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		key, j, ok := plainString(b, i)
		if !ok {
			return false
		}
		i = skipSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		val, j, ok := plainString(b, skipSpace(b, i+1))
		if !ok || !set(key, val) {
			return false
		}
		i = skipSpace(b, j)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// plainString reads a string at b[i] made of printable ASCII other than
// '"' and '\\', and returns it and the index after its closing quote.
func plainString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return string(b[i+1 : j]), j + 1, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return "", 0, false
		}
	}
	return "", 0, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
