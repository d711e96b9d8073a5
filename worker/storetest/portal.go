package storetest

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/worker"
)

// Portal checks a worker.Portal. tenant must exist; unique makes emails,
// IDs and keys unique to this run. If p is also a worker.CDRs, rated calls
// are recorded through it and read back with Calls.
func Portal(t T, p worker.Portal, tenant, unique string) {
	ctx := context.Background()
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

	// Users.
	admin := worker.PortalUser{Tenant: tenant, ID: "pa-" + unique, Email: "Admin-" + unique + "@Example.com", Name: "Ada",
		Role: worker.RoleAdmin, PasswordHash: "pbkdf2-sha256$1$AAAA$BBBB"}
	member := worker.PortalUser{Tenant: tenant, ID: "pm-" + unique, Email: "member-" + unique + "@example.com", Name: "Mo", Role: worker.RoleMember}
	for _, u := range []worker.PortalUser{admin, member} {
		if err := p.CreatePortalUser(ctx, u); err != nil {
			t.Fatalf("CreatePortalUser(%s): %v", u.ID, err)
		}
	}
	if err := p.CreatePortalUser(ctx, admin); core.ErrorCode(err) != core.Conflict {
		t.Errorf("CreatePortalUser(same id) = %v, want conflict", err)
	}
	dupMail := member
	dupMail.ID, dupMail.Email = "px-"+unique, "ADMIN-"+unique+"@example.COM"
	if err := p.CreatePortalUser(ctx, dupMail); core.ErrorCode(err) != core.Conflict {
		t.Errorf("CreatePortalUser(same email, other case) = %v, want conflict", err)
	}
	got, err := p.PortalUserByEmail(ctx, "admin-"+unique+"@EXAMPLE.com")
	if err != nil || got.ID != admin.ID || got.Tenant != tenant || got.Role != worker.RoleAdmin || got.PasswordHash != admin.PasswordHash || got.Name != "Ada" {
		t.Errorf("PortalUserByEmail = %+v, %v", got, err)
	}
	if _, err := p.PortalUserByEmail(ctx, "nobody-"+unique+"@example.com"); core.ErrorCode(err) != core.NotFound {
		t.Errorf("PortalUserByEmail(unknown) = %v, want not_found", err)
	}
	if got, err := p.PortalUser(ctx, tenant, member.ID); err != nil || got.Email != member.Email || got.PasswordHash != "" {
		t.Errorf("PortalUser = %+v, %v", got, err)
	}
	if _, err := p.PortalUser(ctx, "other-"+tenant, member.ID); core.ErrorCode(err) != core.NotFound {
		t.Errorf("PortalUser(other tenant) = %v, want not_found", err)
	}
	us, err := p.PortalUsers(ctx, tenant)
	if err != nil || !slices.IsSortedFunc(us, func(a, b worker.PortalUser) int { return compare(a.ID, b.ID) }) ||
		!slices.ContainsFunc(us, func(u worker.PortalUser) bool { return u.ID == member.ID }) {
		t.Errorf("PortalUsers = %+v, %v", us, err)
	}

	// Sessions: found until they expire, gone once deleted.
	s := worker.Session{Hash: worker.HashToken("tgs_" + unique), Tenant: tenant, User: admin.ID, Created: at, Expires: at.Add(time.Hour)}
	if err := p.CreateSession(ctx, s); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if err := p.CreateSession(ctx, s); core.ErrorCode(err) != core.Conflict {
		t.Errorf("CreateSession(again) = %v, want conflict", err)
	}
	if got, err := p.Session(ctx, s.Hash, at.Add(59*time.Minute)); err != nil || got.User != admin.ID || got.Tenant != tenant || !got.Expires.Equal(s.Expires) {
		t.Errorf("Session = %+v, %v", got, err)
	}
	if _, err := p.Session(ctx, s.Hash, at.Add(time.Hour)); core.ErrorCode(err) != core.NotFound {
		t.Errorf("Session at expiry = %v, want not_found", err)
	}
	if err := p.DeleteSession(ctx, s.Hash); err != nil {
		t.Errorf("DeleteSession: %v", err)
	}
	if _, err := p.Session(ctx, s.Hash, at); core.ErrorCode(err) != core.NotFound {
		t.Errorf("Session after delete = %v, want not_found", err)
	}
	if err := p.DeleteSession(ctx, s.Hash); err != nil {
		t.Errorf("DeleteSession(again): %v", err)
	}
	// A new session drops the user's expired ones, and only those.
	old := worker.Session{Hash: worker.HashToken("tgs_old_" + unique), Tenant: tenant, User: admin.ID, Created: at.Add(-2 * time.Hour), Expires: at.Add(-time.Hour)}
	live := worker.Session{Hash: worker.HashToken("tgs_live_" + unique), Tenant: tenant, User: admin.ID, Created: at.Add(-time.Hour), Expires: at.Add(time.Hour)}
	other := worker.Session{Hash: worker.HashToken("tgs_other_" + unique), Tenant: tenant, User: member.ID, Created: at.Add(-2 * time.Hour), Expires: at.Add(-time.Hour)}
	for _, x := range []worker.Session{old, live, other} {
		if err := p.CreateSession(ctx, x); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}
	fresh := worker.Session{Hash: worker.HashToken("tgs_fresh_" + unique), Tenant: tenant, User: admin.ID, Created: at, Expires: at.Add(time.Hour)}
	if err := p.CreateSession(ctx, fresh); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	before := at.Add(-90 * time.Minute)
	if _, err := p.Session(ctx, old.Hash, before); core.ErrorCode(err) != core.NotFound {
		t.Errorf("the user's expired session survived a new sign-in: %v", err)
	}
	if _, err := p.Session(ctx, live.Hash, at); err != nil {
		t.Errorf("a live session was dropped: %v", err)
	}
	if _, err := p.Session(ctx, other.Hash, before); err != nil {
		t.Errorf("another user's session was dropped: %v", err)
	}

	// Writes: all or nothing, idempotency keys used once.
	audits := func() int {
		rows, err := p.AuditLog(ctx, tenant, 1000)
		if err != nil {
			t.Fatalf("AuditLog: %v", err)
		}
		return len(rows)
	}
	n0 := audits()
	m := core.MustParseMoney
	change := billing.Change{At: at, Old: []billing.Item{{Code: "pkg-uk-eu", Description: "UK", Quantity: 1, UnitPrice: m("15")}},
		New: []billing.Item{{Code: "pkg-global", Quantity: 2, UnitPrice: m("45.50")}}}
	role := worker.RoleAdmin
	key := "idem-" + unique
	w := worker.PortalWrite{
		Audit:       worker.AuditEntry{Tenant: tenant, Actor: admin.ID, Action: "packages.apply", Detail: `{"n":1}`, At: at},
		Change:      &worker.BillingChange{Tenant: tenant, Change: change},
		Role:        &worker.PortalUser{Tenant: tenant, ID: member.ID, Role: role},
		Idempotency: &worker.IdempotencyRecord{Tenant: tenant, Key: key, RequestHash: "h1", Status: 200, Body: []byte(`{"ok":true}`), At: at},
	}
	if _, err := p.Idempotency(ctx, tenant, key); core.ErrorCode(err) != core.NotFound {
		t.Errorf("Idempotency(new key) = %v, want not_found", err)
	}
	if err := p.CommitPortalWrite(ctx, w); err != nil {
		t.Fatalf("CommitPortalWrite: %v", err)
	}
	rec, err := p.Idempotency(ctx, tenant, key)
	if err != nil || rec.RequestHash != "h1" || rec.Status != 200 || !bytes.Equal(rec.Body, []byte(`{"ok":true}`)) {
		t.Errorf("Idempotency = %+v, %v", rec, err)
	}
	if u, _ := p.PortalUser(ctx, tenant, member.ID); u.Role != worker.RoleAdmin {
		t.Errorf("role not changed: %+v", u)
	}
	if n := audits(); n != n0+1 {
		t.Errorf("audit rows %d, want %d", n, n0+1)
	}
	rows, _ := p.AuditLog(ctx, tenant, 1)
	if len(rows) != 1 || rows[0].Action != "packages.apply" || rows[0].Actor != admin.ID || rows[0].Detail != `{"n":1}` || !rows[0].At.Equal(at) {
		t.Errorf("AuditLog(1) = %+v", rows)
	}
	cs, err := p.BillingChanges(ctx, tenant, at, at.Add(time.Second))
	if err != nil || len(cs) != 1 || !cs[0].At.Equal(at) || len(cs[0].New) != 1 || cs[0].New[0].Quantity != 2 ||
		!cs[0].New[0].UnitPrice.Equal(m("45.5")) || cs[0].Old[0].Description != "UK" {
		t.Errorf("BillingChanges = %+v, %v", cs, err)
	}
	if cs, _ := p.BillingChanges(ctx, tenant, at.Add(time.Second), at.Add(time.Hour)); len(cs) != 0 {
		t.Errorf("BillingChanges outside the range = %+v", cs)
	}

	// The same key again: conflict, and nothing of the write is recorded.
	w2 := w
	w2.Role = &worker.PortalUser{Tenant: tenant, ID: member.ID, Role: worker.RoleMember}
	w2.Audit.Action = "again"
	later := change
	later.At = at.Add(time.Minute)
	w2.Change = &worker.BillingChange{Tenant: tenant, Change: later}
	if err := p.CommitPortalWrite(ctx, w2); core.ErrorCode(err) != core.Conflict {
		t.Errorf("CommitPortalWrite(used key) = %v, want conflict", err)
	}
	if n := audits(); n != n0+1 {
		t.Errorf("a refused write added audit rows: %d", n)
	}
	if u, _ := p.PortalUser(ctx, tenant, member.ID); u.Role != worker.RoleAdmin {
		t.Errorf("a refused write changed a role")
	}
	if cs, _ := p.BillingChanges(ctx, tenant, at, at.Add(time.Hour)); len(cs) != 1 {
		t.Errorf("a refused write added a billing change: %d", len(cs))
	}
	// A role for an unknown user: refused, nothing written.
	w3 := worker.PortalWrite{Audit: worker.AuditEntry{Tenant: tenant, Actor: admin.ID, Action: "user.update", Detail: "{}", At: at},
		Role: &worker.PortalUser{Tenant: tenant, ID: "nobody-" + unique, Role: worker.RoleAdmin}}
	if err := p.CommitPortalWrite(ctx, w3); err == nil {
		t.Errorf("CommitPortalWrite(role of unknown user) succeeded")
	}
	if n := audits(); n != n0+1 {
		t.Errorf("a refused write added audit rows: %d", n)
	}
	// A plain audited write.
	if err := p.CommitPortalWrite(ctx, worker.PortalWrite{Audit: worker.AuditEntry{Tenant: tenant, Actor: admin.ID, Action: "settings.update", Detail: "{}", At: at.Add(time.Second)}}); err != nil {
		t.Errorf("CommitPortalWrite(audit only): %v", err)
	}
	if rows, _ := p.AuditLog(ctx, tenant, 1); len(rows) != 1 || rows[0].Action != "settings.update" {
		t.Errorf("AuditLog newest first = %+v", rows)
	}

	if ns, err := p.Notifications(ctx, tenant, 10); err != nil || ns == nil || len(ns) != 0 {
		t.Errorf("Notifications(none) = %v, %v", ns, err)
	}
	n1 := worker.Notification{Tenant: tenant, ID: "2026-11/payg_cap/80", Kind: "threshold", Message: "80 %", At: at}
	n2 := worker.Notification{Tenant: tenant, ID: "2026-11/payg_cap/100", Kind: "threshold", Message: "100 %", At: at.Add(time.Hour)}
	if err := p.AddNotifications(ctx, []worker.Notification{n1, n2}); err != nil {
		t.Fatalf("AddNotifications: %v", err)
	}
	again := n1
	again.Message = "changed"
	if err := p.AddNotifications(ctx, []worker.Notification{again}); err != nil {
		t.Errorf("AddNotifications(again): %v", err)
	}
	ns, err := p.Notifications(ctx, tenant, 10)
	if err != nil || len(ns) != 2 || ns[0].ID != n2.ID || ns[1].Message != "80 %" || !ns[1].At.Equal(at) || ns[0].Kind != "threshold" {
		t.Errorf("Notifications = %+v, %v", ns, err)
	}
	if ns, _ := p.Notifications(ctx, tenant, 1); len(ns) != 1 || ns[0].ID != n2.ID {
		t.Errorf("Notifications(limit 1) = %+v", ns)
	}
	if is, err := p.Invoices(ctx, tenant); err != nil || is == nil {
		t.Errorf("Invoices = %v, %v", is, err)
	}
	if _, err := p.Invoice(ctx, tenant, "no-such-invoice"); core.ErrorCode(err) != core.NotFound {
		t.Errorf("Invoice(missing) = %v, want not_found", err)
	}
	novCycle := billing.MonthlyCycle(at, time.UTC, 1)
	for i, c := range []billing.Cycle{novCycle, novCycle.Next()} {
		inv := worker.StoredInvoice{Tenant: tenant, ID: "inv-" + unique + "-" + string(rune('a'+i)), Cycle: c, Total: "12.50", Currency: "USD",
			Body: []byte(`{"total":"12.50"}`), Issued: c.Start.Add(time.Minute)}
		if err := p.CreateInvoice(ctx, inv); err != nil {
			t.Fatalf("CreateInvoice: %v", err)
		}
	}
	dup := worker.StoredInvoice{Tenant: tenant, ID: "inv-" + unique + "-z", Cycle: novCycle, Total: "1", Currency: "USD", Body: []byte("{}"), Issued: at}
	if err := p.CreateInvoice(ctx, dup); core.ErrorCode(err) != core.Conflict {
		t.Errorf("CreateInvoice(same cycle) = %v, want conflict", err)
	}
	is, _ := p.Invoices(ctx, tenant)
	if len(is) != 2 || is[0].ID != "inv-"+unique+"-b" || !is[0].Cycle.Start.Equal(novCycle.End) || is[0].Total != "12.50" || len(is[0].Body) != 0 {
		t.Errorf("Invoices = %+v", is)
	}
	if inv, err := p.Invoice(ctx, tenant, "inv-"+unique+"-a"); err != nil || string(inv.Body) != `{"total":"12.50"}` ||
		!inv.Cycle.End.Equal(novCycle.End) || !inv.Issued.Equal(novCycle.Start.Add(time.Minute)) {
		t.Errorf("Invoice = %+v, %v", inv, err)
	}

	// Rated calls by start time.
	cdrs, ok := p.(worker.CDRs)
	if !ok {
		return
	}
	start := time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC)
	var recs []worker.CDRRecord
	for i, d := range []time.Duration{0, time.Second, 22 * 24 * time.Hour} {
		recs = append(recs, worker.CDRRecord{Tenant: tenant, CallID: "pc" + string(rune('a'+i)) + unique, User: "u", Dialled: "+61412345678",
			Direction: "outbound", Start: start.Add(d), Seconds: 60 + i, ReceivedAt: at,
			Charges: []worker.ChargeRecord{{CoveredBy: "payg", Quantity: 60 + i, Amount: "0.38", Currency: "USD", Cycle: "2026-11"},
				{CoveredBy: "bundle", Quantity: 1, Amount: "0", Currency: "USD", Cycle: "2026-11"}}})
	}
	if err := cdrs.RecordCDRs(ctx, recs); err != nil {
		t.Fatalf("RecordCDRs: %v", err)
	}
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	calls, err := p.Calls(ctx, tenant, nov, nov.AddDate(0, 1, 0))
	if err != nil {
		t.Fatalf("Calls: %v", err)
	}
	var mine []worker.CDRRecord
	for _, c := range calls {
		if len(c.CallID) > 3 && c.CallID[3:] == unique {
			mine = append(mine, c)
		}
	}
	if len(mine) != 2 || mine[0].CallID != recs[1].CallID || !mine[0].Start.Equal(recs[1].Start) || mine[0].Seconds != 61 ||
		len(mine[0].Charges) != 2 || mine[0].Charges[0].CoveredBy != "payg" || mine[0].Charges[0].Amount != "0.38" ||
		mine[0].Charges[1].CoveredBy != "bundle" || mine[1].CallID != recs[2].CallID {
		t.Errorf("Calls(November) = %+v", mine)
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
