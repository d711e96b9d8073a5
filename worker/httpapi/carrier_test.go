package httpapi

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/memstore"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// carrierFixture is the API and the account objects on in-memory stores:
// tenant acme (GB) has users alice (international, plan), bob (domestic,
// plan) and carol (international, UK/EU package), a 300-minute bundle,
// overspend and the rate card on and a US$50 cap.
type carrierFixture struct {
	*fixture
	ledger   *memstore.Ledger
	accounts *memstore.Accounts
	object   *Object
}

func newCarrierFixture(t testing.TB) *carrierFixture {
	t.Helper()
	f := newFixture(t)
	cf := &carrierFixture{fixture: f, accounts: memstore.NewAccounts()}
	// newFixture's ledger is private to its Server: rebuild with a shared one.
	cf.ledger = memstore.NewLedger()
	ctx := context.Background()
	for _, tn := range []worker.Tenant{{ID: "acme", Name: "Acme", Home: "GB", Currency: "USD"}, {ID: "globex", Name: "Globex", Home: "US", Currency: "USD"}} {
		if err := cf.ledger.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []struct {
		token, tenant string
		scopes        []worker.Scope
	}{
		{tokenAll, "acme", []worker.Scope{worker.ScopeAuthorize, worker.ScopeCDRs, worker.ScopeRates}},
		{tokenRates, "acme", []worker.Scope{worker.ScopeRates}},
		{tokenOther, "globex", []worker.Scope{worker.ScopeAuthorize}},
	} {
		if err := cf.ledger.CreateKey(ctx, worker.APIKey{ID: worker.TokenID(k.token), Tenant: k.tenant, Hash: worker.HashToken(k.token), Scopes: k.scopes}); err != nil {
			t.Fatal(err)
		}
	}
	cat := account.DemoCatalog()
	a, err := account.New("acme", cat, account.Settings{Home: "GB", Overspend: true, RateCard: true, Capped: true,
		Cap: core.MustParseMoney("50"), Thresholds: []int{80, 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []account.User{
		{ID: "alice", Privileges: account.International, Plan: true},
		{ID: "bob", Privileges: account.Domestic, Plan: true},
		{ID: "carol", Privileges: account.International, Plan: true, Packages: []string{"pkg-uk-eu"}},
		{ID: "dan", Privileges: account.International, Plan: true}, // no line
	} {
		if err := a.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	for i, u := range []string{"alice", "bob", "carol"} { // a user calls from a line
		number := "+44207946000" + strconv.Itoa(i+1)
		if _, err := a.AddLine(number, "line-local", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false); err != nil {
			t.Fatal(err)
		}
		if err := a.AssignLine(number, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.SetQuantity("bundle-300", 1); err != nil {
		t.Fatal(err)
	}
	snap, err := a.EncodeSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	f.blobs.Put(ctx, worker.AccountKey("acme"), snap)
	now := func() time.Time { return f.now }
	decks := NewDecks(f.blobs, now)
	cf.object = NewObject(ObjectConfig{Blobs: f.blobs, CDRs: cf.ledger, Decks: decks, Catalog: cat, Now: now, Storage: cf.accounts.StorageOf})
	cf.accounts.Handler = cf.object
	f.srv = New(Config{Blobs: f.blobs, Keys: cf.ledger, Tenants: cf.ledger, Now: now, Decks: decks, Accounts: cf.accounts, Catalog: cat})
	return cf
}

func (cf *carrierFixture) post(t *testing.T, path, token string, v any) (int, []byte) {
	t.Helper()
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	w := cf.do("POST", path, token, b, "Content-Type", "application/json")
	return w.Code, w.Body.Bytes()
}

func (cf *carrierFixture) authorize(t *testing.T, q AuthorizeRequest) AuthorizeResponse {
	t.Helper()
	code, body := cf.post(t, "/v1/authorize", tokenAll, q)
	if code != 200 {
		t.Fatalf("authorize %+v: %d %s", q, code, body)
	}
	var d AuthorizeResponse
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func (cf *carrierFixture) state(t *testing.T, tenant string) StateResponse {
	t.Helper()
	status, body, err := cf.accounts.Call(context.Background(), tenant, "/state", nil)
	if err != nil || status != 200 {
		t.Fatalf("state: %d %s %v", status, body, err)
	}
	var s StateResponse
	json.Unmarshal(body, &s)
	return s
}

func TestAuthorizeDecisions(t *testing.T) {
	cf := newCarrierFixture(t)
	start := testNow.Format(time.RFC3339)
	tests := []struct {
		name             string
		q                AuthorizeRequest
		allowed          bool
		reason, cover    string
		limited, reserve bool
	}{
		{"emergency", AuthorizeRequest{CallID: "c1", User: "bob", Dialled: "999"}, true, "emergency", "free", false, false},
		{"AU mobile PAYG", AuthorizeRequest{CallID: "c2", User: "alice", Dialled: "+61412345678", Start: start}, true, "payg", "payg", true, true},
		{"domestic bundle", AuthorizeRequest{CallID: "c3", User: "bob", Dialled: "020 7946 0000", Start: start}, true, "bundle", "bundle", true, true},
		{"package", AuthorizeRequest{CallID: "c4", User: "carol", Dialled: "+33123456789"}, true, "package", "package", false, false},
		{"privilege", AuthorizeRequest{CallID: "c5", User: "bob", Dialled: "+61412345678"}, false, "denied_privilege", "none", true, false},
		{"unknown user", AuthorizeRequest{CallID: "c6", User: "zed", Dialled: "+61412345678"}, false, "denied_unknown_user", "none", true, false},
		// "To place or receive calls, each user must have an active line."
		{"no line", AuthorizeRequest{CallID: "c11", User: "dan", Dialled: "+61412345678", Start: start}, false, "denied_no_line", "none", true, false},
		{"no line, emergency", AuthorizeRequest{CallID: "c12", User: "dan", Dialled: "999"}, true, "emergency", "free", false, false},
		{"garbage number", AuthorizeRequest{CallID: "c7", User: "alice", Dialled: "12"}, false, "denied_invalid_number", "none", true, false},
		{"inbound", AuthorizeRequest{CallID: "c8", User: "bob", Dialled: "+61412345678", Direction: "inbound"}, true, "inbound", "free", false, false},
		// Inbound calls operate as normal whatever the caller ID says.
		{"inbound withheld caller", AuthorizeRequest{CallID: "c9", User: "bob", Dialled: "anonymous", Direction: "inbound"}, true, "inbound", "free", false, false},
		{"inbound unparseable caller", AuthorizeRequest{CallID: "c10", User: "bob", Dialled: "12", Direction: "inbound"}, true, "inbound", "free", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := cf.authorize(t, tt.q)
			if d.Allowed != tt.allowed || d.Reason != tt.reason || d.Cover != tt.cover || (d.MaxSeconds != nil) != tt.limited {
				t.Errorf("decision %+v", d)
			}
			inProgress := false
			for _, id := range cf.state(t, "acme").InProgress {
				inProgress = inProgress || id == tt.q.CallID
			}
			if inProgress != tt.reserve {
				t.Errorf("reserved = %v, want %v", inProgress, tt.reserve)
			}
		})
	}
}

func TestAuthorizeThenCDRChargesTheQuote(t *testing.T) {
	cf := newCarrierFixture(t)
	start := testNow.Format(time.RFC3339)
	d := cf.authorize(t, AuthorizeRequest{CallID: "q1", User: "alice", Dialled: "+61412345678", Start: start})
	if d.Rate == nil || d.Rate.PerMinute != "0.38" {
		t.Fatalf("decision %+v", d)
	}
	secs := 125
	batch := CDRBatch{CDRs: []CDRJSON{{CallID: "q1", User: "alice", Dialled: "+61412345678", Start: start, Seconds: &secs}}}
	for i, wantDup := range []bool{false, true} {
		code, body := cf.post(t, "/v1/cdrs", tokenAll, batch)
		var out CDRBatchResponse
		if code != 200 || json.Unmarshal(body, &out) != nil || len(out.Results) != 1 {
			t.Fatalf("cdrs #%d: %d %s", i, code, body)
		}
		r := out.Results[0]
		if r.Error != nil || r.Cost != "1.14" || r.Cover != "payg" || r.Duplicate != wantDup {
			t.Errorf("cdrs #%d: %+v", i, r)
		}
	}
	if n, _ := cf.ledger.CDRCount(context.Background(), "acme"); n != 1 {
		t.Errorf("ledger has %d CDRs, want 1", n)
	}
	rec, ok := cf.ledger.CDR("acme", "q1")
	if !ok || len(rec.Charges) != 1 || rec.Charges[0].Amount != "1.14" || rec.Charges[0].Cycle != "2026-11" {
		t.Errorf("ledger record %+v", rec)
	}
	s := cf.state(t, "acme")
	if len(s.InProgress) != 0 || s.PAYG != "1.14" || s.HeldPAYG != "0" {
		t.Errorf("state after CDR %+v", s)
	}
}

// An inbound call's CDR is rated (free) even when its caller ID does not
// parse; an outbound one with such a number is refused with a reason.
func TestInboundCDRWithWithheldCaller(t *testing.T) {
	cf := newCarrierFixture(t)
	start := testNow.Format(time.RFC3339)
	secs := 300
	batch := CDRBatch{CDRs: []CDRJSON{
		{CallID: "in1", User: "bob", Dialled: "anonymous", Direction: "inbound", Start: start, Seconds: &secs},
		{CallID: "out1", User: "bob", Dialled: "anonymous", Start: start, Seconds: &secs},
	}}
	code, body := cf.post(t, "/v1/cdrs", tokenAll, batch)
	var out CDRBatchResponse
	if code != 200 || json.Unmarshal(body, &out) != nil || len(out.Results) != 2 {
		t.Fatalf("cdrs: %d %s", code, body)
	}
	if r := out.Results[0]; r.Error != nil || r.Cost != "0" {
		t.Errorf("inbound CDR: %+v", r)
	}
	if r := out.Results[1]; r.Error == nil || r.Error.Code != core.Invalid {
		t.Errorf("outbound CDR to %q: %+v, want an invalid-number error", "anonymous", r)
	}
	if n, _ := cf.ledger.CDRCount(context.Background(), "acme"); n != 1 {
		t.Errorf("ledger has %d CDRs, want 1", n)
	}
}

func TestCarrierAuthAndValidation(t *testing.T) {
	cf := newCarrierFixture(t)
	ok := AuthorizeRequest{CallID: "v1", User: "alice", Dialled: "+61412345678"}
	other := ok
	other.Tenant = "globex"
	tests := []struct {
		name, path, token string
		body              any
		status            int
		code              core.Code
	}{
		{"no key", "/v1/authorize", "", ok, 401, core.Unauthorized},
		{"wrong secret", "/v1/authorize", "tg_all_nope", ok, 401, core.Unauthorized},
		{"rates-only key", "/v1/authorize", tokenRates, ok, 403, core.Forbidden},
		{"rates-only key cdrs", "/v1/cdrs", tokenRates, CDRBatch{}, 403, core.Forbidden},
		{"other tenant", "/v1/authorize", tokenAll, other, 404, core.NotFound},
		{"globex has no account", "/v1/authorize", tokenOther, AuthorizeRequest{CallID: "g", User: "u", Dialled: "+14155550100"}, 404, core.NotFound},
		{"malformed", "/v1/authorize", tokenAll, []byte(`{"call_id":`), 400, core.Invalid},
		{"wrong type", "/v1/authorize", tokenAll, []byte(`{"call_id":1,"user":"alice","dialled":"999"}`), 400, core.Invalid},
		{"unknown field", "/v1/authorize", tokenAll, []byte(`{"call_id":"a","user":"alice","dialled":"999","x":1}`), 400, core.Invalid},
		{"bad direction", "/v1/authorize", tokenAll, AuthorizeRequest{CallID: "a", User: "alice", Dialled: "999", Direction: "up"}, 400, core.Invalid},
		{"bad start", "/v1/authorize", tokenAll, AuthorizeRequest{CallID: "a", User: "alice", Dialled: "999", Start: "noon"}, 400, core.Invalid},
		{"missing call id", "/v1/authorize", tokenAll, AuthorizeRequest{User: "alice", Dialled: "999"}, 400, core.Invalid},
		{"too large", "/v1/authorize", tokenAll, make([]byte, limitSmall+1), 413, core.Invalid},
		{"empty batch", "/v1/cdrs", tokenAll, CDRBatch{CDRs: []CDRJSON{}}, 400, core.Invalid},
		{"cdr without seconds", "/v1/cdrs", tokenAll, CDRBatch{CDRs: []CDRJSON{{CallID: "a", User: "alice", Dialled: "999", Start: "2026-11-22T10:00:00Z"}}}, 400, core.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := cf.post(t, tt.path, tt.token, tt.body)
			if code != tt.status {
				t.Fatalf("status %d, want %d: %s", code, tt.status, body)
			}
			var e ErrorBody
			if json.Unmarshal(body, &e) != nil || e.Error.Code != tt.code {
				t.Errorf("body %s, want code %s", body, tt.code)
			}
		})
	}
	// Nothing above changed the account.
	if s := cf.state(t, "acme"); len(s.InProgress) != 0 || s.PAYG != "0" {
		t.Errorf("state changed: %+v", s)
	}
	if n, _ := cf.ledger.CDRCount(context.Background(), "acme"); n != 0 {
		t.Errorf("ledger changed: %d CDRs", n)
	}
}

// TestObjectReloadsAfterActivation: state survives the object being evicted
// (a new activation reloads from storage), and a failed write is not kept.
func TestObjectReloadsAfterActivation(t *testing.T) {
	cf := newCarrierFixture(t)
	start := testNow.Format(time.RFC3339)
	cf.authorize(t, AuthorizeRequest{CallID: "r1", User: "bob", Dialled: "+442079460000", Start: start})
	cf.accounts.Activation = "2"
	if s := cf.state(t, "acme"); len(s.InProgress) != 1 || s.InProgress[0] != "r1" {
		t.Errorf("after reactivation: %+v", s)
	}
}

func TestCronExpiresReservations(t *testing.T) {
	cf := newCarrierFixture(t)
	cf.authorize(t, AuthorizeRequest{CallID: "x1", User: "bob", Dialled: "+442079460000", Start: testNow.Format(time.RFC3339)})
	cron := &Cron{Tenants: cf.ledger, Accounts: cf.accounts}
	run := func() int {
		r, _ := web.NewRequest(context.Background(), "POST", "https://cron.internal/cron", nil, nil)
		w := web.NewRecorder()
		cron.ServeWeb(w, r)
		return w.Status()
	}
	if code := run(); code != 200 || len(cf.state(t, "acme").InProgress) != 1 {
		t.Fatalf("cron before expiry: %d", code)
	}
	cf.now = cf.now.Add(48 * time.Hour)
	if code := run(); code != 200 || len(cf.state(t, "acme").InProgress) != 0 {
		t.Errorf("cron after expiry: %d %+v", code, cf.state(t, "acme"))
	}
}
