package deck

import (
	"testing"

	"github.com/tollgate-voice/tollgate/core"
)

func TestParseKind(t *testing.T) {
	tests := []struct {
		in      string
		want    Kind
		wantErr bool
	}{
		{"other", KindOther, false},
		{"landline", KindLandline, false},
		{"Fixed Line", KindLandline, false},
		{" geographic ", KindLandline, false},
		{"MOBILE", KindMobile, false},
		{"cellular", KindMobile, false},
		{"landline-or-mobile", KindLandlineOrMobile, false},
		{"fixed_line_or_mobile", KindLandlineOrMobile, false},
		{"Toll-Free", KindTollFree, false},
		{"freephone", KindTollFree, false},
		{"premium rate", KindPremium, false},
		{"", 0, true},
		{"fax", 0, true},
		{"land line", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseKind(tt.in)
		if tt.wantErr {
			if core.ErrorCode(err) != core.Invalid {
				t.Errorf("ParseKind(%q) = %v, %v; want invalid", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestKindText(t *testing.T) {
	for k := KindOther; k < numKinds; k++ {
		b, err := k.MarshalText()
		if err != nil || string(b) != k.String() {
			t.Fatalf("%d: MarshalText = %q, %v", k, b, err)
		}
		var back Kind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%s: round trip gave %v, %v", k, back, err)
		}
	}
	if s := Kind(42).String(); s != "kind(42)" {
		t.Errorf("String of an invalid kind = %q", s)
	}
	if _, err := Kind(42).MarshalText(); core.ErrorCode(err) != core.Invalid {
		t.Errorf("MarshalText of an invalid kind: %v", err)
	}
	var k Kind = KindMobile
	if err := k.UnmarshalText([]byte("nonsense")); err == nil || k != KindMobile {
		t.Errorf("UnmarshalText of nonsense: %v, kind now %v", err, k)
	}
}
