//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
)

// deckSnapshot returns the snapshot the local server publishes at /v1/deck:
// the real global deck generated into core/deck/global.
func deckSnapshot() ([]byte, error) {
	return os.ReadFile(filepath.Join(repoRoot, "core", "deck", "global", "global.snapshot"))
}
