package main

import (
	"fmt"
	"slices"

	"github.com/nyaruka/phonenumbers"
)

// deriveAll derives the prefixes of every calling code libphonenumber
// knows, the non-geographic ones (+800, +881, ...) included, sorted by
// prefix.
func deriveAll(maxDepth int) ([]prefixRow, error) {
	var codes []int
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		codes = append(codes, cc)
	}
	slices.Sort(codes)
	dv := newDeriver(maxDepth)
	var out []prefixRow
	for _, code := range codes {
		cc, err := dv.loadCallingCode(code)
		if err != nil {
			return nil, fmt.Errorf("calling code %d: %w", code, err)
		}
		out = append(out, dv.derive(cc)...)
	}
	slices.SortFunc(out, func(a, b prefixRow) int { return cmpString(a.prefix, b.prefix) })
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
