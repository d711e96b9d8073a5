package deck

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/tinylib/msgp/msgp"
	"github.com/tollgate-voice/tollgate/core"
)

func TestSnapshotRoundTrip(t *testing.T) {
	decks := map[string]*Deck{
		"sample": loadSample(t),
		"random": randomDeck(rand.New(rand.NewPCG(11, 12)), 500),
	}
	for name, d := range decks {
		t.Run(name, func(t *testing.T) {
			ix, err := NewIndex(d)
			if err != nil {
				t.Fatal(err)
			}
			b, err := EncodeSnapshot(ix)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeSnapshot(b)
			if err != nil {
				t.Fatal(err)
			}
			if !back.Deck().Equal(ix.Deck()) {
				t.Fatal("decoded deck differs")
			}
			again, err := EncodeSnapshot(back)
			if err != nil || !bytes.Equal(again, b) {
				t.Fatalf("re-encoding differs: %v", err)
			}
			// The decoded index answers like the original.
			r := rand.New(rand.NewPCG(13, 14))
			for i := 0; i < 2000; i++ {
				digits, at := randomDigits(r, 1+r.IntN(10)), randomTime(r)
				if i%3 == 0 {
					digits = ix.Deck().Rows[r.IntN(ix.Len())].Prefix + digits
				}
				a, aok := ix.Lookup(digits, at)
				c, cok := back.Lookup(digits, at)
				if aok != cok || !a.Equal(c) || !a.Tariff.Price(61).Equal(c.Tariff.Price(61)) {
					t.Fatalf("Lookup(%s, %s) differs after decoding", digits, at)
				}
			}
		})
	}
}

// encodeRaw marshals a hand-made snapshot, for testing what DecodeSnapshot
// refuses.
func encodeRaw(t testing.TB, s snapshot) []byte {
	b, err := s.MarshalMsg(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeSnapshotRejects(t *testing.T) {
	ix, err := NewIndex(loadSample(t))
	if err != nil {
		t.Fatal(err)
	}
	good, err := EncodeSnapshot(ix)
	if err != nil {
		t.Fatal(err)
	}
	valid := func() snapshot {
		var s snapshot
		if _, err := s.UnmarshalMsg(good); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// A small input whose header claims 2^32-1 rows.
	huge := msgp.AppendMapHeader(nil, 1)
	huge = msgp.AppendString(huge, "rows")
	huge = msgp.AppendArrayHeader(huge, 1<<32-1)

	cases := map[string][]byte{
		"empty":            nil,
		"garbage":          []byte("hello, world"),
		"huge array claim": huge,
		"trailing bytes":   append(append([]byte(nil), good...), 0xc0),
		"deep nesting":     bytes.Repeat([]byte{0x91}, 100),
	}
	mutate := map[string]func(*snapshot){
		"wrong format":      func(s *snapshot) { s.Format = "tollgate-deck/0" },
		"no currency":       func(s *snapshot) { s.Currency = "" },
		"place index":       func(s *snapshot) { s.Rows[0].Place = uint32(len(s.Places)) },
		"tariff index":      func(s *snapshot) { s.Rows[0].Tariff = 1 << 30 },
		"negative rate":     func(s *snapshot) { s.Tariffs[0].Tiers[0].Rate = -1 },
		"absurd rate":       func(s *snapshot) { s.Tariffs[0].Tiers[0].Rate = 1 << 62 },
		"zero increment":    func(s *snapshot) { s.Tariffs[0].Tiers[0].Inc = 0 },
		"no tiers":          func(s *snapshot) { s.Tariffs[0].Tiers = nil },
		"negative fee":      func(s *snapshot) { s.Tariffs[0].Fee = -5 },
		"bad prefix":        func(s *snapshot) { s.Rows[0].Prefix = "+61" },
		"empty prefix":      func(s *snapshot) { s.Rows[0].Prefix = "" },
		"unsorted":          func(s *snapshot) { s.Rows[0], s.Rows[1] = s.Rows[1], s.Rows[0] },
		"bad kind":          func(s *snapshot) { s.Rows[0].Kind = 200 },
		"bad country":       func(s *snapshot) { s.Places[0].Country = "Australia" },
		"duplicate":         func(s *snapshot) { s.Rows[1] = s.Rows[0] },
		"inverted range":    func(s *snapshot) { s.Rows[0].To = s.Rows[0].From },
		"time out of range": func(s *snapshot) { s.Rows[0].From = 1 << 60 },
	}
	for name, f := range mutate {
		s := valid()
		f(&s)
		cases[name] = encodeRaw(t, s)
	}
	for i := 0; i < len(good); i += 7 {
		cases["truncated at "+itoa(i)] = good[:i]
	}
	for name, b := range cases {
		if ix, err := DecodeSnapshot(b); ix != nil || core.ErrorCode(err) != core.Invalid {
			t.Errorf("%s: DecodeSnapshot = %v, %v; want invalid", name, ix, err)
		}
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	ix, err := NewIndex(loadSample(f))
	if err != nil {
		f.Fatal(err)
	}
	good, err := EncodeSnapshot(ix)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{0x81, 0xa4, 'r', 'o', 'w', 's', 0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		ix, err := DecodeSnapshot(b)
		if err != nil {
			if ix != nil || core.ErrorCode(err) != core.Invalid {
				t.Fatalf("error %v with index", err)
			}
			return
		}
		again, err := EncodeSnapshot(ix)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeSnapshot(again)
		if err != nil || !back.Deck().Equal(ix.Deck()) {
			t.Fatalf("re-encoded snapshot does not round-trip: %v", err)
		}
		_, _ = ix.Lookup("61412345678", time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	})
}

func TestDecodeSnapshotDoesNotTrustHeaders(t *testing.T) {
	// A 10-byte input claiming 2^32-1 rows must fail without allocating for them.
	b := msgp.AppendMapHeader(nil, 1)
	b = msgp.AppendString(b, "rows")
	b = msgp.AppendArrayHeader(b, 1<<32-1)
	b = append(b, 0x97)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < 10; i++ {
		if _, err := DecodeSnapshot(b); err == nil {
			t.Fatal("decoded")
		}
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("10 decodes of a %d-byte input allocated %d bytes", len(b), n)
	}
}
