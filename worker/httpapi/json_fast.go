package httpapi

import (
	"encoding/json"
	"strconv"
	"time"
)

// Hand-written JSON encoders for the hottest responses (authorizations and
// rate look-ups): encoding/json's reflection, and its allocations, were a
// large share of a request's CPU in the wasm build. They write exactly what
// json.Marshal writes — TestFastJSONMatchesMarshal and FuzzFastJSON compare
// them with it — and respond falls back to json.Marshal for any other type.

// fastJSON is a response that can append its own JSON encoding. ok false
// means it cannot (a value json.Marshal would reject): use json.Marshal.
type fastJSON interface {
	appendJSON(b []byte) (out []byte, ok bool)
}

// appendString appends s as encoding/json does: anything beyond plain
// printable ASCII without quotes, backslashes or HTML characters goes
// through json.Marshal.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendField appends ,"name": (without the comma for the first field).
func appendField(b []byte, name string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

func appendTime(b []byte, t *time.Time) ([]byte, bool) {
	if t == nil {
		return append(b, "null"...), true
	}
	m, err := t.MarshalJSON()
	if err != nil {
		return b, false
	}
	return append(b, m...), true
}

func (r *RateJSON) appendJSON(b []byte) ([]byte, bool) {
	if r == nil {
		return append(b, "null"...), true
	}
	b = append(b, '{')
	b = appendField(b, "prefix")
	b = appendString(b, r.Prefix)
	b = appendField(b, "destination")
	b = appendString(b, r.Destination)
	if r.Country != "" {
		b = appendField(b, "country")
		b = appendString(b, r.Country)
	}
	if r.Region != "" {
		b = appendField(b, "region")
		b = appendString(b, string(r.Region))
	}
	b = appendField(b, "kind")
	b = appendString(b, r.Kind)
	b = appendField(b, "currency")
	b = appendString(b, r.Currency)
	b = appendField(b, "per_minute")
	b = appendString(b, r.PerMinute)
	b = appendField(b, "connection_fee")
	b = appendString(b, r.ConnectionFee)
	b = appendField(b, "increments")
	b = appendString(b, r.Increments)
	b = appendField(b, "tiers")
	if r.Tiers == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, t := range r.Tiers {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"from_second":`...)
			b = strconv.AppendInt(b, int64(t.FromSecond), 10)
			b = append(b, `,"per_minute":`...)
			b = appendString(b, t.PerMinute)
			b = append(b, `,"increment":`...)
			b = strconv.AppendInt(b, int64(t.Increment), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	var ok bool
	if r.EffectiveFrom != nil {
		b = appendField(b, "effective_from")
		if b, ok = appendTime(b, r.EffectiveFrom); !ok {
			return b, false
		}
	}
	if r.EffectiveTo != nil {
		b = appendField(b, "effective_to")
		if b, ok = appendTime(b, r.EffectiveTo); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

func (a AuthorizeResponse) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, '{')
	b = appendField(b, "call_id")
	b = appendString(b, a.CallID)
	b = appendField(b, "allowed")
	b = strconv.AppendBool(b, a.Allowed)
	b = appendField(b, "reason")
	b = appendString(b, a.Reason)
	b = appendField(b, "cover")
	b = appendString(b, a.Cover)
	b = appendField(b, "max_seconds")
	if a.MaxSeconds == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*a.MaxSeconds), 10)
	}
	if a.Package != "" {
		b = appendField(b, "package")
		b = appendString(b, a.Package)
	}
	b = appendField(b, "bundle_seconds")
	b = strconv.AppendInt(b, int64(a.BundleSeconds), 10)
	b = appendField(b, "number")
	b = appendString(b, a.Number)
	b = appendField(b, "rate")
	var ok bool
	if b, ok = a.Rate.appendJSON(b); !ok {
		return b, false
	}
	if a.Expires != "" {
		b = appendField(b, "expires")
		b = appendString(b, a.Expires)
	}
	if a.DeckVersion != "" {
		b = appendField(b, "deck_version")
		b = appendString(b, a.DeckVersion)
	}
	return append(b, '}'), true
}

func (l LookupResponse) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, '{')
	b = appendField(b, "number")
	b = appendString(b, l.Number)
	b = appendField(b, "emergency")
	b = strconv.AppendBool(b, l.Emergency)
	b = appendField(b, "short")
	b = strconv.AppendBool(b, l.Short)
	b = appendField(b, "deck_version")
	b = appendString(b, l.DeckVersion)
	b = appendField(b, "rate")
	var ok bool
	if b, ok = l.Rate.appendJSON(b); !ok {
		return b, false
	}
	if l.Price60 != "" {
		b = appendField(b, "price_60s")
		b = appendString(b, l.Price60)
	}
	if l.Price300 != "" {
		b = appendField(b, "price_300s")
		b = appendString(b, l.Price300)
	}
	return append(b, '}'), true
}

// marshal is json.Marshal with the hand-written encoders.
func marshal(v any) ([]byte, error) {
	if f, ok := v.(fastJSON); ok {
		if b, ok := f.appendJSON(make([]byte, 0, 512)); ok {
			return b, nil
		}
	}
	return json.Marshal(v)
}
