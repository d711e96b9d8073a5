package core

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
)

func TestFormatMoney(t *testing.T) {
	for _, tt := range []struct{ in, cur, want string }{
		{"0.13", "USD", "US$0.13"},
		{"0.025", "USD", "US$0.025"},
		{"1.9", "USD", "US$1.90"},
		{"50", "USD", "US$50.00"},
		{"0", "GBP", "£0.00"},
		{"0.0125", "EUR", "€0.0125"},
		{"12.10", "AUD", "A$12.10"},
		{"3", "CHF", "3.00 CHF"},
		{"-2.5", "USD", "-US$2.50"},
		{"-0.0125", "CHF", "-0.0125 CHF"},
		{"1234567.891", "NZD", "NZ$1234567.891"},
	} {
		if got := FormatMoney(decimal.RequireFromString(tt.in), tt.cur); got != tt.want {
			t.Errorf("FormatMoney(%s, %s) = %q, want %q", tt.in, tt.cur, got, tt.want)
		}
	}
}

func ExampleFormatMoney() {
	fmt.Println(FormatMoney(MustParseMoney("50"), "USD"))
	fmt.Println(FormatMoney(MustParseMoney("0.025"), "USD"))
	fmt.Println(FormatMoney(MustParseMoney("3"), "CHF"))
	// Output:
	// US$50.00
	// US$0.025
	// 3.00 CHF
}
