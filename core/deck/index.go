package deck

import (
	"math"
	"math/bits"
	"sort"
	"sync"
	"time"
)

// Index answers "which row prices a call to these digits starting at this
// time?" for one deck version: the row with the longest prefix of the
// digits among the rows in force at that time. It is immutable once built
// and safe for concurrent use. Build one with NewIndex or DecodeSnapshot; the
// zero Index is an empty deck.
//
// # Design
//
// A lookup is bound by memory latency, not by arithmetic: on a 100,000-prefix
// deck the structures do not fit in the L2 cache, and every load that depends
// on an earlier one costs a cache miss (about 20 ns within the TLB's reach on
// the machines we measured, many times that beyond it). A digit trie costs
// one dependent miss per digit of the prefix, or per level after a jump
// table (the previous index: ~115 ns); this index costs two, whatever the
// prefix length, and keeps what a lookup touches to a few megabytes:
//
//   - lens has one bit per prefix length present in the deck. For large
//     decks, top refines it per start of the number: for each topDigits-digit
//     string x, the lengths of the prefixes that can match a number starting
//     with x (the prefixes of x, and the longer prefixes starting with x).
//     topDigits is 5 (200 KB) from topMinRows rows and 6 (2 MB) from
//     topWideMinRows rows; with 6 digits a lookup on a 100,000-prefix deck
//     probes 1.2 lengths on average, with 5 about 3.
//   - slots is an open-addressing hash table (linear probing, load ≤ 1/2,
//     16-byte slots, four to a cache line) of the distinct prefixes, keyed by
//     the prefix as a number with a leading 1 (10^len + value), so that every
//     digit string has its own key. A slot holds the prefix's last row (the
//     latest effective range) and that row's effective range as positions in
//     instants, a small table that stays in cache.
//
// Find reads the digits (only as many as the longest prefix of the deck) into
// the keys of all their prefixes, reads the length mask, then probes the
// lengths of the mask from the longest down; the first hit whose last row is
// in force is the answer, found without touching the rows. When that row is
// not in force (an older or a future-dated price), Find checks the prefix's
// earlier rows in recs (rec.run counts them) and then goes on with shorter
// lengths, which is exactly the definition. The 2 MB table pays for itself:
// the probes' outcomes are unpredictable, so each needless probe costs a
// mispredicted branch that waits for its miss.
//
// Measured and rejected (go test -bench Lookup, 2-core EPYC VM): a 5-digit
// or no top table (~1.6× and ~2× slower), a 1-byte top entry (no faster), a
// hash table at load 0.8 (2 MB instead of 4 MB, but slower: longer probe
// runs), 8-byte slots storing the residual of an invertible hash instead of
// the key (2 MB at load 0.38, but no faster: more arithmetic per probe),
// probing the lengths beyond the top table before reading it (slower:
// mispredicted probes).
//
// Also measured and rejected, aiming at one dependent miss per lookup
// (December 2026, thread CPU time per lookup over 2^20 numbers, medians of
// 7-9 interleaved passes, the machine loaded by other builds; the design
// above measured 60-64 ns uniform and 53-69 ns Zipf in the same runs):
//   - a 5-digit top table (200 KB, stays in L2) with the lengths of the
//     longer prefixes folded into the hash table: the slot of each 6-digit
//     string marks the lengths of the prefixes that extend it, and is
//     probed at the same time as the slot of the longest shorter length,
//     so that answers of up to 6 digits cost one miss: 105 and 78 ns.
//     Most answers are longer than 6 digits (they still cost two dependent
//     misses), and the extra probe and the marks (load 0.52) cost more
//     than the 2 MB table saves;
//   - a table of the prefixes of 6 digits or more homed by their first 6
//     digits (one cache line holds all the candidates of a number, found
//     with one miss) plus the 5-digit table for the shorter ones: 126 and
//     96 ns against 128 and 82, no better, with scans that grow with the
//     prefixes under one 6-digit string;
//   - loading the first slot of every candidate length before branching on
//     any (independent loads): no faster;
//   - 4-byte top entries that hold the answer itself (row and effective
//     range) when no prefix longer than 6 digits starts with those digits,
//     so that a third of the lookups read nothing else: 78 and 52 ns
//     against 59 and 45 (the 4 MB table costs the other lookups more);
//   - reading the first 8 digits at once (SWAR) and dividing by multiplying
//     (the digits alone: 12 → 8 ns): 61 ns, no measurable gain; the top
//     index from six independent multiplications instead of the digit
//     chain: slower (125 and 84 ns against 87 and 69).
//
// Over precomputed keys (no digits to read) the same probes took 53-75 %
// of the time of a lookup from the digits in the same runs: the digit
// chain, the top read that waits for it and mispredicted probe branches
// weigh as much as the size of the tables.
//
// Also measured and rejected, aiming at overlapping the misses of
// consecutive lookups by taking the mispredicted branches out of the probe
// (6 December 2026). The same 4 MB of 16-byte slots, regrouped as buckets
// of four, 64-byte aligned (a large allocation starts on a page), the
// overflow of a bucket marked in its first key, the four keys compared
// with SETcc arithmetic, no branch. Thread CPU time per lookup, each
// variant and this design in the same iterations, warmed as in
// BenchmarkLookup/paired, medians of 7-9, load average 3.4-5.7 from other
// builds; the experiment's code was not kept:
//   - no branch at all on the common paths: both the longest and the
//     second longest candidate lengths probed, hit and miss resolved by
//     masks, a branch only to a general loop (3 % of lookups): 111-156 ns
//     uniform and 76-86 Zipf against 69-82 and 60-71 for this design. The
//     second probe and the arithmetic cost more than the mispredictions:
//     with 256 numbers cycled over (all in cache, every branch learnt) it
//     takes 47-81 ns against 27-43;
//   - the longest candidate probed without branches, any failure to a
//     general loop: 138 and 67 ns against 82 and 61;
//   - this design's control flow over buckets matched without branches:
//     94 ns uniform against 69-77, 58-62 Zipf against 60-71 (a tie), but
//     faster in every pair of the cold regime (BenchmarkLookup/cold's
//     alternation every 4,096 numbers): 103-158 against 127-189 uniform,
//     70-85 against 89-108 Zipf. Not taken: the paired regime is the
//     target's.
//
// Our reading: when the warm-up leaves the tables in the L3 cache, a
// predicted branch lets the core run on into the next lookup before the
// slot arrives, where a data dependency makes it wait; and with everything
// cached and every branch learnt a lookup still takes ~30 ns, so
// mispredictions are not what keeps it from 40 ns. 2 MiB pages for the
// tables (mmap with MADV_HUGEPAGE, an experiment outside core: Go's heap
// gets none when transparent huge pages are "madvise", as here) gained at
// most ~10 %, within the noise, and do not exist for the wasm builds.
//
// # Measuring
//
// BenchmarkLookup/paired is the measure of the target (Find ≤ 40
// ns, ≥ 8× a map per prefix length): the two structures over the same 2^20
// numbers in the same iterations, each warmed by 2^20 other numbers first.
// The figures quoted before December 2026 (Find 47.9 ns uniform and 39.0
// ns Zipf, 11× and 6×) timed each structure alone over 16,384 numbers
// cycled over, which keeps just the lines those numbers touch in the L2
// cache; the paired benchmark of then alternated every 16,384 numbers, so
// that each structure always started cold (4.0× and 3.1×: the regime that
// BenchmarkLookup/cold now reports, 3.8× and 3.2×). On 6 December 2026
// (2-core EPYC VM, load average 2.4-3.4 from other builds; medians of
// -count=5): paired uniform 60 ns against 579 ns (9.8×; thread CPU time
// 60 ns, 9.4×), paired Zipf 52 ns against 244 ns (4.7×). The target is not
// met: Find is bound by the slot read (half its time in go tool pprof), the
// baseline profits from Zipf locality much more than the index (its map
// entries of popular prefixes stay cached), and 17-19 % of lookups probe a
// longer length that does not match (a random miss) before the one that
// does.
//
// Rows are kept in a compact form (20 bytes, with destinations, tariffs and
// effective times in small shared tables). Find returns a RowRef, a handle
// whose accessors read one field each; Lookup builds the whole Row without
// allocating (one more cache miss, for the compact row), and Deck builds the
// full rows only when first asked (a decoded snapshot never needs them to
// answer).
type Index struct {
	version, currency string
	prefixes          []string  // row prefixes, sorted, then by effective date
	recs              []rec     // compact rows, parallel to prefixes
	instants          []instant // distinct effective times; 0 = always, 1 = open-ended
	instantIndex      map[int64]int32
	places            []place  // distinct destinations
	tariffs           []Tariff // distinct tariffs, compiled

	lens      uint16   // bit l: some prefix has l digits
	top       []uint16 // nil, or for each topDigits-digit string the lengths that may match it
	topDigits uint8    // 0 (no top), 5 or 6
	slots     []slot   // hash table of the distinct prefixes; len is a power of two
	shift     uint8    // 64 - log2(len(slots))

	deckOnce sync.Once
	deck     *Deck
}

const (
	topMinRows     = 2048
	topWideMinRows = 65536
)

// rec is the compact form of a row (20 bytes).
type rec struct {
	from, to      int32 // effective range [from, to), positions in Index.instants
	place, tariff int32 // positions in Index.places and Index.tariffs
	kind          Kind
	run           uint16 // rows of the same prefix before this one
}

// slot is one entry of the prefix hash table (16 bytes).
type slot struct {
	key      uint64 // prefixKey of the prefix; 0 = empty
	row      int32  // the prefix's last row
	from, to uint16 // the row's effective range in Index.instants; noRange if it does not fit
}

// noRange is the from and to of a slot whose row's range does not fit in
// 16 bits: never in force, so Find checks the row itself.
const noRangeFrom, noRangeTo = 1, 0

// hashMul is 2^64 divided by the golden ratio (Fibonacci hashing).
const hashMul = 0x9E3779B97F4A7C15

// prefixKey returns the hash key of a digit string of at most 15 digits:
// its value with a leading 1, so that "1" and "01" differ.
func prefixKey(p string) uint64 {
	k := uint64(1)
	for i := 0; i < len(p); i++ {
		k = k*10 + uint64(p[i]-'0')
	}
	return k
}

// instant is an effective time both as Unix seconds (to compare) and as
// the time.Time a Row carries (zero for the open bounds).
type instant struct {
	unix int64
	t    time.Time
}

// instantOf returns the position of an effective time given in Unix seconds
// (math.MinInt64 and math.MaxInt64 for the open bounds) in ix.instants,
// adding it if new.
func (ix *Index) instantOf(unix int64) int32 {
	if ix.instantIndex == nil {
		ix.instants = []instant{{unix: math.MinInt64}, {unix: math.MaxInt64}}
		ix.instantIndex = map[int64]int32{math.MinInt64: 0, math.MaxInt64: 1}
	}
	if i, ok := ix.instantIndex[unix]; ok {
		return i
	}
	i := int32(len(ix.instants))
	ix.instants = append(ix.instants, instant{unix: unix, t: time.Unix(unix, 0).UTC()})
	ix.instantIndex[unix] = i
	return i
}

type place struct{ destination, country string }

// NewIndex validates d and builds its index. The index keeps its own copy of
// the deck, with the rows sorted by prefix and effective date and the
// tariffs compiled; d is not modified. An empty Currency becomes
// DefaultCurrency. The error is an *ImportError (code core.Invalid).
func NewIndex(d *Deck) (*Index, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	c := &Deck{Version: d.Version, Currency: d.Currency, Rows: append([]Row(nil), d.Rows...)}
	if c.Currency == "" {
		c.Currency = DefaultCurrency
	}
	for i := range c.Rows {
		t := &c.Rows[i].Tariff
		if t.fixed == nil {
			compiled, err := t.compiled()
			if err != nil { // unreachable: Validate checked it
				return nil, err
			}
			compiled.Tiers = append([]Tier(nil), t.Tiers...)
			*t = compiled
		}
	}
	rows := c.Rows
	if !sortedRows(rows) {
		sort.SliceStable(rows, func(a, b int) bool { return rowLess(&rows[a], &rows[b]) })
	}
	ix := &Index{version: c.Version, currency: c.Currency, deck: c,
		prefixes: make([]string, len(rows)), recs: make([]rec, len(rows))}
	ix.deckOnce.Do(func() {}) // the deck is there already
	places := make(map[place]int32)
	tariffs := make(map[*fixedTariff]int32) // by compiled form
	byKey := make(map[string]int32)         // by content: equal tariffs are stored once
	var key []byte
	pi, ti := int32(-1), int32(-1)
	for i := range rows {
		r := &rows[i]
		// Neighbouring rows often share destination and tariff: skip the maps then.
		if pl := (place{r.Destination, r.Country}); pi < 0 || ix.places[pi] != pl {
			var ok bool
			if pi, ok = places[pl]; !ok {
				pi = int32(len(ix.places))
				places[pl] = pi
				ix.places = append(ix.places, pl)
			}
		}
		if ti < 0 || ix.tariffs[ti].fixed != r.Tariff.fixed {
			var ok bool
			if ti, ok = tariffs[r.Tariff.fixed]; !ok {
				key = r.Tariff.fixed.appendKey(key[:0])
				if ti, ok = byKey[string(key)]; !ok {
					ti = int32(len(ix.tariffs))
					byKey[string(key)] = ti
					ix.tariffs = append(ix.tariffs, r.Tariff)
				}
				tariffs[r.Tariff.fixed] = ti
			}
		}
		ix.prefixes[i] = r.Prefix
		ix.recs[i] = rec{from: ix.instantOf(fromUnix(r)), to: ix.instantOf(toUnix(r)), place: pi, tariff: ti, kind: r.Kind}
	}
	ix.buildLookup()
	return ix, nil
}

// buildLookup builds the lookup structures (lens, top, slots) over the
// sorted prefixes and recs, and sets rec.run.
func (ix *Index) buildLookup() {
	ix.instantOf(0)       // makes sure the open bounds exist, even for an empty deck
	ix.instantIndex = nil // only needed while building
	prefixes := ix.prefixes
	distinct := 0
	for i, p := range prefixes {
		if i > 0 && p == prefixes[i-1] {
			ix.recs[i].run = ix.recs[i-1].run + 1
			continue
		}
		distinct++
		ix.lens |= 1 << len(p)
	}
	size, shift := 8, uint8(61)
	for size < 2*distinct {
		size, shift = size*2, shift-1
	}
	ix.slots, ix.shift = make([]slot, size), shift
	entries := make([]slot, 0, distinct)
	for i, p := range prefixes {
		if i+1 < len(prefixes) && prefixes[i+1] == p {
			continue // the slot holds the prefix's last row
		}
		r := &ix.recs[i]
		s := slot{key: prefixKey(p), row: int32(i), from: noRangeFrom, to: noRangeTo}
		if r.from <= math.MaxUint16 && r.to <= math.MaxUint16 {
			s.from, s.to = uint16(r.from), uint16(r.to)
		}
		entries = append(entries, s)
	}
	// Insert in the order of the slots' positions (a counting sort on their
	// top bits), so that the table is written nearly sequentially rather
	// than with a cache miss per prefix.
	const sortBits = 10
	by := min(sortBits, 64-int(shift))
	counts := make([]int32, 1<<by+1)
	for _, s := range entries {
		counts[s.key*hashMul>>(64-by)+1]++
	}
	for b := 1; b < len(counts); b++ {
		counts[b] += counts[b-1]
	}
	sorted := make([]slot, len(entries))
	for _, s := range entries {
		b := s.key * hashMul >> (64 - by)
		sorted[counts[b]] = s
		counts[b]++
	}
	mask := uint64(size - 1)
	for _, s := range sorted {
		h := s.key * hashMul >> ix.shift
		for ix.slots[h].key != 0 {
			h = (h + 1) & mask
		}
		ix.slots[h] = s
	}
	ix.buildTop(topDigitsFor(len(prefixes)))
}

// topDigitsFor returns the width of the top table for a deck of n rows:
// none for small decks, whose slots stay in cache anyway, 5 digits (200 KB)
// from topMinRows rows and 6 digits (2 MB) from topWideMinRows rows, where
// a 6-digit start nearly always leaves one or two lengths to probe.
func topDigitsFor(n int) int {
	switch {
	case n >= topWideMinRows:
		return 6
	case n >= topMinRows:
		return 5
	}
	return 0
}

// buildTop sets ix.top for d-digit starts (none if d is 0).
func (ix *Index) buildTop(d int) {
	ix.top, ix.topDigits = nil, 0
	if d == 0 {
		return
	}
	ix.top, ix.topDigits = make([]uint16, pow10(d)), uint8(d)
	prefixes := ix.prefixes
	for i, p := range prefixes {
		if i > 0 && p == prefixes[i-1] {
			continue
		}
		if len(p) >= d {
			ix.top[prefixKey(p[:d])-uint64(len(ix.top))] |= 1 << len(p)
			continue
		}
		// Every d-digit string starting with p: at most 10^d writes per
		// prefix length, as distinct prefixes of one length do not overlap.
		span := pow10(d - len(p))
		lo := int(prefixKey(p)-uint64(pow10(len(p)))) * span
		for x := lo; x < lo+span; x++ {
			ix.top[x] |= 1 << len(p)
		}
	}
}

func pow10(n int) int {
	p := 1
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// RowRef refers to one row of an Index: Find returns it. Its accessors each
// read one field, so a caller that needs only the tariff or the kind does not
// pay for a whole Row. The zero RowRef refers to no row: its accessors return
// zero values. A RowRef is small and comparable.
type RowRef struct {
	ix *Index
	i  int32
}

// IsValid reports whether r refers to a row.
func (r RowRef) IsValid() bool { return r.ix != nil }

// Row returns the whole row: equal to the deck's (Row.Equal), effective
// times in UTC. It does not allocate.
func (r RowRef) Row() Row {
	if r.ix == nil {
		return Row{}
	}
	ix := r.ix
	c := &ix.recs[r.i]
	p := &ix.places[c.place]
	return Row{Prefix: ix.prefixes[r.i], Destination: p.destination, Country: p.country, Kind: c.kind,
		Tariff: ix.tariffs[c.tariff], EffectiveFrom: ix.instants[c.from].t, EffectiveTo: ix.instants[c.to].t}
}

// Prefix returns the row's prefix.
func (r RowRef) Prefix() string {
	if r.ix == nil {
		return ""
	}
	return r.ix.prefixes[r.i]
}

// Destination returns the row's destination name.
func (r RowRef) Destination() string {
	if r.ix == nil {
		return ""
	}
	return r.ix.places[r.ix.recs[r.i].place].destination
}

// Country returns the row's ISO country code ("" for non-geographic codes).
func (r RowRef) Country() string {
	if r.ix == nil {
		return ""
	}
	return r.ix.places[r.ix.recs[r.i].place].country
}

// Kind returns the row's number kind.
func (r RowRef) Kind() Kind {
	if r.ix == nil {
		return KindOther
	}
	return r.ix.recs[r.i].kind
}

// Tariff returns the row's tariff (compiled, shared: do not modify its
// Tiers).
func (r RowRef) Tariff() Tariff {
	if r.ix == nil {
		return Tariff{}
	}
	return r.ix.tariffs[r.ix.recs[r.i].tariff]
}

// EffectiveFrom returns the first instant the row is in force, in UTC; zero
// means always.
func (r RowRef) EffectiveFrom() time.Time {
	if r.ix == nil {
		return time.Time{}
	}
	return r.ix.instants[r.ix.recs[r.i].from].t
}

// EffectiveTo returns the first instant the row is no longer in force, in
// UTC; zero means open-ended.
func (r RowRef) EffectiveTo() time.Time {
	if r.ix == nil {
		return time.Time{}
	}
	return r.ix.instants[r.ix.recs[r.i].to].t
}

// Lookup returns the row of the longest prefix of digits that has a row in
// force at `at` (see Row.InForce). digits is an E.164 number without "+" (as
// e164.Number.Digits returns); lookup stops at the first non-digit. It does
// not allocate. The row equals the deck's (Row.Equal); its effective times
// are in UTC and its Prefix shares memory with digits. Lookup is Find and
// RowRef.Row, except for the Prefix, which saves a cache miss.
func (ix *Index) Lookup(digits string, at time.Time) (Row, bool) {
	i, l := ix.find(digits, at.Unix())
	if i < 0 {
		return Row{}, false
	}
	r := &ix.recs[i]
	p := &ix.places[r.place]
	return Row{Prefix: digits[:l], Destination: p.destination, Country: p.country, Kind: r.kind,
		Tariff: ix.tariffs[r.tariff], EffectiveFrom: ix.instants[r.from].t, EffectiveTo: ix.instants[r.to].t}, true
}

// Find is Lookup without building the Row: it returns a handle to the row
// of the longest prefix of digits in force at `at`, or the zero RowRef and
// false. It does not allocate. This is the hot path; see Index for the
// design.
func (ix *Index) Find(digits string, at time.Time) (RowRef, bool) {
	if i, _ := ix.find(digits, at.Unix()); i >= 0 {
		return RowRef{ix, i}, true
	}
	return RowRef{}, false
}

// find returns the position of the matching row at Unix time t and its
// prefix length, or -1.
func (ix *Index) find(digits string, t int64) (int32, int) {
	// keys[l] is the key of the first l digits, up to the longest prefix
	// length of the deck: later digits cannot matter.
	var keys [MaxPrefixDigits + 1]uint64
	n := min(len(digits), bits.Len16(ix.lens)-1)
	k := uint64(1)
	for i := 0; i < n; i++ {
		c := digits[i] - '0'
		if c > 9 {
			n = i
			break
		}
		k = k*10 + uint64(c)
		keys[i+1] = k
	}
	lens := ix.lens
	if d := int(ix.topDigits); d != 0 && n >= d {
		lens = ix.top[keys[d]-uint64(len(ix.top))] // the key is 10^d + the first d digits
	}
	lens &= uint16(1<<(n+1) - 1) // no prefix longer than the digits
	slots, instants := ix.slots, ix.instants
	mask := uint64(len(slots) - 1)
	for lens != 0 {
		l := bits.Len16(lens) - 1
		lens &^= 1 << l
		key := keys[l]
		for h := key * hashMul >> ix.shift; ; h = (h + 1) & mask {
			s := &slots[h]
			if s.key == key {
				if instants[s.from].unix <= t && t < instants[s.to].unix {
					return s.row, l // the common case: no row touched
				}
				if j := ix.inForce(s.row, t); j >= 0 {
					return j, l
				}
				break
			}
			if s.key == 0 {
				break
			}
		}
	}
	return -1, 0
}

// inForce returns the row in force at t among row i and the earlier rows of
// its prefix, or -1.
func (ix *Index) inForce(i int32, t int64) int32 {
	for j := i; j >= i-int32(ix.recs[i].run); j-- {
		if r := &ix.recs[j]; ix.instants[r.from].unix <= t && t < ix.instants[r.to].unix {
			return j
		}
	}
	return -1
}

// Deck returns the index's deck: rows sorted by prefix and effective date,
// tariffs compiled, times in UTC. It is built on first use and shared: do not
// modify it.
func (ix *Index) Deck() *Deck {
	ix.deckOnce.Do(func() {
		d := &Deck{Version: ix.version, Currency: ix.Currency(), Rows: make([]Row, len(ix.recs))}
		for i := range ix.recs {
			d.Rows[i] = RowRef{ix, int32(i)}.Row()
		}
		ix.deck = d
	})
	return ix.deck
}

// Version returns the deck version.
func (ix *Index) Version() string { return ix.version }

// Currency returns the currency of every price in the deck.
func (ix *Index) Currency() string {
	if ix.currency == "" { // the zero Index
		return DefaultCurrency
	}
	return ix.currency
}

// Len returns the number of rows.
func (ix *Index) Len() int { return len(ix.recs) }
