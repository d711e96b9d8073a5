package httpapi

import (
	"errors"
	"strings"
)

// mediaType returns the lower-case "type/subtype" of a Content-Type value,
// checking its parameters' syntax (RFC 9110: token=token or
// token=quoted-string) as mime.ParseMediaType does — which the edge does
// not link: the mime package and its tables cost the wasm ~40 KB.
// FuzzMediaType compares the two.
func mediaType(v string) (string, error) {
	base, params, _ := strings.Cut(v, ";")
	mt := strings.ToLower(strings.TrimSpace(base))
	typ, sub, ok := strings.Cut(mt, "/")
	if !isToken(typ) || (ok && !isToken(sub)) { // a bare token passes, as in mime
		return "", errMediaType
	}
	seen := map[string]bool{}
	for rest := params; strings.TrimSpace(rest) != ""; {
		p := strings.TrimLeft(rest, " \t")
		key, after, ok := strings.Cut(p, "=")
		key = strings.ToLower(strings.TrimRight(key, " \t"))
		if !ok || !isToken(key) || seen[key] {
			return "", errMediaType
		}
		seen[key] = true
		after = strings.TrimLeft(after, " \t")
		var val string
		if strings.HasPrefix(after, `"`) {
			end := quotedEnd(after)
			if end < 0 {
				return "", errMediaType
			}
			val, rest = after[:end], after[end:]
		} else {
			i := strings.IndexFunc(after, func(r rune) bool { return r > 0x7f || !tokenChar(byte(r)) })
			if i < 0 {
				i = len(after)
			}
			val, rest = after[:i], after[i:]
			if val == "" {
				return "", errMediaType
			}
		}
		_ = val
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		if rest[0] != ';' {
			return "", errMediaType
		}
		rest = rest[1:]
	}
	return mt, nil
}

var errMediaType = errors.New("malformed media type")

// quotedEnd returns the index after the closing quote of the quoted-string
// s starts with, or -1.
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenChar(s[i]) {
			return false
		}
	}
	return true
}

func tokenChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"/[]?=`, rune(c))
}
