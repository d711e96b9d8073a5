package e164

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/tollgate-voice/tollgate/core"
)

// MaxDigits is the most digits an E.164 number has, calling code included.
const MaxDigits = 15

// maxInput bounds the length in bytes of a string given to ParseNumber or
// ParseDial; nobody types a longer phone number.
const maxInput = 64

// maxScan bounds the digits kept while scanning a dial string: an IDD prefix
// plus a full E.164 number, with room to spare.
const maxScan = 24

// Number is an E.164 international telephone number such as +442079460000.
//
// Number is a small comparable value: use == and use it as a map key. The
// zero value is not a number (IsValid reports false). A valid Number has a
// calling code assigned by the ITU, at most 15 digits, and a national
// significant number (the digits after the calling code) of a length and
// leading digit that the numbering plans of that calling code allow.
type Number struct {
	// v holds the digits as an integer (calling codes never start with 0,
	// so no digit is lost) in its low 50 bits and the length of the calling
	// code in bits 60-61. Zero is the invalid Number.
	v uint64
}

const (
	valueMask  = 1<<50 - 1
	ccLenShift = 60
	ccLenMask  = 3
)

// makeNumber builds a Number from validated digits.
func makeNumber(d []byte, ccLen int) Number {
	var v uint64
	for _, c := range d {
		v = v*10 + uint64(c-'0')
	}
	return Number{v: v | uint64(ccLen)<<ccLenShift}
}

// IsValid reports whether n is a number rather than the zero value.
func (n Number) IsValid() bool { return n.v != 0 }

// appendDigits appends the digits of n, without "+".
func (n Number) appendDigits(b []byte) []byte {
	return strconv.AppendUint(b, n.v&valueMask, 10)
}

// Digits returns the digits of n without "+" ("442079460000"): the form rate
// deck lookups take. It returns "" for the zero Number.
func (n Number) Digits() string {
	if n.v == 0 {
		return ""
	}
	var buf [MaxDigits]byte
	return string(n.appendDigits(buf[:0]))
}

// String returns n in E.164 form, "+442079460000", or "invalid" for the zero
// Number.
func (n Number) String() string {
	if n.v == 0 {
		return "invalid"
	}
	var buf [1 + MaxDigits]byte
	return string(n.AppendTo(buf[:0]))
}

// AppendTo appends the E.164 form of n ("+442079460000") to b and returns the
// extended buffer. The zero Number appends nothing.
func (n Number) AppendTo(b []byte) []byte {
	if n.v == 0 {
		return b
	}
	return n.appendDigits(append(b, '+'))
}

// CallingCode returns the country calling code of n without "+" ("44"), or ""
// for the zero Number.
func (n Number) CallingCode() string {
	if n.v == 0 {
		return ""
	}
	var buf [MaxDigits]byte
	d := n.appendDigits(buf[:0])
	i, _ := lookupCallingCode(d[:n.v>>ccLenShift&ccLenMask])
	return ccStrings[i]
}

// Region returns the ISO code of the region n belongs to, as libphonenumber
// assigns numbers of shared calling codes: +1 416 → "CA", +1 876 → "JM",
// +1 212 → "US", +44 1481 → "GG", +7 7 → "KZ". Numbers a shared plan does not
// place (+1 800 toll-free, for instance) belong to the calling code's main
// region ("US"); non-geographic codes (+800, +882, ...) give "001"; the zero
// Number gives "". The answer is decided by the first digits of the national
// number (the NANP area code), not by full validation.
func (n Number) Region() string {
	if n.v == 0 {
		return ""
	}
	var buf [MaxDigits]byte
	d := n.appendDigits(buf[:0])
	ccLen := int(n.v >> ccLenShift & ccLenMask)
	ci, _ := lookupCallingCode(d[:ccLen])
	c := &callingCodes[ci]
	nsn := d[ccLen:]
	// splits are sorted and none is a prefix of another: only the last one
	// not after nsn can be a prefix of it.
	i, j := 0, len(c.splits)
	for i < j {
		h := int(uint(i+j) >> 1)
		if c.splits[h].prefix <= string(nsn) {
			i = h + 1
		} else {
			j = h
		}
	}
	if i > 0 {
		if p := c.splits[i-1].prefix; len(p) <= len(nsn) && p == string(nsn[:len(p)]) {
			return c.splits[i-1].iso
		}
	}
	return c.regions[0]
}

// Compare returns -1, 0 or +1 comparing n and m by their digit strings, the
// zero Number first. It orders numbers the way a sorted rate deck does.
func (n Number) Compare(m Number) int {
	if n == m {
		return 0
	}
	if n.v == 0 {
		return -1
	}
	if m.v == 0 {
		return 1
	}
	var a, b [MaxDigits]byte
	return bytes.Compare(n.appendDigits(a[:0]), m.appendDigits(b[:0]))
}

// MarshalText implements encoding.TextMarshaler: the E.164 form, or an empty
// text for the zero Number (which UnmarshalText reads back as the zero
// Number), as net/netip does.
func (n Number) MarshalText() ([]byte, error) {
	if n.v == 0 {
		return []byte{}, nil
	}
	return n.AppendTo(make([]byte, 0, 1+MaxDigits)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts what
// ParseNumber accepts, and an empty text as the zero Number.
func (n *Number) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*n = Number{}
		return nil
	}
	m, err := ParseNumber(string(text))
	if err != nil {
		return err
	}
	*n = m
	return nil
}

// ParseNumber parses a number in E.164 form: "+" followed by the calling code
// and the national significant number, at most 15 digits in all. Spaces and
// the separators ( ) . - / ~ (and their common Unicode look-alikes) may appear
// anywhere after the "+": "+44 20 7946 0000" and "+1 (212) 555-0100" are
// accepted. The calling code must be assigned, and the length and leading
// digit of the national number must fit its numbering plan. It never
// interprets national or IDD formats: that is ParseDial. Errors are
// *core.Error with code core.Invalid.
func ParseNumber(s string) (Number, error) {
	var sc scanner
	if err := sc.scan(s); err != nil {
		return Number{}, err
	}
	if !sc.plus {
		return Number{}, core.Errorf(core.Invalid, "%q is not an E.164 number: it must start with + and the country calling code", s)
	}
	n, err := international(sc.d[:sc.n], false, s)
	if err != nil {
		return Number{}, err
	}
	return n, nil
}

// MustParseNumber is ParseNumber for constants in tests and examples; it
// panics if s is not a valid number.
func MustParseNumber(s string) Number {
	n, err := ParseNumber(s)
	if err != nil {
		panic(err)
	}
	return n
}

// scanner collects the digits of a dial string and checks its characters.
type scanner struct {
	d    [maxScan]byte
	n    int
	plus bool
}

// scan reads s: digits are kept, separators skipped, a single "+" is allowed
// before the first digit, anything else is an error.
func (sc *scanner) scan(s string) *core.Error {
	if len(s) > maxInput {
		return core.Errorf(core.Invalid, "a phone number of %d characters is too long (at most %d)", len(s), maxInput)
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			if sc.n == maxScan {
				return tooManyDigits(s)
			}
			sc.d[sc.n] = c
			sc.n++
		case c == '+':
			if sc.plus || sc.n > 0 {
				return core.Errorf(core.Invalid, "%q: a + may appear only once, before the digits", s)
			}
			sc.plus = true
		case isSeparator(c):
		case ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z'):
			return core.Errorf(core.Invalid, "%q contains letters: dial digits only (vanity numbers such as 1-800-FLOWERS and extensions are not accepted)", s)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !isUnicodeSeparator(r) {
				return core.Errorf(core.Invalid, "%q contains %q, which is not a digit or a separator", s, r)
			}
			i += size
			continue
		default:
			return core.Errorf(core.Invalid, "%q contains %q, which is not a digit or a separator", s, rune(c))
		}
		i++
	}
	if sc.n == 0 {
		switch {
		case sc.plus:
			return core.Errorf(core.Invalid, "%q has a + but no digits", s)
		case len(s) == 0:
			return core.Errorf(core.Invalid, "the phone number is empty")
		default:
			return core.Errorf(core.Invalid, "%q contains no digits", s)
		}
	}
	return nil
}

// isSeparator reports whether c is an ASCII character allowed between digits.
func isSeparator(c byte) bool {
	switch c {
	case ' ', '\t', '(', ')', '.', '-', '/', '~': // ~ is "wait for the dial tone" (8~10)
		return true
	}
	return false
}

// isUnicodeSeparator reports whether r is a non-ASCII space or dash that
// copying a number from a document often brings along.
func isUnicodeSeparator(r rune) bool {
	switch r {
	case '\u00a0', '\u2007', '\u2009', '\u202f', // no-break, figure, thin, narrow no-break spaces
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212': // hyphens, dashes, minus
		return true
	}
	return false
}

func tooManyDigits(s string) *core.Error {
	return core.Errorf(core.Invalid, "%q has too many digits: a phone number has at most %d", s, MaxDigits)
}

// international reads d as calling code followed by national significant
// number. When lenient (ParseDial), a trunk prefix wrongly kept after the
// calling code ("+44 (0)20 ...", "+44 020 ...") is dropped if the numbering
// plan does not allow a national number to start with it.
func international(d []byte, lenient bool, s string) (Number, *core.Error) {
	ci, l := lookupCallingCode(d)
	if ci < 0 {
		return Number{}, core.Errorf(core.Invalid, "%q: no country has a calling code %s", s, ccCandidates(d))
	}
	c := &callingCodes[ci]
	nsn := d[l:]
	if lenient {
		if r := ccMain[ci]; r != nil && r.trunk != "" && len(nsn) > len(r.trunk) &&
			string(nsn[:len(r.trunk)]) == r.trunk && c.lead&(1<<(r.trunk[0]-'0')) == 0 {
			nsn = nsn[len(r.trunk):]
			// Shift the national number left over the dropped trunk prefix.
			copy(d[l:], nsn)
			d = d[:l+len(nsn)]
			nsn = d[l:]
		}
	}
	if len(d) > MaxDigits {
		return Number{}, tooManyDigits(s)
	}
	if len(nsn) == 0 || c.lengths&(1<<len(nsn)) == 0 {
		return Number{}, core.Errorf(core.Invalid, "%q: a number with calling code +%s cannot have %d digits after it", s, ccStrings[ci], len(nsn))
	}
	if c.lead&(1<<(nsn[0]-'0')) == 0 {
		return Number{}, core.Errorf(core.Invalid, "%q: no number with calling code +%s starts %s after it", s, ccStrings[ci], string(nsn[0]))
	}
	return makeNumber(d, l), nil
}

// ccCandidates describes, for an error message, the calling codes d could
// have started with: "+9, +99 or +999".
func ccCandidates(d []byte) string {
	var b []byte
	for l := 1; l <= 3 && l <= len(d); l++ {
		if l > 1 {
			b = append(b, ", "...)
		}
		b = append(append(b, '+'), d[:l]...)
	}
	return string(b)
}
