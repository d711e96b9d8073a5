//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/deck/global"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// TestAgreementRateChecker: the browser, the worker and the native core must
// show the same figures for the same number. For every number of
// worker/test/testdata/agreement-expected.json (the list the worker's
// Miniflare test checks GET /v1/rates/lookup with), it types the number into
// the rate checker in Chromium, reads the price per minute (#rate) and the
// 1, 5, 10 and 30-minute costs (#cost-N .amt), and compares them, as
// decimals, with
//
//   - the native core: core/deck/global.Index() Lookup + Tariff.Price(60,
//     300, 600, 1800 s), and
//   - the worker on workerd: GET /v1/rates/lookup's rate.per_minute,
//     price_60s and price_300s.
//
// It needs the worker (TOLLGATE_WORKERD=1, as make test-portal runs it, or
// TOLLGATE_URL).
func TestAgreementRateChecker(t *testing.T) {
	if os.Getenv("TOLLGATE_URL") == "" {
		t.Skip("needs the worker's /v1/rates/lookup: run with TOLLGATE_WORKERD=1 (make test-portal)")
	}
	var list struct {
		Home  string `json:"home"`
		Rates []struct {
			Dial string `json:"dial"`
		} `json:"rates"`
	}
	b, err := os.ReadFile(filepath.Join(repoRoot, "worker", "test", "testdata", "agreement-expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Rates) < 6 {
		t.Fatalf("only %d numbers", len(list.Rates))
	}
	ix, err := global.Index()
	if err != nil {
		t.Fatal(err)
	}
	token := agreementRatesToken(t)

	ctx := newBrowser(t)
	openPage(t, ctx, "/", "rate-checker")
	for _, n := range list.Rates {
		dial, home := n.Dial, list.Home
		t.Run(dial, func(t *testing.T) {
			// (a) the native core on the global deck.
			d, err := e164.ParseDial(dial, home)
			if err != nil {
				t.Fatal(err)
			}
			row, ok := ix.Lookup(d.Number.Digits(), time.Now())
			if !ok {
				t.Fatalf("no rate for %s in the global deck", d.Number)
			}
			native := map[string]decimal.Decimal{"#rate": row.Tariff.Tiers[0].PerMinute}
			for _, m := range []int{1, 5, 10, 30} {
				native["#cost-"+strconv.Itoa(m)+" .amt"] = row.Tariff.Price(m * 60)
			}

			// (b) the worker.
			lk := agreementLookup(t, token, dial, home)
			if lk.Number != d.Number.String() || lk.Rate.Destination != row.Destination {
				t.Fatalf("worker: %s is %s (%s); core: %s (%s)", dial, lk.Number, lk.Rate.Destination, d.Number, row.Destination)
			}
			worker := map[string]string{"#rate": lk.Rate.PerMinute, "#cost-1 .amt": lk.Price60, "#cost-5 .amt": lk.Price300}

			// The browser.
			typeNumber(t, ctx, home, dial)
			waitText(t, ctx, "#dest", row.Destination)
			waitText(t, ctx, "#e164", d.Number.String())
			for _, sel := range []string{"#rate", "#cost-1 .amt", "#cost-5 .amt", "#cost-10 .amt", "#cost-30 .amt"} {
				shown := text(t, ctx, sel)
				got, err := firstAmount(shown)
				if err != nil {
					t.Errorf("%s: %s shows %q: %v", dial, sel, shown, err)
					continue
				}
				if !got.Equal(native[sel]) {
					t.Errorf("%s: browser %s shows %q; the native core says %s", dial, sel, shown, native[sel])
				}
				if w, ok := worker[sel]; ok {
					wd, err := decimal.NewFromString(w)
					if err != nil {
						t.Errorf("%s: worker %s: %q is not a decimal", dial, sel, w)
					} else if !got.Equal(wd) {
						t.Errorf("%s: browser %s shows %q; the worker says %s", dial, sel, shown, w)
					}
				}
			}
		})
	}
	screenshot(t, ctx, "agreement-rate-checker")
}

var amountRE = regexp.MustCompile(`\d+(?:\.\d+)?`)

// firstAmount is the first decimal number in a displayed figure: "US$0.38/min"
// → 0.38, "US$1.90" → 1.9 (the currency symbols have no digits).
func firstAmount(s string) (decimal.Decimal, error) {
	m := amountRE.FindString(s)
	if m == "" {
		return decimal.Decimal{}, fmt.Errorf("no amount")
	}
	return decimal.NewFromString(m)
}

// agreementRatesToken is the seeded rates key of the demo tenant.
func agreementRatesToken(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "worker", "build", "seed", "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []struct {
		Name, Token string
	}
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.Name == "demo-rates" {
			return k.Token
		}
	}
	t.Fatal("keys.json has no demo-rates key")
	return ""
}

type agreementLookupBody struct {
	Number string `json:"number"`
	Rate   struct {
		Destination string `json:"destination"`
		PerMinute   string `json:"per_minute"`
	} `json:"rate"`
	Price60  string `json:"price_60s"`
	Price300 string `json:"price_300s"`
}

// agreementLookup asks the worker's GET /v1/rates/lookup.
func agreementLookup(t *testing.T, token, dial, home string) agreementLookupBody {
	t.Helper()
	q := url.Values{"number": {dial}, "home": {home}}
	req, err := http.NewRequest("GET", baseURL+"/v1/rates/lookup?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out agreementLookupBody
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/rates/lookup?%s: %s", q.Encode(), res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}
