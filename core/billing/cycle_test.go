package billing

import (
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v (install tzdata)", name, err)
	}
	return loc
}

// day returns midnight of y-m-d in loc.
func day(y int, m time.Month, d int, loc *time.Location) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func TestMonthlyCycle(t *testing.T) {
	utc := time.UTC
	london := mustLoad(t, "Europe/London")
	ny := mustLoad(t, "America/New_York")
	sydney := mustLoad(t, "Australia/Sydney")
	tests := []struct {
		name       string
		t          time.Time
		loc        *time.Location
		anchor     int
		start, end time.Time
		days       int
		hours      float64 // 0: not checked
	}{
		{"calendar month", time.Date(2026, 1, 18, 10, 0, 0, 0, utc), utc, 1, day(2026, 1, 1, utc), day(2026, 2, 1, utc), 31, 744},
		{"anchor 0 is calendar", time.Date(2026, 4, 30, 23, 59, 59, 0, utc), utc, 0, day(2026, 4, 1, utc), day(2026, 5, 1, utc), 30, 720},
		{"first instant", day(2026, 3, 1, utc), utc, 1, day(2026, 3, 1, utc), day(2026, 4, 1, utc), 31, 0},
		{"last instant", day(2026, 4, 1, utc).Add(-time.Nanosecond), utc, 1, day(2026, 3, 1, utc), day(2026, 4, 1, utc), 31, 0},
		{"december to january", time.Date(2026, 12, 31, 12, 0, 0, 0, utc), utc, 1, day(2026, 12, 1, utc), day(2027, 1, 1, utc), 31, 0},
		{"february 2027", time.Date(2027, 2, 14, 0, 0, 0, 0, utc), utc, 1, day(2027, 2, 1, utc), day(2027, 3, 1, utc), 28, 672},
		{"february 2028 leap", time.Date(2028, 2, 29, 12, 0, 0, 0, utc), utc, 1, day(2028, 2, 1, utc), day(2028, 3, 1, utc), 29, 696},
		{"february 2100 not leap", time.Date(2100, 2, 28, 12, 0, 0, 0, utc), utc, 1, day(2100, 2, 1, utc), day(2100, 3, 1, utc), 28, 0},
		{"february 2000 leap", time.Date(2000, 2, 29, 12, 0, 0, 0, utc), utc, 1, day(2000, 2, 1, utc), day(2000, 3, 1, utc), 29, 0},
		{"anchor 15 before anchor", time.Date(2026, 1, 10, 0, 0, 0, 0, utc), utc, 15, day(2025, 12, 15, utc), day(2026, 1, 15, utc), 31, 0},
		{"anchor 15 on anchor", day(2026, 1, 15, utc), utc, 15, day(2026, 1, 15, utc), day(2026, 2, 15, utc), 31, 0},
		{"anchor 31 january", time.Date(2026, 1, 31, 8, 0, 0, 0, utc), utc, 31, day(2026, 1, 31, utc), day(2026, 2, 28, utc), 28, 0},
		{"anchor 31 clamps to feb 28", time.Date(2026, 2, 28, 8, 0, 0, 0, utc), utc, 31, day(2026, 2, 28, utc), day(2026, 3, 31, utc), 31, 0},
		{"anchor 31 april", time.Date(2026, 4, 30, 8, 0, 0, 0, utc), utc, 31, day(2026, 4, 30, utc), day(2026, 5, 31, utc), 31, 0},
		{"anchor 31 march back to 31", time.Date(2026, 3, 31, 0, 0, 0, 0, utc), utc, 31, day(2026, 3, 31, utc), day(2026, 4, 30, utc), 30, 0},
		{"anchor 31 leap feb 29", time.Date(2028, 2, 29, 0, 0, 0, 0, utc), utc, 31, day(2028, 2, 29, utc), day(2028, 3, 31, utc), 31, 0},
		{"anchor 31 leap january", time.Date(2028, 2, 28, 0, 0, 0, 0, utc), utc, 31, day(2028, 1, 31, utc), day(2028, 2, 29, utc), 29, 0},
		{"anchor 30 february", time.Date(2026, 2, 10, 0, 0, 0, 0, utc), utc, 30, day(2026, 1, 30, utc), day(2026, 2, 28, utc), 29, 0},
		{"anchor 29 non-leap", time.Date(2027, 3, 1, 0, 0, 0, 0, utc), utc, 29, day(2027, 2, 28, utc), day(2027, 3, 29, utc), 29, 0},
		{"anchor 29 leap", time.Date(2028, 3, 1, 0, 0, 0, 0, utc), utc, 29, day(2028, 2, 29, utc), day(2028, 3, 29, utc), 29, 0},
		{"london spring forward", time.Date(2026, 3, 29, 12, 0, 0, 0, london), london, 1, day(2026, 3, 1, london), day(2026, 4, 1, london), 31, 743},
		{"london fall back", time.Date(2026, 10, 25, 12, 0, 0, 0, london), london, 1, day(2026, 10, 1, london), day(2026, 11, 1, london), 31, 745},
		{"new york fall back", time.Date(2026, 11, 1, 1, 30, 0, 0, ny), ny, 1, day(2026, 11, 1, ny), day(2026, 12, 1, ny), 30, 721},
		{"new york spring forward anchor 8", time.Date(2026, 3, 8, 3, 0, 0, 0, ny), ny, 8, day(2026, 3, 8, ny), day(2026, 4, 8, ny), 31, 743},
		{"UTC instant on the previous local day", time.Date(2026, 2, 1, 3, 0, 0, 0, utc), ny, 1, day(2026, 1, 1, ny), day(2026, 2, 1, ny), 31, 0},
		{"UTC instant on the next local day", time.Date(2026, 6, 30, 23, 30, 0, 0, utc), london, 1, day(2026, 7, 1, london), day(2026, 8, 1, london), 31, 0},
		{"UTC instant, sydney", time.Date(2026, 1, 31, 14, 0, 0, 0, utc), sydney, 1, day(2026, 2, 1, sydney), day(2026, 3, 1, sydney), 28, 0},
		{"nil location is UTC", time.Date(2026, 5, 5, 0, 0, 0, 0, ny), nil, 1, day(2026, 5, 1, utc), day(2026, 6, 1, utc), 31, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := MonthlyCycle(tt.t, tt.loc, tt.anchor)
			if !c.Start.Equal(tt.start) || !c.End.Equal(tt.end) {
				t.Fatalf("MonthlyCycle = %s [%s, %s), want [%s, %s)", c, c.Start, c.End, tt.start, tt.end)
			}
			if got := c.Days(); got != tt.days {
				t.Errorf("Days = %d, want %d", got, tt.days)
			}
			if got := slowDays(c); got != tt.days {
				t.Errorf("slowDays = %d, want %d", got, tt.days)
			}
			if h := c.End.Sub(c.Start).Hours(); tt.hours != 0 && h != tt.hours {
				t.Errorf("cycle lasts %v hours, want %v", h, tt.hours)
			}
			if !c.Contains(tt.t) {
				t.Errorf("cycle %s does not contain %s", c, tt.t)
			}
			if n := c.Next(); !n.Start.Equal(c.End) || n.Prev() != c {
				t.Errorf("Next = %s, Next().Prev() = %s, want to start at %s and return", n, n.Prev(), c.End)
			}
		})
	}
}

// TestCycleSequenceAnchor31 walks a year of cycles anchored on the 31st:
// the start clamps in short months and returns to the 31st when it can.
func TestCycleSequenceAnchor31(t *testing.T) {
	c := MonthlyCycle(time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC), time.UTC, 31)
	want := []string{"2027-12-31", "2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31",
		"2028-06-30", "2028-07-31", "2028-08-31", "2028-09-30", "2028-10-31", "2028-11-30", "2028-12-31", "2029-01-31",
		"2029-02-28", "2029-03-31"}
	for i, w := range want {
		if got := c.Start.Format(time.DateOnly); got != w {
			t.Fatalf("cycle %d starts %s, want %s", i, got, w)
		}
		c = c.Next()
	}
	for i := len(want) - 1; i >= 0; i-- {
		c = c.Prev()
		if got := c.Start.Format(time.DateOnly); got != want[i] {
			t.Fatalf("walking back, cycle %d starts %s, want %s", i, got, want[i])
		}
	}
}

// TestCycleMidnightGap: in America/Santiago the clocks jump from 00:00 to
// 01:00 when DST starts, so the day has no midnight; the cycle starts at the
// transition, on the right calendar day.
func TestCycleMidnightGap(t *testing.T) {
	scl := mustLoad(t, "America/Santiago")
	// 2019-09-08: DST started at 00:00 local (04:00 UTC).
	c := MonthlyCycle(time.Date(2019, 9, 20, 0, 0, 0, 0, time.UTC), scl, 8)
	if y, m, d := c.Start.Date(); y != 2019 || m != 9 || d != 8 {
		t.Fatalf("cycle starts on %s, want 2019-09-08", c.Start)
	}
	if want := time.Date(2019, 9, 8, 4, 0, 0, 0, time.UTC); !c.Start.Equal(want) {
		t.Errorf("cycle starts at %s, want the transition %s", c.Start.UTC(), want)
	}
	if !c.Prev().End.Equal(c.Start) || c.Prev().Days() != 31 || c.Days() != 30 {
		t.Errorf("Prev = %s (%d days), cycle %s (%d days)", c.Prev(), c.Prev().Days(), c, c.Days())
	}
	// The last instant of 7 September belongs to the previous cycle.
	if c.Contains(c.Start.Add(-time.Second)) || c.Prev().Contains(c.Start) {
		t.Error("cycles overlap around the gap")
	}
}

func TestCheckAnchorDay(t *testing.T) {
	for _, d := range []int{0, 1, 15, 28, 29, 30, 31} {
		if err := CheckAnchorDay(d); err != nil {
			t.Errorf("CheckAnchorDay(%d) = %v", d, err)
		}
	}
	for _, d := range []int{-1, 32, 100} {
		if got := core.ErrorCode(CheckAnchorDay(d)); got != core.Invalid {
			t.Errorf("CheckAnchorDay(%d) code = %q, want invalid", d, got)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MonthlyCycle with anchor %d did not panic", d)
				}
			}()
			MonthlyCycle(time.Time{}, nil, d)
		}()
	}
}

func TestCycleZero(t *testing.T) {
	var c Cycle
	if !c.IsZero() || c.String() != "invalid cycle" {
		t.Errorf("zero cycle: IsZero %v, String %q", c.IsZero(), c.String())
	}
	if got := core.ErrorCode(c.check("cycle")); got != core.Invalid {
		t.Errorf("check(zero) = %q", got)
	}
	rev := Cycle{Start: day(2026, 2, 1, time.UTC), End: day(2026, 1, 1, time.UTC)}
	if got := core.ErrorCode(rev.check("cycle")); got != core.Invalid {
		t.Errorf("check(reversed) = %q", got)
	}
}

func TestCycleString(t *testing.T) {
	c := MonthlyCycle(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), mustLoad(t, "Europe/London"), 1)
	if got, want := c.String(), "2026-03-01..2026-04-01 Europe/London"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

// TestCycleSkippedDay: Samoa skipped 30 December 2011 (Pacific/Apia jumped
// from the 29th to the 31st). A cycle anchored on the 30th starts on the
// first instant after the missing day, and day counts leave it out.
func TestCycleSkippedDay(t *testing.T) {
	apia := mustLoad(t, "Pacific/Apia")
	c := MonthlyCycle(time.Date(2011, 12, 15, 0, 0, 0, 0, apia), apia, 30)
	if want := day(2011, 12, 31, apia); !c.End.Equal(want) {
		t.Fatalf("cycle %s ends %s, want %s", c, c.End, want)
	}
	if c.Days() != 30 || slowDays(c) != 30 {
		t.Errorf("Days = %d (reference %d), want 30: 30 Nov..29 Dec", c.Days(), slowDays(c))
	}
	dec := MonthlyCycle(time.Date(2011, 12, 15, 0, 0, 0, 0, apia), apia, 1)
	if dec.Days() != 30 || slowDays(dec) != 30 {
		t.Errorf("December 2011 in Apia: Days = %d (reference %d), want 30", dec.Days(), slowDays(dec))
	}
	at := time.Date(2011, 12, 29, 12, 0, 0, 0, apia)
	if got := dec.RemainingDays(at); got != 2 || slowRemainingDays(dec, at) != 2 {
		t.Errorf("RemainingDays from the 29th = %d (reference %d), want 2 (29th and 31st)", got, slowRemainingDays(dec, at))
	}
	if n := c.Next(); !n.Start.Equal(c.End) || n.Days() != 30 {
		t.Errorf("Next = %s with %d days", n, n.Days())
	}
}
