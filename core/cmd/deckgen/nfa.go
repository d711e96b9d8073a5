package main

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// maxNumberLen bounds national significant numbers (E.164 allows at most 15
// digits including the country calling code); length masks are uint32.
const maxNumberLen = 20

// automaton is a compiled libphonenumber pattern used as a prefix test: given
// the digits dialled so far it tells whether some complete number of the
// pattern, of an allowed length, can still start with them.
//
// It simulates the Thompson NFA of regexp/syntax directly: a state is the set
// of rune and match instructions reachable after consuming a prefix. Each such
// instruction carries a mask of the numbers of further digits after which the
// automaton can accept, so the length constraint is checked without search.
type automaton struct {
	id      int
	pattern string
	prog    *syntax.Prog
	lengths uint32 // bit n: a number of n digits is allowed (0 = any)
	// for each instruction: the closure (rune and match instructions only)
	closure [][]uint32
	// for each rune/match instruction: bit k set if k more digits can lead to
	// acceptance
	tail []uint32
	// the initial state: the closure of the program's start
	start []uint32
	// prefixOnly marks a leading-digits pattern: acceptance means "a prefix
	// of the number matched", lengths are ignored.
	prefixOnly bool
}

// compileAutomaton compiles pattern (a libphonenumber national number or
// leading-digits pattern, matched in full unless prefixOnly) restricted to
// the given total lengths (nil or empty: any length).
func compileAutomaton(id int, pattern string, lengths []int32, prefixOnly bool) (*automaton, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	a := &automaton{id: id, pattern: pattern, prog: prog, prefixOnly: prefixOnly}
	for _, l := range lengths {
		if l > 0 && l < maxNumberLen {
			a.lengths |= 1 << uint(l)
		}
	}
	n := len(prog.Inst)
	a.closure = make([][]uint32, n)
	for pc := range prog.Inst {
		c, err := a.computeClosure(uint32(pc))
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", pattern, err)
		}
		a.closure[pc] = c
	}
	a.start = a.closure[prog.Start]
	a.computeTails()
	return a, nil
}

// computeClosure returns the sorted rune/match instructions reachable from pc
// without consuming a digit.
func (a *automaton) computeClosure(pc uint32) ([]uint32, error) {
	var out []uint32
	seen := map[uint32]bool{}
	stack := []uint32{pc}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[p] {
			continue
		}
		seen[p] = true
		in := &a.prog.Inst[p]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			// Patterns are matched whole; only text anchors are meaningful and
			// libphonenumber's patterns carry none. Anything else is refused
			// rather than guessed.
			op := syntax.EmptyOp(in.Arg)
			if op&^(syntax.EmptyBeginText|syntax.EmptyEndText|syntax.EmptyBeginLine|syntax.EmptyEndLine) != 0 {
				return nil, fmt.Errorf("unsupported assertion %v", op)
			}
			stack = append(stack, in.Out)
		case syntax.InstFail:
		case syntax.InstMatch, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			out = append(out, p)
		default:
			return nil, fmt.Errorf("unsupported instruction %v", in.Op)
		}
	}
	slices.Sort(out)
	return out, nil
}

// matches reports whether rune instruction pc accepts digit d.
func (a *automaton) matches(pc uint32, d byte) bool {
	in := &a.prog.Inst[pc]
	return in.Op != syntax.InstMatch && in.MatchRune(rune('0'+d))
}

// computeTails fills a.tail by a fixed point: tail(match) ∋ 0; tail(rune) is
// the union over matching digits of the successors' tails, shifted by one.
func (a *automaton) computeTails() {
	a.tail = make([]uint32, len(a.prog.Inst))
	const limit = (1 << maxNumberLen) - 1
	for changed := true; changed; {
		changed = false
		for pc := range a.prog.Inst {
			in := &a.prog.Inst[pc]
			var m uint32
			switch in.Op {
			case syntax.InstMatch:
				m = 1
			case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
				any := false
				for d := byte(0); d < 10; d++ {
					if a.matches(uint32(pc), d) {
						any = true
						break
					}
				}
				if any {
					var succ uint32
					for _, q := range a.closure[in.Out] {
						succ |= a.tail[q]
					}
					m = (succ << 1) & limit
				}
			default:
				continue
			}
			if m|a.tail[pc] != a.tail[pc] {
				a.tail[pc] |= m
				changed = true
			}
		}
	}
}

// step returns the state after digit d from state s (nil: dead).
func (a *automaton) step(s []uint32, d byte) []uint32 {
	var out []uint32
	for _, pc := range s {
		if a.matches(pc, d) {
			out = append(out, a.closure[a.prog.Inst[pc].Out]...)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// alive reports whether, after consuming consumed digits into state s, some
// accepted number of an allowed length can still follow.
func (a *automaton) alive(s []uint32, consumed int) bool {
	var m uint32
	for _, pc := range s {
		m |= a.tail[pc]
	}
	if a.prefixOnly {
		return m != 0
	}
	m <<= uint(consumed)
	if a.lengths != 0 {
		m &= a.lengths
	}
	return m != 0
}

// accepted reports whether state s contains the match instruction, i.e. the
// digits consumed so far are themselves in the language.
func (a *automaton) accepted(s []uint32) bool {
	for _, pc := range s {
		if a.prog.Inst[pc].Op == syntax.InstMatch {
			return true
		}
	}
	return false
}

// allows reports whether a complete number of n digits has an allowed length.
func (a *automaton) allows(n int) bool {
	return a.lengths == 0 || (n < maxNumberLen && a.lengths&(1<<uint(n)) != 0)
}

// possible is the slow, obvious reference of the prefix test used by the
// tests: it walks the state digit by digit.
func (a *automaton) possible(prefix string) bool {
	s := a.start
	for i := 0; i < len(prefix); i++ {
		s = a.step(s, prefix[i]-'0')
		if s == nil {
			return false
		}
	}
	return a.alive(s, len(prefix))
}

// stateKey appends a compact encoding of state s to b, for memoisation.
func stateKey(b *strings.Builder, s []uint32) {
	for _, pc := range s {
		b.WriteString(strconv.FormatUint(uint64(pc), 36))
		b.WriteByte(',')
	}
}
