package deck

import (
	"math"
	"strconv"
	"time"

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
	d := ix.deck
	s := snapshot{Format: snapshotFormat, Version: d.Version, Currency: d.Currency, Rows: make([]snapRow, len(d.Rows))}
	places := make(map[snapPlace]uint32)
	byPtr := make(map[*fixedTariff]uint32)
	byKey := make(map[string]uint32)
	var key []byte
	for i := range d.Rows {
		r := &d.Rows[i]
		pl := snapPlace{Destination: r.Destination, Country: r.Country}
		pi, ok := places[pl]
		if !ok {
			pi = uint32(len(s.Places))
			places[pl] = pi
			s.Places = append(s.Places, pl)
		}
		f := r.Tariff.fixed // never nil in an index
		ti, ok := byPtr[f]
		if !ok {
			key = strconv.AppendUint(key[:0], f.fee, 10)
			for _, tr := range f.tiers {
				key = append(key, ';')
				key = strconv.AppendUint(key, tr.from, 10)
				key = append(key, ':')
				key = strconv.AppendUint(key, tr.rate, 10)
				key = append(key, '/')
				key = strconv.AppendUint(key, tr.inc, 10)
			}
			if ti, ok = byKey[string(key)]; !ok {
				ti = uint32(len(s.Tariffs))
				byKey[string(key)] = ti
				st := snapTariff{Fee: int64(f.fee), Tiers: make([]snapTier, len(f.tiers))}
				for j, tr := range f.tiers {
					st.Tiers[j] = snapTier{From: int64(tr.from), Rate: int64(tr.rate), Inc: int64(tr.inc)}
				}
				s.Tariffs = append(s.Tariffs, st)
			}
			byPtr[f] = ti
		}
		s.Rows[i] = snapRow{Prefix: r.Prefix, Place: pi, Kind: uint8(r.Kind), Tariff: ti, From: fromUnix(r), To: toUnix(r)}
	}
	b, err := s.MarshalMsg(nil)
	if err != nil {
		return nil, core.Errorf(core.Internal, "encoding the deck snapshot: %v", err)
	}
	return b, nil
}

// DecodeSnapshot rebuilds an index from EncodeSnapshot's output. The input
// is treated as untrusted: its size is bounded (MaxSnapshotBytes), its
// structure is checked before anything is allocated so that a small input
// cannot claim a huge array, and the decoded deck is validated like any
// other. Errors have code core.Invalid.
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
	tariffs := make([]Tariff, len(s.Tariffs))
	for i, st := range s.Tariffs {
		t, err := st.tariff()
		if err != nil {
			return nil, core.Errorf(core.Invalid, "deck snapshot tariff %d: %s", i, core.ErrorMessage(err))
		}
		tariffs[i] = t
	}
	d := &Deck{Version: s.Version, Currency: s.Currency, Rows: make([]Row, len(s.Rows))}
	for i, sr := range s.Rows {
		if int(sr.Place) >= len(s.Places) || int(sr.Tariff) >= len(tariffs) {
			return nil, core.Errorf(core.Invalid, "deck snapshot row %d refers to a missing destination or tariff", i)
		}
		pl := s.Places[sr.Place]
		r := &d.Rows[i]
		*r = Row{Prefix: sr.Prefix, Destination: pl.Destination, Country: pl.Country, Kind: Kind(sr.Kind), Tariff: tariffs[sr.Tariff]}
		if sr.From != math.MinInt64 {
			r.EffectiveFrom = time.Unix(sr.From, 0).UTC()
		}
		if sr.To != math.MaxInt64 {
			r.EffectiveTo = time.Unix(sr.To, 0).UTC()
		}
	}
	if d.Currency == "" {
		return nil, core.Errorf(core.Invalid, "deck snapshot has no currency")
	}
	if err := d.Validate(); err != nil {
		return nil, core.Errorf(core.Invalid, "deck snapshot holds an invalid deck: %s", core.ErrorMessage(err))
	}
	return buildIndex(d), nil
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
