package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/tollgate-voice/tollgate/core/e164"
)

// TestGeneratedUpToDate checks the committed table is what the generator
// writes now (make test checks the same through go generate and git diff).
func TestGeneratedUpToDate(t *testing.T) {
	got, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	again, err := generate()
	if err != nil || !bytes.Equal(got, again) {
		t.Fatal("generate is not deterministic")
	}
	committed, err := os.ReadFile("../../countries_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Error("core/e164/countries_gen.go is stale: run go generate ./core/e164")
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{"00", []string{"00"}},
		{"011", []string{"011"}},
		{"0(?:0|161)", []string{"00", "0161"}},
		{"001[14-689]", []string{"001[14-689]"}},
		{"00(?:1\\d)?", []string{"00", "001[0-9]"}},
		{"1(?:0[0-28]|12)", []string{"10[0-28]", "112"}},
		{"9\\d{2}", []string{"9[0-9][0-9]"}},
		{"[13]\\d?", []string{"[13]", "[13][0-9]"}},
	}
	for _, tt := range tests {
		got, err := expand(tt.expr)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("expand(%q) = %q, %v; want %q", tt.expr, got, err, tt.want)
		}
	}
	for _, bad := range []string{"0+", "0*", "\\d{1,}", "a", "(", "[0-9]{12}"} {
		if got, err := expand(bad); err == nil {
			t.Errorf("expand(%q) = %q, want an error", bad, got)
		}
	}
	if got := strings_("10[0-28]"); !slices.Equal(got, []string{"100", "101", "102", "108"}) {
		t.Errorf("strings_ = %q", got)
	}
	if m, err := firstDigits("(?:[2-9]\\d|1)\\d{3}"); err != nil || m != 0x3fe {
		t.Errorf("firstDigits = %#x, %v", m, err)
	}
	if m, err := firstDigits("0?[57]\\d"); err != nil || m != 0xa1 {
		t.Errorf("firstDigits with optional prefix = %#x, %v", m, err)
	}
}

// TestAgainstLibphonenumber parses libphonenumber's example number of every
// type in every region with core/e164: in E.164 form, in national format
// dialled at home, and in the format used to dial it from abroad.
func TestAgainstLibphonenumber(t *testing.T) {
	types := map[phonenumbers.PhoneNumberType]string{
		phonenumbers.FIXED_LINE: "FIXED_LINE", phonenumbers.MOBILE: "MOBILE", phonenumbers.TOLL_FREE: "TOLL_FREE",
		phonenumbers.PREMIUM_RATE: "PREMIUM_RATE", phonenumbers.SHARED_COST: "SHARED_COST", phonenumbers.VOIP: "VOIP",
		phonenumbers.PERSONAL_NUMBER: "PERSONAL_NUMBER", phonenumbers.PAGER: "PAGER", phonenumbers.UAN: "UAN",
		phonenumbers.VOICEMAIL: "VOICEMAIL",
	}
	callers := []string{"US", "GB", "AU", "DE", "JP", "RU", "NZ", "IN", "FR", "CN"}
	var checked, nationalMismatch int
	for _, iso := range e164.Countries() {
		for typ, typName := range types {
			ex := phonenumbers.GetExampleNumberForType(iso, typ)
			if ex == nil {
				continue
			}
			want := phonenumbers.Format(ex, phonenumbers.E164)
			checked++
			n, err := e164.ParseNumber(want)
			if err != nil {
				t.Errorf("%s %v: ParseNumber(%q): %v", iso, typ, want, err)
				continue
			}
			if n.String() != want {
				t.Errorf("%s: ParseNumber(%q) = %s", iso, want, n)
			}
			if got, lib := n.Region(), phonenumbers.GetRegionCodeForNumber(ex); got != lib {
				t.Errorf("%s %s: %s.Region() = %s, libphonenumber says %s", iso, typName, n, got, lib)
			}
			national := phonenumbers.Format(ex, phonenumbers.NATIONAL)
			d, err := e164.ParseDial(national, iso)
			if err != nil || d.Number.String() != want {
				nationalMismatch++
				if !knownNationalMisreads[iso+" "+typName] {
					t.Errorf("%s %s: ParseDial(%q) = %v, %v; want %s", iso, typName, national, d.Number, err, want)
				}
			}
			for _, from := range callers {
				dial := phonenumbers.FormatOutOfCountryCallingNumber(ex, from)
				d, err := e164.ParseDial(dial, from)
				if phonenumbers.GetRegionCodeForNumber(ex) == from || phonenumbers.GetCountryCodeForRegion(from) == int(ex.GetCountryCode()) {
					continue // dialled as a national number: covered above
				}
				if err != nil || d.Number.String() != want {
					t.Errorf("%s %v from %s: ParseDial(%q) = %v, %v; want %s", iso, typ, from, dial, d.Number, err, want)
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d example numbers checked", checked)
	}
	t.Logf("%d example numbers, %d national formats misread", checked, nationalMismatch)
}

// knownNationalMisreads are libphonenumber example numbers whose national
// format ParseDial does not read as libphonenumber does: Argentine mobiles
// dialled as 0 + area code + 15 (libphonenumber rewrites them with a
// transform rule; ParseDial reads a different, well-formed number), a German
// 164 paging number, Kiribati and a Zambian number written without the trunk
// prefix although the metadata's formats put it in.
var knownNationalMisreads = map[string]bool{
	"AR MOBILE": true, "DE PAGER": true, "KI FIXED_LINE": true, "KI MOBILE": true, "KI VOIP": true, "ZM VOIP": true,
}

// TestEmergencyAgainstLibphonenumber checks every listed emergency number is
// one libphonenumber knows (or one of Tollgate's own guarantees).
func TestEmergencyAgainstLibphonenumber(t *testing.T) {
	for _, iso := range e164.Countries() {
		c, _ := e164.CountryInfo(iso)
		for _, num := range c.Emergency {
			if !phonenumbers.IsEmergencyNumber(num, iso) && !slices.Contains(extraEmergencyFor(iso), num) {
				t.Errorf("%s: %s is not an emergency number for libphonenumber", iso, num)
			}
		}
	}
}

// TestEssentialAgainstLibphonenumber checks the hand-written essential
// and helpline short numbers are short numbers libphonenumber knows in that
// region.
func TestEssentialAgainstLibphonenumber(t *testing.T) {
	n := 0
	for _, iso := range e164.Countries() {
		c, _ := e164.CountryInfo(iso)
		for _, num := range append(c.Essential, c.Helplines...) {
			n++
			p, err := phonenumbers.Parse(num, iso)
			if err != nil || !phonenumbers.IsValidShortNumberForRegion(p, iso) {
				t.Errorf("%s: %s is not a valid short number for libphonenumber (%v)", iso, num, err)
			}
		}
	}
	if n == 0 {
		t.Error("no essential numbers")
	}
}

func extraEmergencyFor(iso string) []string {
	out := slices.Clone(extraEmergency[iso])
	if slices.Contains(euEEA, iso) {
		out = append(out, "112")
	}
	if slices.Contains(phonenumbers.GetRegionCodesForCountryCode(1), iso) {
		out = append(out, "911")
	}
	return out
}

// TestRandomAgainstLibphonenumber draws random national numbers for every
// calling code: each one libphonenumber finds valid (as written) must parse,
// and Number.Region must agree with libphonenumber's region.
func TestRandomAgainstLibphonenumber(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	per := 150
	if runtime.GOARCH == "wasm" {
		per = 40 // libphonenumber's regular expressions are slow there
	}
	checked, wrong := 0, 0
	for _, cc := range e164.CallingCodes() {
		var lengths []int
		for _, iso := range e164.CallingCodeRegions(cc) {
			if c, ok := e164.CountryInfo(iso); ok {
				lengths = append(lengths, c.NationalLengths...)
			}
		}
		if len(lengths) == 0 {
			lengths = []int{6, 7, 8, 9, 10, 11, 12}
		}
		n := per
		if len(e164.CallingCodeRegions(cc)) > 1 {
			n *= 10
		}
		for range n {
			l := lengths[rng.IntN(len(lengths))]
			nsn := make([]byte, l)
			for i := range nsn {
				nsn[i] = byte('0' + rng.IntN(10))
			}
			s := "+" + cc + string(nsn)
			p, err := phonenumbers.Parse(s, "")
			if err != nil || !phonenumbers.IsValidNumber(p) || phonenumbers.Format(p, phonenumbers.E164) != s {
				continue // invalid, or valid only once libphonenumber dropped a trunk prefix
			}
			if len(s)-1 > e164.MaxDigits {
				continue // libphonenumber allows a few 16- and 17-digit German numbers; E.164 does not
			}
			checked++
			num, err := e164.ParseNumber(s)
			if err != nil {
				t.Errorf("ParseNumber(%s): %v; libphonenumber finds it valid", s, err)
				continue
			}
			if got, lib := num.Region(), phonenumbers.GetRegionCodeForNumber(p); got != lib {
				wrong++
				t.Logf("%s.Region() = %s, libphonenumber says %s", s, got, lib)
			}
		}
	}
	t.Logf("%d valid random numbers, %d regions differ", checked, wrong)
	if checked < 100 || wrong > checked/200 {
		t.Errorf("%d of %d random numbers in the wrong region", wrong, checked)
	}
}
