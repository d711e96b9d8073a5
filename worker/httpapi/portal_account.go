package httpapi

import (
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// SettingsJSON is the account's switches and limits.
type SettingsJSON struct {
	Home       string `json:"home"`
	TimeZone   string `json:"time_zone"`
	Overspend  bool   `json:"overspend"`
	RateCard   bool   `json:"rate_card"`
	Capped     bool   `json:"capped"`
	Cap        string `json:"cap"`        // PAYG cap per calendar month
	Thresholds []int  `json:"thresholds"` // notification levels, percent
	CallLimit  int    `json:"call_limit_seconds"`
}

func settingsJSON(st account.Settings) SettingsJSON {
	loc := st.Location
	if loc == nil {
		loc = time.UTC
	}
	limit := st.CallLimit
	if limit == 0 {
		limit = account.DefaultCallLimit
	}
	th := st.Thresholds
	if th == nil {
		th = []int{}
	}
	return SettingsJSON{Home: st.Home, TimeZone: loc.String(), Overspend: st.Overspend, RateCard: st.RateCard,
		Capped: st.Capped, Cap: st.Cap.StringFixed(2), Thresholds: th, CallLimit: limit}
}

// SettingsPatch is the body of PATCH /v1/account/settings: the fields sent
// are changed, the others kept.
type SettingsPatch struct {
	Overspend  *bool   `json:"overspend,omitempty"`
	RateCard   *bool   `json:"rate_card,omitempty"`
	Capped     *bool   `json:"capped,omitempty"`
	Cap        *string `json:"cap,omitempty"`
	Thresholds *[]int  `json:"thresholds,omitempty"`
}

func (op *portalOp) applySettings(a *account.Account) (opOutcome, error) {
	p := op.Settings
	if p == nil {
		return opOutcome{}, core.Errorf(core.Invalid, "no settings to change")
	}
	st := a.Settings()
	if p.Overspend != nil {
		st.Overspend = *p.Overspend
	}
	if p.RateCard != nil {
		st.RateCard = *p.RateCard
	}
	if p.Capped != nil {
		st.Capped = *p.Capped
	}
	if p.Cap != nil {
		c, err := core.ParseMoney("cap", *p.Cap)
		if err != nil {
			return opOutcome{}, err
		}
		if c.IsNegative() {
			return opOutcome{}, core.FieldErrorf(core.Invalid, "cap", "must not be negative")
		}
		st.Cap = c
	}
	if p.Thresholds != nil {
		st.Thresholds = slices.Clone(*p.Thresholds)
	}
	if err := a.SetSettings(st); err != nil {
		return opOutcome{}, err
	}
	return opOutcome{body: settingsJSON(a.Settings()), changed: true, action: "settings.update"}, nil
}

func (p *SettingsPatch) empty() bool {
	return p.Overspend == nil && p.RateCard == nil && p.Capped == nil && p.Cap == nil && p.Thresholds == nil
}

// UserJSON is a user of the account: the person who places calls and, if
// they sign in to the portal, their email and role.
type UserJSON struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Email      string        `json:"email,omitempty"`
	Role       worker.Role   `json:"role,omitempty"` // "" when the user cannot sign in
	Privileges string        `json:"privileges"`     // domestic, international, domestic+premium, international+premium
	Plan       bool          `json:"plan"`           // draws on the pooled bundle
	Packages   []PackageJSON `json:"packages"`
	Numbers    []string      `json:"numbers"`
}

// PackageJSON is a calling package product.
type PackageJSON struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Region       string `json:"region"`
	MonthlyPrice string `json:"monthly_price"`
	Included     bool   `json:"included"`
}

func packageJSON(p account.Product) PackageJSON {
	return PackageJSON{Code: p.Code, Name: p.Name, Region: string(p.Region), MonthlyPrice: p.MonthlyPrice.StringFixed(2), Included: p.Included}
}

func userJSON(a *account.Account, u account.User, logins map[string]worker.PortalUser) UserJSON {
	out := UserJSON{ID: u.ID, Name: u.Name, Privileges: u.Privileges.String(), Plan: u.Plan, Packages: []PackageJSON{}, Numbers: []string{}}
	for _, code := range u.Packages {
		if p, ok := a.Catalog().Product(code); ok {
			out.Packages = append(out.Packages, packageJSON(p))
		}
	}
	for _, l := range a.Lines() {
		if l.User == u.ID {
			out.Numbers = append(out.Numbers, l.Number)
		}
	}
	if pu, ok := logins[u.ID]; ok {
		out.Email, out.Role = pu.Email, pu.Role
	}
	return out
}

// UserPatch is the body of PATCH /v1/users/{id}.
type UserPatch struct {
	Privileges *string `json:"privileges,omitempty"`
	Plan       *bool   `json:"plan,omitempty"`
	Role       *string `json:"role,omitempty"` // for users who sign in
}

func (op *portalOp) applyUser(a *account.Account) (opOutcome, error) {
	p := op.Patch
	if p == nil {
		return opOutcome{}, core.Errorf(core.Invalid, "nothing to change")
	}
	u, ok := a.User(op.User)
	if !ok {
		if p.Privileges == nil && p.Plan == nil && p.Role != nil {
			// A portal login who places no calls: only the role changes
			// (the ledger checks the login exists).
			role, err := worker.ParseRole(*p.Role)
			if err != nil {
				return opOutcome{}, err
			}
			return opOutcome{action: "user.update", role: &role, body: struct{}{}}, nil
		}
		return opOutcome{}, core.Errorf(core.NotFound, "no user %q", op.User)
	}
	out := opOutcome{action: "user.update"}
	if p.Privileges != nil {
		pr, err := account.ParsePrivileges(*p.Privileges)
		if err != nil {
			return opOutcome{}, core.FieldErrorf(core.Invalid, "privileges", "must be domestic, international, domestic+premium or international+premium")
		}
		if pr != u.Privileges {
			if err := a.SetPrivileges(u.ID, pr); err != nil {
				return opOutcome{}, err
			}
			out.changed = true
		}
	}
	if p.Plan != nil && *p.Plan != u.Plan {
		if err := a.SetPlan(u.ID, *p.Plan); err != nil {
			return opOutcome{}, err
		}
		out.changed = true
	}
	if p.Role != nil {
		role, err := worker.ParseRole(*p.Role)
		if err != nil {
			return opOutcome{}, err
		}
		out.role = &role
	}
	u, _ = a.User(op.User)
	out.body = u // completed by the API with the login (userJSON)
	return out, nil
}

// LineJSON is a number of the account with its contract.
type LineJSON struct {
	Number       string     `json:"number"`
	Product      string     `json:"product"`
	ProductName  string     `json:"product_name"`
	Category     string     `json:"category"` // line or service_number
	User         string     `json:"user"`     // "" when unassigned
	Verified     bool       `json:"verified"`
	Term         string     `json:"term"` // monthly or annual
	Start        time.Time  `json:"start"`
	End          *time.Time `json:"end"` // annual contracts
	MonthlyPrice string     `json:"monthly_price"`
	// ReleaseOwes is what releasing the number now would still cost (the
	// remainder of an annual contract), "0.00" for monthly lines.
	ReleaseOwes string `json:"release_owes"`
}

func lineJSON(a *account.Account, l account.Line, at time.Time) LineJSON {
	p, _ := a.Catalog().Product(l.Product)
	out := LineJSON{Number: l.Number, Product: l.Product, ProductName: p.Name, Category: string(p.Category), User: l.User,
		Verified: l.Verified, Term: string(l.Contract.Term), Start: l.Contract.Start.UTC(), MonthlyPrice: p.MonthlyPrice.StringFixed(2),
		ReleaseOwes: releaseOwes(a, l, at)}
	if !l.Contract.End.IsZero() {
		e := l.Contract.End.UTC()
		out.End = &e
	}
	return out
}

// releaseOwes is what releasing l at `at` would still cost, as the portal
// shows it before the user confirms.
func releaseOwes(a *account.Account, l account.Line, at time.Time) string {
	owed, err := a.ReleaseOwed(l.Number, at)
	if err != nil { // l comes from a.Lines(): unreachable
		return "0.00"
	}
	return owed.StringFixed(2)
}

func findLine(a *account.Account, number string) (account.Line, bool) {
	for _, l := range a.Lines() {
		if l.Number == number {
			return l, true
		}
	}
	return account.Line{}, false
}

// NumberActionRequest is the body of POST /v1/numbers/{n}/{action}.
type NumberActionRequest struct {
	User   string `json:"user,omitempty"`    // assign and reassign: the user to give the number to
	DryRun bool   `json:"dry_run,omitempty"` // only say what would happen
}

// NumberActionResponse says what an action on a number does (dry run) or
// did. Consequence states it in words for the confirmation dialog.
type NumberActionResponse struct {
	Number      string   `json:"number"`
	Action      string   `json:"action"`
	DryRun      bool     `json:"dry_run"`
	Line        LineJSON `json:"line"`     // after the action
	Released    bool     `json:"released"` // the number left the account
	Refund      string   `json:"refund"`   // always "0.00": no action refunds anything
	Owed        string   `json:"owed"`     // charged on the next invoice (release of an annual contract)
	Currency    string   `json:"currency"`
	Consequence string   `json:"consequence"`
}

func (op *portalOp) applyNumber(a *account.Account) (opOutcome, error) {
	l, ok := findLine(a, op.Number)
	if !ok {
		return opOutcome{}, core.FieldErrorf(core.NotFound, "number", "no number %s on this account", op.Number)
	}
	p, _ := a.Catalog().Product(l.Product)
	annual := l.Contract.Term == account.Annual && op.At.Before(l.Contract.End)
	end := l.Contract.End.Format("2 January 2006")
	price := core.FormatMoney(p.MonthlyPrice, a.Catalog().Currency())
	out := NumberActionResponse{Number: l.Number, Action: op.Action, Refund: "0.00", Owed: "0.00", Currency: a.Catalog().Currency()}
	res := opOutcome{action: "number." + op.Action, changed: true}
	switch op.Action {
	case "assign", "reassign":
		if op.To == "" {
			return opOutcome{}, core.FieldErrorf(core.Invalid, "user", "name the user to give the number to")
		}
		if op.Action == "assign" && l.User != "" && l.User != op.To {
			return opOutcome{}, core.FieldErrorf(core.Conflict, "user", "the number is assigned to %s: reassign it instead", l.User)
		}
		if op.Action == "reassign" && l.User == "" {
			return opOutcome{}, core.FieldErrorf(core.Conflict, "user", "the number is not assigned: assign it instead")
		}
		if _, ok := a.User(op.To); !ok {
			return opOutcome{}, core.FieldErrorf(core.NotFound, "user", "no user %q", op.To)
		}
		if err := a.AssignLine(l.Number, op.To); err != nil {
			return opOutcome{}, err
		}
		res.changed = l.User != op.To
		if op.Action == "reassign" {
			out.Consequence = "The number moves from " + l.User + " to " + op.To + " at no extra cost."
		} else {
			out.Consequence = "The number is assigned to " + op.To + " at no extra cost."
		}
		if annual {
			out.Consequence += " Its annual contract continues unchanged until " + end + "."
		}
	case "unassign":
		if l.User == "" {
			return opOutcome{}, core.FieldErrorf(core.Conflict, "number", "the number is not assigned")
		}
		if err := a.UnassignLine(l.Number); err != nil {
			return opOutcome{}, err
		}
		if annual {
			out.Consequence = "No refund: the number stays owned by your team and billed at " + price +
				" a month until its annual contract ends on " + end + ". You can reassign it to anyone at no extra cost."
		} else {
			out.Consequence = "The number stays on your account, billed at " + price + " a month until you release it."
		}
	case "release":
		owed, err := a.ReleaseLine(l.Number, op.At)
		if err != nil {
			return opOutcome{}, err
		}
		out.Released = true
		out.Owed = owed.StringFixed(2)
		if owed.IsPositive() {
			out.Consequence = "The number leaves your account. You still owe " + core.FormatMoney(owed, out.Currency) +
				", the remainder of its annual contract (until " + end + "), charged on your next invoice. This cannot be undone."
		} else {
			out.Consequence = "The number leaves your account; nothing more is owed. This cannot be undone."
		}
	default:
		return opOutcome{}, core.Errorf(core.NotFound, "no number action %q", op.Action)
	}
	if prev := l.User; prev != "" && !a.HasLine(prev) {
		out.Consequence += " " + prev + " is left without a line and can place no calls (emergency numbers excepted) until one is assigned to them."
	}
	if nl, ok := findLine(a, l.Number); ok {
		out.Line = lineJSON(a, nl, op.At)
	} else {
		out.Line = lineJSON(a, l, op.At)
		out.Line.User = ""
	}
	res.body = out
	return res, nil
}

// AccountResponse answers GET /v1/account: the plan state.
type AccountResponse struct {
	Tenant        TenantJSON         `json:"tenant"`
	Currency      string             `json:"currency"`
	Cycle         CycleJSON          `json:"cycle"`
	Settings      SettingsJSON       `json:"settings"`
	Bundle        BundleJSON         `json:"bundle"`
	PAYG          PAYGJSON           `json:"payg"`
	Users         []UserJSON         `json:"users"`
	Subscriptions []SubscriptionJSON `json:"subscriptions"` // account-level products (bundles, hosting...)
	Items         []billing.Item     `json:"items"`         // everything billed monthly, as invoices list it
	MonthlyTotal  string             `json:"monthly_total"`
}

// CycleJSON is the current billing cycle.
type CycleJSON struct {
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Days          int       `json:"days"`
	RemainingDays int       `json:"remaining_days"` // including today
}

// BundleJSON is the pooled minute bundle this calendar month.
type BundleJSON struct {
	Month string `json:"month"` // "2026-11"
	Size  int    `json:"size"`  // minutes in the pool
	Used  int    `json:"used"`
	Held  int    `json:"held"` // by calls in progress
	Left  int    `json:"left"`
}

// PAYGJSON is pay-as-you-go spend this calendar month against the cap.
type PAYGJSON struct {
	Spent   string  `json:"spent"`
	Held    string  `json:"held"` // by calls in progress
	Minutes int     `json:"minutes"`
	Capped  bool    `json:"capped"`
	Cap     string  `json:"cap"`
	Left    *string `json:"left"` // null when uncapped
	Percent *int    `json:"percent_of_cap"`
}

// SubscriptionJSON is an account-level product.
type SubscriptionJSON struct {
	Product  string `json:"product"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
	Minutes  int    `json:"minutes,omitempty"` // bundles: minutes per month each
}

func cycleJSON(c billing.Cycle, at time.Time) CycleJSON {
	return CycleJSON{Start: c.Start, End: c.End, Days: c.Days(), RemainingDays: c.RemainingDays(at)}
}

func accountCycle(a *account.Account, at time.Time) billing.Cycle {
	return billing.MonthlyCycle(at, a.Settings().Location, 1)
}

func usageJSON(a *account.Account, at time.Time) (BundleJSON, PAYGJSON) {
	u := a.UsageAt(at)
	st := a.Settings()
	b := BundleJSON{Month: u.Month.Format("2006-01"), Size: u.BundleSize, Used: u.BundleMinutes, Held: u.HeldMinutes}
	b.Left = max(0, b.Size-b.Used-b.Held)
	p := PAYGJSON{Spent: u.PAYG.StringFixed(2), Held: u.HeldPAYG.StringFixed(2), Minutes: u.PAYGMinutes,
		Capped: st.Capped, Cap: st.Cap.StringFixed(2)}
	if st.Capped {
		left := decimal.Max(decimal.Zero, st.Cap.Sub(u.PAYG).Sub(u.HeldPAYG)).StringFixed(2)
		p.Left = &left
		if st.Cap.IsPositive() {
			pc := int(u.PAYG.Mul(decimal.NewFromInt(100)).Div(st.Cap).IntPart())
			p.Percent = &pc
		}
	}
	return b, p
}

func (s *Server) logins(r *web.Request, tenant string) (map[string]worker.PortalUser, error) {
	us, err := s.cfg.Portal.Store.PortalUsers(r.Context(), tenant)
	if err != nil {
		return nil, err
	}
	m := make(map[string]worker.PortalUser, len(us))
	for _, u := range us {
		m[u.ID] = u
	}
	return m, nil
}

func (s *Server) getAccount(w web.ResponseWriter, r *web.Request) error {
	v, a, err := s.signedInAccount(r)
	if err != nil {
		return err
	}
	logins, err := s.logins(r, v.tenant.ID)
	if err != nil {
		return err
	}
	now := s.now()
	out := AccountResponse{Tenant: tenantJSON(v.tenant), Currency: a.Catalog().Currency(), Cycle: cycleJSON(accountCycle(a, now), now),
		Settings: settingsJSON(a.Settings()), Users: []UserJSON{}, Subscriptions: []SubscriptionJSON{}, Items: a.BillingItems()}
	out.Bundle, out.PAYG = usageJSON(a, now)
	for _, u := range a.Users() {
		out.Users = append(out.Users, userJSON(a, u, logins))
	}
	for _, sub := range a.Subscriptions() {
		p, _ := a.Catalog().Product(sub.Product)
		out.Subscriptions = append(out.Subscriptions, SubscriptionJSON{Product: sub.Product, Name: p.Name, Quantity: sub.Quantity, Minutes: p.Minutes})
	}
	total := decimal.Zero
	for _, it := range out.Items {
		total = total.Add(it.Amount())
	}
	if out.Items == nil {
		out.Items = []billing.Item{}
	}
	out.MonthlyTotal = core.RoundInvoice(total).StringFixed(2)
	respond(w, r, web.StatusOK, out)
	return nil
}

func (s *Server) patchSettings(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedInAdmin(r)
	if err != nil {
		return err
	}
	var p SettingsPatch
	op, err := s.newOp(w, r, v, "settings", &p)
	if err != nil {
		return err
	}
	if p.empty() {
		return core.Errorf(core.Invalid, "send at least one of overspend, rate_card, capped, cap, thresholds")
	}
	op.Settings = &p
	return s.sendWrite(w, r, op)
}

// newOp reads and decodes a write's body into v and starts its portalOp,
// with the Idempotency-Key if one was sent.
func (s *Server) newOp(w web.ResponseWriter, r *web.Request, v viewer, kind string, body any) (portalOp, error) {
	key, err := idempotencyKey(r, false)
	if err != nil {
		return portalOp{}, err
	}
	raw, err := readBody(r, limitPortal)
	if err != nil {
		return portalOp{}, err
	}
	if err := decode(r, limitPortal, body); err != nil {
		return portalOp{}, err
	}
	op := portalOp{Kind: kind, Tenant: v.tenant.ID, Actor: v.user.ID, At: s.now().UTC()}
	if key != "" {
		op.IdemKey, op.IdemHash = key, requestHash(r, raw)
	}
	return op, nil
}

func (s *Server) listUsers(w web.ResponseWriter, r *web.Request) error {
	v, a, err := s.signedInAccount(r)
	if err != nil {
		return err
	}
	logins, err := s.logins(r, v.tenant.ID)
	if err != nil {
		return err
	}
	out := struct {
		Users []UserJSON `json:"users"`
	}{Users: []UserJSON{}}
	for _, u := range a.Users() {
		out.Users = append(out.Users, userJSON(a, u, logins))
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

func (s *Server) getUser(w web.ResponseWriter, r *web.Request) error {
	v, a, err := s.signedInAccount(r)
	if err != nil {
		return err
	}
	u, ok := a.User(r.PathValue("id"))
	if !ok {
		return core.Errorf(core.NotFound, "no user %q", r.PathValue("id"))
	}
	logins, err := s.logins(r, v.tenant.ID)
	if err != nil {
		return err
	}
	respond(w, r, web.StatusOK, userJSON(a, u, logins))
	return nil
}

func (s *Server) patchUser(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedInAdmin(r)
	if err != nil {
		return err
	}
	var p UserPatch
	op, err := s.newOp(w, r, v, "user", &p)
	if err != nil {
		return err
	}
	if p.Privileges == nil && p.Plan == nil && p.Role == nil {
		return core.Errorf(core.Invalid, "send at least one of privileges, plan, role")
	}
	id := r.PathValue("id")
	logins, err := s.logins(r, v.tenant.ID)
	if err != nil {
		return err
	}
	if p.Role != nil {
		if _, ok := logins[id]; !ok {
			return core.FieldErrorf(core.Invalid, "role", "user %q does not sign in to the portal", id)
		}
		if id == v.user.ID && *p.Role != string(worker.RoleAdmin) {
			return core.FieldErrorf(core.Conflict, "role", "you cannot take away your own admin role")
		}
	}
	op.User, op.Patch = id, &p
	// The answer is the user as the portal shows it: relay through a
	// recorder and complete it with the login.
	rec := web.NewRecorder()
	if err := s.sendWrite(rec, r, op); err != nil {
		return err
	}
	if rec.Status() != web.StatusOK {
		rec.CopyTo(w)
		return nil
	}
	a, err := s.account(r.Context(), v.tenant.ID)
	if err != nil {
		return err
	}
	if logins, err = s.logins(r, v.tenant.ID); err != nil {
		return err
	}
	u, ok := a.User(id)
	if !ok {
		pu, ok := logins[id]
		if !ok {
			return core.Errorf(core.NotFound, "no user %q", id)
		}
		u = account.User{ID: pu.ID, Name: pu.Name}
	}
	for k, vs := range rec.HeaderMap {
		if k != "Content-Type" && k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	respond(w, r, web.StatusOK, userJSON(a, u, logins))
	return nil
}

// NumbersResponse answers GET /v1/numbers.
type NumbersResponse struct {
	Currency string     `json:"currency"`
	Numbers  []LineJSON `json:"numbers"`
}

func (s *Server) listNumbers(w web.ResponseWriter, r *web.Request) error {
	_, a, err := s.signedInAccount(r)
	if err != nil {
		return err
	}
	now := s.now()
	out := NumbersResponse{Currency: a.Catalog().Currency(), Numbers: []LineJSON{}}
	for _, l := range a.Lines() {
		out.Numbers = append(out.Numbers, lineJSON(a, l, now))
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

func (s *Server) numberAssign(w web.ResponseWriter, r *web.Request) error {
	return s.numberAction(w, r, "assign")
}
func (s *Server) numberUnassign(w web.ResponseWriter, r *web.Request) error {
	return s.numberAction(w, r, "unassign")
}
func (s *Server) numberReassign(w web.ResponseWriter, r *web.Request) error {
	return s.numberAction(w, r, "reassign")
}
func (s *Server) numberRelease(w web.ResponseWriter, r *web.Request) error {
	return s.numberAction(w, r, "release")
}

// numberAction runs an action on a number, or with dry_run says what it
// would do. Members may preview; only admins act.
func (s *Server) numberAction(w web.ResponseWriter, r *web.Request, action string) error {
	v, err := s.signedIn(r)
	if err != nil {
		return err
	}
	var q NumberActionRequest
	var op portalOp
	if len(r.Body) == 0 && r.Header.Get("Content-Type") == "" {
		// An action without options may be sent without a body.
		op = portalOp{Kind: "number", Tenant: v.tenant.ID, Actor: v.user.ID, At: s.now().UTC()}
		if op.IdemKey, err = idempotencyKey(r, false); err != nil {
			return err
		}
		op.IdemHash = requestHash(r, nil)
	} else if op, err = s.newOp(w, r, v, "number", &q); err != nil {
		return err
	}
	n, err := e164.ParseNumber(r.PathValue("n"))
	if err != nil {
		return core.FieldErrorf(core.Invalid, "number", "%s", core.ErrorMessage(err))
	}
	op.Number, op.Action, op.To = n.String(), action, strings.TrimSpace(q.User)
	switch action {
	case "unassign", "release":
		if op.To != "" {
			return core.FieldErrorf(core.Invalid, "user", "%s takes no user", action)
		}
	}
	if q.DryRun {
		a, err := s.account(r.Context(), v.tenant.ID)
		if err != nil {
			return err
		}
		out, err := op.tryApply(a)
		if err != nil {
			return err
		}
		body := out.body.(NumberActionResponse)
		body.DryRun = true
		respond(w, r, web.StatusOK, body)
		return nil
	}
	if err := v.admin(); err != nil {
		return err
	}
	return s.sendWrite(w, r, op)
}
