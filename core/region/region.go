// Package region defines the calling regions Tollgate sells packages for, as
// sets of ISO 3166-1 alpha-2 country codes. It is the one place where "UK /
// Europe" or "Australia / New Zealand" is spelled out: calling packages, the
// rates directory's region filter and the package recommendation all read it.
//
// Every country Tollgate rates belongs to exactly one regional set; Global is
// the union of all of them and also covers any country not listed.
package region

import (
	"slices"
	"strings"
)

// ID names a region. Its string values are stable: they appear in APIs,
// snapshots and CSV files.
type ID string

// The regions.
const (
	USCanada         ID = "us-ca"  // included in every account
	UKEurope         ID = "uk-eu"  // United Kingdom and Europe
	AustraliaNZ      ID = "au-nz"  // Australia and New Zealand
	LatinAmerica     ID = "latam"  // Latin America and the Caribbean
	Asia             ID = "asia"   // Asia and the Pacific islands
	MiddleEastAfrica ID = "mea"    // Middle East and Africa
	Global           ID = "global" // every country
)

// Region is a named set of countries.
type Region struct {
	ID        ID
	Name      string
	Countries []string // ISO 3166-1 alpha-2, upper case, sorted
}

var regional = []Region{
	{USCanada, "US & Canada", sorted("US CA PR VI GU AS MP")},
	{UKEurope, "UK & Europe", sorted(`GB GG JE IM IE FR DE ES IT PT NL BE LU AT CH LI DK SE NO FI IS FO GL AX SJ
		PL CZ SK HU SI HR RO BG GR CY MT EE LV LT MC AD SM VA GI AL BA ME MK RS XK MD UA BY RU TR`)},
	{AustraliaNZ, "Australia & New Zealand", sorted("AU NZ CX CC NF")},
	{LatinAmerica, "Latin America & Caribbean", sorted(`MX GT BZ SV HN NI CR PA CO VE EC PE BO CL AR UY PY BR
		GY SR GF FK CU HT DO JM BS BB TT AG DM GD KN LC VC AI MS VG KY TC BM AW CW SX BQ BL MF GP MQ PM`)},
	{Asia, "Asia & Pacific", sorted(`CN HK MO TW JP KR KP MN IN PK BD LK NP BT MV AF SG MY ID TH VN KH LA MM PH
		BN TL KZ UZ KG TJ TM GE AM AZ FJ PG SB VU NC PF WS TO TV KI NR MH FM PW CK NU TK WF`)},
	{MiddleEastAfrica, "Middle East & Africa", sorted(`AE SA QA KW BH OM YE IQ IR IL PS JO LB SY EG LY TN DZ
		MA EH MR ML NE TD SD SS ER DJ ET SO KE UG TZ RW BI CD CG GA GQ CM CF NG BJ TG GH CI BF LR SL GN GW SN
		GM CV ST AO ZM ZW MW MZ MG MU SC KM YT RE ZA NA BW LS SZ SH AC TA IO`)},
}

var (
	byCountry = map[string]ID{}
	global    Region
)

func init() {
	var all []string
	for _, r := range regional {
		for _, c := range r.Countries {
			if prev, dup := byCountry[c]; dup {
				panic("region: " + c + " is in both " + string(prev) + " and " + string(r.ID))
			}
			byCountry[c] = r.ID
			all = append(all, c)
		}
	}
	slices.Sort(all)
	global = Region{Global, "Global", all}
}

func sorted(list string) []string {
	out := strings.Fields(list)
	slices.Sort(out)
	return out
}

// All returns the regional (non-global) regions, USCanada first. The caller
// may not modify the returned slices.
func All() []Region { return regional }

// Lookup returns the region with the given ID, Global included.
func Lookup(id ID) (Region, bool) {
	if id == Global {
		return global, true
	}
	for _, r := range regional {
		if r.ID == id {
			return r, true
		}
	}
	return Region{}, false
}

// Of returns the regional set a country belongs to, or "" for a code no
// region lists. The country code is case-insensitive.
func Of(country string) ID {
	if len(country) == 2 && (country[0] >= 'a' || country[1] >= 'a') {
		country = strings.ToUpper(country)
	}
	return byCountry[country]
}

// Covers reports whether a package for region id covers calls to country.
// Global covers every country, listed or not.
func Covers(id ID, country string) bool {
	if id == Global {
		return country != ""
	}
	return id != "" && Of(country) == id
}

// International reports whether id is an international region, that is
// anything but the US & Canada set that every account includes.
func International(id ID) bool { return id != USCanada && id != "" }

// Valid reports whether id names a region, Global included.
func (id ID) Valid() bool {
	_, ok := Lookup(id)
	return ok
}

// Name returns the display name of the region, or the ID itself if unknown.
func (id ID) Name() string {
	if r, ok := Lookup(id); ok {
		return r.Name
	}
	return string(id)
}
