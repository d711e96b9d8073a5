// Command loadgen is the bounded loopback load generator of `make bench`: it
// sends at most -n requests (and for at most -d) to one URL with -c workers
// and prints requests per second and latency percentiles as one JSON line.
// It refuses any host but a loopback address.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(s string) error { *h = append(*h, s); return nil }

// Result is what one run prints.
type Result struct {
	Name     string `json:"name"`
	C        int    `json:"c"`
	Requests int    `json:"requests"`
	Errors   int    `json:"errors"`
	FirstErr string `json:"first_error,omitempty"`
	// Counts of the values of the -count-header response header.
	HeaderCounts map[string]int `json:"header_counts,omitempty"`
	ReqPerSec    float64        `json:"req_per_sec"`
	P50ms        float64        `json:"p50_ms"`
	P99ms        float64        `json:"p99_ms"`
}

func main() {
	var (
		target   = flag.String("url", "", "URL to load (loopback only)")
		method   = flag.String("method", "GET", "HTTP method")
		body     = flag.String("body", "", "request body; {{n}} is replaced by a per-request counter, {{now}} by the time it is sent (RFC 3339, UTC)")
		name     = flag.String("name", "", "label printed with the result")
		c        = flag.Int("c", 1, "concurrency")
		n        = flag.Int("n", 2000, "maximum number of requests")
		d        = flag.Duration("d", 5*time.Second, "maximum duration")
		warmup   = flag.Int("warmup", 50, "requests sent before measuring")
		countHdr = flag.String("count-header", "", "count the values of this response header")
		thenURL  = flag.String("then-url", "", "a POST sent after each request (not timed), e.g. to settle it")
		thenBody = flag.String("then-body", "", "body of the -then-url request; {{n}} and {{now}} as in -body")
		headers  headerFlags
	)
	flag.Var(&headers, "H", "request header 'Name: value' (repeatable)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Hostname() == "" {
		fail("bad -url %q", *target)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		fail("-url must be a loopback address, got %q", u.Hostname())
	}
	if *c < 1 || *c > 64 || *n < 1 || *n > 100000 || *d > time.Minute {
		fail("bounds: 1 ≤ c ≤ 64, 1 ≤ n ≤ 100000, d ≤ 1m")
	}
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: *c, DisableCompression: true},
		Timeout:   10 * time.Second,
	}
	var counter atomic.Int64
	var hmu sync.Mutex
	hcounts := map[string]int{}
	var firstErr atomic.Value
	noteErr := func(s string) { firstErr.CompareAndSwap(nil, s) }
	do := func() (time.Duration, bool) {
		n := strconv.FormatInt(counter.Add(1), 10)
		now := time.Now().UTC().Format(time.RFC3339) // the same in -then-body
		send := func(method, target, body string) (*http.Response, error) {
			body = strings.ReplaceAll(strings.ReplaceAll(body, "{{n}}", n), "{{now}}", now)
			req, _ := http.NewRequest(method, target, strings.NewReader(body))
			for _, h := range headers {
				k, v, _ := strings.Cut(h, ":")
				req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
			}
			return client.Do(req)
		}
		start := time.Now()
		res, err := send(*method, *target, *body)
		took := time.Since(start)
		if err != nil {
			noteErr(err.Error())
			return took, false
		}
		rb, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if *countHdr != "" {
			hmu.Lock()
			hcounts[res.Header.Get(*countHdr)]++
			hmu.Unlock()
		}
		ok := res.StatusCode < 400
		if !ok {
			noteErr(res.Status + " " + string(rb))
		}
		if *thenURL != "" {
			then, err := send("POST", *thenURL, *thenBody)
			if err != nil {
				return took, false
			}
			io.Copy(io.Discard, then.Body)
			then.Body.Close()
			ok = ok && then.StatusCode < 400
		}
		return took, ok
	}
	for i := 0; i < *warmup; i++ {
		if _, ok := do(); !ok && i == *warmup-1 {
			fail("warm-up request failed")
		}
	}
	var (
		next     atomic.Int64
		errs     atomic.Int64
		mu       sync.Mutex
		lat      = make([]time.Duration, 0, *n)
		deadline = time.Now().Add(*d)
		wg       sync.WaitGroup
	)
	start := time.Now()
	for w := 0; w < *c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, *n / *c + 1)
			for next.Add(1) <= int64(*n) && time.Now().Before(deadline) {
				t, ok := do()
				if !ok {
					errs.Add(1)
				}
				local = append(local, t)
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p * float64(len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	r := Result{Name: *name, C: *c, Requests: len(lat), Errors: int(errs.Load()),
		ReqPerSec: float64(len(lat)) / elapsed.Seconds(), P50ms: pct(0.50), P99ms: pct(0.99)}
	if *countHdr != "" {
		r.HeaderCounts = hcounts
	}
	if e, ok := firstErr.Load().(string); ok {
		r.FirstErr = e
	}
	json.NewEncoder(os.Stdout).Encode(r)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(2)
}
