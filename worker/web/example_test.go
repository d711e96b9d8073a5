package web_test

import (
	"fmt"

	"github.com/tollgate-voice/tollgate/worker/web"
)

func ExampleMux() {
	var m web.Mux
	m.HandleFunc("GET /v1/users/{id}", func(w web.ResponseWriter, r *web.Request) {
		w.Header().Set("content-type", "text/plain")
		fmt.Fprintf(w, "user %s", r.PathValue("id"))
	})
	r, _ := web.NewRequest(nil, "GET", "https://edge.example/v1/users/ann", nil, nil)
	w := web.NewRecorder()
	m.ServeWeb(w, r)
	fmt.Println(w.Status(), w.Header().Get("Content-Type"), w.Body.String())
	// Output: 200 text/plain user ann
}
