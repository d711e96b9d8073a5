package deck

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tollgate-voice/tollgate/core"
)

// Limits on deck contents.
const (
	MaxPrefixDigits   = 15      // an E.164 number has at most 15 digits
	MaxDestinationLen = 128     // bytes of a destination name
	MaxRows           = 2000000 // rows in one deck
	DefaultCurrency   = "USD"   // the currency of a deck that names none

	maxRowsPerPrefix = math.MaxUint16 // effective-dated rows of one prefix
)

// Row is one line of a rate deck: the tariff for calls to numbers starting
// with Prefix, in force for calls that start in [EffectiveFrom, EffectiveTo).
// A zero EffectiveFrom means "since always", a zero EffectiveTo "until further
// notice". Effective times are whole seconds.
type Row struct {
	Prefix        string // 1..15 digits, country code first, no "+": "61", "614", "1212"
	Destination   string // human name: "Australia Mobile"
	Country       string // ISO 3166-1 alpha-2 in upper case, or "" for non-geographic codes
	Kind          Kind
	Tariff        Tariff
	EffectiveFrom time.Time
	EffectiveTo   time.Time
}

// InForce reports whether the row prices a call starting at t:
// EffectiveFrom ≤ t < EffectiveTo, with zero bounds open.
func (r Row) InForce(t time.Time) bool {
	return (r.EffectiveFrom.IsZero() || !t.Before(r.EffectiveFrom)) &&
		(r.EffectiveTo.IsZero() || t.Before(r.EffectiveTo))
}

// Equal reports whether r and o are the same row (amounts compared by value,
// times by instant).
func (r Row) Equal(o Row) bool {
	return r.Prefix == o.Prefix && r.Destination == o.Destination && r.Country == o.Country &&
		r.Kind == o.Kind && r.Tariff.Equal(o.Tariff) &&
		r.EffectiveFrom.Equal(o.EffectiveFrom) && r.EffectiveTo.Equal(o.EffectiveTo)
}

// Validate checks one row on its own (Deck.Validate also checks rows against
// each other).
func (r Row) Validate() error {
	if err := r.validateFields(); err != nil {
		return err
	}
	return r.Tariff.check()
}

// validateFields checks everything but the tariff.
func (r *Row) validateFields() error {
	if err := validatePrefix(r.Prefix); err != nil {
		return err
	}
	if r.Destination == "" {
		return core.FieldErrorf(core.Invalid, "destination", "the destination name is empty")
	}
	if len(r.Destination) > MaxDestinationLen || !utf8.ValidString(r.Destination) || strings.ContainsAny(r.Destination, "\r\n") {
		return core.FieldErrorf(core.Invalid, "destination", "the destination name must be one line of at most %d bytes of UTF-8", MaxDestinationLen)
	}
	if !validCountry(r.Country) {
		return core.FieldErrorf(core.Invalid, "country", "country %q is not an ISO 3166-1 alpha-2 code in upper case (or empty)", r.Country)
	}
	if !r.Kind.IsValid() {
		return core.FieldErrorf(core.Invalid, "kind", "invalid number kind %d", r.Kind)
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"effective_from", r.EffectiveFrom}, {"effective_to", r.EffectiveTo}} {
		if f.t.IsZero() {
			continue
		}
		if f.t.Nanosecond() != 0 {
			return core.FieldErrorf(core.Invalid, f.name, "effective times are whole seconds (got %s)", f.t.Format(time.RFC3339Nano))
		}
		if y := f.t.Year(); y < 1900 || y > 9999 {
			return core.FieldErrorf(core.Invalid, f.name, "year %d is out of range 1900..9999", y)
		}
	}
	if !r.EffectiveTo.IsZero() && !r.EffectiveFrom.Before(r.EffectiveTo) {
		return core.FieldErrorf(core.Invalid, "effective_to", "effective_to %s is not after effective_from %s",
			r.EffectiveTo.UTC().Format(time.RFC3339), r.EffectiveFrom.UTC().Format(time.RFC3339))
	}
	return nil
}

func validatePrefix(p string) error {
	if p == "" {
		return core.FieldErrorf(core.Invalid, "prefix", "the prefix is empty")
	}
	if len(p) > MaxPrefixDigits {
		return core.FieldErrorf(core.Invalid, "prefix", "prefix %q has more than %d digits", p, MaxPrefixDigits)
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return core.FieldErrorf(core.Invalid, "prefix", "prefix %q must be digits only (country code first, no '+')", p)
		}
	}
	return nil
}

func validCountry(c string) bool {
	return c == "" || (len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z')
}

func validCurrency(c string) bool {
	return len(c) == 3 && strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// fromUnix and toUnix are the effective bounds in Unix seconds, open bounds
// as the extreme int64 values.
func fromUnix(r *Row) int64 {
	if r.EffectiveFrom.IsZero() {
		return math.MinInt64
	}
	return r.EffectiveFrom.Unix()
}

func toUnix(r *Row) int64 {
	if r.EffectiveTo.IsZero() {
		return math.MaxInt64
	}
	return r.EffectiveTo.Unix()
}

// Deck is one version of a rate deck: every row is priced in Currency. The
// same prefix may appear in several rows whose effective ranges do not
// overlap (a price change is a new row from the change date, with the old
// row ending then).
type Deck struct {
	Version  string // free text naming this version, e.g. "2026-11-22"; at most 64 bytes
	Currency string // ISO 4217, e.g. "USD"; empty means DefaultCurrency
	Rows     []Row
}

// Equal reports whether d and e have the same version, currency and rows in
// the same order.
func (d *Deck) Equal(e *Deck) bool {
	if d == nil || e == nil {
		return d == e
	}
	if d.Version != e.Version || d.Currency != e.Currency || len(d.Rows) != len(e.Rows) {
		return false
	}
	for i := range d.Rows {
		if !d.Rows[i].Equal(e.Rows[i]) {
			return false
		}
	}
	return true
}

// Validate checks every row and the deck as a whole (version, currency, at
// most MaxRows rows, no two rows of one prefix in force at the same time).
// The error is an *ImportError whose Line fields are 1-based positions in
// Rows.
func (d *Deck) Validate() error {
	lines := make([]int, len(d.Rows))
	for i := range lines {
		lines[i] = i + 1
	}
	if errs := d.validate(lines); len(errs) > 0 {
		return newImportError(errs)
	}
	return nil
}

// validate returns the problems of d; lines[i] is the line number to report
// for row i (0 for deck-level problems).
func (d *Deck) validate(lines []int) []RowError {
	var errs []RowError
	if len(d.Version) > 64 || !utf8.ValidString(d.Version) {
		errs = append(errs, RowError{Field: "version", Message: "the version must be at most 64 bytes of UTF-8"})
	}
	if d.Currency != "" && !validCurrency(d.Currency) {
		errs = append(errs, RowError{Field: "currency", Message: fmt.Sprintf("currency %q is not an ISO 4217 code such as USD", d.Currency)})
	}
	if len(d.Rows) > MaxRows {
		return append(errs, RowError{Message: fmt.Sprintf("%d rows is more than the limit of %d", len(d.Rows), MaxRows)})
	}
	// Rows usually share a few tariffs: check each shared compiled tariff once.
	checked := make(map[*fixedTariff]*Tariff)
	for i := range d.Rows {
		r := &d.Rows[i]
		err := r.validateFields()
		if err == nil {
			t := &r.Tariff
			if first, ok := checked[t.fixed]; !ok || t.fixed == nil || !first.sameAs(t) {
				if err = t.check(); err == nil && t.fixed != nil {
					checked[t.fixed] = t
				}
			}
		}
		if err != nil {
			errs = append(errs, rowError(lines[i], r.Prefix, err))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return append(errs, overlaps(d.Rows, lines)...)
}

// overlaps reports rows of the same prefix whose effective ranges overlap.
func overlaps(rows []Row, lines []int) []RowError {
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	if !sortedRows(rows) {
		sort.Slice(order, func(a, b int) bool { return rowLess(&rows[order[a]], &rows[order[b]]) })
	}
	var errs []RowError
	run := 1 // rows of the current prefix so far
	for j := 1; j < len(order); j++ {
		prev, cur := &rows[order[j-1]], &rows[order[j]]
		if run++; prev.Prefix != cur.Prefix {
			run = 1
		} else if run == maxRowsPerPrefix+1 {
			errs = append(errs, RowError{Line: lines[order[j]], Prefix: cur.Prefix, Field: "prefix",
				Message: "more than " + strconv.Itoa(maxRowsPerPrefix) + " rows for prefix " + cur.Prefix})
		}
		if prev.Prefix == cur.Prefix && toUnix(prev) > fromUnix(cur) {
			msg := "duplicate prefix " + cur.Prefix + ": its effective range overlaps the row on line " + strconv.Itoa(lines[order[j-1]])
			errs = append(errs, RowError{Line: lines[order[j]], Prefix: cur.Prefix, Field: "prefix", Message: msg})
		}
	}
	sort.SliceStable(errs, func(a, b int) bool { return errs[a].Line < errs[b].Line })
	return errs
}

// RowError is one problem found in a deck: Line is the CSV line (ParseCSV)
// or the 1-based row position (Deck.Validate), 0 for the deck as a whole.
type RowError struct {
	Line    int
	Prefix  string // the row's prefix as written, if known
	Field   string // the column, e.g. "connection_fee"
	Message string
}

func (e RowError) String() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

func rowError(line int, prefix string, err error) RowError {
	re := RowError{Line: line, Prefix: prefix, Message: core.ErrorMessage(err)}
	if ce, ok := err.(*core.Error); ok {
		re.Field, re.Message = ce.Field, ce.Message
	}
	return re
}

// MaxImportErrors bounds how many problems an ImportError lists; the rest
// are only counted.
const MaxImportErrors = 10000

// ImportError reports every problem of a rejected deck. Its code is
// core.Invalid (core.ErrorCode works on it). A deck with any problem is
// rejected as a whole: nothing of it is published.
type ImportError struct {
	Errors  []RowError // in line order, at most MaxImportErrors
	Omitted int        // problems beyond MaxImportErrors, not listed
}

func newImportError(errs []RowError) *ImportError {
	e := &ImportError{Errors: errs}
	if len(errs) > MaxImportErrors {
		e.Errors, e.Omitted = errs[:MaxImportErrors], len(errs)-MaxImportErrors
	}
	return e
}

// Error lists the first problems (all of them are in Errors).
func (e *ImportError) Error() string {
	var b strings.Builder
	n := len(e.Errors) + e.Omitted
	fmt.Fprintf(&b, "invalid: rate deck rejected, %d problem", n)
	if n != 1 {
		b.WriteByte('s')
	}
	for i, re := range e.Errors {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", n-5)
			break
		}
		b.WriteString("; ")
		b.WriteString(re.String())
	}
	return b.String()
}

// Unwrap exposes the error as a *core.Error with code core.Invalid.
func (e *ImportError) Unwrap() error {
	msg := strings.TrimPrefix(e.Error(), "invalid: ")
	return &core.Error{Code: core.Invalid, Message: msg}
}

// rowLess orders rows by prefix, then by start of their effective range.
func rowLess(a, b *Row) bool {
	if a.Prefix != b.Prefix {
		return a.Prefix < b.Prefix
	}
	return fromUnix(a) < fromUnix(b)
}

func sortedRows(rows []Row) bool {
	for i := 1; i < len(rows); i++ {
		if rowLess(&rows[i], &rows[i-1]) {
			return false
		}
	}
	return true
}
