// Command deckgen generates Tollgate's default global rate deck from
// libphonenumber's metadata (github.com/nyaruka/phonenumbers) and the demo
// price list core/deck/global/prices.csv. It writes core/deck/global/global.csv
// and core/deck/global/global.snapshot, which are committed: the edge and the
// browser load the generated data, never libphonenumber itself.
//
// Run it through make from the repository root:
//
//	make deck        # regenerate the committed files
//	make check-deck  # regenerate into a temporary directory and compare
//	make bench-deck  # prefix count, snapshot size, decode and lookup speed
//
// or directly:
//
//	go run ./core/cmd/deckgen [-prices core/deck/global/prices.csv] [-out core/deck/global] [-stats]
//
// # How prefixes are derived
//
// For every calling code, libphonenumber lists the regions sharing it (in the
// order it uses to attribute a number: +1 is US, AG, AI, ..., CA, ...) and,
// per region, a regular expression and the possible lengths of each number
// type (fixed line, mobile, toll free, premium rate, shared cost, VoIP, ...).
// deckgen compiles every pattern to a Thompson NFA (regexp/syntax) and walks
// the national digits depth first: after each digit it knows, for every
// (region, type), whether some number of an allowed length can still start
// with the digits so far. As soon as every live alternative resolves to the
// same (country, kind) — by libphonenumber's own rules: the first region that
// owns the number, premium before toll free before the others before fixed
// line and mobile, fixed line and mobile together meaning "landline or
// mobile" — the prefix is decided. Siblings that agree collapse into their
// parent, which keeps the most common answer of its children as its own row,
// so the deck lists only the exceptions. Identical patterns (the NANP
// toll-free plan of 25 regions, the Australian mobile plan of AU, CX and CC)
// share one automaton, which is how the walk sees that they can never be told
// apart. The calling code itself is always a row: the catch-all for digits
// that match no pattern.
//
// The walk is exact except where numbers of different kinds differ only in
// their length (e.g. Vanuatu's five-digit toll-free numbers 81[18]xx start
// like seven-digit mobiles): a prefix cannot tell them apart and the deck
// prices such a prefix like the majority of its numbers.
//
// Output is deterministic: the same inputs give byte-identical files.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core/deck"
)

// maxDepth bounds the national digits of a derived prefix. It is a guard
// against pathological metadata, not a cut: the derivation of the real
// metadata converges before it (the longest prefix has 9 digits in all;
// TestDepthLimitNotBinding checks a deeper limit changes nothing).
const maxDepth = 12

// Output file names in the output directory.
const (
	csvName      = "global.csv"
	snapshotName = "global.snapshot"
)

func main() {
	prices := flag.String("prices", "core/deck/global/prices.csv", "the demo price list")
	out := flag.String("out", "core/deck/global", "directory to write "+csvName+" and "+snapshotName+" to")
	stats := flag.Bool("stats", false, "print prefix counts, snapshot size and decode/lookup speed instead of writing files")
	flag.Parse()
	if err := run(*prices, *out, *stats, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "deckgen:", err)
		os.Exit(1)
	}
}

func run(pricesPath, outDir string, stats bool, w io.Writer) error {
	f, err := os.Open(pricesPath)
	if err != nil {
		return err
	}
	defer f.Close()
	d, shadowed, err := generateCounting(f)
	if err != nil {
		return err
	}
	csvBytes, snap, err := render(d)
	if err != nil {
		return err
	}
	if stats {
		return printStats(w, d, shadowed, csvBytes, snap)
	}
	for _, file := range []struct {
		name string
		data []byte
	}{{csvName, csvBytes}, {snapshotName, snap}} {
		if err := writeFile(filepath.Join(outDir, file.name), file.data); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "deckgen: %d rows, %s %d bytes, %s %d bytes\n", len(d.Rows), csvName, len(csvBytes), snapshotName, len(snap))
	return nil
}

// writeFile replaces path atomically, so that a failed run never leaves half
// a deck behind.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// render encodes the deck as CSV and as the msgp snapshot.
func render(d *deck.Deck) (csvBytes, snapshot []byte, err error) {
	var buf bytes.Buffer
	if err := d.WriteCSV(&buf); err != nil {
		return nil, nil, err
	}
	ix, err := deck.NewIndex(d)
	if err != nil {
		return nil, nil, err
	}
	snap, err := deck.EncodeSnapshot(ix)
	if err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), snap, nil
}

// printStats prints what `make bench-deck` reports about the generated deck.
func printStats(w io.Writer, d *deck.Deck, shadowed []label, csvBytes, snap []byte) error {
	perKind := map[deck.Kind]int{}
	for _, r := range d.Rows {
		perKind[r.Kind]++
	}
	fmt.Fprintf(w, "global deck %q: %d prefixes\n", d.Version, len(d.Rows))
	for k := deck.KindOther; k.IsValid(); k++ {
		fmt.Fprintf(w, "  %-20s %6d\n", k, perKind[k])
	}
	fmt.Fprintf(w, "numbers a prefix cannot tell from longer ones of another kind (%d):", len(shadowed))
	for _, l := range shadowed {
		fmt.Fprintf(w, " %s/%s", l.country, l.kind)
	}
	fmt.Fprintln(w)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(snap)
	zw.Close()
	fmt.Fprintf(w, "csv:      %8d bytes\n", len(csvBytes))
	fmt.Fprintf(w, "snapshot: %8d bytes raw, %d bytes gzip\n", len(snap), gz.Len())

	var ix *deck.Index
	var decodeErr error
	decode := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ix, decodeErr = deck.DecodeSnapshot(snap)
		}
	})
	if decodeErr != nil {
		return decodeErr
	}
	fmt.Fprintf(w, "decode:   %s per snapshot, %d allocs\n", time.Duration(decode.NsPerOp()), decode.AllocsPerOp())

	// Look up one number under every row, spread over the whole deck.
	numbers := make([]string, len(d.Rows))
	for i, r := range d.Rows {
		n := r.Prefix + "0123456789"
		if len(n) > 15 {
			n = n[:15]
		}
		numbers[i] = n
	}
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	misses := 0
	lookup := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, ok := ix.Lookup(numbers[i%len(numbers)], at); !ok {
				misses++
			}
		}
	})
	if misses > 0 {
		return fmt.Errorf("%d lookups of numbers under deck rows found nothing", misses)
	}
	fmt.Fprintf(w, "lookup:   %d ns/op, %d allocs/op (%s lookups)\n", lookup.NsPerOp(), lookup.AllocsPerOp(), strconv.Itoa(lookup.N))
	return nil
}
