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

// currencySymbols are the prefixes FormatMoney writes amounts with; other
// currencies are written with their ISO code after the amount.
var currencySymbols = map[string]string{
	"USD": "US$", "GBP": "£", "EUR": "€", "AUD": "A$", "NZD": "NZ$", "CAD": "C$",
}

// FormatMoney writes an amount for people, the same in the portal and in
// the server's messages: the currency's symbol (or its code), at least two
// decimals, and every further decimal the amount really has (prices per
// minute and call costs can have up to four: US$0.025/min, US$0.0125). It
// rounds nothing. A negative amount (a credit) is written with its sign
// first: -US$2.50.
func FormatMoney(d decimal.Decimal, currency string) string {
	sign := ""
	if d.IsNegative() {
		sign, d = "-", d.Neg()
	}
	s := d.StringFixed(InvoicePlaces)
	if !d.Equal(d.Round(InvoicePlaces)) {
		s = d.String()
	}
	if sym, ok := currencySymbols[currency]; ok {
		return sign + sym + s
	}
	return sign + s + " " + currency
}
