package e164

import (
	"slices"
	"strconv"
)

// regionRow is one region of the generated table.
type regionRow struct {
	iso       string   // ISO 3166-1 alpha-2 (libphonenumber region code)
	cc        uint16   // country calling code
	trunk     string   // national (trunk) prefix, "" if none
	trunks    []string // prefixes national numbers may be dialled with (patterns), trunk among them
	notrunk   []noTrunk
	idd       []string // international prefixes in pattern notation, preferred first
	lengths   uint32   // bit n set: national significant numbers may have n digits
	local     uint32   // bit n set: n digits can be dialled locally only (no area code)
	lead      uint16   // bit d set: national significant numbers may start with digit d
	emergency []string // emergency numbers, sorted
}

// noTrunk describes national numbers dialled without the trunk prefix: those
// starting with pattern lead, with a length in the mask lengths.
type noTrunk struct {
	lead    string
	lengths uint32
}

// split assigns the national numbers starting with prefix to region iso,
// for calling codes shared by several regions.
type split struct {
	prefix string
	iso    string
}

// callingCodeRow is one country calling code of the generated table.
type callingCodeRow struct {
	cc      uint16
	regions []string // main region first; "001" for non-geographic codes
	splits  []split  // national-number prefixes of the other regions, sorted
	lengths uint32   // union of the regions' lengths
	lead    uint16   // union of the regions' leading digits
}

// essential lists, per region, the non-emergency short numbers that Tollgate
// recognises and never blocks (see Dialled.NeverBlocked). This is product
// policy, not libphonenumber data: police non-emergency and health advice
// lines. In the UK exactly 101 and 111, with the emergency numbers 999 and
// 112: "Any outbound calls except to 999, 111, 112 and 101 will be blocked".
var essential = map[string][]string{
	"GB": {"101", "111"}, // police non-emergency, NHS
	"DE": {"116117"},     // out-of-hours doctor
	"US": {"988"},        // suicide and crisis lifeline
	"CA": {"988"},
}

// helplines lists, per region, the other free short numbers Tollgate puts
// through (see Dialled.Helpline): the power-cut line and the harmonised
// European 116 helplines. They are free, but blocked with every other
// outbound call when the bundle is used up and overspend is off.
var helplines = map[string][]string{
	"GB": {"105", "116000", "116123"}, // power cut, missing children, Samaritans
	"IE": {"116000", "116123"},
	"DE": {"116000", "116111"},
	"FR": {"116000"},
}

// Indexes built from the generated table at start-up.
var (
	regionIndex [26 * 26]int16                // ISO code → index+1 in regions
	ccIndex     [1000]uint16                  // calling code → index+1 in callingCodes
	ccStrings   [len(callingCodes)]string     // decimal calling codes, so CallingCode never allocates
	ccMain      [len(callingCodes)]*regionRow // main region of each calling code; nil if non-geographic
	iddSorted   [len(regions)][]iddPattern    // each region's IDD patterns, longest first
	trunkSorted [len(regions)][]iddPattern    // each region's trunk prefix patterns, longest first
)

// iddPattern is an IDD or trunk prefix pattern and the number of digits it matches.
type iddPattern struct {
	p string
	n int
}

func init() {
	for i := range regions {
		r := &regions[i]
		regionIndex[isoKey(r.iso[0], r.iso[1])] = int16(i + 1)
		for _, p := range r.idd {
			iddSorted[i] = append(iddSorted[i], iddPattern{p, patternLen(p)})
		}
		slices.SortStableFunc(iddSorted[i], func(a, b iddPattern) int { return b.n - a.n })
		for _, p := range r.trunks {
			trunkSorted[i] = append(trunkSorted[i], iddPattern{p, patternLen(p)})
		}
		slices.SortStableFunc(trunkSorted[i], func(a, b iddPattern) int { return b.n - a.n })
	}
	for i := range callingCodes {
		c := &callingCodes[i]
		ccIndex[c.cc] = uint16(i + 1)
		ccStrings[i] = strconv.Itoa(int(c.cc))
		if r, ok := lookupRegion(c.regions[0]); ok {
			ccMain[i] = r
		}
	}
}

// index returns r's position in regions.
func (r *regionRow) index() int {
	return int(regionIndex[isoKey(r.iso[0], r.iso[1])] - 1)
}

// isoKey maps two upper-case letters to 0..675; anything else to -1.
func isoKey(a, b byte) int {
	if a < 'A' || a > 'Z' || b < 'A' || b > 'Z' {
		return -1
	}
	return int(a-'A')*26 + int(b-'A')
}

// lookupRegion finds a region by ISO code, ignoring case.
func lookupRegion(iso string) (*regionRow, bool) {
	if len(iso) != 2 {
		return nil, false
	}
	k := isoKey(upper(iso[0]), upper(iso[1]))
	if k < 0 || regionIndex[k] == 0 {
		return nil, false
	}
	return &regions[regionIndex[k]-1], true
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// lookupCallingCode returns the calling code that d starts with and its
// length. Calling codes form a prefix code, so at most one matches.
func lookupCallingCode(d []byte) (int, int) {
	if len(d) == 0 || d[0] == '0' {
		return -1, 0
	}
	v := 0
	for l := 1; l <= 3 && l <= len(d); l++ {
		v = v*10 + int(d[l-1]-'0')
		if i := ccIndex[v]; i != 0 {
			return int(i - 1), l
		}
	}
	return -1, 0
}

// matchPattern reports how many digits of d the IDD pattern p matches at its
// start, or -1. In p a digit stands for itself and a class such as [14-689]
// for one digit of the set.
func matchPattern(p string, d []byte) int {
	j := 0
	for i := 0; i < len(p); i++ {
		if j >= len(d) {
			return -1
		}
		c := d[j]
		if p[i] != '[' {
			if p[i] != c {
				return -1
			}
			j++
			continue
		}
		in := false
		for i++; p[i] != ']'; i++ {
			if i+2 < len(p) && p[i+1] == '-' && p[i+2] != ']' {
				in = in || (p[i] <= c && c <= p[i+2])
				i += 2
				continue
			}
			in = in || p[i] == c
		}
		if !in {
			return -1
		}
		j++
	}
	return j
}

// patternLen is the number of digits a pattern matches.
func patternLen(p string) int {
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '[' {
			for p[i] != ']' {
				i++
			}
		}
		n++
	}
	return n
}

// Country describes how numbers are dialled in one region: what CountryInfo
// returns. The slices are copies; changing them changes nothing else.
type Country struct {
	// ISO is the region's ISO 3166-1 alpha-2 code ("GB"); a few regions
	// without one use libphonenumber's codes ("AC", "TA", "XK").
	ISO string
	// CallingCode is the country calling code without "+" ("44"). Several
	// regions may share one (+1 is the North American Numbering Plan).
	CallingCode string
	// TrunkPrefix is the national prefix dialled before national numbers
	// ("0" in GB, "1" in the NANP, "8" in Russia), "" if the region has none.
	TrunkPrefix string
	// IDDPrefixes are the international call prefixes, the usual one first:
	// "00" in GB; "011" in the US; in Australia "0011", then "001[14-689]"
	// and carrier-selection forms such as "14880011". A bracketed class such
	// as [14-689] stands for any one digit of the set.
	IDDPrefixes []string
	// Emergency lists the emergency numbers, from libphonenumber's short
	// number metadata plus Tollgate's own guarantees (112 in every EU/EEA
	// country, 999 in GB, 911 everywhere in the NANP, 000 in Australia).
	Emergency []string
	// Essential lists the non-emergency short numbers that are never
	// blocked (GB: 101 police non-emergency, 111 NHS, ...).
	Essential []string
	// Helplines lists the other free short numbers put through (GB: 105
	// power cut, 116 123 Samaritans, ...): blocked when outbound calls are.
	Helplines []string
	// NationalLengths are the possible lengths of a national significant
	// number (the digits after the calling code), ascending.
	NationalLengths []int
}

// CountryInfo returns the dialling facts of a region given its ISO 3166-1
// alpha-2 code, in any case.
func CountryInfo(iso string) (Country, bool) {
	r, ok := lookupRegion(iso)
	if !ok {
		return Country{}, false
	}
	c := Country{
		ISO:         r.iso,
		CallingCode: strconv.Itoa(int(r.cc)),
		TrunkPrefix: r.trunk,
		IDDPrefixes: slices.Clone(r.idd),
		Emergency:   slices.Clone(r.emergency),
		Essential:   slices.Clone(essential[r.iso]),
		Helplines:   slices.Clone(helplines[r.iso]),
	}
	for n := 0; n < 32; n++ {
		if r.lengths&(1<<n) != 0 {
			c.NationalLengths = append(c.NationalLengths, n)
		}
	}
	return c, true
}

// Countries returns the ISO codes of every region in the table, sorted.
func Countries() []string {
	out := make([]string, len(regions))
	for i := range regions {
		out[i] = regions[i].iso
	}
	return out
}

// CallingCodes returns every assigned country calling code, in numeric order
// ("1", "7", "20", ...), including the non-geographic ones (+800, +882, ...).
func CallingCodes() []string {
	return slices.Clone(ccStrings[:])
}

// CallingCodeRegions returns the regions that share a calling code, the main
// one first: "1" → US, AG, AI, ..., CA, ...; "44" → GB, GG, IM, JE. A
// non-geographic code returns ["001"]; an unassigned one returns nil.
func CallingCodeRegions(callingCode string) []string {
	if len(callingCode) == 0 || len(callingCode) > 3 || callingCode[0] == '0' {
		return nil
	}
	cc := 0
	for i := 0; i < len(callingCode); i++ {
		c := callingCode[i]
		if c < '0' || c > '9' {
			return nil
		}
		cc = cc*10 + int(c-'0')
	}
	i := ccIndex[cc]
	if i == 0 {
		return nil
	}
	return slices.Clone(callingCodes[i-1].regions)
}
