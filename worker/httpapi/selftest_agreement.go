package httpapi

import (
	"bytes"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// AgreementResult is what this build of the core makes of one case of the
// shared agreement table (core/testdata/agreement.json): the decision of
// Authorize, the quote of the call's duration, the charge of its CDR after
// AuthorizeAndReserve, and the charge of the same CDR on a fresh account
// without a reservation. Money is a decimal string.
type AgreementResult struct {
	Name          string `json:"name"`
	Error         string `json:"error,omitempty"` // set when the case could not be run
	Allowed       bool   `json:"allowed"`
	Reason        string `json:"reason"`
	Cover         string `json:"cover"`
	Package       string `json:"package"`
	MaxSeconds    int    `json:"max_seconds"`
	QuoteCost     string `json:"quote_cost,omitempty"`
	QuoteMinutes  int    `json:"quote_bundle_minutes"`
	CDRCost       string `json:"cdr_cost,omitempty"` // reserved, then rated
	CDRMinutes    int    `json:"cdr_bundle_minutes"`
	CDRCover      string `json:"cdr_cover,omitempty"`
	FreshCost     string `json:"unreserved_cdr_cost,omitempty"` // rated without a reservation
	FreshMinutes  int    `json:"unreserved_cdr_bundle_minutes"`
	FreshApproved bool   `json:"unreserved_cdr_authorized"`
}

// AgreementResponse is the body of POST /__selftest/agreement.
type AgreementResponse struct {
	Cases []AgreementResult `json:"cases"`
}

// RunAgreement runs every case of t through account.Build, Authorize,
// Decision.Quote, AuthorizeAndReserve + RateCDR and RateCDR on a fresh
// account. Denied cases stop after the decision. It is how the worker shows,
// inside its own wasm on workerd, that it prices calls exactly as the core
// does natively.
func RunAgreement(t *account.AgreementTable) (AgreementResponse, error) {
	ix, err := t.Deck()
	if err != nil {
		return AgreementResponse{}, err
	}
	out := AgreementResponse{Cases: make([]AgreementResult, 0, len(t.Cases))}
	for _, c := range t.Cases {
		res := AgreementResult{Name: c.Name}
		fail := func(err error) { res.Error = err.Error(); out.Cases = append(out.Cases, res) }
		a, req, err := t.Build(c)
		if err != nil {
			fail(err)
			continue
		}
		d := a.Authorize(ix, req)
		res.Allowed, res.Reason, res.Cover, res.Package, res.MaxSeconds = d.Allowed, string(d.Reason), d.Cover.String(), d.Package, d.MaxSeconds
		if !d.Allowed {
			out.Cases = append(out.Cases, res)
			continue
		}
		q := d.Quote(c.Seconds)
		res.QuoteCost, res.QuoteMinutes = q.Cost.String(), q.BundleMinutes
		if _, err := a.AuthorizeAndReserve(ix, req); err != nil {
			fail(err)
			continue
		}
		cdr := account.CDR{CallID: req.CallID, User: req.User, Dialled: req.Dialled, Direction: req.Direction, Start: req.Start, Seconds: c.Seconds}
		r, err := a.RateCDR(ix, cdr)
		if err != nil {
			fail(err)
			continue
		}
		res.CDRCost, res.CDRMinutes, res.CDRCover = r.Cost.String(), r.BundleMinutes, r.Cover.String()
		b, _, err := t.Build(c)
		if err != nil {
			fail(err)
			continue
		}
		r2, err := b.RateCDR(ix, cdr)
		if err != nil {
			fail(err)
			continue
		}
		res.FreshCost, res.FreshMinutes, res.FreshApproved = r2.Cost.String(), r2.BundleMinutes, r2.Authorized
		out.Cases = append(out.Cases, res)
	}
	return out, nil
}

// AgreementSelfTest answers POST /__selftest/agreement: the body is an
// agreement table (JSON, at most 1 MiB), the answer RunAgreement's results.
// worker/cmd/edge mounts it only when the TOLLGATE_SELFTEST binding is set
// (the integration tests); it is not part of the public API.
func AgreementSelfTest(w web.ResponseWriter, r *web.Request) {
	body, err := readBody(r, limitBatch)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, err := account.ReadAgreement(bytes.NewReader(body))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if len(t.Cases) == 0 {
		writeError(w, r, core.FieldErrorf(core.Invalid, "cases", "the agreement table has no cases"))
		return
	}
	out, err := RunAgreement(t)
	if err != nil {
		writeError(w, r, err)
		return
	}
	respond(w, r, web.StatusOK, out)
}
