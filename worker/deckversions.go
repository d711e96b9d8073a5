package worker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/tollgate-voice/tollgate/core"
)

// KeyDeckVersions holds the history of uploaded deck versions (JSON, see
// DeckVersions), so that operators can list them and make an earlier one
// current again. A version is added once its snapshot is stored, before the
// current-version pointer moves, so every listed version is readable.
const KeyDeckVersions = "deck/versions"

// MaxDeckVersions bounds the history kept in KeyDeckVersions: the oldest
// entries beyond it are dropped from the list (their snapshots stay readable
// by version).
const MaxDeckVersions = 200

// ContentVersion names a deck version after its CSV file's content
// ("sha256-" and 12 hex digits), for uploads that name none: the same file
// gets the same name, a changed file another.
func ContentVersion(csv []byte) string {
	sum := sha256.Sum256(csv)
	return "sha256-" + hex.EncodeToString(sum[:6])
}

// DeckVersion is one uploaded deck version.
type DeckVersion struct {
	Version    string    `json:"version"`
	Rows       int       `json:"rows"`
	Currency   string    `json:"currency"`
	UploadedAt time.Time `json:"uploaded_at"` // zero: published before the history was kept
	UploadedBy string    `json:"uploaded_by"` // the uploader's e-mail, or "seed"
}

// DeckVersions is the deck history, newest first.
type DeckVersions []DeckVersion

// DecodeDeckVersions reads the stored history; nil or empty input is an
// empty history.
func DecodeDeckVersions(b []byte) (DeckVersions, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var v DeckVersions
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, core.Errorf(core.Internal, "deck history does not decode: %v", err)
	}
	return v, nil
}

// Add records v as the newest version unless it is already listed, and
// keeps at most MaxDeckVersions entries. It reports whether anything changed.
func (h DeckVersions) Add(v DeckVersion) (DeckVersions, bool) {
	if slices.ContainsFunc(h, func(x DeckVersion) bool { return x.Version == v.Version }) {
		return h, false
	}
	out := append(DeckVersions{v}, h...)
	if len(out) > MaxDeckVersions {
		out = out[:MaxDeckVersions]
	}
	return out, true
}

// Find returns the entry of version, if listed.
func (h DeckVersions) Find(version string) (DeckVersion, bool) {
	for _, v := range h {
		if v.Version == version {
			return v, true
		}
	}
	return DeckVersion{}, false
}

// Encode writes the history as stored.
func (h DeckVersions) Encode() []byte {
	if h == nil {
		h = DeckVersions{}
	}
	b, _ := json.Marshal(h) // plain strings, ints and times: cannot fail
	return b
}
