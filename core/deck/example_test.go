package deck_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// Australia: US$0.13/min to a landline, US$0.38/min to a mobile, per
// started minute. A 7-minute call to each:
func ExampleTariff_Price() {
	landline := deck.MustNewTariff(decimal.Zero, deck.SimpleTiers(core.MustParseMoney("0.13"), 60, 60)...)
	mobile := deck.MustNewTariff(decimal.Zero, deck.SimpleTiers(core.MustParseMoney("0.38"), 60, 60)...)
	fmt.Println("landline 7 min:", landline.Price(7*60))
	fmt.Println("mobile   7 min:", mobile.Price(7*60))
	// Output:
	// landline 7 min: 0.91
	// mobile   7 min: 2.66
}

// A 61-second call at US$0.12/min: 30/6 billing charges 66 seconds, 60/60
// billing two whole minutes.
func ExampleTariff_Price_increments() {
	rate := core.MustParseMoney("0.12")
	t306 := deck.MustNewTariff(decimal.Zero, deck.SimpleTiers(rate, 30, 6)...)
	t6060 := deck.MustNewTariff(decimal.Zero, deck.SimpleTiers(rate, 60, 60)...)
	fmt.Println("30/6: ", t306.Price(61))
	fmt.Println("60/60:", t6060.Price(61))
	// Output:
	// 30/6:  0.132
	// 60/60: 0.24
}

// An unanswered (0-second) call costs nothing, not even the connection fee.
func ExampleTariff_Price_zeroSeconds() {
	t := deck.MustNewTariff(core.MustParseMoney("0.05"), deck.SimpleTiers(core.MustParseMoney("0.38"), 60, 60)...)
	fmt.Println(t.Price(0), t.Price(1))
	// Output: 0 0.43
}

// "First minute at 0.20, then per second at 0.05/min", with a 0.015
// connection fee.
func ExampleTariff_Price_firstMinute() {
	t := deck.MustNewTariff(core.MustParseMoney("0.015"),
		deck.Tier{FromSecond: 0, PerMinute: core.MustParseMoney("0.20"), Increment: 60},
		deck.Tier{FromSecond: 60, PerMinute: core.MustParseMoney("0.05"), Increment: 1})
	for _, s := range []int{1, 60, 61, 90, 3 * 3600} {
		fmt.Printf("%5d s: %s\n", s, t.Price(s))
	}
	// Output:
	//     1 s: 0.215
	//    60 s: 0.215
	//    61 s: 0.2158
	//    90 s: 0.24
	// 10800 s: 9.165
}

// How long may a call run on a US$1.00 budget? Authorization caps the call
// at this many seconds.
func ExampleTariff_MaxSeconds() {
	budget := core.MustParseMoney("1.00")
	landline := deck.MustNewTariff(decimal.Zero, deck.SimpleTiers(core.MustParseMoney("0.13"), 60, 60)...)
	mobile := deck.MustNewTariff(decimal.Zero, deck.SimpleTiers(core.MustParseMoney("0.38"), 60, 60)...)
	perSecond := deck.MustNewTariff(core.MustParseMoney("0.05"), deck.SimpleTiers(core.MustParseMoney("0.38"), 1, 1)...)
	fmt.Println("AU landline:", landline.MaxSeconds(budget))
	fmt.Println("AU mobile:  ", mobile.MaxSeconds(budget))
	fmt.Println("per second with a connection fee:", perSecond.MaxSeconds(budget))
	// Output:
	// AU landline: 420
	// AU mobile:   120
	// per second with a connection fee: 150
}

func ExampleIndex_Lookup() {
	f, err := os.Open("testdata/sample.csv")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	d, err := deck.ParseCSV(f)
	if err != nil {
		panic(err)
	}
	ix, err := deck.NewIndex(d)
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	for _, digits := range []string{"61299999999", "61412345678", "442079460000", "999"} {
		row, ok := ix.Lookup(digits, at)
		if !ok {
			fmt.Println(digits, "no rate")
			continue
		}
		fmt.Printf("%s %s (%s, %s): 5 min %s %s\n", digits, row.Destination, row.Country, row.Kind, row.Tariff.Price(300), ix.Currency())
	}
	// Output:
	// 61299999999 Australia (AU, landline): 5 min 0.65 USD
	// 61412345678 Australia Mobile (AU, mobile): 5 min 1.9 USD
	// 442079460000 United Kingdom (GB, landline): 5 min 0.125 USD
	// 999 no rate
}

// Find returns a handle to the row instead of the whole Row: the hot path
// of rating, where often only the tariff is needed.
func ExampleIndex_Find() {
	f, err := os.Open("testdata/sample.csv")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	d, err := deck.ParseCSV(f)
	if err != nil {
		panic(err)
	}
	ix, err := deck.NewIndex(d)
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	if ref, ok := ix.Find("61412345678", at); ok {
		fmt.Println(ref.Prefix(), ref.Destination(), ref.Kind(), ref.Tariff().Price(60))
	}
	_, ok := ix.Find("999", at)
	fmt.Println(ok)
	// Output:
	// 614 Australia Mobile mobile 0.38
	// false
}

func ExampleParseCSV() {
	in := "Code,Destination,Rate,Connect Fee,Initial Increment,Subsequent Increment\n" +
		"61,Australia,0.13,0,60,60\n" +
		"614,Australia Mobile,abc,0,60,60\n" +
		"61,Australia,0.14,0,60,60\n"
	_, err := deck.ParseCSV(strings.NewReader(in))
	fmt.Println(core.ErrorCode(err))
	for _, e := range err.(*deck.ImportError).Errors {
		fmt.Println(e)
	}
	// Output:
	// invalid
	// line 3: rate: amount "abc" is not a plain non-negative decimal
	// line 4: prefix: duplicate prefix 61: its effective range overlaps the row on line 2
}
