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
// It is a compact digit trie in one slice: a 16-byte node holds a bit mask
// of the digits that have a child and the position of its first child (the
// children of a node are contiguous, ordered by digit), its rows, and a link
// up to the nearest shorter prefix that has rows. For decks of topMinRows
// rows or more, a table indexed by the first topDigits digits jumps straight
// to the node at that depth. A lookup walks down to the deepest node on the
// digits' path, then checks the effective range of that prefix's rows,
// falling back up the links when none is in force.
//
// Rows are kept in a compact form (20 bytes, with destinations, tariffs and
// effective times in small shared tables) so that a lookup touches little memory; Lookup
// rebuilds a Row from it without allocating, and Deck builds the full rows
// only when first asked (a decoded snapshot never needs them to answer).
type Index struct {
	version, currency string
	prefixes          []string  // row prefixes, sorted, then by effective date
	recs              []rec     // compact rows, parallel to prefixes
	instants          []instant // distinct effective times; 0 = always, 1 = open-ended
	instantIndex      map[int64]int32
	places            []place  // distinct destinations
	tariffs           []Tariff // distinct tariffs, compiled
	nodes             []node   // nodes[0] is the root (the empty prefix)
	top               []int32  // nil, or the node reached by each topDigits-digit string

	deckOnce sync.Once
	deck     *Deck
}

const (
	topDigits  = 5
	topMinRows = 2048
)

// node is 16 bytes: four to a cache line.
type node struct {
	first int32  // position of the child of the lowest digit in meta's mask
	lo    int32  // rows lo..lo+count-1 have this node's prefix
	up    int32  // nearest proper ancestor with rows, or -1
	meta  uint16 // bits 0-9: digits with a child; bits 12-15: depth (prefix length)
	count uint16 // number of rows with this prefix
}

func (n *node) depth() int { return int(n.meta >> 12) }

// rec is the compact form of a row (20 bytes).
type rec struct {
	from, to      int32 // effective range [from, to), positions in Index.instants
	place, tariff int32 // positions in Index.places and Index.tariffs
	kind          Kind
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
	ix.buildTrie()
	return ix, nil
}

// buildTrie builds the trie over the sorted prefixes.
func (ix *Index) buildTrie() {
	ix.instantOf(0)       // makes sure the open bounds exist, even for an empty deck
	ix.instantIndex = nil // only needed while building
	ix.nodes = make([]node, 1, len(ix.prefixes)*2+1)
	ix.build(0, 0, int32(len(ix.prefixes)), 0, -1)
	if len(ix.prefixes) >= topMinRows {
		ix.top = make([]int32, pow10(topDigits))
		ix.fillTop(0, 0, 0)
	}
}

func pow10(n int) int {
	p := 1
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// build fills in node n, whose prefix is the first depth digits of the
// prefixes[a:b] (all of them share it), and then its subtree; up is the
// nearest proper ancestor with rows.
func (ix *Index) build(n, a, b int32, depth int, up int32) {
	prefixes := ix.prefixes
	lo := a
	for a < b && len(prefixes[a]) == depth { // sorted: the prefix itself comes first
		a++
	}
	nd := &ix.nodes[n]
	nd.lo, nd.count, nd.up, nd.meta = lo, uint16(a-lo), up, uint16(depth)<<12
	if a > lo {
		up = n
	}
	if a == b {
		return
	}
	// One child per distinct next digit, allocated as one block.
	var mask uint16
	for i := a; i < b; i++ {
		mask |= 1 << (prefixes[i][depth] - '0')
	}
	first := int32(len(ix.nodes))
	nd.first, nd.meta = first, nd.meta|mask
	for range bits.OnesCount16(mask) {
		ix.nodes = append(ix.nodes, node{})
	}
	child := first
	for i := a; i < b; child++ {
		c := prefixes[i][depth]
		j := i + 1
		for j < b && prefixes[j][depth] == c {
			j++
		}
		ix.build(child, i, j, depth+1, up)
		i = j
	}
}

// fillTop sets top[x] for the topDigits-digit strings x starting with the
// depth digits of v to the deepest node on their path, from node k down.
func (ix *Index) fillTop(k int32, depth, v int) {
	if depth == topDigits {
		ix.top[v] = k
		return
	}
	n := ix.nodes[k]
	child := n.first
	for c := 0; c < 10; c++ {
		w := v*10 + c
		if n.meta&(1<<c) != 0 {
			ix.fillTop(child, depth+1, w)
			child++
			continue
		}
		span := pow10(topDigits - depth - 1)
		for x := w * span; x < (w+1)*span; x++ {
			ix.top[x] = k
		}
	}
}

// Lookup returns the row of the longest prefix of digits that has a row in
// force at `at` (see Row.InForce). digits is an E.164 number without "+" (as
// e164.Number.Digits returns); lookup stops at the first non-digit. It does
// not allocate. The row equals the deck's (Row.Equal); its effective times
// are in UTC and its Prefix shares memory with digits.
func (ix *Index) Lookup(digits string, at time.Time) (Row, bool) {
	i, depth := ix.find(digits, at.Unix())
	if i < 0 {
		return Row{}, false
	}
	r := &ix.recs[i]
	p := &ix.places[r.place]
	return Row{Prefix: digits[:depth], Destination: p.destination, Country: p.country, Kind: r.kind,
		Tariff: ix.tariffs[r.tariff], EffectiveFrom: ix.instants[r.from].t, EffectiveTo: ix.instants[r.to].t}, true
}

// find returns the position of the matching row and its prefix length, or
// -1.
func (ix *Index) find(digits string, t int64) (int32, int) {
	nodes := ix.nodes
	if len(nodes) == 0 { // the zero Index: an empty deck
		return -1, 0
	}
	k, i := int32(0), 0
	if ix.top != nil && len(digits) >= topDigits {
		v := 0
		for j := 0; j < topDigits; j++ {
			c := digits[j] - '0'
			if c > 9 {
				v = -1
				break
			}
			v = v*10 + int(c)
		}
		if v >= 0 {
			k = ix.top[v]
			i = nodes[k].depth()
		}
	}
	for ; i < len(digits); i++ {
		c := digits[i] - '0'
		n := &nodes[k]
		if c > 9 || n.meta&(1<<c) == 0 {
			break
		}
		k = n.first + int32(bits.OnesCount16(n.meta&(1<<c-1)))
	}
	if nodes[k].count == 0 {
		k = nodes[k].up
	}
	for k >= 0 {
		n := &nodes[k]
		for j := n.lo; j < n.lo+int32(n.count); j++ {
			if r := &ix.recs[j]; ix.instants[r.from].unix <= t && t < ix.instants[r.to].unix {
				return j, n.depth()
			}
		}
		k = n.up
	}
	return -1, 0
}

// Deck returns the index's deck: rows sorted by prefix and effective date,
// tariffs compiled, times in UTC. It is built on first use and shared: do not
// modify it.
func (ix *Index) Deck() *Deck {
	ix.deckOnce.Do(func() {
		d := &Deck{Version: ix.version, Currency: ix.Currency(), Rows: make([]Row, len(ix.recs))}
		for i := range ix.recs {
			d.Rows[i] = ix.row(int32(i))
		}
		ix.deck = d
	})
	return ix.deck
}

// row rebuilds row i from its compact form.
func (ix *Index) row(i int32) Row {
	r := &ix.recs[i]
	p := &ix.places[r.place]
	return Row{Prefix: ix.prefixes[i], Destination: p.destination, Country: p.country, Kind: r.kind,
		Tariff: ix.tariffs[r.tariff], EffectiveFrom: ix.instants[r.from].t, EffectiveTo: ix.instants[r.to].t}
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
