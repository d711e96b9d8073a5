package core

import (
	"strings"

	"github.com/shopspring/decimal"
)

// The rounding policy. Money is exact (decimal) everywhere and is rounded only
// at these named points, half away from zero (for the non-negative amounts of
// billing that is "half up"):
//
//   - a rated call is rounded to CallPlaces decimals (RoundCall);
//   - an invoice line and an invoice total are rounded to InvoicePlaces
//     decimals (RoundInvoice);
//   - a prorated amount is exact until it becomes an invoice line.
const (
	CallPlaces    = 4
	InvoicePlaces = 2
)

// RoundCall rounds the cost of one call under the rounding policy.
func RoundCall(d decimal.Decimal) decimal.Decimal { return d.Round(CallPlaces) }

// RoundInvoice rounds an invoice line or total under the rounding policy.
func RoundInvoice(d decimal.Decimal) decimal.Decimal { return d.Round(InvoicePlaces) }

// maxMoneyDigits bounds the length of a money string accepted from outside.
const maxMoneyDigits = 24

// ParseMoney parses a non-negative decimal amount such as "0.13" or "12".
// It refuses exponents, signs, empty input and absurd lengths with an Invalid
// error naming field.
func ParseMoney(field, s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return decimal.Zero, FieldErrorf(Invalid, field, "amount is empty")
	}
	if len(t) > maxMoneyDigits {
		return decimal.Zero, FieldErrorf(Invalid, field, "amount %q is too long", s)
	}
	dot := false
	digits := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return decimal.Zero, FieldErrorf(Invalid, field, "amount %q is not a plain non-negative decimal", s)
		}
	}
	if digits == 0 {
		return decimal.Zero, FieldErrorf(Invalid, field, "amount %q has no digits", s)
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return decimal.Zero, FieldErrorf(Invalid, field, "amount %q is not a decimal", s)
	}
	return d, nil
}

// MustParseMoney is ParseMoney for constants in tests and examples; it panics
// on bad input.
func MustParseMoney(s string) decimal.Decimal {
	d, err := ParseMoney("amount", s)
	if err != nil {
		panic(err)
	}
	return d
}
