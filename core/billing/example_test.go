package billing_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/core/region"
)

// A cycle anchored on the 31st clamps to the end of shorter months and
// returns to the 31st when the month allows.
func ExampleMonthlyCycle() {
	c := billing.MonthlyCycle(time.Date(2028, 2, 10, 12, 0, 0, 0, time.UTC), time.UTC, 31)
	for range 4 {
		fmt.Println(c, c.Days(), "days")
		c = c.Next()
	}
	// Output:
	// 2028-01-31..2028-02-29 UTC 29 days
	// 2028-02-29..2028-03-31 UTC 31 days
	// 2028-03-31..2028-04-30 UTC 30 days
	// 2028-04-30..2028-05-31 UTC 31 days
}

// Upgrading five users from three regional packages to Global on 18 January:
// the unused 14 of 31 days of the regional packages are credited toward the
// remaining 14 days of Global; the customer pays the difference.
func ExampleQuoteChange() {
	london, _ := time.LoadLocation("Europe/London")
	cycle := billing.MonthlyCycle(time.Date(2026, 1, 18, 0, 0, 0, 0, london), london, 1)
	old := []billing.Item{
		{Code: "uk-eu", Description: "Unlimited UK/EU", Quantity: 5, UnitPrice: core.MustParseMoney("10.00")},
		{Code: "au-nz", Description: "Unlimited AU/NZ", Quantity: 5, UnitPrice: core.MustParseMoney("10.00")},
		{Code: "asia", Description: "Unlimited Asia", Quantity: 5, UnitPrice: core.MustParseMoney("10.00")},
	}
	upgraded := []billing.Item{
		{Code: "global", Description: "Unlimited Global", Quantity: 5, UnitPrice: core.MustParseMoney("35.00")},
	}
	q, err := billing.QuoteChange(old, upgraded, cycle, time.Date(2026, 1, 18, 14, 30, 0, 0, london))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d of %d days remain\n", q.UnusedDays, q.CycleDays)
	for _, l := range q.Lines {
		fmt.Printf("%-16s %-16s %d × %s × %d/%d = %7s\n", l.Kind, l.Description, l.Quantity, l.UnitPrice.StringFixed(2),
			l.Days, l.CycleDays, l.Amount.StringFixed(2))
	}
	fmt.Println("credit", q.Credit.StringFixed(2), "charge", q.Charge.StringFixed(2), "to pay", q.Net.StringFixed(2))
	// Output:
	// 14 of 31 days remain
	// proration_credit Unlimited UK/EU  5 × 10.00 × 14/31 =  -22.58
	// proration_credit Unlimited AU/NZ  5 × 10.00 × 14/31 =  -22.58
	// proration_credit Unlimited Asia   5 × 10.00 × 14/31 =  -22.58
	// proration_charge Unlimited Global 5 × 35.00 × 14/31 =   79.03
	// credit 67.74 charge 79.03 to pay 11.29
}

// The February invoice, issued on 1 February: the base subscriptions for
// February in advance, then January's prorated addition of two users on the
// 18th (14 of 31 days) and January's pay-as-you-go overage.
func ExampleBuildInvoice() {
	utc := time.UTC
	feb := billing.MonthlyCycle(time.Date(2026, 2, 1, 0, 0, 0, 0, utc), utc, 1)
	users := func(n int) []billing.Item {
		return []billing.Item{
			{Code: "user", Description: "User subscription", Quantity: n, UnitPrice: core.MustParseMoney("12.50")},
			{Code: "number", Description: "Phone number", Quantity: n, UnitPrice: core.MustParseMoney("4.00")},
		}
	}
	inv, err := billing.BuildInvoice(billing.InvoiceInput{
		Cycle:         feb,
		Subscriptions: users(5),
		Changes:       []billing.Change{{At: time.Date(2026, 1, 18, 11, 0, 0, 0, utc), Old: users(3), New: users(5)}},
		Overage: []billing.Overage{
			{Code: "payg-au-nz", Description: "Calls to Australia & New Zealand", Minutes: 212,
				Amount: core.MustParseMoney("41.3350")},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Invoice for", inv.Cycle)
	for _, l := range inv.Lines {
		fmt.Printf("%-16s %-32s %3d %7s\n", l.Kind, l.Description, l.Quantity, l.Amount.StringFixed(2))
	}
	fmt.Println("Total", inv.Total.StringFixed(2))
	// Output:
	// Invoice for 2026-02-01..2026-03-01 UTC
	// subscription     User subscription                  5   62.50
	// subscription     Phone number                       5   20.00
	// proration_charge User subscription                  2   11.29
	// proration_charge Phone number                       2    3.61
	// overage          Calls to Australia & New Zealand 212   41.34
	// Total 138.74
}

// A team that called four international regions last month: Global is
// cheaper than paying as you go or buying the regional packages.
func ExampleRecommend() {
	m := core.MustParseMoney
	rec, err := billing.Recommend(billing.RecommendInput{
		Usage: []billing.RegionUsage{
			{Region: region.UKEurope, Minutes: 640, PAYGCost: m("38.40")},
			{Region: region.AustraliaNZ, Minutes: 210, PAYGCost: m("44.10")},
			{Region: region.Asia, Minutes: 150, PAYGCost: m("21.75")},
			{Region: region.LatinAmerica, Minutes: 95, PAYGCost: m("17.10")},
			{Region: region.USCanada, Minutes: 5200, PAYGCost: m("52.00")},
		},
		Held: []region.ID{region.UKEurope},
		Prices: map[region.ID]decimal.Decimal{
			region.UKEurope: m("25.00"), region.AustraliaNZ: m("25.00"), region.Asia: m("25.00"),
			region.LatinAmerica: m("25.00"), region.MiddleEastAfrica: m("25.00"), region.Global: m("60.00"),
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range rec.Options {
		fmt.Printf("%-8s packages %v: %s\n", o.Kind, o.Packages, o.Total.StringFixed(2))
	}
	fmt.Println(rec.Recommended, rec.Reason, "saves", rec.Savings.StringFixed(2))
	fmt.Println(rec.Summary)
	// Output:
	// current  packages [uk-eu]: 107.95
	// payg     packages []: 121.35
	// regional packages [uk-eu au-nz]: 88.85
	// global   packages [global]: 60.00
	// global many_regions_global saves 47.95
	// Last cycle you called 4 international regions (UK & Europe, Australia & New Zealand, Latin America & Caribbean, Asia & Pacific). With more than three international regions, Global is usually the most cost-effective option, and it is here: it would cost 60.00 instead of your current 107.95, saving 47.95 per cycle.
}
