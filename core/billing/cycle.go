package billing

import (
	"time"

	"github.com/tollgate-voice/tollgate/core"
)

// Cycle is one billing cycle: the half-open interval [Start, End) from one
// anchor day to the next in the account's time zone (the Location of Start).
// Anchor is the day of the month the cycle is anchored to, 1..31; 0 means 1,
// the calendar month. The zero Cycle is invalid (IsZero reports it).
//
// Cycles are built with MonthlyCycle; a Cycle decoded from JSON keeps only a
// fixed UTC offset, so rebuild it with MonthlyCycle(c.Start, loc, c.Anchor)
// before stepping across a DST change with Next or Prev.
type Cycle struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Anchor int       `json:"anchor_day,omitempty"`
}

// MaxAnchorDay is the largest anchor day.
const MaxAnchorDay = 31

// CheckAnchorDay returns an Invalid error unless day is a valid anchor day:
// 0 (the calendar month, same as 1) through 31.
func CheckAnchorDay(day int) error {
	if day < 0 || day > MaxAnchorDay {
		return core.FieldErrorf(core.Invalid, "anchor_day", "anchor day %d is not between 1 and 31", day)
	}
	return nil
}

// MonthlyCycle returns the monthly cycle containing t, in zone loc (nil means
// UTC), anchored on anchorDay: 1 (or 0) is the calendar month; 29, 30 and 31
// are clamped to the last day of shorter months. t may be given in any zone:
// only the instant matters. MonthlyCycle panics if anchorDay is not accepted
// by CheckAnchorDay; check input from users first.
func MonthlyCycle(t time.Time, loc *time.Location, anchorDay int) Cycle {
	if err := CheckAnchorDay(anchorDay); err != nil {
		panic(err)
	}
	if loc == nil {
		loc = time.UTC
	}
	if anchorDay == 0 {
		anchorDay = 1
	}
	lt := t.In(loc)
	y, m, _ := lt.Date()
	start := anchorStart(y, m, anchorDay, loc)
	if lt.Before(start) {
		y, m = addMonth(y, m, -1)
		start = anchorStart(y, m, anchorDay, loc)
	}
	ny, nm := addMonth(y, m, 1)
	return Cycle{Start: start, End: anchorStart(ny, nm, anchorDay, loc), Anchor: anchorDay}
}

// IsZero reports whether c is the zero Cycle.
func (c Cycle) IsZero() bool { return c.Start.IsZero() && c.End.IsZero() }

// Location returns the time zone of the cycle.
func (c Cycle) Location() *time.Location { return c.Start.Location() }

func (c Cycle) anchor() int {
	if c.Anchor <= 0 || c.Anchor > MaxAnchorDay {
		return 1
	}
	return c.Anchor
}

// Days returns the number of calendar days of the cycle in its time zone
// (28 to 31 for a monthly cycle, whatever DST does to the hours).
func (c Cycle) Days() int {
	return daysBetween(c.Start, c.End, c.Location())
}

// Next returns the cycle that starts where c ends.
func (c Cycle) Next() Cycle { return MonthlyCycle(c.End, c.Location(), c.anchor()) }

// Prev returns the cycle that ends where c starts.
func (c Cycle) Prev() Cycle {
	return MonthlyCycle(c.Start.Add(-time.Nanosecond), c.Location(), c.anchor())
}

// Contains reports whether the instant t falls in [Start, End).
func (c Cycle) Contains(t time.Time) bool { return !t.Before(c.Start) && t.Before(c.End) }

// RemainingDays returns the number of calendar days of c from the day of at
// (inclusive) to the end of the cycle: c.Days() for an instant on the first
// day or before the cycle, 0 at or after its end. The day of at is taken in
// the cycle's zone, so an instant given in UTC counts on the local day.
func (c Cycle) RemainingDays(at time.Time) int {
	if !at.After(c.Start) {
		return c.Days()
	}
	if !at.Before(c.End) {
		return 0
	}
	return daysBetween(at, c.End, c.Location())
}

// String formats the cycle as "2026-01-01..2026-02-01 Europe/London" (the
// dates of Start and End in the cycle's zone).
func (c Cycle) String() string {
	if c.IsZero() {
		return "invalid cycle"
	}
	loc := c.Location()
	return c.Start.In(loc).Format(time.DateOnly) + ".." + c.End.In(loc).Format(time.DateOnly) + " " + loc.String()
}

// check returns an Invalid error unless c is a usable cycle.
func (c Cycle) check(field string) error {
	if c.IsZero() || !c.Start.Before(c.End) || c.Days() < 1 {
		return core.FieldErrorf(core.Invalid, field, "billing cycle %s is empty or reversed", c)
	}
	return nil
}

// anchorStart returns the first instant of the anchor day of month m of year
// y, the anchor clamped to the month's last day.
func anchorStart(y int, m time.Month, anchor int, loc *time.Location) time.Time {
	return startOfDay(y, m, min(anchor, daysIn(y, m)), loc)
}

// startOfDay returns the first instant of the calendar day y-m-d in loc:
// midnight, or the DST transition when the clocks skip midnight (time.Date
// then returns 23:00 of the previous day). For a calendar day the zone
// skipped entirely (Pacific/Apia, 30 December 2011) it returns the first
// instant after it.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	target := civilDay(y, m, d)
	if dayNumber(t, loc) == target && dayNumber(t.Add(-time.Second), loc) < target {
		return t // midnight exists: the usual case
	}
	// Binary search, over whole seconds (zone transitions fall on whole
	// seconds), for the first instant whose date is target or later; it lies
	// within two days of the time.Date answer.
	lo, hi := t.Unix()-2*86400, t.Unix()+2*86400 // date(lo) < target ≤ date(hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if dayNumber(time.Unix(mid, 0), loc) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return time.Unix(hi, 0).In(loc)
}

// civilDay returns the number of the calendar day y-m-d counted from
// 1970-01-01 (negative before).
func civilDay(y int, m time.Month, d int) int {
	// A UTC midnight is an exact multiple of 86400 seconds.
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// daysBetween returns the number of calendar days of loc that occur in
// [from, to), counting the day of from. That is the difference of the
// calendar day numbers, unless the zone skipped a whole day in between (a
// transition moving the clocks forward by a day, as Pacific/Apia did on
// 30 December 2011): only then does the UTC offset grow by about a day, and
// the days are checked one by one.
func daysBetween(from, to time.Time, loc *time.Location) int {
	if !from.Before(to) {
		return 0
	}
	first, end := dayNumber(from, loc), dayNumber(to, loc)
	_, off1 := from.In(loc).Zone()
	_, off2 := to.In(loc).Zone()
	if off2-off1 < 12*3600 {
		return end - first
	}
	n := 0
	for dn := first; dn < end; dn++ {
		y, m, d := time.Unix(int64(dn)*86400, 0).UTC().Date()
		if dayNumber(startOfDay(y, m, d, loc), loc) == dn {
			n++
		}
	}
	return n
}

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func addMonth(y int, m time.Month, n int) (int, time.Month) {
	mi := int(m) - 1 + n
	y += mi / 12
	mi %= 12
	if mi < 0 {
		mi += 12
		y--
	}
	return y, time.Month(mi + 1)
}

// dayNumber returns the number of the calendar day of t in loc, counted from
// 1970-01-01 (negative before).
func dayNumber(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return civilDay(y, m, d)
}
