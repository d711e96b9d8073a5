package billing

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/region"
)

func BenchmarkMonthlyCycle(b *testing.B) {
	london := mustLoad(b, "Europe/London")
	t := time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		_ = MonthlyCycle(t, london, 31)
	}
}

func BenchmarkRemainingDays(b *testing.B) {
	london := mustLoad(b, "Europe/London")
	c := MonthlyCycle(time.Date(2026, 3, 1, 0, 0, 0, 0, london), london, 1)
	at := time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		_ = c.RemainingDays(at)
	}
}

// BenchmarkQuoteChange: the canonical upgrade, three regional packages to
// Global for five users.
func BenchmarkQuoteChange(b *testing.B) {
	london := mustLoad(b, "Europe/London")
	c := MonthlyCycle(time.Date(2026, 1, 1, 0, 0, 0, 0, london), london, 1)
	at := time.Date(2026, 1, 18, 14, 30, 0, 0, london)
	old := []Item{item("uk-eu", 5, "10"), item("au-nz", 5, "10"), item("asia", 5, "10"), item("user", 5, "12.50")}
	new := []Item{item("global", 5, "35"), item("user", 5, "12.50")}
	for b.Loop() {
		if _, err := QuoteChange(old, new, c, at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildInvoice: four subscriptions, two changes in the previous
// cycle and three overage lines.
func BenchmarkBuildInvoice(b *testing.B) {
	ny := mustLoad(b, "America/New_York")
	c := MonthlyCycle(time.Date(2026, 2, 1, 0, 0, 0, 0, ny), ny, 1)
	subs := []Item{item("user", 12, "12.50"), item("line", 12, "4"), item("global", 5, "35"), item("bundle-1200", 1, "45")}
	in := InvoiceInput{Cycle: c, Subscriptions: subs,
		Changes: []Change{
			{At: time.Date(2026, 1, 9, 10, 0, 0, 0, ny), Old: subs[:2], New: []Item{item("user", 12, "12.50"), item("line", 12, "4")}},
			{At: time.Date(2026, 1, 18, 10, 0, 0, 0, ny), Old: []Item{item("uk-eu", 5, "10"), item("asia", 5, "10")}, New: subs[2:3]},
		},
		Overage: []Overage{{Code: "payg-mea", Minutes: 120, Amount: decimal.RequireFromString("31.2040")},
			{Code: "payg-latam", Minutes: 40, Amount: decimal.RequireFromString("6.0100")},
			{Code: "payg-premium", Minutes: 3, Amount: decimal.RequireFromString("4.5000")}},
	}
	for b.Loop() {
		if _, err := BuildInvoice(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecommend(b *testing.B) {
	in := RecommendInput{Usage: []RegionUsage{
		{Region: region.UKEurope, Minutes: 640, PAYGCost: m("38.40")},
		{Region: region.AustraliaNZ, Minutes: 210, PAYGCost: m("44.10")},
		{Region: region.Asia, Minutes: 150, PAYGCost: m("21.75")},
		{Region: region.LatinAmerica, Minutes: 95, PAYGCost: m("17.10")},
	}, Held: []region.ID{region.UKEurope}, Prices: prices()}
	for b.Loop() {
		if _, err := Recommend(in); err != nil {
			b.Fatal(err)
		}
	}
}
