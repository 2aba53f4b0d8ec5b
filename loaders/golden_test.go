package loaders

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/<stage>/<name>.golden, or writes got to
// that file when the test runs with -update. Stages share this helper: each
// keeps its inputs and expected outputs in its own testdata/<stage> directory.
func golden(t *testing.T, stage, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", stage, name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run go test -update to accept):\n%s", path, firstDiff(want, got))
	}
}

// firstDiff describes the first line where want and got differ.
func firstDiff(want, got []byte) string {
	wl := strings.SplitAfter(string(want), "\n")
	gl := strings.SplitAfter(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		w, g := "<missing>", "<missing>"
		if i < len(wl) {
			w = strconv.Quote(wl[i])
		}
		if i < len(gl) {
			g = strconv.Quote(gl[i])
		}
		if w != g {
			return fmt.Sprintf("line %d:\n\twant %s\n\tgot  %s", i+1, w, g)
		}
	}
	return "(no line differs)"
}
