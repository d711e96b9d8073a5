package deck

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

var (
	t2026 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2027 = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
)

// randomDeck returns a valid deck of about n rows over a small digit
// alphabet (so that prefixes nest), with some prefixes repeated over
// consecutive effective ranges.
func randomDeck(r *rand.Rand, n int) *Deck {
	tariffs := make([]Tariff, 8)
	for i := range tariffs {
		tariffs[i] = randomTariff(r)
	}
	seen := map[string]bool{}
	d := &Deck{Version: "random", Currency: "USD"}
	for len(d.Rows) < n {
		p := randomDigits(r, 1+r.IntN(6))
		if r.IntN(30) == 0 { // now and then a long one, up to the limit
			p += randomDigits(r, r.IntN(MaxPrefixDigits-len(p)+1))
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		row := Row{Prefix: p, Destination: "Dest " + p, Country: "AU", Kind: Kind(r.IntN(int(numKinds))), Tariff: tariffs[r.IntN(len(tariffs))]}
		switch r.IntN(4) {
		case 0: // always
			d.Rows = append(d.Rows, row)
		case 1: // from a date
			row.EffectiveFrom = t2026.Add(time.Duration(r.IntN(400)) * 24 * time.Hour)
			d.Rows = append(d.Rows, row)
		default: // a price change: two consecutive ranges, maybe a gap, maybe a closed end
			mid := t2026.Add(time.Duration(1+r.IntN(400)) * 24 * time.Hour)
			a, b := row, row
			a.EffectiveFrom, a.EffectiveTo = t2026, mid
			b.EffectiveFrom = mid.Add(time.Duration(r.IntN(3)) * 24 * time.Hour)
			if r.IntN(2) == 0 {
				b.EffectiveTo = b.EffectiveFrom.Add(30 * 24 * time.Hour)
			}
			b.Tariff = tariffs[r.IntN(len(tariffs))]
			d.Rows = append(d.Rows, b, a) // deliberately out of order
		}
	}
	return d
}

func randomDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123"[r.IntN(4)] // a small alphabet makes prefixes nest
		if r.IntN(10) == 0 {
			b[i] = byte('0' + r.IntN(10))
		}
	}
	return string(b)
}

func randomTime(r *rand.Rand) time.Time {
	return t2026.Add(time.Duration(r.Int64N(int64(500*24*time.Hour))) - 24*time.Hour).Truncate(time.Second).Add(time.Duration(r.IntN(2)) * 500 * time.Millisecond)
}

// indexVariants returns indexes of d exercising each lookup path: no top
// table, 5- and 6-digit top tables, and every slot sent to the slow path
// (as when effective times do not fit a slot).
func indexVariants(t testing.TB, d *Deck) map[string]*Index {
	t.Helper()
	vs := map[string]*Index{}
	for _, name := range []string{"top0", "top5", "top6", "slow-slots"} {
		ix, err := NewIndex(d)
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "top0":
			ix.buildTop(0)
		case "top5":
			ix.buildTop(5)
		case "top6":
			ix.buildTop(6)
		case "slow-slots":
			for i := range ix.slots {
				ix.slots[i].from, ix.slots[i].to = noRangeFrom, noRangeTo
			}
		}
		vs[name] = ix
	}
	return vs
}

// checkAgainstSlow compares Lookup and Find with lookupSlow.
func checkAgainstSlow(t *testing.T, name string, ix *Index, d *Deck, digits string, at time.Time) {
	t.Helper()
	got, ok := ix.Lookup(digits, at)
	want, wok := lookupSlow(d, digits, at)
	if ok != wok || !got.Equal(want) {
		t.Fatalf("%s: Lookup(%q, %s) = %+v %v, slow %+v %v", name, digits, at, got, ok, want, wok)
	}
	ref, fok := ix.Find(digits, at)
	if fok != wok || ref.IsValid() != wok || !ref.Row().Equal(want) || ref.Prefix() != want.Prefix ||
		ref.Destination() != want.Destination || ref.Country() != want.Country || ref.Kind() != want.Kind ||
		!ref.Tariff().Equal(want.Tariff) || !ref.EffectiveFrom().Equal(want.EffectiveFrom) || !ref.EffectiveTo().Equal(want.EffectiveTo) {
		t.Fatalf("%s: Find(%q, %s) = %+v %v, slow %+v %v", name, digits, at, ref.Row(), fok, want, wok)
	}
}

func TestIndexMatchesSlow(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n, queries := 3000, 20000
	if runtime.GOARCH == "wasm" {
		n, queries = 1000, 3000
	}
	d := randomDeck(r, n)
	vs := indexVariants(t, d)
	if ix, _ := NewIndex(d); n >= topMinRows && (ix.topDigits != 5 || len(ix.top) != 100_000) {
		t.Fatalf("a %d-row deck has a %d-digit top table", len(d.Rows), ix.topDigits)
	}
	for i := 0; i < queries; i++ {
		digits := randomDigits(r, r.IntN(16))
		if r.IntN(20) == 0 {
			digits += "x1"
		}
		at := randomTime(r)
		if i%10 == 0 { // exactly on an effective boundary
			row := d.Rows[r.IntN(len(d.Rows))]
			at, digits = row.EffectiveFrom, row.Prefix+digits
			if !row.EffectiveTo.IsZero() && r.IntN(2) == 0 {
				at = row.EffectiveTo
			}
		}
		for name, ix := range vs {
			checkAgainstSlow(t, name, ix, d, digits, at)
		}
	}
}

func TestTopDigitsFor(t *testing.T) {
	for _, tt := range []struct{ rows, want int }{{0, 0}, {topMinRows - 1, 0}, {topMinRows, 5}, {topWideMinRows - 1, 5}, {topWideMinRows, 6}, {MaxRows, 6}} {
		if got := topDigitsFor(tt.rows); got != tt.want {
			t.Errorf("topDigitsFor(%d) = %d, want %d", tt.rows, got, tt.want)
		}
	}
}

func TestZeroRowRef(t *testing.T) {
	var r RowRef
	if r.IsValid() || r.Prefix() != "" || r.Destination() != "" || r.Country() != "" || r.Kind() != KindOther ||
		!r.EffectiveFrom().IsZero() || !r.EffectiveTo().IsZero() || len(r.Tariff().Tiers) != 0 || !r.Row().Equal(Row{}) {
		t.Error("the zero RowRef refers to a row")
	}
}

func TestEffectiveDating(t *testing.T) {
	mid := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	old := MustNewTariff(decimal.Zero, SimpleTiers(m("0.02"), 60, 60)...)
	nw := MustNewTariff(decimal.Zero, SimpleTiers(m("0.03"), 60, 60)...)
	d := &Deck{Rows: []Row{
		{Prefix: "44", Destination: "UK", Country: "GB", Kind: KindLandline, Tariff: old, EffectiveFrom: t2026, EffectiveTo: mid},
		{Prefix: "44", Destination: "UK", Country: "GB", Kind: KindLandline, Tariff: nw, EffectiveFrom: mid},
		{Prefix: "447", Destination: "UK Mobile", Country: "GB", Kind: KindMobile, Tariff: nw, EffectiveFrom: mid, EffectiveTo: t2027},
	}}
	ix, err := NewIndex(d)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Currency() != "USD" || ix.Len() != 3 || ix.Version() != "" {
		t.Errorf("currency %q len %d version %q", ix.Currency(), ix.Len(), ix.Version())
	}
	london := time.FixedZone("BST", 3600)
	tests := []struct {
		digits string
		at     time.Time
		prefix string
		rate   string
	}{
		{"442079460000", t2026.Add(-time.Second), "", ""},         // before the deck
		{"442079460000", t2026, "44", "0.02"},                     // from is inclusive
		{"442079460000", mid.Add(-time.Nanosecond), "44", "0.02"}, // sub-second before the change
		{"442079460000", mid, "44", "0.03"},                       // to is exclusive
		{"442079460000", mid.In(london), "44", "0.03"},            // same instant, other zone
		{"447700900000", mid.Add(-time.Second), "44", "0.02"},     // mobile row not yet in force: shorter prefix
		{"447700900000", mid, "447", "0.03"},                      // ...now it is
		{"447700900000", t2027, "44", "0.03"},                     // ...and ended again
		{"447700900000", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), "44", "0.03"},
	}
	for _, tt := range tests {
		got, ok := ix.Lookup(tt.digits, tt.at)
		if ok != (tt.prefix != "") || got.Prefix != tt.prefix {
			t.Errorf("Lookup(%s, %s) = %q %v, want %q", tt.digits, tt.at, got.Prefix, ok, tt.prefix)
			continue
		}
		if ok && !got.Tariff.Tiers[0].PerMinute.Equal(m(tt.rate)) {
			t.Errorf("Lookup(%s, %s) rate %s, want %s", tt.digits, tt.at, got.Tariff.Tiers[0].PerMinute, tt.rate)
		}
	}
}

func TestNewIndexRejectsAndCopies(t *testing.T) {
	tr := MustNewTariff(decimal.Zero, SimpleTiers(m("0.1"), 60, 60)...)
	good := Row{Prefix: "61", Destination: "AU", Country: "AU", Tariff: tr}
	bad := []struct {
		name string
		d    *Deck
	}{
		{"duplicate", &Deck{Rows: []Row{good, good}}},
		{"bad prefix", &Deck{Rows: []Row{{Prefix: "6a", Destination: "AU", Tariff: tr}}}},
		{"no tariff", &Deck{Rows: []Row{{Prefix: "61", Destination: "AU"}}}},
		{"bad currency", &Deck{Currency: "usd", Rows: []Row{good}}},
		{"sub-second", &Deck{Rows: []Row{{Prefix: "61", Destination: "AU", Tariff: tr, EffectiveFrom: t2026.Add(time.Millisecond)}}}},
		{"lower-case country", &Deck{Rows: []Row{{Prefix: "61", Destination: "AU", Country: "au", Tariff: tr}}}},
		{"bad kind", &Deck{Rows: []Row{{Prefix: "61", Destination: "AU", Kind: numKinds, Tariff: tr}}}},
	}
	for _, tt := range bad {
		if ix, err := NewIndex(tt.d); ix != nil || core.ErrorCode(err) != core.Invalid {
			t.Errorf("%s: NewIndex = %v, %v; want invalid", tt.name, ix, err)
		}
	}
	d := &Deck{Rows: []Row{{Prefix: "64", Destination: "NZ", Country: "NZ", Tariff: tr}, good}}
	ix, err := NewIndex(d)
	if err != nil {
		t.Fatal(err)
	}
	if d.Rows[0].Prefix != "64" || d.Currency != "" {
		t.Error("NewIndex modified its argument")
	}
	if ix.Deck().Rows[0].Prefix != "61" {
		t.Error("index rows are not sorted")
	}
}

func TestLookupAllocs(t *testing.T) {
	ix, err := NewIndex(loadSample(t))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	var row Row
	allocs := testing.AllocsPerRun(100, func() {
		row, _ = ix.Lookup("61412345678", at)
	})
	if allocs != 0 || row.Prefix != "614" {
		t.Errorf("Lookup: %v allocations, prefix %q", allocs, row.Prefix)
	}
	var ref RowRef
	allocs = testing.AllocsPerRun(100, func() {
		ref, _ = ix.Find("61412345678", at)
	})
	if allocs != 0 || ref.Prefix() != "614" {
		t.Errorf("Find: %v allocations, prefix %q", allocs, ref.Prefix())
	}
	tr := row.Tariff
	budget := m("12.5")
	allocs = testing.AllocsPerRun(100, func() { _ = tr.MaxSeconds(budget) })
	if allocs != 0 {
		t.Errorf("MaxSeconds: %v allocations", allocs)
	}
	allocs = testing.AllocsPerRun(100, func() { _, _ = tr.PriceUnits(10800) })
	if allocs != 0 {
		t.Errorf("PriceUnits: %v allocations", allocs)
	}
}

func FuzzLookup(f *testing.F) {
	d := randomDeck(rand.New(rand.NewPCG(9, 10)), 500)
	vs := indexVariants(f, d)
	f.Add("0123012", int64(0))
	f.Add("2", int64(86400*200))
	f.Add("31x", int64(-86400))
	f.Add("0123012301230123", int64(86400))
	for _, r := range d.Rows[:20] {
		f.Add(r.Prefix+"5", fromUnix(&r)-t2026.Unix())
	}
	f.Fuzz(func(t *testing.T, digits string, offset int64) {
		at := t2026.Add(time.Duration(offset%(1<<40)) * time.Second)
		for name, ix := range vs {
			checkAgainstSlow(t, name, ix, d, digits, at)
		}
	})
}

func TestHeaderMatchesColumns(t *testing.T) {
	if got := strings.Join(columnNames[:], ","); got != Header {
		t.Errorf("columns %q, Header %q", got, Header)
	}
}

func TestZeroIndex(t *testing.T) {
	var ix Index
	if _, ok := ix.Lookup("61412345678", t2026); ok {
		t.Error("the zero Index found a row")
	}
	if ix.Len() != 0 || ix.Currency() != DefaultCurrency || len(ix.Deck().Rows) != 0 {
		t.Error("the zero Index is not an empty deck")
	}
}

// TestIndexConcurrent lets -race check that lookups and the lazily built
// Deck of a decoded index are safe for concurrent use.
func TestIndexConcurrent(t *testing.T) {
	ix, err := NewIndex(loadSample(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeSnapshot(ix)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := DecodeSnapshot(b)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				if r, ok := decoded.Lookup("61412345678", t2027); !ok || r.Prefix != "614" {
					t.Error("lookup failed")
					return
				}
				if len(decoded.Deck().Rows) != ix.Len() {
					t.Error("deck rows differ")
					return
				}
			}
		}()
	}
	wg.Wait()
}

// lookupSlow is the obvious definition of Lookup: scan every row. It is the
// reference the tests compare the index with.
func lookupSlow(d *Deck, digits string, at time.Time) (Row, bool) {
	best := -1
	for i := range d.Rows {
		r := &d.Rows[i]
		if strings.HasPrefix(digits, r.Prefix) && r.InForce(at) && (best < 0 || len(r.Prefix) > len(d.Rows[best].Prefix)) {
			best = i
		}
	}
	if best < 0 {
		return Row{}, false
	}
	return d.Rows[best], true
}
