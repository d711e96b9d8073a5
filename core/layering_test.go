package core_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// allowedImport reports whether a core library package may import path:
// the standard library, decimal, the msgp runtime and core itself.
func allowedImport(path string) bool {
	first := strings.SplitN(path, "/", 2)[0]
	if !strings.Contains(first, ".") { // standard library
		return path != "syscall/js" && path != "unsafe"
	}
	switch {
	case path == "github.com/shopspring/decimal",
		path == "github.com/tinylib/msgp/msgp",
		path == "github.com/tollgate-voice/tollgate/core",
		strings.HasPrefix(path, "github.com/tollgate-voice/tollgate/core/") &&
			!strings.Contains(path, "/cmd/") && !strings.Contains(path, "/internal/gen"):
		return true
	}
	return false
}

// forbiddenAnywhere lists what no file under core/ may import, tools and
// tests included.
func forbiddenAnywhere(path string) bool {
	return path == "syscall/js" ||
		strings.HasPrefix(path, "github.com/maxence-charriere/go-app") ||
		strings.HasPrefix(path, "github.com/syumai/workers") ||
		strings.HasPrefix(path, "github.com/tollgate-voice/tollgate/worker") ||
		strings.HasPrefix(path, "github.com/tollgate-voice/tollgate/app") ||
		strings.HasPrefix(path, "github.com/tollgate-voice/tollgate/wasm")
}

// TestLayering enforces the dependency rule of the brief: core library code
// imports only the standard library, decimal and the msgp runtime, and never
// reads the wall clock. Generator programs (core/cmd/..., core/.../internal/gen...)
// and tests may use more (libphonenumber, for instance) but never an adapter.
func TestLayering(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || (strings.HasPrefix(name, ".") && name != ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		slash := filepath.ToSlash(path)
		library := !strings.HasSuffix(path, "_test.go") &&
			!strings.HasPrefix(slash, "cmd/") && !strings.Contains(slash, "/cmd/") &&
			!strings.Contains(slash, "/internal/gen") && f.Name.Name != "main"
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if forbiddenAnywhere(p) {
				t.Errorf("%s imports %s: core must not depend on adapters", path, p)
			}
			if library && !allowedImport(p) {
				t.Errorf("%s imports %s: core library code may import only the standard library, decimal and the msgp runtime", path, p)
			}
		}
		if library {
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if ok && sel.Sel.Name == "Now" {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" {
						t.Errorf("%s: core calls time.Now; pass the clock in", fset.Position(sel.Pos()))
					}
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no Go files checked")
	}
}
