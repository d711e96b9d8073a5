package portal

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tollgate-voice/tollgate/core"
)

// NumbersPage lists the account's numbers with their contracts. An admin
// assigns, unassigns, reassigns or releases them: every action is first
// asked as a dry run, whose consequence (no refund for annual contracts,
// the remainder owed on release) is shown before confirming.
type NumbersPage struct {
	app.Compo

	s       signedIn
	loading bool
	loadErr error
	nums    numbersResponse
	users   []userJSON

	// The action being prepared: number, action, target user; the dry
	// run's answer, then the confirmation.
	number, action, to string
	preview            *numberAction
	busy               bool
	actErr             error
	done               string
}

// OnMount marks the page interactive and loads the session and the numbers.
func (p *NumbersPage) OnMount(ctx app.Context) {
	markMounted("numbers")
	loadSession(ctx, func(me *Me, err error) {
		p.s = signedIn{checked: true, me: me, err: err}
		if me != nil {
			p.load(ctx)
		}
	})
}

func (p *NumbersPage) load(ctx app.Context) {
	p.loading, p.loadErr = true, nil
	ctx.Async(func() {
		var nums numbersResponse
		var us usersResponse
		err := callAPI("GET", "/v1/numbers", nil, &nums, nil)
		if err == nil {
			err = callAPI("GET", "/v1/users", nil, &us, nil)
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.loading, p.loadErr = false, err
			if err == nil {
				p.nums, p.users = nums, us.Users
			}
		})
	})
}

func (p *NumbersPage) userName(id string) string {
	for _, u := range p.users {
		if u.ID == id {
			return u.Name
		}
	}
	return id
}

// onAction opens the action form of the clicked button's number and action
// (read from the button, so that one handler serves every row whatever its
// state).
func (p *NumbersPage) onAction(ctx app.Context, e app.Event) {
	ds := ctx.JSSrc().Get("dataset")
	number, action := ds.Get("number").String(), ds.Get("action").String()
	p.number, p.action, p.to = number, action, ""
	p.preview, p.actErr, p.done = nil, nil, ""
	if action == "unassign" || action == "release" {
		p.send(ctx, true)
	}
	focusAfterRender(ctx, "action-title")
}

func (p *NumbersPage) onTo(ctx app.Context, e app.Event) {
	p.to = ctx.JSSrc().Get("value").String()
	p.preview, p.actErr = nil, nil
	if p.to != "" {
		p.send(ctx, true)
	}
}

func (p *NumbersPage) cancel(ctx app.Context, e app.Event) {
	p.number, p.action, p.to, p.preview, p.actErr = "", "", "", nil, nil
}

func (p *NumbersPage) confirm(ctx app.Context, e app.Event) { p.send(ctx, false) }

// send runs the prepared action: a dry run first (dry), then for real.
func (p *NumbersPage) send(ctx app.Context, dry bool) {
	if p.busy {
		return
	}
	p.busy, p.actErr = true, nil
	number, action := p.number, p.action
	body := map[string]any{"dry_run": dry}
	if p.to != "" {
		body["user"] = p.to
	}
	var headers map[string]string
	if !dry {
		headers = map[string]string{"Idempotency-Key": newIdempotencyKey()}
	}
	ctx.Async(func() {
		var res numberAction
		err := callAPI("POST", "/v1/numbers/"+url.PathEscape(number)+"/"+action, body, &res, headers)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if p.number != number || p.action != action {
				return
			}
			if err != nil {
				p.actErr = err
				return
			}
			if dry {
				p.preview = &res
				return
			}
			p.done = actionWords(action) + " " + number + ": " + res.Consequence
			p.number, p.action, p.to, p.preview = "", "", "", nil
			p.applyResult(res)
		})
	})
}

func actionWords(action string) string {
	switch action {
	case "assign":
		return "Assigned"
	case "reassign":
		return "Reassigned"
	case "unassign":
		return "Unassigned"
	case "release":
		return "Released"
	}
	return action
}

// Render draws the page.
func (p *NumbersPage) Render() app.UI {
	return accountFrame("numbers", p.s, p.content)
}

func (p *NumbersPage) content() app.UI {
	if p.loadErr != nil {
		return pageError("load-error", p.loadErr)
	}
	if p.loading && p.nums.Numbers == nil {
		return loading("numbers-loading", "Loading your numbers…")
	}
	admin := p.s.me.Admin()
	return app.Div().Body(
		app.If(p.done != "", func() app.UI {
			return app.Div().ID("number-done").Class("message ok").Attr("role", "status").Text(p.done)
		}),
		app.Section().Class("panel").Body(
			app.P().Class("hint").Text("Annual contracts are paid for the year: unassigning such a number gives no refund, it stays your team's and can be reassigned at no cost; releasing it still leaves the rest of the contract to pay."),
			app.Div().Class("table-wrap").Body(
				app.Table().ID("numbers").Class("data stack").Body(
					app.THead().Body(app.Tr().Body(
						app.Th().Scope("col").Text("Number"),
						app.Th().Scope("col").Text("Type"),
						app.Th().Scope("col").Text("Contract"),
						app.Th().Scope("col").Text("User"),
						app.Th().Scope("col").Class("num").Text("Per month"),
						app.If(admin, func() app.UI { return app.Th().Scope("col").Text("Actions") }),
					)),
					app.TBody().Body(app.Range(p.nums.Numbers).Slice(func(i int) app.UI {
						return p.renderRow(p.nums.Numbers[i], admin)
					})),
				),
			),
		),
		app.If(p.number != "", func() app.UI { return p.renderAction() }),
	)
}

func (p *NumbersPage) renderRow(l lineJSON, admin bool) app.UI {
	contract := "since " + l.Start.Format("2 Jan 2006")
	if l.Term == "annual" && l.End != nil {
		contract = l.Start.Format("2 Jan 2006") + " – " + l.End.Format("2 Jan 2006")
	}
	// Every row keeps the same element structure whatever its state, so
	// that re-rendering after an action updates it in place.
	user := app.Span().Class("muted").Text("Unassigned")
	if l.User != "" {
		user = app.Span().Text(p.userName(l.User))
	}
	type act struct{ action, label string }
	var acts []act
	if l.User == "" && l.Category == "line" {
		acts = append(acts, act{"assign", "Assign"})
	}
	if l.User != "" {
		acts = append(acts, act{"reassign", "Reassign"}, act{"unassign", "Unassign"})
	}
	acts = append(acts, act{"release", "Release"})
	id := "number-" + digitsOnly(l.Number)
	return app.Tr().ID(id).Body(
		app.Th().Scope("row").Class("e164").Text(l.Number),
		app.Td().DataSet("label", "Type").Text(l.ProductName),
		app.Td().DataSet("label", "Contract").Body(
			app.Span().Class("badge "+l.Term).Text(termWords(l.Term)),
			app.Text(" "+contract),
			app.If(l.ReleaseOwes.IsPositive(), func() app.UI {
				return app.Div().Class("hint").Text(core.FormatMoney(l.ReleaseOwes, p.nums.Currency) + " left to pay if released now")
			}),
		),
		app.Td().DataSet("label", "User").Body(user),
		app.Td().Class("num").DataSet("label", "Per month").Text(core.FormatMoney(l.MonthlyPrice, p.nums.Currency)),
		app.If(admin, func() app.UI {
			return app.Td().Class("row-actions").Body(app.Range(acts).Slice(func(i int) app.UI {
				a := acts[i]
				return app.Button().Type("button").Class("button small secondary").ID(id+"-"+a.action).
					Aria("label", a.label+" "+l.Number).DataSet("number", l.Number).DataSet("action", a.action).
					Text(a.label).OnClick(p.onAction)
			}))
		}),
	)
}

func termWords(term string) string {
	if term == "annual" {
		return "Annual"
	}
	return "Monthly"
}

func digitsOnly(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func (p *NumbersPage) renderAction() app.UI {
	needsUser := p.action == "assign" || p.action == "reassign"
	var current string
	for _, l := range p.nums.Numbers {
		if l.Number == p.number {
			current = l.User
		}
	}
	warn := p.preview != nil && (p.action == "release" || p.action == "unassign")
	return app.Section().ID("number-action").Class("panel").Attr("role", "region").Aria("labelledby", "action-title").Body(
		app.H2().ID("action-title").TabIndex(-1).Text(actionTitle(p.action)+" "+p.number),
		app.If(needsUser, func() app.UI {
			return app.Div().Class("field").Body(
				app.Label().For("assign-to").Text("Give the number to"),
				app.Select().ID("assign-to").OnChange(p.onTo).Body(
					app.Option().Value("").Text("Choose a user…").Selected(p.to == ""),
					app.Range(p.users).Slice(func(i int) app.UI {
						u := p.users[i]
						if u.ID == current {
							return nil
						}
						return app.Option().Value(u.ID).Text(u.Name).Selected(p.to == u.ID)
					}),
				),
			)
		}),
		app.If(p.busy && p.preview == nil, func() app.UI { return loading("action-progress", "Checking what this would do…") }),
		pageError("action-error", p.actErr),
		app.If(p.preview != nil, func() app.UI {
			cls := "message info"
			if warn {
				cls = "message warning"
			}
			return app.Div().ID("consequence").Class(cls).Attr("role", "alert").Body(
				app.Strong().Text("Before you confirm: "),
				app.Text(p.preview.Consequence),
			)
		}),
		app.Div().Class("actions").Body(
			app.Button().Type("button").Class(confirmClass(p.action)).ID("confirm-action").Disabled(p.preview == nil || p.busy).
				Text(busyText(p.busy && p.preview != nil, "Confirm: "+actionTitle(p.action), "Working…")).OnClick(p.confirm),
			app.Button().Type("button").Class("button secondary").ID("cancel-action").Text("Cancel").OnClick(p.cancel),
		),
	)
}

func actionTitle(action string) string {
	switch action {
	case "assign":
		return "Assign"
	case "reassign":
		return "Reassign"
	case "unassign":
		return "Unassign"
	case "release":
		return "Release"
	}
	return action
}

func confirmClass(action string) string {
	if action == "release" {
		return "button danger"
	}
	return "button"
}

// applyResult shows an action's outcome from its answer (the number after
// it, or gone when released) without waiting for a re-read.
func (p *NumbersPage) applyResult(res numberAction) {
	nums := p.nums.Numbers[:0:0]
	for _, l := range p.nums.Numbers {
		if l.Number == res.Number {
			if res.Released {
				continue
			}
			l = res.Line
		}
		nums = append(nums, l)
	}
	p.nums.Numbers = nums
}
