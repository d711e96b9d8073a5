package httpapi

import (
	"mime"
	"testing"
)

// mime.ParseMediaType is the reference; the edge does not link it.
func checkMediaType(t *testing.T, v string) {
	t.Helper()
	want, _, werr := mime.ParseMediaType(v)
	got, err := mediaType(v)
	if (err != nil) != (werr != nil) || (err == nil && got != want) {
		t.Errorf("mediaType(%q) = %q, %v; mime says %q, %v", v, got, err, want, werr)
	}
}

func TestMediaType(t *testing.T) {
	for _, v := range []string{"application/json", "Application/JSON; charset=utf-8", "text/csv;charset=\"utf-8\"",
		"application/msgpack ; a=1 ; b=\"x;y\"", "", "json", "a/", "/b", "a/b;", "a/b; c", "a/b; c=", "a/b; c=1; c=2",
		"a/b c", "a/b; c=\"unterminated", "a/b; c=1 d", "a b/c", "a/b;;", " text/plain ", "a/b; C=1; c=2"} {
		checkMediaType(t, v)
	}
}

func FuzzMediaType(f *testing.F) {
	for _, s := range []string{"application/json", "text/csv; charset=\"utf-8\"", "a/b; c=1; d=\"\\\"\"", "a/b;c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) { checkMediaType(t, v) })
}
