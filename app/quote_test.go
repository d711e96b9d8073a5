package portal

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

func testIndex(t testing.TB) *deck.Index {
	t.Helper()
	f, err := os.Open("testdata/deck.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := deck.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := deck.NewIndex(d)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

var testNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestAnswerDial(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		name, dial, home string
		state            answerState
		number, dest     string
		kind             deck.Kind
		rate, incr       string
		costs            []string // 1, 5, 10, 30 minutes
	}{
		{"AU mobile international", "+61 412 345 678", "GB", answerRated, "+61412345678", "Australia Mobile", deck.KindMobile,
			"US$0.38/min", "60/60 (per started minute)", []string{"US$0.38", "US$1.90", "US$3.80", "US$11.40"}},
		{"AU landline from GB with 00", "0061 2 9999 9999", "GB", answerRated, "+61299999999", "Australia", deck.KindLandline,
			"US$0.13/min", "60/60 (per started minute)", []string{"US$0.13", "US$0.65", "US$1.30", "US$3.90"}},
		{"AU landline national from AU", "(02) 9999-9999", "AU", answerRated, "+61299999999", "Australia", deck.KindLandline,
			"US$0.13/min", "60/60 (per started minute)", nil},
		{"AU mobile from US with 011", "011 61 412 345 678", "US", answerRated, "+61412345678", "Australia Mobile", deck.KindMobile,
			"US$0.38/min", "", nil},
		{"UK landline 30/6, price in force now", "020 7946 0000", "GB", answerRated, "+442079460000", "United Kingdom", deck.KindLandline,
			"US$0.025/min", "30/6 (first 30 s, then per 6 s)", []string{"US$0.025", "US$0.125", "US$0.25", "US$0.75"}},
		{"France first minute then per second", "+33 1 23 45 67 89", "GB", answerRated, "+33123456789", "France", deck.KindLandline,
			"US$0.05/min, then US$0.02/min after 60 s", "from the start: per started minute; from second 60: per second", []string{"US$0.05", "US$0.13", "US$0.23", "US$0.63"}},
		{"US national", "(212) 555-0100", "US", answerRated, "+12125550100", "United States / Canada", deck.KindLandlineOrMobile,
			"US$0.01/min", "6/6 (per 6 seconds)", nil},
		{"emergency GB", "999", "GB", answerFree, "999", "", 0, "", "", nil},
		{"emergency AU", "000", "AU", answerFree, "000", "", 0, "", "", nil},
		{"emergency US", "911", "US", answerFree, "911", "", 0, "", "", nil},
		{"essential GB", "111", "GB", answerFree, "111", "", 0, "", "", nil},
		{"helpline GB", "105", "GB", answerFree, "105", "", 0, "", "", nil},
		{"empty", "   ", "GB", answerEmpty, "", "", 0, "", "", nil},
		{"letters", "call me", "GB", answerInvalid, "", "", 0, "", "", nil},
		{"too long", "+61 412 345 678 901 234", "GB", answerInvalid, "", "", 0, "", "", nil},
		{"no rate", "+81 3 1234 5678", "GB", answerUnrated, "+81312345678", "", 0, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := answerDial(ix, tt.dial, tt.home, testNow)
			if a.State != tt.state {
				t.Fatalf("state = %d (%q), want %d", a.State, a.Message, tt.state)
			}
			if (tt.state == answerInvalid || tt.state == answerUnrated || tt.state == answerFree) && a.Message == "" {
				t.Errorf("no message for state %d", a.State)
			}
			if a.Number != tt.number || a.Destination != tt.dest || a.Kind != tt.kind {
				t.Errorf("got %q %q %v, want %q %q %v", a.Number, a.Destination, a.Kind, tt.number, tt.dest, tt.kind)
			}
			if tt.rate != "" && a.Rate != tt.rate {
				t.Errorf("rate %q, want %q", a.Rate, tt.rate)
			}
			if tt.incr != "" && a.Increments != tt.incr {
				t.Errorf("increments %q, want %q", a.Increments, tt.incr)
			}
			if tt.costs != nil {
				if len(a.Costs) != len(tt.costs) {
					t.Fatalf("costs %v, want %v", a.Costs, tt.costs)
				}
				for i, c := range a.Costs {
					if c.Minutes != sampleMinutes[i] || c.Amount != tt.costs[i] {
						t.Errorf("cost %d min = %q, want %q", c.Minutes, c.Amount, tt.costs[i])
					}
				}
			}
		})
	}
}

// TestAnswerDialAgreesWithCore checks the displayed costs against the core's
// own pricing for every row of the deck: the page formats, it never computes.
func TestAnswerDialAgreesWithCore(t *testing.T) {
	ix := testIndex(t)
	for _, row := range ix.Deck().Rows {
		if !row.InForce(testNow) {
			continue
		}
		digits := row.Prefix
		for len(digits) < 11 {
			digits += "5"
		}
		a := answerDial(ix, "+"+digits, "GB", testNow)
		if a.State != answerRated {
			continue // a prefix padded with 5s may not be a valid number there
		}
		want, _ := ix.Lookup(digits, testNow)
		for _, c := range a.Costs {
			if got, exp := c.Amount, core.FormatMoney(want.Tariff.Price(c.Minutes*60), ix.Currency()); got != exp {
				t.Errorf("%s %d min: shown %s, core prices %s", digits, c.Minutes, got, exp)
			}
		}
	}
}

func TestAnswerDialEffectiveDate(t *testing.T) {
	ix := testIndex(t)
	later := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	if a := answerDial(ix, "020 7946 0000", "GB", later); a.Rate != "US$0.02/min" {
		t.Errorf("after the price change: %q, want US$0.02/min", a.Rate)
	}
}

func TestAnswerDialWhileLoading(t *testing.T) {
	a := answerDial(nil, "+61 412 345 678", "GB", testNow)
	if a.State != answerUnrated || a.Number != "+61412345678" {
		t.Errorf("got %+v", a)
	}
	if a := answerDial(nil, "999", "GB", testNow); a.State != answerFree {
		t.Errorf("emergency while loading: %+v", a)
	}
}

func mustMoney(s string) decimal.Decimal { return core.MustParseMoney(s) }

func TestAPIError(t *testing.T) {
	err := apiError(404, `{"error":{"code":"not_found","message":"no deck has been published yet"}}`)
	if err == nil || err.Error() != "the rates could not be loaded: no deck has been published yet" {
		t.Errorf("apiError = %v", err)
	}
	err = apiError(502, "<html>Bad gateway</html>")
	if err == nil || err.Error() != "the rates could not be loaded: the server answered with status 502" {
		t.Errorf("apiError = %v", err)
	}
}

// Essential numbers are never blocked; helplines are free but blocked with
// every other call when the bundle is used up: the checker says which.
func TestShortNumberMessages(t *testing.T) {
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	for dial, want := range map[string]string{
		"999": "never blocked",
		"111": "never blocked",
		"105": "blocked once the bundle is used up",
	} {
		if a := answerDial(nil, dial, "GB", at); !strings.Contains(a.Message, want) {
			t.Errorf("%s: %q, want it to say %q", dial, a.Message, want)
		}
	}
}
