package web

import "strings"

// Header holds a message's header fields under canonical keys
// ("Content-Type"), as net/http's Header does.
type Header map[string][]string

// Get returns the first value of key, or "".
func (h Header) Get(key string) string {
	if vs := h[CanonicalKey(key)]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Values returns all values of key.
func (h Header) Values(key string) []string { return h[CanonicalKey(key)] }

// Set replaces the values of key with value.
func (h Header) Set(key, value string) { h[CanonicalKey(key)] = []string{value} }

// Add appends value to the values of key.
func (h Header) Add(key, value string) {
	k := CanonicalKey(key)
	h[k] = append(h[k], value)
}

// Del removes key.
func (h Header) Del(key string) { delete(h, CanonicalKey(key)) }

// Clone returns a deep copy of h.
func (h Header) Clone() Header {
	c := make(Header, len(h))
	for k, vs := range h {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// CanonicalKey returns the canonical form of a header name: the first
// letter and every letter after a hyphen upper case, the rest lower case
// ("content-type" → "Content-Type"). A name with a byte that may not
// appear in a header name (a space, a colon, non-ASCII...) is returned
// unchanged, as net/http does.
func CanonicalKey(s string) string {
	upper := true
	canonical := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !tokenByte(c) {
			return s
		}
		if upper && 'a' <= c && c <= 'z' || !upper && 'A' <= c && c <= 'Z' {
			canonical = false
		}
		upper = c == '-'
	}
	if canonical {
		return s
	}
	if c, ok := commonKeys[s]; ok {
		return c
	}
	b := []byte(s)
	upper = true
	for i, c := range b {
		if upper && 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		} else if !upper && 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
		upper = c == '-'
	}
	return string(b)
}

// tokenByte reports whether c may appear in a header name (RFC 9110 tchar).
func tokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// commonKeys are the canonical forms of the header names requests carry
// most, by their lower-case form (how JavaScript's Headers hands them to
// Go): no allocation for them.
var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control",
		"Cf-Connecting-Ip", "Cf-Ipcountry", "Cf-Ray", "Cf-Visitor", "Connection", "Content-Length", "Content-Type",
		"Cookie", "Host", "Idempotency-Key", "If-None-Match", "Origin", "Referer", "User-Agent",
		"X-Forwarded-For", "X-Forwarded-Proto", "X-Real-Ip", "X-Tollgate-Activation"} {
		m[strings.ToLower(k)] = k
	}
	return m
}()
