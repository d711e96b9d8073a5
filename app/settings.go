package portal

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core"
)

// SettingsPage holds the account's switches: the pay-as-you-go cap and
// notification thresholds, overspend, rate-card billing, each user's call
// privileges, and the notifications inbox. Members see them; admins change
// them (the edge validates again and answers 403 to members).
type SettingsPage struct {
	app.Compo

	s       signedIn
	loading bool
	loadErr error
	acct    accountResponse
	notes   []notification

	// The form, as typed.
	overspend, rateCard, capped bool
	cap, thresholds             string
	saving                      bool
	saveErr                     error
	saved                       string

	userBusy string // user whose privileges are being saved
	userSet  string // the last privileges change sent, "user=privileges"
	userErr  error
	userDone string
}

// OnMount marks the page interactive and loads the session and settings.
func (p *SettingsPage) OnMount(ctx app.Context) {
	markMounted("settings")
	loadSession(ctx, func(me *Me, err error) {
		p.s = signedIn{checked: true, me: me, err: err}
		if me != nil {
			p.load(ctx)
		}
	})
}

func (p *SettingsPage) load(ctx app.Context) {
	p.loading, p.loadErr = true, nil
	ctx.Async(func() {
		var a accountResponse
		var n struct {
			Notifications []notification `json:"notifications"`
		}
		err := callAPI("GET", "/v1/account", nil, &a, nil)
		if err == nil {
			err = callAPI("GET", "/v1/notifications", nil, &n, nil)
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.loading, p.loadErr = false, err
			if err == nil {
				p.acct, p.notes = a, n.Notifications
				p.resetForm()
			}
		})
	})
}

func (p *SettingsPage) resetForm() {
	st := p.acct.Settings
	p.overspend, p.rateCard, p.capped = st.Overspend, st.RateCard, st.Capped
	p.cap = st.Cap.StringFixed(2)
	p.thresholds = thresholdsText(st.Thresholds)
}

func thresholdsText(t []int) string {
	parts := make([]string, len(t))
	for i, v := range t {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ", ")
}

// parseThresholds reads "80, 100" (percent signs and spaces allowed).
func parseThresholds(s string) ([]int, error) {
	out := []int{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		f = strings.TrimSuffix(f, "%")
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v < 1 || v > 100 {
			return nil, core.FieldErrorf(core.Invalid, "thresholds", "thresholds are percentages from 1 to 100, like 80, 100 (%q is not)", f)
		}
		if len(out) > 0 && v <= out[len(out)-1] {
			return nil, core.FieldErrorf(core.Invalid, "thresholds", "list the thresholds from lowest to highest, each once")
		}
		out = append(out, v)
	}
	return out, nil
}

func (p *SettingsPage) checkbox(field *bool) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		*field = ctx.JSSrc().Get("checked").Bool()
		p.saved = ""
	}
}

func (p *SettingsPage) text(field *string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		*field = ctx.JSSrc().Get("value").String()
		p.saved = ""
	}
}

func (p *SettingsPage) save(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.saving {
		return
	}
	p.saveErr, p.saved = nil, ""
	capAmt, err := core.ParseMoney("cap", strings.TrimSpace(p.cap))
	if err != nil {
		p.saveErr = err
		return
	}
	if capAmt.IsNegative() {
		p.saveErr = core.FieldErrorf(core.Invalid, "cap", "the cap must not be negative")
		return
	}
	th, err := parseThresholds(p.thresholds)
	if err != nil {
		p.saveErr = err
		return
	}
	body := map[string]any{"overspend": p.overspend, "rate_card": p.rateCard, "capped": p.capped,
		"cap": capAmt.StringFixed(2), "thresholds": th}
	p.saving = true
	ctx.Async(func() {
		var st settingsJSON
		err := callAPI("PATCH", "/v1/account/settings", body, &st, nil)
		ctx.Dispatch(func(ctx app.Context) {
			p.saving, p.saveErr = false, err
			if err == nil {
				p.acct.Settings = st
				p.resetForm()
				p.saved = "Saved. The new settings apply to the next call."
			}
		})
	})
}

func (p *SettingsPage) setPrivileges(user string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := ctx.JSSrc().Get("value").String()
		if p.userBusy != "" || p.userSet == user+"="+v {
			return // one change at a time; the same change once
		}
		p.userBusy, p.userErr, p.userDone, p.userSet = user, nil, "", user+"="+v
		ctx.Async(func() {
			var u userJSON
			err := callAPI("PATCH", "/v1/users/"+user, map[string]string{"privileges": v}, &u, nil)
			ctx.Dispatch(func(ctx app.Context) {
				p.userBusy, p.userErr = "", err
				if err != nil {
					p.userSet = ""
					p.load(ctx) // show what is really stored
					return
				}
				// The write succeeded: show what was set (the edge's answer
				// re-reads the account and may not see the write yet).
				name := u.Name
				for i := range p.acct.Users {
					if p.acct.Users[i].ID == user {
						p.acct.Users[i].Privileges = v
						name = p.acct.Users[i].Name
					}
				}
				p.userDone = name + " may now call: " + privilegeWords(v) + "."
			})
		})
	}
}

var privilegeChoices = []string{"domestic", "domestic+premium", "international", "international+premium"}

func privilegeWords(p string) string {
	switch p {
	case "domestic":
		return "domestic numbers only"
	case "domestic+premium":
		return "domestic and premium-rate numbers"
	case "international":
		return "domestic and international numbers"
	case "international+premium":
		return "any number, premium-rate included"
	}
	return p
}

// Render draws the page.
func (p *SettingsPage) Render() app.UI {
	return accountFrame("settings", p.s, p.content)
}

func (p *SettingsPage) content() app.UI {
	if p.loadErr != nil {
		return pageError("load-error", p.loadErr)
	}
	if p.acct.Currency == "" {
		return loading("settings-loading", "Loading your settings…")
	}
	ro := !p.s.me.Admin()
	cur := p.acct.Currency
	return app.Div().Body(
		app.Section().Class("panel").Aria("labelledby", "spend-settings").Body(
			app.H2().ID("spend-settings").Text("Spending and billing"),
			app.Form().ID("settings-form").OnSubmit(p.save).Body(
				app.FieldSet().Disabled(ro).Body(
					app.Legend().Class("sr-only").Text("Spending and billing"),
					switchField("overspend", "Overspend", "When the pooled minutes run out, calls continue at the standard rate. Off: outbound calls (except emergency and essential numbers) are blocked until the 1st.", p.overspend, p.checkbox(&p.overspend)),
					switchField("rate-card", "Rate-card billing", "Call any number in any country, charged at the rate card when no package or bundle covers it.", p.rateCard, p.checkbox(&p.rateCard)),
					switchField("capped", "Limit pay-as-you-go spending", "Calls stop when the month's pay-as-you-go spend reaches the cap.", p.capped, p.checkbox(&p.capped)),
					app.Div().Class("form-row").Body(
						app.Div().Class("field").Body(
							app.Label().For("cap").Text("Monthly cap ("+cur+")"),
							app.Input().ID("cap").Type("text").Attr("inputmode", "decimal").Value(p.cap).OnInput(p.text(&p.cap)).Aria("describedby", "cap-hint"),
							app.Span().ID("cap-hint").Class("hint").Text("Per calendar month, e.g. 50.00"),
						),
						app.Div().Class("field").Body(
							app.Label().For("thresholds").Text("Notify at (% of the cap and of the pooled minutes)"),
							app.Input().ID("thresholds").Type("text").Value(p.thresholds).OnInput(p.text(&p.thresholds)).Aria("describedby", "thresholds-hint"),
							app.Span().ID("thresholds-hint").Class("hint").Text("Percentages, lowest first, e.g. 80, 100. Left empty, the cap still notifies at 80 % and 100 %."),
						),
					),
					pageError("settings-error", p.saveErr),
					app.If(p.saved != "", func() app.UI {
						return app.Div().ID("settings-saved").Class("message ok").Attr("role", "status").Text(p.saved)
					}),
					app.If(!ro, func() app.UI {
						return app.Div().Class("actions").Body(
							app.Button().Type("submit").Class("button").ID("save-settings").Disabled(p.saving).Text(busyText(p.saving, "Save settings", "Saving…")),
						)
					}),
				),
			),
		),
		app.Section().Class("panel").Aria("labelledby", "privileges-title").Body(
			app.H2().ID("privileges-title").Text("Call privileges"),
			app.P().Class("hint").Text("Who may call what. Emergency and essential numbers always work."),
			pageError("privileges-error", p.userErr),
			// Always present (a live region must exist before it speaks).
			app.Div().ID("privileges-saved").Class(okClass(p.userDone)).Attr("role", "status").Text(p.userDone),
			app.Div().Class("table-wrap").Body(app.Table().Class("data").ID("privileges").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("User"),
					app.Th().Scope("col").Text("May call"),
				)),
				app.TBody().Body(app.Range(p.acct.Users).Slice(func(i int) app.UI {
					u := p.acct.Users[i]
					id := "privileges-" + u.ID
					return app.Tr().Body(
						app.Th().Scope("row").Body(app.Label().For(id).Text(u.Name)),
						app.Td().Body(app.Select().ID(id).Disabled(ro || p.userBusy != "").OnChange(p.setPrivileges(u.ID)).Body(
							app.Range(privilegeChoices).Slice(func(j int) app.UI {
								c := privilegeChoices[j]
								return app.Option().Value(c).Text(privilegeWords(c)).Selected(c == u.Privileges)
							}),
						)),
					)
				})),
			)),
		),
		app.Section().Class("panel").ID("inbox").Aria("labelledby", "inbox-title").Body(
			app.H2().ID("inbox-title").Text("Notifications"),
			app.If(len(p.notes) == 0, func() app.UI { return app.P().Class("hint").ID("inbox-empty").Text("No notifications.") }),
			app.Ul().Class("inbox").Body(app.Range(p.notes).Slice(func(i int) app.UI {
				n := p.notes[i]
				return app.Li().Body(
					app.Time().DateTime(n.At.Format("2006-01-02")).Class("muted").Text(n.when()),
					app.Text(" "),
					app.Span().Text(n.Message),
				)
			})),
		),
	)
}

// switchField is a labelled checkbox with an explanation.
func switchField(id, label, hint string, on bool, h app.EventHandler) app.UI {
	return app.Div().Class("check switch").Body(
		app.Input().Type("checkbox").ID(id).Checked(on).OnChange(h).Aria("describedby", id+"-hint"),
		app.Div().Body(
			app.Label().For(id).Text(label),
			app.P().ID(id+"-hint").Class("hint").Text(hint),
		),
	)
}

// okClass styles a status line, hidden while it says nothing.
func okClass(msg string) string {
	if msg == "" {
		return "sr-only"
	}
	return "message ok"
}
