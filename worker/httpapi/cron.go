package httpapi

import (
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// Cron is the handler of the worker's cron trigger (delivered by the glue as
// POST /cron?cron=...): it asks every tenant's account object to expire the
// reservations of calls that must have ended and the leases whose calls
// must have ended, and gives back the leases this isolate no longer uses.
// Failures of one tenant do not stop the others; the trigger fails (500) if
// any tenant failed.
type Cron struct {
	Tenants  worker.Tenants
	Accounts worker.Accounts
	// Leases, if set, is the isolate's API server: its expired and dropped
	// leases are returned with the expiry.
	Leases *Server
}

func (c *Cron) ServeWeb(w web.ResponseWriter, r *web.Request) {
	ids, err := c.Tenants.TenantIDs(r.Context())
	if err != nil {
		log.Printf("cron: listing tenants: %v", err)
		web.Error(w, "listing tenants failed", web.StatusInternalServerError)
		return
	}
	var failed []string
	expired := 0
	var returns map[string][]leaseReturnJSON
	if c.Leases != nil {
		returns = c.Leases.takeLeaseReturns()
	}
	for _, id := range ids {
		req := []byte("{}")
		if rets := returns[id]; len(rets) > 0 {
			req, _ = json.Marshal(leaseRequest{Returns: rets})
		}
		status, body, err := c.Accounts.Call(r.Context(), id, "/expire", req)
		if (err != nil || status != web.StatusOK) && len(returns[id]) > 0 {
			c.Leases.putBackLeaseReturns(id, returns[id])
		}
		switch {
		case err != nil:
			log.Printf("cron: expire %s: %v", id, err)
			failed = append(failed, id)
		case status == web.StatusNotFound:
			// a tenant without an account yet: nothing to expire
		case status != web.StatusOK:
			log.Printf("cron: expire %s: status %d: %s", id, status, body)
			failed = append(failed, id)
		default:
			var e ExpireResponse
			if json.Unmarshal(body, &e) == nil {
				expired += len(e.Expired)
			}
		}
	}
	if len(failed) > 0 {
		web.Error(w, "expiry failed for "+strings.Join(failed, ", "), web.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "expired %d reservations of %d tenants\n", expired, len(ids))
}
