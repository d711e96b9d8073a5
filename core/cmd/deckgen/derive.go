package main

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// label is what a prefix resolves to: the ISO country and the kind.
type label struct {
	country string
	kind    deck.Kind
}

func compareLabels(a, b label) int {
	return cmp.Or(cmp.Compare(a.kind, b.kind), strings.Compare(a.country, b.country))
}

// numberType is one libphonenumber number type of a region, in
// libphonenumber's own precedence order (getNumberTypeHelper tests them in
// this order; fixed line and mobile come last).
type numberType struct {
	name string
	kind deck.Kind
	desc func(*phonenumbers.PhoneMetadata) *phonenumbers.PhoneNumberDesc
}

var numberTypes = []numberType{
	{"premium_rate", deck.KindPremium, (*phonenumbers.PhoneMetadata).GetPremiumRate},
	{"toll_free", deck.KindTollFree, (*phonenumbers.PhoneMetadata).GetTollFree},
	{"shared_cost", deck.KindOther, (*phonenumbers.PhoneMetadata).GetSharedCost},
	{"voip", deck.KindOther, (*phonenumbers.PhoneMetadata).GetVoip},
	{"personal_number", deck.KindOther, (*phonenumbers.PhoneMetadata).GetPersonalNumber},
	{"pager", deck.KindOther, (*phonenumbers.PhoneMetadata).GetPager},
	{"uan", deck.KindOther, (*phonenumbers.PhoneMetadata).GetUan},
	{"voicemail", deck.KindOther, (*phonenumbers.PhoneMetadata).GetVoicemail},
	{"fixed_line", deck.KindLandline, (*phonenumbers.PhoneMetadata).GetFixedLine},
	{"mobile", deck.KindMobile, (*phonenumbers.PhoneMetadata).GetMobile},
}

// typedAutomaton is one number type of a member region.
type typedAutomaton struct {
	prec int       // index in numberTypes: lower wins
	kind deck.Kind // KindLandlineOrMobile when libphonenumber says fixed and mobile share the pattern
	auto *automaton
}

// member is a region sharing a calling code, in libphonenumber's order: the
// first member whose leading digits match, or (without leading digits) for
// which the number is valid, owns the number.
type member struct {
	region string
	ld     *automaton // leading-digits pattern, nil if none
	types  []typedAutomaton
}

// callingCode is everything the derivation needs about one calling code.
type callingCode struct {
	code    int
	members []member
}

// deriver derives prefixes for calling codes. Automata are shared between
// regions with identical patterns (the NANP toll-free plan, the Australian
// mobile ranges of AU, CX and CC), which lets the search see that such
// alternatives can never be told apart.
type deriver struct {
	maxDepth int // national digits beyond the calling code
	autos    map[string]*automaton
	nextID   int
	memo     map[string]*result
	counts   map[string]uint64 // valid numbers below a search node, by key
}

func newDeriver(maxDepth int) *deriver {
	return &deriver{maxDepth: maxDepth, autos: map[string]*automaton{}}
}

func (dv *deriver) automaton(pattern string, lengths []int32, prefixOnly bool) (*automaton, error) {
	key := fmt.Sprint(pattern, lengths, prefixOnly)
	if a, ok := dv.autos[key]; ok {
		return a, nil
	}
	a, err := compileAutomaton(dv.nextID, pattern, lengths, prefixOnly)
	if err != nil {
		return nil, err
	}
	dv.nextID++
	dv.autos[key] = a
	return a, nil
}

// hasNumbers reports whether a description describes any numbers at all
// ("NA" and a possible length of -1 mean none).
func hasNumbers(d *phonenumbers.PhoneNumberDesc) bool {
	if d == nil {
		return false
	}
	p := d.GetNationalNumberPattern()
	if p == "" || p == "NA" {
		return false
	}
	return !(len(d.PossibleLength) == 1 && d.PossibleLength[0] == -1)
}

// effectiveLengths intersects a type's possible lengths with the general ones
// (an empty list inherits the general ones, as in libphonenumber). An empty
// result with non-empty inputs means the type has no possible number.
func effectiveLengths(typ, general []int32) []int32 {
	if len(typ) == 0 {
		return general
	}
	if len(general) == 0 {
		return typ
	}
	var out []int32
	for _, l := range typ {
		if slices.Contains(general, l) {
			out = append(out, l)
		}
	}
	return out
}

// loadCallingCode builds the members of calling code cc from libphonenumber's
// metadata.
func (dv *deriver) loadCallingCode(cc int) (callingCode, error) {
	out := callingCode{code: cc}
	for _, region := range phonenumbers.GetRegionCodesForCountryCode(cc) {
		md := metadataFor(region, cc)
		if md == nil {
			return out, fmt.Errorf("no metadata for region %s", region)
		}
		m := member{region: region}
		if region == nonGeographic {
			m.region = "" // deck rows of non-geographic codes have no country
		}
		if ld := md.GetLeadingDigits(); ld != "" {
			a, err := dv.automaton(ld, nil, true)
			if err != nil {
				return out, fmt.Errorf("%s leading digits: %w", region, err)
			}
			m.ld = a
		}
		general := md.GetGeneralDesc().PossibleLength
		same := md.GetSameMobileAndFixedLinePattern()
		for i, nt := range numberTypes {
			d := nt.desc(md)
			if !hasNumbers(d) {
				continue
			}
			c := nt.kind
			if same && nt.kind == deck.KindMobile {
				continue // libphonenumber never reports MOBILE here
			}
			if same && nt.kind == deck.KindLandline {
				c = deck.KindLandlineOrMobile
			}
			lengths := effectiveLengths(d.PossibleLength, general)
			if len(lengths) == 0 && (len(d.PossibleLength) > 0 || len(general) > 0) {
				continue // no length is possible for both the type and the region
			}
			a, err := dv.automaton(d.GetNationalNumberPattern(), lengths, false)
			if err != nil {
				return out, fmt.Errorf("%s %s: %w", region, nt.name, err)
			}
			m.types = append(m.types, typedAutomaton{prec: i, kind: c, auto: a})
		}
		out.members = append(out.members, m)
	}
	if len(out.members) == 0 {
		return out, fmt.Errorf("calling code %d has no regions", cc)
	}
	return out, nil
}

// nonGeographic is libphonenumber's region code for the calling codes of
// non-geographic entities (+800, +881, ...).
const nonGeographic = "001"

var (
	metadataByRegion map[string]*phonenumbers.PhoneMetadata
	metadataNonGeo   map[int32]*phonenumbers.PhoneMetadata
)

// metadataFor returns libphonenumber's metadata of a region, or for the
// non-geographic region "001" that of calling code cc.
func metadataFor(region string, cc int) *phonenumbers.PhoneMetadata {
	if metadataByRegion == nil {
		metadataByRegion = map[string]*phonenumbers.PhoneMetadata{}
		metadataNonGeo = map[int32]*phonenumbers.PhoneMetadata{}
		coll, err := phonenumbers.MetadataCollection()
		if err != nil {
			panic(err) // the embedded metadata is part of the library
		}
		for _, md := range coll.GetMetadata() {
			if md.GetId() == nonGeographic {
				metadataNonGeo[md.GetCountryCode()] = md
			} else {
				metadataByRegion[md.GetId()] = md
			}
		}
	}
	if region == nonGeographic {
		return metadataNonGeo[int32(cc)]
	}
	return metadataByRegion[region]
}

// ld status of a member at a search node
const (
	ldNone    = iota // the member has no leading-digits pattern
	ldPending        // a leading-digits match is still possible
	ldMatched        // a prefix of the digits matched: the member owns them
)

// memberState is a member's automata states after some national digits.
type memberState struct {
	ldStatus int
	ld       []uint32
	types    [][]uint32 // nil: dead
}

// result is the derivation of a subtree: every valid number below resolves to
// the label of the longest matching relative prefix in rows, else to def.
// A dead result has no valid numbers at all.
//
// shadowed lists (sorted) the labels of complete numbers in the subtree that
// are also proper prefixes of longer numbers and get a different answer from
// the deck than from libphonenumber: prefixes cannot tell numbers apart by
// their length (Vanuatu's five-digit toll-free 81[18]xx against seven-digit
// mobiles).
//
// valid counts the valid numbers of the subtree (national numbers matching a
// live type of their owner), which weighs the choice of defaults.
type result struct {
	dead     bool
	def      label
	valid    uint64
	rows     []relRow
	shadowed []label
}

type relRow struct {
	rel   string
	label label
}

// entry is one live (member, type) pair at a node.
type entry struct {
	member int
	index  int // of typ in the member's types
	typ    typedAutomaton
}

// derive returns the rows of calling code cc, sorted (the catch-all for the
// code itself first), and the labels of shadowed complete numbers (see
// result).
func (dv *deriver) derive(cc callingCode) ([]prefixRow, []label) {
	dv.memo = map[string]*result{}
	dv.counts = map[string]uint64{}
	states := make([]memberState, len(cc.members))
	for i, m := range cc.members {
		st := memberState{types: make([][]uint32, len(m.types))}
		if m.ld != nil {
			st.ldStatus = ldPending
			st.ld = m.ld.start
			if m.ld.accepted(st.ld) {
				st.ldStatus = ldMatched
			}
		}
		for j, t := range m.types {
			st.types[j] = t.auto.start
		}
		states[i] = st
	}
	r := dv.search(cc, states, 0)
	code := strconv.Itoa(cc.code)
	var out []prefixRow
	if r.dead {
		// A code without any typed numbers: one catch-all row for its main
		// region.
		return []prefixRow{{prefix: code, label: label{cc.members[0].region, deck.KindOther}}}, nil
	}
	out = append(out, prefixRow{prefix: code, label: r.def})
	for _, rr := range r.rows {
		out = append(out, prefixRow{prefix: code + rr.rel, label: rr.label})
	}
	slices.SortFunc(out, func(a, b prefixRow) int { return strings.Compare(a.prefix, b.prefix) })
	return out, r.shadowed
}

// prefixRow is one derived deck prefix (calling code included).
type prefixRow struct {
	prefix string
	label  label
}

// mergeLabels returns the sorted union of two sorted label sets.
func mergeLabels(a, b []label) []label {
	if len(b) == 0 {
		return a
	}
	out := append(slices.Clone(a), b...)
	slices.SortFunc(out, compareLabels)
	return slices.Compact(out)
}

// liveEntries lists the live (member, type) pairs in ownership order and stops
// after a member that owns the digits by its leading digits.
func liveEntries(cc callingCode, states []memberState, depth int) []entry {
	var out []entry
	for i, m := range cc.members {
		st := states[i]
		if m.ld != nil && st.ld == nil {
			continue
		}
		for j, t := range m.types {
			if s := st.types[j]; s != nil && t.auto.alive(s, depth) {
				out = append(out, entry{member: i, index: j, typ: t})
			}
		}
		if st.ldStatus == ldMatched {
			break
		}
	}
	return out
}

// resolve picks the label libphonenumber would most plausibly give a number
// with these live entries: the first member owns it; among its types the
// precedence order applies, except that fixed line and mobile together make
// "landline or mobile".
func resolve(cc callingCode, es []entry) label {
	first := es[0].member
	var has [deck.KindPremium + 1]bool
	for _, e := range es {
		if e.member == first {
			has[e.typ.kind] = true
		}
	}
	c := deck.KindOther
	switch {
	case has[deck.KindPremium]:
		c = deck.KindPremium
	case has[deck.KindTollFree]:
		c = deck.KindTollFree
	case has[deck.KindOther]:
		c = deck.KindOther
	case has[deck.KindLandlineOrMobile] || (has[deck.KindLandline] && has[deck.KindMobile]):
		c = deck.KindLandlineOrMobile
	case has[deck.KindLandline]:
		c = deck.KindLandline
	case has[deck.KindMobile]:
		c = deck.KindMobile
	}
	return label{cc.members[first].region, c}
}

// determined reports whether every valid number with the current prefix gets
// the same label, and which: true when every live automaton, taken alone,
// resolves to the same label (automata shared by several regions or types
// resolve by ownership and precedence, as libphonenumber does).
func determined(cc callingCode, es []entry) (label, bool) {
	byAuto := map[int][]entry{}
	var order []int
	for _, e := range es {
		if _, ok := byAuto[e.typ.auto.id]; !ok {
			order = append(order, e.typ.auto.id)
		}
		byAuto[e.typ.auto.id] = append(byAuto[e.typ.auto.id], e)
	}
	var want label
	for i, id := range order {
		l := resolve(cc, byAuto[id])
		if i == 0 {
			want = l
		} else if l != want {
			return label{}, false
		}
	}
	return want, true
}

// key identifies a search node for memoisation: the states of every
// automaton and the depth (the length checks depend on it). Two prefixes with
// the same key have the same subtree, relative to themselves.
func (dv *deriver) key(states []memberState, depth int) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(depth))
	for _, st := range states {
		b.WriteByte('|')
		b.WriteString(strconv.Itoa(st.ldStatus))
		if st.ld == nil && st.ldStatus != ldNone {
			b.WriteByte('x')
		}
		stateKey(&b, st.ld)
		for _, s := range st.types {
			b.WriteByte(';')
			stateKey(&b, s)
		}
	}
	return b.String()
}

// search derives the subtree below the national digits consumed so far
// (depth of them) with the given member states.
func (dv *deriver) search(cc callingCode, states []memberState, depth int) *result {
	k := dv.key(states, depth)
	if r, ok := dv.memo[k]; ok {
		return r
	}
	r := dv.searchUncached(cc, states, depth)
	dv.memo[k] = r
	return r
}

func (dv *deriver) searchUncached(cc callingCode, states []memberState, depth int) *result {
	es := liveEntries(cc, states, depth)
	if len(es) == 0 {
		return &result{dead: true}
	}
	if l, ok := determined(cc, es); ok {
		return &result{def: l, valid: dv.count(cc, states, depth)}
	}
	if depth >= dv.maxDepth {
		return &result{def: resolve(cc, es), valid: dv.count(cc, states, depth)}
	}
	var children [10]*result
	live := 0
	for d := byte(0); d < 10; d++ {
		children[d] = dv.search(cc, stepStates(cc, states, d), depth+1)
		if !children[d].dead {
			live++
		}
	}
	if live == 0 {
		// Only the digits so far form a complete number.
		return &result{def: resolve(cc, es), valid: 1}
	}
	def := chooseDefault(cc.members[0].region, children[:])
	out := &result{def: def}
	var complete []entry
	for _, e := range es {
		if s := states[e.member].types[e.index]; e.typ.auto.accepted(s) && e.typ.auto.allows(depth) {
			complete = append(complete, e)
		}
	}
	for _, c := range children {
		out.valid += c.valid
	}
	if len(complete) > 0 {
		out.valid++
		if l := resolve(cc, complete); l != def {
			out.shadowed = []label{l}
		}
	}
	for d, c := range children {
		if c.dead {
			continue
		}
		out.shadowed = mergeLabels(out.shadowed, c.shadowed)
		digit := string(rune('0' + d))
		if c.def != def {
			out.rows = append(out.rows, relRow{digit, c.def})
		}
		for _, rr := range c.rows {
			out.rows = append(out.rows, relRow{digit + rr.rel, rr.label})
		}
	}
	return out
}

// chooseDefault picks the answer of a node that its children do not all
// share: the label its row (or the calling code's catch-all) gives. Invalid
// numbers below the node (dead children, and the gaps of children that are
// not split further) get this answer too, so it must be a sensible one for a
// number libphonenumber does not know.
//
// The policy:
//   - When the children disagree on the country and the calling code's main
//     country (libphonenumber's main region for the code: GB for +44, US for
//     +1, RU for +7, AU for +61, ...) is among them, the default is a label
//     of the main country. The dependencies and territories sharing the code
//     (JE, GG, IM; the Caribbean NANP members; KZ; CX, CC; ...) get rows of
//     their own, and an invalid number next to them is priced as the main
//     country's rather than a territory's: Ofcom's drama range 07700 900xxx
//     is not Jersey's even though 07700 3xxxxx is.
//   - When every valid child belongs to one country (a territory's own
//     block, such as a Caribbean area code), that country's labels compete:
//     the invalid numbers of such a block are the territory's, if anyone's.
//     (Children mixing territories without the main country compete freely;
//     by induction the main country then has no rows below the node at all,
//     since a child mixing it with another country defaults to it.)
//   - Among the competing labels the default of the most children wins (the
//     fewest rows); a tie goes to the label whose children hold more valid
//     numbers (the likelier meaning of an unknown number), then to the
//     smaller label so that the output is deterministic. (Weighing by valid
//     numbers first was measured: 22% more rows, for kinds of invalid
//     numbers only.)
func chooseDefault(main string, children []*result) label {
	countries := map[string]bool{}
	for _, c := range children {
		if !c.dead {
			countries[c.def.country] = true
		}
	}
	onlyMain := len(countries) > 1 && countries[main]
	type weight struct {
		children int    // child digits whose default it is
		valid    uint64 // valid numbers below those children
	}
	weights := map[label]weight{}
	for _, c := range children {
		if !c.dead && (!onlyMain || c.def.country == main) {
			w := weights[c.def]
			w.children++
			w.valid += c.valid
			weights[c.def] = w
		}
	}
	var def label
	var best weight
	for l, w := range weights {
		if best.children == 0 || cmp.Or(cmp.Compare(w.children, best.children), cmp.Compare(w.valid, best.valid), -compareLabels(l, def)) > 0 {
			def, best = l, w
		}
	}
	return def
}

// stepStates returns the member states after one more national digit d.
func stepStates(cc callingCode, states []memberState, d byte) []memberState {
	next := make([]memberState, len(states))
	for i, m := range cc.members {
		st := states[i]
		ns := memberState{ldStatus: st.ldStatus, types: make([][]uint32, len(st.types))}
		switch st.ldStatus {
		case ldPending:
			if st.ld != nil {
				ns.ld = m.ld.step(st.ld, d)
				if ns.ld != nil && m.ld.accepted(ns.ld) {
					ns.ldStatus = ldMatched
				}
			}
		case ldMatched:
			ns.ld = st.ld
		}
		for j, t := range m.types {
			if s := st.types[j]; s != nil {
				ns.types[j] = t.auto.step(s, d)
			}
		}
		next[i] = ns
	}
	return next
}

// count returns how many valid numbers (complete national numbers matching
// a live type of their owner) start with the digits consumed so far: the
// weight of a subtree when defaults are chosen. It walks the subtree to the
// end of the longest possible number, memoised on the automata states like
// search.
func (dv *deriver) count(cc callingCode, states []memberState, depth int) uint64 {
	k := dv.key(states, depth)
	if n, ok := dv.counts[k]; ok {
		return n
	}
	var n uint64
	es := liveEntries(cc, states, depth)
	if len(es) > 0 {
		for _, e := range es {
			if s := states[e.member].types[e.index]; e.typ.auto.accepted(s) && e.typ.auto.allows(depth) {
				n = 1
				break
			}
		}
		for d := byte(0); d < 10; d++ {
			n += dv.count(cc, stepStates(cc, states, d), depth+1)
		}
	}
	dv.counts[k] = n
	return n
}
