package account

//go:generate go tool msgp -file snapshot.go -o snapshot_gen.go

// Decoding limits for snapshots read from the network: no array may claim
// more elements than an account can hold (MaxRated is the largest).
//msgp:limit arrays:50000 maps:64 marshal:false

// decimal.Decimal travels as its exact plain decimal string ("12.5"). The
// shim (not the generic textmarshal directive) bounds what it parses: a
// decimal with a huge exponent or thousands of digits from a hostile
// snapshot would otherwise cost seconds of big-integer arithmetic.
//msgp:shim decimal.Decimal as:string using:decimalString/parseDecimal mode:convert

import (
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

// maxDecimalLen bounds a decimal string in a snapshot.
const maxDecimalLen = 40

func decimalString(d decimal.Decimal) (string, error) { return d.String(), nil }

// parseDecimal reads a plain decimal: optional "-", digits, optional
// fraction; no exponent; at most maxDecimalLen bytes.
func parseDecimal(s string) (decimal.Decimal, error) {
	ok := len(s) > 0 && len(s) <= maxDecimalLen
	digits, dot := 0, false
	for i := 0; ok && i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		case c == '-' && i == 0:
		default:
			ok = false
		}
	}
	if !ok || digits == 0 {
		return decimal.Zero, core.Errorf(core.Invalid, "%q is not a plain decimal of at most %d bytes", s, maxDecimalLen)
	}
	return decimal.NewFromString(s)
}

// SnapshotVersion is the version of the snapshot layout written by
// EncodeSnapshot; DecodeSnapshot refuses others.
const SnapshotVersion = 1

// Snapshot is the msgp-encoded state of an account: what the edge
// replicates and what a Durable Object persists. Money is exact (decimal
// strings, or integer 10^-4 units for the usage counters), times are msgp
// timestamps. It is validated as a whole by DecodeSnapshot / FromSnapshot.
type Snapshot struct {
	Version      int                   `msg:"v"`
	ID           string                `msg:"id"`
	Currency     string                `msg:"cur"`
	Home         string                `msg:"home"`
	Location     string                `msg:"loc"`
	Overspend    bool                  `msg:"overspend"`
	RateCard     bool                  `msg:"rate_card"`
	Capped       bool                  `msg:"capped"`
	Cap          decimal.Decimal       `msg:"cap"`
	Thresholds   []int                 `msg:"thresholds"`
	CallLimit    int                   `msg:"call_limit"`
	Users        []SnapshotUser        `msg:"users"`
	Lines        []SnapshotLine        `msg:"lines"`
	Subs         []SnapshotSub         `msg:"subs"`
	Dues         []SnapshotDue         `msg:"dues"`
	Period       int32                 `msg:"period"`
	BundleUsed   int64                 `msg:"bundle_used"`
	PAYGSpent    int64                 `msg:"payg_spent"`
	PAYGSeconds  int64                 `msg:"payg_secs"`
	PrevBundle   int64                 `msg:"prev_bundle"`
	PrevPAYG     int64                 `msg:"prev_payg"`
	PrevSeconds  int64                 `msg:"prev_secs"`
	Reservations []SnapshotReservation `msg:"reservations"`
	Rated        []SnapshotRated       `msg:"rated"`
	// Leases are the quota leases outstanding (see Ledger); an Account
	// alone neither writes nor reads them: use Ledger.Snapshot and
	// LedgerFromSnapshot.
	Leases   []SnapshotLease `msg:"leases,omitempty"`
	LeaseSeq uint64          `msg:"lease_seq,omitempty"`
	// HostedNumbers is Settings.HostedNumbers (absent in older snapshots:
	// false).
	HostedNumbers bool `msg:"hosted,omitempty"`
}

// SnapshotLease is an outstanding quota lease in a Snapshot: what it holds
// of the bundle (seconds) and of the pay-as-you-go budget (10^-4 units).
type SnapshotLease struct {
	ID        string    `msg:"id"`
	Version   uint64    `msg:"v"`
	Period    int32     `msg:"period"`
	Cut       time.Time `msg:"cut"`
	Expires   time.Time `msg:"expires"`
	HoldUntil time.Time `msg:"hold_until"`
	Open      bool      `msg:"open"`
	Bundle    int64     `msg:"bundle"`
	Money     int64     `msg:"money"`
	Granted   int64     `msg:"granted_bundle"`
	GrantedM  int64     `msg:"granted_money"`
}

// SnapshotUser is a User in a Snapshot.
type SnapshotUser struct {
	ID         string   `msg:"id"`
	Name       string   `msg:"name"`
	Privileges uint8    `msg:"priv"`
	Plan       bool     `msg:"plan"`
	Packages   []string `msg:"pkgs"`
	// The user's Phone; absent in older snapshots (a PBX user).
	System      string `msg:"sys,omitempty"`
	TeamsActive bool   `msg:"teams_active,omitempty"`
	SIPPhones   int    `msg:"sip_phones,omitempty"`
}

// SnapshotLine is a Line in a Snapshot.
type SnapshotLine struct {
	Number   string    `msg:"number"`
	Product  string    `msg:"product"`
	User     string    `msg:"user"`
	Verified bool      `msg:"verified"`
	Start    time.Time `msg:"start"`
}

// SnapshotSub is a Subscription in a Snapshot.
type SnapshotSub struct {
	Product  string `msg:"product"`
	Quantity int    `msg:"qty"`
}

// SnapshotDue is a Due in a Snapshot.
type SnapshotDue struct {
	Code        string          `msg:"code"`
	Description string          `msg:"desc"`
	Amount      decimal.Decimal `msg:"amount"`
	At          time.Time       `msg:"at"`
}

// SnapshotReservation is a call in progress in a Snapshot.
type SnapshotReservation struct {
	CallID        string    `msg:"call"`
	User          string    `msg:"user"`
	Digits        string    `msg:"digits"`
	Start         time.Time `msg:"start"`
	Cover         uint8     `msg:"cover"`
	Reason        string    `msg:"reason"`
	Package       string    `msg:"pkg"`
	BundleSeconds int       `msg:"bundle_s"`
	MaxSeconds    int       `msg:"max_s"`
	HoldBundle    int64     `msg:"hold_bundle"`
	HoldMoney     int64     `msg:"hold_money"`
	Expires       time.Time `msg:"expires"`
}

// SnapshotRated is a rated call remembered for idempotency.
type SnapshotRated struct {
	Period        int32           `msg:"period"`
	CallID        string          `msg:"call"`
	User          string          `msg:"user"`
	Start         time.Time       `msg:"start"`
	Cover         uint8           `msg:"cover"`
	Reason        string          `msg:"reason"`
	Package       string          `msg:"pkg"`
	Destination   string          `msg:"dest"`
	Country       string          `msg:"country"`
	Kind          uint8           `msg:"kind"`
	Seconds       int             `msg:"secs"`
	BundleMinutes int             `msg:"bundle_min"`
	PAYGSeconds   int             `msg:"payg_s"`
	Cost          decimal.Decimal `msg:"cost"`
	Authorized    bool            `msg:"authorized"`
}
