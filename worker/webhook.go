package worker

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Webhook is a tenant's webhook endpoint (D1 columns tenants.webhook_url
// and tenants.webhook_secret).
type Webhook struct {
	URL    string // "" when the tenant has none
	Secret string // signs every delivery
}

// Webhooks stores tenants' webhook endpoints.
type Webhooks interface {
	// SetWebhook sets (or, with a zero Webhook, clears) the tenant's
	// endpoint; an unknown tenant is core.NotFound.
	SetWebhook(ctx context.Context, tenant string, w Webhook) error
	// Webhook returns the tenant's endpoint (zero if none); an unknown
	// tenant is core.NotFound.
	Webhook(ctx context.Context, tenant string) (Webhook, error)
}

// Queue is a message queue producer (a Cloudflare Queue binding).
type Queue interface {
	Send(ctx context.Context, body []byte) error
}

// Poster delivers an HTTP POST to the outside world and returns its status.
type Poster interface {
	Post(ctx context.Context, url string, header map[string]string, body []byte) (status int, err error)
}

// SignatureHeader carries a delivery's signature: "t=<unix seconds>,v1=<hex
// HMAC-SHA256 of "<t>." + body with the tenant's secret>". Receivers
// recompute it and reject old timestamps.
const SignatureHeader = "Tollgate-Signature"

// Sign returns the SignatureHeader value for body at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}
