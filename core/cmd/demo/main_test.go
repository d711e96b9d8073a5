package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core/deck/global"
)

func TestDemo(t *testing.T) {
	ix, err := global.Index()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(&out, ix, time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"Australia - Landline (landline)  ALLOW payg", "US$0.9100", // 7 min × 0.13
		"Australia - Mobile (mobile)      ALLOW payg", "US$2.6600", // 7 min × 0.38
		"DENY denied_bundle_exhausted", "ALLOW emergency", "ALLOW essential",
		"DENY denied_cap_reached", "US$4.9700 of the US$5.00 cap",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q:\n%s", want, s)
		}
	}
}
