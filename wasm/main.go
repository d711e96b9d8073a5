// Command wasm is the portal's one entry point for two targets. Built for
// js/wasm it is the app running in the browser (app.wasm). Built natively it
// generates the static site the edge serves: pages, app.js, the service
// worker, the manifest and the local assets.
//
//	GOOS=js GOARCH=wasm go build -o static/web/app.wasm ./wasm
//	go run ./wasm -out static -wasm static/web/app.wasm
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portal "github.com/tollgate-voice/tollgate/app"
)

func main() {
	portal.MarkStarted() // in the browser: when Go's main began, for the start-up budget
	portal.Register()
	app.RunWhenOnBrowser() // in the browser: runs the app and never returns
	generate()
}
