package account_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core/billing"
)

func TestBillingItems(t *testing.T) {
	a := busyAccount(t)
	var got []string
	for _, it := range a.BillingItems() {
		got = append(got, fmt.Sprintf("%s×%d@%s", it.Code, it.Quantity, it.UnitPrice))
	}
	want := []string{"line-local×5@6", "line-local-annual×1@5", "service-number×1@4", "user×4@12", "byoc×4@3.5",
		"provisioning×1@25", "pkg-au-nz×1@15", "pkg-global×1@45", "bundle-300×1@10"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("items\n got %v\nwant %v", got, want)
	}
	// Unassigning a number keeps it billed; releasing it stops the line.
	must(t, a.UnassignLine("+442079460000"))
	if n := len(a.BillingItems()); n != 9 {
		t.Fatalf("%d items after unassign", n)
	}
}

func TestInvoiceInput(t *testing.T) {
	a := busyAccount(t)
	cycle := billing.MonthlyCycle(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.UTC, 1)
	in := a.InvoiceInput(cycle)
	// Overage is pay-as-you-go call usage only: November's one 95 s AU
	// mobile call, 2 × 0.38.
	if len(in.Overage) != 1 {
		t.Fatalf("overage %+v", in.Overage)
	}
	if o := in.Overage[0]; o.Code != "payg" || o.Minutes != 2 || !o.Amount.Equal(money("0.76")) {
		t.Errorf("payg overage %+v", o)
	}
	// The remainder of the annual number released on 10 November is a
	// one-off charge. November is paid in advance, so it runs from 1 December:
	// 30 of the 31 days of the contract month 30 Nov–31 Dec, then January:
	// 5 × (1 + 30/31) = 9.84.
	if len(in.OneOff) != 1 {
		t.Fatalf("one-off charges %+v", in.OneOff)
	}
	if c := in.OneOff[0]; c.Code != "line-local-annual" || !c.Amount.Equal(money("9.84")) {
		t.Errorf("contract remainder %+v", c)
	}
	inv, err := billing.BuildInvoice(in)
	must(t, err)
	if !inv.Total.Equal(money("206.6")) {
		t.Errorf("invoice total %s, want 206.60 (196 subscriptions + 0.76 + 9.84)", inv.Total)
	}
	kinds := map[billing.LineKind][]string{}
	for _, l := range inv.Lines {
		kinds[l.Kind] = append(kinds[l.Kind], l.Code+" "+l.Amount.StringFixed(2))
	}
	if got := fmt.Sprint(kinds[billing.KindOverage]); got != "[payg 0.76]" {
		t.Errorf("overage lines %s", got)
	}
	if got := fmt.Sprint(kinds[billing.KindCharge]); got != "[line-local-annual 9.84]" {
		t.Errorf("one-off charge lines %s", got)
	}
	// The January invoice has no overage or charge left from November.
	jan := a.InvoiceInput(cycle.Next())
	if len(jan.Overage) != 0 || len(jan.OneOff) != 0 {
		t.Errorf("January overage %+v, one-off %+v", jan.Overage, jan.OneOff)
	}
}
