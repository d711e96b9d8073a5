package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tinylib/msgp/msgp"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/region"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/memstore"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// portalNow is the fixture's clock: 22 November 2026, day 22 of a 30-day
// cycle (9 days left including today).
var portalNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

const testPassword = "correct horse battery"

// portalFixture is a Server with the portal on in-memory stores: tenant
// "acme" (GB, the operator) with admin ann and member max, tenant "globex"
// (US) with admin gil; account users with lines on monthly and annual
// contracts; the sample deck published.
type portalFixture struct {
	t        testing.TB
	srv      *Server
	blobs    *memstore.Blobs
	ledger   *memstore.Ledger
	portal   *memstore.Portal
	accounts *memstore.Accounts
	now      time.Time
	cookies  map[string]*http.Cookie
}

func newPortalFixture(t testing.TB) *portalFixture {
	t.Helper()
	ctx := context.Background()
	f := &portalFixture{t: t, blobs: memstore.NewBlobs(), ledger: memstore.NewLedger(), now: portalNow, cookies: map[string]*http.Cookie{}}
	f.portal = memstore.NewPortal(f.ledger)
	clock := func() time.Time { return f.now }
	cat := account.DemoCatalog()
	for _, tn := range []worker.Tenant{
		{ID: "acme", Name: "Acme", Home: "GB", Currency: "USD"},
		{ID: "globex", Name: "Globex", Home: "US", Currency: "USD"},
	} {
		if err := f.ledger.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
		a := testAccount(t, tn, cat)
		b, err := a.EncodeSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		f.blobs.Put(ctx, worker.AccountKey(tn.ID), b)
	}
	for _, u := range []worker.PortalUser{
		{Tenant: "acme", ID: "ann", Email: "ann@acme.example", Name: "Ann", Role: worker.RoleAdmin},
		{Tenant: "acme", ID: "max", Email: "max@acme.example", Name: "Max", Role: worker.RoleMember},
		{Tenant: "globex", ID: "gil", Email: "gil@globex.example", Name: "Gil", Role: worker.RoleAdmin},
	} {
		h, err := worker.HashPassword(testPassword, 1000)
		if err != nil {
			t.Fatal(err)
		}
		u.PasswordHash = h
		if err := f.portal.CreatePortalUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	snap := sampleDeckSnapshot(t)
	f.blobs.Put(ctx, worker.DeckKey("v1"), snap)
	f.blobs.Put(ctx, worker.KeyDeckCurrent, []byte("v1"))

	decks := NewDecks(f.blobs, clock)
	f.accounts = memstore.NewAccounts()
	obj := NewObject(ObjectConfig{Blobs: f.blobs, CDRs: f.ledger, Decks: decks, Catalog: cat, Now: clock, Storage: f.accounts.StorageOf, Notifications: f.portal})
	f.accounts.Handler = NewPortalObject(obj, f.portal)
	f.srv = New(Config{Blobs: f.blobs, Keys: f.ledger, Tenants: f.ledger, Now: clock, Decks: decks, Accounts: f.accounts,
		Portal: PortalConfig{Store: f.portal, Catalog: cat, OperatorTenant: "acme"}})
	return f
}

// testAccount: ann (international), max (domestic) and cat (UK & Europe
// package) on acme; gil on globex. Lines: a monthly one for ann, annual
// ones for max and cat, an unassigned annual one; a 300-minute bundle.
func testAccount(t testing.TB, tn worker.Tenant, cat *account.Catalog) *account.Account {
	t.Helper()
	a, err := account.New(tn.ID, cat, account.Settings{Home: tn.Home, Overspend: true, RateCard: true, Capped: true,
		Cap: core.MustParseMoney("50"), Thresholds: []int{80, 100}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	type line struct{ number, product, user string }
	var users []account.User
	var lines []line
	if tn.ID == "acme" {
		users = []account.User{
			{ID: "ann", Name: "Ann", Privileges: account.International, Plan: true},
			{ID: "max", Name: "Max", Privileges: account.Domestic, Plan: true},
			{ID: "cat", Name: "Cat", Privileges: account.International, Plan: true, Packages: []string{"pkg-uk-eu"}},
		}
		lines = []line{{"+442079460001", "line-local", "ann"}, {"+442079460002", "line-local-annual", "max"},
			{"+442079460003", "line-local-annual", "cat"}, {"+442079460004", "line-local-annual", ""}}
		if err := a.SetQuantity("bundle-300", 1); err != nil {
			t.Fatal(err)
		}
	} else {
		users = []account.User{{ID: "gil", Name: "Gil", Privileges: account.International, Plan: true}}
		lines = []line{{"+12125550100", "line-local", "gil"}}
	}
	for _, u := range users {
		if err := a.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range lines {
		if _, err := a.AddLine(l.number, l.product, start, false); err != nil {
			t.Fatal(err)
		}
		if l.user != "" {
			if err := a.AssignLine(l.number, l.user); err != nil {
				t.Fatal(err)
			}
		}
	}
	return a
}

// do sends a request as user ("" = no session). Headers come in pairs.
func (f *portalFixture) do(user, method, target string, body any, headers ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	r := httptest.NewRequest(method, "http://127.0.0.1:8787"+target, rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	if user != "" {
		c := f.cookies[user]
		if c == nil {
			c = f.signIn(user)
		}
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	web.ToHTTP(f.srv).ServeHTTP(w, r)
	return w
}

func (f *portalFixture) signIn(user string) *http.Cookie {
	f.t.Helper()
	email := map[string]string{"ann": "ann@acme.example", "max": "max@acme.example", "gil": "gil@globex.example"}[user]
	w := f.do("", "POST", "/v1/session", SignInRequest{Email: email, Password: testPassword})
	if w.Code != 200 {
		f.t.Fatalf("sign in %s: %d %s", user, w.Code, w.Body)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == SessionCookie {
			f.cookies[user] = c
			return c
		}
	}
	f.t.Fatalf("sign in %s: no cookie", user)
	return nil
}

func decodeBody[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("body %s: %v", w.Body, err)
	}
	return v
}

// state returns the account as the Durable Object holds it and as KV
// replicates it.
func (f *portalFixture) state(tenant string) (do, kv []byte) {
	f.t.Helper()
	do, err := f.accounts.Storage(tenant).Get(context.Background(), storageKey)
	if err != nil && core.ErrorCode(err) != core.NotFound {
		f.t.Fatal(err)
	}
	kv, err = f.blobs.Get(context.Background(), worker.AccountKey(tenant))
	if err != nil {
		f.t.Fatal(err)
	}
	return do, kv
}

func (f *portalFixture) acct(tenant string) *account.Account {
	f.t.Helper()
	a, err := f.srv.account(context.Background(), tenant)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// audit returns the tenant's audit rows other than sign-ins and outs.
func (f *portalFixture) audit(tenant string) []worker.AuditEntry {
	f.t.Helper()
	rows, err := f.portal.AuditLog(context.Background(), tenant, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []worker.AuditEntry
	for _, r := range rows {
		if !strings.HasPrefix(r.Action, "session.") {
			out = append(out, r)
		}
	}
	return out
}

func wantStatus(t *testing.T, w *httptest.ResponseRecorder, status int, code core.Code) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status = %d, want %d: %s", w.Code, status, w.Body)
	}
	if code != "" {
		if got := errorCode(t, w); got != code {
			t.Fatalf("code = %s, want %s", got, code)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := worker.HashPassword("s3cret-pass", 2000)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := worker.HashPassword("s3cret-pass", 2000)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tc := range []struct {
		pw, hash string
		want     bool
	}{
		{"s3cret-pass", h, true},
		{"s3cret-pasS", h, false},
		{"", h, false},
		{"s3cret-pass", "", false},
		{"s3cret-pass", "pbkdf2-sha256$x$y$z", false},
		{"s3cret-pass", strings.Replace(h, "$2000$", "$2001$", 1), false},
		{"s3cret-pass", "pbkdf2-sha256$99999999999$AAAA$AAAA", false},
	} {
		if got := worker.PasswordMatches(tc.pw, tc.hash); got != tc.want {
			t.Errorf("PasswordMatches(%q, %.30q) = %v", tc.pw, tc.hash, got)
		}
	}
	// The stand-in compared for unknown emails costs as much as a real one.
	if iter, _, _, ok := worker.ParsePasswordHash(dummyHash); !ok || iter != worker.PasswordIterations {
		t.Errorf("dummyHash is not a real hash: %d %v", iter, ok)
	}
	if _, err := worker.HashPassword("short", 10); core.ErrorCode(err) != core.Invalid {
		t.Errorf("short password: %v", err)
	}
}

func TestSession(t *testing.T) {
	f := newPortalFixture(t)
	w := f.do("", "POST", "/v1/session", SignInRequest{Email: " ANN@acme.example", Password: testPassword})
	wantStatus(t, w, 200, "")
	me := decodeBody[MeResponse](t, w)
	if me.User.ID != "ann" || me.User.Role != worker.RoleAdmin || me.Tenant.ID != "acme" || !me.Operator {
		t.Errorf("me = %+v", me)
	}
	var c *http.Cookie
	for _, k := range w.Result().Cookies() {
		if k.Name == SessionCookie {
			c = k
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/" || c.MaxAge <= 0 {
		t.Fatalf("cookie = %+v", c)
	}
	if !strings.HasPrefix(c.Value, worker.SessionTokenPrefix) {
		t.Errorf("token %q", c.Value)
	}
	// Only the hash is stored.
	if _, err := f.portal.Session(context.Background(), worker.HashToken(c.Value), f.now); err != nil {
		t.Errorf("session by hash: %v", err)
	}
	f.cookies["ann"] = c
	if w := f.do("ann", "GET", "/v1/me", nil); w.Code != 200 || decodeBody[MeResponse](t, w).User.Email != "ann@acme.example" ||
		w.Header().Get("Cache-Control") != "private, no-store" {
		t.Errorf("me: %d %s", w.Code, w.Body)
	}

	// Secure everywhere but plain http on localhost.
	r := httptest.NewRequest("POST", "https://portal.example.com/v1/session", strings.NewReader(`{"email":"max@acme.example","password":"`+testPassword+`"}`))
	rec := httptest.NewRecorder()
	web.ToHTTP(f.srv).ServeHTTP(rec, r)
	if cs := rec.Result().Cookies(); rec.Code != 200 || len(cs) != 1 || !cs[0].Secure {
		t.Errorf("https sign-in: %d %v", rec.Code, cs)
	}

	for name, tc := range map[string]struct {
		body   string
		status int
		code   core.Code
	}{
		"wrong password":  {`{"email":"ann@acme.example","password":"nope nope nope"}`, 401, core.Unauthorized},
		"unknown email":   {`{"email":"who@acme.example","password":"` + testPassword + `"}`, 401, core.Unauthorized},
		"no password":     {`{"email":"ann@acme.example"}`, 400, core.Invalid},
		"unknown field":   {`{"email":"ann@acme.example","password":"x","admin":true}`, 400, core.Invalid},
		"malformed":       {`{"email":`, 400, core.Invalid},
		"wrong type":      {`{"email":1,"password":"x"}`, 400, core.Invalid},
		"too large":       {`{"email":"` + strings.Repeat("a", limitSmall) + `","password":"x"}`, 413, core.Invalid},
		"trailing data":   {`{"email":"a@b","password":"x"} {}`, 400, core.Invalid},
		"empty":           {``, 400, core.Invalid},
		"array not obj":   {`[]`, 400, core.Invalid},
		"email too long":  {`{"email":"` + strings.Repeat("a", 300) + `","password":"x"}`, 400, core.Invalid},
		"no email at all": {`{"password":"x"}`, 400, core.Invalid},
	} {
		t.Run(name, func(t *testing.T) {
			w := f.do("", "POST", "/v1/session", tc.body)
			wantStatus(t, w, tc.status, tc.code)
			if len(w.Result().Cookies()) != 0 {
				t.Error("a failed sign-in set a cookie")
			}
		})
	}

	// Without a session, or with a made-up one: 401.
	wantStatus(t, f.do("", "GET", "/v1/me", nil), 401, core.Unauthorized)
	f.cookies["fake"] = &http.Cookie{Name: SessionCookie, Value: worker.NewSessionToken()}
	wantStatus(t, f.do("fake", "GET", "/v1/account", nil), 401, core.Unauthorized)

	// Sessions expire.
	f.now = f.now.Add(DefaultSessionTTL)
	wantStatus(t, f.do("ann", "GET", "/v1/me", nil), 401, core.Unauthorized)
	f.now = portalNow
	delete(f.cookies, "ann")

	// Sign out ends the session server-side.
	old := f.signIn("max")
	w = f.do("max", "DELETE", "/v1/session", nil)
	wantStatus(t, w, 204, "")
	if cs := w.Result().Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("sign-out cookie %v", cs)
	}
	f.cookies["max"] = old
	wantStatus(t, f.do("max", "GET", "/v1/me", nil), 401, core.Unauthorized)
	rows, _ := f.portal.AuditLog(context.Background(), "acme", 100)
	var acts []string
	for _, r := range rows {
		acts = append(acts, r.Actor+":"+r.Action)
	}
	if strings.Join(acts, ",") != "max:session.delete,max:session.create,max:session.create,ann:session.create" {
		t.Errorf("session audit = %v", acts)
	}
}

func TestGetAccount(t *testing.T) {
	f := newPortalFixture(t)
	for _, who := range []string{"ann", "max"} {
		w := f.do(who, "GET", "/v1/account", nil)
		wantStatus(t, w, 200, "")
		a := decodeBody[AccountResponse](t, w)
		if a.Tenant.ID != "acme" || len(a.Users) != 3 || a.Bundle.Size != 300 || a.Bundle.Left != 300 ||
			!a.PAYG.Capped || a.PAYG.Cap != "50.00" || a.PAYG.Left == nil || *a.PAYG.Left != "50.00" ||
			!a.Settings.Overspend || !a.Settings.RateCard || a.Settings.Home != "GB" || a.Cycle.Days != 30 || a.Cycle.RemainingDays != 9 {
			t.Errorf("%s: account = %+v", who, a)
		}
		if a.Users[0].ID != "ann" || a.Users[0].Role != worker.RoleAdmin || a.Users[0].Email == "" || len(a.Users[0].Numbers) != 1 ||
			a.Users[2].Packages[0].Code != "pkg-uk-eu" || a.Users[2].Role != "" {
			t.Errorf("users = %+v", a.Users)
		}
		// 3 users × 12 + 6 + 3 × 5 + 15 + 10 = 82.
		if a.MonthlyTotal != "82.00" {
			t.Errorf("monthly total = %s, items %+v", a.MonthlyTotal, a.Items)
		}
	}
	g := decodeBody[AccountResponse](t, f.do("gil", "GET", "/v1/account", nil))
	if g.Tenant.ID != "globex" || len(g.Users) != 1 {
		t.Errorf("globex sees %+v", g)
	}
}

func TestPatchSettings(t *testing.T) {
	f := newPortalFixture(t)
	do0, kv0 := f.state("acme")
	_ = do0
	bad := []struct {
		name   string
		who    string
		body   string
		status int
		code   core.Code
	}{
		{"member", "max", `{"cap":"100"}`, 403, core.Forbidden},
		{"no session", "", `{"cap":"100"}`, 401, core.Unauthorized},
		{"unknown field", "ann", `{"cap":"100","limit":1}`, 400, core.Invalid},
		{"negative cap", "ann", `{"cap":"-1"}`, 400, core.Invalid},
		{"cap as number", "ann", `{"cap":100}`, 400, core.Invalid},
		{"cap with exponent", "ann", `{"cap":"1e3"}`, 400, core.Invalid},
		{"thresholds unordered", "ann", `{"thresholds":[100,80]}`, 400, core.Invalid},
		{"threshold over 100", "ann", `{"thresholds":[80,120]}`, 400, core.Invalid},
		{"nothing", "ann", `{}`, 400, core.Invalid},
		{"malformed", "ann", `{"cap":`, 400, core.Invalid},
		{"huge", "ann", `{"cap":"` + strings.Repeat("9", limitPortal) + `"}`, 413, core.Invalid},
		{"form post", "ann", `cap=100`, 400, core.Invalid},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			var w *httptest.ResponseRecorder
			if tc.name == "form post" {
				w = f.do(tc.who, "PATCH", "/v1/account/settings", tc.body, "Content-Type", "application/x-www-form-urlencoded")
			} else {
				w = f.do(tc.who, "PATCH", "/v1/account/settings", tc.body)
			}
			wantStatus(t, w, tc.status, tc.code)
			if _, kv := f.state("acme"); !bytes.Equal(kv, kv0) {
				t.Error("a refused write changed the replicated account")
			}
		})
	}
	if a := f.acct("acme"); !a.Settings().Cap.Equal(decimal.NewFromInt(50)) {
		t.Fatalf("cap changed by refused writes: %s", a.Settings().Cap)
	}
	if rows := f.audit("acme"); len(rows) != 0 {
		t.Errorf("refused writes were audited: %+v", rows)
	}

	w := f.do("ann", "PATCH", "/v1/account/settings", `{"cap":"120.5","thresholds":[50,90,100],"overspend":false}`)
	wantStatus(t, w, 200, "")
	st := decodeBody[SettingsJSON](t, w)
	if st.Cap != "120.50" || st.Overspend || !st.RateCard || len(st.Thresholds) != 3 {
		t.Errorf("settings = %+v", st)
	}
	// The Durable Object's state and the replica in KV both changed.
	_, kv := f.state("acme")
	ra, err := account.DecodeSnapshot(account.DemoCatalog(), kv)
	if err != nil || !ra.Settings().Cap.Equal(core.MustParseMoney("120.5")) || ra.Settings().Overspend {
		t.Errorf("KV replica not republished: %v", err)
	}
	if a := f.acct("acme"); !a.Settings().Cap.Equal(core.MustParseMoney("120.5")) {
		t.Errorf("object state cap = %s", a.Settings().Cap)
	}
	rows := f.audit("acme")
	if len(rows) != 1 || rows[0].Action != "settings.update" || rows[0].Actor != "ann" || !json.Valid([]byte(rows[0].Detail)) {
		t.Errorf("audit = %+v", rows)
	}
	// Another tenant is untouched.
	if g := f.acct("globex"); !g.Settings().Cap.Equal(decimal.NewFromInt(50)) {
		t.Error("globex changed")
	}
	// The audit log is for admins.
	wantStatus(t, f.do("max", "GET", "/v1/audit", nil), 403, core.Forbidden)
	if e := decodeBody[struct{ Entries []AuditJSON }](t, f.do("ann", "GET", "/v1/audit", nil)); len(e.Entries) != 3 || e.Entries[0].Action != "settings.update" {
		t.Errorf("audit entries = %+v", e)
	}
}

func TestUsers(t *testing.T) {
	f := newPortalFixture(t)
	wantStatus(t, f.do("max", "GET", "/v1/users/cat", nil), 200, "")
	wantStatus(t, f.do("gil", "GET", "/v1/users/cat", nil), 404, core.NotFound)
	wantStatus(t, f.do("ann", "GET", "/v1/users/gil", nil), 404, core.NotFound)
	if l := decodeBody[struct{ Users []UserJSON }](t, f.do("max", "GET", "/v1/users", nil)); len(l.Users) != 3 {
		t.Errorf("users = %+v", l)
	}

	for _, tc := range []struct {
		name, who, id, body string
		status              int
		code                core.Code
	}{
		{"member", "max", "max", `{"privileges":"international"}`, 403, core.Forbidden},
		{"other tenant", "gil", "max", `{"privileges":"international"}`, 404, core.NotFound},
		{"unknown user", "ann", "zed", `{"plan":false}`, 404, core.NotFound},
		{"bad privileges", "ann", "max", `{"privileges":"galactic"}`, 400, core.Invalid},
		{"bad role", "ann", "max", `{"role":"owner"}`, 400, core.Invalid},
		{"role of a user without login", "ann", "cat", `{"role":"admin"}`, 400, core.Invalid},
		{"own admin role", "ann", "ann", `{"role":"member"}`, 409, core.Conflict},
		{"unknown field", "ann", "max", `{"plan":false,"x":1}`, 400, core.Invalid},
		{"empty", "ann", "max", `{}`, 400, core.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantStatus(t, f.do(tc.who, "PATCH", "/v1/users/"+tc.id, tc.body), tc.status, tc.code)
		})
	}
	if u, _ := f.acct("acme").User("max"); u.Privileges != account.Domestic || !u.Plan {
		t.Fatalf("refused writes changed max: %+v", u)
	}

	w := f.do("ann", "PATCH", "/v1/users/max", `{"privileges":"international+premium","plan":false,"role":"admin"}`)
	wantStatus(t, w, 200, "")
	u := decodeBody[UserJSON](t, w)
	if u.Privileges != "international+premium" || u.Plan || u.Role != worker.RoleAdmin {
		t.Errorf("user = %+v", u)
	}
	// max is an admin now and may write.
	wantStatus(t, f.do("max", "PATCH", "/v1/account/settings", `{"rate_card":false}`), 200, "")

	// A login who places no calls: only the role applies.
	if err := f.portal.CreatePortalUser(context.Background(), worker.PortalUser{Tenant: "acme", ID: "ops", Email: "ops@acme.example", Name: "Ops", Role: worker.RoleMember}); err != nil {
		t.Fatal(err)
	}
	w = f.do("ann", "PATCH", "/v1/users/ops", `{"role":"admin"}`)
	wantStatus(t, w, 200, "")
	if u := decodeBody[UserJSON](t, w); u.Role != worker.RoleAdmin || u.Email != "ops@acme.example" {
		t.Errorf("ops = %+v", u)
	}
	wantStatus(t, f.do("ann", "PATCH", "/v1/users/ops", `{"plan":true}`), 404, core.NotFound)
}

func TestNumbers(t *testing.T) {
	f := newPortalFixture(t)
	w := f.do("max", "GET", "/v1/numbers", nil)
	wantStatus(t, w, 200, "")
	nums := decodeBody[NumbersResponse](t, w)
	if len(nums.Numbers) != 4 || nums.Numbers[0].Term != "monthly" || nums.Numbers[1].Term != "annual" ||
		nums.Numbers[1].End == nil || nums.Numbers[0].ReleaseOwes != "0.00" || nums.Numbers[1].ReleaseOwes == "0.00" {
		t.Fatalf("numbers = %+v", nums)
	}
	annualOwes := nums.Numbers[1].ReleaseOwes

	// A member may preview but not act; another tenant's number is 404.
	kv0 := func() []byte { _, kv := f.state("acme"); return kv }()
	p := f.do("max", "POST", "/v1/numbers/+442079460002/release", `{"dry_run":true}`)
	wantStatus(t, p, 200, "")
	prev := decodeBody[NumberActionResponse](t, p)
	if !prev.DryRun || !prev.Released || prev.Owed != annualOwes || prev.Refund != "0.00" || !strings.Contains(prev.Consequence, "still owe") {
		t.Errorf("release preview = %+v", prev)
	}
	if _, kv := f.state("acme"); !bytes.Equal(kv, kv0) || len(f.acct("acme").Lines()) != 4 {
		t.Fatal("a dry run changed the account")
	}
	wantStatus(t, f.do("max", "POST", "/v1/numbers/+442079460002/release", nil), 403, core.Forbidden)
	wantStatus(t, f.do("gil", "POST", "/v1/numbers/+442079460002/release", nil), 404, core.NotFound)
	wantStatus(t, f.do("gil", "POST", "/v1/numbers/+442079460002/release", `{"dry_run":true}`), 404, core.NotFound)
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/not-a-number/release", nil), 400, core.Invalid)
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/+442079460002/assign", `{"user":"ann"}`), 409, core.Conflict)
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/+442079460004/reassign", `{"user":"ann"}`), 409, core.Conflict)
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/+442079460004/assign", `{"user":"gil"}`), 404, core.NotFound)
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/+442079460004/assign", `{}`), 400, core.Invalid)
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/+442079460002/unassign", `{"user":"ann"}`), 400, core.Invalid)
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/+442079460002/unassign", `{"dry":true}`), 400, core.Invalid)
	if _, kv := f.state("acme"); !bytes.Equal(kv, kv0) {
		t.Fatal("refused actions changed the account")
	}

	// Unassign an annual number: no refund, still owned and billed.
	w = f.do("ann", "POST", "/v1/numbers/+442079460002/unassign", nil)
	wantStatus(t, w, 200, "")
	un := decodeBody[NumberActionResponse](t, w)
	if un.Refund != "0.00" || un.Released || un.Line.User != "" || !strings.Contains(un.Consequence, "No refund") ||
		!strings.Contains(un.Consequence, "max is left without a line and can place no calls") {
		t.Errorf("unassign = %+v", un)
	}
	if items := f.acct("acme").BillingItems(); items[1].Code != "line-local-annual" || items[1].Quantity != 3 {
		t.Errorf("the unassigned annual line is no longer billed: %+v", items)
	}
	// Reassign is free; then reassign to someone else.
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/+442079460002/assign", `{"user":"cat"}`), 200, "")
	w = f.do("ann", "POST", "/v1/numbers/+442079460002/reassign", `{"user":"ann"}`)
	wantStatus(t, w, 200, "")
	if re := decodeBody[NumberActionResponse](t, w); re.Line.User != "ann" || re.Owed != "0.00" || !strings.Contains(re.Consequence, "no extra cost") ||
		strings.Contains(re.Consequence, "without a line") { // cat keeps her own line

		t.Errorf("reassign = %+v", re)
	}
	// Release: the remainder is owed, as previewed.
	w = f.do("ann", "POST", "/v1/numbers/+442079460002/release", `{}`)
	wantStatus(t, w, 200, "")
	if rel := decodeBody[NumberActionResponse](t, w); rel.Owed != annualOwes || rel.DryRun {
		t.Errorf("release = %+v, previewed %s", rel, annualOwes)
	}
	a := f.acct("acme")
	if len(a.Lines()) != 3 || len(a.Dues()) != 1 || a.Dues()[0].Amount.StringFixed(2) != annualOwes {
		t.Errorf("after release: lines %d dues %+v", len(a.Lines()), a.Dues())
	}
	wantStatus(t, f.do("ann", "POST", "/v1/numbers/+442079460002/release", nil), 404, core.NotFound)
	if rows := f.audit("acme"); len(rows) != 4 || rows[0].Action != "number.release" {
		t.Errorf("audit = %+v", rows)
	}
}

// quoteInBrowser is what the portal computes in the browser: the same core
// calls on the account snapshot it fetched.
func quoteInBrowser(t *testing.T, snap []byte, users []UserPackages, at time.Time) billing.Quote {
	t.Helper()
	a, err := account.DecodeSnapshot(account.DemoCatalog(), snap)
	if err != nil {
		t.Fatal(err)
	}
	old := a.BillingItems()
	for _, u := range users {
		if err := a.SetPackages(u.User, u.Packages); err != nil {
			t.Fatal(err)
		}
	}
	q, err := billing.QuoteChange(old, a.BillingItems(), billing.MonthlyCycle(at, a.Settings().Location, 1), at)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestPackages(t *testing.T) {
	f := newPortalFixture(t)
	w := f.do("max", "GET", "/v1/packages", nil)
	wantStatus(t, w, 200, "")
	pk := decodeBody[PackagesResponse](t, w)
	if len(pk.Catalog) != 7 || len(pk.Held) != 3 || pk.Held[2].Packages[0].Code != "pkg-uk-eu" || pk.Recommendation == nil {
		t.Fatalf("packages = %+v", pk)
	}

	change := PackageChangeRequest{Users: []UserPackages{{User: "cat", Packages: []string{"pkg-global"}}, {User: "ann", Packages: []string{"pkg-au-nz"}}}}
	w = f.do("max", "POST", "/v1/packages/quote", change)
	wantStatus(t, w, 200, "")
	q := decodeBody[PackageChangeResponse](t, w)
	// 9 unused days of 30: UK&EU 15 → credit 4.50; Global 45 → 13.50; AU/NZ 15 → 4.50.
	if q.Applied || q.Quote.UnusedDays != 9 || q.Quote.CycleDays != 30 || q.Quote.Credit.StringFixed(2) != "4.50" ||
		q.Quote.Charge.StringFixed(2) != "18.00" || q.Quote.Net.StringFixed(2) != "13.50" {
		t.Errorf("quote = %+v", q.Quote)
	}
	sw := f.do("max", "GET", "/v1/account/snapshot", nil)
	wantStatus(t, sw, 200, "")
	wantStatus(t, f.do("", "GET", "/v1/account/snapshot", nil), 401, core.Unauthorized)
	if br := quoteInBrowser(t, sw.Body.Bytes(), change.Users, f.now); !br.Net.Equal(q.Quote.Net) || !br.Credit.Equal(q.Quote.Credit) ||
		len(br.Lines) != len(q.Quote.Lines) {
		t.Errorf("browser quote %+v != server quote %+v", br, q.Quote)
	}
	if u, _ := f.acct("acme").User("cat"); u.Packages[0] != "pkg-uk-eu" {
		t.Fatal("a quote changed the account")
	}

	// Apply: admin only, with an Idempotency-Key.
	wantStatus(t, f.do("max", "POST", "/v1/packages/apply", change, "Idempotency-Key", "k1"), 403, core.Forbidden)
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", change), 400, core.Invalid)
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", `{"users":[{"user":"cat","packages":["pkg-nope"]}]}`, "Idempotency-Key", "k0"), 404, core.NotFound)
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", `{"users":[{"user":"gil","packages":[]}]}`, "Idempotency-Key", "k0"), 404, core.NotFound)
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", `{"users":[]}`, "Idempotency-Key", "k0"), 400, core.Invalid)
	// Half valid: nothing applied.
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", `{"users":[{"user":"cat","packages":["pkg-global"]},{"user":"ann","packages":["bundle-300"]}]}`, "Idempotency-Key", "k0"), 400, core.Invalid)
	if u, _ := f.acct("acme").User("cat"); u.Packages[0] != "pkg-uk-eu" {
		t.Fatal("a refused change was half applied")
	}

	w1 := f.do("ann", "POST", "/v1/packages/apply", change, "Idempotency-Key", "k1")
	wantStatus(t, w1, 200, "")
	ap := decodeBody[PackageChangeResponse](t, w1)
	if !ap.Applied || !ap.Quote.Net.Equal(q.Quote.Net) || ap.Users[0].Packages[0].Code != "pkg-global" {
		t.Errorf("apply = %+v", ap)
	}
	// The same key again: the same answer, applied once.
	w2 := f.do("ann", "POST", "/v1/packages/apply", change, "Idempotency-Key", "k1")
	wantStatus(t, w2, 200, "")
	if !bytes.Equal(w1.Body.Bytes(), w2.Body.Bytes()) || w2.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay differs:\n%s\n%s", w1.Body, w2.Body)
	}
	// The same key with another change: 409.
	other := PackageChangeRequest{Users: []UserPackages{{User: "cat", Packages: []string{}}}}
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", other, "Idempotency-Key", "k1"), 409, core.Conflict)
	changes, _ := f.portal.BillingChanges(context.Background(), "acme", time.Time{}, f.now.Add(time.Hour))
	if len(changes) != 1 {
		t.Fatalf("billing changes = %d, want 1", len(changes))
	}
	if u, _ := f.acct("acme").User("cat"); len(u.Packages) != 1 || u.Packages[0] != "pkg-global" {
		t.Errorf("cat = %+v", u)
	}

	// The change shows on the upcoming invoice, prorated.
	w = f.do("max", "GET", "/v1/invoices/upcoming", nil)
	wantStatus(t, w, 200, "")
	inv := decodeBody[InvoiceResponse](t, w)
	var credit, charge decimal.Decimal
	for _, l := range inv.Invoice.Lines {
		switch l.Kind {
		case billing.KindProrationCredit:
			credit = credit.Add(l.Amount)
		case billing.KindProrationCharge:
			charge = charge.Add(l.Amount)
		}
	}
	if !credit.Neg().Equal(q.Quote.Credit) || !charge.Equal(q.Quote.Charge) || !inv.Invoice.Cycle.Start.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("upcoming invoice: credit %s charge %s, cycle %v", credit, charge, inv.Invoice.Cycle)
	}
	list := decodeBody[struct{ Invoices []InvoiceSummaryJSON }](t, f.do("max", "GET", "/v1/invoices", nil))
	if len(list.Invoices) != 1 || list.Invoices[0].ID != "upcoming" || list.Invoices[0].Total != inv.Invoice.Total.StringFixed(2) {
		t.Errorf("invoices = %+v", list)
	}
	wantStatus(t, f.do("max", "GET", "/v1/invoices/nope", nil), 404, core.NotFound)

	// Per-user assignment.
	wantStatus(t, f.do("max", "POST", "/v1/users/ann/packages", `{"packages":[]}`), 403, core.Forbidden)
	wantStatus(t, f.do("gil", "POST", "/v1/users/ann/packages", `{"packages":[]}`), 404, core.NotFound)
	wantStatus(t, f.do("ann", "POST", "/v1/users/ann/packages", `{}`), 400, core.Invalid)
	w = f.do("ann", "POST", "/v1/users/ann/packages", `{"packages":["pkg-us-ca","pkg-asia"]}`)
	wantStatus(t, w, 200, "")
	if r := decodeBody[PackageChangeResponse](t, w); len(r.Users) != 1 || len(r.Users[0].Packages) != 1 || r.Users[0].Packages[0].Code != "pkg-asia" {
		t.Errorf("user packages = %+v", r)
	}
}

func TestUsageAndNotifications(t *testing.T) {
	f := newPortalFixture(t)
	ctx := context.Background()
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	recs := []worker.CDRRecord{
		{Tenant: "acme", CallID: "c1", User: "ann", Dialled: "+61412345678", Direction: "outbound", Start: day(3, 9), Seconds: 600,
			Charges: []worker.ChargeRecord{{CoveredBy: "payg", Quantity: 600, Amount: "3.80", Currency: "USD", Cycle: "2026-11"}}},
		{Tenant: "acme", CallID: "c2", User: "max", Dialled: "+442079460999", Direction: "outbound", Start: day(3, 10), Seconds: 61,
			Charges: []worker.ChargeRecord{{CoveredBy: "bundle", Quantity: 2, Amount: "0", Currency: "USD", Cycle: "2026-11"}}},
		{Tenant: "acme", CallID: "c3", User: "ann", Dialled: "+61212345678", Direction: "outbound", Start: day(20, 9), Seconds: 120,
			Charges: []worker.ChargeRecord{{CoveredBy: "payg", Quantity: 120, Amount: "0.26", Currency: "USD", Cycle: "2026-11"}}},
		{Tenant: "acme", CallID: "old", User: "ann", Dialled: "+61212345678", Direction: "outbound", Start: time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), Seconds: 60},
		{Tenant: "globex", CallID: "g1", User: "gil", Dialled: "+61212345678", Direction: "outbound", Start: day(3, 9), Seconds: 60},
	}
	if err := f.ledger.RecordCDRs(ctx, recs); err != nil {
		t.Fatal(err)
	}
	w := f.do("max", "GET", "/v1/usage", nil)
	wantStatus(t, w, 200, "")
	u := decodeBody[UsageResponse](t, w)
	if u.Month != "2026-11" || u.Calls != 3 || u.Minutes != 14 || u.OverageCharges != "4.06" || len(u.Days) != 30 ||
		u.Days[2].Calls != 2 || u.Days[2].Minutes != 12 || u.Days[2].PAYG != "3.80" || len(u.Users) != 2 || u.Users[0].Key != "ann" ||
		u.Users[0].PAYG != "4.06" || len(u.Covers) != 2 {
		t.Errorf("usage = %+v", u)
	}
	if o := decodeBody[UsageResponse](t, f.do("max", "GET", "/v1/usage?month=2026-10", nil)); o.Calls != 1 || len(o.Days) != 31 {
		t.Errorf("october = %+v", o)
	}
	wantStatus(t, f.do("max", "GET", "/v1/usage?month=11-2026", nil), 400, core.Invalid)
	if g := decodeBody[UsageResponse](t, f.do("gil", "GET", "/v1/usage", nil)); g.Calls != 1 {
		t.Errorf("globex usage = %+v", g)
	}

	// Thresholds: 45 of 50 spent crosses 80 %.
	if err := f.portal.AddNotifications(ctx, []worker.Notification{{Tenant: "acme", ID: "n1", Kind: "webhook", Message: "stored", At: day(1, 0)},
		{Tenant: "globex", ID: "n2", Kind: "webhook", Message: "not yours", At: day(1, 0)}}); err != nil {
		t.Fatal(err)
	}
	status, _, err := f.accounts.Call(ctx, "acme", "/state", nil) // load the object
	if err != nil || status != 200 {
		t.Fatal(status, err)
	}
	n := decodeBody[struct{ Notifications []NotificationJSON }](t, f.do("max", "GET", "/v1/notifications", nil))
	if len(n.Notifications) != 1 || n.Notifications[0].ID != "n1" {
		t.Errorf("notifications = %+v", n)
	}
}

// newPortalFixtureOnGlobalDeck is a portal fixture whose current deck is the
// committed global deck (real prices); it skips without the snapshot.
func newPortalFixtureOnGlobalDeck(t *testing.T) *portalFixture {
	t.Helper()
	snap, err := os.ReadFile("../../core/deck/global/global.snapshot")
	if err != nil {
		t.Skip("no global deck snapshot:", err)
	}
	f := newPortalFixture(t)
	f.blobs.Put(context.Background(), worker.DeckKey("global"), snap)
	f.blobs.Put(context.Background(), worker.KeyDeckCurrent, []byte("global"))
	return f
}

// TestNotificationsStoredWhenCrossed: a CDR that crosses a cap threshold
// stores its notification, dated when it was rated, and the inbox shows
// that one rather than the month-only stand-in derived from the usage.
func TestNotificationsStoredWhenCrossed(t *testing.T) {
	f := newPortalFixtureOnGlobalDeck(t)
	ctx := context.Background()
	f.now = time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)
	// Calls to Japan (pay-as-you-go for cat) until the US$50 cap's 80 % is
	// passed.
	var cdrs []CDRJSON
	for i := range 40 {
		secs := 3600
		cdrs = append(cdrs, CDRJSON{CallID: "jp-" + strconv.Itoa(i), User: "cat", Dialled: "+81312345678", Direction: "outbound",
			Start: f.now.Add(-time.Duration(40-i) * 70 * time.Minute).Format(time.RFC3339), Seconds: &secs})
	}
	body, _ := json.Marshal(objectCDRBatch{CDRBatch: CDRBatch{CDRs: cdrs}})
	status, out, err := f.accounts.Call(ctx, "acme", "/cdrs", body)
	if err != nil || status != 200 {
		t.Fatalf("cdrs: %d %s %v", status, out, err)
	}
	if !strings.Contains(string(out), "payg_cap:80") {
		t.Fatalf("no CDR crossed 80%% of the cap: %s", out)
	}
	f.now = f.now.Add(3 * time.Hour) // the inbox is read later
	n := decodeBody[struct{ Notifications []NotificationJSON }](t, f.do("max", "GET", "/v1/notifications", nil))
	var cap80 *NotificationJSON
	for i, x := range n.Notifications {
		if x.ID == "2026-11/payg_cap/80" {
			cap80 = &n.Notifications[i]
		}
	}
	if cap80 == nil {
		t.Fatalf("no 80%% notification: %+v", n.Notifications)
	}
	if cap80.MonthOnly || !cap80.At.Equal(time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)) {
		t.Errorf("80%% notification dated %v (month only %v), want when the CDR was rated", cap80.At, cap80.MonthOnly)
	}
	if !strings.HasPrefix(cap80.Message, "Pay-as-you-go spend reached 80% of your cap: US$") || !strings.HasSuffix(cap80.Message, " of US$50.00 this month.") {
		t.Errorf("message %q", cap80.Message)
	}
	// Sending the batch again (a carrier's retry) stores nothing twice.
	if status, out, err = f.accounts.Call(ctx, "acme", "/cdrs", body); err != nil || status != 200 {
		t.Fatalf("cdrs again: %d %s %v", status, out, err)
	}
	again := decodeBody[struct{ Notifications []NotificationJSON }](t, f.do("max", "GET", "/v1/notifications", nil))
	if len(again.Notifications) != len(n.Notifications) {
		t.Errorf("a retried batch changed the inbox: %d → %d notifications", len(n.Notifications), len(again.Notifications))
	}
}

func TestNotificationsFromUsage(t *testing.T) {
	cat := account.DemoCatalog()
	a := testAccount(t, worker.Tenant{ID: "acme", Home: "GB"}, cat)
	if err := a.AddUsage(portalNow, 250, core.MustParseMoney("45")); err != nil {
		t.Fatal(err)
	}
	got := notices(a, portalNow)
	ids := []string{}
	for _, n := range got {
		ids = append(ids, n.ID)
	}
	if strings.Join(ids, ",") != "2026-11/payg_cap/80,2026-11/bundle/80" {
		t.Errorf("notices = %v", ids)
	}
	for _, n := range got {
		if !n.MonthOnly || !n.At.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("derived %s: at %v, month only %v: want the month's start, marked as such", n.ID, n.At, n.MonthOnly)
		}
	}
	if got[0].Message != "Pay-as-you-go spend reached 80% of your cap: US$45.00 of US$50.00 this month." {
		t.Errorf("message %q", got[0].Message)
	}
}

func TestDeckUpload(t *testing.T) {
	f := newPortalFixture(t)
	good := "prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency\n" +
		"61,Australia,AU,landline,0,0.11,60,60,,2026-01-01,,USD\n614,Australia Mobile,AU,mobile,0,0.30,60,60,,2026-01-01,,USD\n"
	bad := "prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency\n" +
		"61,Australia,AU,landline,0,0.11,60,60,,2026-01-01,,USD\n" +
		"6x4,Australia Mobile,AU,mobile,0,0.30,60,60,,2026-01-01,,USD\n" +
		"44,UK,GB,landline,0,-1,60,60,,2026-01-01,,USD\n"
	csv := func(who, body string, q string) *httptest.ResponseRecorder {
		return f.do(who, "POST", "/v1/admin/deck"+q, []byte(body), "Content-Type", "text/csv")
	}
	wantStatus(t, csv("max", good, ""), 403, core.Forbidden)
	wantStatus(t, csv("gil", good, ""), 403, core.Forbidden) // an admin, but not of the operator
	wantStatus(t, f.do("ann", "POST", "/v1/admin/deck", good), 400, core.Invalid)
	wantStatus(t, csv("ann", "", ""), 400, core.Invalid)
	wantStatus(t, csv("ann", good, "?version=a/b"), 400, core.Invalid)

	w := csv("ann", bad, "")
	wantStatus(t, w, 400, core.Invalid)
	eb := decodeBody[DeckErrorBody](t, w)
	if len(eb.Errors) != 2 || eb.Errors[0].Line != 3 || eb.Errors[1].Line != 4 {
		t.Errorf("deck errors = %+v", eb)
	}
	if cur, _ := f.blobs.Get(context.Background(), worker.KeyDeckCurrent); string(cur) != "v1" {
		t.Fatalf("a bad deck was published: %s", cur)
	}

	w = csv("ann", good, "?version=2026-12")
	wantStatus(t, w, 201, "")
	if p := decodeBody[DeckPublished](t, w); p.Version != "2026-12" || p.Rows != 2 || p.Previous != "v1" {
		t.Errorf("published = %+v", p)
	}
	// The switch is immediate in this isolate; the old version stays.
	d := f.do("", "GET", "/v1/deck", nil)
	if d.Header().Get("X-Deck-Version") != "2026-12" {
		t.Errorf("deck version = %q", d.Header().Get("X-Deck-Version"))
	}
	if o := f.do("", "GET", "/v1/deck?version=v1", nil); o.Code != 200 {
		t.Errorf("old version: %d", o.Code)
	}
	// Same version, same rates: fine; other rates: 409 (immutable).
	wantStatus(t, csv("ann", good, "?version=2026-12"), 201, "")
	wantStatus(t, csv("ann", strings.Replace(good, "0.11", "0.12", 1), "?version=2026-12"), 409, core.Conflict)
	// Unnamed: named by content.
	w = csv("ann", strings.Replace(good, "0.11", "0.12", 1), "")
	wantStatus(t, w, 201, "")
	if p := decodeBody[DeckPublished](t, w); !strings.HasPrefix(p.Version, "sha256-") {
		t.Errorf("version %q", p.Version)
	}
	rows := f.audit("acme")
	if len(rows) != 3 || rows[0].Action != "deck.publish" {
		t.Errorf("audit = %+v", rows)
	}
}

// FuzzPortalBodies: the portal's request bodies decode or fail with
// Invalid, never panic, and what decodes round-trips.
func FuzzPortalBodies(f *testing.F) {
	for _, s := range []string{
		`{"cap":"10","thresholds":[80,100],"overspend":true}`,
		`{"users":[{"user":"a","packages":["pkg-global"]}]}`,
		`{"user":"bob","dry_run":true}`,
		`{"privileges":"international","plan":false,"role":"admin"}`,
		`{"email":"a@b","password":"x"}`,
		`{"cap":null}`, `[]`, `{"users":[{}]}`, `{"thresholds":[1e99]}`,
	} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return new(SettingsPatch) },
		func() any { return new(PackageChangeRequest) },
		func() any { return new(NumberActionRequest) },
		func() any { return new(UserPatch) },
		func() any { return new(SignInRequest) },
		func() any { return new(UserPackagesRequest) },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, newT := range targets {
			v := newT()
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			err := decode(webReq(r), limitPortal, v)
			if err != nil {
				if c := core.ErrorCode(err); c != core.Invalid {
					t.Fatalf("%T: code %s: %v", v, c, err)
				}
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			w := newT()
			if err := decode(webReq(httptest.NewRequest("POST", "/", bytes.NewReader(b))), limitPortal, w); err != nil {
				t.Fatalf("%T: re-decoding %s: %v", v, b, err)
			}
			b2, _ := json.Marshal(w)
			if !bytes.Equal(b, b2) {
				t.Fatalf("%T: round trip %s != %s", v, b, b2)
			}
		}
	})
}

// TestLedgerFailureChangesNothing: when the ledger refuses a write's
// record, the account object drops the change: nothing is persisted or
// republished, and a retry applies it once.
func TestLedgerFailureChangesNothing(t *testing.T) {
	f := newPortalFixture(t)
	f.signIn("ann")
	_, kv0 := f.state("acme")
	change := PackageChangeRequest{Users: []UserPackages{{User: "ann", Packages: []string{"pkg-asia"}}}}
	f.portal.FailCommits = true
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", change, "Idempotency-Key", "x1"), 500, core.Internal)
	f.portal.FailCommits = false
	if _, kv := f.state("acme"); !bytes.Equal(kv, kv0) {
		t.Error("the replica changed")
	}
	if u, _ := f.acct("acme").User("ann"); len(u.Packages) != 0 {
		t.Fatalf("the object kept a change the ledger refused: %+v", u)
	}
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", change, "Idempotency-Key", "x1"), 200, "")
	wantStatus(t, f.do("ann", "POST", "/v1/packages/apply", change, "Idempotency-Key", "x1"), 200, "")
	if cs, _ := f.portal.BillingChanges(context.Background(), "acme", time.Time{}, f.now.Add(time.Hour)); len(cs) != 1 {
		t.Errorf("billing changes = %d, want 1", len(cs))
	}
	if u, _ := f.acct("acme").User("ann"); len(u.Packages) != 1 {
		t.Errorf("ann = %+v", u)
	}
}

// TestConcurrentIdempotentApply: many concurrent requests with one key
// apply the change once and all get the same answer.
func TestConcurrentIdempotentApply(t *testing.T) {
	f := newPortalFixture(t)
	f.signIn("ann")
	change := PackageChangeRequest{Users: []UserPackages{{User: "max", Packages: []string{"pkg-latam"}}}}
	const n = 8
	bodies := make(chan string, n)
	for range n {
		go func() {
			w := f.do("ann", "POST", "/v1/packages/apply", change, "Idempotency-Key", "same")
			bodies <- strconv.Itoa(w.Code) + " " + w.Body.String()
		}()
	}
	first := <-bodies
	for range n - 1 {
		if b := <-bodies; b != first {
			t.Errorf("answers differ:\n%s\n%s", first, b)
		}
	}
	if !strings.HasPrefix(first, "200 ") {
		t.Fatalf("answer %s", first)
	}
	if cs, _ := f.portal.BillingChanges(context.Background(), "acme", time.Time{}, f.now.Add(time.Hour)); len(cs) != 1 {
		t.Errorf("billing changes = %d, want 1", len(cs))
	}
}

func TestIssueInvoices(t *testing.T) {
	f := newPortalFixture(t)
	ctx := context.Background()
	change := PackageChangeRequest{Users: []UserPackages{{User: "cat", Packages: []string{"pkg-global"}}}}
	w := f.do("ann", "POST", "/v1/packages/apply", change, "Idempotency-Key", "i1")
	wantStatus(t, w, 200, "")
	q := decodeBody[PackageChangeResponse](t, w).Quote
	upNov := decodeBody[InvoiceResponse](t, f.do("max", "GET", "/v1/invoices/upcoming", nil)).Invoice

	// Mid-cycle, the cron issues nothing (November's invoice would bill the
	// whole month in advance on the 22nd).
	if n, err := f.srv.IssueInvoices(ctx); err != nil || n != 0 {
		t.Fatalf("IssueInvoices on the 22nd = %d, %v", n, err)
	}
	f.now = time.Date(2026, 12, 1, 0, 5, 0, 0, time.UTC)
	f.cookies = map[string]*http.Cookie{} // the sessions expired
	// Through the cron handler, after the worker's own cron.
	next := web.HandlerFunc(func(w web.ResponseWriter, r *web.Request) { w.Write([]byte("expired 0 reservations\n")) })
	rec := httptest.NewRecorder()
	web.ToHTTP(&InvoiceCron{Next: next, API: f.srv}).ServeHTTP(rec, httptest.NewRequest("POST", "/cron", nil))
	if rec.Code != 200 || rec.Body.String() != "expired 0 reservations\nissued 2 invoices\n" {
		t.Fatalf("cron: %d %q", rec.Code, rec.Body)
	}
	if n, err := f.srv.IssueInvoices(ctx); err != nil || n != 0 {
		t.Errorf("IssueInvoices again = %d, %v", n, err)
	}
	w = f.do("max", "GET", "/v1/invoices/2026-12-01", nil)
	wantStatus(t, w, 200, "")
	inv := decodeBody[InvoiceResponse](t, w)
	if inv.Status != "issued" || !inv.Invoice.Total.Equal(upNov.Total) {
		t.Errorf("issued %s, previewed %s", inv.Invoice.Total, upNov.Total)
	}
	var net decimal.Decimal
	for _, l := range inv.Invoice.Lines {
		if l.Kind == billing.KindProrationCredit || l.Kind == billing.KindProrationCharge {
			net = net.Add(l.Amount)
		}
	}
	if !net.Equal(q.Net) {
		t.Errorf("prorated lines %s, quoted %s", net, q.Net)
	}
	list := decodeBody[struct{ Invoices []InvoiceSummaryJSON }](t, f.do("max", "GET", "/v1/invoices", nil))
	if len(list.Invoices) != 2 || list.Invoices[0].ID != "upcoming" || list.Invoices[1].ID != "2026-12-01" || list.Invoices[1].Issued == nil {
		t.Errorf("invoices = %+v", list)
	}
	// The next upcoming invoice has no prorated lines: December has no changes.
	up := decodeBody[InvoiceResponse](t, f.do("max", "GET", "/v1/invoices/upcoming", nil)).Invoice
	for _, l := range up.Lines {
		if l.Kind == billing.KindProrationCharge {
			t.Errorf("January shows November's change again: %+v", l)
		}
	}
	wantStatus(t, f.do("gil", "GET", "/v1/invoices/2026-12-01", nil), 200, "") // globex's own
	if g := decodeBody[InvoiceResponse](t, f.do("gil", "GET", "/v1/invoices/2026-12-01", nil)); g.Invoice.Total.Equal(inv.Invoice.Total) {
		t.Error("globex sees acme's invoice")
	}
}

// TestLateCDRIsInvoicedOnce: a November call whose CDR comes after
// November's spend was invoiced (on 1 December) is billed on the next
// invoice, once.
func TestLateCDRIsInvoicedOnce(t *testing.T) {
	f := newPortalFixtureOnGlobalDeck(t)
	ctx := context.Background()
	rate := func(id string, start time.Time, secs int) string {
		t.Helper()
		body, _ := json.Marshal(objectCDRBatch{CDRBatch: CDRBatch{CDRs: []CDRJSON{{CallID: id, User: "cat", Dialled: "+81312345678",
			Direction: "outbound", Start: start.Format(time.RFC3339), Seconds: &secs}}}})
		status, out, err := f.accounts.Call(ctx, "acme", "/cdrs", body)
		var res CDRBatchResponse
		if err != nil || status != 200 || json.Unmarshal(out, &res) != nil || len(res.Results) != 1 || res.Results[0].Error != nil {
			t.Fatalf("cdr %s: %d %s %v", id, status, out, err)
		}
		return res.Results[0].Cost
	}
	overage := func(id string) map[string]string {
		t.Helper()
		f.cookies = map[string]*http.Cookie{} // sign in afresh at f.now
		w := f.do("max", "GET", "/v1/invoices/"+id, nil)
		wantStatus(t, w, 200, "")
		lines := map[string]string{}
		for _, l := range decodeBody[InvoiceResponse](t, w).Invoice.Lines {
			if l.Kind == billing.KindOverage {
				lines[l.Description] = l.Amount.StringFixed(2)
			}
		}
		return lines
	}
	issue := func(at time.Time) {
		t.Helper()
		f.now = at
		f.cookies = map[string]*http.Cookie{}
		if n, err := f.srv.IssueInvoices(ctx); err != nil || n != 2 {
			t.Fatalf("IssueInvoices at %v = %d, %v", at, n, err)
		}
	}

	f.now = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	rate("nov-1", f.now.Add(-time.Hour), 600)
	issue(time.Date(2026, 12, 1, 0, 5, 0, 0, time.UTC))
	dec := overage("2026-12-01")
	if len(dec) != 1 || dec["Pay-as-you-go calls, November 2026"] == "" {
		t.Fatalf("December invoice overage %v", dec)
	}

	f.now = time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	rate("dec-1", f.now.Add(-time.Hour), 60)                                            // December's own
	lateCost := rate("nov-late", time.Date(2026, 11, 30, 23, 50, 0, 0, time.UTC), 1800) // late: November was invoiced
	want := decimal.RequireFromString(lateCost).StringFixed(2)
	if up := overage("upcoming"); up["Pay-as-you-go calls of November 2026 rated after its invoice"] != want {
		t.Errorf("upcoming invoice overage %v, want the late November call (%s)", up, want)
	}

	issue(time.Date(2027, 1, 1, 0, 5, 0, 0, time.UTC))
	jan := overage("2027-01-01")
	if jan["Pay-as-you-go calls of November 2026 rated after its invoice"] != want || len(jan) != 2 {
		t.Errorf("January invoice overage %v, want December's calls and the late November one (%s)", jan, want)
	}
	if jan["Pay-as-you-go calls, December 2026"] == "" {
		t.Errorf("January invoice overage %v: no line for December's own calls", jan)
	}
	issue(time.Date(2027, 2, 1, 0, 5, 0, 0, time.UTC))
	if feb := overage("2027-02-01"); len(feb) != 0 {
		t.Errorf("February invoice overage %v, want none (billed already)", feb)
	}
}

// TestPortalMsgpack: portal bodies and answers in MessagePack, relayed
// writes included.
func TestPortalMsgpack(t *testing.T) {
	f := newPortalFixture(t)
	f.signIn("ann")
	body := msgp.AppendMapHeader(nil, 1)
	body = msgp.AppendString(body, "cap")
	body = msgp.AppendString(body, "60")
	w := f.do("ann", "PATCH", "/v1/account/settings", body, "Content-Type", mediaMsgpack, "Accept", mediaMsgpack)
	wantStatus(t, w, 200, "")
	if ct := w.Header().Get("Content-Type"); ct != mediaMsgpack {
		t.Fatalf("content type %q", ct)
	}
	j, err := msgpackToJSON(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var st SettingsJSON
	if err := json.Unmarshal(j, &st); err != nil || st.Cap != "60.00" {
		t.Errorf("settings = %+v, %v", st, err)
	}
	w = f.do("ann", "GET", "/v1/account", nil, "Accept", mediaMsgpack)
	if w.Code != 200 || w.Header().Get("Content-Type") != mediaMsgpack {
		t.Errorf("GET account as msgpack: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
}

// TestRecommendation: calls to more than three international regions last
// cycle recommend Global (global deck, real prices).
func TestRecommendation(t *testing.T) {
	f := newPortalFixtureOnGlobalDeck(t)
	ctx := context.Background()
	oct := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	var recs []worker.CDRRecord
	for i, n := range []string{"+81312345678", "+551123456789", "+27211234567", "+61212345678", "+33123456789", "+442079460999"} {
		for j := range 20 {
			recs = append(recs, worker.CDRRecord{Tenant: "acme", CallID: "r" + strconv.Itoa(i) + "-" + strconv.Itoa(j), User: "cat",
				Dialled: n, Direction: "outbound", Start: oct.Add(time.Duration(i*24+j) * time.Hour), Seconds: 1800})
		}
	}
	if err := f.ledger.RecordCDRs(ctx, recs); err != nil {
		t.Fatal(err)
	}
	pk := decodeBody[PackagesResponse](t, f.do("max", "GET", "/v1/packages", nil))
	r := pk.Recommendation
	if r == nil || !r.ManyRegions || r.Recommended != billing.OptionGlobal || len(r.RegionsUsed) != 5 || r.Summary == "" {
		t.Fatalf("recommendation = %+v", r)
	}
	if !pk.UsagePeriod.Start.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("usage period %v", pk.UsagePeriod)
	}
	if !pk.UsageThrough.Equal(pk.UsagePeriod.End) || !pk.UsageThrough.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) || !strings.HasPrefix(r.Summary, "Last cycle you called 5") {
		t.Errorf("a closed cycle: through %v (period ends %v), summary %q", pk.UsageThrough, pk.UsagePeriod.End, r.Summary)
	}
	cur, _ := r.Option(billing.OptionCurrent)
	if !cur.PackageCost.Equal(decimal.NewFromInt(15)) {
		t.Errorf("current packages cost %s, want 15 (cat's UK & Europe)", cur.PackageCost)
	}

	// A month later the last cycle (November) had no calls: the
	// recommendation is this cycle's so far, and says so.
	f.now = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	delete(f.cookies, "max") // the session has ended since
	dec := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	if err := f.ledger.RecordCDRs(ctx, []worker.CDRRecord{{Tenant: "acme", CallID: "dec-1", User: "cat",
		Dialled: "+81312345678", Direction: "outbound", Start: dec, Seconds: 600}}); err != nil {
		t.Fatal(err)
	}
	w := f.do("max", "GET", "/v1/packages", nil)
	wantStatus(t, w, 200, "")
	pk = decodeBody[PackagesResponse](t, w)
	if r = pk.Recommendation; r == nil {
		t.Fatalf("no recommendation in December: %s", w.Body)
	}
	if !pk.UsageThrough.Before(pk.UsagePeriod.End) || !pk.UsageThrough.Equal(f.now) || !pk.UsagePeriod.Start.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("this cycle so far: through %v, period %v", pk.UsageThrough, pk.UsagePeriod)
	}
	if !strings.HasPrefix(r.Summary, "So far this cycle you called 1 international region (Asia") {
		t.Errorf("summary %q", r.Summary)
	}
}

// TestRecommendationPricesPackagesForTheirUsers: a regional package is
// priced for the users who call its region, Global for everyone who calls
// abroad, and calls no package covers (premium numbers) weigh on no option.
func TestRecommendationPricesPackagesForTheirUsers(t *testing.T) {
	snap, err := os.ReadFile("../../core/deck/global/global.snapshot")
	if err != nil {
		t.Skip("no global deck snapshot:", err)
	}
	ix, err := deck.DecodeSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	a, err := account.New("t", account.DemoCatalog(), account.Settings{Home: "US", RateCard: true})
	if err != nil {
		t.Fatal(err)
	}
	oct := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	var calls []worker.CDRRecord
	call := func(user, number string, secs int) {
		calls = append(calls, worker.CDRRecord{CallID: "c" + strconv.Itoa(len(calls)), User: user, Dialled: number,
			Direction: "outbound", Start: oct.Add(time.Duration(len(calls)) * time.Hour), Seconds: secs})
	}
	for i := 1; i <= 5; i++ {
		if err := a.AddUser(account.User{ID: "u" + strconv.Itoa(i), Privileges: account.International | account.Premium, Plan: true}); err != nil {
			t.Fatal(err)
		}
	}
	call("u1", "+61299999999", 200*60)  // 200 minutes to Australia: US$26 at US$0.13
	call("u1", "+449090000000", 100*60) // a UK premium number: the rate card under every option
	for i := 2; i <= 5; i++ {
		call("u"+strconv.Itoa(i), "+442079460000", 60) // a minute each to London
	}
	r, err := recommend(a, ix, calls, false)
	if err != nil {
		t.Fatal(err)
	}
	regional, _ := r.Option(billing.OptionRegional)
	if !slices.Equal(regional.Packages, []region.ID{region.AustraliaNZ}) || !regional.PackageCost.Equal(decimal.NewFromInt(15)) {
		t.Errorf("regional option %+v, want Australia & New Zealand for u1 alone (US$15)", regional)
	}
	global, _ := r.Option(billing.OptionGlobal)
	if !global.PackageCost.Equal(decimal.NewFromInt(5 * 45)) {
		t.Errorf("Global for the 5 users who call abroad costs %s, want 225", global.PackageCost)
	}
	if len(r.RegionsUsed) != 2 {
		t.Errorf("regions used %v", r.RegionsUsed)
	}
}

func TestDeckVersionsAndActivate(t *testing.T) {
	f := newPortalFixture(t)
	deckCSV := func(rate string) []byte {
		return []byte("prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency\n" +
			"61,Australia,AU,landline,0," + rate + ",60,60,,2026-01-01,,USD\n")
	}
	upload := func(version, rate string) {
		t.Helper()
		wantStatus(t, f.do("ann", "POST", "/v1/admin/deck?version="+version, deckCSV(rate), "Content-Type", "text/csv"), 201, "")
	}
	list := func() DeckVersionsResponse {
		t.Helper()
		w := f.do("ann", "GET", "/v1/admin/decks", nil)
		wantStatus(t, w, 200, "")
		return decodeBody[DeckVersionsResponse](t, w)
	}
	// Before any upload through the API: the seeded current version is listed.
	l := list()
	if l.Current != "v1" || len(l.Versions) != 1 || !l.Versions[0].Current || l.Versions[0].UploadedAt != nil || l.Versions[0].Rows == 0 {
		t.Fatalf("before uploads: %+v", l)
	}
	v1 := "v1:" + strconv.Itoa(l.Versions[0].Rows) + ":false:"
	upload("2026-12", "0.11")
	upload("2027-01", "0.09")
	l = list()
	got := []string{}
	for _, v := range l.Versions {
		got = append(got, v.Version+":"+strconv.Itoa(v.Rows)+":"+strconv.FormatBool(v.Current)+":"+v.UploadedBy)
	}
	// v1 was current before the history was kept: the first upload records it.
	if want := "2027-01:1:true:ann@acme.example 2026-12:1:false:ann@acme.example " + v1; l.Current != "2027-01" || strings.Join(got, " ") != want {
		t.Errorf("versions = %v (current %q), want %s", got, l.Current, want)
	}

	// Roll back: the older version is current at once, /v1/deck serves it.
	activate := func(who, body string) *httptest.ResponseRecorder {
		return f.do(who, "POST", "/v1/admin/deck/current", []byte(body), "Content-Type", "application/json")
	}
	w := activate("ann", `{"version":"2026-12"}`)
	wantStatus(t, w, 200, "")
	if p := decodeBody[DeckPublished](t, w); p.Version != "2026-12" || p.Previous != "2027-01" || p.Rows != 1 {
		t.Errorf("activate = %+v", p)
	}
	if v := f.do("", "GET", "/v1/deck", nil).Header().Get("X-Deck-Version"); v != "2026-12" {
		t.Errorf("current deck after roll-back = %q", v)
	}
	if rows := f.audit("acme"); len(rows) == 0 || rows[0].Action != "deck.activate" {
		t.Errorf("audit = %+v", rows)
	}
	// Activating the current version again changes nothing and is fine.
	wantStatus(t, activate("ann", `{"version":"2026-12"}`), 200, "")

	// Refusals, and nothing moved.
	wantStatus(t, activate("max", `{"version":"2027-01"}`), 403, core.Forbidden)
	wantStatus(t, activate("gil", `{"version":"2027-01"}`), 403, core.Forbidden)
	wantStatus(t, activate("", `{"version":"2027-01"}`), 401, core.Unauthorized)
	wantStatus(t, f.do("max", "GET", "/v1/admin/decks", nil), 403, core.Forbidden)
	wantStatus(t, activate("ann", `{"version":"nope"}`), 404, core.NotFound)
	wantStatus(t, activate("ann", `{}`), 400, core.Invalid)
	wantStatus(t, activate("ann", `{"version":"a/b"}`), 400, core.Invalid)
	wantStatus(t, activate("ann", `{"version":7}`), 400, core.Invalid)
	wantStatus(t, activate("ann", `{"version":`), 400, core.Invalid)
	if cur, _ := f.blobs.Get(context.Background(), worker.KeyDeckCurrent); string(cur) != "2026-12" {
		t.Errorf("a refused activation moved the deck to %s", cur)
	}
}
