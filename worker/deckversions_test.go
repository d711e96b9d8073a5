package worker

import (
	"fmt"
	"testing"
	"time"
)

func TestDeckVersions(t *testing.T) {
	at := time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)
	var h DeckVersions
	h, changed := h.Add(DeckVersion{Version: "a", Rows: 2, Currency: "USD", UploadedAt: at, UploadedBy: "seed"})
	if !changed || len(h) != 1 {
		t.Fatalf("first add: %v %v", h, changed)
	}
	h, _ = h.Add(DeckVersion{Version: "b", Rows: 3, Currency: "USD", UploadedAt: at.Add(time.Hour), UploadedBy: "ann@acme.example"})
	if h2, changed := h.Add(DeckVersion{Version: "a", Rows: 99}); changed || len(h2) != 2 {
		t.Errorf("re-adding a listed version changed the history: %v", h2)
	}
	if h[0].Version != "b" || h[1].Version != "a" {
		t.Errorf("not newest first: %v", h)
	}
	back, err := DecodeDeckVersions(h.Encode())
	if err != nil || len(back) != 2 || back[0] != h[0] || back[1] != h[1] {
		t.Errorf("round trip: %v %v", back, err)
	}
	if v, ok := back.Find("a"); !ok || v.Rows != 2 {
		t.Errorf("Find(a) = %v %v", v, ok)
	}
	if _, ok := back.Find("zz"); ok {
		t.Error("Find of an unlisted version")
	}
	if empty, err := DecodeDeckVersions(nil); err != nil || len(empty) != 0 || string(empty.Encode()) != "[]" {
		t.Errorf("empty history: %v %v %s", empty, err, empty.Encode())
	}
	if _, err := DecodeDeckVersions([]byte("{")); err == nil {
		t.Error("a broken history decoded")
	}
}

func TestDeckVersionsBounded(t *testing.T) {
	var h DeckVersions
	for i := range MaxDeckVersions + 5 {
		h, _ = h.Add(DeckVersion{Version: fmt.Sprint(i)})
	}
	if len(h) != MaxDeckVersions || h[0].Version != fmt.Sprint(MaxDeckVersions+4) {
		t.Errorf("len %d, newest %q", len(h), h[0].Version)
	}
}

func TestContentVersion(t *testing.T) {
	a, b := ContentVersion([]byte("prefix\n61\n")), ContentVersion([]byte("prefix\n62\n"))
	if a == b || len(a) != len("sha256-")+12 || a[:7] != "sha256-" || a != ContentVersion([]byte("prefix\n61\n")) {
		t.Errorf("ContentVersion: %q %q", a, b)
	}
}
