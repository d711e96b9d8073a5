package billing

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

// Item is one subscribed product: a line, a per-user subscription, a calling
// package... Quantity is the number of units (users, lines) and UnitPrice the
// price of one unit for a whole cycle. Two Items with the same Code and
// UnitPrice are the same product.
type Item struct {
	Code        string          `json:"code"`
	Description string          `json:"description,omitempty"`
	Quantity    int             `json:"quantity"`
	UnitPrice   decimal.Decimal `json:"unit_price"`
}

// Validate returns an Invalid error naming the bad field of it: an empty
// code, a negative or absurd quantity (above MaxQuantity) or a negative price.
func (it Item) Validate() error { return it.check("item", -1) }

// MaxQuantity bounds Item.Quantity: far above any real account, low enough
// that quantity × days never overflows.
const MaxQuantity = 1_000_000_000

func (it Item) valid() bool {
	return it.Code != "" && it.Quantity >= 0 && it.Quantity <= MaxQuantity && !it.UnitPrice.IsNegative()
}

// check validates it, the item at index i of the list named list (i < 0: a
// single item named list). The field name is built only on error.
func (it Item) check(list string, i int) error {
	field := func(sub string) string {
		if i < 0 {
			return list + "." + sub
		}
		return fmt.Sprintf("%s[%d].%s", list, i, sub)
	}
	switch {
	case it.Code == "":
		return core.FieldErrorf(core.Invalid, field("code"), "item code is empty")
	case it.Quantity < 0:
		return core.FieldErrorf(core.Invalid, field("quantity"), "quantity %d of %q is negative", it.Quantity, it.Code)
	case it.Quantity > MaxQuantity:
		return core.FieldErrorf(core.Invalid, field("quantity"), "quantity %d of %q is too large", it.Quantity, it.Code)
	case it.UnitPrice.IsNegative():
		return core.FieldErrorf(core.Invalid, field("unit_price"), "unit price %s of %q is negative", it.UnitPrice, it.Code)
	}
	return nil
}

// Amount returns the full-cycle price of the item, UnitPrice × Quantity,
// unrounded.
func (it Item) Amount() decimal.Decimal {
	return it.UnitPrice.Mul(decimal.NewFromInt(int64(it.Quantity)))
}

// LineKind says what an invoice or quote line is for.
type LineKind uint8

// The line kinds. Their String values are stable: they appear in JSON.
const (
	KindSubscription         LineKind = iota + 1 // a subscription for the whole cycle, in advance
	KindProrationCredit                          // unused days of removed or reduced items (negative)
	KindProrationCharge                          // remaining days of added or increased items
	KindOverage                                  // pay-as-you-go usage of the previous cycle
	KindCreditBroughtForward                     // credit carried from the previous invoice (negative)
	KindCreditCarriedForward                     // credit exceeding the charges, moved to the next invoice
	KindCharge                                   // a one-off charge of the previous cycle (a released annual contract)
)

var kindNames = [...]string{
	KindSubscription:         "subscription",
	KindProrationCredit:      "proration_credit",
	KindProrationCharge:      "proration_charge",
	KindOverage:              "overage",
	KindCreditBroughtForward: "credit_brought_forward",
	KindCreditCarriedForward: "credit_carried_forward",
	KindCharge:               "charge",
}

// String returns the stable name of k, or "invalid" for an unknown kind.
func (k LineKind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// IsCredit reports whether lines of kind k reduce the amount due.
func (k LineKind) IsCredit() bool {
	return k == KindProrationCredit || k == KindCreditBroughtForward
}

// ParseLineKind parses the name of a line kind.
func ParseLineKind(s string) (LineKind, error) {
	for k, name := range kindNames {
		if k > 0 && name == s {
			return LineKind(k), nil
		}
	}
	return 0, core.FieldErrorf(core.Invalid, "kind", "unknown line kind %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (k LineKind) MarshalText() ([]byte, error) {
	if k.String() == "invalid" {
		return nil, core.FieldErrorf(core.Invalid, "kind", "invalid line kind %d", uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *LineKind) UnmarshalText(b []byte) error {
	v, err := ParseLineKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Line is one line of a quote or an invoice. Amount is rounded with the
// invoice policy (core.RoundInvoice) and is negative for credits. For
// subscription and proration lines, UnitPrice is the monthly unit price and
// Days of CycleDays is the part of the cycle charged or credited; for overage
// lines Quantity is the number of minutes. From and To bound the period the
// line is for, [From, To); both are zero for credit lines.
type Line struct {
	Kind        LineKind        `json:"kind"`
	Code        string          `json:"code,omitempty"`
	Description string          `json:"description"`
	Quantity    int             `json:"quantity,omitempty"`
	UnitPrice   decimal.Decimal `json:"unit_price"`
	Days        int             `json:"days,omitempty"`
	CycleDays   int             `json:"cycle_days,omitempty"`
	From        time.Time       `json:"from,omitzero"`
	To          time.Time       `json:"to,omitzero"`
	Amount      decimal.Decimal `json:"amount"`
}

// sumLines returns the sum of the amounts of lines.
func sumLines(lines []Line) decimal.Decimal {
	s := decimal.Zero
	for i := range lines {
		s = s.Add(lines[i].Amount)
	}
	return s
}
