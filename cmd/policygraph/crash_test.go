package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

// TestLoadSurvivesSIGKILL kills "policygraph load" with SIGKILL at random
// points, again and again, while it replaces a document in a bbolt store
// with another version. After each kill the store opens, it holds exactly
// the old version or exactly the new one (its counts of documents, nodes by
// kind, facts by relation and quads equal those of a clean load of one of
// them), and a reload succeeds. It takes about 20 s (-short: 5 kills).
// A load that finishes before its kill does not count: the test runs
// until it has its kills, shrinking the delays, up to three times as many
// loads.
func TestLoadSurvivesSIGKILL(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	kills := 20
	if testing.Short() {
		kills = 5
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "policygraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	seed, err := os.ReadFile("../../seeds/chengdu-2022-work-report-part1.txt")
	if err != nil {
		t.Fatal(err)
	}
	// Two versions of one document (same file name): B adds a paragraph of
	// initiatives and drops nothing, so their fact counts differ.
	versions := map[string][]byte{
		"A": seed,
		"B": append(append([]byte{}, seed...), []byte("\n(九)加快建设天府国际机场第二跑道，启动建设成都东部新区轨道交通线。推进成眉市域(郊)铁路前期工作，建成锦江绿道二期。\n")...),
	}
	file := filepath.Join(dir, "chengdu-2023-work-report.txt")
	ctx := context.Background()
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}

	// The states a crash may leave: nothing, the gazetteer alone, or one
	// whole version.
	states := map[string]graph.Stats{}
	stateOf := func(name string, fill func(st *graph.Store)) {
		st, err := graph.Open(ctx, filepath.Join(dir, "ref-"+name+".db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		fill(st)
		if states[name], err = storeStats(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	stateOf("empty", func(*graph.Store) {})
	stateOf("gazetteer", func(st *graph.Store) {
		if err := loaders.EnsureGazetteer(ctx, st, gz); err != nil {
			t.Fatal(err)
		}
	})
	for v, text := range versions {
		stateOf(v, func(st *graph.Store) {
			if err := os.WriteFile(file, text, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := loaders.LoadFile(ctx, st, gz, file, loaders.Meta{}); err != nil {
				t.Fatal(err)
			}
		})
	}
	if reflect.DeepEqual(states["A"].Facts, states["B"].Facts) {
		t.Fatal("the two versions have the same facts: the test could not tell them apart")
	}

	// How long an uninterrupted replace takes, process start included.
	db := filepath.Join(dir, "crash.db")
	load := func() *exec.Cmd {
		c := exec.Command(bin, "load", "--db", db, "-q", file)
		c.Stdout, c.Stderr = nil, nil
		return c
	}
	timed := func(v string) time.Duration {
		if err := os.WriteFile(file, versions[v], 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if out, err := load().CombinedOutput(); err != nil {
			t.Fatalf("load %s: %v\n%s", v, err, out)
		}
		return time.Since(start)
	}
	// The shortest of a few replaces: one slow first run on a busy machine
	// must not set a bound most kills then miss.
	timed("A")
	full := timed("B")
	for _, v := range []string{"A", "B"} {
		full = min(full, timed(v))
	}
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	t.Logf("an uninterrupted replace takes %v; killing at random points within it", full)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 6))
	prev := ""
	killed, finished := 0, 0
	// Run until kills loads were killed mid-way. A load that finished
	// before its kill says the bound is too long for this machine now: it
	// shrinks by a quarter. The attempts are capped so a machine where
	// every load finishes at once still ends the test (and fails it below).
	for i := 0; killed < kills && i < 3*kills; i++ {
		target := "B"
		if i%2 == 1 {
			target = "A"
		}
		if err := os.WriteFile(file, versions[target], 0o644); err != nil {
			t.Fatal(err)
		}
		c := load()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(full)))
		time.Sleep(delay)
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
		} else {
			finished++
			full = full * 3 / 4
		}

		st, err := graph.Open(ctx, db)
		if err != nil {
			t.Fatalf("kill %d after %v: the store does not open: %v", i+1, delay, err)
		}
		got, err := storeStats(ctx, st)
		if err != nil {
			t.Fatalf("kill %d after %v: stats: %v", i+1, delay, err)
		}
		allowed := []string{prev, target}
		if prev == "" {
			allowed = []string{"empty", "gazetteer", target}
		}
		which := ""
		for _, s := range allowed {
			if reflect.DeepEqual(got, states[s]) {
				which = s
			}
		}
		if which == "" {
			t.Fatalf("kill %d after %v while loading %s over %q: the store holds neither version whole:\n got %s\nwant one of %s",
				i+1, delay, target, prev, statsLine(got), statesLine(states, allowed))
		}
		// The reload completes and leaves exactly the new version.
		if _, err := loaders.LoadFile(ctx, st, gz, file, loaders.Meta{}); err != nil {
			t.Fatalf("kill %d: reload: %v", i+1, err)
		}
		got, _ = st.Stats(ctx)
		if !reflect.DeepEqual(got, states[target]) {
			t.Fatalf("kill %d: after the reload the store holds %s, want %s", i+1, statsLine(got), statsLine(states[target]))
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		prev = target
	}
	t.Logf("%d kills mid-load, %d loads finished before the kill; the store was whole and reloadable every time", killed, finished)
	if killed < kills/2 {
		t.Errorf("only %d of %d runs were killed before they finished, even with delays shrunk to %v", killed, killed+finished, full)
	}
}

// storeStats is st.Stats, except that a store nothing was ever written to
// counts as zero (Stats on a new bbolt store fails with "kv: no bucket").
func storeStats(ctx context.Context, st *graph.Store) (graph.Stats, error) {
	s, err := st.Stats(ctx)
	if err != nil && st.Index().Len() == 0 {
		return graph.Stats{}, nil
	}
	return s, err
}

func statsLine(s graph.Stats) string {
	return fmt.Sprintf("{documents %d, nodes %v, facts %v, quads %d}", s.Documents, s.Nodes, s.Facts, s.Quads)
}

func statesLine(states map[string]graph.Stats, names []string) string {
	out := ""
	for _, n := range names {
		out += "\n  " + n + ": " + statsLine(states[n])
	}
	return out
}

// TestBackupRoundTripThroughCLI runs the backup as a user would: load,
// "export --format nquads", "load --nquads" into a new store, export again.
// The two exports are identical and so are the stores' counts.
func TestBackupRoundTripThroughCLI(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	run := func(args ...string) string {
		t.Helper()
		var out, errs bytes.Buffer
		if code := Main(ctx, args, &out, &errs); code != 0 {
			t.Fatalf("policygraph %v: exit %d: %s", args, code, errs.String())
		}
		return out.String()
	}
	db, restored := filepath.Join(dir, "graph.db"), filepath.Join(dir, "restored.db")
	nq, again := filepath.Join(dir, "backup.nq"), filepath.Join(dir, "again.nq")
	run("load", "--db", db, "-q", "../../seeds/chengdu-2022-work-report-part1.txt")
	run("export", "--db", db, "--format", "nquads", "--out", nq)
	run("load", "--db", restored, "--nquads", nq)
	run("export", "--db", restored, "--format", "nquads", "--out", again)
	a, err := os.ReadFile(nq)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(again)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the restored store exports %d bytes of N-Quads that differ from the backup's %d", len(b), len(a))
	}
	if s1, s2 := run("stats", "--db", db), run("stats", "--db", restored); s1 != s2 {
		t.Errorf("stats differ:\n%s\n%s", s1, s2)
	}
}
