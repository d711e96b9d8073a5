package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/memstore"
	"github.com/tollgate-voice/tollgate/worker/web"
)

type fakePoster struct {
	status int
	err    error
	got    []struct {
		url    string
		header map[string]string
		body   []byte
	}
}

func (p *fakePoster) Post(_ context.Context, url string, h map[string]string, body []byte) (int, error) {
	p.got = append(p.got, struct {
		url    string
		header map[string]string
		body   []byte
	}{url, h, body})
	return p.status, p.err
}

// TestThresholdEventsAreQueued: a CDR crossing 80 % of the cap queues one
// event with a stable ID; rating the same CDR again queues nothing.
func TestThresholdEventsAreQueued(t *testing.T) {
	cf := newCarrierFixture(t)
	q := &memstore.Queue{}
	cf.object.cfg.Events = q
	secs := 6400 // 107 started minutes at 0.38 = 40.66 of the 50 cap
	batch := CDRBatch{CDRs: []CDRJSON{{CallID: "long", User: "alice", Dialled: "+61412345678", Start: testNow.Format(time.RFC3339), Seconds: &secs}}}
	for i := 0; i < 2; i++ {
		if code, body := cf.post(t, "/v1/cdrs", tokenAll, batch); code != 200 {
			t.Fatalf("cdrs: %d %s", code, body)
		}
	}
	msgs := q.Take()
	if len(msgs) != 1 {
		t.Fatalf("%d events queued, want 1", len(msgs))
	}
	var ev Event
	if err := json.Unmarshal(msgs[0], &ev); err != nil {
		t.Fatal(err)
	}
	if ev.ID != "acme/2026-11/payg_cap/80" || ev.Tenant != "acme" || ev.Percent != 80 || ev.Meter != "payg_cap" {
		t.Errorf("event %+v", ev)
	}
}

func TestWebhookConsumer(t *testing.T) {
	ctx := context.Background()
	l := memstore.NewLedger()
	l.CreateTenant(ctx, worker.Tenant{ID: "acme", Home: "GB"})
	l.CreateTenant(ctx, worker.Tenant{ID: "quiet", Home: "GB"})
	l.SetWebhook(ctx, "acme", worker.Webhook{URL: "https://hooks.example/t", Secret: "k"})
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	ev, _ := json.Marshal(Event{ID: "acme/2026-11/bundle/80", Tenant: "acme", Kind: "threshold", Meter: "bundle", Percent: 80})
	quiet, _ := json.Marshal(Event{ID: "quiet/x", Tenant: "quiet"})
	unknown, _ := json.Marshal(Event{ID: "x", Tenant: "nobody"})
	tests := []struct {
		name   string
		body   []byte
		poster fakePoster
		want   int
		posts  int
	}{
		{"delivered", ev, fakePoster{status: 204}, 200, 1},
		{"receiver error: retry", ev, fakePoster{status: 500}, 502, 1},
		{"network error: retry", ev, fakePoster{err: errors.New("refused")}, 502, 1},
		{"no webhook: done", quiet, fakePoster{status: 200}, 200, 0},
		{"unknown tenant: retry", unknown, fakePoster{status: 200}, 502, 0},
		{"malformed: dropped", []byte("{"), fakePoster{status: 200}, 200, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.poster
			c := &WebhookConsumer{Webhooks: l, Poster: &p, Now: func() time.Time { return now }}
			w := httptest.NewRecorder()
			web.ToHTTP(c).ServeHTTP(w, httptest.NewRequest("POST", "/queue/tollgate-webhooks", bytes.NewReader(tt.body)))
			if w.Code != tt.want || len(p.got) != tt.posts {
				t.Fatalf("status %d posts %d; want %d, %d", w.Code, len(p.got), tt.want, tt.posts)
			}
			if tt.posts == 1 {
				g := p.got[0]
				if g.url != "https://hooks.example/t" || g.header["Tollgate-Event-Id"] != "acme/2026-11/bundle/80" {
					t.Errorf("post %+v", g)
				}
				if sig := g.header[worker.SignatureHeader]; sig != worker.Sign("k", now, g.body) || !strings.HasPrefix(sig, "t=1795") {
					t.Errorf("signature %q", sig)
				}
			}
		})
	}
}

var _ web.Handler = (*WebhookConsumer)(nil)
