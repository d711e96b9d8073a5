package billing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/region"
)

// ManyRegions is the number of international regions above which Global is
// usually the cheapest package: "more than three".
const ManyRegions = 3

// RegionUsage is one region's calling in the last cycle. PAYGCost is what the
// calls cost, or would have cost, at the standard pay-as-you-go rate card,
// whether or not a package covered them: it is the figure packages are
// compared against.
type RegionUsage struct {
	Region   region.ID       `json:"region"`
	Minutes  int             `json:"minutes"`
	PAYGCost decimal.Decimal `json:"payg_cost"`
}

// RecommendInput is the last cycle's usage with the packages held and the
// packages on offer. Prices are the account's monthly cost of each package
// (for the users it would be assigned to), Global included; a region without
// a price has no package on offer. US & Canada is included in every account:
// its usage and any package for it are ignored. SoFar says that Usage is the
// current cycle's so far (when the last cycle had no calls), which the
// summary says in so many words.
type RecommendInput struct {
	Usage  []RegionUsage                 `json:"usage"`
	Held   []region.ID                   `json:"held"`
	Prices map[region.ID]decimal.Decimal `json:"prices"`
	SoFar  bool                          `json:"so_far,omitempty"`
}

// OptionKind names a way to pay for international calling.
type OptionKind string

// The options Recommend compares.
const (
	OptionCurrent  OptionKind = "current"  // the packages held now, PAYG for the rest
	OptionPAYG     OptionKind = "payg"     // no package: every call at the standard rate
	OptionRegional OptionKind = "regional" // a package for each region where it is cheaper than PAYG
	OptionGlobal   OptionKind = "global"   // the Global package: every international call covered
)

// Option is the cost of one way of paying for last cycle's calls. Total is
// PackageCost + PAYGCost rounded with core.RoundInvoice; PAYGCost is the
// usage no package of the option covers.
type Option struct {
	Kind        OptionKind      `json:"kind"`
	Packages    []region.ID     `json:"packages"`
	PackageCost decimal.Decimal `json:"package_cost"`
	PAYGCost    decimal.Decimal `json:"payg_cost"`
	Total       decimal.Decimal `json:"total"`
}

// Reason says why an option is recommended. Its values are stable.
type Reason string

// The reasons.
const (
	// ReasonManyRegions: more than three international regions were called
	// and Global is the cheapest option.
	ReasonManyRegions Reason = "many_regions_global"
	// ReasonGlobalCheapest: Global is the cheapest option.
	ReasonGlobalCheapest Reason = "global_cheapest"
	// ReasonRegionalCheapest: regional packages are the cheapest option.
	ReasonRegionalCheapest Reason = "regional_cheapest"
	// ReasonPAYGCheapest: paying as you go is the cheapest option.
	ReasonPAYGCheapest Reason = "payg_cheapest"
	// ReasonKeepCurrent: nothing is cheaper than the current packages.
	ReasonKeepCurrent Reason = "current_cheapest"
	// ReasonNoInternationalUsage: no international calls were made and no
	// package is held.
	ReasonNoInternationalUsage Reason = "no_international_usage"
)

// Recommendation is the outcome of Recommend. Options lists current, PAYG,
// the regional mix (when it holds at least one package) and Global (when it
// has a price), in that order. Savings is the current total minus the
// recommended total per cycle (zero when keeping the current packages).
// Summary is an English sentence with the figures, for display.
type Recommendation struct {
	RegionsUsed []region.ID     `json:"regions_used"`
	ManyRegions bool            `json:"many_regions"`
	Options     []Option        `json:"options"`
	Recommended OptionKind      `json:"recommended"`
	Reason      Reason          `json:"reason"`
	Savings     decimal.Decimal `json:"savings"`
	Summary     string          `json:"summary"`
}

// Option returns the option of the given kind and whether it is listed.
func (r Recommendation) Option(kind OptionKind) (Option, bool) {
	for _, o := range r.Options {
		if o.Kind == kind {
			return o, true
		}
	}
	return Option{}, false
}

// Recommend compares the cost of last cycle's international calls under the
// current packages, pay-as-you-go, the cheapest mix of regional packages and
// Global, and recommends the cheapest. On equal totals it prefers keeping the
// current packages, then Global, regional packages, and PAYG.
//
// Errors (core.Invalid, naming the field): an unknown region or Global in
// Usage, negative minutes or cost, a region listed twice, an unknown or
// unpriced held package, a negative price.
func Recommend(in RecommendInput) (Recommendation, error) {
	payg := map[region.ID]decimal.Decimal{}
	var used []region.ID
	for i, u := range in.Usage {
		f := fmt.Sprintf("usage[%d]", i)
		switch {
		case !u.Region.Valid() || u.Region == region.Global:
			return Recommendation{}, core.FieldErrorf(core.Invalid, f+".region", "%q is not a calling region", u.Region)
		case u.Minutes < 0:
			return Recommendation{}, core.FieldErrorf(core.Invalid, f+".minutes", "minutes %d are negative", u.Minutes)
		case u.PAYGCost.IsNegative():
			return Recommendation{}, core.FieldErrorf(core.Invalid, f+".payg_cost", "cost %s is negative", u.PAYGCost)
		}
		if _, dup := payg[u.Region]; dup {
			return Recommendation{}, core.FieldErrorf(core.Invalid, f+".region", "region %q is listed twice", u.Region)
		}
		payg[u.Region] = u.PAYGCost
		if region.International(u.Region) && (u.Minutes > 0 || u.PAYGCost.IsPositive()) {
			used = append(used, u.Region)
		}
	}
	for id, p := range in.Prices {
		if !id.Valid() {
			return Recommendation{}, core.FieldErrorf(core.Invalid, "prices", "%q is not a calling region", id)
		}
		if p.IsNegative() {
			return Recommendation{}, core.FieldErrorf(core.Invalid, "prices."+string(id), "price %s is negative", p)
		}
	}
	var held []region.ID
	for i, id := range in.Held {
		f := fmt.Sprintf("held[%d]", i)
		if !id.Valid() {
			return Recommendation{}, core.FieldErrorf(core.Invalid, f, "%q is not a calling region", id)
		}
		if !region.International(id) || slices.Contains(held, id) {
			continue
		}
		if _, ok := in.Prices[id]; !ok {
			return Recommendation{}, core.FieldErrorf(core.Invalid, f, "held package %q has no price", id)
		}
		held = append(held, id)
	}
	sortRegions(used)
	sortRegions(held)

	// cost prices an option holding pkgs: the packages plus PAYG for every
	// used region they do not cover.
	cost := func(kind OptionKind, pkgs []region.ID) Option {
		o := Option{Kind: kind, Packages: pkgs, PackageCost: decimal.Zero, PAYGCost: decimal.Zero}
		if o.Packages == nil {
			o.Packages = []region.ID{}
		}
		global := slices.Contains(pkgs, region.Global)
		for _, id := range pkgs {
			o.PackageCost = o.PackageCost.Add(in.Prices[id])
		}
		for _, id := range used {
			if !global && !slices.Contains(pkgs, id) {
				o.PAYGCost = o.PAYGCost.Add(payg[id])
			}
		}
		o.Total = core.RoundInvoice(o.PackageCost.Add(o.PAYGCost))
		return o
	}
	rec := Recommendation{RegionsUsed: used, ManyRegions: len(used) > ManyRegions}
	if rec.RegionsUsed == nil {
		rec.RegionsUsed = []region.ID{}
	}
	current := cost(OptionCurrent, held)
	rec.Options = append(rec.Options, current, cost(OptionPAYG, nil))
	var mix []region.ID
	for _, id := range used {
		if p, ok := in.Prices[id]; ok && p.LessThan(payg[id]) {
			mix = append(mix, id)
		}
	}
	if len(mix) > 0 {
		rec.Options = append(rec.Options, cost(OptionRegional, mix))
	}
	if _, ok := in.Prices[region.Global]; ok {
		rec.Options = append(rec.Options, cost(OptionGlobal, []region.ID{region.Global}))
	}

	best := current
	for _, kind := range []OptionKind{OptionGlobal, OptionRegional, OptionPAYG} {
		if o, ok := rec.Option(kind); ok && o.Total.LessThan(best.Total) {
			best = o
		}
	}
	rec.Recommended = best.Kind
	rec.Savings = current.Total.Sub(best.Total)
	switch {
	case best.Kind == OptionCurrent && len(used) == 0 && len(held) == 0:
		rec.Reason = ReasonNoInternationalUsage
	case best.Kind == OptionCurrent:
		rec.Reason = ReasonKeepCurrent
	case best.Kind == OptionGlobal && rec.ManyRegions:
		rec.Reason = ReasonManyRegions
	case best.Kind == OptionGlobal:
		rec.Reason = ReasonGlobalCheapest
	case best.Kind == OptionRegional:
		rec.Reason = ReasonRegionalCheapest
	default:
		rec.Reason = ReasonPAYGCheapest
	}
	rec.Summary = summary(rec, current, best, in.SoFar)
	return rec, nil
}

func regionNames(ids []region.ID) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name()
	}
	return strings.Join(names, ", ")
}

// summary writes the recommendation as one or two English sentences.
func summary(rec Recommendation, current, best Option, soFar bool) string {
	var b strings.Builder
	when, When, per := "last cycle", "Last cycle", "per cycle"
	if soFar {
		// A cycle in progress: the savings are on its calls so far (a full
		// cycle's package prices against part of a cycle's calls).
		when, When, per = "so far this cycle", "So far this cycle", "on this cycle's calls so far"
	}
	switch len(rec.RegionsUsed) {
	case 0:
		fmt.Fprintf(&b, "No international calls %s.", when)
	case 1:
		fmt.Fprintf(&b, "%s you called 1 international region (%s).", When, regionNames(rec.RegionsUsed))
	default:
		fmt.Fprintf(&b, "%s you called %d international regions (%s).", When, len(rec.RegionsUsed), regionNames(rec.RegionsUsed))
	}
	switch rec.Reason {
	case ReasonNoInternationalUsage:
		b.WriteString(" Pay-as-you-go is all you need.")
	case ReasonKeepCurrent:
		fmt.Fprintf(&b, " Your current plan, at %s, is the cheapest option.", current.Total.StringFixed(core.InvoicePlaces))
	case ReasonManyRegions:
		fmt.Fprintf(&b, " With more than three international regions, Global is usually the most cost-effective option, and it is here: it would cost %s instead of your current %s, saving %s %s.",
			best.Total.StringFixed(core.InvoicePlaces), current.Total.StringFixed(core.InvoicePlaces),
			rec.Savings.StringFixed(core.InvoicePlaces), per)
	default:
		what := map[OptionKind]string{
			OptionGlobal:   "The Global package",
			OptionRegional: "Regional packages for " + regionNames(best.Packages),
			OptionPAYG:     "Pay-as-you-go with no package",
		}[best.Kind]
		fmt.Fprintf(&b, " %s would cost %s instead of your current %s, saving %s %s.", what,
			best.Total.StringFixed(core.InvoicePlaces), current.Total.StringFixed(core.InvoicePlaces),
			rec.Savings.StringFixed(core.InvoicePlaces), per)
	}
	if rec.ManyRegions && best.Kind != OptionGlobal {
		if g, ok := rec.Option(OptionGlobal); ok {
			fmt.Fprintf(&b, " Global would cost %s: your usage is too light for it to pay off.", g.Total.StringFixed(core.InvoicePlaces))
		}
	}
	return b.String()
}

// sortRegions sorts ids in the order of region.All, Global last.
func sortRegions(ids []region.ID) {
	rank := func(id region.ID) int {
		for i, r := range region.All() {
			if r.ID == id {
				return i
			}
		}
		return len(region.All())
	}
	slices.SortFunc(ids, func(a, b region.ID) int { return rank(a) - rank(b) })
}
