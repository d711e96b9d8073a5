package e164_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/e164"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    string // E.164
		cc      string
		wantErr bool
	}{
		{in: "+442079460000", want: "+442079460000", cc: "44"},
		{in: "+44 20 7946 0000", want: "+442079460000", cc: "44"},
		{in: " +44 (20) 7946-0000 ", want: "+442079460000", cc: "44"},
		{in: "+1 (212) 555-0100", want: "+12125550100", cc: "1"},
		{in: "+1.212.555.0100", want: "+12125550100", cc: "1"},
		{in: "+1/212/555/0100", want: "+12125550100", cc: "1"},
		{in: "+61 2 9999 9999", want: "+61299999999", cc: "61"},
		{in: "+61 412 345 678", want: "+61412345678", cc: "61"},
		{in: "+64 9 123 4567", want: "+6491234567", cc: "64"},
		{in: "+49 30 123456", want: "+4930123456", cc: "49"},
		{in: "+33 1 23 45 67 89", want: "+33123456789", cc: "33"},
		{in: "+353 1 234 5678", want: "+35312345678", cc: "353"},
		{in: "+81 3 1234 5678", want: "+81312345678", cc: "81"},
		{in: "+91 98765 43210", want: "+919876543210", cc: "91"},
		{in: "+39 06 1234 5678", want: "+390612345678", cc: "39"}, // Italy keeps its leading 0
		{in: "+7 495 123 45 67", want: "+74951234567", cc: "7"},
		{in: "+800 1234 5678", want: "+80012345678", cc: "800"}, // international freephone
		{in: "+44\u00a020\u20137946\u00a00000", want: "+442079460000", cc: "44"},
		{in: "+1 868 555 0100", want: "+18685550100", cc: "1"}, // Trinidad shares +1

		{in: "", wantErr: true},
		{in: "+", wantErr: true},
		{in: " + ", wantErr: true},
		{in: "()-", wantErr: true},
		{in: "442079460000", wantErr: true},            // no +
		{in: "020 7946 0000", wantErr: true},           // national format is ParseDial's job
		{in: "+44 20 7946 0000 0", wantErr: true},      // 11 national digits
		{in: "+44 123", wantErr: true},                 // too short for +44
		{in: "+44 020 7946 0000", wantErr: true},       // strict: no trunk prefix after the code
		{in: "+1 212 555 010", wantErr: true},          // 9 digits in the NANP
		{in: "+1 112 555 0100", wantErr: true},         // NANP area codes do not start with 1
		{in: "+1234567890123456", wantErr: true},       // 16 digits
		{in: "+999 1234 5678", wantErr: true},          // unassigned calling code
		{in: "+0 1234 5678", wantErr: true},            // calling codes never start with 0
		{in: "++44 20 7946 0000", wantErr: true},       // two +
		{in: "44+ 20 7946 0000", wantErr: true},        // + after digits
		{in: "+44 20 7946 0000 ext 12", wantErr: true}, // letters
		{in: "+1 800 FLOWERS", wantErr: true},          // vanity
		{in: "+44 20 7946 0000#", wantErr: true},
		{in: "+44,2079460000", wantErr: true},
		{in: "+４４2079460000", wantErr: true}, // full-width digits
		{in: "+44 20 7946 0000                                                      ", wantErr: true}, // > 64 bytes
	}
	for _, tt := range tests {
		n, err := e164.ParseNumber(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseNumber(%q) = %v, want error", tt.in, n)
			} else if code := core.ErrorCode(err); code != core.Invalid {
				t.Errorf("ParseNumber(%q) error code = %q, want invalid (%v)", tt.in, code, err)
			}
			if n.IsValid() {
				t.Errorf("ParseNumber(%q) returned a valid number with an error", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseNumber(%q): %v", tt.in, err)
			continue
		}
		if got := n.String(); got != tt.want {
			t.Errorf("ParseNumber(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if got := n.Digits(); got != tt.want[1:] {
			t.Errorf("ParseNumber(%q).Digits() = %s, want %s", tt.in, got, tt.want[1:])
		}
		if got := n.CallingCode(); got != tt.cc {
			t.Errorf("ParseNumber(%q).CallingCode() = %s, want %s", tt.in, got, tt.cc)
		}
		if !n.IsValid() {
			t.Errorf("ParseNumber(%q) not valid", tt.in)
		}
		if again := e164.MustParseNumber(n.String()); again != n {
			t.Errorf("round trip %q -> %v -> %v", tt.in, n, again)
		}
	}
}

func TestNumberZeroValue(t *testing.T) {
	var n e164.Number
	if n.IsValid() || n.String() != "invalid" || n.Digits() != "" || n.CallingCode() != "" {
		t.Errorf("zero Number: valid=%v String=%q Digits=%q CallingCode=%q", n.IsValid(), n.String(), n.Digits(), n.CallingCode())
	}
	if b := n.AppendTo([]byte("x")); string(b) != "x" {
		t.Errorf("zero AppendTo = %q", b)
	}
	text, err := n.MarshalText()
	if err != nil || len(text) != 0 {
		t.Errorf("zero MarshalText = %q, %v", text, err)
	}
	m := e164.MustParseNumber("+442079460000")
	if err := m.UnmarshalText(nil); err != nil || m.IsValid() {
		t.Errorf("UnmarshalText(empty) = %v, %v; want zero", m, err)
	}
}

func TestNumberText(t *testing.T) {
	n := e164.MustParseNumber("+61 2 9999 9999")
	if got := string(n.AppendTo([]byte("tel:"))); got != "tel:+61299999999" {
		t.Errorf("AppendTo = %q", got)
	}
	type row struct {
		To   e164.Number         `json:"to"`
		From e164.Number         `json:"from"`
		Map  map[e164.Number]int `json:"map"`
	}
	in := row{To: n, Map: map[e164.Number]int{n: 3, e164.MustParseNumber("+12125550100"): 4}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"to":"+61299999999","from":"","map":{"+12125550100":4,"+61299999999":3}}`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var out row
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.To != in.To || out.From != in.From || len(out.Map) != 2 || out.Map[n] != 3 {
		t.Errorf("json round trip: %+v, want %+v", out, in)
	}
	var bad e164.Number
	err = json.Unmarshal([]byte(`"+44 12"`), &bad)
	if core.ErrorCode(err) != core.Invalid {
		t.Errorf("unmarshal of a bad number: %v", err)
	}
}

func TestNumberCompareAndMapKey(t *testing.T) {
	in := []string{"+61299999999", "+12125550100", "+442079460000", "+4930123456", "+390612345678"}
	var ns []e164.Number
	seen := map[e164.Number]bool{}
	for _, s := range in {
		n := e164.MustParseNumber(s)
		ns = append(ns, n)
		seen[n] = true
	}
	if !seen[e164.MustParseNumber("+44 20 7946 0000")] || len(seen) != len(in) {
		t.Errorf("map keys: %v", seen)
	}
	ns = append(ns, e164.Number{})
	slices.SortFunc(ns, e164.Number.Compare)
	var got []string
	for _, n := range ns {
		got = append(got, n.Digits())
	}
	want := []string{"", "12125550100", "390612345678", "442079460000", "4930123456", "61299999999"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted = %q, want %q", got, want)
	}
	a := e164.MustParseNumber("+442079460000")
	if a.Compare(a) != 0 || a.Compare(e164.Number{}) != 1 || (e164.Number{}).Compare(a) != -1 {
		t.Error("Compare with itself or the zero Number")
	}
}

func TestMustParseNumberPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParseNumber(bad) did not panic")
		}
	}()
	e164.MustParseNumber("+44")
}
