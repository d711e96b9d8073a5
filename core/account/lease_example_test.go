package account_test

import (
	"fmt"
	"os"
	"time"

	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// The authority (a Durable Object) leases quota to an edge isolate, which
// authorizes calls from it in memory; the CDR settles at the authority.
func ExampleLeaseHolder() {
	f, _ := os.Open("testdata/deck.csv")
	d, _ := deck.ParseCSV(f)
	f.Close()
	ix, _ := deck.NewIndex(d)

	acct, _ := account.New("acme", account.DemoCatalog(), account.Settings{Home: "GB", CallLimit: 600})
	acct.SetQuantity("bundle-300", 1)
	acct.AddUser(account.User{ID: "bob", Plan: true})
	acct.AddLine("+442079460001", "line-local", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false)
	acct.AssignLine("+442079460001", "bob")
	copyForIsolate, _ := acct.EncodeSnapshot()

	// Authority: cut a lease.
	ledger := account.NewLedger(acct, account.LeasePolicy{Isolates: 4})
	now := time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)
	lease, _ := ledger.Grant(now)
	fmt.Println("leased:", lease.BundleSeconds/60, "minutes")

	// Isolate: decide and reserve from the lease.
	view, _ := account.DecodeSnapshot(account.DemoCatalog(), copyForIsolate)
	holder, _ := account.NewLeaseHolder(view, lease)
	dialled, _ := e164.ParseDial("020 7946 0000", "GB")
	req := account.Request{CallID: "call-1", User: "bob", Dialled: dialled, Start: now}
	dec, renew := holder.Authorize(ix, req)
	fmt.Println(dec.Reason, dec.MaxSeconds, "renew:", renew)
	leased, _ := holder.Reserve(req, dec)
	fmt.Println("lease left:", holder.Unused().BundleSeconds/60, "minutes")

	// Authority: the CDR is charged on the terms the isolate authorised.
	r, _ := ledger.RateCDR(ix, account.CDR{CallID: "call-1", User: "bob", Dialled: dialled, Start: now, Seconds: 95}, &leased)
	fmt.Println("charged:", r.BundleMinutes, "bundle minutes")
	ledger.Return(lease.ID, holder.Unused())
	u := acct.UsageAt(now)
	fmt.Println("used:", u.BundleMinutes, "held:", u.HeldMinutes, "invariant:", ledger.Check() == nil)
	// Output:
	// leased: 75 minutes
	// bundle 600 renew: false
	// lease left: 65 minutes
	// charged: 2 bundle minutes
	// used: 2 held: 0 invariant: true
}
