package httpapi

import (
	"context"
	"encoding/json"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker"
)

// How the account object stores rated calls. The account (a Ledger:
// settings, counters, calls in progress, leases) is one value under
// storageKey, of a size independent of the calls rated; each rated call is
// a record of its own under ratedPrefix + call id (account.RatedCall), kept
// for idempotency. A request reads the records of the call ids it may
// reserve or rate (a CDR batch's, an authorization's) in one storage read,
// and writes the account with the records of the calls it rated in one
// atomic write. The cron's expiry deletes the records the account no
// longer Remembers, a page at a time, once per month the account moves to.

const (
	// ratedPrefix starts the key of a rated call's record.
	ratedPrefix = "rated/"
	// sweepKey holds the progress of deleting old records (sweepState).
	sweepKey = "rated-sweep"
	// sweepPage is how many records one expiry looks at.
	sweepPage = 500
)

func ratedKey(callID string) string { return ratedPrefix + callID }

// objCalls is account.RatedCalls for an account object: the records the
// current request read from storage, and those it rated, to be written
// with the account. It holds nothing between requests.
type objCalls struct {
	read    map[string]*account.RatedCall // nil: read, no record
	pending []account.RatedCall
}

// Rated implements account.RatedCalls. A call id the request did not read
// is an internal error: never guess that a call was not rated.
func (c *objCalls) Rated(id string) (account.RatedCall, bool, error) {
	rc, ok := c.read[id]
	if !ok {
		return account.RatedCall{}, false, core.Errorf(core.Internal, "the record of call %q was not read", id)
	}
	if rc == nil {
		return account.RatedCall{}, false, nil
	}
	return *rc, true, nil
}

// Remember implements account.RatedCalls.
func (c *objCalls) Remember(rc account.RatedCall) {
	c.read[rc.CallID()] = &rc
	c.pending = append(c.pending, rc)
}

// reset forgets everything: the records belong to one request.
func (c *objCalls) reset() {
	clear(c.read)
	c.pending = c.pending[:0]
}

// fetch reads the records of the call ids in one storage read.
func (c *objCalls) fetch(ctx context.Context, store worker.Storage, ids []string) error {
	var keys []string
	for _, id := range ids {
		if _, ok := c.read[id]; !ok && id != "" {
			keys = append(keys, ratedKey(id))
			c.read[id] = nil
		}
	}
	if len(keys) == 0 {
		return nil
	}
	got, err := store.GetMany(ctx, keys)
	if err != nil {
		return core.Errorf(core.Internal, "reading rated calls: %v", err)
	}
	for k, b := range got {
		rc, err := account.DecodeRatedCall(b)
		if err != nil {
			return core.Errorf(core.Internal, "stored record %q: %v", k, err)
		}
		if id := k[len(ratedPrefix):]; rc.CallID() == id {
			c.read[id] = &rc
		} else {
			return core.Errorf(core.Internal, "stored record %q is of call %q", k, rc.CallID())
		}
	}
	return nil
}

// entries returns the pending records as storage entries.
func (c *objCalls) entries() ([]worker.Entry, error) {
	out := make([]worker.Entry, 0, len(c.pending))
	for _, rc := range c.pending {
		b, err := rc.Encode()
		if err != nil {
			return nil, err
		}
		out = append(out, worker.Entry{Key: ratedKey(rc.CallID()), Value: b})
	}
	return out, nil
}

// sweepState is the progress of deleting the records an account no longer
// remembers: done for Month, or under way after the key After.
type sweepState struct {
	Month string `json:"month"`
	After string `json:"after,omitempty"`
	Done  bool   `json:"done,omitempty"`
}

// sweep deletes, a page at a time, the records of calls the account no
// longer Remembers, once for each month the account moves to. It returns
// the number of records deleted. A record that does not decode is left
// alone (its CDR fails rather than be charged twice).
func (o *Object) sweep(ctx context.Context, store worker.Storage, a *account.Account) (int, error) {
	month := a.Month().Format("2006-01")
	var st sweepState
	switch b, err := store.Get(ctx, sweepKey); {
	case core.ErrorCode(err) == core.NotFound:
	case err != nil:
		return 0, err
	default:
		if json.Unmarshal(b, &st) != nil {
			st = sweepState{}
		}
	}
	if st.Month == month && st.Done {
		return 0, nil
	}
	if st.Month != month {
		st = sweepState{Month: month}
	}
	page, err := store.List(ctx, ratedPrefix, st.After, sweepPage)
	if err != nil {
		return 0, err
	}
	var del []string
	for _, e := range page {
		if rc, err := account.DecodeRatedCall(e.Value); err == nil && !a.Remembers(rc) {
			del = append(del, e.Key)
		}
	}
	if len(page) > 0 {
		st.After = page[len(page)-1].Key
	}
	if len(page) < sweepPage {
		st.After, st.Done = "", true
	}
	b, _ := json.Marshal(st)
	return len(del), store.Write(ctx, []worker.Entry{{Key: sweepKey, Value: b}}, del)
}
