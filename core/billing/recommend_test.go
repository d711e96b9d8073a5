package billing

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/region"
)

func prices() map[region.ID]decimal.Decimal {
	return map[region.ID]decimal.Decimal{
		region.UKEurope: m("25"), region.AustraliaNZ: m("25"), region.Asia: m("25"),
		region.LatinAmerica: m("25"), region.MiddleEastAfrica: m("25"), region.Global: m("60"),
	}
}

func TestRecommend(t *testing.T) {
	use := func(id region.ID, min int, cost string) RegionUsage {
		return RegionUsage{Region: id, Minutes: min, PAYGCost: m(cost)}
	}
	tests := []struct {
		name        string
		in          RecommendInput
		recommended OptionKind
		reason      Reason
		savings     string
		many        bool
		totals      map[OptionKind]string // "" = option absent
		summary     []string
	}{
		{"more than three regions: global", RecommendInput{Usage: []RegionUsage{
			use(region.UKEurope, 600, "30"), use(region.AustraliaNZ, 300, "30"), use(region.Asia, 300, "30"), use(region.MiddleEastAfrica, 200, "30"),
		}, Prices: prices()}, OptionGlobal, ReasonManyRegions, "60", true,
			map[OptionKind]string{OptionCurrent: "120", OptionPAYG: "120", OptionRegional: "100", OptionGlobal: "60"},
			[]string{"4 international regions", "more than three", "60.00 instead of your current 120.00", "saving 60.00"}},
		{"more than three regions, light usage: PAYG", RecommendInput{Usage: []RegionUsage{
			use(region.UKEurope, 10, "1.20"), use(region.AustraliaNZ, 5, "1.90"), use(region.Asia, 3, "0.45"), use(region.MiddleEastAfrica, 4, "1.10"),
		}, Held: []region.ID{region.Global}, Prices: prices()}, OptionPAYG, ReasonPAYGCheapest, "55.35", true,
			map[OptionKind]string{OptionCurrent: "60", OptionPAYG: "4.65", OptionRegional: "", OptionGlobal: "60"},
			[]string{"Pay-as-you-go", "4.65 instead of your current 60.00", "Global would cost 60.00"}},
		{"three regions, global cheaper without the rule", RecommendInput{Usage: []RegionUsage{
			use(region.UKEurope, 900, "40"), use(region.AustraliaNZ, 900, "40"), use(region.Asia, 900, "40"),
		}, Prices: prices()}, OptionGlobal, ReasonGlobalCheapest, "60", false,
			map[OptionKind]string{OptionCurrent: "120", OptionPAYG: "120", OptionRegional: "75", OptionGlobal: "60"},
			[]string{"3 international regions", "The Global package would cost 60.00"}},
		{"one heavy region: regional", RecommendInput{Usage: []RegionUsage{
			use(region.UKEurope, 2000, "96.50"), use(region.Asia, 20, "2.10"),
		}, Prices: prices()}, OptionRegional, ReasonRegionalCheapest, "71.50", false,
			map[OptionKind]string{OptionCurrent: "98.60", OptionPAYG: "98.60", OptionRegional: "27.10", OptionGlobal: "60"},
			[]string{"Regional packages for UK & Europe would cost 27.10"}},
		{"current packages are the best", RecommendInput{Usage: []RegionUsage{use(region.UKEurope, 2000, "96.50")},
			Held: []region.ID{region.UKEurope, region.USCanada}, Prices: prices()}, OptionCurrent, ReasonKeepCurrent, "0", false,
			map[OptionKind]string{OptionCurrent: "25", OptionPAYG: "96.50", OptionRegional: "25", OptionGlobal: "60"},
			[]string{"Your current plan, at 25.00, is the cheapest"}},
		{"unused package: drop it", RecommendInput{Usage: []RegionUsage{use(region.USCanada, 4000, "40")},
			Held: []region.ID{region.AustraliaNZ}, Prices: prices()}, OptionPAYG, ReasonPAYGCheapest, "25", false,
			map[OptionKind]string{OptionCurrent: "25", OptionPAYG: "0", OptionRegional: "", OptionGlobal: "60"},
			[]string{"No international calls", "0.00 instead of your current 25.00"}},
		{"no international usage", RecommendInput{Prices: prices()}, OptionCurrent, ReasonNoInternationalUsage, "0", false,
			map[OptionKind]string{OptionCurrent: "0", OptionPAYG: "0", OptionRegional: "", OptionGlobal: "60"},
			[]string{"No international calls"}},
		{"no global on offer, no regional price for the region", RecommendInput{Usage: []RegionUsage{use(region.LatinAmerica, 500, "80")},
			Prices: map[region.ID]decimal.Decimal{region.UKEurope: m("25")}}, OptionCurrent, ReasonKeepCurrent, "0", false,
			map[OptionKind]string{OptionCurrent: "80", OptionPAYG: "80", OptionRegional: "", OptionGlobal: ""}, nil},
		{"tie between global and regional prefers global", RecommendInput{Usage: []RegionUsage{
			use(region.UKEurope, 900, "40"), use(region.AustraliaNZ, 900, "40"),
		}, Prices: map[region.ID]decimal.Decimal{region.UKEurope: m("30"), region.AustraliaNZ: m("30"), region.Global: m("60")}},
			OptionGlobal, ReasonGlobalCheapest, "20", false,
			map[OptionKind]string{OptionCurrent: "80", OptionPAYG: "80", OptionRegional: "60", OptionGlobal: "60"}, nil},
		{"minutes without cost still count as a region", RecommendInput{Usage: []RegionUsage{
			use(region.UKEurope, 1, "0"), use(region.AustraliaNZ, 1, "0"), use(region.Asia, 1, "0"), use(region.LatinAmerica, 1, "0"),
		}, Prices: prices()}, OptionCurrent, ReasonKeepCurrent, "0", true,
			map[OptionKind]string{OptionCurrent: "0", OptionPAYG: "0", OptionRegional: "", OptionGlobal: "60"},
			[]string{"4 international regions", "Global would cost 60.00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Recommend(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Recommended != tt.recommended || rec.Reason != tt.reason || !rec.Savings.Equal(m(tt.savings)) || rec.ManyRegions != tt.many {
				t.Errorf("recommended %s (%s), saves %s, many %v; want %s (%s), %s, %v",
					rec.Recommended, rec.Reason, rec.Savings, rec.ManyRegions, tt.recommended, tt.reason, tt.savings, tt.many)
			}
			for kind, want := range tt.totals {
				o, ok := rec.Option(kind)
				switch {
				case want == "" && ok:
					t.Errorf("option %s listed: %+v", kind, o)
				case want != "" && !ok:
					t.Errorf("option %s missing", kind)
				case ok && !o.Total.Equal(m(want)):
					t.Errorf("option %s total %s, want %s", kind, o.Total, want)
				case ok && !o.Total.Equal(core.RoundInvoice(o.PackageCost.Add(o.PAYGCost))):
					t.Errorf("option %s total %s ≠ packages %s + PAYG %s", kind, o.Total, o.PackageCost, o.PAYGCost)
				}
			}
			best, _ := rec.Option(rec.Recommended)
			for _, o := range rec.Options {
				if o.Total.LessThan(best.Total) {
					t.Errorf("option %s (%s) is cheaper than the recommended %s (%s)", o.Kind, o.Total, best.Kind, best.Total)
				}
			}
			for _, s := range tt.summary {
				if !strings.Contains(rec.Summary, s) {
					t.Errorf("summary %q lacks %q", rec.Summary, s)
				}
			}
		})
	}
}

func TestRecommendSummarySaysWhichPeriod(t *testing.T) {
	prices := map[region.ID]decimal.Decimal{region.UKEurope: decimal.RequireFromString("15"), region.Global: decimal.RequireFromString("45")}
	uk := []RegionUsage{{Region: region.UKEurope, Minutes: 10, PAYGCost: decimal.RequireFromString("1.20")}}
	for _, tt := range []struct {
		in          RecommendInput
		starts, not string
	}{
		{RecommendInput{Usage: uk, Prices: prices}, "Last cycle you called 1 international region (UK & Europe).", "so far"},
		{RecommendInput{Usage: uk, Prices: prices, SoFar: true}, "So far this cycle you called 1 international region (UK & Europe).", "Last cycle"},
		{RecommendInput{Prices: prices}, "No international calls last cycle.", "so far"},
		{RecommendInput{Prices: prices, SoFar: true}, "No international calls so far this cycle.", "last cycle"},
	} {
		rec, err := Recommend(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rec.Summary, tt.starts) || strings.Contains(rec.Summary, tt.not) || tt.in.SoFar && strings.Contains(rec.Summary, "per cycle") {
			t.Errorf("SoFar %v, %d regions: summary %q, want it to start %q and not to say %q", tt.in.SoFar, len(tt.in.Usage), rec.Summary, tt.starts, tt.not)
		}
	}
	// A saving found on part of a cycle is not a saving per cycle.
	held := []region.ID{region.UKEurope}
	for soFar, want := range map[bool]string{false: "saving 13.80 per cycle.", true: "saving 13.80 on this cycle's calls so far."} {
		rec, err := Recommend(RecommendInput{Usage: uk, Held: held, Prices: prices, SoFar: soFar})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(rec.Summary, want) {
			t.Errorf("SoFar %v: summary %q lacks %q", soFar, rec.Summary, want)
		}
	}
}

func TestRecommendErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    RecommendInput
		field string
	}{
		{"unknown region", RecommendInput{Usage: []RegionUsage{{Region: "mars", Minutes: 1}}}, "usage[0].region"},
		{"global as usage", RecommendInput{Usage: []RegionUsage{{Region: region.Global}}}, "usage[0].region"},
		{"region twice", RecommendInput{Usage: []RegionUsage{{Region: region.Asia}, {Region: region.Asia}}}, "usage[1].region"},
		{"negative minutes", RecommendInput{Usage: []RegionUsage{{Region: region.Asia, Minutes: -1}}}, "usage[0].minutes"},
		{"negative cost", RecommendInput{Usage: []RegionUsage{{Region: region.Asia, PAYGCost: m0("-1")}}}, "usage[0].payg_cost"},
		{"unknown held", RecommendInput{Held: []region.ID{"x"}}, "held[0]"},
		{"held without price", RecommendInput{Held: []region.ID{region.Asia}}, "held[0]"},
		{"negative price", RecommendInput{Prices: map[region.ID]decimal.Decimal{region.Asia: m0("-1")}}, "prices.asia"},
		{"unknown price", RecommendInput{Prices: map[region.ID]decimal.Decimal{"x": m("1")}}, "prices"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Recommend(tt.in)
			var e *core.Error
			if core.ErrorCode(err) != core.Invalid || !asError(err, &e) || e.Field != tt.field {
				t.Fatalf("err = %v, want invalid on %s", err, tt.field)
			}
		})
	}
}

func TestRecommendationJSON(t *testing.T) {
	rec, err := Recommend(RecommendInput{Usage: []RegionUsage{{Region: region.Asia, Minutes: 10, PAYGCost: m("1.5")}}, Prices: prices()})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rec)
	for _, want := range []string{`"recommended":"current"`, `"reason":"current_cheapest"`, `"total":"1.5"`, `"total":"60"`,
		`"regions_used":["asia"]`, `"packages":[]`, `"savings":"0"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
}

// TestRecommendProperties: on random usage, the recommended option is never
// dearer than any other, the regional mix is never dearer than PAYG, Global
// costs its price, savings are current minus recommended, and the
// many-regions reason appears exactly when more than three international
// regions were called and Global wins.
func TestRecommendProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	regions := []region.ID{region.USCanada, region.UKEurope, region.AustraliaNZ, region.LatinAmerica, region.Asia, region.MiddleEastAfrica}
	for i := range 3000 {
		in := RecommendInput{Prices: map[region.ID]decimal.Decimal{}}
		for _, id := range regions {
			if r.IntN(3) > 0 {
				in.Usage = append(in.Usage, RegionUsage{Region: id, Minutes: r.IntN(3000), PAYGCost: decimal.New(r.Int64N(1500000), -4)})
			}
			if r.IntN(4) > 0 {
				in.Prices[id] = decimal.New(r.Int64N(6000), -2)
			}
		}
		if r.IntN(5) > 0 {
			in.Prices[region.Global] = decimal.New(r.Int64N(15000), -2)
		}
		for id := range in.Prices {
			if r.IntN(4) == 0 {
				in.Held = append(in.Held, id)
			}
		}
		rec, err := Recommend(in)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		best, ok := rec.Option(rec.Recommended)
		cur, _ := rec.Option(OptionCurrent)
		payg, _ := rec.Option(OptionPAYG)
		if !ok || !rec.Savings.Equal(cur.Total.Sub(best.Total)) || rec.Savings.IsNegative() {
			t.Fatalf("case %d: recommended %s, savings %s", i, rec.Recommended, rec.Savings)
		}
		for _, o := range rec.Options {
			if o.Total.LessThan(best.Total) {
				t.Fatalf("case %d: %s (%s) cheaper than recommended %s (%s)", i, o.Kind, o.Total, best.Kind, best.Total)
			}
		}
		if reg, ok := rec.Option(OptionRegional); ok && !reg.Total.LessThan(payg.Total) {
			t.Fatalf("case %d: regional %s not cheaper than PAYG %s", i, reg.Total, payg.Total)
		}
		if g, ok := rec.Option(OptionGlobal); ok && (!g.Total.Equal(core.RoundInvoice(in.Prices[region.Global])) || !g.PAYGCost.IsZero()) {
			t.Fatalf("case %d: global option %+v", i, g)
		}
		if want := rec.ManyRegions && rec.Recommended == OptionGlobal; want != (rec.Reason == ReasonManyRegions) {
			t.Fatalf("case %d: reason %s with %d regions, recommended %s", i, rec.Reason, len(rec.RegionsUsed), rec.Recommended)
		}
		if rec.ManyRegions != (len(rec.RegionsUsed) > 3) || slices.Contains(rec.RegionsUsed, region.USCanada) {
			t.Fatalf("case %d: regions used %v, many %v", i, rec.RegionsUsed, rec.ManyRegions)
		}
	}
}
