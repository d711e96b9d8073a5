package e164

import (
	"math/rand/v2"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tollgate-voice/tollgate/core"
)

// This file holds a slow, obviously correct reference for ParseNumber and
// ParseDial, written with strings, strconv and regexp over the same table
// and read straight from the documentation of the two functions. The fast
// parsers must agree with it on every input (TestAgainstReference and the
// fuzz targets).

// refResult is what the reference makes of a dial string.
type refResult struct {
	e164      string // "+442079460000" for ordinary numbers
	short     string
	emergency bool
	helpline  bool
	country   string
}

const refSeparators = " \t().-/~\u00a0\u2007\u2009\u202f\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

// refClean keeps the digits of s and reports a "+" before them.
func refClean(s string) (digits string, plus, ok bool) {
	if len(s) > 64 {
		return "", false, false
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+':
			if plus || b.Len() > 0 {
				return "", false, false
			}
			plus = true
		case strings.ContainsRune(refSeparators, r):
		default:
			return "", false, false
		}
	}
	return b.String(), plus, b.Len() > 0
}

func refLengths(mask uint32) []int {
	var out []int
	for n := 0; n < 32; n++ {
		if mask&(1<<n) != 0 {
			out = append(out, n)
		}
	}
	return out
}

func refLeadDigits(mask uint16) string {
	var s string
	for d := 0; d < 10; d++ {
		if mask&(1<<d) != 0 {
			s += strconv.Itoa(d)
		}
	}
	return s
}

func refRegion(iso string) *regionRow {
	for i := range regions {
		if strings.EqualFold(regions[i].iso, iso) && len(iso) == 2 {
			return &regions[i]
		}
	}
	return nil
}

var refRegexps sync.Map // pattern → *regexp.Regexp anchored at the start

// refRegexp compiles a prefix pattern of the table (whose notation is a
// valid regular expression) anchored at the start of the string.
func refRegexp(p string) *regexp.Regexp {
	if re, ok := refRegexps.Load(p); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile("^(?:" + p + ")")
	refRegexps.Store(p, re)
	return re
}

// refInternational reads calling code + national number.
func refInternational(d string, lenient bool) (string, bool) {
	var row *callingCodeRow
	var cc string
	for i := range callingCodes {
		c := strconv.Itoa(int(callingCodes[i].cc))
		if strings.HasPrefix(d, c) {
			row, cc = &callingCodes[i], c
			break
		}
	}
	if row == nil {
		return "", false
	}
	nsn := d[len(cc):]
	if lenient {
		if main := refRegion(row.regions[0]); main != nil && main.trunk != "" &&
			strings.HasPrefix(nsn, main.trunk) && len(nsn) > len(main.trunk) &&
			!strings.Contains(refLeadDigits(row.lead), main.trunk[:1]) {
			nsn = strings.TrimPrefix(nsn, main.trunk)
		}
	}
	if len(cc)+len(nsn) > 15 || !slices.Contains(refLengths(row.lengths), len(nsn)) ||
		!strings.Contains(refLeadDigits(row.lead), nsn[:1]) {
		return "", false
	}
	return "+" + cc + nsn, true
}

func refParseNumber(s string) (string, bool) {
	d, plus, ok := refClean(s)
	if !ok || !plus {
		return "", false
	}
	return refInternational(d, false)
}

func refParseDial(dial, home string) (refResult, bool) {
	r := refRegion(home)
	if r == nil {
		return refResult{}, false
	}
	d, plus, ok := refClean(dial)
	if !ok {
		return refResult{}, false
	}
	if plus {
		n, ok := refInternational(d, true)
		return refResult{e164: n}, ok
	}
	if slices.Contains(r.emergency, d) {
		return refResult{short: d, emergency: true, country: r.iso}, true
	}
	if slices.Contains(essential[r.iso], d) {
		return refResult{short: d, country: r.iso}, true
	}
	if slices.Contains(helplines[r.iso], d) {
		return refResult{short: d, helpline: true, country: r.iso}, true
	}
	// IDD prefixes that start d, longest first.
	var idds []string
	for _, p := range r.idd {
		if m := refRegexp(p).FindString(d); m != "" {
			idds = append(idds, m)
		}
	}
	sort.SliceStable(idds, func(i, j int) bool { return len(idds[i]) > len(idds[j]) })
	for _, idd := range idds {
		if idd == d {
			return refResult{}, false
		}
		if n, ok := refInternational(d[len(idd):], true); ok {
			return refResult{e164: n}, true
		}
	}
	if len(idds) > 0 {
		return refResult{}, false
	}
	if r.trunk == "" {
		return refNational(r, d)
	}
	// Trunk prefixes that start d (leaving digits), longest first.
	var trunks []string
	for _, p := range r.trunks {
		if m := refRegexp(p).FindString(d); m != "" && len(m) < len(d) {
			trunks = append(trunks, m)
		}
	}
	sort.SliceStable(trunks, func(i, j int) bool { return len(trunks[i]) > len(trunks[j]) })
	for _, t := range trunks {
		if res, ok := refNational(r, d[len(t):]); ok {
			return res, true
		}
	}
	if r.cc == 1 {
		return refNational(r, d)
	}
	for _, f := range r.notrunk {
		if slices.Contains(refLengths(f.lengths), len(d)) && refRegexp(f.lead).MatchString(d) {
			if res, ok := refNational(r, d); ok {
				return res, true
			}
		}
	}
	return refResult{}, false
}

// refNational reads nsn as a national significant number of r.
func refNational(r *regionRow, nsn string) (refResult, bool) {
	if !slices.Contains(refLengths(r.lengths), len(nsn)) {
		return refResult{}, false
	}
	n, ok := refInternational(strconv.Itoa(int(r.cc))+nsn, false)
	return refResult{e164: n}, ok
}

// checkDial compares ParseDial with the reference and checks round trips.
func checkDial(t *testing.T, dial, home string) {
	t.Helper()
	got, err := ParseDial(dial, home)
	want, ok := refParseDial(dial, home)
	if !ok {
		if err == nil {
			t.Fatalf("ParseDial(%q, %q) = %+v; reference says invalid", dial, home, got)
		}
		if code := core.ErrorCode(err); code != core.Invalid || core.ErrorMessage(err) == "" {
			t.Fatalf("ParseDial(%q, %q): error %v with code %q", dial, home, err, code)
		}
		if got != (Dialled{}) {
			t.Fatalf("ParseDial(%q, %q) = %+v with an error", dial, home, got)
		}
		return
	}
	if err != nil {
		t.Fatalf("ParseDial(%q, %q): %v; reference says %+v", dial, home, err, want)
	}
	if got.Short != want.short || got.Emergency != want.emergency || got.Helpline != want.helpline || got.Country != want.country ||
		(want.e164 == "" && got.Number.IsValid()) || (want.e164 != "" && got.Number.String() != want.e164) {
		t.Fatalf("ParseDial(%q, %q) = %+v (%s); reference says %+v", dial, home, got, got.Number, want)
	}
	if got.Number.IsValid() {
		checkNumber(t, got.Number)
		// Dialling the E.164 form gives the same number from anywhere.
		again, err := ParseDial(got.Number.String(), home)
		if err != nil || again.Number != got.Number {
			t.Fatalf("ParseDial(%q, %q) = %v; re-dialled: %v, %v", dial, home, got.Number, again, err)
		}
	}
}

// checkNumber checks the round trips of a valid Number.
func checkNumber(t *testing.T, n Number) {
	t.Helper()
	s := n.String()
	back, err := ParseNumber(s)
	if err != nil || back != n {
		t.Fatalf("ParseNumber(%q) = %v, %v; want the same number", s, back, err)
	}
	text, err := n.MarshalText()
	var u Number
	if err != nil || u.UnmarshalText(text) != nil || u != n || string(text) != s {
		t.Fatalf("text round trip of %s: %q, %v -> %v", s, text, err, u)
	}
	if "+"+n.Digits() != s || len(n.Digits()) > MaxDigits || !strings.HasPrefix(n.Digits(), n.CallingCode()) {
		t.Fatalf("%s: Digits %q CallingCode %q", s, n.Digits(), n.CallingCode())
	}
	if regions := CallingCodeRegions(n.CallingCode()); !slices.Contains(regions, n.Region()) {
		t.Fatalf("%s: Region %q not among the regions %q of its calling code", s, n.Region(), regions)
	}
	// Dialled from abroad with the caller's IDD prefix, it is the same number.
	for _, from := range [...]struct{ home, idd string }{{"US", "011 "}, {"GB", "00 "}, {"AU", "0011 "}, {"JP", "010-"}} {
		d, err := ParseDial(from.idd+n.Digits(), from.home)
		if err != nil || d.Number != n {
			t.Fatalf("ParseDial(%q, %s) = %v, %v; want %s", from.idd+n.Digits(), from.home, d.Number, err, s)
		}
	}
}

func checkNumberParse(t *testing.T, s string) {
	t.Helper()
	got, err := ParseNumber(s)
	want, ok := refParseNumber(s)
	if !ok {
		if err == nil || core.ErrorCode(err) != core.Invalid || got.IsValid() {
			t.Fatalf("ParseNumber(%q) = %v, %v; reference says invalid", s, got, err)
		}
		return
	}
	if err != nil || got.String() != want {
		t.Fatalf("ParseNumber(%q) = %v, %v; reference says %s", s, got, err, want)
	}
	checkNumber(t, got)
}

// corpus builds dial strings around real prefixes of every region: its
// short numbers, its IDD and trunk prefixes, calling codes, random digits
// and separators.
func corpus(rng *rand.Rand, n int) [][2]string {
	var out [][2]string
	digits := func(k int) string {
		var b strings.Builder
		for range k {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	seps := []string{"", "", "", " ", "-", ".", "(", ")", "/", "\u00a0", "+", "x", "*", "\u2013"}
	for i := 0; i < n; i++ {
		r := &regions[rng.IntN(len(regions))]
		home := r.iso
		if rng.IntN(20) == 0 {
			home = strings.ToLower(home)
		}
		// A national significant number of a length and leading digit the
		// region's plan allows.
		nsn := func() string {
			ls := refLengths(r.lengths)
			lead := refLeadDigits(r.lead)
			l := ls[rng.IntN(len(ls))]
			return string(lead[rng.IntN(len(lead))]) + digits(l-1)
		}
		cc := strconv.Itoa(int(r.cc))
		var dial string
		switch rng.IntN(11) {
		case 7:
			dial = r.trunk + nsn()
		case 8:
			dial = "+" + cc + nsn()
		case 9:
			if len(r.idd) > 0 {
				dial = strings.NewReplacer("[0-9]", digits(1), "[", "", "]", "", "-", "").Replace(r.idd[0])
			}
			dial += cc + nsn()
		case 10:
			dial = "+" + cc + r.trunk + nsn()
		case 0:
			if len(r.emergency) > 0 {
				dial = r.emergency[rng.IntN(len(r.emergency))]
			}
		case 1: // IDD + calling code + digits
			if len(r.idd) > 0 {
				dial = strings.NewReplacer("[0-9]", digits(1), "[", "", "]", "", "-", "").Replace(r.idd[rng.IntN(len(r.idd))])
			}
			c := callingCodes[rng.IntN(len(callingCodes))]
			dial += strconv.Itoa(int(c.cc)) + digits(rng.IntN(14))
		case 2: // trunk + digits
			dial = r.trunk + digits(4+rng.IntN(10))
		case 3: // + calling code + digits
			c := callingCodes[rng.IntN(len(callingCodes))]
			dial = "+" + strconv.Itoa(int(c.cc)) + digits(rng.IntN(15))
		case 4:
			dial = digits(rng.IntN(26))
		case 5: // + code + trunk + digits (the "(0)" habit)
			c := callingCodes[rng.IntN(len(callingCodes))]
			dial = "+" + strconv.Itoa(int(c.cc)) + "0" + digits(6+rng.IntN(8))
		default:
			dial = digits(2 + rng.IntN(5))
		}
		// Sprinkle separators (and now and then something invalid).
		var b strings.Builder
		for _, c := range dial {
			if rng.IntN(4) == 0 {
				b.WriteString(seps[rng.IntN(len(seps))])
			}
			b.WriteRune(c)
		}
		out = append(out, [2]string{b.String(), home})
	}
	return out
}

func TestAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 30000
	if testing.Short() || runtime.GOARCH == "wasm" { // keep the js/wasm run quick
		n = 5000
	}
	for _, c := range corpus(rng, n) {
		checkDial(t, c[0], c[1])
		checkNumberParse(t, c[0])
	}
	for _, c := range [][2]string{
		{"", "GB"}, {"+", "GB"}, {"00", "AU"}, {"0011", "AU"}, {"001", "AU"}, {"\xff", "GB"},
		{"+44 (0)20 7946 0000", "US"}, {"+39 06 1234 5678", "GB"}, {"999", "gb"}, {"020 7946 0000", "g"},
	} {
		checkDial(t, c[0], c[1])
		checkNumberParse(t, c[0])
	}
}

func FuzzParseDial(f *testing.F) {
	for _, s := range []struct{ dial, home string }{
		{"020 7946 0000", "GB"}, {"+61 2 9999 9999", "GB"}, {"0061 2 9999 9999", "GB"},
		{"011 61 2 9999 9999", "US"}, {"0011 61 2 9999 9999", "AU"}, {"(212) 555-0100", "US"},
		{"1 212 555 0100", "US"}, {"02 9999 9999", "AU"}, {"999", "GB"}, {"111", "GB"},
		{"911", "US"}, {"000", "AU"}, {"112", "DE"}, {"+44 (0)20 7946 0000", "US"},
		{"1-800-FLOWERS", "US"}, {"", "GB"}, {"+", "GB"}, {"00 1 212 555 0100", "BO"},
		{"8 10 44 20 7946 0000", "RU"}, {"06 1234 5678", "IT"}, {"0044\u00a020\u20137946 0000", "gb"},
	} {
		f.Add(s.dial, s.home)
	}
	f.Fuzz(func(t *testing.T, dial, home string) {
		checkDial(t, dial, home)
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"+442079460000", "+1 (212) 555-0100", "+61 2 9999 9999", "+39 06 1234 5678",
		"+800 1234 5678", "", "+", "442079460000", "+44 020 7946 0000", "+999 1", "+1234567890123456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkNumberParse(t, s)
	})
}
