package portal

import (
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/billing"
)

// The JSON shapes of the portal API the account pages read (see
// worker/httpapi/openapi.json). Money is decimal, sent as strings.

// packageJSON is a calling package of the catalog.
type packageJSON struct {
	Code         string          `json:"code"`
	Name         string          `json:"name"`
	Region       string          `json:"region"`
	MonthlyPrice decimal.Decimal `json:"monthly_price"`
	Included     bool            `json:"included"`
}

// userJSON is a user of the account.
type userJSON struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Email      string        `json:"email"`
	Role       string        `json:"role"`
	Privileges string        `json:"privileges"`
	Plan       bool          `json:"plan"`
	Packages   []packageJSON `json:"packages"`
	Numbers    []string      `json:"numbers"`
}

// usersResponse answers GET /v1/users.
type usersResponse struct {
	Users []userJSON `json:"users"`
}

// cycleJSON is a billing cycle.
type cycleJSON struct {
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Days          int       `json:"days"`
	RemainingDays int       `json:"remaining_days"`
}

// userPackages is one user's packages: held, or wanted after a change.
type userPackages struct {
	User     string   `json:"user"`
	Packages []string `json:"packages"`
}

// heldPackages is one user's packages as GET /v1/packages lists them.
type heldPackages struct {
	User     string        `json:"user"`
	Packages []packageJSON `json:"packages"`
}

// packagesResponse answers GET /v1/packages.
type packagesResponse struct {
	Currency       string                  `json:"currency"`
	Catalog        []packageJSON           `json:"catalog"`
	Held           []heldPackages          `json:"held"`
	UsagePeriod    cycleJSON               `json:"usage_period"`
	UsageThrough   time.Time               `json:"usage_through"` // before UsagePeriod.End: this cycle so far
	Recommendation *billing.Recommendation `json:"recommendation"`
}

// packageChangeResponse answers POST /v1/packages/quote and /apply.
type packageChangeResponse struct {
	Applied  bool           `json:"applied"`
	Currency string         `json:"currency"`
	Quote    billing.Quote  `json:"quote"`
	Users    []heldPackages `json:"users"` // after the change (apply)
}

// bundleJSON is the pooled minute bundle of a month.
type bundleJSON struct {
	Month string `json:"month"`
	Size  int    `json:"size"`
	Used  int    `json:"used"`
	Held  int    `json:"held"`
	Left  int    `json:"left"`
}

// paygJSON is pay-as-you-go spend of a month against the cap.
type paygJSON struct {
	Spent   decimal.Decimal  `json:"spent"`
	Held    decimal.Decimal  `json:"held"`
	Minutes int              `json:"minutes"`
	Capped  bool             `json:"capped"`
	Cap     decimal.Decimal  `json:"cap"`
	Left    *decimal.Decimal `json:"left"`
	Percent *int             `json:"percent_of_cap"`
}

// settingsJSON is the account's switches and limits.
type settingsJSON struct {
	Home       string          `json:"home"`
	TimeZone   string          `json:"time_zone"`
	Overspend  bool            `json:"overspend"`
	RateCard   bool            `json:"rate_card"`
	Capped     bool            `json:"capped"`
	Cap        decimal.Decimal `json:"cap"`
	Thresholds []int           `json:"thresholds"`
}

// subscriptionJSON is an account-level product (bundles...).
type subscriptionJSON struct {
	Product  string `json:"product"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
	Minutes  int    `json:"minutes"`
}

// accountResponse answers GET /v1/account.
type accountResponse struct {
	Currency      string             `json:"currency"`
	Cycle         cycleJSON          `json:"cycle"`
	Settings      settingsJSON       `json:"settings"`
	Bundle        bundleJSON         `json:"bundle"`
	PAYG          paygJSON           `json:"payg"`
	Users         []userJSON         `json:"users"`
	Subscriptions []subscriptionJSON `json:"subscriptions"`
	Items         []billing.Item     `json:"items"`
	MonthlyTotal  decimal.Decimal    `json:"monthly_total"`
}

// usageRow is the calls of a day, a user or a cover.
type usageRow struct {
	Key     string          `json:"key"`
	Date    string          `json:"date"`
	Calls   int             `json:"calls"`
	Minutes int             `json:"minutes"`
	PAYG    decimal.Decimal `json:"payg"`
}

// usageResponse answers GET /v1/usage.
type usageResponse struct {
	Month          string          `json:"month"`
	Currency       string          `json:"currency"`
	Bundle         bundleJSON      `json:"bundle"`
	PAYG           paygJSON        `json:"payg"`
	Calls          int             `json:"calls"`
	Minutes        int             `json:"minutes"`
	OverageCharges decimal.Decimal `json:"overage_charges"`
	Days           []usageRow      `json:"days"`
	Users          []usageRow      `json:"users"`
	Covers         []usageRow      `json:"covers"`
}

// invoiceSummary is an invoice in the list ("upcoming" is the preview).
type invoiceSummary struct {
	ID       string          `json:"id"`
	Status   string          `json:"status"`
	Start    time.Time       `json:"cycle_start"`
	End      time.Time       `json:"cycle_end"`
	Total    decimal.Decimal `json:"total"`
	Currency string          `json:"currency"`
}

// invoiceResponse answers GET /v1/invoices/{id}.
type invoiceResponse struct {
	ID       string          `json:"id"`
	Status   string          `json:"status"`
	Currency string          `json:"currency"`
	Invoice  billing.Invoice `json:"invoice"`
}

// lineJSON is a number of the account with its contract.
type lineJSON struct {
	Number       string          `json:"number"`
	Product      string          `json:"product"`
	ProductName  string          `json:"product_name"`
	Category     string          `json:"category"`
	User         string          `json:"user"`
	Verified     bool            `json:"verified"`
	Term         string          `json:"term"`
	Start        time.Time       `json:"start"`
	End          *time.Time      `json:"end"`
	MonthlyPrice decimal.Decimal `json:"monthly_price"`
	ReleaseOwes  decimal.Decimal `json:"release_owes"`
}

// numbersResponse answers GET /v1/numbers.
type numbersResponse struct {
	Currency string     `json:"currency"`
	Numbers  []lineJSON `json:"numbers"`
}

// numberAction answers POST /v1/numbers/{n}/{action}.
type numberAction struct {
	Number      string          `json:"number"`
	Action      string          `json:"action"`
	DryRun      bool            `json:"dry_run"`
	Line        lineJSON        `json:"line"` // after the action
	Released    bool            `json:"released"`
	Owed        decimal.Decimal `json:"owed"`
	Currency    string          `json:"currency"`
	Consequence string          `json:"consequence"`
}

// notification is a message of the inbox.
type notification struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Message   string    `json:"message"`
	At        time.Time `json:"at"`
	MonthOnly bool      `json:"month_only"` // At is only the month's start
}

// when is the notification's date for people: the day it happened, or only
// its month when that is all the server knows.
func (n notification) when() string {
	if n.MonthOnly {
		return n.At.Format("Jan 2006")
	}
	return n.At.Format("2 Jan 2006")
}
