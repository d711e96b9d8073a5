package account

import (
	"slices"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/region"
)

// Category says what a Product is. Its string values are stable.
type Category string

// The product categories of the catalog.
const (
	// CategoryLine is a phone-number line: a purchased local or
	// international number, or a verified business number the customer
	// already owns and links to the line (the line fee applies either way).
	CategoryLine Category = "line"
	// CategoryServiceNumber is an inbound-only service number for auto
	// attendants and call queues; it needs no calling plan.
	CategoryServiceNumber Category = "service_number"
	// CategoryUser is the per-user monthly subscription.
	CategoryUser Category = "user"
	// CategoryBYOC is the monthly fee for bringing your own carrier.
	CategoryBYOC Category = "byoc"
	// CategoryHosting is the monthly phone-number hosting fee.
	CategoryHosting Category = "hosting"
	// CategoryProvisioning is the automated-provisioning add-on.
	CategoryProvisioning Category = "provisioning"
	// CategoryPackage is an unlimited calling package for a region.
	CategoryPackage Category = "package"
	// CategoryBundle is a pooled bundle of domestic minutes.
	CategoryBundle Category = "bundle"
)

func (c Category) valid() bool {
	switch c {
	case CategoryLine, CategoryServiceNumber, CategoryUser, CategoryBYOC, CategoryHosting,
		CategoryProvisioning, CategoryPackage, CategoryBundle:
		return true
	}
	return false
}

// Term is the contract term of a line or service number.
type Term string

// The contract terms.
const (
	Monthly Term = "monthly" // cancel any time, billed monthly
	Annual  Term = "annual"  // twelve months, billed monthly; see Account.ReleaseLine
)

// Product is one thing the catalog sells. Prices are monthly, exact decimals
// in the catalog's currency.
type Product struct {
	Code         string          // stable identifier, e.g. "pkg-uk-eu"
	Name         string          // display name
	Category     Category        // what it is
	MonthlyPrice decimal.Decimal // price per month (per unit)

	Term          Term      // lines and service numbers: monthly or annual contract
	International bool      // lines: an international (non-home-country) number
	Region        region.ID // packages: the countries they cover
	Included      bool      // packages: part of every account at no charge (US & Canada)
	Minutes       int       // bundles: pooled domestic minutes per calendar month
}

// Catalog is an immutable, validated list of products. Build it with
// NewCatalog or DemoCatalog.
type Catalog struct {
	currency string
	products []Product
	byCode   map[string]int
	sets     []countrySet // per product; non-zero for packages
	included []int        // indexes of the packages every account includes
}

// NewCatalog validates products and returns a catalog priced in currency (an
// ISO 4217 code such as "USD"). Codes must be unique; prices non-negative with
// at most four decimal places; lines and service numbers need a term;
// packages a known region (an included package must be free); bundles a
// positive number of minutes. Errors are core.Invalid naming the product.
func NewCatalog(currency string, products ...Product) (*Catalog, error) {
	if len(currency) != 3 {
		return nil, core.FieldErrorf(core.Invalid, "currency", "currency %q is not a three-letter ISO 4217 code", currency)
	}
	c := &Catalog{currency: currency, products: slices.Clone(products), byCode: make(map[string]int, len(products))}
	c.sets = make([]countrySet, len(products))
	for i, p := range c.products {
		field := "products[" + p.Code + "]"
		switch {
		case p.Code == "" || len(p.Code) > 64:
			return nil, core.FieldErrorf(core.Invalid, "code", "product %d has no code (or one longer than 64 bytes)", i)
		case !p.Category.valid():
			return nil, core.FieldErrorf(core.Invalid, field, "unknown category %q", p.Category)
		case p.MonthlyPrice.IsNegative():
			return nil, core.FieldErrorf(core.Invalid, field, "price %s is negative", p.MonthlyPrice)
		case p.MonthlyPrice.Exponent() < -core.CallPlaces && !p.MonthlyPrice.Equal(p.MonthlyPrice.Round(core.CallPlaces)):
			return nil, core.FieldErrorf(core.Invalid, field, "price %s has more than %d decimal places", p.MonthlyPrice, core.CallPlaces)
		}
		if _, dup := c.byCode[p.Code]; dup {
			return nil, core.FieldErrorf(core.Invalid, field, "duplicate product code %q", p.Code)
		}
		c.byCode[p.Code] = i
		switch p.Category {
		case CategoryLine, CategoryServiceNumber:
			if p.Term != Monthly && p.Term != Annual {
				return nil, core.FieldErrorf(core.Invalid, field, "term %q is neither monthly nor annual", p.Term)
			}
		case CategoryPackage:
			r, ok := region.Lookup(p.Region)
			if !ok {
				return nil, core.FieldErrorf(core.Invalid, field, "unknown region %q", p.Region)
			}
			if p.Region == region.Global {
				c.sets[i].addAll()
			} else {
				for _, country := range r.Countries {
					c.sets[i].add(country)
				}
			}
			if p.Included {
				if !p.MonthlyPrice.IsZero() {
					return nil, core.FieldErrorf(core.Invalid, field, "an included package must be free")
				}
				c.included = append(c.included, i)
			}
		case CategoryBundle:
			if p.Minutes <= 0 || p.Minutes > 1_000_000 {
				return nil, core.FieldErrorf(core.Invalid, field, "a bundle needs 1 to 1,000,000 minutes, not %d", p.Minutes)
			}
		}
		if p.Category != CategoryPackage && (p.Included || p.Region != "") {
			return nil, core.FieldErrorf(core.Invalid, field, "only packages have a region or are included")
		}
	}
	return c, nil
}

// Currency returns the ISO 4217 code of the catalog's prices.
func (c *Catalog) Currency() string { return c.currency }

// Products returns a copy of the catalog's products in their original order.
func (c *Catalog) Products() []Product { return slices.Clone(c.products) }

// Product returns the product with the given code.
func (c *Catalog) Product(code string) (Product, bool) {
	i, ok := c.byCode[code]
	if !ok {
		return Product{}, false
	}
	return c.products[i], true
}

// first returns the position of the catalog's first product of category
// c, or -1.
func (c *Catalog) first(cat Category) int {
	for i, p := range c.products {
		if p.Category == cat {
			return i
		}
	}
	return -1
}

// productOf returns the product with code and checks its category.
func (c *Catalog) productOf(field, code string, cats ...Category) (int, error) {
	i, ok := c.byCode[code]
	if !ok {
		return -1, core.FieldErrorf(core.NotFound, field, "no product %q in the catalog", code)
	}
	if !slices.Contains(cats, c.products[i].Category) {
		return -1, core.FieldErrorf(core.Invalid, field, "product %q is a %s, not a %s", code, c.products[i].Category, cats[0])
	}
	return i, nil
}

// DemoCatalog returns a catalog with DEMO prices in USD for examples, tests
// and the demo command. They are illustrations, not Tollgate's price list.
func DemoCatalog() *Catalog {
	m := core.MustParseMoney
	c, err := NewCatalog("USD",
		Product{Code: "line-local", Name: "Local number line (monthly)", Category: CategoryLine, Term: Monthly, MonthlyPrice: m("6.00")},
		Product{Code: "line-local-annual", Name: "Local number line (annual contract)", Category: CategoryLine, Term: Annual, MonthlyPrice: m("5.00")},
		Product{Code: "line-intl", Name: "International number line (monthly)", Category: CategoryLine, Term: Monthly, International: true, MonthlyPrice: m("9.00")},
		Product{Code: "line-intl-annual", Name: "International number line (annual contract)", Category: CategoryLine, Term: Annual, International: true, MonthlyPrice: m("7.50")},
		Product{Code: "service-number", Name: "Inbound-only service number", Category: CategoryServiceNumber, Term: Monthly, MonthlyPrice: m("4.00")},
		Product{Code: "user", Name: "User subscription", Category: CategoryUser, MonthlyPrice: m("12.00")},
		Product{Code: "byoc", Name: "Bring your own carrier", Category: CategoryBYOC, MonthlyPrice: m("3.50")},
		Product{Code: "hosting", Name: "Number hosting", Category: CategoryHosting, MonthlyPrice: m("1.00")},
		Product{Code: "provisioning", Name: "Automated provisioning add-on", Category: CategoryProvisioning, MonthlyPrice: m("25.00")},
		Product{Code: "pkg-us-ca", Name: "Unlimited US & Canada (included)", Category: CategoryPackage, Region: region.USCanada, Included: true, MonthlyPrice: m("0")},
		Product{Code: "pkg-uk-eu", Name: "Unlimited UK & Europe", Category: CategoryPackage, Region: region.UKEurope, MonthlyPrice: m("15.00")},
		Product{Code: "pkg-au-nz", Name: "Unlimited Australia & New Zealand", Category: CategoryPackage, Region: region.AustraliaNZ, MonthlyPrice: m("15.00")},
		Product{Code: "pkg-latam", Name: "Unlimited Latin America", Category: CategoryPackage, Region: region.LatinAmerica, MonthlyPrice: m("18.00")},
		Product{Code: "pkg-asia", Name: "Unlimited Asia", Category: CategoryPackage, Region: region.Asia, MonthlyPrice: m("20.00")},
		Product{Code: "pkg-mea", Name: "Unlimited Middle East & Africa", Category: CategoryPackage, Region: region.MiddleEastAfrica, MonthlyPrice: m("25.00")},
		Product{Code: "pkg-global", Name: "Unlimited Global", Category: CategoryPackage, Region: region.Global, MonthlyPrice: m("45.00")},
		Product{Code: "bundle-300", Name: "300 domestic minutes (pooled)", Category: CategoryBundle, Minutes: 300, MonthlyPrice: m("10.00")},
		Product{Code: "bundle-1200", Name: "1,200 domestic minutes (pooled)", Category: CategoryBundle, Minutes: 1200, MonthlyPrice: m("30.00")},
	)
	if err != nil {
		panic(err)
	}
	return c
}
