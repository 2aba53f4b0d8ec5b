package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenAndLoad writes a small synthetic corpus and loads it with several
// workers and with one: the same store, a bad file reported without stopping
// the others, exit status 1.
func TestGenAndLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Main(ctx, []string{"gen", "--reports", "6", "--seed", "3", dir}, &out, &errb); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errb.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*-work-report-*.txt"))
	if len(files) != 6 {
		t.Fatalf("gen wrote %d files, want 6: %v", len(files), files)
	}
	bad := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(bad, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{bad}, files...)
	load := func(j string) string {
		var out, errb bytes.Buffer
		code := Main(ctx, append([]string{"load", "--db", "memory", "-j", j}, args...), &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), "empty.txt") {
			t.Errorf("load -j %s: exit %d, stderr %q; want 1 naming empty.txt", j, code, errb.String())
		}
		if !strings.Contains(out.String(), "loaded 6 of 7 documents") {
			t.Errorf("load -j %s: %q, want 6 of 7 loaded", j, out.String())
		}
		_, rest, _ := strings.Cut(out.String(), "loaded 6 of 7 documents")
		_, stats, _ := strings.Cut(rest, "\n")        // the summary line has a time
		if !strings.Contains(stats, "documents: 7") { // 6 reports and the gazetteer
			t.Errorf("load -j %s: no statistics after the summary: %q", j, out.String())
		}
		return stats
	}
	if a, b := load("1"), load("2"); a != b {
		t.Errorf("load -j 1 gives\n%s\nload -j 2 gives\n%s", a, b)
	}
	if code := Main(ctx, []string{"gen", dir, "extra"}, &out, &errb); code != 2 {
		t.Errorf("gen with two dirs: exit %d, want 2", code)
	}
}
