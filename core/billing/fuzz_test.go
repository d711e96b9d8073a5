package billing

import (
	"errors"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
)

func asError(err error, e **core.Error) bool { return errors.As(err, e) }

// fuzzZones are the zones the fuzz targets pick from: UTC, zones with DST
// at 01:00, 02:00 and midnight (Santiago, Havana), half-hour DST (Lord
// Howe), far east and west of UTC, and zones that skipped a whole calendar
// day (Kiritimati 1994-12-31, Apia 2011-12-30).
func fuzzZones(f *testing.F) []*time.Location {
	names := []string{"UTC", "Europe/London", "America/New_York", "America/Santiago", "America/Havana",
		"Australia/Lord_Howe", "Pacific/Kiritimati", "Pacific/Apia", "Pacific/Pago_Pago", "Asia/Kolkata", "Australia/Sydney"}
	locs := make([]*time.Location, len(names))
	for i, n := range names {
		locs[i] = mustLoad(f, n)
	}
	return locs
}

// FuzzMonthlyCycle: cycles tile time with no gap or overlap, contain the
// instant they were built from, start on the (clamped) anchor day at the
// first instant of that day, and last 28 to 31 calendar days.
func FuzzMonthlyCycle(f *testing.F) {
	f.Add(int64(1768694400), uint8(0), uint8(1))
	f.Add(int64(1835395200), uint8(2), uint8(31))
	f.Add(int64(1567915200), uint8(3), uint8(8)) // Santiago midnight gap
	f.Add(int64(-1), uint8(4), uint8(30))
	f.Add(int64(1324339200), uint8(7), uint8(29)) // Apia skipped 2011-12-30
	f.Add(int64(787881600), uint8(6), uint8(30))  // Kiritimati skipped 1994-12-31
	locs := fuzzZones(f)
	f.Fuzz(func(t *testing.T, sec int64, zone, anchorByte uint8) {
		loc := locs[int(zone)%len(locs)]
		anchor := 1 + int(anchorByte)%31
		tm := time.Unix(sec%(1<<33), 0)
		c := MonthlyCycle(tm, loc, anchor)
		if !c.Contains(tm) || c.Start.After(tm) || !tm.Before(c.End) {
			t.Fatalf("%s does not contain %s", c, tm)
		}
		if c.Anchor != anchor || c.Location() != loc {
			t.Fatalf("%s: anchor %d zone %s, want %d %s", c, c.Anchor, c.Location(), anchor, loc)
		}
		if d := c.Days(); d < 28 || d > 31 {
			t.Fatalf("%s has %d days", c, d)
		}
		for _, b := range []time.Time{c.Start, c.End} {
			y, mo, d := b.In(loc).Date()
			before, at := dayNumber(b.Add(-time.Nanosecond), loc), dayNumber(b, loc)
			if before >= at {
				t.Fatalf("%s: boundary %s is not the first instant of its day", c, b)
			}
			// The boundary is on the clamped anchor day, unless that day was
			// skipped by the zone (then the day before the boundary is missing).
			if want := min(anchor, daysIn(y, mo)); d != want && at-before < 2 {
				t.Fatalf("%s: boundary %s on day %d, want %d", c, b, d, want)
			}
		}
		next, prev := c.Next(), c.Prev()
		if !next.Start.Equal(c.End) || !prev.End.Equal(c.Start) {
			t.Fatalf("gap or overlap: prev %s, c %s, next %s", prev, c, next)
		}
		if next.Prev() != c || prev.Next() != c {
			t.Fatalf("Next/Prev do not round-trip around %s", c)
		}
		if last := c.End.Add(-time.Nanosecond); MonthlyCycle(last, loc, anchor) != c {
			t.Fatalf("the last instant of %s belongs to %s", c, MonthlyCycle(last, loc, anchor))
		}
		if MonthlyCycle(c.End, loc, anchor) != next {
			t.Fatalf("the end of %s does not start the next cycle", c)
		}
	})
}
