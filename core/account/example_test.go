package account_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// exampleDeck has the worked example of the product documents: Australia
// landline US$0.13/min vs mobile US$0.38/min, and UK landlines per second.
func exampleDeck() *deck.Index {
	d, err := deck.ParseCSV(strings.NewReader(`prefix,destination,country,kind,rate,initial_increment,subsequent_increment
61,Australia,AU,landline,0.13,60,60
614,Australia Mobile,AU,mobile,0.38,60,60
44,United Kingdom,GB,landline,0.012,1,1
1,United States,US,landline_or_mobile,0.01,6,6
`))
	if err != nil {
		panic(err)
	}
	ix, err := deck.NewIndex(d)
	if err != nil {
		panic(err)
	}
	return ix
}

func ExampleAccount_Authorize() {
	ix := exampleDeck()
	a, _ := account.New("acme", account.DemoCatalog(), account.Settings{
		Home: "GB", RateCard: true, Capped: true, Cap: core.MustParseMoney("5.00"),
	})
	a.SetQuantity("bundle-300", 1)
	a.AddUser(account.User{ID: "ann", Privileges: account.International, Plan: true})
	a.AddUser(account.User{ID: "ben", Privileges: account.Domestic, Plan: true})
	a.AddUser(account.User{ID: "cy", Privileges: account.International, Plan: true}) // no line yet
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	a.AddLine("+44 20 7946 0001", "line-local", at, false)
	a.AssignLine("+442079460001", "ann")
	a.AddLine("+44 20 7946 0002", "line-local", at, false)
	a.AssignLine("+442079460002", "ben")

	for _, call := range []struct{ user, dial string }{
		{"ann", "+61 2 9999 9999"}, // AU landline: pay-as-you-go, the cap bounds the call
		{"ann", "+61 412 345 678"}, // AU mobile: dearer, so shorter
		{"ann", "+1 212 555 0100"}, // US & Canada: included in every account
		{"ben", "020 7946 0000"},   // domestic: from the pooled bundle
		{"ben", "+61 2 9999 9999"}, // domestic-only user
		{"ben", "999"},             // emergency: always
		{"cy", "020 7946 0000"},    // a user places calls from a line
		{"cy", "112"},              // but emergency calls go through anyway
	} {
		dialled, _ := e164.ParseDial(call.dial, "GB")
		d := a.Authorize(ix, account.Request{User: call.user, Dialled: dialled, Start: at})
		fmt.Printf("%s %-16s allowed=%-5v %-16s cover=%-7s max=%d\n", call.user, call.dial, d.Allowed, d.Reason, d.Cover, d.MaxSeconds)
	}
	// Output:
	// ann +61 2 9999 9999  allowed=true  payg             cover=payg    max=2280
	// ann +61 412 345 678  allowed=true  payg             cover=payg    max=780
	// ann +1 212 555 0100  allowed=true  package          cover=package max=2147483647
	// ben 020 7946 0000    allowed=true  bundle           cover=bundle  max=7200
	// ben +61 2 9999 9999  allowed=false denied_privilege cover=none    max=0
	// ben 999              allowed=true  emergency        cover=free    max=2147483647
	// cy 020 7946 0000    allowed=false denied_no_line   cover=none    max=0
	// cy 112              allowed=true  emergency        cover=free    max=2147483647
}

func ExampleAccount_RateCDR() {
	ix := exampleDeck()
	a, _ := account.New("acme", account.DemoCatalog(), account.Settings{Home: "GB", RateCard: true})
	a.SetQuantity("bundle-300", 1)
	a.AddUser(account.User{ID: "ann", Privileges: account.International, Plan: true})
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	a.AddLine("+442079460001", "line-local", at, false)
	a.AssignLine("+442079460001", "ann")
	mobile, _ := e164.ParseDial("+61 412 345 678", "GB")

	// Authorize and reserve, then the CDR: 2 min 5 s to an Australian mobile.
	d, _ := a.AuthorizeAndReserve(ix, account.Request{CallID: "c-1", User: "ann", Dialled: mobile, Start: at})
	fmt.Println("quoted:", d.Quote(125).Cost)
	r, _ := a.RateCDR(ix, account.CDR{CallID: "c-1", User: "ann", Dialled: mobile, Start: at, Seconds: 125})
	for _, l := range r.Lines() {
		fmt.Println("charged:", l.Kind, l.Quantity, l.Unit+"s", l.Amount)
	}
	// The same CDR again is not charged twice.
	again, _ := a.RateCDR(ix, account.CDR{CallID: "c-1", User: "ann", Dialled: mobile, Start: at, Seconds: 125})
	fmt.Println("duplicate:", again.Duplicate, "month's PAYG:", a.UsageAt(at).PAYG)

	// A domestic call of 61 s uses two bundle minutes.
	uk, _ := e164.ParseDial("020 7946 0000", "GB")
	r, _ = a.RateCDR(ix, account.CDR{CallID: "c-2", User: "ann", Dialled: uk, Start: at, Seconds: 61})
	fmt.Println(r.Cover, r.BundleMinutes, "minutes, cost", r.Cost)
	// Output:
	// quoted: 1.14
	// charged: payg 125 seconds 1.14
	// duplicate: true month's PAYG: 1.14
	// bundle 2 minutes, cost 0
}

func ExampleContract_Remainder() {
	start := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	c := account.Contract{Term: account.Annual, Start: start, End: start.AddDate(1, 0, 0)}
	// Released on 1 March: 14 of February-March's 28 days and 10 more months.
	fmt.Println(c.Remainder(core.MustParseMoney("5.00"), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
	// Output: 52.5
}

func ExampleCrossed() {
	limit := core.MustParseMoney("10")
	fmt.Println(account.Crossed([]int{80, 100}, limit, core.MustParseMoney("7.50"), core.MustParseMoney("8.20")))
	// Output: [80]
}
