package account

import (
	"github.com/shopspring/decimal"
)

// Meter names what a notification threshold measures.
type Meter string

// The meters with thresholds.
const (
	MeterCap    Meter = "payg_cap" // pay-as-you-go spend against the cap
	MeterBundle Meter = "bundle"   // pooled bundle minutes against the pool
)

// Notice says a usage meter crossed a notification threshold.
type Notice struct {
	Meter   Meter
	Percent int
}

// Crossed returns the thresholds (percentages of limit, ascending) that
// usage crossed going from before to after: those with
// before < limit×t/100 ≤ after. Reaching a threshold exactly counts as
// crossing it; a zero limit has no thresholds. The comparison is exact.
func Crossed(thresholds []int, limit, before, after decimal.Decimal) []int {
	if !limit.IsPositive() || !after.GreaterThan(before) {
		return nil
	}
	var out []int
	hundred := decimal.NewFromInt(100)
	b, f := before.Mul(hundred), after.Mul(hundred)
	for _, t := range thresholds {
		level := limit.Mul(decimal.NewFromInt(int64(t)))
		if b.LessThan(level) && !f.LessThan(level) {
			out = append(out, t)
		}
	}
	return out
}

// crossedUnits is Crossed on integer units (no allocation unless a
// threshold is crossed).
func crossedUnits(out []Notice, m Meter, thresholds []int, limit, before, after int64) []Notice {
	if limit <= 0 || after <= before {
		return out
	}
	for _, t := range thresholds {
		level := limit * int64(t)
		if before*100 < level && after*100 >= level {
			out = append(out, Notice{m, t})
		}
	}
	return out
}
