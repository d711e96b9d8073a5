package portal

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// maxDeckUpload is the largest CSV deck the edge accepts (worker/httpapi
// limitDeck); bigger files are refused here before a byte is sent.
const maxDeckUpload = 7 << 20

// DeckAdminPage is the operator's rate-deck publishing page: an admin of the
// platform operator chooses a CSV deck and uploads it with a progress bar;
// the edge checks every line and either publishes it as a new version or
// lists every problem with its line number (and publishes nothing). Members
// and other tenants' users are told that they cannot publish.
type DeckAdminPage struct {
	app.Compo

	s signedIn

	current    string // version of the published deck, "" while unknown
	currentLen int

	file     app.Value // the chosen File, nil before one is chosen
	fileName string
	fileSize int64
	version  string // optional version name

	phase       uploadPhase
	sent        int64 // bytes sent so far
	total       int64
	outcome     deckOutcome
	versions    []deckVersion // the edge's deck history, newest first
	versionsErr error         // why the history could not be read
	confirming  string        // the version whose "make current" awaits confirmation
	activating  string        // the version being made current
	activateErr error

	ctx app.Context // the page's own, kept at mount (see PackagesPage.ctx)
}

// uploadPhase is where an upload is.
type uploadPhase int

const (
	uploadIdle     uploadPhase = iota
	uploadSending              // bytes are going up: the bar shows how many
	uploadChecking             // all sent: the edge parses and publishes
	uploadDone                 // outcome holds the result
)

// deckPublished answers a successful upload (201).
type deckPublished struct {
	Version  string `json:"version"`
	Rows     int    `json:"rows"`
	Currency string `json:"currency"`
	Previous string `json:"previous"`
}

// deckVersion is one uploaded deck version (GET /v1/admin/decks).
type deckVersion struct {
	Version    string `json:"version"`
	Rows       int    `json:"rows"`
	Currency   string `json:"currency"`
	UploadedAt string `json:"uploaded_at"` // RFC 3339; "" when the edge does not know
	UploadedBy string `json:"uploaded_by"`
	Current    bool   `json:"current"`
}

// deckProblem is one bad line of an uploaded deck.
type deckProblem struct {
	Line    int    `json:"line"`
	Prefix  string `json:"prefix"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// deckOutcome is how an upload ended: published, refused with the deck's
// problems (nothing published), or an error in words.
type deckOutcome struct {
	Published *deckPublished
	Summary   string        // the edge's words for a refused deck
	Problems  []deckProblem // every bad line, in file order
	Omitted   int           // problems beyond those listed
	Activated bool          // Published was made current again, not uploaded
	Err       error
}

// readDeckAnswer turns the edge's answer to POST /v1/admin/deck into an
// outcome.
func readDeckAnswer(res apiResponse) deckOutcome {
	switch {
	case res.Status == 201 || res.Status == 200:
		var p deckPublished
		if err := json.Unmarshal(res.Body, &p); err != nil || p.Version == "" {
			return deckOutcome{Err: errors.New("the deck may have been published, but the server's answer could not be read: reload the page to see the current version")}
		}
		return deckOutcome{Published: &p}
	case res.Status == 400:
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
			Errors  []deckProblem `json:"errors"`
			Omitted int           `json:"omitted"`
		}
		if json.Unmarshal(res.Body, &e) == nil && len(e.Errors) > 0 {
			return deckOutcome{Summary: e.Error.Message, Problems: e.Errors, Omitted: e.Omitted}
		}
	}
	return deckOutcome{Err: decodeAPIError(res)}
}

// deckUploader sends the chosen file to the edge and reports the bytes sent
// on progress (without blocking: updates may be dropped). In the browser it
// is XMLHttpRequest, the one browser API that reports upload progress.
var deckUploader = browserUpload

// OnMount marks the page interactive, checks who is signed in and shows the
// version published now.
func (p *DeckAdminPage) OnMount(ctx app.Context) {
	p.ctx = ctx
	markMounted("deck-admin")
	loadSession(ctx, func(me *Me, err error) {
		p.s = signedIn{checked: true, me: me, err: err}
		if canPublishDecks(me) {
			p.loadCurrent(ctx)
			p.loadVersions()
		}
	})
}

// canPublishDecks says whether the user may publish rate decks: an admin of
// the platform operator.
func canPublishDecks(me *Me) bool { return me != nil && me.Operator && me.Admin() }

func (p *DeckAdminPage) loadCurrent(ctx app.Context) {
	loadDeck(ctx, func(ix *deck.Index, err error) {
		if ix != nil {
			p.current, p.currentLen = ix.Version(), ix.Len()
		}
	})
}

// loadVersions reads the deck history from the edge.
func (p *DeckAdminPage) loadVersions() {
	ctx := p.ctx
	ctx.Async(func() {
		var out struct {
			Current  string        `json:"current"`
			Versions []deckVersion `json:"versions"`
		}
		err := callAPI("GET", "/v1/admin/decks", nil, &out, nil)
		ctx.Dispatch(func(app.Context) {
			p.versions, p.versionsErr = out.Versions, err
		})
	})
}

// askActivate asks to confirm making version current.
func (p *DeckAdminPage) askActivate(version string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.confirming, p.activateErr = version, nil
		focusAfterRender(ctx, "activate-confirm")
	}
}

func (p *DeckAdminPage) cancelActivate(ctx app.Context, e app.Event) { p.confirming = "" }

// activate makes the confirmed version current again.
func (p *DeckAdminPage) activate(ctx app.Context, e app.Event) {
	version := p.confirming
	if version == "" || p.activating != "" {
		return
	}
	p.activating, p.activateErr = version, nil
	ctx = p.ctx
	ctx.Async(func() {
		var pub deckPublished
		err := callAPI("POST", "/v1/admin/deck/current", map[string]string{"version": version}, &pub, nil)
		ctx.Dispatch(func(ctx app.Context) {
			p.activating, p.confirming = "", ""
			if err != nil {
				p.activateErr = err
				return
			}
			p.current, p.currentLen = pub.Version, pub.Rows
			forgetDeck() // the rate checker and directory load these rates
			p.phase, p.outcome = uploadDone, deckOutcome{Published: &pub, Activated: true}
			focusAfterRender(ctx, "upload-outcome")
			p.loadVersions()
		})
	})
}

func (p *DeckAdminPage) onFile(ctx app.Context, e app.Event) {
	files := ctx.JSSrc().Get("files")
	p.file, p.fileName, p.fileSize = nil, "", 0
	if files.Truthy() && files.Length() > 0 {
		f := files.Index(0)
		p.file, p.fileName, p.fileSize = f, f.Get("name").String(), int64(f.Get("size").Float())
	}
	if p.phase == uploadDone {
		p.phase, p.outcome = uploadIdle, deckOutcome{}
	}
}

func (p *DeckAdminPage) onVersion(ctx app.Context, e app.Event) {
	p.version = ctx.JSSrc().Get("value").String()
}

// versionName is the version to publish under: what was typed, without
// surrounding spaces ("" names it after the content).
func (p *DeckAdminPage) versionName() string { return strings.TrimSpace(p.version) }

// problem says what is wrong with the form before uploading, or "".
func (p *DeckAdminPage) problem() string {
	switch {
	case p.file == nil:
		return "Choose a CSV file first."
	case p.fileSize == 0:
		return p.fileName + " is empty."
	case p.fileSize > maxDeckUpload:
		return fmt.Sprintf("%s is %s: the largest deck accepted is %s.", p.fileName, byteWords(p.fileSize), byteWords(maxDeckUpload))
	case len(p.versionName()) > 64 || strings.ContainsAny(p.versionName(), "/\r\n"):
		return "The version name must be at most 64 characters, without “/”."
	}
	return ""
}

func (p *DeckAdminPage) upload(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.phase == uploadSending || p.phase == uploadChecking {
		return
	}
	if msg := p.problem(); msg != "" {
		p.phase, p.outcome = uploadDone, deckOutcome{Err: errors.New(msg)}
		focusAfterRender(ctx, "upload-outcome")
		return
	}
	path := "/v1/admin/deck"
	if v := p.versionName(); v != "" {
		path += "?version=" + url.QueryEscape(v)
	}
	file := p.file
	p.phase, p.sent, p.total, p.outcome = uploadSending, 0, p.fileSize, deckOutcome{}
	ctx = p.ctx
	ctx.Async(func() {
		progress := make(chan [2]int64, 16)
		type result struct {
			res apiResponse
			err error
		}
		done := make(chan result, 1)
		go func() {
			res, err := deckUploader(file, path, progress)
			done <- result{res, err}
		}()
		for {
			select {
			case pr := <-progress:
				ctx.Dispatch(func(ctx app.Context) {
					if p.phase != uploadSending {
						return
					}
					p.sent, p.total = pr[0], pr[1]
					if p.total > 0 && p.sent >= p.total {
						p.phase = uploadChecking
					}
				})
			case r := <-done:
				ctx.Dispatch(func(ctx app.Context) {
					p.phase = uploadDone
					if r.err != nil {
						p.outcome = deckOutcome{Err: r.err}
					} else {
						p.outcome = readDeckAnswer(r.res)
					}
					if pub := p.outcome.Published; pub != nil {
						p.sent = p.total
						p.current, p.currentLen = pub.Version, pub.Rows
						forgetDeck() // the rate checker and directory load the new rates
						p.loadVersions()
					}
					focusAfterRender(ctx, "upload-outcome")
				})
				return
			}
		}
	})
}

// Render draws the page.
func (p *DeckAdminPage) Render() app.UI {
	const path, title = "/admin/deck", "Rate deck"
	lead := "Publish a new version of the rate deck from a CSV file. Every line is checked first: a deck with any problem is not published."
	switch {
	case !p.s.checked, p.s.err != nil, p.s.me == nil:
		return accountFrame("deck", p.s, nil)
	case !p.s.me.Admin():
		return layout(path, title, lead, app.Div().ID("deck-not-allowed").Class("message info").Attr("role", "status").
			Text("Only the operator's admins publish rate decks. You are signed in as a member: you can check rates, but not publish them."))
	case !canPublishDecks(p.s.me):
		return layout(path, title, lead, app.Div().ID("deck-not-allowed").Class("message info").Attr("role", "status").
			Text("Rate decks are published by the platform operator. "+p.s.me.Tenant.Name+" uses the operator's published rates, so there is nothing to upload here."))
	}
	busy := p.phase == uploadSending || p.phase == uploadChecking
	return layout(path, title, lead,
		app.Section().Class("panel").Aria("labelledby", "upload-title").Body(
			app.H2().ID("upload-title").Text("Upload a deck"),
			app.P().ID("deck-current").Class("hint").Text(p.currentWords()),
			app.Form().ID("deck-form").OnSubmit(p.upload).Body(
				app.Div().Class("field").Body(
					app.Label().For("deck-file").Text("CSV file"),
					app.Input().Type("file").ID("deck-file").Accept(".csv,text/csv").Disabled(busy).
						Aria("describedby", "deck-file-hint").OnChange(p.onFile),
					app.P().ID("deck-file-hint").Class("hint").Text("One header line, then one line per prefix: prefix, destination, country, kind, rate (or tiers), increments, effective dates, currency. At most "+byteWords(maxDeckUpload)+"."),
				),
				app.Div().Class("field").Body(
					app.Label().For("deck-version").Text("Version name (optional)"),
					app.Input().Type("text").ID("deck-version").Value(p.version).MaxLength(64).Disabled(busy).
						AutoComplete(false).Aria("describedby", "deck-version-hint").OnInput(p.onVersion),
					app.P().ID("deck-version-hint").Class("hint").Text("For example 2026-12. Left empty, the version is named after the file's content. Published versions never change."),
				),
				app.Div().Class("actions").Body(
					app.Button().Type("submit").ID("deck-upload").Class("button").Disabled(busy).
						Text(busyText(busy, "Upload and publish", "Uploading…")),
				),
			),
			p.renderProgress(),
		),
		p.renderOutcome(),
		p.renderHistory(),
	)
}

func (p *DeckAdminPage) currentWords() string {
	if p.current == "" {
		return "Loading the version published now…"
	}
	return fmt.Sprintf("Published now: version %s, %d rows.", p.current, p.currentLen)
}

// renderProgress is the upload's progress: a determinate bar while bytes go
// up, then an indeterminate one while the edge checks and publishes.
func (p *DeckAdminPage) renderProgress() app.UI {
	if p.phase == uploadIdle || (p.phase == uploadDone && p.sent == 0) {
		return nil
	}
	pct := 0
	if p.total > 0 {
		pct = int(p.sent * 100 / p.total)
	}
	label := fmt.Sprintf("Uploading %s: %d%% (%s of %s)", p.fileName, pct, byteWords(p.sent), byteWords(p.total))
	bar := app.Progress().ID("upload-progress").Max(100).Value(pct).Aria("labelledby", "upload-progress-label")
	switch p.phase {
	case uploadChecking:
		label = "Uploaded " + byteWords(p.total) + ". Checking every line and publishing…"
		bar = app.Progress().ID("upload-progress").Aria("labelledby", "upload-progress-label") // indeterminate
	case uploadDone:
		label = fmt.Sprintf("Uploaded %s of %s.", byteWords(p.sent), byteWords(p.total))
	}
	return app.Div().Class("progress").ID("upload-status").Body(
		app.Span().ID("upload-progress-label").Class("progress-label").Aria("live", "polite").Text(label),
		bar,
	)
}

func (p *DeckAdminPage) renderOutcome() app.UI {
	if p.phase != uploadDone {
		return nil
	}
	o := p.outcome
	switch {
	case o.Err != nil:
		return app.Div().ID("upload-outcome").TabIndex(-1).Body(pageError("upload-error", o.Err))
	case o.Published != nil:
		pub := o.Published
		msg := fmt.Sprintf("Published version %s: %d rows, prices in %s. The rate checker and the rates directory use it from now on.", pub.Version, pub.Rows, pub.Currency)
		if o.Activated {
			msg = fmt.Sprintf("Version %s is current again: %d rows, prices in %s. Calls are rated with it from now on.", pub.Version, pub.Rows, pub.Currency)
		}
		if pub.Previous != "" && pub.Previous != pub.Version {
			msg += " The previous version, " + pub.Previous + ", stays readable."
		}
		return app.Div().ID("upload-outcome").TabIndex(-1).Class("message ok").Attr("role", "status").Text(msg)
	}
	n := len(o.Problems) + o.Omitted
	head := fmt.Sprintf("Nothing was published: the deck has %d problem%s. Fix the lines below and upload it again.", n, plural(n))
	return app.Section().ID("upload-outcome").TabIndex(-1).Class("panel").Aria("labelledby", "problems-title").Body(
		app.H2().ID("problems-title").Text("Problems in "+p.fileName),
		app.P().ID("problems-summary").Class("message error").Attr("role", "alert").Text(head),
		app.Div().Class("table-wrap").Body(app.Table().ID("deck-problems").Class("data stack").Body(
			app.Caption().Class("sr-only").Text("Problems by line"),
			app.THead().Body(app.Tr().Body(
				app.Th().Scope("col").Class("num").Text("Line"),
				app.Th().Scope("col").Text("Prefix"),
				app.Th().Scope("col").Text("Column"),
				app.Th().Scope("col").Text("Problem"),
			)),
			app.TBody().Body(app.Range(o.Problems).Slice(func(i int) app.UI {
				e := o.Problems[i]
				line := "—"
				if e.Line > 0 {
					line = fmt.Sprint(e.Line)
				}
				return app.Tr().Body(
					app.Th().Scope("row").Class("num").Text(line),
					app.Td().DataSet("label", "Prefix").Text(dash(e.Prefix)),
					app.Td().DataSet("label", "Column").Text(dash(e.Field)),
					app.Td().DataSet("label", "Problem").Text(e.Message),
				)
			})),
		)),
		app.If(o.Omitted > 0, func() app.UI {
			return app.P().ID("problems-omitted").Class("hint").Text(fmt.Sprintf("…and %d more problem%s not listed.", o.Omitted, plural(o.Omitted)))
		}),
	)
}

// renderHistory lists the uploaded versions, newest first, each but the
// current one with a button to make it current again (after a confirmation).
func (p *DeckAdminPage) renderHistory() app.UI {
	body := []app.UI{app.H2().ID("history-title").Text("Versions")}
	switch {
	case p.versionsErr != nil:
		body = append(body, pageError("versions-error", p.versionsErr))
	case p.versions == nil:
		body = append(body, app.P().Class("hint").Text("Loading the versions…"))
	default:
		body = append(body,
			app.P().Class("hint").Text("Every uploaded version stays readable and can be made current again, for example to undo a mistaken upload. Calls are rated with the current version."),
			app.Div().Class("table-wrap").Body(app.Table().ID("deck-versions").Class("data stack").Body(
				app.Caption().Class("sr-only").Text("Uploaded rate-deck versions, newest first"),
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Version"),
					app.Th().Scope("col").Class("num").Text("Rows"),
					app.Th().Scope("col").Text("Uploaded"),
					app.Th().Scope("col").Text("Status"),
				)),
				app.TBody().Body(app.Range(p.versions).Slice(func(i int) app.UI {
					v := p.versions[i]
					return app.Tr().DataSet("version", v.Version).Body(
						app.Th().Scope("row").Text(v.Version),
						app.Td().DataSet("label", "Rows").Class("num").Text(fmt.Sprint(v.Rows)),
						app.Td().DataSet("label", "Uploaded").Text(uploadedWords(v)),
						app.Td().DataSet("label", "Status").Body(p.versionStatus(v)),
					)
				})),
			)),
		)
	}
	if p.confirming != "" {
		busy := p.activating != ""
		body = append(body, app.Div().ID("activate-confirm").TabIndex(-1).Class("message warn").Attr("role", "alertdialog").
			Aria("labelledby", "activate-question").Body(
			app.P().ID("activate-question").Text("Make version "+p.confirming+" current? Every call from now on is rated with its prices, in every account."),
			app.Div().Class("actions").Body(
				app.Button().ID("activate-yes").Class("button").Disabled(busy).Text(busyText(busy, "Make "+p.confirming+" current", "Switching…")).OnClick(p.activate),
				app.Button().ID("activate-no").Class("button secondary").Disabled(busy).Text("Cancel").OnClick(p.cancelActivate),
			),
		))
	}
	if p.activateErr != nil {
		body = append(body, pageError("activate-error", p.activateErr))
	}
	return app.Section().Class("panel").Aria("labelledby", "history-title").Body(body...)
}

func (p *DeckAdminPage) versionStatus(v deckVersion) app.UI {
	if v.Version == p.current || (p.current == "" && v.Current) {
		return app.Span().Class("badge").Text("Current")
	}
	return app.Button().Class("button secondary small").Aria("label", "Make version "+v.Version+" current").
		Disabled(p.activating != "").Text("Make current").OnClick(p.askActivate(v.Version))
}

// uploadedWords says when and by whom a version was uploaded.
func uploadedWords(v deckVersion) string {
	when := "before the history was kept"
	if t, err := time.Parse(time.RFC3339, v.UploadedAt); err == nil {
		when = t.UTC().Format("2 Jan 2006 15:04 UTC")
	}
	if v.UploadedBy != "" {
		return when + " by " + v.UploadedBy
	}
	return when
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// byteWords writes a size for people: "840 bytes", "12.3 kB", "2.4 MB".
func byteWords(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// browserUpload posts file (a browser File) as text/csv with
// XMLHttpRequest, reporting upload progress, and waits for the answer. It
// blocks the calling goroutine: call it from ctx.Async.
func browserUpload(file app.Value, path string, progress chan<- [2]int64) (apiResponse, error) {
	type result struct {
		res apiResponse
		err error
	}
	done := make(chan result, 1)
	xhr := app.Window().Get("XMLHttpRequest").New()
	onProgress := app.FuncOf(func(this app.Value, args []app.Value) any {
		ev := args[0]
		if ev.Get("lengthComputable").Bool() {
			select {
			case progress <- [2]int64{int64(ev.Get("loaded").Float()), int64(ev.Get("total").Float())}:
			default: // the page is behind: the next update will do
			}
		}
		return nil
	})
	onLoad := app.FuncOf(func(this app.Value, args []app.Value) any {
		var b []byte
		if body := xhr.Get("response"); body.Truthy() {
			buf := app.Window().Get("Uint8Array").New(body)
			n := buf.Length()
			if n > maxAPIBytes {
				done <- result{err: errors.New("the server's answer is too large")}
				return nil
			}
			b = make([]byte, n)
			app.CopyBytesToGo(b, buf)
		}
		done <- result{res: apiResponse{Status: xhr.Get("status").Int(), Body: b}}
		return nil
	})
	onError := app.FuncOf(func(this app.Value, args []app.Value) any {
		done <- result{err: errors.New("the upload did not reach the server: check your connection and try again (nothing was published)")}
		return nil
	})
	xhr.Call("open", "POST", path)
	xhr.Set("responseType", "arraybuffer")
	xhr.Call("setRequestHeader", "Content-Type", "text/csv")
	xhr.Call("setRequestHeader", "Accept", "application/json")
	xhr.Get("upload").Call("addEventListener", "progress", onProgress)
	xhr.Call("addEventListener", "load", onLoad)
	xhr.Call("addEventListener", "error", onError)
	xhr.Call("addEventListener", "abort", onError)
	xhr.Call("send", file)
	r := <-done
	onProgress.Release()
	onLoad.Release()
	onError.Release()
	if r.err == nil && r.res.Status == 401 {
		setSession(nil)
	}
	return r.res, r.err
}
