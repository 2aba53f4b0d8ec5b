package loaders

import (
	"crypto/sha256"
	"fmt"
	"testing"
)

// synthSeed1 is the SHA-256 of the first 50 reports of seed 1, names and
// texts: the corpora of docs/benchmarks.md (corpus1520, corpus10k) start
// with them.
const synthSeed1 = "7fdf0c623bbba6c3"

// TestSynthesizeIsStable fails when what gen writes for a seed changes, so
// that a change to the gazetteer or the cues does not silently make the
// benchmarks' commands give other corpora. The stage cues the generator
// uses are fixed (synthStageCues) for that reason. If the change is meant,
// update synthSeed1 and say in docs/benchmarks.md which figures came from
// the old corpora.
func TestSynthesizeIsStable(t *testing.T) {
	h := sha256.New()
	err := Synthesize(1, 50, func(name string, text []byte) error {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(text))
		h.Write(text)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", h.Sum(nil))[:16]; got != synthSeed1 {
		t.Errorf("the first 50 reports of seed 1 hash to %s, want %s: gen no longer writes the benchmarks' corpora", got, synthSeed1)
	}
}
