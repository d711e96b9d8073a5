package memstore_test

import (
	"context"
	"testing"

	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/memstore"
	"github.com/tollgate-voice/tollgate/worker/storetest"
)

func TestPortalConformance(t *testing.T) {
	l := memstore.NewLedger()
	p := memstore.NewPortal(l)
	// Twice on one store, as persistent backends run it (a new tenant each
	// run).
	for _, id := range []string{"acme", "acme2"} {
		if err := l.CreateTenant(context.Background(), worker.Tenant{ID: id, Name: "Acme", Home: "GB", Currency: "USD"}); err != nil {
			t.Fatal(err)
		}
		storetest.Portal(t, p, id, "mem-"+id)
	}
}
