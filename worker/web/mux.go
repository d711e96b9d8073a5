package web

import (
	"net/url"
	"strings"
)

// Mux routes requests by method and path; the first registered route that
// matches wins. Patterns are "METHOD /path",
// where a path segment "{name}" matches any one segment, read back with
// Request.PathValue. A GET route also answers HEAD, as in net/http.
type Mux struct {
	routes []muxRoute
}

type muxRoute struct {
	method string
	segs   []string
	h      Handler
}

// Handle registers h for pattern. It panics on a malformed pattern.
func (m *Mux) Handle(pattern string, h Handler) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		panic("web: malformed pattern " + pattern)
	}
	m.routes = append(m.routes, muxRoute{method: method, segs: strings.Split(path[1:], "/"), h: h})
}

// HandleFunc registers f for pattern.
func (m *Mux) HandleFunc(pattern string, f func(ResponseWriter, *Request)) {
	m.Handle(pattern, HandlerFunc(f))
}

// Route finds the handler for r and sets r's path values. Without a
// matching route, h is nil and allow lists the methods the path has
// routes for (none: 404; some: 405 with an Allow header).
func (m *Mux) Route(r *Request) (h Handler, allow []string) {
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, s := range segs {
		if strings.IndexByte(s, '%') >= 0 {
			if u, err := url.PathUnescape(s); err == nil {
				segs[i] = u
			}
		}
	}
	for _, rt := range m.routes {
		if !rt.matches(segs) {
			continue
		}
		if rt.method != r.Method && !(rt.method == "GET" && r.Method == "HEAD") {
			allow = append(allow, rt.method)
			continue
		}
		r.pathValues = nil
		for i, p := range rt.segs {
			if isWildcard(p) {
				r.pathValues = append(r.pathValues, p[1:len(p)-1], segs[i])
			}
		}
		return rt.h, nil
	}
	return nil, allow
}

func (rt muxRoute) matches(segs []string) bool {
	if len(segs) != len(rt.segs) {
		return false
	}
	for i, p := range rt.segs {
		if isWildcard(p) {
			if segs[i] == "" {
				return false
			}
		} else if p != segs[i] {
			return false
		}
	}
	return true
}

func isWildcard(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

// ServeWeb dispatches r; unrouted requests get a plain-text 404 or 405.
func (m *Mux) ServeWeb(w ResponseWriter, r *Request) {
	h, allow := m.Route(r)
	switch {
	case h != nil:
		h.ServeWeb(w, r)
	case len(allow) > 0:
		w.Header().Set("Allow", strings.Join(allow, ", "))
		Error(w, "method not allowed", StatusMethodNotAllowed)
	default:
		NotFound.ServeWeb(w, r)
	}
}

// PathValue returns the path segment the route's wildcard {name} matched.
func (r *Request) PathValue(name string) string {
	for i := 0; i+1 < len(r.pathValues); i += 2 {
		if r.pathValues[i] == name {
			return r.pathValues[i+1]
		}
	}
	return ""
}
