package core_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tollgate-voice/tollgate/core"
)

func TestErrorCode(t *testing.T) {
	wrapped := fmt.Errorf("context: %w", core.Errorf(core.NotFound, "no such tenant"))
	tests := []struct {
		name    string
		err     error
		code    core.Code
		message string
	}{
		{"nil", nil, "", ""},
		{"plain", errors.New("db exploded at 10.0.0.1"), core.Internal, "internal error"},
		{"coded", core.Errorf(core.Invalid, "bad number"), core.Invalid, "bad number"},
		{"field", core.FieldErrorf(core.Invalid, "cap", "must be positive"), core.Invalid, "cap: must be positive"},
		{"wrapped", wrapped, core.NotFound, "no such tenant"},
		{"internal hides message", core.Errorf(core.Internal, "secret detail"), core.Internal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := core.ErrorMessage(tt.err); got != tt.message {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.message)
			}
		})
	}
}

func TestRoundingPolicy(t *testing.T) {
	tests := []struct{ in, call, invoice string }{
		{"0.00005", "0.0001", "0"},
		{"0.00004", "0", "0"},
		{"1.23455", "1.2346", "1.23"},
		{"2.005", "2.005", "2.01"},
		{"2.0049999", "2.005", "2"},
		{"10", "10", "10"},
	}
	for _, tt := range tests {
		d := core.MustParseMoney(tt.in)
		if got := core.RoundCall(d); !got.Equal(core.MustParseMoney(tt.call)) {
			t.Errorf("RoundCall(%s) = %s, want %s", tt.in, got, tt.call)
		}
		if got := core.RoundInvoice(d); !got.Equal(core.MustParseMoney(tt.invoice)) {
			t.Errorf("RoundInvoice(%s) = %s, want %s", tt.in, got, tt.invoice)
		}
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"0.13", "0.13", false},
		{" 12 ", "12", false},
		{"0", "0", false},
		{".5", "0.5", false},
		{"", "", true},
		{"-1", "", true},
		{"1e3", "", true},
		{"1.2.3", "", true},
		{".", "", true},
		{"abc", "", true},
		{"1234567890123456789012345", "", true},
	}
	for _, tt := range tests {
		got, err := core.ParseMoney("rate", tt.in)
		if tt.wantErr {
			if core.ErrorCode(err) != core.Invalid {
				t.Errorf("ParseMoney(%q) error code = %q, want invalid", tt.in, core.ErrorCode(err))
			}
			continue
		}
		if err != nil || !got.Equal(core.MustParseMoney(tt.want)) {
			t.Errorf("ParseMoney(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"0.13", "12", "", "-1", "1e9", "00.10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := core.ParseMoney("x", s)
		if err != nil {
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("ParseMoney(%q): code %q", s, core.ErrorCode(err))
			}
			return
		}
		if d.IsNegative() {
			t.Fatalf("ParseMoney(%q) = %s: negative", s, d)
		}
		again, err := core.ParseMoney("x", d.String())
		if err != nil || !again.Equal(d) {
			t.Fatalf("round trip %q -> %s -> %s, %v", s, d, again, err)
		}
	})
}

func ExampleRoundCall() {
	// 7 minutes at US$0.38/min with a US$0.015 connection fee.
	cost := core.MustParseMoney("0.38").Mul(core.MustParseMoney("7")).Add(core.MustParseMoney("0.015"))
	fmt.Println(core.RoundCall(cost), core.RoundInvoice(cost))
	// Output: 2.675 2.68
}
