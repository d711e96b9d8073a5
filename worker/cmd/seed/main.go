// Command seed writes the demo data of `make run` and of the worker's
// integration tests into a directory:
//
//	seed.sql   tenants, users, numbers, subscriptions and carrier API keys (D1)
//	kv.tsv     KV keys and the files holding their values (the deck snapshot
//	           and the current-version pointer)
//	keys.json  the demo API key tokens, for the tests and the banner
//	banner.txt what `make run` prints
//
// The tokens are fixed demo values for local use only: their hashes, not the
// tokens, go into the ledger, as in production.
package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/worker"
)

// demoKey is one seeded carrier API key.
type demoKey struct {
	Name   string         `json:"name"`
	Token  string         `json:"token"`
	Tenant string         `json:"tenant"`
	Scopes []worker.Scope `json:"scopes"`
}

var (
	tenants = []worker.Tenant{
		{ID: "demo", Name: "Demo Ltd", Home: "GB", Currency: "USD"},
		{ID: "globex", Name: "Globex Inc", Home: "US", Currency: "USD"},
	}
	keys = []demoKey{
		{"demo", "tg_demo_1f0c9a2be7d34c55a1d0e3b6c8f27a49", "demo", []worker.Scope{worker.ScopeAuthorize, worker.ScopeCDRs, worker.ScopeRates}},
		{"demo-rates", "tg_demorates_5b8e2c71d9a04f36b7e1c2d3a4f50617", "demo", []worker.Scope{worker.ScopeRates}},
		{"globex", "tg_globex_9d7c6b5a4e3f21009f8e7d6c5b4a3928", "globex", []worker.Scope{worker.ScopeAuthorize, worker.ScopeCDRs, worker.ScopeRates}},
	}
	created = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

// DemoPassword is the password of the seeded portal logins (local demo only).
const DemoPassword = "tollgate-demo"

func main() {
	out := flag.String("out", "worker/build/seed", "output directory")
	deckPath := flag.String("deck", "core/deck/testdata/sample.csv", "rate deck CSV to publish")
	flag.Parse()
	if err := run(*out, *deckPath); err != nil {
		log.Fatal(err)
	}
}

func run(out, deckPath string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	f, err := os.Open(deckPath)
	if err != nil {
		return err
	}
	d, err := deck.ParseCSV(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", deckPath, err)
	}
	if d.Version == "" {
		// An unversioned deck is named by its content, so that caches keyed
		// by version stay correct when the file changes.
		raw, err := os.ReadFile(deckPath)
		if err != nil {
			return err
		}
		d.Version = worker.ContentVersion(raw)
	}
	ix, err := deck.NewIndex(d)
	if err != nil {
		return err
	}
	snap, err := deck.EncodeSnapshot(ix)
	if err != nil {
		return err
	}
	version := ix.Version()
	// KV values go into files, listed with their keys in kv.tsv, for
	// `wrangler kv key put --path` (binary-safe) and the tests.
	kv := []struct {
		key, file string
		value     []byte
	}{
		{worker.DeckKey(version), "deck.snapshot", snap},
		{worker.KeyDeckCurrent, "deck.current", []byte(version)},
		{worker.KeyDeckVersions, "deck.versions", worker.DeckVersions{{Version: version, Rows: ix.Len(),
			Currency: ix.Currency(), UploadedAt: created, UploadedBy: "seed"}}.Encode()},
	}
	if err := writeJSON(filepath.Join(out, "keys.json"), keys); err != nil {
		return err
	}
	accounts := map[string]*account.Account{}
	for _, t := range tenants {
		a, err := demoAccount(t)
		if err != nil {
			return fmt.Errorf("account %s: %w", t.ID, err)
		}
		accounts[t.ID] = a
		b, err := a.EncodeSnapshot()
		if err != nil {
			return err
		}
		kv = append(kv, struct {
			key, file string
			value     []byte
		}{worker.AccountKey(t.ID), "account-" + t.ID + ".snapshot", b})
	}
	var tsv strings.Builder
	for _, e := range kv {
		if err := os.WriteFile(filepath.Join(out, e.file), e.value, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&tsv, "%s\t%s\n", e.key, e.file)
	}
	if err := os.WriteFile(filepath.Join(out, "kv.tsv"), []byte(tsv.String()), 0o644); err != nil {
		return err
	}
	var sql strings.Builder
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	at := q(created.Format(time.RFC3339))
	for _, t := range tenants {
		fmt.Fprintf(&sql, "INSERT OR REPLACE INTO tenants (id, name, home, currency, created_at) VALUES (%s, %s, %s, %s, %s);\n",
			q(t.ID), q(t.Name), q(t.Home), q(t.Currency), at)
	}
	for _, k := range keys {
		h := worker.HashToken(k.Token)
		scopes := make([]string, len(k.Scopes))
		for i, s := range k.Scopes {
			scopes[i] = string(s)
		}
		fmt.Fprintf(&sql, "INSERT OR REPLACE INTO api_keys (id, tenant_id, hash, scopes, created_at) VALUES (%s, %s, %s, %s, %s);\n",
			q(worker.TokenID(k.Token)), q(k.Tenant), q(hex.EncodeToString(h[:])), q(strings.Join(scopes, " ")), at)
	}
	// Portal logins, all with the demo password (stored as PBKDF2 hashes).
	for _, u := range []struct{ tenant, id, email, name, role string }{
		{"demo", "alice", "alice@demo.example", "Alice Admin", "admin"},
		{"demo", "bob", "bob@demo.example", "Bob Member", "member"},
		{"globex", "gina", "gina@globex.example", "Gina Globex", "admin"},
	} {
		h, err := worker.HashPassword(DemoPassword, worker.PasswordIterations)
		if err != nil {
			return err
		}
		fmt.Fprintf(&sql, "INSERT OR REPLACE INTO users (tenant_id, id, email, name, role, password_hash, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s);\n",
			q(u.tenant), q(u.id), q(u.email), q(u.name), q(u.role), q(h), at)
	}
	// The ledger's view of the seeded accounts: numbers with their
	// contracts, and subscriptions.
	for _, t := range tenants {
		a := accounts[t.ID]
		for _, l := range a.Lines() {
			end := "NULL"
			if !l.Contract.End.IsZero() {
				end = q(l.Contract.End.UTC().Format(time.RFC3339))
			}
			user := "NULL"
			if l.User != "" {
				user = q(l.User)
			}
			fmt.Fprintf(&sql, "INSERT OR REPLACE INTO numbers (tenant_id, number, user_id, contract, contract_start, contract_end) VALUES (%s, %s, %s, %s, %s, %s);\n",
				q(t.ID), q(l.Number), user, q(string(l.Contract.Term)), q(l.Contract.Start.UTC().Format(time.RFC3339)), end)
		}
		for i, sub := range a.Subscriptions() {
			p, _ := a.Catalog().Product(sub.Product)
			fmt.Fprintf(&sql, "INSERT OR REPLACE INTO subscriptions (tenant_id, id, product, quantity, unit_price, effective_from) VALUES (%s, %s, %s, %d, %s, %s);\n",
				q(t.ID), q(fmt.Sprintf("seed-%d", i+1)), q(sub.Product), sub.Quantity, q(p.MonthlyPrice.String()), at)
		}
	}
	if err := os.WriteFile(filepath.Join(out, "seed.sql"), []byte(sql.String()), 0o644); err != nil {
		return err
	}
	banner := fmt.Sprintf(`
Tollgate is starting on http://127.0.0.1:8787
  deck:              %s (%d rows) from %s
  demo login:        alice@demo.example (tenant "demo", admin), bob@demo.example (member); password `+DemoPassword+`
  demo carrier key:  %s
  try:               curl -H 'Authorization: Bearer %s' 'http://127.0.0.1:8787/v1/rates/lookup?number=%%2B61412345678'
                     curl 'http://127.0.0.1:8787/v1/rates?q=australia'
`, version, ix.Len(), deckPath, keys[0].Token, keys[0].Token)
	return os.WriteFile(filepath.Join(out, "banner.txt"), []byte(banner), 0o644)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// demoAccount builds the seeded account state of a tenant (demo catalog):
// users with different privileges and packages, numbers on monthly and
// annual contracts, a pooled 300-minute bundle, overspend and the rate card
// on, and a pay-as-you-go cap with 80 % and 100 % notifications.
func demoAccount(t worker.Tenant) (*account.Account, error) {
	a, err := account.New(t.ID, account.DemoCatalog(), account.Settings{
		Home: t.Home, Overspend: true, RateCard: true, Capped: true, Cap: core.MustParseMoney("50"),
		Thresholds: []int{80, 100},
	})
	if err != nil {
		return nil, err
	}
	type line struct{ number, product, user string }
	var users []account.User
	var lines []line
	switch t.ID {
	case "demo":
		users = []account.User{
			{ID: "alice", Name: "Alice Admin", Privileges: account.International | account.Premium, Plan: true},
			{ID: "bob", Name: "Bob Member", Privileges: account.Domestic, Plan: true},
			{ID: "carol", Name: "Carol Europe", Privileges: account.International, Plan: true, Packages: []string{"pkg-uk-eu"}},
		}
		lines = []line{{"+442079460001", "line-local", "alice"}, {"+442079460002", "line-local-annual", "bob"}, {"+442079460003", "line-local-annual", "carol"}}
		if err := a.SetQuantity("bundle-300", 1); err != nil {
			return nil, err
		}
	default:
		users = []account.User{{ID: "gina", Name: "Gina Globex", Privileges: account.International, Plan: true}}
		lines = []line{{"+12125550100", "line-local", "gina"}}
	}
	for _, u := range users {
		if err := a.AddUser(u); err != nil {
			return nil, err
		}
	}
	for _, l := range lines {
		if _, err := a.AddLine(l.number, l.product, created, false); err != nil {
			return nil, err
		}
		if err := a.AssignLine(l.number, l.user); err != nil {
			return nil, err
		}
	}
	return a, nil
}
