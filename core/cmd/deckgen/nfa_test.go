// deckgen is a build-time tool that never runs on js/wasm; its tests link
// libphonenumber and walk every numbering plan, which takes over half a minute
// under the Node wasm runner. The generated deck's behaviour on js/wasm is
// tested by core/deck/global, which runs there.
//
//go:build !js

package main

import (
	"regexp"
	"strconv"
	"testing"
)

// possibleSlow is the obvious reference of the prefix test: enumerate every
// digit string of every allowed length up to maxLen, keep those the pattern
// matches in full, and ask whether one starts with prefix.
func possibleSlow(pattern string, lengths []int32, prefix string, maxLen int) bool {
	re := regexp.MustCompile("^(?:" + pattern + ")$")
	allowed := func(n int) bool {
		if len(lengths) == 0 {
			return true
		}
		for _, l := range lengths {
			if int(l) == n {
				return true
			}
		}
		return false
	}
	for n := len(prefix); n <= maxLen; n++ {
		if !allowed(n) {
			continue
		}
		free := n - len(prefix)
		limit := 1
		for i := 0; i < free; i++ {
			limit *= 10
		}
		for x := 0; x < limit; x++ {
			s := strconv.Itoa(x)
			for len(s) < free {
				s = "0" + s
			}
			if free == 0 {
				s = ""
			}
			if re.MatchString(prefix + s) {
				return true
			}
		}
	}
	return false
}

// TestAutomatonAgreesWithReference compares the NFA prefix test with brute
// force on patterns of libphonenumber's shapes, for every prefix of up to
// four digits.
func TestAutomatonAgreesWithReference(t *testing.T) {
	tests := []struct {
		pattern string
		lengths []int32
	}{
		{`81[18]\d\d`, []int32{5}},
		{`(?:3[03]|90\d)\d{2}`, nil},
		{`(?:[58]\d|7[0-7])\d{3}`, []int32{5}},
		{`[2-9]\d{2}|1\d{3,4}`, []int32{3, 5}},
		{`1\d{3,4}`, []int32{4}},
		{`(?:2(?:0[1-35-9]|1[02-9])|3(?:0[1-57-9]))\d`, nil},
		{`4(?:79[01]|83[0-36-9])\d|4[0-36]\d\d`, []int32{5}},
		{`0\d?|1`, nil},
		{`NA`, nil},
	}
	for _, tt := range tests {
		a, err := compileAutomaton(0, tt.pattern, tt.lengths, false)
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		prefixes := []string{""}
		for depth := 0; depth <= 4; depth++ {
			var next []string
			for _, p := range prefixes {
				got := a.possible(p)
				if want := possibleSlow(tt.pattern, tt.lengths, p, 5); got != want {
					t.Errorf("pattern %q lengths %v prefix %q: possible = %v, reference %v", tt.pattern, tt.lengths, p, got, want)
				}
				if depth < 4 && (got || depth < 2) {
					for d := 0; d < 10; d++ {
						next = append(next, p+strconv.Itoa(d))
					}
				}
			}
			prefixes = next
		}
	}
}

// TestLeadingDigitsAutomaton checks prefix-only automata (libphonenumber's
// leading-digits patterns): a match of any prefix owns the number.
func TestLeadingDigitsAutomaton(t *testing.T) {
	a, err := compileAutomaton(0, `33|7`, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		digits        string
		alive, accept bool
	}{
		{"", true, false},
		{"3", true, false},
		{"33", true, true},
		{"7", true, true},
		{"34", false, false},
		{"8", false, false},
	}
	for _, tt := range tests {
		s := a.start
		for i := 0; i < len(tt.digits) && s != nil; i++ {
			s = a.step(s, tt.digits[i]-'0')
		}
		alive := s != nil && a.alive(s, len(tt.digits))
		if alive != tt.alive || (s != nil && a.accepted(s) != tt.accept) {
			t.Errorf("%q: alive %v accepted %v, want %v %v", tt.digits, alive, s != nil && a.accepted(s), tt.alive, tt.accept)
		}
	}
}

func TestCompileRejectsUnsupported(t *testing.T) {
	for _, p := range []string{`\b1`, `(`} {
		if _, err := compileAutomaton(0, p, nil, false); err == nil {
			t.Errorf("compileAutomaton(%q) = nil error", p)
		}
	}
}
