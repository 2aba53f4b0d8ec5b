package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binOut  []byte
)

// buildBinary builds the command once per test run, as go build does in a
// checkout (with the commit stamped in), and returns its path.
func buildBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "policygraph-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "policygraph")
		binOut, binErr = exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("build: %v\n%s", binErr, binOut)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

func TestQueryURL(t *testing.T) {
	db := queryStore(t)
	base, stop := startServe(t, "--db", db)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	connect := `{ connect(a: "Chengdu", b: "Ziyang") { name } }`

	// serve holds the bbolt file: opening it fails, and says what to do.
	r := runMain(t, "", "query", "--db", db, connect)
	if r.code != 1 || !strings.Contains(r.stderr, "in use") || !strings.Contains(r.stderr, "--url") {
		t.Errorf("query --db on a served store: exit %d, stderr %q; want 1, in use, and the hint to use --url", r.code, r.stderr)
	}

	for _, tc := range []struct {
		name string
		env  string
		args []string
	}{
		{"the server's root", "", []string{"query", "--url", base, connect}},
		{"its /graphql, flags after the query", "", []string{"query", `query($a: String!, $b: String!) { connect(a: $a, b: $b) { name } }`, "--vars", `{"a": "蓉", "b": "Ziyang"}`, "--url", base + "/graphql"}},
		{"POLICYGRAPH_URL", base, []string{"query", connect}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("POLICYGRAPH_URL", tc.env)
			r := runMain(t, "", tc.args...)
			if r.code != 0 || !strings.Contains(string(r.resp.Data["connect"]), "成资市域(郊)铁路") {
				t.Errorf("exit %d, stdout %s, stderr %s; want the railway", r.code, r.stdout, r.stderr)
			}
		})
	}

	t.Run("an error answer fails with its message", func(t *testing.T) {
		r := runMain(t, "", "query", "--url", base, `{ resolve(name: "亚特兰蒂斯") { id } }`)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "policygraph: NOT_FOUND: ") || !strings.Contains(r.stderr, "亚特兰蒂斯") {
			t.Errorf("exit %d, stderr %q; want 1 and policygraph: NOT_FOUND: … on stderr", r.code, r.stderr)
		}
		if len(r.resp.Errors) == 0 {
			t.Errorf("stdout %q: want the JSON answer with its errors", r.stdout)
		}
	})
	t.Run("a malformed query answered 400 fails", func(t *testing.T) {
		r := runMain(t, "", "query", "--url", base, `{ connect(`)
		if r.code != 1 || !strings.Contains(r.stderr, "INVALID_INPUT") {
			t.Errorf("exit %d, stderr %q; want 1 and INVALID_INPUT", r.code, r.stderr)
		}
	})
	t.Run("--db wins over POLICYGRAPH_URL", func(t *testing.T) {
		t.Setenv("POLICYGRAPH_URL", "http://127.0.0.1:1")
		mem := runMain(t, "", "query", "--db", "memory", "{ documents { id } }")
		if mem.code != 0 {
			t.Errorf("exit %d, stderr %q; want the in-memory store asked", mem.code, mem.stderr)
		}
	})
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"--db and --url", []string{"query", "--db", db, "--url", base, connect}, 2, "not both"},
		{"not an http URL", []string{"query", "--url", "localhost:8080", connect}, 2, "http://"},
		{"no server there", []string{"query", "--url", "http://127.0.0.1:1", connect}, 1, "serve running"},
		{"not a GraphQL endpoint", []string{"query", "--url", base + "/healthz", connect}, 1, "not a GraphQL answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runMain(t, "", tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}
}

// TestFlagsAnywhere runs load with the flags after the file, the way people
// type it: the store must be the one --db names, not ./policygraph.db.
func TestFlagsAnywhere(t *testing.T) {
	t.Chdir(t.TempDir())
	seed, err := filepath.Abs(filepath.Join(testdataRoot(t), "seeds", "chengdu-2022-work-report-part1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := runMain(t, "", "load", seed, "--db", "y.db", "-q")
	if r.code != 0 {
		t.Fatalf("load FILE --db y.db -q: exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(defaultDB); err == nil {
		t.Errorf("load FILE --db y.db wrote %s", defaultDB)
	}
	st, err := graph.Open(context.Background(), "y.db")
	if err != nil {
		t.Fatal(err)
	}
	stats, err := st.Stats(context.Background())
	st.Close()
	if err != nil || stats.Documents != 2 { // the report and the gazetteer
		t.Errorf("y.db holds %d documents (%v), want the report and the gazetteer", stats.Documents, err)
	}

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"an unknown flag after the file", []string{"load", seed, "--dbb", "y.db"}, 2, "flag provided but not defined: -dbb"},
		{"a flag with no value at the end", []string{"load", seed, "--db"}, 2, "flag needs an argument: -db"},
		{"-- ends the flags", []string{"stats", "--db", "y.db", "--", "--db"}, 2, "stats takes no arguments"},
		{"export --format at the end", []string{"export", "--of", "成都", "--db", "y.db"}, 2, "no format given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runMain(t, "", tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}
	r = runMain(t, "", "stats", "-q")
	if r.code != 2 || !strings.Contains(r.stderr, "usage: policygraph stats") {
		t.Errorf("stats -q: exit %d, stderr %q; want 2 with the usage", r.code, r.stderr)
	}
}

func TestFlagsFirst(t *testing.T) {
	fs := newFlagSet("t", "t", nil)
	fs.String("db", "", "")
	fs.Bool("q", false, "")
	fs.Int("j", 1, "")
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{"flags first stay", "--db x a b", "--db x -- a b"},
		{"a flag after the arguments moves with its value", "a --db x b", "--db x -- a b"},
		{"a bool flag takes no value", "a -q b", "-q -- a b"},
		{"a value given with =", "a --db=x b", "--db=x -- a b"},
		{"an explicit bool value", "a -q=false", "-q=false -- a"},
		{"a lone - is an argument", "- -j 2", "-j 2 -- -"},
		{"after -- everything is an argument", "a -- -q", "-- a -- -q"},
		{"an unknown flag stays a flag", "a -x b", "-x -- a b"},
		{"no arguments", "-q --db x", "-q --db x"},
		{"a value flag at the end has no value", "a --db", "--db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(flagsFirst(fs, strings.Fields(tc.in)), " ")
			if got != tc.want {
				t.Errorf("flagsFirst(%s) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	r := runMain(t, "", "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "policygraph ") {
		t.Errorf("--version in a test binary: exit %d, stdout %q", r.code, r.stdout)
	}

	stamped := &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "646fafef1b21c0ffee0123456789abcdef012345"},
		{Key: "vcs.time", Value: "2026-12-02T04:40:00Z"}, {Key: "vcs.modified", Value: "false"}}}
	dirty := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "646fafef1b21c0ffee0123456789abcdef012345"}, {Key: "vcs.modified", Value: "true"}}}
	devel := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
	for _, tc := range []struct {
		name string
		v, c string
		bi   *debug.BuildInfo
		want string
	}{
		{"a module version and its commit", "", "", stamped, "policygraph v1.4.0 (commit 646fafef1b21, 2026-12-02T04:40:00Z)"},
		{"-X main.version wins", "v2.0.0-rc1", "", stamped, "policygraph v2.0.0-rc1 (commit 646fafef1b21, 2026-12-02T04:40:00Z)"},
		{"the toolchain's commit wins over -X main.commit", "", "0123456789abcdef", stamped, "policygraph v1.4.0 (commit 646fafef1b21, 2026-12-02T04:40:00Z)"},
		{"uncommitted changes", "", "", dirty, "policygraph (devel) (commit 646fafef1b21+dirty)"},
		{"no commit recorded", "", "", devel, "policygraph (devel) (commit unknown: built without version control information)"},
		{"-X main.commit when none is recorded", "", "fbd5f81a4088aaaa", devel, "policygraph (devel) (commit fbd5f81a4088)"},
		{"no build information", "", "", nil, "policygraph (devel) (commit unknown: built without version control information)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionOf(tc.v, tc.c, tc.bi); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	// The real binary, built as a user would in this checkout: it names the
	// commit the toolchain recorded, or says it has none.
	bin := buildBinary(t)
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("policygraph --version: %v\n%s", err, out)
	}
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "(commit unknown: built without version control information)"
	if m := regexp.MustCompile(`\bvcs\.revision=([0-9a-f]{12})`).FindSubmatch(info); m != nil {
		want = "(commit " + string(m[1])
	}
	if !strings.HasPrefix(string(out), "policygraph ") || !strings.Contains(string(out), want) {
		t.Errorf("policygraph --version = %q, want %q in it", out, want)
	}
}

// testdataRoot returns the module's root directory (the tests run in
// cmd/policygraph, but may change directory).
func testdataRoot(t *testing.T) string {
	t.Helper()
	return moduleRoot
}

// moduleRoot is the module's root, found before any test changes directory.
var moduleRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..")
}()
