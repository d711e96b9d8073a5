package portal

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// layout wraps a page's content in the portal's frame: a skip link, the
// navigation bar, the page heading and the footer.
func layout(active, title, lead string, content ...app.UI) app.UI {
	return app.Div().Class("shell").Body(
		app.A().Class("skip-link").Href("#main").Text("Skip to content"),
		&Nav{Active: active},
		app.Main().ID("main").Body(
			app.H1().Text(title),
			app.If(lead != "", func() app.UI { return app.P().Class("lead").Text(lead) }),
			app.Div().Body(content...),
		),
		app.Footer().Body(
			app.Text("Tollgate · rates are computed in your browser from the published rate deck"),
			app.If(version() != "", func() app.UI { return app.Span().Class("hide-narrow").Text(" · build " + version()) }),
		),
	)
}

// version returns the build version the generator baked into app.js, or ""
// outside the browser.
func version() string {
	v := app.Getenv("GOAPP_VERSION")
	if len(v) > 12 {
		v = v[:12]
	}
	return v
}

// MountedEvent is the event the portal dispatches on window when a page's
// interactive component is mounted.
const MountedEvent = "tollgate-mounted"

// markMounted records, for browser tests and the time-to-interactive budget,
// that a page's interactive component is mounted: window.tollgateMounted is
// the page name, window.tollgateMountedAt the time since navigation in ms.
// It dispatches MountedEvent on window (app.js registers the service worker
// on the first).
func markMounted(page string) {
	w := app.Window()
	perf := w.Get("performance")
	if perf.Truthy() {
		w.Set("tollgateMountedAt", perf.Call("now"))
	}
	w.Set("tollgateMounted", page)
	w.Call("dispatchEvent", w.Get("Event").New(MountedEvent))
}

// MarkStarted records in window.tollgateStartedAt when the wasm program's
// main began (ms since navigation), so that start-up time can be split into
// download+compile and Go start+first render. A no-op outside the browser.
//
// It also keeps what the visitor typed into the prerendered number field while
// app.wasm was loading, for the rate checker to pick up.
func MarkStarted() {
	if !app.IsClient {
		return
	}
	w := app.Window()
	if perf := w.Get("performance"); perf.Truthy() {
		w.Set("tollgateStartedAt", perf.Call("now"))
	}
	if in := w.GetElementByID("dial"); in.Truthy() {
		if v := in.Get("value"); v.Truthy() {
			typedBeforeStart = v.String()
		}
	}
}

// typedBeforeStart is the number typed before the app took over the page.
var typedBeforeStart string
