package deck

import "math/bits"

// u128 is an unsigned 128-bit integer for the exact fixed-point arithmetic of
// pricing: price × seconds sums can exceed 64 bits for long calls at high
// rates, and the pricing must neither overflow nor allocate.
type u128 struct{ hi, lo uint64 }

func mul64(a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	return u128{hi, lo}
}

func (x u128) add(y u128) u128 {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	hi, _ := bits.Add64(x.hi, y.hi, c)
	return u128{hi, lo}
}

func (x u128) add64(y uint64) u128 { return x.add(u128{0, y}) }

// sub returns x - y; callers guarantee x ≥ y.
func (x u128) sub(y u128) u128 {
	lo, b := bits.Sub64(x.lo, y.lo, 0)
	hi, _ := bits.Sub64(x.hi, y.hi, b)
	return u128{hi, lo}
}

func (x u128) less(y u128) bool { return x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo) }

// div64 returns x / d (floored); d > 0.
func (x u128) div64(d uint64) u128 {
	qhi := x.hi / d
	r := x.hi % d
	qlo, _ := bits.Div64(r, x.lo, d)
	return u128{qhi, qlo}
}

// capInt returns x as an int, or limit if x is larger than limit.
func (x u128) capInt(limit int) int {
	if x.hi != 0 || x.lo > uint64(limit) {
		return limit
	}
	return int(x.lo)
}
