package httpapi

import (
	"bytes"
	"encoding/json"
	"log"
	"strconv"
	"time"

	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// Event is a notification for a tenant's webhook, queued by the account
// object when a CDR crosses a threshold and delivered by WebhookConsumer.
// Its ID is stable (tenant, month, meter, percent), so receivers can drop
// the duplicates at-least-once delivery may bring.
type Event struct {
	ID      string    `json:"id"`
	Tenant  string    `json:"tenant"`
	Kind    string    `json:"kind"`  // "threshold"
	Meter   string    `json:"meter"` // "bundle" or "payg_cap"
	Percent int       `json:"percent"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// thresholdEvent is the webhook event of the crossing n, whose inbox
// notification is note (thresholdNotification): the same ID, under the
// tenant's name.
func thresholdEvent(tenant string, note worker.Notification, n account.Notice) Event {
	what := "pay-as-you-go spend reached " + strconv.Itoa(n.Percent) + "% of the cap"
	if n.Meter == account.MeterBundle {
		what = "the pooled bundle is " + strconv.Itoa(n.Percent) + "% used"
	}
	return Event{ID: tenant + "/" + note.ID, Tenant: tenant,
		Kind: "threshold", Meter: string(n.Meter), Percent: n.Percent, Message: "Tollgate: " + what + " this month.", At: note.At.UTC()}
}

// WebhookConsumer delivers queued Events: one POST per event to the
// tenant's webhook URL, signed (worker.SignatureHeader). It answers 200 when
// the event is done with (delivered, or the tenant has no webhook) and 502
// when the delivery should be retried by the queue.
type WebhookConsumer struct {
	Webhooks worker.Webhooks
	Poster   worker.Poster
	Now      func() time.Time
}

func (c *WebhookConsumer) ServeWeb(w web.ResponseWriter, r *web.Request) {
	var ev Event
	body, err := readBody(r, limitSmall)
	if err == nil {
		err = json.NewDecoder(bytes.NewReader(body)).Decode(&ev)
	}
	if err != nil || ev.Tenant == "" {
		log.Printf("webhook: dropping malformed event: %v", err)
		w.WriteHeader(web.StatusOK) // retrying cannot fix it
		return
	}
	hook, err := c.Webhooks.Webhook(r.Context(), ev.Tenant)
	if err != nil {
		log.Printf("webhook %s: %v", ev.ID, err)
		w.WriteHeader(web.StatusBadGateway)
		return
	}
	if hook.URL == "" {
		w.WriteHeader(web.StatusOK)
		return
	}
	body, _ = json.Marshal(ev)
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	status, err := c.Poster.Post(r.Context(), hook.URL, map[string]string{
		"Content-Type":         "application/json",
		worker.SignatureHeader: worker.Sign(hook.Secret, now(), body),
		"Tollgate-Event-Id":    ev.ID,
	}, body)
	if err != nil || status < 200 || status > 299 {
		log.Printf("webhook %s to %s: status %d, %v", ev.ID, hook.URL, status, err)
		w.WriteHeader(web.StatusBadGateway)
		return
	}
	w.WriteHeader(web.StatusOK)
}
