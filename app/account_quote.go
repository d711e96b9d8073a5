package portal

import (
	"fmt"
	"time"
	_ "time/tzdata" // accounts keep their calendar's IANA zone by name; browsers have no zoneinfo

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/billing"
)

// quotePackageChange prices a package change in the browser, exactly as the
// edge does for POST /v1/packages/quote: the account (decoded from its
// snapshot, /v1/account/snapshot) gets the users' new packages with
// account.SetPackages (included packages such as US & Canada need not be
// held), and billing.QuoteChange prices the old billing items against the
// new ones over the account's calendar-month cycle at `at`: unused days of
// what is removed are credited, the remaining days of what is added charged.
func quotePackageChange(cat *account.Catalog, snap []byte, users []userPackages, at time.Time) (billing.Quote, error) {
	a, err := account.DecodeSnapshot(cat, snap)
	if err != nil {
		return billing.Quote{}, fmt.Errorf("your account could not be read (%s)", core.ErrorMessage(err))
	}
	old := a.BillingItems()
	for _, u := range users {
		var codes []string
		for _, c := range u.Packages {
			if p, ok := cat.Product(c); ok && p.Category == account.CategoryPackage && p.Included {
				continue
			}
			codes = append(codes, c)
		}
		if err := a.SetPackages(u.User, codes); err != nil {
			return billing.Quote{}, err
		}
	}
	return billing.QuoteChange(old, a.BillingItems(), billing.MonthlyCycle(at, a.Settings().Location, 1), at)
}

// portalCatalog is the product catalog accounts refer to (the edge runs the
// same one).
var portalCatalog = account.DemoCatalog
