package httpapi

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core/region"
)

// checkFast compares the hand-written encoding of v with json.Marshal's.
func checkFast(t *testing.T, v fastJSON) {
	t.Helper()
	want, werr := json.Marshal(v)
	got, ok := v.appendJSON(nil)
	if werr != nil {
		if ok {
			t.Errorf("%+v: json.Marshal fails (%v), appendJSON gave %s", v, werr, got)
		}
		return
	}
	if !ok || string(got) != string(want) {
		t.Errorf("%+v:\n got %s (ok %v)\nwant %s", v, got, ok, want)
	}
	if m, err := marshal(v); err != nil || string(m) != string(want) {
		t.Errorf("marshal = %s, %v", m, err)
	}
}

func TestFastJSONMatchesMarshal(t *testing.T) {
	max := 3600
	from := time.Date(2026, 11, 1, 0, 0, 0, 500, time.UTC)
	to := time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))
	bad := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // json.Marshal rejects years past 9999
	rates := []*RateJSON{
		nil,
		{},
		{Prefix: "33", Destination: "France", Country: "FR", Region: region.ID("eu"), Kind: "landline", Currency: "USD",
			PerMinute: "0.012", ConnectionFee: "0", Increments: "60/60", Tiers: []TierJSON{{0, "0.012", 60}, {60, "0.01", 60}}},
		{Destination: `Côte d'Ivoire <mobile> & "co" \ é`, Tiers: []TierJSON{}, EffectiveFrom: &from, EffectiveTo: &to},
		{Destination: "bad utf8 \xff\xfe \u2028 \x00 \x7f", EffectiveFrom: &bad},
	}
	for _, r := range rates {
		checkFast(t, r)
		checkFast(t, AuthorizeResponse{CallID: "c1", Allowed: true, Reason: "package", Cover: "package", MaxSeconds: nil,
			Package: "pkg-eu", BundleSeconds: 0, Number: "+33123456789", Rate: r, DeckVersion: "sha256-ab"})
		checkFast(t, AuthorizeResponse{CallID: "c<2>", Reason: "cap", Cover: "none", MaxSeconds: &max, BundleSeconds: 60,
			Rate: r, Expires: "2026-11-22T11:00:00Z"})
		checkFast(t, LookupResponse{Number: "+61412345678", DeckVersion: "v", Rate: r, Price60: "0.12", Price300: "0.6"})
		checkFast(t, LookupResponse{Number: "112", Emergency: true, Short: true, Rate: r})
	}
}

func FuzzFastJSON(f *testing.F) {
	f.Add("c1", "+33123456789", "France", "0.012", int64(60), true, int64(1e9))
	f.Add("<&>", "\xff", "\u2028\"\\", "", int64(-1), false, int64(-1e18))
	f.Fuzz(func(t *testing.T, s1, s2, s3, s4 string, n int64, b bool, ns int64) {
		at := time.Unix(0, ns).UTC()
		m := int(n)
		r := &RateJSON{Prefix: s1, Destination: s3, Country: s2, Region: region.ID(s4), Kind: s1, Currency: s2,
			PerMinute: s4, ConnectionFee: s3, Increments: s1, Tiers: []TierJSON{{m, s4, m}}, EffectiveFrom: &at}
		checkFast(t, r)
		checkFast(t, AuthorizeResponse{CallID: s1, Allowed: b, Reason: s2, Cover: s3, MaxSeconds: &m, Package: s4,
			BundleSeconds: m, Number: s2, Rate: r, Expires: s3, DeckVersion: s1})
		checkFast(t, LookupResponse{Number: s1, Emergency: b, Short: !b, DeckVersion: s2, Rate: r, Price60: s3, Price300: s4})
	})
}

// BenchmarkMarshalAuthorize: the hand-written encoder against json.Marshal
// on a typical package authorization.
func BenchmarkMarshalAuthorize(b *testing.B) {
	r := &RateJSON{Prefix: "33", Destination: "France", Country: "FR", Region: region.ID("eu"), Kind: "landline", Currency: "USD",
		PerMinute: "0.012", ConnectionFee: "0", Increments: "60/60", Tiers: []TierJSON{{0, "0.012", 60}}}
	v := AuthorizeResponse{CallID: "pkg-123456", Allowed: true, Reason: "package", Cover: "package", Package: "pkg-eu",
		Number: "+33123456789", Rate: r, DeckVersion: "sha256-ab94e6501d1e"}
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-written", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
