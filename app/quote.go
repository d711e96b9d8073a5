package portal

import (
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// answerState says which of the rate checker's answers to show.
type answerState int

const (
	answerEmpty   answerState = iota // nothing typed yet
	answerInvalid                    // not a number we can dial: Message says why
	answerFree                       // emergency or essential short number
	answerUnrated                    // a valid number the deck has no rate for
	answerRated                      // priced
)

// callCost is the cost of one call length.
type callCost struct {
	Minutes int
	Amount  string
}

// sampleMinutes are the call lengths the rate checker prices.
var sampleMinutes = []int{1, 5, 10, 30}

// rateAnswer is everything the rate checker shows for one dial string. It is
// computed by the core (e164.ParseDial, deck.Index.Lookup, Tariff.Price); the
// fields are only formatted for display.
type rateAnswer struct {
	State   answerState
	Message string // error or explanation in words

	Number      string // E.164, "+61412345678", or the short number's digits
	Destination string // "Australia Mobile"
	Country     string // ISO code
	Kind        deck.Kind
	KindLabel   string // "Mobile"
	Rate        string // "US$0.38/min"
	Increments  string // "60/60 (per started minute)"
	Connection  string // connection fee, "" when there is none
	Costs       []callCost
}

// answerDial parses dial as a caller in home would dial it and prices it with
// ix at time at. ix may be nil while the deck is loading: numbers are still
// parsed and checked.
func answerDial(ix *deck.Index, dial, home string, at time.Time) rateAnswer {
	if strings.TrimSpace(dial) == "" {
		return rateAnswer{State: answerEmpty}
	}
	d, err := e164.ParseDial(dial, home)
	if err != nil {
		return rateAnswer{State: answerInvalid, Message: core.ErrorMessage(err)}
	}
	if d.Short != "" {
		a := rateAnswer{State: answerFree, Number: d.Short, Country: d.Country}
		switch {
		case d.Emergency:
			a.Message = "Emergency number: free, never blocked."
		case d.Helpline:
			a.Message = "Free helpline. Like every other call, it is blocked once the bundle is used up without overspend."
		default:
			a.Message = "Essential service number: free, never blocked."
		}
		return a
	}
	a := rateAnswer{Number: d.Number.String()}
	if ix == nil {
		a.State = answerUnrated
		a.Message = "The rates are still loading."
		return a
	}
	row, ok := ix.Lookup(d.Number.Digits(), at)
	if !ok {
		a.State = answerUnrated
		a.Message = "There is no rate for this number: calls to it cannot be made on the rate card."
		return a
	}
	cur := ix.Currency()
	a.State = answerRated
	a.Destination = row.Destination
	a.Country = row.Country
	a.Kind = row.Kind
	a.KindLabel = kindLabel(row.Kind)
	a.Rate = describeRate(row.Tariff, cur)
	a.Increments = describeIncrements(row.Tariff)
	if row.Tariff.ConnectionFee.IsPositive() {
		a.Connection = core.FormatMoney(row.Tariff.ConnectionFee, cur)
	}
	for _, m := range sampleMinutes {
		a.Costs = append(a.Costs, callCost{Minutes: m, Amount: core.FormatMoney(row.Tariff.Price(m*60), cur)})
	}
	return a
}
