package portal

import (
	"fmt"
	"strings"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// kindLabel names a number kind for people.
func kindLabel(k deck.Kind) string {
	switch k {
	case deck.KindLandline:
		return "Landline"
	case deck.KindMobile:
		return "Mobile"
	case deck.KindLandlineOrMobile:
		return "Landline or mobile"
	case deck.KindTollFree:
		return "Toll-free"
	case deck.KindPremium:
		return "Premium rate"
	default:
		return "Other"
	}
}

// kindClass is the CSS modifier of a kind's badge.
func kindClass(k deck.Kind) string {
	switch k {
	case deck.KindLandline:
		return "badge landline"
	case deck.KindMobile:
		return "badge mobile"
	default:
		return "badge"
	}
}

// describeIncrements explains how a tariff bills time: the usual "60/60",
// "1/1" and "30/6" notations, and words for anything else.
func describeIncrements(t deck.Tariff) string {
	tiers := t.Tiers
	switch {
	case len(tiers) == 1:
		return fmt.Sprintf("%d/%d", tiers[0].Increment, tiers[0].Increment) + incrementWords(tiers[0].Increment, tiers[0].Increment)
	case len(tiers) == 2 && tiers[1].FromSecond == tiers[0].Increment && tiers[0].PerMinute.Equal(tiers[1].PerMinute):
		return fmt.Sprintf("%d/%d", tiers[0].Increment, tiers[1].Increment) + incrementWords(tiers[0].Increment, tiers[1].Increment)
	}
	parts := make([]string, len(tiers))
	for i, tier := range tiers {
		parts[i] = fmt.Sprintf("from %s: per %s", secondsWords(tier.FromSecond), incrementUnit(tier.Increment))
	}
	return strings.Join(parts, "; ")
}

func incrementWords(first, next int) string {
	switch {
	case first == 60 && next == 60:
		return " (per started minute)"
	case first == 1 && next == 1:
		return " (per second)"
	case first == next:
		return fmt.Sprintf(" (per %d seconds)", first)
	default:
		return fmt.Sprintf(" (first %d s, then per %d s)", first, next)
	}
}

func incrementUnit(inc int) string {
	switch inc {
	case 1:
		return "second"
	case 60:
		return "started minute"
	default:
		return fmt.Sprintf("%d seconds", inc)
	}
}

func secondsWords(s int) string {
	if s == 0 {
		return "the start"
	}
	return fmt.Sprintf("second %d", s)
}

// describeRate is the price per minute, with later tiers' prices when they
// differ: "US$0.05/min, then US$0.02/min after 60 s".
func describeRate(t deck.Tariff, currency string) string {
	var b strings.Builder
	for i, tier := range t.Tiers {
		if i > 0 {
			if tier.PerMinute.Equal(t.Tiers[i-1].PerMinute) {
				continue
			}
			fmt.Fprintf(&b, ", then %s/min after %d s", core.FormatMoney(tier.PerMinute, currency), tier.FromSecond)
			continue
		}
		b.WriteString(core.FormatMoney(tier.PerMinute, currency) + "/min")
	}
	return b.String()
}
