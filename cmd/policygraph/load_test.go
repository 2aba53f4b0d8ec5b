package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestLoadCreatesNoStoreWhenNothingLoads loads only files that are refused
// into a bbolt path that does not exist: the command fails and leaves no
// store (nor index snapshot) behind. A store that existed before stays.
func TestLoadCreatesNoStoreWhenNothingLoads(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	binary := filepath.Join(dir, "binary.txt")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(binary, []byte("\x00\x01\x02\xff\xfe\x00 not text"), 0o644); err != nil {
		t.Fatal(err)
	}
	badNQ := filepath.Join(dir, "bad.nq")
	if err := os.WriteFile(badNQ, []byte("this is not N-Quads\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gone := func(db string) {
		t.Helper()
		for _, f := range []string{db, db + ".index"} {
			if _, err := os.Stat(f); !os.IsNotExist(err) {
				t.Errorf("%s exists after a load that loaded nothing (%v)", f, err)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"every file refused", []string{empty, binary}, "empty.txt"},
		{"a missing file", []string{filepath.Join(dir, "missing.txt")}, "missing.txt"},
		{"a backup that does not parse", []string{"--nquads", badNQ}, "bad.nq"},
		{"an assignment table that does not parse", []string{"--assignments", badNQ}, "bad.nq"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "new.db")
			r := runMain(t, "", append([]string{"load", "--db", db}, tc.args...)...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want 1 naming %s", r.code, r.stderr, tc.stderr)
			}
			gone(db)
		})
	}

	// An existing store is the user's: a failed load leaves it as it was.
	db := queryStore(t)
	before, _ := os.ReadFile(db)
	if r := runMain(t, "", "load", "--db", db, empty); r.code != 1 {
		t.Errorf("load of an empty file: exit %d, want 1", r.code)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("the existing store went: %v", err)
	}
	if r := runMain(t, "", "query", "--db", db, `{ documents { id } }`); r.code != 0 || !strings.Contains(r.stdout, "document/q") {
		t.Errorf("the existing store lost its document (%d bytes before): %s %s", len(before), r.stdout, r.stderr)
	}

	// One good file among bad ones creates the store.
	good := filepath.Join(moduleRoot, "seeds", "chengdu-2022-work-report-part1.txt")
	newDB := filepath.Join(t.TempDir(), "some.db")
	if r := runMain(t, "", "load", "--db", newDB, empty, good); r.code != 1 || !strings.Contains(r.stdout, "loaded 1 of 2 documents") {
		t.Errorf("load of one good and one empty file: exit %d, stdout %q", r.code, r.stdout)
	}
	if _, err := os.Stat(newDB); err != nil {
		t.Errorf("the store of a load that loaded one document: %v", err)
	}
}

// TestLoadQuiet checks that -q prints the summary line only: no line per
// file, no statistics.
func TestLoadQuiet(t *testing.T) {
	seed := filepath.Join(moduleRoot, "seeds", "chengdu-2022-work-report-part1.txt")
	r := runMain(t, "", "load", "-q", "--db", "memory", seed)
	if r.code != 0 {
		t.Fatalf("load -q: exit %d: %s", r.code, r.stderr)
	}
	if !regexp.MustCompile(`^loaded 1 of 1 documents in [0-9.]+s, \d+ warnings\n$`).MatchString(r.stdout) || r.stderr != "" {
		t.Errorf("load -q printed stdout %q, stderr %q; want the summary line alone", r.stdout, r.stderr)
	}
	r = runMain(t, "", "load", "--db", "memory", seed)
	if r.code != 0 || !strings.Contains(r.stdout, "documents: 2\n") || !strings.Contains(r.stdout, "quads: ") {
		t.Errorf("load without -q: exit %d, stdout %q; want the statistics", r.code, r.stdout)
	}
}

func TestProgress(t *testing.T) {
	// The bar, as a terminal gets it: count, rate and time left.
	var b bytes.Buffer
	p := &progress{bar: newBar(&b, 3), total: 3, start: time.Now()}
	for n := 1; n <= 3; n++ {
		time.Sleep(120 * time.Millisecond) // past the bar's throttle
		p.step(n)
	}
	out := b.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`loading +\d+% \|`),                  // the bar
		regexp.MustCompile(`\(2/3, [0-9.]+ files/s\)`),          // n/N and the rate
		regexp.MustCompile(`\[\d+(\.\d+)?m?s:\d+(\.\d+)?m?s\]`), // taken:left
	} {
		if !want.MatchString(out) {
			t.Errorf("bar %q lacks %s", out, want)
		}
	}
	p.finish()

	// Not a terminal: many files get a line at each tenth; few get nothing,
	// and -q nothing at all.
	var lines bytes.Buffer
	p = newProgress(&lines, 200, false)
	for n := 1; n <= 200; n++ {
		p.step(n)
	}
	got := strings.Split(strings.TrimSpace(lines.String()), "\n")
	if len(got) != 10 || !regexp.MustCompile(`^load: 20/200 files \(10%\), [0-9.]+ files/s, \S+ taken, about \S+ left$`).MatchString(got[0]) ||
		!strings.HasPrefix(got[9], "load: 200/200 files (100%)") {
		t.Errorf("progress lines for 200 files:\n%s", lines.String())
	}
	for _, tc := range []struct {
		total int
		quiet bool
	}{{manyFiles - 1, false}, {manyFiles, true}} {
		var w bytes.Buffer
		p := newProgress(&w, tc.total, tc.quiet)
		for n := 1; n <= tc.total; n++ {
			p.step(n)
		}
		p.finish()
		if w.Len() > 0 {
			t.Errorf("%d files, quiet %v: progress wrote %q", tc.total, tc.quiet, w.String())
		}
	}
}
