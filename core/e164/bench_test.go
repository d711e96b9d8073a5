package e164_test

import (
	"testing"

	"github.com/tollgate-voice/tollgate/core/e164"
)

var (
	sinkNumber e164.Number
	sinkDial   e164.Dialled
	sinkString string
)

func BenchmarkParseNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkNumber, _ = e164.ParseNumber("+442079460000")
	}
}

func BenchmarkParseNumberFormatted(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkNumber, _ = e164.ParseNumber("+1 (212) 555-0100")
	}
}

func BenchmarkParseDial(b *testing.B) {
	for _, bm := range []struct{ name, dial, home string }{
		{"E164", "+61299999999", "GB"},
		{"NationalGB", "020 7946 0000", "GB"},
		{"NationalUS", "(212) 555-0100", "US"},
		{"IDDFromUS", "011 61 2 9999 9999", "US"},
		{"IDDFromAU", "0011 44 20 7946 0000", "AU"},
		{"Emergency", "999", "GB"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkDial, _ = e164.ParseDial(bm.dial, bm.home)
			}
		})
	}
}

func BenchmarkParseDialError(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkDial, _ = e164.ParseDial("1-800-FLOWERS", "US")
	}
}

func BenchmarkNumberString(b *testing.B) {
	n := e164.MustParseNumber("+442079460000")
	b.ReportAllocs()
	for b.Loop() {
		sinkString = n.String()
	}
}

func BenchmarkNumberAppendTo(b *testing.B) {
	n := e164.MustParseNumber("+442079460000")
	buf := make([]byte, 0, 32)
	b.ReportAllocs()
	for b.Loop() {
		buf = n.AppendTo(buf[:0])
	}
}

func BenchmarkNumberCallingCode(b *testing.B) {
	n := e164.MustParseNumber("+442079460000")
	b.ReportAllocs()
	for b.Loop() {
		sinkString = n.CallingCode()
	}
}
