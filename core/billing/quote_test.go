package billing

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

var m = core.MustParseMoney

func item(code string, qty int, price string) Item {
	return Item{Code: code, Description: code, Quantity: qty, UnitPrice: m(price)}
}

type wantLine struct {
	kind   LineKind
	code   string
	qty    int
	days   int
	amount string
}

func checkLines(t *testing.T, got []Line, want []wantLine) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d lines %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.kind || g.Code != w.code || g.Quantity != w.qty || g.Days != w.days || !g.Amount.Equal(m0(w.amount)) {
			t.Errorf("line %d = {%s %s qty %d days %d %s}, want {%s %s qty %d days %d %s}", i,
				g.Kind, g.Code, g.Quantity, g.Days, g.Amount, w.kind, w.code, w.qty, w.days, w.amount)
		}
	}
}

// m0 parses a possibly negative amount.
func m0(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestQuoteChange(t *testing.T) {
	utc := time.UTC
	london := mustLoad(t, "Europe/London")
	jan := MonthlyCycle(day(2026, 1, 1, utc), utc, 1)
	regional := []Item{item("uk-eu", 5, "10"), item("au-nz", 5, "10"), item("asia", 5, "10")}
	global := []Item{item("global", 5, "35")}
	tests := []struct {
		name           string
		old, new       []Item
		c              Cycle
		at             time.Time
		unused, days   int
		credit, charge string
		net            string
		lines          []wantLine
	}{
		{"regional to global, 14 of 31 days", regional, global, jan, time.Date(2026, 1, 18, 9, 30, 0, 0, utc), 14, 31,
			"67.74", "79.03", "11.29", []wantLine{
				{KindProrationCredit, "uk-eu", 5, 14, "-22.58"},
				{KindProrationCredit, "au-nz", 5, 14, "-22.58"},
				{KindProrationCredit, "asia", 5, 14, "-22.58"},
				{KindProrationCharge, "global", 5, 14, "79.03"},
			}},
		{"on the first day: the whole cycle", regional[:1], global, jan, jan.Start, 31, 31,
			"50", "175", "125", []wantLine{
				{KindProrationCredit, "uk-eu", 5, 31, "-50"},
				{KindProrationCharge, "global", 5, 31, "175"},
			}},
		{"on the last day: one day", regional[:1], global, jan, time.Date(2026, 1, 31, 23, 59, 0, 0, utc), 1, 31,
			"1.61", "5.65", "4.04", []wantLine{
				{KindProrationCredit, "uk-eu", 5, 1, "-1.61"},
				{KindProrationCharge, "global", 5, 1, "5.65"},
			}},
		{"two more users", []Item{item("user", 3, "12.50")}, []Item{item("user", 5, "12.50")}, jan,
			time.Date(2026, 1, 18, 0, 0, 0, 0, utc), 14, 31, "0", "11.29", "11.29", []wantLine{
				{KindProrationCharge, "user", 2, 14, "11.29"},
			}},
		{"one user fewer", []Item{item("user", 3, "12.50")}, []Item{item("user", 2, "12.50")}, jan,
			time.Date(2026, 1, 18, 0, 0, 0, 0, utc), 14, 31, "5.65", "0", "-5.65", []wantLine{
				{KindProrationCredit, "user", 1, 14, "-5.65"},
			}},
		{"price change credits old, charges new", []Item{item("user", 2, "12.50")}, []Item{item("user", 2, "15.00")}, jan,
			time.Date(2026, 1, 18, 0, 0, 0, 0, utc), 14, 31, "11.29", "13.55", "2.26", []wantLine{
				{KindProrationCredit, "user", 2, 14, "-11.29"},
				{KindProrationCharge, "user", 2, 14, "13.55"},
			}},
		{"unchanged items give no line", []Item{item("line", 1, "5"), item("uk-eu", 1, "10")}, []Item{item("line", 1, "5")}, jan,
			time.Date(2026, 1, 18, 0, 0, 0, 0, utc), 14, 31, "4.52", "0", "-4.52", []wantLine{
				{KindProrationCredit, "uk-eu", 1, 14, "-4.52"},
			}},
		{"duplicate codes merge", []Item{item("user", 1, "10"), item("user", 1, "10")}, []Item{item("user", 3, "10.00")}, jan,
			time.Date(2026, 1, 18, 0, 0, 0, 0, utc), 14, 31, "0", "4.52", "4.52", []wantLine{
				{KindProrationCharge, "user", 1, 14, "4.52"},
			}},
		{"no change", regional, regional, jan, time.Date(2026, 1, 18, 0, 0, 0, 0, utc), 14, 31, "0", "0", "0", nil},
		{"february 2028: 12 of 29 days", nil, []Item{item("global", 1, "29")},
			MonthlyCycle(day(2028, 2, 1, utc), utc, 1), time.Date(2028, 2, 18, 0, 0, 0, 0, utc), 12, 29,
			"0", "12", "12", []wantLine{{KindProrationCharge, "global", 1, 12, "12"}}},
		{"UTC instant on the next London day", regional[:1], global, MonthlyCycle(day(2026, 7, 1, london), london, 1),
			time.Date(2026, 7, 17, 23, 30, 0, 0, utc), 14, 31, "22.58", "79.03", "56.45", []wantLine{
				{KindProrationCredit, "uk-eu", 5, 14, "-22.58"},
				{KindProrationCharge, "global", 5, 14, "79.03"},
			}},
		{"anchor 31 cycle in February: 28 days", regional[:1], global, MonthlyCycle(day(2026, 2, 10, utc), utc, 31),
			time.Date(2026, 2, 14, 0, 0, 0, 0, utc), 14, 28, "25", "87.5", "62.5", []wantLine{
				{KindProrationCredit, "uk-eu", 5, 14, "-25"},
				{KindProrationCharge, "global", 5, 14, "87.50"},
			}},
		{"half cent rounds away from zero", nil, []Item{item("x", 1, "0.01")}, MonthlyCycle(day(2026, 4, 1, utc), utc, 1),
			time.Date(2026, 4, 16, 0, 0, 0, 0, utc), 15, 30, "0", "0.01", "0.01", []wantLine{{KindProrationCharge, "x", 1, 15, "0.01"}}},
		{"half cent credit rounds away from zero", []Item{item("x", 1, "0.01")}, nil, MonthlyCycle(day(2026, 4, 1, utc), utc, 1),
			time.Date(2026, 4, 16, 0, 0, 0, 0, utc), 15, 30, "0.01", "0", "-0.01", []wantLine{{KindProrationCredit, "x", 1, 15, "-0.01"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := QuoteChange(tt.old, tt.new, tt.c, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if q.UnusedDays != tt.unused || q.CycleDays != tt.days {
				t.Errorf("days %d of %d, want %d of %d", q.UnusedDays, q.CycleDays, tt.unused, tt.days)
			}
			if !q.Credit.Equal(m0(tt.credit)) || !q.Charge.Equal(m0(tt.charge)) || !q.Net.Equal(m0(tt.net)) {
				t.Errorf("credit %s charge %s net %s, want %s %s %s", q.Credit, q.Charge, q.Net, tt.credit, tt.charge, tt.net)
			}
			checkLines(t, q.Lines, tt.lines)
			if q.Lines == nil {
				t.Error("Lines is nil (JSON null), want empty")
			}
			if s := sumLines(q.Lines); !s.Equal(q.Net) {
				t.Errorf("lines sum to %s, net is %s", s, q.Net)
			}
			for _, l := range q.Lines {
				if !l.To.Equal(tt.c.End) || l.From.After(tt.at) || l.CycleDays != tt.days {
					t.Errorf("line period [%s, %s) of %d days", l.From, l.To, l.CycleDays)
				}
			}
		})
	}
}

func TestQuoteChangeErrors(t *testing.T) {
	jan := MonthlyCycle(day(2026, 1, 1, time.UTC), time.UTC, 1)
	in := time.Date(2026, 1, 18, 0, 0, 0, 0, time.UTC)
	ok := []Item{item("a", 1, "1")}
	tests := []struct {
		name     string
		old, new []Item
		c        Cycle
		at       time.Time
		field    string
	}{
		{"before the cycle", ok, ok, jan, jan.Start.Add(-time.Second), "at"},
		{"at the end", ok, ok, jan, jan.End, "at"},
		{"zero cycle", ok, ok, Cycle{}, in, "cycle"},
		{"empty code", []Item{{Quantity: 1, UnitPrice: m("1")}}, ok, jan, in, "old[0].code"},
		{"negative quantity", ok, []Item{item("a", 1, "1"), {Code: "b", Quantity: -1, UnitPrice: m("1")}}, jan, in, "new[1].quantity"},
		{"absurd quantity", ok, []Item{{Code: "b", Quantity: MaxQuantity + 1, UnitPrice: m("1")}}, jan, in, "new[0].quantity"},
		{"negative price", ok, []Item{{Code: "b", Quantity: 1, UnitPrice: m0("-1")}}, jan, in, "new[0].unit_price"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := QuoteChange(tt.old, tt.new, tt.c, tt.at)
			var e *core.Error
			if core.ErrorCode(err) != core.Invalid || !asError(err, &e) || e.Field != tt.field {
				t.Fatalf("err = %v, want invalid on %s", err, tt.field)
			}
			if q.Lines != nil || !q.Net.IsZero() {
				t.Errorf("a failed quote is not empty: %+v", q)
			}
		})
	}
}

// TestQuoteChangeProperties checks random changes against the exact
// rational: every line is the exact prorated amount rounded once, the lines
// add up to Net, and Credit and Charge add up their lines.
func TestQuoteChangeProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	codes := []string{"a", "b", "c", "d"}
	randItems := func() []Item {
		var its []Item
		for range r.IntN(5) {
			its = append(its, Item{Code: codes[r.IntN(len(codes))], Quantity: r.IntN(20),
				UnitPrice: decimal.New(r.Int64N(100000), -int32(r.IntN(5)))})
		}
		return its
	}
	london := mustLoad(t, "Europe/London")
	for i := range 2000 {
		c := MonthlyCycle(time.Unix(r.Int64N(4e9), 0), london, 1+r.IntN(31))
		at := c.Start.Add(time.Duration(r.Int64N(int64(c.End.Sub(c.Start)))))
		old, new := randItems(), randItems()
		q, err := QuoteChange(old, new, c, at)
		if err != nil {
			t.Fatal(err)
		}
		if q.UnusedDays != slowRemainingDays(c, at) || q.CycleDays != slowDays(c) {
			t.Fatalf("case %d: %d of %d days, reference %d of %d", i, q.UnusedDays, q.CycleDays,
				slowRemainingDays(c, at), slowDays(c))
		}
		credit, charge := decimal.Zero, decimal.Zero
		for _, l := range q.Lines {
			exact := l.UnitPrice.Mul(decimal.NewFromInt(int64(l.Quantity * l.Days))).
				Div(decimal.NewFromInt(int64(l.CycleDays))) // 16 places, then rounded once more
			want := core.RoundInvoice(exact)
			if l.Kind == KindProrationCredit {
				want = want.Neg()
				credit = credit.Sub(l.Amount)
			} else {
				charge = charge.Add(l.Amount)
			}
			if !l.Amount.Equal(want) {
				t.Fatalf("case %d: line %+v amount %s, want %s", i, l, l.Amount, want)
			}
			if l.Quantity <= 0 {
				t.Fatalf("case %d: line with quantity %d", i, l.Quantity)
			}
		}
		if !credit.Equal(q.Credit) || !charge.Equal(q.Charge) || !q.Net.Equal(charge.Sub(credit)) || !sumLines(q.Lines).Equal(q.Net) {
			t.Fatalf("case %d: totals %s/%s/%s do not match lines %s/%s", i, q.Credit, q.Charge, q.Net, credit, charge)
		}
		// Swapping old and new mirrors the quote.
		back, _ := QuoteChange(new, old, c, at)
		if !back.Net.Equal(q.Net.Neg()) {
			t.Fatalf("case %d: reverse net %s, want %s", i, back.Net, q.Net.Neg())
		}
	}
}

func TestProrate(t *testing.T) {
	jan := MonthlyCycle(day(2026, 1, 1, time.UTC), time.UTC, 1)
	tests := []struct {
		amount string
		from   time.Time
		want   string
	}{
		{"31", time.Date(2026, 1, 18, 12, 0, 0, 0, time.UTC), "14"},
		{"10", time.Date(2026, 1, 18, 0, 0, 0, 0, time.UTC), "4.5161290322580645"},
		{"10", jan.Start, "10"},
		{"10", jan.Start.AddDate(0, -1, 0), "10"},
		{"10", jan.End, "0"},
		{"10", jan.End.Add(-time.Nanosecond), "0.3225806451612903"},
	}
	for _, tt := range tests {
		if got := Prorate(m(tt.amount), jan, tt.from); !got.Equal(m0(tt.want)) {
			t.Errorf("Prorate(%s, jan, %s) = %s, want %s", tt.amount, tt.from, got, tt.want)
		}
	}
	if got := Prorate(m("10"), Cycle{}, jan.Start); !got.IsZero() {
		t.Errorf("Prorate on the zero cycle = %s", got)
	}
}

// FuzzRemainingDays checks the fast day count against the slow reference
// for random instants, zones and anchors.
func FuzzRemainingDays(f *testing.F) {
	f.Add(int64(1768694400), int64(0), uint8(0), uint8(1))
	f.Add(int64(1774749600), int64(3600), uint8(1), uint8(31)) // London spring forward
	f.Add(int64(1834000000), int64(-7200), uint8(2), uint8(29))
	f.Add(int64(1324339200), int64(86400*9), uint8(7), uint8(0))  // Apia skipped 2011-12-30
	f.Add(int64(787881600), int64(86400*10), uint8(6), uint8(14)) // Kiritimati skipped 1994-12-31
	locs := fuzzZones(f)
	f.Fuzz(func(t *testing.T, sec, offset int64, zone, anchor uint8) {
		loc := locs[int(zone)%len(locs)]
		tm := time.Unix(sec%(1<<33), 0) // about 1698..2242
		c := MonthlyCycle(tm, loc, 1+int(anchor)%31)
		at := tm.Add(time.Duration(offset%(40*86400)) * time.Second)
		if got, want := c.RemainingDays(at), slowRemainingDays(c, at); got != want {
			t.Fatalf("RemainingDays(%s, %s) = %d, reference %d", c, at, got, want)
		}
		if got, want := c.Days(), slowDays(c); got != want {
			t.Fatalf("Days(%s) = %d, reference %d", c, got, want)
		}
	})
}

func TestItemValidate(t *testing.T) {
	tests := []struct {
		it    Item
		field string
	}{
		{item("user", 3, "12.50"), ""},
		{item("free", 0, "0"), ""},
		{Item{Quantity: 1}, "item.code"},
		{Item{Code: "x", Quantity: -2}, "item.quantity"},
		{Item{Code: "x", Quantity: MaxQuantity + 1}, "item.quantity"},
		{Item{Code: "x", UnitPrice: m0("-0.01")}, "item.unit_price"},
	}
	for _, tt := range tests {
		err := tt.it.Validate()
		var e *core.Error
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("Validate(%+v) = %v", tt.it, err)
		case tt.field != "" && (core.ErrorCode(err) != core.Invalid || !asError(err, &e) || e.Field != tt.field):
			t.Errorf("Validate(%+v) = %v, want invalid on %s", tt.it, err, tt.field)
		}
	}
	if got := item("user", 3, "12.50").Amount(); !got.Equal(m("37.5")) {
		t.Errorf("Amount = %s", got)
	}
}

// TestProratedCents checks the int64 fast path against the decimal path
// (DivRound of the exact quotient) on random and boundary inputs, and that it
// declines what it cannot do exactly.
func TestProratedCents(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	check := func(p decimal.Decimal, qty, days, n int) {
		t.Helper()
		want := proratedAmountDecimal(p, qty, days, n)
		if cents, ok := proratedCents(p, qty, days, n); ok && !decimal.New(cents, -2).Equal(want) {
			t.Fatalf("proratedCents(%s, %d, %d, %d) = %d cents, decimal path %s", p, qty, days, n, cents, want)
		}
		for _, neg := range []bool{false, true} {
			got := proratedAmount(p, qty, days, n, neg)
			w := want
			if neg {
				w = want.Neg()
			}
			if !got.Equal(w) {
				t.Fatalf("proratedAmount(%s, %d, %d, %d, %v) = %s, want %s", p, qty, days, n, neg, got, w)
			}
		}
	}
	for range 100000 {
		p := decimal.New(r.Int64N(1e13), -int32(r.IntN(13))+2)
		n := 28 + r.IntN(4)
		check(p, r.IntN(2000), 1+r.IntN(n), n)
	}
	// Exact halves round away from zero; huge values take the decimal path.
	check(m("0.01"), 1, 15, 30)
	check(m("0.03"), 1, 1, 2)
	check(m("999999999999"), MaxQuantity, 31, 31)
	check(m("0.0000000001"), 1, 1, 31)
	check(m("123456789012.34"), 999, 30, 31)
	if _, ok := proratedCents(m("999999999999"), MaxQuantity, 31, 31); ok {
		t.Error("fast path accepted an overflowing product")
	}
	if c, ok := proratedCents(m("10"), 5, 14, 31); !ok || c != 2258 {
		t.Errorf("proratedCents(10, 5, 14, 31) = %d, %v; want 2258", c, ok)
	}
}
