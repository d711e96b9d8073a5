package deck

import (
	"sort"
	"strings"
	"time"
)

// Index answers "which row prices a call to these digits starting at this
// time?" for one deck version: the row with the longest prefix of the
// digits among the rows in force at that time. It is immutable once built
// and safe for concurrent use.
//
// It is a flat digit trie: nodes live in one slice and point at their ten
// children by index, so a lookup is one array step per digit and allocates
// nothing.
type Index struct {
	deck  *Deck  // rows sorted by prefix, then EffectiveFrom; tariffs compiled
	nodes []node // nodes[0] is the root (the empty prefix); child 0 means none
	spans []span // effective range of each row, parallel to deck.Rows
}

type node struct {
	child  [10]int32
	lo, hi int32 // rows deck.Rows[lo:hi] have this node's prefix
}

type span struct{ from, to int64 } // Unix seconds, [from, to)

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
	return buildIndex(c), nil
}

// buildIndex sorts the rows of a valid deck (owned by the index from now on)
// and builds the trie.
func buildIndex(d *Deck) *Index {
	rows := d.Rows
	if !sortedRows(rows) {
		sort.SliceStable(rows, func(a, b int) bool { return rowLess(&rows[a], &rows[b]) })
	}
	ix := &Index{deck: d, spans: make([]span, len(rows))}
	ix.nodes = make([]node, 1, len(rows)+len(rows)/2+16)
	for i := 0; i < len(rows); {
		p := rows[i].Prefix
		j := i + 1
		for j < len(rows) && rows[j].Prefix == p {
			j++
		}
		n := int32(0)
		for k := 0; k < len(p); k++ {
			c := p[k] - '0'
			next := ix.nodes[n].child[c]
			if next == 0 {
				next = int32(len(ix.nodes))
				ix.nodes = append(ix.nodes, node{})
				ix.nodes[n].child[c] = next
			}
			n = next
		}
		ix.nodes[n].lo, ix.nodes[n].hi = int32(i), int32(j)
		for ; i < j; i++ {
			ix.spans[i] = span{fromUnix(&rows[i]), toUnix(&rows[i])}
		}
	}
	return ix
}

// Lookup returns the row of the longest prefix of digits that has a row in
// force at `at` (see Row.InForce). digits is an E.164 number without "+" (as
// e164.Number.Digits returns); lookup stops at the first non-digit. It does
// not allocate.
func (ix *Index) Lookup(digits string, at time.Time) (Row, bool) {
	if i := ix.find(digits, at.Unix()); i >= 0 {
		return ix.deck.Rows[i], true
	}
	return Row{}, false
}

// find returns the position of the matching row, or -1.
func (ix *Index) find(digits string, t int64) int32 {
	best := int32(-1)
	nodes := ix.nodes
	n := int32(0)
	for i := 0; i < len(digits); i++ {
		c := digits[i] - '0'
		if c > 9 {
			break
		}
		n = nodes[n].child[c]
		if n == 0 {
			break
		}
		for j := nodes[n].lo; j < nodes[n].hi; j++ {
			if s := ix.spans[j]; s.from <= t && t < s.to {
				best = j
				break
			}
		}
	}
	return best
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

// Deck returns the index's deck: rows sorted by prefix and effective date,
// tariffs compiled. It is shared: do not modify it.
func (ix *Index) Deck() *Deck { return ix.deck }

// Version returns the deck version.
func (ix *Index) Version() string { return ix.deck.Version }

// Currency returns the currency of every price in the deck.
func (ix *Index) Currency() string { return ix.deck.Currency }

// Len returns the number of rows.
func (ix *Index) Len() int { return len(ix.deck.Rows) }
