package portal

import (
	"testing"
	"time"
)

func TestRecommendationPeriodWording(t *testing.T) {
	nov := cycleJSON{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	dec := cycleJSON{Start: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	sydney := time.FixedZone("AEDT", 11*3600)
	decSydney := cycleJSON{Start: time.Date(2026, 12, 1, 0, 0, 0, 0, sydney), End: time.Date(2027, 1, 1, 0, 0, 0, 0, sydney)}
	for _, tt := range []struct {
		name string
		pk   packagesResponse
		want string
	}{
		{"a closed cycle: its last day", packagesResponse{UsagePeriod: nov, UsageThrough: nov.End}, "30 Nov 2026"},
		{"this cycle so far: today", packagesResponse{UsagePeriod: dec, UsageThrough: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}, "7 Dec 2026"},
		{"so far, at midnight sharp: the day that just ended", packagesResponse{UsagePeriod: dec, UsageThrough: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)}, "6 Dec 2026"},
		{"today in the account's zone, not UTC's", packagesResponse{UsagePeriod: decSydney, UsageThrough: time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)}, "8 Dec 2026"},
	} {
		if got := usageLastDay(tt.pk); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	closed := packagesResponse{UsagePeriod: nov, UsageThrough: nov.End}
	running := packagesResponse{UsagePeriod: dec, UsageThrough: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	if soFarNote(closed) != "" || soFarNote(running) != " (this cycle so far)" {
		t.Errorf("soFarNote: %q, %q", soFarNote(closed), soFarNote(running))
	}
}

func TestNotificationDate(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if got := (notification{At: at, MonthOnly: true}).when(); got != "Dec 2026" {
		t.Errorf("month only: %q", got)
	}
	if got := (notification{At: time.Date(2026, 12, 6, 15, 30, 0, 0, time.UTC)}).when(); got != "6 Dec 2026" {
		t.Errorf("dated: %q", got)
	}
}
