package web

import (
	"strconv"
	"strings"
)

// SameSite is a cookie's SameSite attribute.
type SameSite int

// The SameSite modes; SameSiteDefault leaves the attribute out.
const (
	SameSiteDefault SameSite = iota
	SameSiteLax
	SameSiteStrict
	SameSiteNone
)

// Cookie is a cookie to set.
type Cookie struct {
	Name  string
	Value string
	Path  string
	// MaxAge > 0 is the lifetime in seconds; < 0 deletes the cookie now
	// (Max-Age=0); 0 leaves the attribute out (a session cookie).
	MaxAge   int
	Secure   bool
	HttpOnly bool
	SameSite SameSite
}

// String is the cookie as a Set-Cookie value, e.g.
// "sid=abc; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Strict". Bytes
// that may not appear in a cookie value are dropped; a value with a space
// or comma is quoted. A cookie with an invalid name is "".
func (c Cookie) String() string {
	if c.Name == "" || strings.IndexFunc(c.Name, func(r rune) bool { return r > 0x7f || !tokenByte(byte(r)) }) >= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(c.Name)
	b.WriteByte('=')
	b.WriteString(cookieValue(c.Value))
	if c.Path != "" {
		b.WriteString("; Path=")
		b.WriteString(strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == ';' {
				return -1
			}
			return r
		}, c.Path))
	}
	switch {
	case c.MaxAge > 0:
		b.WriteString("; Max-Age=")
		b.WriteString(strconv.Itoa(c.MaxAge))
	case c.MaxAge < 0:
		b.WriteString("; Max-Age=0")
	}
	if c.HttpOnly {
		b.WriteString("; HttpOnly")
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	switch c.SameSite {
	case SameSiteLax:
		b.WriteString("; SameSite=Lax")
	case SameSiteStrict:
		b.WriteString("; SameSite=Strict")
	case SameSiteNone:
		b.WriteString("; SameSite=None")
	}
	return b.String()
}

// cookieValue keeps the bytes RFC 6265 allows in a cookie value (plus space
// and comma, which force quotes).
func cookieValue(v string) string {
	quote := false
	v = strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == ',':
			quote = true
			return r
		case r < 0x21 || r > 0x7e || r == '"' || r == ';' || r == '\\':
			return -1
		}
		return r
	}, v)
	if quote {
		return `"` + v + `"`
	}
	return v
}

// SetCookie adds c to w's Set-Cookie headers.
func SetCookie(w ResponseWriter, c Cookie) {
	if s := c.String(); s != "" {
		w.Header().Add("Set-Cookie", s)
	}
}

// Cookie returns the value of the request's cookie name from its Cookie
// headers, without surrounding quotes.
func (r *Request) Cookie(name string) (string, bool) {
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || k != name {
				continue
			}
			if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}
