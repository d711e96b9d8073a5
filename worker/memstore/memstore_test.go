package memstore_test

import (
	"testing"

	"github.com/tollgate-voice/tollgate/worker/memstore"
	"github.com/tollgate-voice/tollgate/worker/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Blobs(t, memstore.NewBlobs(), "mem")
	storetest.Storage(t, memstore.NewBlobs(), "mem")
	storetest.Ledger(t, memstore.NewLedger(), "mem")
}
