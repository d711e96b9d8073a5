package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/region"
)

// scopeGlobal is the fallback scope of the price list.
const scopeGlobal = "global"

// priceKey identifies one line of the price list.
type priceKey struct {
	scope string // ISO country, region ID or "global"
	kind  deck.Kind
}

// priceList is the demo retail price list (core/deck/global/prices.csv).
type priceList struct {
	tariffs map[priceKey]deck.Tariff
}

// parsePriceList reads the price list: CSV with '#' comments and the header
// scope,kind,connection_fee,tiers. Every problem is reported with its line.
func parsePriceList(r io.Reader) (*priceList, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 4
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("price list header: %w", err)
	}
	if want := []string{"scope", "kind", "connection_fee", "tiers"}; strings.Join(header, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("price list header is %q, want %q", header, want)
	}
	pl := &priceList{tariffs: map[priceKey]deck.Tariff{}}
	var problems []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("price list: %w", err)
		}
		line, _ := cr.FieldPos(0)
		bad := func(format string, args ...any) {
			problems = append(problems, fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, args...)))
		}
		scope := strings.TrimSpace(rec[0])
		if !validScope(scope) {
			bad("scope %q is neither a region, %q nor a known country", scope, scopeGlobal)
			continue
		}
		kind, err := deck.ParseKind(rec[1])
		if err != nil {
			bad("%s", core.ErrorMessage(err))
			continue
		}
		fee, err := core.ParseMoney("connection_fee", rec[2])
		if err != nil {
			bad("%s", core.ErrorMessage(err))
			continue
		}
		tiers, err := deck.ParseTiers(rec[3])
		if err != nil {
			bad("%s", core.ErrorMessage(err))
			continue
		}
		t, err := deck.NewTariff(fee, tiers...)
		if err != nil {
			bad("%s", core.ErrorMessage(err))
			continue
		}
		k := priceKey{scope, kind}
		if _, dup := pl.tariffs[k]; dup {
			bad("%s %s is priced twice", scope, kind)
			continue
		}
		pl.tariffs[k] = t
	}
	for _, k := range []deck.Kind{deck.KindLandline, deck.KindMobile, deck.KindTollFree, deck.KindPremium, deck.KindOther} {
		if _, ok := pl.tariffs[priceKey{scopeGlobal, k}]; !ok {
			problems = append(problems, fmt.Sprintf("no global price for %s", k))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("price list: %s", strings.Join(problems, "; "))
	}
	return pl, nil
}

func validScope(s string) bool {
	if s == scopeGlobal {
		return true
	}
	if len(s) > 1 && s[0] == '+' {
		cc, err := strconv.Atoi(s[1:])
		return err == nil && s[1] != '0' && isCallingCode(cc)
	}
	if region.ID(s).Valid() {
		return s != string(region.Global)
	}
	return len(s) == 2 && region.Of(s) != ""
}

// tariff returns the price of a number of the given kind in country (""
// for a non-geographic code) under prefix: the most specific scope wins
// (country, then calling code, then the country's region, then global);
// within a scope the kind's own price, and for landline_or_mobile the scope's
// mobile price when it has none of its own.
func (pl *priceList) tariff(country string, kind deck.Kind, prefix string) (deck.Tariff, error) {
	kinds := []deck.Kind{kind}
	if kind == deck.KindLandlineOrMobile {
		kinds = append(kinds, deck.KindMobile)
	}
	scopes := []string{country, "+" + callingCodeOf(prefix), string(region.Of(country)), scopeGlobal}
	for _, scope := range scopes {
		if scope == "" {
			continue
		}
		for _, k := range kinds {
			if t, ok := pl.tariffs[priceKey{scope, k}]; ok {
				return t, nil
			}
		}
	}
	return deck.Tariff{}, fmt.Errorf("no price for %s %s (prefix %s)", country, kind, prefix)
}

// isCallingCode reports whether libphonenumber knows calling code cc.
func isCallingCode(cc int) bool {
	return phonenumbers.GetSupportedCallingCodes()[cc]
}
