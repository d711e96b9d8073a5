package e164_test

import (
	"strings"
	"testing"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// dialTests are real-world dial strings per home country. want is the E.164
// number, or "short:<digits>" / "emergency:<digits>" for short numbers, or ""
// when an error is expected.
var dialTests = []struct {
	dial, home, want string
}{
	// United Kingdom: trunk 0, IDD 00.
	{"020 7946 0000", "GB", "+442079460000"},
	{"(020) 7946 0000", "GB", "+442079460000"},
	{"020-7946-0000", "GB", "+442079460000"},
	{"07700 900123", "GB", "+447700900123"},
	{"0161 496 0000", "GB", "+441614960000"},
	{"01481 123456", "GB", "+441481123456"}, // Guernsey shares +44
	{"0800 123 4567", "GB", "+448001234567"},
	{"+44 20 7946 0000", "GB", "+442079460000"},
	{"+44 (0)20 7946 0000", "GB", "+442079460000"},
	{"+44 020 7946 0000", "GB", "+442079460000"},
	{"0044 20 7946 0000", "GB", "+442079460000"},
	{"0061 2 9999 9999", "GB", "+61299999999"},
	{"00 1 212 555 0100", "GB", "+12125550100"},
	{"0033 1 23 45 67 89", "GB", "+33123456789"},
	{"999", "GB", "emergency:999"},
	{"112", "GB", "emergency:112"},
	{"9 9 9", "GB", "emergency:999"},
	{"111", "GB", "short:111"},
	{"101", "GB", "short:101"},
	{"116 123", "GB", "helpline:116123"},
	{"105", "GB", "helpline:105"},
	{"911", "GB", ""}, // not a UK number
	{"100", "GB", ""}, // operator: a short number Tollgate does not connect
	{"118 118", "GB", ""},
	{"2079460000", "GB", ""}, // neither national nor international
	{"020 7946 00000", "GB", ""},
	{"0", "GB", ""},
	{"00", "GB", ""},
	{"00 44", "GB", ""},
	{"0099 1234 5678", "GB", ""},              // +99x is unassigned
	{"0 20 7946 0000", "gb", "+442079460000"}, // home in lower case
	{"(+44) 20 7946 0000", "GB", "+442079460000"},
	{"+ 44 20 7946 0000", "GB", "+442079460000"},
	{"00 +44 20 7946 0000", "GB", ""},

	// United States and Canada: NANP, trunk 1 optional, IDD 011.
	{"(212) 555-0100", "US", "+12125550100"},
	{"212-555-0100", "US", "+12125550100"},
	{"212.555.0100", "US", "+12125550100"},
	{"1 212 555 0100", "US", "+12125550100"},
	{"1-800-555-0199", "US", "+18005550199"},
	{"+1 (212) 555-0100", "US", "+12125550100"},
	{"011 61 2 9999 9999", "US", "+61299999999"},
	{"011 44 20 7946 0000", "US", "+442079460000"},
	{"011 44 (0) 20 7946 0000", "US", "+442079460000"},
	{"416 555 0199", "US", "+14165550199"}, // Toronto from the US: same plan
	{"911", "US", "emergency:911"},
	{"112", "US", "emergency:112"},
	{"988", "US", "short:988"},
	{"999", "US", ""},
	{"555-0100", "US", ""},           // local number without area code
	{"1-800-FLOWERS", "US", ""},      // vanity
	{"212 555 0100 x12", "US", ""},   // extension
	{"*67 212 555 0100", "US", ""},   // star code
	{"00 44 20 7946 0000", "US", ""}, // 00 is not the US IDD
	{"(416) 555-0199", "CA", "+14165550199"},
	{"1 604 555 0199", "CA", "+16045550199"},
	{"011 33 1 23 45 67 89", "CA", "+33123456789"},
	{"911", "CA", "emergency:911"},
	{"(876) 555 0100", "JM", "+18765550100"}, // Jamaica, NANP
	{"911", "PR", "emergency:911"},

	// Australia: trunk 0, IDD 0011.
	{"02 9999 9999", "AU", "+61299999999"},
	{"(02) 9999 9999", "AU", "+61299999999"},
	{"0412 345 678", "AU", "+61412345678"},
	{"0011 44 20 7946 0000", "AU", "+442079460000"},
	{"0011 1 212 555 0100", "AU", "+12125550100"},
	{"0011 64 9 123 4567", "AU", "+6491234567"},
	{"+61 2 9999 9999", "AU", "+61299999999"},
	{"000", "AU", "emergency:000"},
	{"112", "AU", "emergency:112"},
	{"106", "AU", "emergency:106"},
	{"999", "AU", ""},
	{"1300 123 456", "AU", "+611300123456"}, // dialled without the trunk prefix
	{"1800 123 456", "AU", "+611800123456"},
	{"13 11 14", "AU", "+61131114"},
	{"00 44 20 7946 0000", "AU", ""}, // 00 alone is not an Australian IDD
	{"9999 9999", "AU", ""},          // no area code

	// New Zealand: trunk 0, IDD 00.
	{"09 123 4567", "NZ", "+6491234567"},
	{"021 123 4567", "NZ", "+64211234567"},
	{"00 61 2 9999 9999", "NZ", "+61299999999"},
	{"111", "NZ", "emergency:111"},

	// Germany, France, Ireland, Italy, Spain.
	{"030 123456", "DE", "+4930123456"},
	{"030/1234567", "DE", "+49301234567"},
	{"0151 23456789", "DE", "+4915123456789"},
	{"00 44 20 7946 0000", "DE", "+442079460000"},
	{"110", "DE", "emergency:110"},
	{"112", "DE", "emergency:112"},
	{"01 23 45 67 89", "FR", "+33123456789"},
	{"06.12.34.56.78", "FR", "+33612345678"},
	{"15", "FR", "emergency:15"},
	{"112", "FR", "emergency:112"},
	{"01 234 5678", "IE", "+35312345678"},
	{"087 123 4567", "IE", "+353871234567"},
	{"999", "IE", "emergency:999"},
	{"112", "IE", "emergency:112"},
	{"06 1234 5678", "IT", "+390612345678"}, // no trunk prefix: the 0 stays
	{"112", "IT", "emergency:112"},
	{"91 123 45 67", "ES", "+34911234567"},
	{"112", "ES", "emergency:112"},

	// Japan, India, Russia, China.
	{"03-1234-5678", "JP", "+81312345678"},
	{"090-1234-5678", "JP", "+819012345678"},
	{"010 44 20 7946 0000", "JP", "+442079460000"},
	{"110", "JP", "emergency:110"},
	{"119", "JP", "emergency:119"},
	{"098765 43210", "IN", "+919876543210"},
	{"011 2345 6789", "IN", "+911123456789"}, // Delhi, not an IDD in India
	{"00 1 212 555 0100", "IN", "+12125550100"},
	{"112", "IN", "emergency:112"},
	{"100", "IN", "emergency:100"},
	{"8 495 123-45-67", "RU", "+74951234567"},
	{"8 10 44 20 7946 0000", "RU", "+442079460000"},
	{"8~10 44 20 7946 0000", "RU", "+442079460000"}, // ~: wait for the dial tone
	{"8 029 491-19-11", "BY", "+375294911911"},      // trunk 8 then 0
	{"131 2345 6789", "CN", "+8613123456789"},       // Chinese mobiles: no trunk prefix
	{"660 234 567", "LI", "+423660234567"},          // Liechtenstein dials no trunk prefix
	{"1800 123 456", "IE", "+3531800123456"},
	{"(11) 2345-6789", "BR", "+551123456789"},
	{"112", "RU", "emergency:112"},
	{"010 1234 5678", "CN", "+861012345678"},
	{"00 44 20 7946 0000", "CN", "+442079460000"},
	{"110", "CN", "emergency:110"},

	// Bolivia: "00" and "001x" overlap; the valid reading wins.
	{"00 1 212 555 0100", "BO", "+12125550100"},

	// Garbage, whatever the country.
	{"", "GB", ""},
	{" ", "GB", ""},
	{"+", "GB", ""},
	{"()-./", "GB", ""},
	{"+ 44", "GB", ""},
	{"+44", "GB", ""},
	{"+999 1234", "GB", ""},
	{"+44 20 7946 0000 1234", "GB", ""},
	{"+1234567890123456", "US", ""},
	{"0044 20 7946 0000 0000 0000 0000", "GB", ""},
	{"020 79460000 ; ", "GB", ""},
	{"hello", "GB", ""},
	{"9l1", "US", ""},
	{"+44 20 7946 0000+", "GB", ""},
	{"020 7946 0000", "", ""},   // no home country
	{"020 7946 0000", "XX", ""}, // unknown home country
	{"020 7946 0000", "GBR", ""},
	{"020 7946 0000", "UK", ""}, // UK is not the ISO code
}

func TestParseDial(t *testing.T) {
	for _, tt := range dialTests {
		d, err := e164.ParseDial(tt.dial, tt.home)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDial(%q, %q) = %+v, want an error", tt.dial, tt.home, d)
			} else if code := core.ErrorCode(err); code != core.Invalid {
				t.Errorf("ParseDial(%q, %q) error code %q, want invalid (%v)", tt.dial, tt.home, code, err)
			} else if core.ErrorMessage(err) == "" {
				t.Errorf("ParseDial(%q, %q): empty error message", tt.dial, tt.home)
			}
			if d != (e164.Dialled{}) {
				t.Errorf("ParseDial(%q, %q) = %+v with an error, want the zero Dialled", tt.dial, tt.home, d)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDial(%q, %q): %v", tt.dial, tt.home, err)
			continue
		}
		kind, digits, short := strings.Cut(tt.want, ":")
		switch {
		case short:
			want := e164.Dialled{Short: digits, Emergency: kind == "emergency", Helpline: kind == "helpline", Country: strings.ToUpper(tt.home)}
			if d != want {
				t.Errorf("ParseDial(%q, %q) = %+v, want %+v", tt.dial, tt.home, d, want)
			}
			if d.NeverBlocked() == (kind == "helpline") || d.Number.IsValid() || d.String() != digits {
				t.Errorf("ParseDial(%q, %q) = %+v: NeverBlocked=%v String=%q", tt.dial, tt.home, d, d.NeverBlocked(), d.String())
			}
		default:
			if d.Number.String() != tt.want || d.Short != "" || d.Emergency || d.Country != "" {
				t.Errorf("ParseDial(%q, %q) = %+v, want %s", tt.dial, tt.home, d, tt.want)
			}
			if d.NeverBlocked() || d.String() != tt.want {
				t.Errorf("ParseDial(%q, %q): NeverBlocked=%v String=%q", tt.dial, tt.home, d.NeverBlocked(), d.String())
			}
		}
	}
}

// TestEmergencyEverywhere checks every region's emergency numbers are
// recognised, and the guarantees of the product: 112 in every EU/EEA
// country, 999/112 (GB), 911 (US, CA and the NANP), 000/112 (AU).
func TestEmergencyEverywhere(t *testing.T) {
	must := map[string][]string{
		"GB": {"999", "112"}, "US": {"911"}, "CA": {"911"}, "AU": {"000", "112"}, "NZ": {"111"},
	}
	for _, iso := range []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
		"HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO"} {
		must[iso] = append(must[iso], "112")
	}
	for _, iso := range e164.CallingCodeRegions("1") {
		must[iso] = append(must[iso], "911")
	}
	for iso, nums := range must {
		for _, num := range nums {
			d, err := e164.ParseDial(num, iso)
			if err != nil || !d.Emergency || d.Short != num || d.Country != iso || !d.NeverBlocked() {
				t.Errorf("ParseDial(%q, %q) = %+v, %v; want emergency", num, iso, d, err)
			}
		}
	}
	regions, withEmergency := 0, 0
	for _, iso := range e164.Countries() {
		c, _ := e164.CountryInfo(iso)
		regions++
		if len(c.Emergency) > 0 {
			withEmergency++
		}
		for _, num := range c.Emergency {
			d, err := e164.ParseDial(num, iso)
			if err != nil || !d.Emergency || d.Short != num {
				t.Errorf("ParseDial(%q, %q) = %+v, %v; want emergency", num, iso, d, err)
			}
		}
		for _, num := range c.Essential {
			d, err := e164.ParseDial(num, iso)
			if err != nil || d.Emergency || d.Short != num || !d.NeverBlocked() {
				t.Errorf("ParseDial(%q, %q) = %+v, %v; want an essential short number", num, iso, d, err)
			}
		}
		for _, num := range c.Helplines {
			d, err := e164.ParseDial(num, iso)
			if err != nil || d.Emergency || d.Short != num || !d.Helpline || d.NeverBlocked() {
				t.Errorf("ParseDial(%q, %q) = %+v, %v; want a helpline", num, iso, d, err)
			}
		}
	}
	if regions < 240 || withEmergency < 230 {
		t.Errorf("%d regions, %d with emergency numbers: the table looks truncated", regions, withEmergency)
	}
}

func TestCountryInfo(t *testing.T) {
	gb, ok := e164.CountryInfo("gb")
	if !ok || gb.ISO != "GB" || gb.CallingCode != "44" || gb.TrunkPrefix != "0" ||
		len(gb.IDDPrefixes) != 1 || gb.IDDPrefixes[0] != "00" {
		t.Errorf("CountryInfo(gb) = %+v, %v", gb, ok)
	}
	gb.Emergency[0] = "spoiled"
	if again, _ := e164.CountryInfo("GB"); again.Emergency[0] == "spoiled" {
		t.Error("CountryInfo shares its slices with the table")
	}
	us, _ := e164.CountryInfo("US")
	if us.CallingCode != "1" || us.TrunkPrefix != "1" || us.IDDPrefixes[0] != "011" || len(us.NationalLengths) != 1 || us.NationalLengths[0] != 10 {
		t.Errorf("CountryInfo(US) = %+v", us)
	}
	au, _ := e164.CountryInfo("AU")
	if au.CallingCode != "61" || au.IDDPrefixes[0] != "0011" {
		t.Errorf("CountryInfo(AU) = %+v", au)
	}
	it, _ := e164.CountryInfo("IT")
	if it.TrunkPrefix != "" {
		t.Errorf("CountryInfo(IT).TrunkPrefix = %q, want none", it.TrunkPrefix)
	}
	for _, bad := range []string{"", "G", "GBR", "XX", "001", "12"} {
		if c, ok := e164.CountryInfo(bad); ok {
			t.Errorf("CountryInfo(%q) = %+v, want not found", bad, c)
		}
	}
	n := len(e164.Countries())
	if n < 240 || n > 260 {
		t.Errorf("%d countries, want about 245", n)
	}
}

func TestCallingCodes(t *testing.T) {
	codes := e164.CallingCodes()
	if len(codes) < 200 {
		t.Fatalf("only %d calling codes", len(codes))
	}
	// Calling codes form a prefix code: no code is a prefix of another.
	for _, a := range codes {
		for _, b := range codes {
			if a != b && strings.HasPrefix(b, a) {
				t.Errorf("calling code %s is a prefix of %s", a, b)
			}
		}
		regions := e164.CallingCodeRegions(a)
		if len(regions) == 0 {
			t.Errorf("calling code %s has no regions", a)
		}
		for _, iso := range regions {
			if iso == "001" {
				continue
			}
			if c, ok := e164.CountryInfo(iso); !ok || c.CallingCode != a {
				t.Errorf("region %s of +%s: CountryInfo = %+v, %v", iso, a, c, ok)
			}
		}
	}
	tests := []struct {
		cc   string
		want string
	}{
		{"1", "US"}, {"44", "GB"}, {"61", "AU"}, {"7", "RU"}, {"800", "001"}, {"39", "IT"},
	}
	for _, tt := range tests {
		if r := e164.CallingCodeRegions(tt.cc); len(r) == 0 || r[0] != tt.want {
			t.Errorf("CallingCodeRegions(%s) = %v, want %s first", tt.cc, r, tt.want)
		}
	}
	nanp := strings.Join(e164.CallingCodeRegions("1"), ",")
	for _, iso := range []string{"CA", "JM", "PR", "BS"} {
		if !strings.Contains(nanp, iso) {
			t.Errorf("+1 regions %s lack %s", nanp, iso)
		}
	}
	for _, bad := range []string{"", "0", "999", "01", "+44", "4", "1000", "x"} {
		if r := e164.CallingCodeRegions(bad); r != nil {
			t.Errorf("CallingCodeRegions(%q) = %v, want nil", bad, r)
		}
	}
	// Every region's own calling code parses.
	for _, iso := range e164.Countries() {
		c, _ := e164.CountryInfo(iso)
		if len(c.NationalLengths) == 0 {
			t.Errorf("%s has no national lengths", iso)
		}
	}
}
