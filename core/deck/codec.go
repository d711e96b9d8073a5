package deck

import (
	"math"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/tinylib/msgp/msgp"
	"github.com/tollgate-voice/tollgate/core"
)

// snapshotFormat names the snapshot layout; DecodeSnapshot refuses others.
const snapshotFormat = "tollgate-deck/1"

// MaxSnapshotBytes bounds the size of a snapshot DecodeSnapshot accepts.
const MaxSnapshotBytes = 64 << 20

// EncodeSnapshot serializes the index's deck as MessagePack: what the edge
// and the browser load instead of parsing CSV. DecodeSnapshot rebuilds an
// equal index from it.
func EncodeSnapshot(ix *Index) ([]byte, error) {
	s := snapshot{Format: snapshotFormat, Version: ix.version, Currency: ix.currency,
		Places: make([]snapPlace, len(ix.places)), Tariffs: make([]snapTariff, len(ix.tariffs)), Rows: make([]snapRow, len(ix.recs))}
	for i, p := range ix.places {
		s.Places[i] = snapPlace{Destination: p.destination, Country: p.country}
	}
	for i := range ix.tariffs {
		f := ix.tariffs[i].fixed // never nil in an index
		st := snapTariff{Fee: int64(f.fee), Tiers: make([]snapTier, len(f.tiers))}
		for j, tr := range f.tiers {
			st.Tiers[j] = snapTier{From: int64(tr.from), Rate: int64(tr.rate), Inc: int64(tr.inc)}
		}
		s.Tariffs[i] = st
	}
	for i, r := range ix.recs {
		s.Rows[i] = snapRow{Prefix: ix.prefixes[i], Place: uint32(r.place), Kind: uint8(r.kind), Tariff: uint32(r.tariff),
			From: ix.instants[r.from].unix, To: ix.instants[r.to].unix}
	}
	b, err := s.MarshalMsg(nil)
	if err != nil {
		return nil, core.Errorf(core.Internal, "encoding the deck snapshot: %v", err)
	}
	return b, nil
}

// Unix seconds of the first and last instants an effective time may have
// (years 1900 to 9999, as Row.Validate requires).
var (
	minEffective = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxEffective = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

// DecodeSnapshot rebuilds an index from EncodeSnapshot's output. The input
// is treated as untrusted: its size is bounded (MaxSnapshotBytes), its
// structure is checked before anything is allocated so that a small input
// cannot claim a huge array, and the decoded deck must pass the same rules
// as Deck.Validate (rows in EncodeSnapshot's order). Errors have code
// core.Invalid.
func DecodeSnapshot(b []byte) (*Index, error) {
	if len(b) > MaxSnapshotBytes {
		return nil, core.Errorf(core.Invalid, "deck snapshot of %d bytes is larger than the limit of %d", len(b), MaxSnapshotBytes)
	}
	if rest, err := checkShape(b, 0); err != nil || len(rest) != 0 {
		return nil, core.Errorf(core.Invalid, "deck snapshot is not well-formed MessagePack")
	}
	var s snapshot
	if _, err := s.UnmarshalMsg(b); err != nil {
		return nil, core.Errorf(core.Invalid, "deck snapshot does not decode: %v", err)
	}
	if s.Format != snapshotFormat {
		return nil, core.Errorf(core.Invalid, "deck snapshot format %q is not %q", s.Format, snapshotFormat)
	}
	bad := func(format string, args ...any) (*Index, error) {
		return nil, core.Errorf(core.Invalid, "deck snapshot: "+format, args...)
	}
	if !validCurrency(s.Currency) {
		return bad("currency %q is not an ISO 4217 code", s.Currency)
	}
	if len(s.Version) > 64 || !utf8.ValidString(s.Version) {
		return bad("the version must be at most 64 bytes of UTF-8")
	}
	if len(s.Rows) > MaxRows {
		return bad("%d rows is more than the limit of %d", len(s.Rows), MaxRows)
	}
	ix := &Index{version: s.Version, currency: s.Currency, places: make([]place, len(s.Places)),
		tariffs: make([]Tariff, len(s.Tariffs)), prefixes: make([]string, len(s.Rows)), recs: make([]rec, len(s.Rows))}
	for i, p := range s.Places {
		r := Row{Prefix: "0", Destination: p.Destination, Country: p.Country}
		if err := r.validateFields(); err != nil {
			return bad("destination %d: %s", i, core.ErrorMessage(err))
		}
		ix.places[i] = place{p.Destination, p.Country}
	}
	for i, st := range s.Tariffs {
		t, err := st.tariff()
		if err != nil {
			return bad("tariff %d: %s", i, core.ErrorMessage(err))
		}
		ix.tariffs[i] = t
	}
	run := 0 // rows of the current prefix so far
	for i := range s.Rows {
		sr := &s.Rows[i]
		prefix := sr.Prefix
		if err := validatePrefix(prefix); err != nil {
			return bad("row %d: %s", i, core.ErrorMessage(err))
		}
		if int(sr.Place) >= len(ix.places) || int(sr.Tariff) >= len(ix.tariffs) {
			return bad("row %d refers to a missing destination or tariff", i)
		}
		if !Kind(sr.Kind).IsValid() {
			return bad("row %d: invalid number kind %d", i, sr.Kind)
		}
		if (sr.From != math.MinInt64 && (sr.From < minEffective || sr.From > maxEffective)) ||
			(sr.To != math.MaxInt64 && (sr.To < minEffective || sr.To > maxEffective)) || sr.From >= sr.To {
			return bad("row %d: bad effective range", i)
		}
		run++
		if i > 0 {
			prev, pp := &s.Rows[i-1], ix.prefixes[i-1]
			switch {
			case pp > prefix || (pp == prefix && prev.From > sr.From):
				return bad("rows are not in prefix and date order at row %d", i)
			case pp == prefix && prev.To > sr.From:
				return bad("row %d: duplicate prefix %s with overlapping effective ranges", i, prefix)
			case pp != prefix:
				run = 1
			}
		}
		if run > maxRowsPerPrefix {
			return bad("more than %d rows for prefix %s", maxRowsPerPrefix, prefix)
		}
		ix.prefixes[i] = prefix
		ix.recs[i] = rec{from: ix.instantOf(sr.From), to: ix.instantOf(sr.To), place: int32(sr.Place), tariff: int32(sr.Tariff), kind: Kind(sr.Kind)}
	}
	ix.buildLookup()
	return ix, nil
}

func (st snapTariff) tariff() (Tariff, error) {
	if len(st.Tiers) == 0 {
		return Tariff{}, core.Errorf(core.Invalid, "no tiers")
	}
	tiers := make([]Tier, len(st.Tiers))
	for i, tr := range st.Tiers {
		if tr.From < 0 || tr.From > MaxTierStart || tr.Inc < 0 || tr.Inc > MaxIncrement || tr.Rate < 0 {
			return Tariff{}, core.Errorf(core.Invalid, "tier %d is out of range", i)
		}
		tiers[i] = Tier{FromSecond: int(tr.From), PerMinute: fromNanos(tr.Rate), Increment: int(tr.Inc)}
	}
	if st.Fee < 0 {
		return Tariff{}, core.Errorf(core.Invalid, "negative connection fee")
	}
	t := Tariff{ConnectionFee: fromNanos(st.Fee), Tiers: tiers}
	return t.compiled()
}

// fromNanos returns n nano-units as a decimal with no trailing zeros.
func fromNanos(n int64) decimal.Decimal {
	if n == 0 {
		return decimal.Zero
	}
	exp := int32(-MaxRateDecimals)
	for exp < 0 && n%10 == 0 {
		n /= 10
		exp++
	}
	return decimal.New(n, exp)
}

// checkShape walks one MessagePack value and returns the bytes after it. It
// fails unless every array and map is complete, so that no header can claim
// more elements than the input holds, and limits nesting to maxDepth.
func checkShape(b []byte, depth int) ([]byte, error) {
	const maxDepth = 8
	if depth > maxDepth {
		return nil, msgp.ErrShortBytes // any error: the caller reports "not well-formed"
	}
	switch msgp.NextType(b) {
	case msgp.ArrayType:
		n, rest, err := msgp.ReadArrayHeaderBytes(b)
		if err != nil {
			return nil, err
		}
		if uint64(n) > uint64(len(rest)) {
			return nil, msgp.ErrShortBytes
		}
		for ; n > 0; n-- {
			if rest, err = checkShape(rest, depth+1); err != nil {
				return nil, err
			}
		}
		return rest, nil
	case msgp.MapType:
		n, rest, err := msgp.ReadMapHeaderBytes(b)
		if err != nil {
			return nil, err
		}
		if 2*uint64(n) > uint64(len(rest)) {
			return nil, msgp.ErrShortBytes
		}
		for n := 2 * uint64(n); n > 0; n-- {
			if rest, err = checkShape(rest, depth+1); err != nil {
				return nil, err
			}
		}
		return rest, nil
	default:
		return msgp.Skip(b)
	}
}
