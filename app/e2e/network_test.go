//go:build e2e

package e2e

import (
	"context"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// emulateByRule is Network.emulateNetworkConditionsByRule as the installed
// Chromium (148) takes it: its top-level "offline" parameter is required,
// and cdproto's params type, written for a newer protocol, has none (the
// browser answers "Invalid parameters").
var emulateByRule = cdp.Command[map[string]any, map[string]any]{Method: "Network.emulateNetworkConditionsByRule"}

// netRule is the network conditions of the requests matching URLPattern
// (a URLPattern string; "" for every request).
type netRule struct {
	URLPattern string
	Latency    float64 // ms before the answer's headers
	Upload     float64 // bytes per second; -1 or 0: not throttled
	Offline    bool
}

// emulateNetwork slows down or cuts the tab's requests by rules; no rules
// restore the normal network. offlineServiceWorker also cuts the page's
// service worker off.
func emulateNetwork(ctx context.Context, offline, offlineServiceWorker bool, rules ...netRule) error {
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return err
	}
	conds := []any{}
	for _, r := range rules {
		up := r.Upload
		if up <= 0 {
			up = -1
		}
		conds = append(conds, map[string]any{"urlPattern": r.URLPattern, "latency": r.Latency,
			"downloadThroughput": -1, "uploadThroughput": up, "offline": r.Offline})
	}
	_, err := chromedp.Call(ctx, emulateByRule, map[string]any{"offline": offline,
		"emulateOfflineServiceWorker": offlineServiceWorker, "matchedNetworkConditions": conds})
	return err
}
