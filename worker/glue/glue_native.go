//go:build !(js && wasm)

package glue

import (
	"log"
	"net/http"
	"os"

	"github.com/tollgate-voice/tollgate/worker/web"
)

// Serve runs h.Fetch on a plain HTTP server on $PORT (default 9900) and never
// returns: the native twin of the Workers entry point, for trying handlers
// without workerd.
func Serve(h Handlers) {
	port := os.Getenv("PORT")
	if port == "" {
		port = "9900"
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:"+port, web.ToHTTP(h.pick(KindFetch))))
}
