package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"
)

// slowDecodeAuthorize is decode's encoding/json path, the reference.
func slowDecodeAuthorize(b []byte) (AuthorizeRequest, error) {
	var q AuthorizeRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(&q)
	if err == nil && dec.More() {
		err = errTooLarge // any error: trailing data
	}
	return q, err
}

func checkDecodeFast(t *testing.T, body string) bool {
	t.Helper()
	q := AuthorizeRequest{CallID: "untouched"}
	if !q.decodeFast([]byte(body)) {
		if q.CallID != "untouched" {
			t.Errorf("%q: rejected but changed the value", body)
		}
		return false
	}
	want, err := slowDecodeAuthorize([]byte(body))
	if err != nil || q != want {
		t.Errorf("%q: fast %+v, encoding/json %+v, %v", body, q, want, err)
	}
	return true
}

func TestDecodeFast(t *testing.T) {
	for _, tt := range []struct {
		body string
		fast bool
	}{
		{`{"call_id":"c1","user":"carol","dialled":"+33123456789"}`, true},
		{" \t\r\n{ \"call_id\" : \"c1\" ,\n\"start\":\"2026-11-22T10:00:00Z\", \"direction\":\"inbound\",\"tenant\":\"demo\"} \n", true},
		{`{}`, true},
		{`{"user":"a","user":"b"}`, true}, // the last wins, as in encoding/json
		{`{"Call_ID":"c1"}`, false},       // encoding/json matches keys case-insensitively
		{`{"call_id":"c\"1"}`, false},
		{`{"call_id":"é"}`, false},
		{`{"call_id":1}`, false},
		{`{"call_id":null}`, false},
		{`{"other":"x"}`, false},
		{`{"call_id":"c1"} x`, false},
		{`{"call_id":"c1"}{}`, false},
		{`{"call_id":"c1",}`, false},
		{`{"call_id":"c1"`, false},
		{`["call_id"]`, false},
		{``, false},
	} {
		if got := checkDecodeFast(t, tt.body); got != tt.fast {
			t.Errorf("%q: fast path %v, want %v", tt.body, got, tt.fast)
		}
	}
}

func FuzzDecodeFast(f *testing.F) {
	f.Add(`{"call_id":"c1","user":"carol","dialled":"+33123456789"}`)
	f.Add(`{ "start" : "x" , "tenant":"" }`)
	f.Add(`{"call_id":"a\u0041"}`)
	f.Fuzz(func(t *testing.T, body string) { checkDecodeFast(t, body) })
}
