package e164_test

import (
	"fmt"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/e164"
)

func ExampleParseNumber() {
	n, err := e164.ParseNumber("+44 20 7946 0000")
	if err != nil {
		panic(err)
	}
	fmt.Println(n, n.Digits(), n.CallingCode())

	_, err = e164.ParseNumber("+44 20 7946")
	fmt.Println(core.ErrorCode(err))
	// Output:
	// +442079460000 442079460000 44
	// invalid
}

func ExampleParseDial() {
	// A London number dialled in national format by a UK account.
	d, _ := e164.ParseDial("020 7946 0000", "GB")
	fmt.Println(d.Number)

	// Sydney dialled from the United States with the IDD prefix 011.
	d, _ = e164.ParseDial("011 61 2 9999 9999", "US")
	fmt.Println(d.Number)

	// And from the UK with 00, and from Australia in national format.
	d, _ = e164.ParseDial("0061 2 9999 9999", "GB")
	fmt.Println(d.Number)
	d, _ = e164.ParseDial("(02) 9999 9999", "AU")
	fmt.Println(d.Number)
	// Output:
	// +442079460000
	// +61299999999
	// +61299999999
	// +61299999999
}

func ExampleParseDial_emergency() {
	d, _ := e164.ParseDial("999", "GB")
	fmt.Println(d.Short, d.Emergency, d.Country, d.NeverBlocked())

	// 111 (NHS) is not an emergency number but is never blocked either.
	d, _ = e164.ParseDial("111", "GB")
	fmt.Println(d.Short, d.Emergency, d.Country, d.NeverBlocked())

	// An ordinary number is blocked or allowed by the account's rules.
	d, _ = e164.ParseDial("+1 212 555 0100", "GB")
	fmt.Println(d.Number, d.NeverBlocked())
	// Output:
	// 999 true GB true
	// 111 false GB true
	// +12125550100 false
}

func ExampleParseDial_errors() {
	for _, dial := range []string{"1-800-FLOWERS", "", "+", "555-0100", "011 999 1234"} {
		_, err := e164.ParseDial(dial, "US")
		fmt.Println(core.ErrorCode(err))
	}
	// Output:
	// invalid
	// invalid
	// invalid
	// invalid
	// invalid
}

func ExampleCountryInfo() {
	au, _ := e164.CountryInfo("AU")
	fmt.Println(au.CallingCode, au.TrunkPrefix, au.IDDPrefixes[0], au.Emergency)
	fmt.Println(e164.CallingCodeRegions("44"))
	// Output:
	// 61 0 0011 [000 106 112]
	// [GB GG IM JE]
}

func ExampleNumber_MarshalText() {
	n := e164.MustParseNumber("+1 (212) 555-0100")
	text, _ := n.MarshalText()
	var back e164.Number
	_ = back.UnmarshalText(text)
	fmt.Println(string(text), back == n)
	// Output: +12125550100 true
}

func ExampleNumber_Region() {
	for _, s := range []string{"+1 212 555 0100", "+1 416 555 0199", "+1 876 555 0100", "+44 1481 123456"} {
		n := e164.MustParseNumber(s)
		fmt.Println(n, n.CallingCode(), n.Region())
	}
	// Output:
	// +12125550100 1 US
	// +14165550199 1 CA
	// +18765550100 1 JM
	// +441481123456 44 GG
}
