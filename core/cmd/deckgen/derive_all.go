package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// deriveAll derives the prefixes of every calling code libphonenumber
// knows, the non-geographic ones (+800, +881, ...) included, sorted by
// prefix.
// The second result lists the (country, kind) of complete numbers shadowed by
// longer numbers of another kind or country (see result).
func deriveAll(maxDepth int) ([]prefixRow, []label, error) {
	var codes []int
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		codes = append(codes, cc)
	}
	slices.Sort(codes)
	dv := newDeriver(maxDepth)
	var out []prefixRow
	var shadowed []label
	for _, code := range codes {
		cc, err := dv.loadCallingCode(code)
		if err != nil {
			return nil, nil, fmt.Errorf("calling code %d: %w", code, err)
		}
		rows, n := dv.derive(cc)
		out = append(out, rows...)
		shadowed = mergeLabels(shadowed, n)
	}
	slices.SortFunc(out, func(a, b prefixRow) int { return strings.Compare(a.prefix, b.prefix) })
	return out, shadowed, nil
}
