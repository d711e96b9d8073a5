package httpapi

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/core/region"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// UserPackages sets the packages of one user: the complete list of the
// package codes the user holds after the change (included packages such as
// US & Canada need not be listed). Being a target state, applying it twice
// changes nothing the second time.
type UserPackages struct {
	User     string   `json:"user"`
	Packages []string `json:"packages"`
}

// PackageChangeRequest is the body of POST /v1/packages/quote and
// POST /v1/packages/apply.
type PackageChangeRequest struct {
	Users []UserPackages `json:"users"`
}

// UserPackagesRequest is the body of POST /v1/users/{id}/packages.
type UserPackagesRequest struct {
	Packages []string `json:"packages"`
}

// PackageChangeResponse is the prorated quote of a package change and,
// when applied, the users' packages after it.
type PackageChangeResponse struct {
	Applied  bool              `json:"applied"`
	Currency string            `json:"currency"`
	Quote    billing.Quote     `json:"quote"`
	Old      []billing.Item    `json:"old_items"`
	New      []billing.Item    `json:"new_items"`
	Users    []UserPackagesOut `json:"users"`
}

// UserPackagesOut is a user's packages after a change.
type UserPackagesOut struct {
	User     string        `json:"user"`
	Packages []PackageJSON `json:"packages"`
}

// MaxUsersPerChange bounds the users of one package change.
const MaxUsersPerChange = 1000

func checkPackageChange(users []UserPackages) error {
	if len(users) == 0 || len(users) > MaxUsersPerChange {
		return core.FieldErrorf(core.Invalid, "users", "list 1 to %d users with their packages", MaxUsersPerChange)
	}
	seen := map[string]bool{}
	for _, u := range users {
		if u.User == "" {
			return core.FieldErrorf(core.Invalid, "users", "every entry needs a user")
		}
		if seen[u.User] {
			return core.FieldErrorf(core.Invalid, "users", "user %q is listed twice", u.User)
		}
		seen[u.User] = true
		if len(u.Packages) > account.MaxPackagesPerUser {
			return core.FieldErrorf(core.Invalid, "packages", "a user holds at most %d packages", account.MaxPackagesPerUser)
		}
	}
	return nil
}

// QuotePackageChange is the package-change glue shared by the quote, the
// apply and the tests (and done the same way by the browser): the account's
// billing items before and after setting the users' packages, priced by
// billing.QuoteChange over the account's calendar-month cycle at `at`. It
// changes a.
func QuotePackageChange(a *account.Account, users []UserPackages, at time.Time) (billing.Quote, []billing.Item, []billing.Item, error) {
	old := a.BillingItems()
	for _, u := range users {
		if _, ok := a.User(u.User); !ok {
			return billing.Quote{}, nil, nil, core.FieldErrorf(core.NotFound, "user", "no user %q", u.User)
		}
		codes := []string{}
		for _, c := range u.Packages {
			p, ok := a.Catalog().Product(c)
			if ok && p.Category == account.CategoryPackage && p.Included {
				continue // every account has it
			}
			codes = append(codes, c)
		}
		if err := a.SetPackages(u.User, codes); err != nil {
			return billing.Quote{}, nil, nil, err
		}
	}
	newItems := a.BillingItems()
	q, err := billing.QuoteChange(old, newItems, accountCycle(a, at), at)
	if err != nil {
		return billing.Quote{}, nil, nil, err
	}
	return q, old, newItems, nil
}

func (op *portalOp) applyPackages(a *account.Account) (opOutcome, error) {
	if err := checkPackageChange(op.Packages); err != nil {
		return opOutcome{}, err
	}
	q, old, newItems, err := QuotePackageChange(a, op.Packages, op.At)
	if err != nil {
		return opOutcome{}, err
	}
	out := PackageChangeResponse{Applied: true, Currency: a.Catalog().Currency(), Quote: q, Old: nonNil(old), New: nonNil(newItems)}
	for _, u := range op.Packages {
		au, _ := a.User(u.User)
		uo := UserPackagesOut{User: u.User, Packages: []PackageJSON{}}
		for _, c := range au.Packages {
			p, _ := a.Catalog().Product(c)
			uo.Packages = append(uo.Packages, packageJSON(p))
		}
		out.Users = append(out.Users, uo)
	}
	res := opOutcome{body: out, action: "packages.apply", changed: true}
	if len(q.Lines) > 0 {
		res.change = &billing.Change{At: op.At, Old: old, New: newItems}
	}
	return res, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) quotePackages(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedIn(r)
	if err != nil {
		return err
	}
	var q PackageChangeRequest
	if err := decode(r, limitPortal, &q); err != nil {
		return err
	}
	if err := checkPackageChange(q.Users); err != nil {
		return err
	}
	a, err := s.account(r.Context(), v.tenant.ID)
	if err != nil {
		return err
	}
	op := portalOp{Kind: "packages", Tenant: v.tenant.ID, At: s.now().UTC(), Packages: q.Users}
	out, err := op.apply(a) // a is a private copy
	if err != nil {
		return err
	}
	body := out.body.(PackageChangeResponse)
	body.Applied = false
	respond(w, r, web.StatusOK, body)
	return nil
}

func (s *Server) applyPackages(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedInAdmin(r)
	if err != nil {
		return err
	}
	if _, err := idempotencyKey(r, true); err != nil {
		return err
	}
	var q PackageChangeRequest
	op, err := s.newOp(w, r, v, "packages", &q)
	if err != nil {
		return err
	}
	if err := checkPackageChange(q.Users); err != nil {
		return err
	}
	op.Packages = q.Users
	return s.sendWrite(w, r, op)
}

func (s *Server) userPackages(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedInAdmin(r)
	if err != nil {
		return err
	}
	var q UserPackagesRequest
	op, err := s.newOp(w, r, v, "packages", &q)
	if err != nil {
		return err
	}
	if q.Packages == nil {
		return core.FieldErrorf(core.Invalid, "packages", "list the user's packages (an empty list removes them all)")
	}
	op.Packages = []UserPackages{{User: r.PathValue("id"), Packages: q.Packages}}
	if err := checkPackageChange(op.Packages); err != nil {
		return err
	}
	return s.sendWrite(w, r, op)
}

// PackagesResponse answers GET /v1/packages.
type PackagesResponse struct {
	Currency       string                  `json:"currency"`
	Catalog        []PackageJSON           `json:"catalog"`
	Held           []UserPackagesOut       `json:"held"`
	UsagePeriod    CycleJSON               `json:"usage_period"`  // the calls the recommendation is based on
	UsageThrough   time.Time               `json:"usage_through"` // up to here (exclusive): the period's end, or now while it runs
	Recommendation *billing.Recommendation `json:"recommendation"`
}

func (s *Server) getPackages(w web.ResponseWriter, r *web.Request) error {
	v, a, err := s.signedInAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	now := s.now()
	out := PackagesResponse{Currency: a.Catalog().Currency(), Catalog: []PackageJSON{}, Held: []UserPackagesOut{}}
	for _, p := range a.Catalog().Products() {
		if p.Category == account.CategoryPackage {
			out.Catalog = append(out.Catalog, packageJSON(p))
		}
	}
	for _, u := range a.Users() {
		uo := UserPackagesOut{User: u.ID, Packages: []PackageJSON{}}
		for _, c := range u.Packages {
			p, _ := a.Catalog().Product(c)
			uo.Packages = append(uo.Packages, packageJSON(p))
		}
		out.Held = append(out.Held, uo)
	}
	// The recommendation looks at the previous cycle's calls, or at this
	// cycle's so far when the previous one had none.
	cyc := accountCycle(a, now)
	period := cyc.Prev()
	calls, err := s.cfg.Portal.Store.Calls(ctx, v.tenant.ID, period.Start, period.End)
	if err != nil {
		return err
	}
	out.UsageThrough = period.End
	soFar := len(calls) == 0
	if soFar {
		period = cyc
		if calls, err = s.cfg.Portal.Store.Calls(ctx, v.tenant.ID, cyc.Start, cyc.End); err != nil {
			return err
		}
		out.UsageThrough = now
	}
	out.UsagePeriod = cycleJSON(period, period.End.Add(-time.Nanosecond))
	ix, _, err := s.decks.Current(ctx)
	if err != nil && core.ErrorCode(err) != core.NotFound {
		return err
	}
	if ix != nil {
		rec, err := recommend(a, ix, calls, soFar)
		if err != nil {
			return err
		}
		out.Recommendation = &rec
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

// recommend runs billing.Recommend on calls: per international region, the
// minutes and what they cost (or would have cost) at the rate card of the
// calls a package would cover (premium and "other" numbers never are); the
// packages held; and each package's price for the users who would hold it
// (at least one): a regional package for those who called its region in
// the period or hold its package, Global for those who called abroad or
// hold any international package.
func recommend(a *account.Account, ix *deck.Index, calls []worker.CDRRecord, soFar bool) (billing.Recommendation, error) {
	home := a.Settings().Home
	type agg struct {
		secs int
		cost decimal.Decimal
	}
	byRegion := map[region.ID]*agg{}
	needs := map[region.ID]map[string]bool{} // users who would hold each region's package; region.Global: any
	need := func(id region.ID, user string) {
		if needs[id] == nil {
			needs[id] = map[string]bool{}
		}
		needs[id][user] = true
	}
	for _, c := range calls {
		if c.Direction != "outbound" || c.Seconds == 0 {
			continue
		}
		n, err := e164.ParseNumber(c.Dialled)
		if err != nil {
			continue // short numbers
		}
		row, ok := ix.Lookup(n.Digits(), c.Start)
		if !ok || row.Country == "" || row.Country == home {
			continue // domestic calls draw on the bundle
		}
		if !account.Coverable(row.Kind) {
			continue // premium and "other" numbers: the rate card whatever the package
		}
		reg := region.Of(row.Country)
		if reg == "" || reg == region.USCanada {
			continue
		}
		g := byRegion[reg]
		if g == nil {
			g = &agg{}
			byRegion[reg] = g
		}
		g.secs += c.Seconds
		g.cost = g.cost.Add(row.Tariff.Price(c.Seconds))
		need(reg, c.User)
		need(region.Global, c.User)
	}
	in := billing.RecommendInput{Prices: map[region.ID]decimal.Decimal{}, SoFar: soFar}
	for _, rg := range region.All() {
		if g := byRegion[rg.ID]; g != nil {
			in.Usage = append(in.Usage, billing.RegionUsage{Region: rg.ID, Minutes: (g.secs + 59) / 60, PAYGCost: g.cost})
		}
	}
	for _, u := range a.Users() {
		for _, c := range u.Packages {
			if p, ok := a.Catalog().Product(c); ok && !p.Included {
				need(p.Region, u.ID)
				need(region.Global, u.ID)
				if !slices.Contains(in.Held, p.Region) {
					in.Held = append(in.Held, p.Region)
				}
			}
		}
	}
	for _, p := range a.Catalog().Products() {
		if p.Category == account.CategoryPackage && !p.Included && p.Region != region.USCanada {
			users := max(len(needs[p.Region]), 1)
			in.Prices[p.Region] = p.MonthlyPrice.Mul(decimal.NewFromInt(int64(users)))
		}
	}
	return billing.Recommend(in)
}
