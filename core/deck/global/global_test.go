package global_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/deck/global"
)

var at = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func mustIndex(t testing.TB) *deck.Index {
	t.Helper()
	ix, err := global.Index()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestEmbeddedDeck checks the embedded snapshot decodes (on every platform
// the core runs on, js/wasm included) and prices the product documents'
// examples.
func TestEmbeddedDeck(t *testing.T) {
	ix := mustIndex(t)
	if ix.Len() < 5000 || ix.Currency() != "USD" || ix.Version() == "" {
		t.Fatalf("default deck: %d rows, currency %q, version %q", ix.Len(), ix.Currency(), ix.Version())
	}
	again, err := global.Index()
	if err != nil || again != ix {
		t.Errorf("Index() is not decoded once: %p %p %v", ix, again, err)
	}
	tests := []struct {
		digits  string
		country string
		kind    deck.Kind
		seconds int
		cost    string
	}{
		{"61299999999", "AU", deck.KindLandline, 180, "0.39"}, // 3 min × 0.13
		{"61412345678", "AU", deck.KindMobile, 180, "1.14"},   // 3 min × 0.38
		{"61412345678", "AU", deck.KindMobile, 61, "0.76"},    // 60/60: two started minutes
		{"61412345678", "AU", deck.KindMobile, 0, "0"},        // unanswered
		{"12125550100", "US", deck.KindLandlineOrMobile, 60, "0.012"},
		{"18005550100", "US", deck.KindTollFree, 600, "0"},
		{"442079460000", "GB", deck.KindLandline, 61, "0.0203"}, // per second
		{"8812345678901", "", deck.KindMobile, 60, "5"},         // satellite: fee 0.50 + 4.50
	}
	for _, tt := range tests {
		r, ok := ix.Lookup(tt.digits, at)
		if !ok {
			t.Errorf("%s: no row", tt.digits)
			continue
		}
		got := r.Tariff.Price(tt.seconds)
		if r.Country != tt.country || r.Kind != tt.kind || !got.Equal(core.MustParseMoney(tt.cost)) {
			t.Errorf("%s: %s %q %s %s costs %s for %d s; want %s %s %s", tt.digits, r.Prefix, r.Destination, r.Country, r.Kind, got, tt.seconds, tt.country, tt.kind, tt.cost)
		}
	}
}

// TestSnapshotMatchesCSV: the embedded snapshot and the committed CSV are the
// same deck.
func TestSnapshotMatchesCSV(t *testing.T) {
	f, err := os.Open("global.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := deck.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	fromCSV, err := deck.NewIndex(d)
	if err != nil {
		t.Fatal(err)
	}
	a, b := mustIndex(t).Deck().Rows, fromCSV.Deck().Rows
	if len(a) != len(b) {
		t.Fatalf("snapshot %d rows, csv %d", len(a), len(b))
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			t.Fatalf("row %d differs: snapshot %v, csv %v", i, a[i], b[i])
		}
	}
}

func Example() {
	ix, err := global.Index()
	if err != nil {
		panic(err)
	}
	for _, number := range []string{"61299999999", "61412345678"} {
		r, _ := ix.Lookup(number, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
		fmt.Printf("+%s %s: %s/min, a 3-minute call costs US$%s\n", number, r.Destination, r.Tariff.Tiers[0].PerMinute, r.Tariff.Price(180))
	}
	// Output:
	// +61299999999 Australia - Landline: 0.13/min, a 3-minute call costs US$0.39
	// +61412345678 Australia - Mobile: 0.38/min, a 3-minute call costs US$1.14
}

// BenchmarkDecode decodes the default deck's snapshot and reports its size
// (prefixes, raw and gzip bytes).
func BenchmarkDecode(b *testing.B) {
	snap := global.Snapshot()
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(snap)
	zw.Close()
	b.SetBytes(int64(len(snap)))
	b.ReportAllocs()
	var ix *deck.Index
	for b.Loop() {
		var err error
		if ix, err = deck.DecodeSnapshot(snap); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ix.Len()), "prefixes")
	b.ReportMetric(float64(len(snap)), "raw-bytes")
	b.ReportMetric(float64(gz.Len()), "gzip-bytes")
}

// BenchmarkLookup looks up one number under each row of the default deck in
// turn.
func BenchmarkLookup(b *testing.B) {
	ix := mustIndex(b)
	rows := ix.Deck().Rows
	numbers := make([]string, len(rows))
	for i, r := range rows {
		n := r.Prefix + "0123456789"
		numbers[i] = n[:min(len(n), 15)]
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := ix.Lookup(numbers[i], at); !ok {
			b.Fatal("no row")
		}
		if i++; i == len(numbers) {
			i = 0
		}
	}
}
