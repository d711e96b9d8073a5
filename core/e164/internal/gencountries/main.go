// Command gencountries writes core/e164's country table (countries_gen.go)
// from the libphonenumber metadata shipped with github.com/nyaruka/phonenumbers.
//
// It is run by `go generate ./core/e164` and must be deterministic: the
// output is committed and `make test` fails if regenerating changes it.
//
// For every region it records the country calling code, the national (trunk)
// prefix, the international (IDD) prefixes, the possible lengths of national
// significant numbers and the emergency numbers of the short-number metadata.
// libphonenumber writes IDD prefixes and emergency numbers as regular
// expressions; they are finite, and this program expands them into lists of
// digit patterns (IDD) or plain digit strings (emergency numbers), so that the
// library needs no regular expressions at run time.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"regexp"
	"regexp/syntax"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// maxPatterns bounds the expansion of one regular expression: the metadata's
// IDD and emergency patterns are small, and anything larger is a surprise that
// should stop the generator rather than bloat the table.
const maxPatterns = 64

// extraEmergency is Tollgate's policy on top of the metadata: numbers that must
// be recognised as emergency numbers whatever libphonenumber says. Today the
// metadata already contains all of them; listing them here makes the guarantee
// independent of future metadata updates.
var extraEmergency = map[string][]string{
	"GB": {"999", "112"},
	"US": {"911"},
	"CA": {"911"},
	"AU": {"000", "112"},
	"NZ": {"111"},
}

// euEEA are the EU and EEA member states (plus Switzerland and the UK, which
// also answer 112): 112 reaches the emergency services in all of them.
var euEEA = []string{
	"AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
	"IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
}

func main() {
	out := flag.String("o", "countries_gen.go", "output file")
	flag.Parse()
	src, err := generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

type region struct {
	iso       string
	cc        int
	trunk     string
	trunks    []string
	notrunk   []noTrunk
	idd       []string
	lengths   uint32
	local     uint32
	lead      uint16
	emergency []string
}

// noTrunk describes national numbers that are dialled without the trunk
// prefix: those starting with lead, of the given lengths.
type noTrunk struct {
	lead    string
	lengths uint32
}

type callingCode struct {
	cc      int
	regions []string
	splits  []split
	lengths uint32
	lead    uint16
}

func generate() ([]byte, error) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil, err
	}
	short, err := phonenumbers.ShortNumberMetadataCollection()
	if err != nil {
		return nil, err
	}
	shortByID := map[string]*phonenumbers.PhoneMetadata{}
	for _, m := range short.GetMetadata() {
		shortByID[m.GetId()] = m
	}
	extra := map[string][]string{}
	for k, v := range extraEmergency {
		extra[k] = append(extra[k], v...)
	}
	for _, iso := range euEEA {
		extra[iso] = append(extra[iso], "112")
	}
	// 911 is recognised everywhere in the North American Numbering Plan:
	// phones there treat it as emergency, and it is never an ordinary number.
	for _, iso := range phonenumbers.GetRegionCodesForCountryCode(1) {
		extra[iso] = append(extra[iso], "911")
	}

	byID := map[string]*phonenumbers.PhoneMetadata{}
	for _, m := range coll.GetMetadata() {
		if m.GetId() != "001" {
			byID[m.GetId()] = m
		}
	}
	var regions []region
	codes := map[int]*callingCode{}
	for _, m := range coll.GetMetadata() {
		cc := int(m.GetCountryCode())
		gd := m.GetGeneralDesc()
		lengths := lengthMask(gd.GetPossibleLength())
		lead, err := firstDigits(gd.GetNationalNumberPattern())
		if err != nil {
			return nil, fmt.Errorf("%s: general pattern: %v", m.GetId(), err)
		}
		c := codes[cc]
		if c == nil {
			c = &callingCode{cc: cc, regions: phonenumbers.GetRegionCodesForCountryCode(cc)}
			if len(c.regions) == 0 {
				c.regions = []string{"001"}
			}
			codes[cc] = c
		}
		c.lengths |= lengths
		c.lead |= lead
		if m.GetId() == "001" { // a non-geographic entity (+800, +882...)
			continue
		}
		r := region{
			iso:     m.GetId(),
			cc:      cc,
			trunk:   m.GetNationalPrefix(),
			lengths: lengths,
			local:   lengthMask(gd.GetPossibleLengthLocalOnly()),
			lead:    lead,
		}
		if !isDigits(r.trunk) {
			return nil, fmt.Errorf("%s: trunk prefix %q is not digits", r.iso, r.trunk)
		}
		if r.trunk != "" {
			if r.trunks, err = trunkPrefixes(m); err != nil {
				return nil, fmt.Errorf("%s: %v", r.iso, err)
			}
		}
		if r.trunk != "" && cc != 1 { // the NANP's trunk prefix is always optional
			fm := m
			if len(m.GetNumberFormat()) == 0 { // formats shared with the main region (CC, CX use AU's)
				fm = byID[c.regions[0]]
			}
			if r.notrunk, err = noTrunkFormats(fm, m.GetNationalPrefix(), lengths); err != nil {
				return nil, fmt.Errorf("%s: %v", r.iso, err)
			}
		}
		if p := m.GetInternationalPrefix(); p != "" && p != "NA" {
			pats, err := expand(p)
			if err != nil {
				return nil, fmt.Errorf("%s: IDD %q: %v", r.iso, p, err)
			}
			pref := strings.ReplaceAll(m.GetPreferredInternationalPrefix(), "~", "")
			if pref != "" && !slices.Contains(pats, pref) {
				covered := false
				for _, pat := range pats {
					covered = covered || slices.Contains(strings_(pat), pref)
				}
				if !covered {
					return nil, fmt.Errorf("%s: preferred IDD %q not among %q", r.iso, pref, pats)
				}
				pats = append(pats, pref) // listed first, for display
			}
			sort.Slice(pats, func(i, j int) bool {
				if (pats[i] == pref) != (pats[j] == pref) {
					return pats[i] == pref
				}
				if len(pats[i]) != len(pats[j]) {
					return len(pats[i]) < len(pats[j])
				}
				return pats[i] < pats[j]
			})
			r.idd = pats
		}
		var em []string
		if s := shortByID[r.iso]; s != nil && s.GetEmergency() != nil {
			p := s.GetEmergency().GetNationalNumberPattern()
			if p != "" && p != "NA" {
				pats, err := expand(p)
				if err != nil {
					return nil, fmt.Errorf("%s: emergency %q: %v", r.iso, p, err)
				}
				for _, pat := range pats {
					em = append(em, strings_(pat)...)
				}
			}
		}
		em = append(em, extra[r.iso]...)
		slices.Sort(em)
		r.emergency = slices.Compact(em)
		regions = append(regions, r)
	}
	sort.Slice(regions, func(i, j int) bool { return regions[i].iso < regions[j].iso })
	var ccs []*callingCode
	for _, c := range codes {
		if c.regions[0] != "001" {
			if c.splits, err = regionSplits(c.cc, c.regions, byID); err != nil {
				return nil, fmt.Errorf("+%d: %v", c.cc, err)
			}
		}
		ccs = append(ccs, c)
	}
	sort.Slice(ccs, func(i, j int) bool { return ccs[i].cc < ccs[j].cc })

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by gencountries from the libphonenumber metadata of github.com/nyaruka/phonenumbers %s. DO NOT EDIT.\n\n", version())
	b.WriteString("package e164\n\n")
	b.WriteString("// regions is sorted by ISO code.\n")
	b.WriteString("var regions = [...]regionRow{\n")
	for _, r := range regions {
		var nt []string
		for _, n := range r.notrunk {
			nt = append(nt, fmt.Sprintf("{%q, %#x}", n.lead, n.lengths))
		}
		notrunk := "nil"
		if len(nt) > 0 {
			notrunk = "[]noTrunk{" + strings.Join(nt, ", ") + "}"
		}
		fmt.Fprintf(&b, "\t{iso: %q, cc: %d, trunk: %q, trunks: %s, notrunk: %s, idd: %s, lengths: %#x, local: %#x, lead: %#x, emergency: %s},\n",
			r.iso, r.cc, r.trunk, list(r.trunks), notrunk, list(r.idd), r.lengths, r.local, r.lead, list(r.emergency))
	}
	b.WriteString("}\n\n")
	b.WriteString("// callingCodes is sorted by code; each lists its regions, the main one first\n")
	b.WriteString("// (\"001\" marks a non-geographic code such as +800).\n")
	b.WriteString("var callingCodes = [...]callingCodeRow{\n")
	for _, c := range ccs {
		var sp []string
		for _, x := range c.splits {
			sp = append(sp, fmt.Sprintf("{%q, %q}", x.prefix, x.iso))
		}
		splits := "nil"
		if len(sp) > 0 {
			splits = "[]split{" + strings.Join(sp, ", ") + "}"
		}
		fmt.Fprintf(&b, "\t{cc: %d, regions: %s, splits: %s, lengths: %#x, lead: %#x},\n", c.cc, list(c.regions), splits, c.lengths, c.lead)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// trunkPrefixes returns the prefixes a national number may be dialled with
// in region m: the national prefix, and the alternatives of libphonenumber's
// national_prefix_for_parsing when it only strips digits (no transform rule):
// "80" and "0" besides "8" in Belarus, carrier selection codes in Colombia.
func trunkPrefixes(m *phonenumbers.PhoneMetadata) ([]string, error) {
	out := []string{m.GetNationalPrefix()}
	if npp := m.GetNationalPrefixForParsing(); npp != "" && m.GetNationalPrefixTransformRule() == "" {
		pats, err := expand(npp)
		if err != nil {
			return nil, fmt.Errorf("national prefix for parsing %q: %v", npp, err)
		}
		out = append(out, pats...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// noTrunkFormats returns the national numbers of region m written without
// the trunk prefix (Australian 13/1300/1800 numbers, Chinese mobiles, all of
// Liechtenstein): the number formats whose national-prefix formatting rule is
// empty or optional, by leading digits and length.
func noTrunkFormats(m *phonenumbers.PhoneMetadata, trunk string, regionLengths uint32) ([]noTrunk, error) {
	byLead := map[string]uint32{}
	for _, f := range m.GetNumberFormat() {
		// The rule is the national format with the trunk prefix written in,
		// "0$1" or "(0$1)"; "($1)" or "" means the trunk is not dialled.
		rule := strings.NewReplacer("$1", "", "$2", "", "$FG", "").Replace(f.GetNationalPrefixFormattingRule())
		if strings.Contains(rule, trunk) && !f.GetNationalPrefixOptionalWhenFormatting() {
			continue
		}
		re, err := syntax.Parse(f.GetPattern(), syntax.Perl)
		if err != nil {
			return nil, err
		}
		ls, err := lengthsOf(re)
		if err != nil {
			return nil, fmt.Errorf("format %q: %v", f.GetPattern(), err)
		}
		ls &= regionLengths
		if ls == 0 {
			continue
		}
		leads := []string{""}
		if ld := f.GetLeadingDigitsPattern(); len(ld) > 0 {
			if leads, err = expand(ld[0]); err != nil {
				m, ferr := firstDigits(ld[0])
				if ferr != nil {
					return nil, ferr
				}
				leads = []string{notation(pattern{m})}
			}
		}
		for _, l := range leads {
			byLead[l] |= ls
		}
	}
	var out []noTrunk
	for l, ls := range byLead {
		out = append(out, noTrunk{l, ls})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].lead < out[j].lead })
	return out, nil
}

// lengthsOf returns the set of lengths of the strings re matches, as a
// bit mask.
func lengthsOf(re *syntax.Regexp) (uint32, error) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return 1, nil
	case syntax.OpLiteral:
		return 1 << uint(len(re.Rune)), nil
	case syntax.OpCharClass:
		return 1 << 1, nil
	case syntax.OpCapture:
		return lengthsOf(re.Sub[0])
	case syntax.OpConcat:
		acc := uint32(1)
		for _, sub := range re.Sub {
			m, err := lengthsOf(sub)
			if err != nil {
				return 0, err
			}
			acc = sumLengths(acc, m)
		}
		return acc, nil
	case syntax.OpAlternate:
		var acc uint32
		for _, sub := range re.Sub {
			m, err := lengthsOf(sub)
			if err != nil {
				return 0, err
			}
			acc |= m
		}
		return acc, nil
	case syntax.OpQuest:
		m, err := lengthsOf(re.Sub[0])
		return m | 1, err
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 31 {
			return 0, fmt.Errorf("unbounded repeat %v", re)
		}
		m, err := lengthsOf(re.Sub[0])
		if err != nil {
			return 0, err
		}
		var out uint32
		acc := uint32(1)
		for n := 0; n <= re.Max; n++ {
			if n >= re.Min {
				out |= acc
			}
			acc = sumLengths(acc, m)
		}
		return out, nil
	}
	return 0, fmt.Errorf("unsupported regexp %v", re)
}

// sumLengths returns {a+b} for a in x, b in y, below 32.
func sumLengths(x, y uint32) uint32 {
	var out uint32
	for a := 0; a < 32; a++ {
		if x&(1<<a) == 0 {
			continue
		}
		for b := 0; a+b < 32; b++ {
			if y&(1<<b) != 0 {
				out |= 1 << uint(a+b)
			}
		}
	}
	return out
}

// version names the phonenumbers module version the table came from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/nyaruka/phonenumbers" {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}

func list(ss []string) string {
	if len(ss) == 0 {
		return "nil"
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func lengthMask(ls []int32) uint32 {
	var m uint32
	for _, l := range ls {
		if l > 0 && l < 32 {
			m |= 1 << uint(l)
		}
	}
	return m
}

// A pattern is a sequence of digit sets, one per dialled digit.
type pattern []uint16

// expand turns a finite regular expression over digits into the digit
// patterns it matches, written in the notation of core/e164: a digit stands
// for itself and a bracketed class such as [14-689] for one digit of the set.
func expand(expr string) ([]string, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	pats, err := expandRe(re)
	if err != nil {
		return nil, err
	}
	check := regexp.MustCompile("^(?:" + expr + ")$")
	var out []string
	for _, p := range pats {
		if len(p) == 0 {
			continue
		}
		// Cross-check: every string the pattern stands for must match.
		for _, s := range sample(p) {
			if !check.MatchString(s) {
				return nil, fmt.Errorf("expansion %q does not match %q", s, expr)
			}
		}
		out = append(out, notation(p))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func expandRe(re *syntax.Regexp) ([]pattern, error) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []pattern{{}}, nil
	case syntax.OpLiteral:
		p := pattern{}
		for _, r := range re.Rune {
			if r < '0' || r > '9' {
				return nil, fmt.Errorf("non-digit literal %q", r)
			}
			p = append(p, 1<<uint(r-'0'))
		}
		return []pattern{p}, nil
	case syntax.OpCharClass:
		var m uint16
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if r < '0' || r > '9' {
					return nil, fmt.Errorf("non-digit class %v", re)
				}
				m |= 1 << uint(r-'0')
			}
		}
		return []pattern{{m}}, nil
	case syntax.OpCapture:
		return expandRe(re.Sub[0])
	case syntax.OpConcat:
		acc := []pattern{{}}
		for _, sub := range re.Sub {
			ps, err := expandRe(sub)
			if err != nil {
				return nil, err
			}
			var next []pattern
			for _, a := range acc {
				for _, p := range ps {
					next = append(next, append(slices.Clone(a), p...))
				}
			}
			if len(next) > maxPatterns {
				return nil, fmt.Errorf("more than %d patterns", maxPatterns)
			}
			acc = next
		}
		return acc, nil
	case syntax.OpAlternate:
		var out []pattern
		for _, sub := range re.Sub {
			ps, err := expandRe(sub)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
		if len(out) > maxPatterns {
			return nil, fmt.Errorf("more than %d patterns", maxPatterns)
		}
		return out, nil
	case syntax.OpQuest:
		ps, err := expandRe(re.Sub[0])
		if err != nil {
			return nil, err
		}
		return append([]pattern{{}}, ps...), nil
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 8 {
			return nil, fmt.Errorf("unbounded repeat %v", re)
		}
		ps, err := expandRe(re.Sub[0])
		if err != nil {
			return nil, err
		}
		var out []pattern
		for n := re.Min; n <= re.Max; n++ {
			acc := []pattern{{}}
			for range n {
				var next []pattern
				for _, a := range acc {
					for _, p := range ps {
						next = append(next, append(slices.Clone(a), p...))
					}
				}
				acc = next
			}
			out = append(out, acc...)
			if len(out) > maxPatterns {
				return nil, fmt.Errorf("more than %d patterns", maxPatterns)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported regexp %v", re)
}

// notation writes p as digits and bracketed classes.
func notation(p pattern) string {
	var b strings.Builder
	for _, m := range p {
		if m&(m-1) == 0 {
			for d := 0; d < 10; d++ {
				if m == 1<<uint(d) {
					b.WriteByte(byte('0' + d))
				}
			}
			continue
		}
		b.WriteByte('[')
		for d := 0; d < 10; {
			if m&(1<<uint(d)) == 0 {
				d++
				continue
			}
			e := d
			for e+1 < 10 && m&(1<<uint(e+1)) != 0 {
				e++
			}
			b.WriteByte(byte('0' + d))
			if e > d {
				if e > d+1 {
					b.WriteByte('-')
				}
				b.WriteByte(byte('0' + e))
			}
			d = e + 1
		}
		b.WriteByte(']')
	}
	return b.String()
}

// sample returns a few strings p stands for: the smallest and largest digit
// of every set.
func sample(p pattern) []string {
	lo, hi := make([]byte, len(p)), make([]byte, len(p))
	for i, m := range p {
		for d := 0; d < 10; d++ {
			if m&(1<<uint(d)) != 0 {
				if lo[i] == 0 {
					lo[i] = byte('0' + d)
				}
				hi[i] = byte('0' + d)
			}
		}
	}
	return []string{string(lo), string(hi)}
}

// strings_ expands a pattern in notation into every digit string it stands
// for (emergency numbers are listed literally).
func strings_(notationPat string) []string {
	out := []string{""}
	for i := 0; i < len(notationPat); i++ {
		var digits []byte
		if notationPat[i] == '[' {
			j := strings.IndexByte(notationPat[i:], ']') + i
			cls := notationPat[i+1 : j]
			for k := 0; k < len(cls); k++ {
				if k+2 < len(cls) && cls[k+1] == '-' {
					for d := cls[k]; d <= cls[k+2]; d++ {
						digits = append(digits, d)
					}
					k += 2
					continue
				}
				digits = append(digits, cls[k])
			}
			i = j
		} else {
			digits = []byte{notationPat[i]}
		}
		var next []string
		for _, o := range out {
			for _, d := range digits {
				next = append(next, o+string(d))
			}
		}
		out = next
	}
	return out
}

// firstDigits returns the set of digits a match of expr can start with.
func firstDigits(expr string) (uint16, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return 0, err
	}
	m, _ := first(re)
	if m == 0 {
		return 0, fmt.Errorf("no first digit in %q", expr)
	}
	return m, nil
}

// first returns the first-digit set of re and whether re matches "".
func first(re *syntax.Regexp) (uint16, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return 0, true
		}
		return digitBit(re.Rune[0]), false
	case syntax.OpCharClass:
		var m uint16
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1] && r <= '9'; r++ {
				m |= digitBit(r)
			}
		}
		return m, false
	case syntax.OpCapture:
		return first(re.Sub[0])
	case syntax.OpConcat:
		var m uint16
		for _, sub := range re.Sub {
			f, nullable := first(sub)
			m |= f
			if !nullable {
				return m, false
			}
		}
		return m, true
	case syntax.OpAlternate:
		var m uint16
		null := false
		for _, sub := range re.Sub {
			f, n := first(sub)
			m |= f
			null = null || n
		}
		return m, null
	case syntax.OpQuest, syntax.OpStar:
		f, _ := first(re.Sub[0])
		return f, true
	case syntax.OpPlus:
		return first(re.Sub[0])
	case syntax.OpRepeat:
		f, n := first(re.Sub[0])
		return f, n || re.Min == 0
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return 0, true
	}
	return 0x3ff, false // anything else: be permissive
}

func digitBit(r rune) uint16 {
	if r < '0' || r > '9' {
		return 0
	}
	return 1 << uint(r-'0')
}
