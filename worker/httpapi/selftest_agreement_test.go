package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/tollgate-voice/tollgate/worker/web"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/account"
)

// checkAgreement compares self-test results with the table's expectations,
// exactly as core/account's TestAgreement does; worker/test/agreement.test.mjs
// applies the same rules to the worker's answer on workerd.
func checkAgreement(t *testing.T, tab *account.AgreementTable, got AgreementResponse) {
	t.Helper()
	if len(got.Cases) != len(tab.Cases) {
		t.Fatalf("%d results for %d cases", len(got.Cases), len(tab.Cases))
	}
	eq := func(a, b string) bool {
		x, err1 := decimal.NewFromString(a)
		y, err2 := decimal.NewFromString(b)
		return err1 == nil && err2 == nil && x.Equal(y)
	}
	for i, c := range tab.Cases {
		r, w := got.Cases[i], c.Want
		if r.Name != c.Name || r.Error != "" {
			t.Errorf("case %d %s: result %q, error %q", i, c.Name, r.Name, r.Error)
			continue
		}
		if r.Allowed != w.Allowed || r.Reason != string(w.Reason) || r.Cover != w.Cover || r.Package != w.Package || r.MaxSeconds != w.MaxSeconds {
			t.Errorf("%s: decision %+v; want %+v", c.Name, r, w)
			continue
		}
		if !w.Allowed {
			continue
		}
		if !eq(r.QuoteCost, w.Cost) || r.QuoteMinutes != w.BundleMinutes ||
			!eq(r.CDRCost, w.Cost) || r.CDRMinutes != w.BundleMinutes || r.CDRCover != w.Cover ||
			!eq(r.FreshCost, w.Cost) || r.FreshMinutes != w.BundleMinutes || !r.FreshApproved {
			t.Errorf("%s: charges %+v; want cost %s, %d bundle minutes", c.Name, r, w.Cost, w.BundleMinutes)
		}
	}
}

func TestAgreementSelfTest(t *testing.T) {
	body, err := os.ReadFile("../../core/testdata/agreement.json")
	if err != nil {
		t.Fatal(err)
	}
	tab, err := account.ReadAgreement(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	web.ToHTTP(web.HandlerFunc(AgreementSelfTest)).ServeHTTP(rec, httptest.NewRequest("POST", "/__selftest/agreement", bytes.NewReader(body)))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got AgreementResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	checkAgreement(t, tab, got)

	// A result that disagrees is caught.
	bad := got
	bad.Cases = append([]AgreementResult(nil), got.Cases...)
	for i := range bad.Cases {
		if bad.Cases[i].Allowed && bad.Cases[i].CDRCost != "" {
			bad.Cases[i].CDRCost = "0.0001"
			break
		}
	}
	if d := diffCount(tab, bad); d != 1 {
		t.Errorf("a changed CDR charge gives %d disagreements, want 1", d)
	}
}

// diffCount counts the cases of got that disagree with the table.
func diffCount(tab *account.AgreementTable, got AgreementResponse) int {
	n := 0
	for i, c := range tab.Cases {
		r, w := got.Cases[i], c.Want
		if !w.Allowed {
			continue
		}
		x, _ := decimal.NewFromString(r.CDRCost)
		if !x.Equal(decimal.RequireFromString(w.Cost)) {
			n++
		}
	}
	return n
}

func TestAgreementSelfTestBadBodies(t *testing.T) {
	for name, body := range map[string]string{
		"not json":      "{",
		"unknown field": `{"nope": 1}`,
		"no cases":      `{"deck_csv": ["prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment"], "home": "GB"}`,
		"too large":     `{"description": "` + strings.Repeat("x", 2<<20) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			web.ToHTTP(web.HandlerFunc(AgreementSelfTest)).ServeHTTP(rec, httptest.NewRequest("POST", "/__selftest/agreement", strings.NewReader(body)))
			want := http.StatusBadRequest
			if name == "too large" {
				want = http.StatusRequestEntityTooLarge
			}
			if rec.Code != want {
				t.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
			}
		})
	}
}
