package portal

import (
	"fmt"
	"html"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tollgate-voice/tollgate/core"
)

// The usage page's charts, drawn as inline SVG (no chart library: a few
// rectangles and labels). Each has a <title> and an aria-label so that
// screen readers get the figures, and a table with the same numbers sits
// next to it.

// minutesChartSVG draws minutes per day as bars, one per day of the month.
func minutesChartSVG(days []usageRow) string {
	const w, h, top, bottom, left = 720.0, 220.0, 16.0, 28.0, 36.0
	maxMin := 0
	total := 0
	for _, d := range days {
		maxMin = max(maxMin, d.Minutes)
		total += d.Minutes
	}
	scale := niceCeil(maxMin)
	var b strings.Builder
	label := fmt.Sprintf("Minutes per day: %d minutes over %d days, at most %d in a day", total, len(days), maxMin)
	fmt.Fprintf(&b, `<svg id="chart-minutes" class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(label))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(label))
	plotH := h - top - bottom
	// Grid lines at 0, half and full scale.
	for _, f := range []float64{0, 0.5, 1} {
		y := top + plotH*(1-f)
		fmt.Fprintf(&b, `<line class="grid" x1="%g" y1="%.1f" x2="%g" y2="%.1f"/>`, left, y, w, y)
		fmt.Fprintf(&b, `<text class="axis" x="%g" y="%.1f" text-anchor="end">%d</text>`, left-6, y+4, int(float64(scale)*f))
	}
	if n := len(days); n > 0 {
		slot := (w - left) / float64(n)
		bw := slot * 0.7
		for i, d := range days {
			x := left + slot*float64(i) + (slot-bw)/2
			bh := plotH * float64(d.Minutes) / float64(scale)
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d min</title></rect>`,
				x, top+plotH-bh, bw, bh, html.EscapeString(d.Date), d.Minutes)
			if day := dayOfMonth(d.Date); day == 1 || day%5 == 0 {
				fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%g" text-anchor="middle">%d</text>`, x+bw/2, h-8, day)
			}
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// spendChartSVG draws pay-as-you-go spend against the cap: a bar filled to
// the spend, with the cap and the notification thresholds marked. The
// amounts are written under it in HTML (readable at any width).
func spendChartSVG(spent, capAmt decimal.Decimal, capped bool, thresholds []int, currency string) string {
	const w, h, left, right, barY, barH = 720.0, 58.0, 8.0, 8.0, 22.0, 28.0
	full := capAmt
	if !capped || !full.IsPositive() {
		full = decimal.Max(spent, decimal.NewFromInt(1))
	}
	if spent.GreaterThan(full) {
		full = spent
	}
	frac, _ := spent.Div(full).Float64()
	capFrac, _ := capAmt.Div(full).Float64()
	plotW := w - left - right
	label := "Pay-as-you-go spend " + core.FormatMoney(spent, currency)
	if capped {
		label += " of a " + core.FormatMoney(capAmt, currency) + " cap"
	} else {
		label += ", no cap"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="chart-spend" class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(label))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect class="track" x="%g" y="%g" width="%g" height="%g" rx="4"/>`, left, barY, plotW, barH)
	cls := "fill"
	if capped && capAmt.IsPositive() && !spent.LessThan(capAmt) {
		cls = "fill over"
	}
	fmt.Fprintf(&b, `<rect class="%s" x="%g" y="%g" width="%.1f" height="%g" rx="4"/>`, cls, left, barY, plotW*frac, barH)
	if capped && capAmt.IsPositive() {
		for _, t := range thresholds {
			x := left + plotW*capFrac*float64(t)/100
			fmt.Fprintf(&b, `<line class="threshold" x1="%.1f" y1="%g" x2="%.1f" y2="%g"/>`, x, barY-4, x, barY+barH+4)
			anchor := "middle"
			if t == 100 {
				anchor = "end"
			}
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%g" text-anchor="%s">%d%%</text>`, x, barY-8, anchor, t)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// niceCeil rounds a chart's maximum up to 1, 2 or 5 times a power of ten
// (at least 10).
func niceCeil(v int) int {
	if v <= 10 {
		return 10
	}
	p := 1
	for p*10 < v {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func dayOfMonth(date string) int {
	if len(date) < 10 {
		return 0
	}
	d := 0
	for _, c := range date[8:10] {
		d = d*10 + int(c-'0')
	}
	return d
}
