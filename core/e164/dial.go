package e164

import (
	"github.com/tollgate-voice/tollgate/core"
)

// Dialled is what a caller dialled, as ParseDial understood it: either an
// ordinary Number, or a short number of the caller's home country.
type Dialled struct {
	// Number is set for ordinary numbers and is the zero Number for short
	// numbers.
	Number Number
	// Short holds the digits of a recognised short number ("999", "111",
	// "911", "000"), else "".
	Short string
	// Emergency reports an emergency number (999, 112, 911, 000, ...).
	Emergency bool
	// Country is the ISO code of the short number's country (the caller's
	// home country), or "" for ordinary numbers.
	Country string
	// Helpline reports a free short number that is not essential (GB 105,
	// the European 116 helplines): put through like a free call, blocked
	// when the account blocks outbound calls.
	Helpline bool
}

// NeverBlocked reports whether the call must be put through whatever the
// state of the account: emergency numbers and the essential short numbers
// (GB 101 and 111, for instance), not helplines. Authorization checks it
// first.
func (d Dialled) NeverBlocked() bool { return d.Short != "" && !d.Helpline }

// String returns the number in E.164 form, or the short number's digits.
func (d Dialled) String() string {
	if d.Short != "" {
		return d.Short
	}
	return d.Number.String()
}

// ParseDial interprets a dial string the way the home country's phones do.
// home is the ISO 3166-1 alpha-2 code of the caller's account ("GB", "US",
// "AU"), in any case.
//
// In order:
//   - without a "+", an emergency, essential or helpline short number of
//     home is recognised first: "999" and "112" in GB, "911" in the US,
//     "000" in AU, "111" and "105" in GB;
//   - "+" starts an international number: "+61 2 9999 9999";
//   - home's international (IDD) prefix does too: "0061 2 9999 9999" from GB,
//     "011 61 2 9999 9999" from the US, "0011 61 2 9999 9999" from AU;
//   - otherwise the number is national: "020 7946 0000" with GB, "02 9999
//     9999" with AU, "(212) 555-0100" or "1 212 555 0100" with US (the trunk
//     prefix 1 is optional in the NANP). Numbers the region writes without
//     its trunk prefix are read without it ("1300 123 456" in AU, "131 2345
//     6789" in CN), and in regions without a trunk prefix (Italy, Spain, ...)
//     the digits are the national number as they stand.
//
// Where several readings are possible (IDD or trunk prefixes that overlap)
// the longest prefix giving a valid number wins. Spaces and the separators
// ( ) . - / ~ (and their usual Unicode look-alikes) may appear anywhere; a
// single "+" may come before the first digit. A trunk prefix
// kept after the calling code ("+44 (0)20 7946 0000") is dropped where the
// numbering plan shows it cannot belong to the number. Letters (vanity
// numbers, extensions), other characters, more than 15 digits, empty input,
// unknown calling codes, numbers of impossible length, short numbers other
// than the recognised ones and an unknown home country are errors: always
// *core.Error with code core.Invalid.
func ParseDial(dial, home string) (Dialled, error) {
	r, ok := lookupRegion(home)
	if !ok {
		if home == "" {
			return Dialled{}, core.Errorf(core.Invalid, "the home country is required to read a dialled number")
		}
		return Dialled{}, core.Errorf(core.Invalid, "unknown home country %q: want an ISO 3166-1 alpha-2 code such as GB", home)
	}
	var sc scanner
	if err := sc.scan(dial); err != nil {
		return Dialled{}, err
	}
	d := sc.d[:sc.n]
	if sc.plus {
		n, err := international(d, true, dial)
		if err != nil {
			return Dialled{}, err
		}
		return Dialled{Number: n}, nil
	}
	if short, emergency, helpline := shortNumber(r, d); short != "" {
		return Dialled{Short: short, Emergency: emergency, Country: r.iso, Helpline: helpline}, nil
	}
	// International prefixes: try every match, longest first, and take the
	// first that leaves a valid number (Bolivia's "00" and "001x" overlap).
	var firstErr *core.Error
	for _, idd := range iddSorted[r.index()] {
		l := idd.n
		if matchPattern(idd.p, d) != l {
			continue
		}
		if l == len(d) {
			return Dialled{}, core.Errorf(core.Invalid, "%q is only an international prefix in %s: dial the country calling code and number after it", dial, r.iso)
		}
		var rest [maxScan]byte
		n, err := international(rest[:copy(rest[:], d[l:])], true, dial)
		if err == nil {
			return Dialled{Number: n}, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return Dialled{}, firstErr
	}
	n, err := national(r, d, dial)
	if err != nil {
		return Dialled{}, err
	}
	return Dialled{Number: n}, nil
}

// shortNumber returns the canonical digits of d if it is an emergency,
// essential or helpline short number of r, and which of the kinds it is.
func shortNumber(r *regionRow, d []byte) (short string, emergency, helpline bool) {
	if len(d) > 6 {
		return "", false, false
	}
	for _, e := range r.emergency {
		if e == string(d) {
			return e, true, false
		}
	}
	for _, e := range essential[r.iso] {
		if e == string(d) {
			return e, false, false
		}
	}
	for _, h := range helplines[r.iso] {
		if h == string(d) {
			return h, false, true
		}
	}
	return "", false, false
}

// national reads d as a national number dialled in region r: after one of
// its trunk prefixes (longest first), or without one where the numbering plan
// writes such numbers without it (regions without a trunk prefix, the NANP,
// Australian 1300/1800 numbers, Chinese mobiles, ...). The first reading
// that gives a valid number wins.
func national(r *regionRow, d []byte, s string) (Number, *core.Error) {
	if r.trunk == "" {
		return nationalNSN(r, d, s)
	}
	var firstErr *core.Error
	for _, t := range trunkSorted[r.index()] {
		if len(d) <= t.n || matchPattern(t.p, d) != t.n {
			continue
		}
		n, err := nationalNSN(r, d[t.n:], s)
		if err == nil {
			return n, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if r.cc == 1 { // the NANP trunk prefix 1 is optional
		n, err := nationalNSN(r, d, s)
		if err == nil || firstErr == nil {
			return n, err
		}
		return Number{}, firstErr
	}
	for _, f := range r.notrunk {
		if f.lengths&(1<<len(d)) == 0 || matchPattern(f.lead, d) < 0 {
			continue
		}
		if n, err := nationalNSN(r, d, s); err == nil {
			return n, nil
		}
	}
	switch {
	case firstErr != nil:
		return Number{}, firstErr
	case len(d) <= 6:
		return Number{}, notShort(r, s)
	}
	return Number{}, core.Errorf(core.Invalid, "%q: national numbers in %s start with the trunk prefix %s; put + or %s before an international number", s, r.iso, r.trunk, displayIDD(r))
}

func notShort(r *regionRow, s string) *core.Error {
	return core.Errorf(core.Invalid, "%q is not an emergency or essential short number in %s, and Tollgate does not connect other short numbers", s, r.iso)
}

// nationalNSN checks nsn as a national significant number of region r and
// returns the Number.
func nationalNSN(r *regionRow, nsn []byte, s string) (Number, *core.Error) {
	if r.local&(1<<len(nsn)) != 0 && r.lengths&(1<<len(nsn)) == 0 {
		return Number{}, core.Errorf(core.Invalid, "%q is a local number: dial it with its area code", s)
	}
	if len(nsn) == 0 || r.lengths&(1<<len(nsn)) == 0 {
		if len(nsn) <= 6 {
			return Number{}, notShort(r, s)
		}
		return Number{}, core.Errorf(core.Invalid, "%q: a national number in %s cannot have %d digits", s, r.iso, len(nsn))
	}
	var full [maxScan + 3]byte
	l := copy(full[:], ccStrings[ccIndex[r.cc]-1])
	l += copy(full[l:], nsn)
	return international(full[:l], false, s)
}

// displayIDD returns the usual international prefix of r for messages.
func displayIDD(r *regionRow) string {
	if len(r.idd) == 0 {
		return "+"
	}
	return r.idd[0]
}
