package deck

import (
	"strconv"
	"strings"

	"github.com/tollgate-voice/tollgate/core"
)

// Kind is the kind of number a deck row prices: landline and mobile numbers
// of one country are usually priced differently. The zero value is KindOther.
type Kind uint8

// The number kinds. Their text forms (String, MarshalText) are stable: they
// appear in CSV decks, snapshots and API bodies.
const (
	KindOther            Kind = iota // "other": anything else (satellite, shared cost, catch-all country codes...)
	KindLandline                     // "landline": fixed-line, geographic numbers
	KindMobile                       // "mobile"
	KindLandlineOrMobile             // "landline_or_mobile": the numbering plan cannot tell (e.g. NANP)
	KindTollFree                     // "toll_free": free to the caller in their home country
	KindPremium                      // "premium": premium-rate services
	numKinds
)

var kindNames = [numKinds]string{"other", "landline", "mobile", "landline_or_mobile", "toll_free", "premium"}

// kindAliases are the spellings ParseKind accepts besides the canonical names,
// after lower-casing and mapping spaces and hyphens to underscores.
var kindAliases = map[string]Kind{
	"fixed":                KindLandline,
	"fixed_line":           KindLandline,
	"fixedline":            KindLandline,
	"geographic":           KindLandline,
	"mobile":               KindMobile,
	"cellular":             KindMobile,
	"cell":                 KindMobile,
	"fixed_line_or_mobile": KindLandlineOrMobile,
	"landline_mobile":      KindLandlineOrMobile,
	"tollfree":             KindTollFree,
	"freephone":            KindTollFree,
	"premium_rate":         KindPremium,
}

// String returns the canonical text form of k, or "kind(N)" for a value that
// is not one of the constants.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// IsValid reports whether k is one of the defined kinds.
func (k Kind) IsValid() bool { return k < numKinds }

// ParseKind parses a kind: a canonical name ("landline", "toll_free", ...) or
// a common alias ("fixed line", "Toll-Free", "freephone", "cellular", ...),
// case-insensitively, with spaces and hyphens read as underscores.
func ParseKind(s string) (Kind, error) {
	norm := normalizeName(s)
	for k, name := range kindNames {
		if norm == name {
			return Kind(k), nil
		}
	}
	if k, ok := kindAliases[norm]; ok {
		return k, nil
	}
	return KindOther, core.FieldErrorf(core.Invalid, "kind", "unknown number kind %q (want one of %s)", s, strings.Join(kindNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler; it fails for invalid kinds.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.IsValid() {
		return nil, core.FieldErrorf(core.Invalid, "kind", "invalid number kind %d", k)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseKind.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// normalizeName lower-cases s, trims it and maps runs of spaces, hyphens and
// underscores to one underscore: "Connect  Fee" and "connect-fee" both become
// "connect_fee".
func normalizeName(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '_' || c == '\t':
			sep = true
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteByte(c)
	}
	return b.String()
}
