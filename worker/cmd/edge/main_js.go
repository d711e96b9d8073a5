//go:build js && wasm

package main

import (
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/cfstore"
	"github.com/tollgate-voice/tollgate/worker/glue"
	"github.com/tollgate-voice/tollgate/worker/httpapi"
	"github.com/tollgate-voice/tollgate/worker/web"
)

func main() {
	// The runtime has no file system: time.LoadLocation would wait on a
	// JavaScript callback, which the glue does not support. The edge knows
	// no zone but UTC (accounts set through it have none).
	account.LoadLocation = func(name string) (*time.Location, error) {
		if name == "UTC" || name == "" {
			return time.UTC, nil
		}
		return nil, fmt.Errorf("time zone %q: the edge has no time zone database", name)
	}
	// The isolate's live heap is a few MB (deck index, caches) and every
	// request allocates a few KB: at the default GOGC=100 the (single-
	// threaded, on js/wasm) collector ran every ~560 authorizations, and a
	// cycle stalls every request in flight. GOGC=400 makes it one in ~2,800
	// (node, 45k authorizations: 80 → 16 cycles); the limit keeps the heap
	// well inside a 128 MB isolate whatever the deck size.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(64 << 20)
	env := glue.Env()
	kv := cfstore.NewKV(env.Get("KV"))
	db := cfstore.NewD1(env.Get("DB"))
	accounts := cfstore.NewAccounts(env.Get("ACCOUNTS"))
	decks := httpapi.NewDecks(kv, nil)
	// The portal's operator tenant (whose admins publish rate decks) is the
	// TOLLGATE_OPERATOR variable; without it nobody can publish.
	operator := ""
	if v := env.Get("TOLLGATE_OPERATOR"); v.Truthy() {
		operator = v.String()
	}
	// Quota leases last TOLLGATE_LEASE_TTL (a Go duration; default
	// account.DefaultLeaseTTL; the tests shorten it to see leases expire)
	// and are sized for TOLLGATE_LEASE_ISOLATES isolates serving one
	// account at once (default 4: a lease is a quarter of what is free).
	var lease account.LeasePolicy
	if v := env.Get("TOLLGATE_LEASE_TTL"); v.Truthy() {
		if d, err := time.ParseDuration(v.String()); err == nil && d > 0 {
			lease.TTL = d
		}
	}
	if v := env.Get("TOLLGATE_LEASE_ISOLATES"); v.Truthy() {
		if n, err := strconv.Atoi(v.String()); err == nil && n > 0 {
			lease.Isolates = n
		}
	}
	api := httpapi.New(httpapi.Config{Blobs: kv, Keys: db, Tenants: db, Decks: decks, Accounts: accounts, Catalog: account.DemoCatalog(),
		Portal: httpapi.PortalConfig{Store: db, Catalog: account.DemoCatalog(), OperatorTenant: operator, PasswordMatches: cfstore.PasswordMatches},
		Leases: true})
	object := httpapi.NewObject(httpapi.ObjectConfig{
		Blobs: kv, CDRs: db, Decks: decks, Catalog: account.DemoCatalog(),
		Storage:       func(r *web.Request) worker.Storage { return cfstore.NewDOStorage(glue.Storage(r.Context())) },
		Events:        cfstore.NewQueue(env.Get("WEBHOOKS")),
		Notifications: db,
		Lease:         lease,
	})
	webhooks := &httpapi.WebhookConsumer{Webhooks: db, Poster: cfstore.Fetch{}}
	cron := &httpapi.Cron{Tenants: db, Accounts: accounts, Leases: api}
	// The integration tests' build (-tags selftest) adds endpoints running
	// the store conformance suite and the agreement table on the real
	// bindings; the production build links none of that.
	fetch := withSelfTest(env, api, kv, db)
	// The cron trigger also issues the invoices of cycles that began.
	glue.Serve(glue.Handlers{Fetch: fetch, Object: withObjectSelfTest(env, httpapi.NewPortalObject(object, db)), Scheduled: &httpapi.InvoiceCron{Next: cron, API: api}, Queue: webhooks})
}
