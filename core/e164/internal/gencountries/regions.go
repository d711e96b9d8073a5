package main

import (
	"fmt"
	"regexp/syntax"
	"slices"

	"github.com/nyaruka/phonenumbers"
)

// A split is a national-number prefix that belongs to a region other than
// the main region of a shared calling code (+1 416 → CA, +44 1481 → GG).
type split struct {
	prefix string
	iso    string
}

// splitDepth is how many national digits decide the region of a number of a
// shared calling code: the NANP area code plus one digit, and the five
// digits that separate Guernsey, Jersey and the Isle of Man from the UK.
func splitDepth(cc int) int {
	if cc == 1 {
		return 4
	}
	return 5
}

// regionSplits works out, for a calling code shared by several regions,
// which national-number prefixes belong to which region, the way
// libphonenumber's GetRegionCodeForNumber does: regions are tried in order;
// one with leading digits claims the numbers starting with them, one
// without claims the numbers its patterns can match. Prefixes of splitDepth
// digits are labelled, then merged into the shortest prefixes whose valid
// numbers carry a single label; the main region's prefixes are left out (it
// is the default).
func regionSplits(cc int, isos []string, byID map[string]*phonenumbers.PhoneMetadata) ([]split, error) {
	if len(isos) < 2 {
		return nil, nil
	}
	k := splitDepth(cc)
	size := 1
	for range k {
		size *= 10
	}
	label := make([]int, size) // index into isos + 1; 0 = no region
	for ri, iso := range isos {
		m := byID[iso]
		var exprs []string
		if ld := m.GetLeadingDigits(); ld != "" {
			exprs = []string{ld}
		} else {
			for _, d := range []*phonenumbers.PhoneNumberDesc{
				m.GetFixedLine(), m.GetMobile(), m.GetTollFree(), m.GetPremiumRate(), m.GetSharedCost(),
				m.GetVoip(), m.GetPersonalNumber(), m.GetPager(), m.GetUan(), m.GetVoicemail(),
			} {
				if p := d.GetNationalNumberPattern(); p != "" && p != "NA" {
					exprs = append(exprs, p)
				}
			}
		}
		for _, expr := range exprs {
			re, err := syntax.Parse(expr, syntax.Perl)
			if err != nil {
				return nil, err
			}
			pats, err := prefixes(re, k)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %v", iso, expr, err)
			}
			for _, p := range pats {
				forEachLeaf(p, k, func(i int) {
					if label[i] == 0 {
						label[i] = ri + 1
					}
				})
			}
		}
	}
	// Merge: a prefix whose labelled leaves all carry one label gets it
	// (leaves without any valid number do not matter).
	var out []split
	var walk func(prefix string, lo, hi int)
	walk = func(prefix string, lo, hi int) {
		first := 0
		same := true
		for i := lo; i < hi && same; i++ {
			switch {
			case label[i] == 0:
			case first == 0:
				first = label[i]
			default:
				same = label[i] == first
			}
		}
		if same {
			if first > 1 {
				out = append(out, split{prefix, isos[first-1]})
			}
			return
		}
		step := (hi - lo) / 10
		for d := 0; d < 10; d++ {
			walk(prefix+string(rune('0'+d)), lo+d*step, lo+(d+1)*step)
		}
	}
	walk("", 0, size)
	return out, nil
}

// forEachLeaf calls f with the index of every k-digit string that starts
// with one of the strings of p (p may be shorter than k).
func forEachLeaf(p pattern, k int, f func(int)) {
	var rec func(i, v int)
	rec = func(i, v int) {
		if i == k {
			f(v)
			return
		}
		m := uint16(0x3ff)
		if i < len(p) {
			m = p[i]
		}
		for d := 0; d < 10; d++ {
			if m&(1<<uint(d)) != 0 {
				rec(i+1, v*10+d)
			}
		}
	}
	rec(0, 0)
}

// maxPrefixPatterns bounds prefixes' work.
const maxPrefixPatterns = 200000

// prefixes returns the k-digit prefixes (or whole strings, if shorter) of
// the strings re matches, as digit patterns.
func prefixes(re *syntax.Regexp, k int) ([]pattern, error) {
	ps, err := prefixesRe(re, k)
	if err != nil {
		return nil, err
	}
	return dedupe(ps), nil
}

func dedupe(ps []pattern) []pattern {
	seen := map[string]bool{}
	var out []pattern
	for _, p := range ps {
		key := notation(p)
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	return out
}

func prefixesRe(re *syntax.Regexp, k int) ([]pattern, error) {
	switch re.Op {
	case syntax.OpConcat:
		acc := []pattern{{}}
		for _, sub := range re.Sub {
			var done, open []pattern
			for _, a := range acc {
				if len(a) >= k {
					done = append(done, a)
				} else {
					open = append(open, a)
				}
			}
			if len(open) == 0 {
				break
			}
			ps, err := prefixesRe(sub, k)
			if err != nil {
				return nil, err
			}
			next := done
			for _, a := range open {
				for _, p := range ps {
					q := append(slices.Clone(a), p...)
					if len(q) > k {
						q = q[:k]
					}
					next = append(next, q)
				}
			}
			acc = dedupe(next)
			if len(acc) > maxPrefixPatterns {
				return nil, fmt.Errorf("more than %d prefixes", maxPrefixPatterns)
			}
		}
		return acc, nil
	case syntax.OpAlternate:
		var out []pattern
		for _, sub := range re.Sub {
			ps, err := prefixesRe(sub, k)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
		return dedupe(out), nil
	case syntax.OpCapture:
		return prefixesRe(re.Sub[0], k)
	case syntax.OpQuest:
		ps, err := prefixesRe(re.Sub[0], k)
		return append([]pattern{{}}, ps...), err
	case syntax.OpRepeat:
		if re.Max < 0 {
			return nil, fmt.Errorf("unbounded repeat %v", re)
		}
		ps, err := prefixesRe(re.Sub[0], k)
		if err != nil {
			return nil, err
		}
		var out []pattern
		acc := []pattern{{}}
		for n := 0; n <= re.Max; n++ {
			if n >= re.Min {
				out = append(out, acc...)
			}
			if n == re.Max {
				break
			}
			var next []pattern
			for _, a := range acc {
				if len(a) >= k {
					next = append(next, a)
					continue
				}
				for _, p := range ps {
					q := append(slices.Clone(a), p...)
					if len(q) > k {
						q = q[:k]
					}
					next = append(next, q)
				}
			}
			acc = dedupe(next)
		}
		return dedupe(out), nil
	default:
		return expandRe(re)
	}
}
