package httpapi

import (
	"sync"
	"time"
)

// ttlCache is a small isolate-local cache: entries live for ttl, and the
// cache is cleared when it reaches max entries (a crude but bounded policy:
// the working set of a worker isolate is small).
type ttlCache[K comparable, V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	max int
	m   map[K]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v  V
	at time.Time
}

func newTTLCache[K comparable, V any](ttl time.Duration, max int) *ttlCache[K, V] {
	return &ttlCache[K, V]{ttl: ttl, max: max, m: make(map[K]ttlEntry[V])}
}

func (c *ttlCache[K, V]) get(k K, now time.Time) (V, bool) {
	v, _, ok := c.getAt(k, now)
	return v, ok
}

// getAt is get that also returns when the entry was put.
func (c *ttlCache[K, V]) getAt(k K, now time.Time) (V, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || now.Sub(e.at) >= c.ttl || now.Before(e.at) {
		var zero V
		return zero, time.Time{}, false
	}
	return e.v, e.at, true
}

func (c *ttlCache[K, V]) put(k K, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = ttlEntry[V]{v, now}
}
