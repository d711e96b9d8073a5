// Package storetest is the conformance suite of the worker's stores: every
// backend (memstore natively, cfstore on workerd) runs the same checks.
//
// The functions report through a T so that the suite also runs outside
// `go test` — inside the worker on workerd, driven by the integration tests.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker"
)

// T is the part of testing.T the suite uses.
type T interface {
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Recorder is a T that records failures instead of failing a Go test; the
// worker uses it to run the suite on workerd.
type Recorder struct{ Failures []string }

// Errorf implements T.
func (r *Recorder) Errorf(format string, args ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
}

// Fatalf implements T. It records the failure and stops the check by
// panicking with a value that Run recovers.
func (r *Recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(fatal{})
}

type fatal struct{}

// Run runs check with r, recovering from Fatalf.
func (r *Recorder) Run(check func(T)) {
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(fatal); !ok {
				panic(p)
			}
		}
	}()
	check(r)
}

// Blobs checks a worker.Blobs. unique makes keys unique to this run so that
// a persistent backend can run the suite repeatedly.
func Blobs(t T, b worker.Blobs, unique string) {
	ctx := context.Background()
	k := "storetest/" + unique + "/a"
	if _, err := b.Get(ctx, k); core.ErrorCode(err) != core.NotFound {
		t.Fatalf("Get(missing) error = %v, want code not_found", err)
	}
	for _, v := range [][]byte{[]byte("one"), {0, 1, 2, 0xff, 0}, bytes.Repeat([]byte{7}, 70000), {}} {
		if err := b.Put(ctx, k, v); err != nil {
			t.Fatalf("Put(%d bytes): %v", len(v), err)
		}
		got, err := b.Get(ctx, k)
		if err != nil || !bytes.Equal(got, v) {
			t.Fatalf("Get after Put(%d bytes) = %d bytes, %v", len(v), len(got), err)
		}
	}
	// The result must not alias the store.
	if err := b.Put(ctx, k, []byte("abc")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, _ := b.Get(ctx, k)
	if len(got) > 0 {
		got[0] = 'X'
	}
	if again, _ := b.Get(ctx, k); string(again) != "abc" {
		t.Errorf("Get result aliases stored value: %q", again)
	}
}

// Storage checks a worker.Storage (a Durable Object's storage): Blobs,
// then many keys at once, atomic writes with deletes, and listing by
// prefix in pages.
func Storage(t T, s worker.Storage, unique string) {
	Blobs(t, s, unique)
	ctx := context.Background()
	p := "storetest/" + unique + "/many/"
	var put []worker.Entry
	var keys []string
	for i := range 300 { // more than one runtime call takes (128)
		k := fmt.Sprintf("%s%04d", p, i)
		keys = append(keys, k)
		put = append(put, worker.Entry{Key: k, Value: []byte(fmt.Sprintf("v%d", i))})
	}
	if err := s.Write(ctx, put, nil); err != nil {
		t.Fatalf("Write(%d entries): %v", len(put), err)
	}
	got, err := s.GetMany(ctx, append(slices.Clone(keys), p+"missing"))
	if err != nil || len(got) != len(keys) {
		t.Fatalf("GetMany = %d values, %v; want %d", len(got), err, len(keys))
	}
	for _, e := range put {
		if !bytes.Equal(got[e.Key], e.Value) {
			t.Fatalf("GetMany[%s] = %q, want %q", e.Key, got[e.Key], e.Value)
		}
	}
	if got, err := s.GetMany(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("GetMany(none) = %v, %v", got, err)
	}
	// Pages of a listing, in key order, within the prefix.
	if err := s.Put(ctx, "storetest/"+unique+"/many", []byte("outside")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	var listed []string
	for after := ""; ; {
		page, err := s.List(ctx, p, after, 128)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		for _, e := range page {
			listed = append(listed, e.Key)
			if i := len(listed) - 1; i >= len(put) || !bytes.Equal(e.Value, put[i].Value) {
				t.Fatalf("List value of %s = %q", e.Key, e.Value)
			}
		}
		if len(page) < 128 {
			break
		}
		after = page[len(page)-1].Key
	}
	if !slices.Equal(listed, keys) {
		t.Fatalf("List returned %d keys (first %v), want %d in order", len(listed), listed[:min(3, len(listed))], len(keys))
	}
	// A write with deletes: deleted keys are gone, a key both deleted and
	// put is put.
	if err := s.Write(ctx, []worker.Entry{{Key: keys[0], Value: []byte("new")}, {Key: p + "x", Value: []byte{}}}, keys[:200]); err != nil {
		t.Fatalf("Write with deletes: %v", err)
	}
	got, err = s.GetMany(ctx, append(slices.Clone(keys), p+"x"))
	if err != nil || len(got) != 102 || string(got[keys[0]]) != "new" || got[keys[1]] != nil || string(got[keys[299]]) != "v299" {
		t.Fatalf("after the write: %d values (%q, %q), %v", len(got), got[keys[0]], got[keys[1]], err)
	}
	if v, ok := got[p+"x"]; !ok || len(v) != 0 {
		t.Errorf("empty value stored as %v, %v", v, ok)
	}
	if page, err := s.List(ctx, p, "", 5); err != nil || len(page) != 5 || page[0].Key != keys[0] || page[1].Key != keys[200] {
		t.Errorf("List after the write: %v, %v", page, err)
	}
	if err := s.Write(ctx, nil, append(slices.Clone(keys), p+"x")); err != nil {
		t.Fatalf("Write(delete all): %v", err)
	}
	if page, err := s.List(ctx, p, "", 10); err != nil || len(page) != 0 {
		t.Errorf("List after deleting all: %v, %v", page, err)
	}
}

// Ledger checks a worker.Ledger.
func Ledger(t T, l worker.Ledger, unique string) {
	Tenants(t, l, unique)
	Keys(t, l, "st-"+unique, unique)
	CDRs(t, l, "st-"+unique)
	Webhooks(t, l, "st-"+unique)
}

// Webhooks checks a worker.Webhooks; tenant must exist.
func Webhooks(t T, s worker.Webhooks, tenant string) {
	ctx := context.Background()
	if w, err := s.Webhook(ctx, tenant); err != nil || w != (worker.Webhook{}) {
		t.Errorf("Webhook(new tenant) = %+v, %v; want none", w, err)
	}
	want := worker.Webhook{URL: "https://hooks.example/tollgate", Secret: "s3cret"}
	if err := s.SetWebhook(ctx, tenant, want); err != nil {
		t.Fatalf("SetWebhook: %v", err)
	}
	if w, err := s.Webhook(ctx, tenant); err != nil || w != want {
		t.Errorf("Webhook = %+v, %v; want %+v", w, err, want)
	}
	if err := s.SetWebhook(ctx, tenant, worker.Webhook{}); err != nil {
		t.Fatalf("SetWebhook(clear): %v", err)
	}
	if w, _ := s.Webhook(ctx, tenant); w != (worker.Webhook{}) {
		t.Errorf("Webhook after clear = %+v", w)
	}
	if _, err := s.Webhook(ctx, "no-such-"+tenant); core.ErrorCode(err) != core.NotFound {
		t.Errorf("Webhook(unknown tenant) error = %v, want not_found", err)
	}
	if err := s.SetWebhook(ctx, "no-such-"+tenant, want); core.ErrorCode(err) != core.NotFound {
		t.Errorf("SetWebhook(unknown tenant) error = %v, want not_found", err)
	}
}

// CDRs checks a worker.CDRs; tenant must exist and have no CDRs.
func CDRs(t T, s worker.CDRs, tenant string) {
	ctx := context.Background()
	start := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	rec := func(id string, secs int) worker.CDRRecord {
		return worker.CDRRecord{Tenant: tenant, CallID: id, User: "u1", Dialled: "+61412345678", Direction: "outbound",
			Start: start, Seconds: secs, ReceivedAt: start.Add(time.Hour),
			Charges: []worker.ChargeRecord{{CoveredBy: "payg", Quantity: secs, Amount: "0.38", Currency: "USD", Cycle: "2026-11"}}}
	}
	if n, err := s.CDRCount(ctx, tenant); err != nil || n != 0 {
		t.Fatalf("CDRCount(new tenant) = %d, %v", n, err)
	}
	if err := s.RecordCDRs(ctx, []worker.CDRRecord{rec("c1", 60), rec("c2", 30)}); err != nil {
		t.Fatalf("RecordCDRs: %v", err)
	}
	// Idempotent by call id: c1 again is ignored, c3 is new.
	if err := s.RecordCDRs(ctx, []worker.CDRRecord{rec("c1", 999), rec("c3", 5)}); err != nil {
		t.Fatalf("RecordCDRs(again): %v", err)
	}
	if n, err := s.CDRCount(ctx, tenant); err != nil || n != 3 {
		t.Errorf("CDRCount = %d, %v; want 3", n, err)
	}
	// All or nothing: a batch with an unknown tenant records nothing.
	bad := rec("c4", 1)
	bad.Tenant = "no-such-tenant-" + tenant
	if err := s.RecordCDRs(ctx, []worker.CDRRecord{rec("c5", 1), bad}); err == nil {
		t.Errorf("RecordCDRs with an unknown tenant succeeded")
	}
	if n, _ := s.CDRCount(ctx, tenant); n != 3 {
		t.Errorf("CDRCount after failed batch = %d, want 3 (all or nothing)", n)
	}
}

// Keys checks a worker.Keys; tenant must exist.
func Keys(t T, s worker.Keys, tenant, unique string) {
	ctx := context.Background()
	id := "st" + unique
	if _, err := s.Key(ctx, id); core.ErrorCode(err) != core.NotFound {
		t.Fatalf("Key(missing) error = %v, want not_found", err)
	}
	k := worker.APIKey{
		ID: id, Tenant: tenant, Hash: worker.HashToken("tg_" + id + "_secret"),
		Scopes:  []worker.Scope{worker.ScopeAuthorize, worker.ScopeRates},
		Created: time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC),
	}
	if err := s.CreateKey(ctx, k); err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if err := s.CreateKey(ctx, k); core.ErrorCode(err) != core.Conflict {
		t.Errorf("CreateKey(duplicate) error = %v, want conflict", err)
	}
	got, err := s.Key(ctx, id)
	if err != nil {
		t.Fatalf("Key: %v", err)
	}
	if got.ID != k.ID || got.Tenant != k.Tenant || got.Hash != k.Hash ||
		!slices.Equal(got.Scopes, k.Scopes) || !got.Created.Equal(k.Created) {
		t.Errorf("Key = %+v, want %+v", got, k)
	}
	if !worker.TokenMatches("tg_"+id+"_secret", got.Hash) || worker.TokenMatches("tg_"+id+"_other", got.Hash) {
		t.Errorf("stored hash does not identify the token")
	}
}

// Tenants checks a worker.Tenants.
func Tenants(t T, s worker.Tenants, unique string) {
	ctx := context.Background()
	id := "st-" + unique
	if _, err := s.Tenant(ctx, id); core.ErrorCode(err) != core.NotFound {
		t.Fatalf("Tenant(missing) error = %v, want not_found", err)
	}
	tn := worker.Tenant{ID: id, Name: "Storetest Ltd", Home: "GB", Currency: "USD"}
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	if err := s.CreateTenant(ctx, tn); core.ErrorCode(err) != core.Conflict {
		t.Errorf("CreateTenant(duplicate) error = %v, want conflict", err)
	}
	if got, err := s.Tenant(ctx, id); err != nil || got != tn {
		t.Errorf("Tenant = %+v, %v; want %+v", got, err, tn)
	}
	ids, err := s.TenantIDs(ctx)
	if err != nil || !slices.Contains(ids, id) || !slices.IsSorted(ids) {
		t.Errorf("TenantIDs = %v, %v; want sorted, containing %q", ids, err, id)
	}
}
