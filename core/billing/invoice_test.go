package billing

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

func TestBuildInvoice(t *testing.T) {
	utc := time.UTC
	feb := MonthlyCycle(day(2026, 2, 1, utc), utc, 1)
	jan18 := time.Date(2026, 1, 18, 12, 0, 0, 0, utc)
	base := []Item{item("user", 5, "12.50"), item("line", 5, "4")}
	tests := []struct {
		name                            string
		in                              InvoiceInput
		lines                           []wantLine
		charges, credits, subtotal, tot string
		carried                         string
	}{
		{"subscriptions only", InvoiceInput{Cycle: feb, Subscriptions: base},
			[]wantLine{{KindSubscription, "user", 5, 28, "62.50"}, {KindSubscription, "line", 5, 28, "20"}},
			"82.50", "0", "82.50", "82.50", "0"},
		{"base + prorated addition + overage", InvoiceInput{Cycle: feb, Subscriptions: base,
			Changes: []Change{{At: jan18, Old: []Item{item("user", 3, "12.50")}, New: []Item{item("user", 5, "12.50")}}},
			Overage: []Overage{{Code: "payg-uk-eu", Minutes: 100, Amount: m("6.0049")}, {Code: "payg-asia", Minutes: 10, Amount: m("1.0050")}}},
			[]wantLine{
				{KindSubscription, "user", 5, 28, "62.50"}, {KindSubscription, "line", 5, 28, "20"},
				{KindProrationCharge, "user", 2, 14, "11.29"},
				{KindOverage, "payg-uk-eu", 100, 0, "6.00"}, {KindOverage, "payg-asia", 10, 0, "1.01"},
			}, "100.80", "0", "100.80", "100.80", "0"},
		{"changes in time order", InvoiceInput{Cycle: feb, Changes: []Change{
			{At: time.Date(2026, 1, 25, 0, 0, 0, 0, utc), Old: []Item{item("g", 1, "31")}, New: nil},
			{At: time.Date(2026, 1, 10, 0, 0, 0, 0, utc), Old: nil, New: []Item{item("g", 1, "31")}},
		}}, []wantLine{
			{KindProrationCharge, "g", 1, 22, "22"},
			{KindProrationCredit, "g", 1, 7, "-7"},
		}, "22", "7", "15", "15", "0"},
		{"downgrade credit carried forward", InvoiceInput{Cycle: feb, Subscriptions: []Item{item("user", 1, "5")},
			Changes: []Change{{At: day(2026, 1, 2, utc), Old: []Item{item("global", 1, "62")}, New: nil}}},
			[]wantLine{
				{KindSubscription, "user", 1, 28, "5"},
				{KindProrationCredit, "global", 1, 30, "-60"},
				{KindCreditCarriedForward, "", 0, 0, "55"},
			}, "5", "60", "-55", "0", "55"},
		{"credit brought forward used up", InvoiceInput{Cycle: feb, Subscriptions: base, CreditBroughtForward: m("55")},
			[]wantLine{
				{KindSubscription, "user", 5, 28, "62.50"}, {KindSubscription, "line", 5, 28, "20"},
				{KindCreditBroughtForward, "", 0, 0, "-55"},
			}, "82.50", "55", "27.50", "27.50", "0"},
		{"credit brought forward larger than the invoice", InvoiceInput{Cycle: feb, Subscriptions: base[:1], CreditBroughtForward: m("100.004")},
			[]wantLine{
				{KindSubscription, "user", 5, 28, "62.50"},
				{KindCreditBroughtForward, "", 0, 0, "-100"},
				{KindCreditCarriedForward, "", 0, 0, "37.50"},
			}, "62.50", "100", "-37.50", "0", "37.50"},
		{"one-off charge", InvoiceInput{Cycle: feb, Subscriptions: base[1:],
			OneOff: []Charge{{Code: "contract-release", Description: "Annual number, 7 months remaining", Amount: m("27.996")}}},
			[]wantLine{{KindSubscription, "line", 5, 28, "20"}, {KindCharge, "contract-release", 0, 0, "28.00"}},
			"48", "0", "48", "48", "0"},
		{"empty invoice", InvoiceInput{Cycle: feb}, nil, "0", "0", "0", "0", "0"},
		{"anchored cycle: changes in the previous anchored cycle", InvoiceInput{
			Cycle:   MonthlyCycle(day(2028, 3, 1, utc), utc, 31),                            // 2028-02-29..2028-03-31
			Changes: []Change{{At: day(2028, 2, 16, utc), New: []Item{item("g", 1, "29")}}}, // prev: 2028-01-31..2028-02-29
		}, []wantLine{{KindProrationCharge, "g", 1, 13, "13"}}, "13", "0", "13", "13", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := BuildInvoice(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, inv.Lines, tt.lines)
			for _, f := range []struct {
				name      string
				got, want decimal.Decimal
			}{
				{"charges", inv.Charges, m0(tt.charges)}, {"credits", inv.Credits, m0(tt.credits)},
				{"subtotal", inv.Subtotal, m0(tt.subtotal)}, {"total", inv.Total, m0(tt.tot)},
				{"carried forward", inv.CarriedForward, m0(tt.carried)},
			} {
				if !f.got.Equal(f.want) {
					t.Errorf("%s = %s, want %s", f.name, f.got, f.want)
				}
			}
			checkInvoiceInvariants(t, inv)
			if inv.PreviousCycle != tt.in.Cycle.Prev() || inv.OveragePeriod != OverageMonth(tt.in.Cycle) {
				t.Errorf("periods %s and %s", inv.PreviousCycle, inv.OveragePeriod)
			}
		})
	}
}

func TestOverageMonth(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	tests := []struct {
		cycle Cycle
		want  string
	}{
		{MonthlyCycle(day(2026, 2, 1, ny), ny, 1), "2026-01-01..2026-02-01 America/New_York"},
		{MonthlyCycle(day(2026, 2, 15, ny), ny, 15), "2026-01-01..2026-02-01 America/New_York"},
		{MonthlyCycle(day(2026, 1, 10, ny), ny, 15), "2025-11-01..2025-12-01 America/New_York"}, // cycle from 15 Dec
		{MonthlyCycle(day(2026, 1, 31, ny), ny, 31), "2025-12-01..2026-01-01 America/New_York"},
		{MonthlyCycle(day(2026, 2, 28, ny), ny, 31), "2026-01-01..2026-02-01 America/New_York"},
		{MonthlyCycle(day(2026, 3, 31, ny), ny, 31), "2026-02-01..2026-03-01 America/New_York"},
	}
	for _, tt := range tests {
		if got := OverageMonth(tt.cycle).String(); got != tt.want {
			t.Errorf("OverageMonth(%s) = %s, want %s", tt.cycle, got, tt.want)
		}
	}
	// Anchored invoices bill each calendar month's overage exactly once.
	c := MonthlyCycle(day(2027, 12, 31, ny), ny, 31)
	month := OverageMonth(c)
	for range 30 {
		c = c.Next()
		if got := OverageMonth(c); got != month.Next() {
			t.Fatalf("invoice of %s bills overage of %s, want %s", c, got, month.Next())
		}
		month = month.Next()
	}
	inv, err := BuildInvoice(InvoiceInput{Cycle: MonthlyCycle(day(2026, 2, 15, ny), ny, 15),
		Overage: []Overage{{Code: "payg", Minutes: 3, Amount: m("0.39")}}})
	if err != nil {
		t.Fatal(err)
	}
	if l := inv.Lines[0]; !l.From.Equal(day(2026, 1, 1, ny)) || !l.To.Equal(day(2026, 2, 1, ny)) {
		t.Errorf("overage line covers [%s, %s), want January", l.From, l.To)
	}
}

func checkInvoiceInvariants(t *testing.T, inv Invoice) {
	t.Helper()
	if s := sumLines(inv.Lines); !s.Equal(inv.Total) {
		t.Errorf("lines sum to %s, total is %s", s, inv.Total)
	}
	if inv.Total.IsNegative() || inv.CarriedForward.IsNegative() {
		t.Errorf("negative total %s or carried forward %s", inv.Total, inv.CarriedForward)
	}
	if !inv.Charges.Sub(inv.Credits).Equal(inv.Subtotal) || !inv.Subtotal.Add(inv.CarriedForward).Equal(inv.Total) {
		t.Errorf("charges %s − credits %s ≠ subtotal %s, or + carried %s ≠ total %s",
			inv.Charges, inv.Credits, inv.Subtotal, inv.CarriedForward, inv.Total)
	}
	for _, a := range []decimal.Decimal{inv.Total, inv.Subtotal, inv.CarriedForward} {
		if !core.RoundInvoice(a).Equal(a) {
			t.Errorf("amount %s is not rounded to invoice precision", a)
		}
	}
	for _, l := range inv.Lines {
		if !core.RoundInvoice(l.Amount).Equal(l.Amount) {
			t.Errorf("line %+v is not rounded", l)
		}
		if l.Kind.IsCredit() != l.Amount.IsNegative() && !l.Amount.IsZero() {
			t.Errorf("line %s has amount %s", l.Kind, l.Amount)
		}
	}
}

func TestBuildInvoiceErrors(t *testing.T) {
	feb := MonthlyCycle(day(2026, 2, 1, time.UTC), time.UTC, 1)
	ok := []Item{item("a", 1, "1")}
	tests := []struct {
		name  string
		in    InvoiceInput
		field string
	}{
		{"zero cycle", InvoiceInput{Subscriptions: ok}, "cycle"},
		{"bad subscription", InvoiceInput{Cycle: feb, Subscriptions: []Item{item("a", -1, "1")}}, "subscriptions[0].quantity"},
		{"change in this cycle", InvoiceInput{Cycle: feb, Changes: []Change{{At: feb.Start, New: ok}}}, "changes[0].at"},
		{"change two cycles ago", InvoiceInput{Cycle: feb, Changes: []Change{{At: day(2025, 12, 31, time.UTC), New: ok}}}, "changes[0].at"},
		{"bad change item", InvoiceInput{Cycle: feb, Changes: []Change{{At: day(2026, 1, 5, time.UTC), Old: ok, New: []Item{{Quantity: 1}}}}}, "changes[0].new[0].code"},
		{"overage without code", InvoiceInput{Cycle: feb, Overage: []Overage{{Amount: m("1")}}}, "overage[0].code"},
		{"negative overage", InvoiceInput{Cycle: feb, Overage: []Overage{{Code: "x", Amount: m0("-1")}}}, "overage[0].amount"},
		{"negative minutes", InvoiceInput{Cycle: feb, Overage: []Overage{{Code: "x", Minutes: -1}}}, "overage[0].minutes"},
		{"charge without code", InvoiceInput{Cycle: feb, OneOff: []Charge{{Amount: m("1")}}}, "one_off[0].code"},
		{"negative charge", InvoiceInput{Cycle: feb, OneOff: []Charge{{Code: "x", Amount: m0("-1")}}}, "one_off[0].amount"},
		{"negative credit", InvoiceInput{Cycle: feb, CreditBroughtForward: m0("-0.01")}, "credit_brought_forward"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := BuildInvoice(tt.in)
			var e *core.Error
			if core.ErrorCode(err) != core.Invalid || !asError(err, &e) || e.Field != tt.field {
				t.Fatalf("err = %v, want invalid on %s", err, tt.field)
			}
			if inv.Lines != nil {
				t.Errorf("a failed invoice has lines")
			}
		})
	}
}

// TestBuildInvoiceProperties builds random invoices and checks the
// invariants: lines add up to the total, no negative total, carried-forward
// credit balances, everything rounded.
func TestBuildInvoiceProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ny := mustLoad(t, "America/New_York")
	randItems := func() []Item {
		var its []Item
		for range r.IntN(4) {
			its = append(its, Item{Code: string(rune('a' + r.IntN(4))), Quantity: r.IntN(10),
				UnitPrice: decimal.New(r.Int64N(10000), -int32(r.IntN(4)))})
		}
		return its
	}
	for i := range 1000 {
		c := MonthlyCycle(time.Unix(r.Int64N(4e9), 0), ny, 1+r.IntN(31))
		prev := c.Prev()
		in := InvoiceInput{Cycle: c, Subscriptions: randItems(), CreditBroughtForward: decimal.New(r.Int64N(5000), -2)}
		for range r.IntN(3) {
			at := prev.Start.Add(time.Duration(r.Int64N(int64(prev.End.Sub(prev.Start)))))
			in.Changes = append(in.Changes, Change{At: at, Old: randItems(), New: randItems()})
		}
		for range r.IntN(3) {
			in.Overage = append(in.Overage, Overage{Code: "o", Minutes: r.IntN(1000), Amount: decimal.New(r.Int64N(1e6), -4)})
		}
		if r.IntN(4) == 0 {
			in.OneOff = append(in.OneOff, Charge{Code: "c", Amount: decimal.New(r.Int64N(1e5), -3)})
		}
		inv, err := BuildInvoice(in)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		checkInvoiceInvariants(t, inv)
		if t.Failed() {
			t.Fatalf("case %d: %+v", i, in)
		}
	}
}

func TestInvoiceJSON(t *testing.T) {
	inv, err := BuildInvoice(InvoiceInput{Cycle: MonthlyCycle(day(2026, 2, 1, time.UTC), time.UTC, 1),
		Subscriptions: []Item{item("user", 2, "12.50")}, CreditBroughtForward: m("30")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"total":"0"`, `"carried_forward":"5"`, `"kind":"subscription"`, `"amount":"25"`,
		`"kind":"credit_brought_forward"`, `"amount":"-30"`, `"kind":"credit_carried_forward"`, `"start":"2026-02-01T00:00:00Z"`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
	var back Invoice
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Lines) != len(inv.Lines) || !back.CarriedForward.Equal(inv.CarriedForward) || back.Lines[0].Kind != KindSubscription {
		t.Errorf("round trip: %+v", back)
	}
}

func TestLineKind(t *testing.T) {
	for k := KindSubscription; k <= KindCharge; k++ {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back LineKind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%s round trip: %v %v", k, back, err)
		}
	}
	if _, err := LineKind(0).MarshalText(); core.ErrorCode(err) != core.Invalid {
		t.Errorf("MarshalText(0) err = %v", err)
	}
	if _, err := ParseLineKind("refund"); core.ErrorCode(err) != core.Invalid {
		t.Errorf("ParseLineKind(refund) err = %v", err)
	}
	if LineKind(99).String() != "invalid" {
		t.Error("unknown kind String")
	}
}
