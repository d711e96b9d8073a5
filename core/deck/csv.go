package deck

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

// The canonical CSV columns, in the order WriteCSV writes them.
const (
	colPrefix = iota
	colDestination
	colCountry
	colKind
	colConnectionFee
	colRate
	colInitial
	colSubsequent
	colTiers
	colEffectiveFrom
	colEffectiveTo
	colCurrency
	numColumns
)

var columnNames = [numColumns]string{
	"prefix", "destination", "country", "kind", "connection_fee", "rate",
	"initial_increment", "subsequent_increment", "tiers", "effective_from", "effective_to", "currency",
}

// Header is the header line WriteCSV writes.
const Header = "prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency"

// columnAliases maps normalized header names (see normalizeName) to columns.
var columnAliases = map[string]int{
	"prefix": colPrefix, "code": colPrefix, "dial_code": colPrefix, "dialcode": colPrefix,
	"dialing_code": colPrefix, "dial_prefix": colPrefix,
	"destination": colDestination, "destination_name": colDestination, "name": colDestination, "description": colDestination,
	"country": colCountry, "iso": colCountry, "iso2": colCountry, "country_iso": colCountry,
	"kind": colKind, "type": colKind, "number_type": colKind, "line_type": colKind,
	"connection_fee": colConnectionFee, "connect_fee": colConnectionFee, "connection": colConnectionFee,
	"setup": colConnectionFee, "setup_fee": colConnectionFee,
	"rate": colRate, "price": colRate, "per_minute": colRate, "rate_per_minute": colRate, "price_per_minute": colRate,
	"initial_increment": colInitial, "initial": colInitial, "first_increment": colInitial,
	"subsequent_increment": colSubsequent, "subsequent": colSubsequent, "increment": colSubsequent,
	"billing_increment": colSubsequent, "next_increment": colSubsequent,
	"tiers":          colTiers,
	"effective_from": colEffectiveFrom, "effective_date": colEffectiveFrom, "effective": colEffectiveFrom,
	"valid_from": colEffectiveFrom, "start_date": colEffectiveFrom, "from": colEffectiveFrom,
	"effective_to": colEffectiveTo, "valid_to": colEffectiveTo, "end_date": colEffectiveTo,
	"expires": colEffectiveTo, "expiry": colEffectiveTo, "expiry_date": colEffectiveTo, "to": colEffectiveTo, "until": colEffectiveTo,
	"currency": colCurrency,
}

// ParseCSV reads a rate deck in CSV (see the package documentation for the
// columns). It returns the deck, or an *ImportError (code core.Invalid)
// listing every bad row with its line number and the reason — and then no
// deck at all: an import with errors publishes nothing. The deck's Version is
// left empty for the caller to name; its Currency comes from the currency
// column, DefaultCurrency without one. Tariffs are compiled.
func ParseCSV(r io.Reader) (*Deck, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" { // UTF-8 BOM (spreadsheets)
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.Comment = '#'

	p := csvParser{deck: &Deck{}}
	header := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, core.Errorf(core.Invalid, "reading the rate deck: %v", err)
			}
			p.errs = append(p.errs, RowError{Line: pe.StartLine, Message: "malformed CSV: " + pe.Err.Error()})
			if header || len(p.errs) > MaxImportErrors {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if header {
			header = false
			if !p.header(rec, line) {
				break
			}
			continue
		}
		if len(p.deck.Rows) >= MaxRows {
			p.errs = append(p.errs, RowError{Line: line, Message: fmt.Sprintf("more than %d rows", MaxRows)})
			break
		}
		p.row(rec, line)
		if len(p.errs) > MaxImportErrors {
			break
		}
	}
	if header && len(p.errs) == 0 {
		p.errs = append(p.errs, RowError{Line: 1, Message: "the file is empty: want a header line (" + Header + ")"})
	}
	if !header && len(p.errs) == 0 && len(p.deck.Rows) == 0 {
		p.errs = append(p.errs, RowError{Line: 1, Message: "the deck has no rows"})
	}
	if p.deck.Currency == "" {
		p.deck.Currency = DefaultCurrency
	}
	// Rows were validated one by one; what is left is how they relate.
	if more := overlaps(p.deck.Rows, p.lines); len(more) > 0 {
		p.errs = append(p.errs, more...)
		sort.SliceStable(p.errs, func(a, b int) bool { return p.errs[a].Line < p.errs[b].Line })
	}
	if len(p.errs) > 0 {
		return nil, newImportError(p.errs)
	}
	return p.deck, nil
}

type csvParser struct {
	deck  *Deck
	lines []int // CSV line of each row
	errs  []RowError
	col   [numColumns]int // record position of each column, -1 if absent
	width int
	// tariffs interns the tariffs of the deck by their text form, so that
	// rows with the same pricing share one compiled tariff.
	tariffs map[[3]string]Tariff
}

func (p *csvParser) header(rec []string, line int) bool {
	for i := range p.col {
		p.col[i] = -1
	}
	p.width = len(rec)
	bad := false
	for i, name := range rec {
		c, ok := columnAliases[normalizeName(name)]
		switch {
		case !ok:
			p.errs = append(p.errs, RowError{Line: line, Field: name, Message: fmt.Sprintf("unknown column %q (known: %s)", name, Header)})
			bad = true
		case p.col[c] >= 0:
			p.errs = append(p.errs, RowError{Line: line, Field: name, Message: fmt.Sprintf("column %q repeats column %q", name, rec[p.col[c]])})
			bad = true
		default:
			p.col[c] = i
		}
	}
	if p.col[colPrefix] < 0 {
		p.errs = append(p.errs, RowError{Line: line, Field: "prefix", Message: "the header has no prefix column"})
		bad = true
	}
	if p.col[colDestination] < 0 {
		p.errs = append(p.errs, RowError{Line: line, Field: "destination", Message: "the header has no destination column"})
		bad = true
	}
	if p.col[colRate] < 0 && p.col[colTiers] < 0 {
		p.errs = append(p.errs, RowError{Line: line, Field: "rate", Message: "the header has neither a rate nor a tiers column"})
		bad = true
	}
	if p.col[colRate] < 0 && (p.col[colInitial] >= 0 || p.col[colSubsequent] >= 0) {
		p.errs = append(p.errs, RowError{Line: line, Field: "rate", Message: "increment columns need a rate column"})
		bad = true
	}
	p.tariffs = make(map[[3]string]Tariff)
	return !bad
}

func (p *csvParser) get(rec []string, c int) string {
	if i := p.col[c]; i >= 0 {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

func (p *csvParser) fail(line int, prefix, field, format string, args ...any) {
	p.errs = append(p.errs, RowError{Line: line, Prefix: prefix, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *csvParser) row(rec []string, line int) {
	if len(rec) != p.width {
		p.fail(line, "", "", "the line has %d fields, the header %d", len(rec), p.width)
		return
	}
	nerr := len(p.errs)
	r := Row{
		Prefix:      p.get(rec, colPrefix),
		Destination: p.get(rec, colDestination),
		Country:     strings.ToUpper(p.get(rec, colCountry)),
	}
	if err := validatePrefix(r.Prefix); err != nil {
		p.errs = append(p.errs, rowError(line, r.Prefix, err))
	}
	if k := p.get(rec, colKind); k != "" {
		kind, err := ParseKind(k)
		if err != nil {
			p.errs = append(p.errs, rowError(line, r.Prefix, err))
		}
		r.Kind = kind
	}
	if t, ok := p.tariff(rec, line, r.Prefix); ok {
		r.Tariff = t
	}
	var err error
	if r.EffectiveFrom, err = parseTime(p.get(rec, colEffectiveFrom)); err != nil {
		p.fail(line, r.Prefix, "effective_from", "%s", core.ErrorMessage(err))
	}
	if r.EffectiveTo, err = parseTime(p.get(rec, colEffectiveTo)); err != nil {
		p.fail(line, r.Prefix, "effective_to", "%s", core.ErrorMessage(err))
	}
	if cur := strings.ToUpper(p.get(rec, colCurrency)); cur != "" {
		switch {
		case !validCurrency(cur):
			p.fail(line, r.Prefix, "currency", "currency %q is not an ISO 4217 code such as USD", cur)
		case p.deck.Currency == "":
			p.deck.Currency = cur
		case cur != p.deck.Currency:
			p.fail(line, r.Prefix, "currency", "currency %s differs from %s of earlier rows: one deck has one currency", cur, p.deck.Currency)
		}
	}
	if len(p.errs) > nerr {
		return
	}
	if err := r.validateFields(); err != nil { // the tariff is checked already
		p.errs = append(p.errs, rowError(line, r.Prefix, err))
		return
	}
	p.deck.Rows = append(p.deck.Rows, r)
	p.lines = append(p.lines, line)
}

// tariff reads the connection fee and either the tiers column or the
// rate/increment columns.
func (p *csvParser) tariff(rec []string, line int, prefix string) (Tariff, bool) {
	feeS, rateS, tiersS := p.get(rec, colConnectionFee), p.get(rec, colRate), p.get(rec, colTiers)
	initS, subS := p.get(rec, colInitial), p.get(rec, colSubsequent)
	key := [3]string{feeS, rateS + "/" + initS + "/" + subS, tiersS}
	if t, ok := p.tariffs[key]; ok {
		return t, true
	}
	fee := decimal.Zero
	if feeS != "" {
		var err error
		if fee, err = core.ParseMoney("connection_fee", feeS); err != nil {
			p.errs = append(p.errs, rowError(line, prefix, err))
			return Tariff{}, false
		}
	}
	var tiers []Tier
	switch {
	case rateS != "" && tiersS != "":
		p.fail(line, prefix, "tiers", "give either a rate (with increments) or tiers, not both")
		return Tariff{}, false
	case tiersS != "":
		if initS != "" || subS != "" {
			p.fail(line, prefix, "tiers", "increments belong to the rate column; with tiers, each tier has its own increment")
			return Tariff{}, false
		}
		var err error
		if tiers, err = ParseTiers(tiersS); err != nil {
			p.errs = append(p.errs, rowError(line, prefix, err))
			return Tariff{}, false
		}
	case rateS != "":
		rate, err := core.ParseMoney("rate", rateS)
		if err != nil {
			p.errs = append(p.errs, rowError(line, prefix, err))
			return Tariff{}, false
		}
		initial, subsequent := 60, 0
		if initS != "" {
			if initial, err = parseSeconds(initS); err != nil {
				p.fail(line, prefix, "initial_increment", "%q is not a whole number of seconds", initS)
				return Tariff{}, false
			}
		}
		subsequent = initial
		if subS != "" {
			if subsequent, err = parseSeconds(subS); err != nil {
				p.fail(line, prefix, "subsequent_increment", "%q is not a whole number of seconds", subS)
				return Tariff{}, false
			}
		}
		tiers = SimpleTiers(rate, initial, subsequent)
	default:
		p.fail(line, prefix, "rate", "no price: the rate (or tiers) is empty")
		return Tariff{}, false
	}
	t, err := NewTariff(fee, tiers...)
	if err != nil {
		p.errs = append(p.errs, rowError(line, prefix, err))
		return Tariff{}, false
	}
	if len(p.tariffs) < 100000 {
		p.tariffs[key] = t
	}
	return t, true
}

// Time layouts accepted for effective dates; all but RFC 3339 are UTC.
var timeLayouts = []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04"}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, core.Errorf(core.Invalid, "%q is not a date (2006-01-02) or time (2006-01-02T15:04:05Z)", s)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}

// WriteCSV writes the deck in the canonical form (Header, then one line per
// row). A tariff of the simple form — one tier, or two tiers at the same
// price where the second starts at the first's increment — is written as
// rate and increments, any other in the tiers column. ParseCSV reads it
// back to an equal deck (with the Version left empty).
func (d *Deck) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(columnNames[:]); err != nil {
		return err
	}
	rec := make([]string, numColumns)
	cur := d.Currency
	if cur == "" {
		cur = DefaultCurrency
	}
	for i := range d.Rows {
		r := &d.Rows[i]
		for j := range rec {
			rec[j] = ""
		}
		rec[colPrefix] = r.Prefix
		rec[colDestination] = r.Destination
		rec[colCountry] = r.Country
		rec[colKind] = r.Kind.String()
		rec[colConnectionFee] = r.Tariff.ConnectionFee.String()
		if rate, initial, subsequent, ok := simpleForm(r.Tariff.Tiers); ok {
			rec[colRate] = rate.String()
			rec[colInitial] = strconv.Itoa(initial)
			rec[colSubsequent] = strconv.Itoa(subsequent)
		} else {
			rec[colTiers] = r.Tariff.TiersString()
		}
		rec[colEffectiveFrom] = formatTime(r.EffectiveFrom)
		rec[colEffectiveTo] = formatTime(r.EffectiveTo)
		rec[colCurrency] = cur
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// simpleForm reports whether tiers are SimpleTiers(rate, initial, subsequent).
func simpleForm(tiers []Tier) (rate decimal.Decimal, initial, subsequent int, ok bool) {
	switch {
	case len(tiers) == 1 && tiers[0].FromSecond == 0:
		return tiers[0].PerMinute, tiers[0].Increment, tiers[0].Increment, true
	case len(tiers) == 2 && tiers[0].FromSecond == 0 && tiers[1].FromSecond == tiers[0].Increment &&
		tiers[0].Increment != tiers[1].Increment && tiers[0].PerMinute.Equal(tiers[1].PerMinute) &&
		tiers[0].PerMinute.String() == tiers[1].PerMinute.String():
		return tiers[0].PerMinute, tiers[0].Increment, tiers[1].Increment, true
	}
	return decimal.Decimal{}, 0, 0, false
}
