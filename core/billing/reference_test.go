package billing

import "time"

// The slow, obvious references for the day arithmetic: walk the cycle hour by
// hour and count the distinct calendar dates seen in the cycle's zone. Every
// calendar day lasts at least 23 hours (DST), so an hourly walk sees every
// day; nothing here shares code with the fast path.

type civil struct {
	y int
	m time.Month
	d int
}

// slowRemainingDays counts the calendar days of c from the day of at
// (inclusive) to the end of c.
func slowRemainingDays(c Cycle, at time.Time) int {
	if at.Before(c.Start) {
		at = c.Start
	}
	loc := c.Start.Location()
	seen := map[civil]bool{}
	for t := at; t.Before(c.End); t = t.Add(time.Hour) {
		y, m, d := t.In(loc).Date()
		seen[civil{y, m, d}] = true
	}
	return len(seen)
}

// slowDays counts the calendar days of c.
func slowDays(c Cycle) int { return slowRemainingDays(c, c.Start) }
