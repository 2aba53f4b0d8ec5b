package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

func TestExportCommand(t *testing.T) {
	db := queryStore(t)
	dir := t.TempDir()

	r := runMain(t, "", "export", "--db", db, "--format", "graphml")
	if r.code != 0 || !strings.Contains(r.stdout, `<graphml xmlns="http://graphml.graphdrawing.org/xmlns"`) || !strings.Contains(r.stdout, "成资市域(郊)铁路") {
		t.Errorf("export graphml: exit %d, stderr %s, stdout %.300s", r.code, r.stderr, r.stdout)
	}

	out := filepath.Join(dir, "rail.gexf")
	r = runMain(t, "", "export", "--db", db, "--format", "gexf", "--of", "成资市域铁路", "--hops", "1", "--out", out)
	b, err := os.ReadFile(out)
	if r.code != 0 || err != nil || !bytes.Contains(b, []byte(`<gexf xmlns="http://gexf.net/1.3"`)) {
		t.Errorf("export gexf --out: exit %d, stderr %s, file %v %.200s", r.code, r.stderr, err, b)
	}

	csvDir := filepath.Join(dir, "csv")
	r = runMain(t, "", "export", "--db", db, "--format", "csv", "--out", csvDir)
	if r.code != 0 {
		t.Fatalf("export csv: exit %d: %s", r.code, r.stderr)
	}
	for name, want := range map[string]int{"nodes.csv": 4, "edges.csv": 2} {
		b, err := os.ReadFile(filepath.Join(csvDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBFid,")) {
			t.Errorf("%s does not start with a byte order mark and its header", name)
		}
		if rows := bytes.Count(b, []byte("\n")) - 1; rows != want {
			t.Errorf("%s has %d rows, want %d (3 entities and the document; 2 edges)", name, rows, want)
		}
	}

	zipOut := filepath.Join(dir, "graph.zip")
	if r = runMain(t, "", "export", "--db", db, "--format", "csv", "--out", zipOut); r.code != 0 {
		t.Errorf("export csv --out FILE.zip: exit %d: %s", r.code, r.stderr)
	} else if b, _ := os.ReadFile(zipOut); !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("%s is not a zip", zipOut)
	}
}

func TestExportCommandFailures(t *testing.T) {
	db := queryStore(t)
	for _, c := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"no format", []string{"--db", db}, 2, "graphml"},
		{"unknown format", []string{"--db", db, "--format", "svg"}, 2, "unknown format"},
		{"csv to stdout", []string{"--db", db, "--format", "csv"}, 2, "--out"},
		{"hops without of", []string{"--db", db, "--format", "gexf", "--hops", "2"}, 2, "--of"},
		{"too many hops", []string{"--db", db, "--format", "gexf", "--of", "成都", "--hops", "9"}, 2, "--hops"},
		{"an argument", []string{"--db", db, "--format", "gexf", "成都"}, 2, "--of"},
		{"unknown name", []string{"--db", db, "--format", "gexf", "--of", "资杨"}, 1, "资阳"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runMain(t, "", append([]string{"export"}, c.args...)...)
			if r.code != c.code || !strings.Contains(r.stderr, c.says) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", r.code, r.stderr, c.code, c.says)
			}
		})
	}
}

// TestExportNQuadsLoadsBack exports a bbolt store as N-Quads with the
// command and loads them into a new store with loadNQuads, which "load
// --nquads" runs.
func TestExportNQuadsLoadsBack(t *testing.T) {
	db := queryStore(t)
	nq := filepath.Join(t.TempDir(), "graph.nq")
	if r := runMain(t, "", "export", "--db", db, "--format", "nquads", "--out", nq); r.code != 0 {
		t.Fatalf("export nquads: exit %d: %s", r.code, r.stderr)
	}
	copyDB := filepath.Join(t.TempDir(), "copy.db")
	var out bytes.Buffer
	if err := loadNQuads(context.Background(), copyDB, nq, "", false, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "added") {
		t.Errorf("loadNQuads printed %q, want what it added", out.String())
	}
	stats := func(path string) string {
		st, err := graph.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		s, err := st.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		printStats(&b, s)
		return b.String()
	}
	if a, b := stats(db), stats(copyDB); a != b {
		t.Errorf("stats differ after export and load:\n%s\n%s", a, b)
	}
	again := filepath.Join(t.TempDir(), "again.nq")
	if r := runMain(t, "", "export", "--db", copyDB, "--format", "nquads", "--out", again); r.code != 0 {
		t.Fatal(r.stderr)
	}
	a, _ := os.ReadFile(nq)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Errorf("the loaded copy exports different N-Quads")
	}
	if err := loadNQuads(context.Background(), copyDB, filepath.Join(t.TempDir(), "missing.nq"), "", false, &out); err == nil {
		t.Errorf("loadNQuads of a missing file: want an error")
	}
}

// TestExportNQuadsBase exports under a base of the user's and restores it:
// from the file's first line, or with load --base when that line is gone.
// A backup in the form written before IRIs were absolute restores too.
func TestExportNQuadsBase(t *testing.T) {
	db := queryStore(t)
	dir := t.TempDir()
	nq := filepath.Join(dir, "graph.nq")
	const base = "https://example.org/pg/"
	if r := runMain(t, "", "export", "--db", db, "--format", "nquads", "--base", base, "--out", nq); r.code != 0 {
		t.Fatalf("export --base: exit %d: %s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(nq)
	if !bytes.Contains(b, []byte("\n<"+base+"initiative/成资市域铁路> <"+base+"pg:kind> \"INITIATIVE\" <"+base+"document/q> .\n")) {
		t.Errorf("export --base %s:\n%.600s", base, b)
	}
	if r := runMain(t, "", "load", "-q", "--db", filepath.Join(dir, "a.db"), "--nquads", nq); r.code != 0 {
		t.Errorf("load --nquads of an export under %s: exit %d: %s", base, r.code, r.stderr)
	}
	_, body, _ := bytes.Cut(b, []byte("\n"))
	bare := filepath.Join(dir, "bare.nq")
	if err := os.WriteFile(bare, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runMain(t, "", "load", "--db", filepath.Join(dir, "b.db"), "--nquads", bare); r.code != 1 || !strings.Contains(r.stderr, "base") {
		t.Errorf("load --nquads without the base: exit %d, stderr %q; want 1 asking for the base", r.code, r.stderr)
	}
	if r := runMain(t, "", "load", "--db", filepath.Join(dir, "b.db"), "--nquads", bare, "--base", base); r.code != 0 {
		t.Errorf("load --nquads --base: exit %d: %s", r.code, r.stderr)
	}
	old := filepath.Join(moduleRoot, "graph", "testdata", "export-relative-iris.nq")
	if r := runMain(t, "", "load", "--db", filepath.Join(dir, "old.db"), "--nquads", old); r.code != 0 || !strings.Contains(r.stdout, "added 105") {
		t.Errorf("load --nquads of an old backup: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{
		{"export", "--db", db, "--format", "nquads", "--base", "example.org/"},
		{"load", "--db", filepath.Join(dir, "c.db"), "--base", base, "x.txt"},
	} {
		if r := runMain(t, "", args...); r.code != 2 || !strings.Contains(r.stderr, "base") {
			t.Errorf("%v: exit %d, stderr %q; want 2", args, r.code, r.stderr)
		}
	}
}
