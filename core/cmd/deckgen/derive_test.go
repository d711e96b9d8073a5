// deckgen is a build-time tool that never runs on js/wasm; its tests link
// libphonenumber and walk every numbering plan, which takes over half a minute
// under the Node wasm runner. The generated deck's behaviour on js/wasm is
// tested by core/deck/global, which runs there.
//
//go:build !js

package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tollgate-voice/tollgate/core/deck"
)

// synthetic numbering plan for the reference test: calling code 99 shared by
// three regions, the last one owning "8[5-9]" by leading digits.
type synthType struct {
	kind    deck.Kind
	prec    int
	pattern string
}

type synthRegion struct {
	region string
	ld     string
	types  []synthType
}

var synthPlan = []synthRegion{
	{"AA", "", []synthType{
		{deck.KindPremium, 0, `9\d{3}`},
		{deck.KindTollFree, 1, `80\d\d`},
		{deck.KindOther, 2, `1[0-4]\d\d`},
		{deck.KindLandline, 8, `[2-4]\d{3}|1[5-9]\d\d`},
		{deck.KindMobile, 9, `4[5-9]\d\d|5\d{3}|17\d\d`},
	}},
	{"BB", "", []synthType{
		{deck.KindLandline, 8, `6\d{3}|3[0-2]\d\d`},
		{deck.KindMobile, 9, `7[0-4]\d\d|6[89]\d\d`},
		{deck.KindTollFree, 1, `80\d\d`}, // shared with AA, which owns it
	}},
	{"CC", "8[5-9]", []synthType{
		{deck.KindLandline, 8, `8\d{3}`},
		{deck.KindMobile, 9, `8[89]\d\d`},
	}},
}

// classifySlow is libphonenumber's attribution, written out plainly: the
// first region whose leading digits match, or (without them) that has a type
// matching the whole number, owns it; its first matching type by precedence
// decides the kind, fixed line and mobile together meaning landline or mobile.
func classifySlow(nsn string) (label, bool) {
	matches := func(p, s string) bool { return compiled("^(?:" + p + ")$").MatchString(s) }
	for _, r := range synthPlan {
		owns := false
		if r.ld != "" {
			owns = compiled("^(?:" + r.ld + ")").MatchString(nsn)
		} else {
			for _, t := range r.types {
				owns = owns || matches(t.pattern, nsn)
			}
		}
		if !owns {
			continue
		}
		var fixed, mobile bool
		best := -1
		var kind deck.Kind
		for _, t := range r.types {
			if !matches(t.pattern, nsn) {
				continue
			}
			switch t.kind {
			case deck.KindLandline:
				fixed = true
			case deck.KindMobile:
				mobile = true
			default:
				if best < 0 || t.prec < best {
					best, kind = t.prec, t.kind
				}
			}
		}
		switch {
		case best >= 0:
		case fixed && mobile:
			kind = deck.KindLandlineOrMobile
		case fixed:
			kind = deck.KindLandline
		case mobile:
			kind = deck.KindMobile
		default:
			return label{}, false // owned by leading digits but not valid
		}
		return label{r.region, kind}, true
	}
	return label{}, false
}

var regexps = map[string]*regexp.Regexp{}

func compiled(p string) *regexp.Regexp {
	if re, ok := regexps[p]; ok {
		return re
	}
	re := regexp.MustCompile(p)
	regexps[p] = re
	return re
}

// TestDeriveAgreesWithReference derives the synthetic plan and checks, for
// every four-digit national number, that the longest matching derived prefix
// gives libphonenumber's answer (classifySlow). It also checks the rows are
// compact: no row repeats the answer its parent already gives.
func TestDeriveAgreesWithReference(t *testing.T) {
	dv := newDeriver(maxDepth)
	cc := callingCode{code: 99}
	for _, r := range synthPlan {
		m := member{region: r.region}
		if r.ld != "" {
			a, err := dv.automaton(r.ld, nil, true)
			if err != nil {
				t.Fatal(err)
			}
			m.ld = a
		}
		for _, st := range r.types {
			a, err := dv.automaton(st.pattern, []int32{4}, false)
			if err != nil {
				t.Fatal(err)
			}
			m.types = append(m.types, typedAutomaton{prec: st.prec, kind: st.kind, auto: a})
		}
		cc.members = append(cc.members, m)
	}
	rows, shadowed := dv.derive(cc)
	if len(shadowed) != 0 {
		t.Errorf("shadowed numbers %v in a plan of four-digit numbers", shadowed)
	}
	byPrefix := map[string]label{}
	for _, r := range rows {
		byPrefix[r.prefix] = r.label
	}
	lookup := func(digits string) (label, string) {
		for n := len(digits); n > 0; n-- {
			if l, ok := byPrefix[digits[:n]]; ok {
				return l, digits[:n]
			}
		}
		return label{}, ""
	}
	valid := 0
	for x := 0; x < 10000; x++ {
		nsn := fmt.Sprintf("%04d", x)
		want, ok := classifySlow(nsn)
		if !ok {
			continue
		}
		valid++
		if got, row := lookup("99" + nsn); got != want {
			t.Errorf("%s: deck %v (row %s), reference %v", nsn, got, row, want)
		}
	}
	if valid < 5000 {
		t.Fatalf("only %d valid numbers: the plan is not what the test means", valid)
	}
	// An invalid number is answered by the main region AA unless the row
	// answering it covers a range without any AA row (a territory's own
	// block): a mixed range's catch-all is never a territory's.
	mainBelow := map[string]bool{}
	for _, r := range rows {
		if r.label.country == "AA" {
			for n := 2; n < len(r.prefix); n++ {
				mainBelow[r.prefix[:n]] = true
			}
		}
	}
	invalid := 0
	for x := 0; x < 10000; x++ {
		nsn := fmt.Sprintf("%04d", x)
		if _, ok := classifySlow(nsn); ok {
			continue
		}
		invalid++
		if got, row := lookup("99" + nsn); got.country != "AA" && mainBelow[row] {
			t.Errorf("invalid %s: deck %v (row %s), a territory's answer in a range with AA rows", nsn, got, row)
		}
	}
	if invalid < 1000 {
		t.Fatalf("only %d invalid numbers: the plan is not what the test means", invalid)
	}
	for _, r := range rows {
		if r.prefix == "99" {
			continue
		}
		if parent, _ := lookup(r.prefix[:len(r.prefix)-1]); parent == r.label {
			t.Errorf("row %s %v repeats its parent's answer", r.prefix, r.label)
		}
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, " %s:%s/%s", r.prefix, r.label.country, r.label.kind)
	}
	t.Logf("%d rows for %d valid numbers:%s", len(rows), valid, b.String())
}

// TestDepthLimitNotBinding: maxDepth is only a guard; the derivation of the
// real metadata converges before it, so a deeper limit changes nothing.
func TestDepthLimitNotBinding(t *testing.T) {
	if testing.Short() {
		t.Skip("derives every plan twice")
	}
	a, _, err := deriveAll(maxDepth)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := deriveAll(maxDepth + 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Errorf("maxDepth %d gives %d rows, %d gives %d: the limit binds", maxDepth, len(a), maxDepth+3, len(b))
	}
	longest := 0
	for _, r := range a {
		longest = max(longest, len(r.prefix))
	}
	t.Logf("%d prefixes, the longest of %d digits", len(a), longest)
}
