package graph

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
)

// TestScaleQueries measures issue 5's "connect and paths on the
// 1-million-edge graph" in one run: the same two questions answered by the
// adjacency index (Index.Find + Connect / ShortestPaths), by Cayley's path
// API on the same memstore (Store.CayleyConnect / CayleyPaths) and by
// PostgreSQL recursive CTEs over the index's edges copied into a plain
// table (what a planner would otherwise write). It also reports the index's
// memory per edge and the time to build a ready index from the open store.
// It is skipped unless POLICYGRAPH_SCALE_EDGES or POLICYGRAPH_SCALE_DB (a
// store to open instead of building one; its Open is timed as the start-up
// to a ready index) is set; the CTE part runs when POLICYGRAPH_TEST_POSTGRES
// is set too:
//
//	POLICYGRAPH_SCALE_EDGES=1000000 POLICYGRAPH_TEST_POSTGRES=postgres://... \
//	  go test -count=1 -run TestScaleQueries -v -timeout 60m ./graph
//
// With POLICYGRAPH_SCALE_PG_RESTART set to a command that restarts the
// server (pg_ctlcluster 15 main restart), it also times the CTE cold: each
// call after a restart and a drop of the page cache, against the index's
// cold connect.
//
// The graph is SyntheticGraph(i, 1000, edges/5, edges/20) for i < edges/1000,
// as in resolvers' BenchmarkQueries and TestLoadTestServer. Each timing loop
// runs up to POLICYGRAPH_SCALE_N (200) calls or 60 s, at least 3 calls.
func TestScaleQueries(t *testing.T) {
	edges, _ := strconv.Atoi(os.Getenv("POLICYGRAPH_SCALE_EDGES"))
	if edges < 1000 && os.Getenv("POLICYGRAPH_SCALE_DB") == "" {
		t.Skip("set POLICYGRAPH_SCALE_EDGES (e.g. 1000000) or POLICYGRAPH_SCALE_DB")
	}
	n := 200
	if v, err := strconv.Atoi(os.Getenv("POLICYGRAPH_SCALE_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	var st *Store
	var err error
	if path := os.Getenv("POLICYGRAPH_SCALE_DB"); path != "" {
		// A store built beforehand, e.g. from `policygraph gen` reports:
		// opening it is the start-up time to a ready index.
		start := time.Now()
		st, err = Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		t.Logf("opened %s: ready index of %d nodes, %d edges in %v (start-up); heap after GC %d MB", path,
			st.Index().Len(), st.Index().EdgeCount(), time.Since(start).Round(time.Millisecond), ms.HeapAlloc>>20)
	} else {
		if edges < 1000 {
			t.Skip("set POLICYGRAPH_SCALE_EDGES (e.g. 1000000) or POLICYGRAPH_SCALE_DB")
		}
		st, err = Open(ctx, "memory")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for i := 0; i < edges/1000; i++ {
			if _, err := st.WriteDocument(ctx, SyntheticGraph(i, 1000, edges/5, edges/20)); err != nil {
				t.Fatal(err)
			}
			if (i+1)%100 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				t.Logf("%d documents, %d edges, %v, heap %d MB", i+1, st.Index().EdgeCount(),
					time.Since(start).Round(time.Second), ms.HeapAlloc>>20)
			}
		}
		t.Logf("built %d documents: %d nodes, %d edges in %v (memstore, WriteDocument one by one)",
			edges/1000, st.Index().Len(), st.Index().EdgeCount(), time.Since(start).Round(time.Millisecond))
	}
	defer st.Close()
	x := st.Index()

	// Index memory: the estimate, and the heap growth of building a second
	// index from the same store while the first is kept.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := st.rlock()
	if err != nil {
		t.Fatal(err)
	}
	bstart := time.Now()
	y, err := buildIndex(ctx, r)
	build := time.Since(bstart)
	st.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	ne, ed := y.memoryParts()
	t.Logf("index from the open memstore: built in %v; MemoryBytes %d (%.1f B/edge: nodes %.1f, edges %.1f); heap growth %d (%.1f B/edge); %d nodes %d edges",
		build.Round(time.Millisecond), y.MemoryBytes(), float64(y.MemoryBytes())/float64(y.EdgeCount()),
		float64(ne)/float64(y.EdgeCount()), float64(ed)/float64(y.EdgeCount()),
		heap, float64(heap)/float64(y.EdgeCount()), y.Len(), y.EdgeCount())
	runtime.KeepAlive(y)
	y = nil

	// The questions of TestLoadTestServer: connect(place/100000, a place
	// sharing an initiative with it), paths from place/100000 to the
	// farthest node within 4 hops. POLICYGRAPH_SCALE_PAIR=a,b asks
	// connect(a, b) and paths from a instead (on a graph of reports:
	// place/510100,place/512000 is 成都 and 资阳).
	a := "place/100000"
	b := ""
	if pair := os.Getenv("POLICYGRAPH_SCALE_PAIR"); pair != "" {
		a, b, _ = strings.Cut(pair, ",")
	}
	an, ok := x.Lookup(a)
	if !ok {
		t.Fatalf("%s is not in the graph", a)
	}
	for _, s := range x.Steps(an, DirectionIn, nil) {
		for _, u := range x.Steps(s.Node, DirectionOut, nil) {
			if id := x.Node(u.Node).ID; id != a && b == "" {
				b = id
			}
		}
	}
	to := scaleFarthest(x, a, 4)
	t.Logf("connect(%s, %s); paths(%s -> %s, maxHops 4, first 5)", a, b, a, to)

	// Cayley's walks over a bolt store of a million edges can take minutes
	// a call; each is cut at callTimeout (POLICYGRAPH_SCALE_CALL_TIMEOUT).
	callTimeout := 120 * time.Second
	if d, err := time.ParseDuration(os.Getenv("POLICYGRAPH_SCALE_CALL_TIMEOUT")); err == nil && d > 0 {
		callTimeout = d
	}
	// f returns its answer as text, or as the IDs found, summed up by
	// answerOf after the clock stops.
	// before, if set, runs before each call, off the clock.
	timeItAfter := func(name string, before func(), f func() (any, error)) []time.Duration {
		var ds []time.Duration
		var res string
		deadline := time.Now().Add(60 * time.Second)
		for i := 0; i < n && (i < 3 || time.Now().Before(deadline)); i++ {
			if before != nil {
				before()
			}
			s := time.Now()
			ans, err := f()
			ds = append(ds, time.Since(s))
			got := fmt.Sprint(ans)
			if ids, ok := ans.([]string); ok {
				got = answerOf(ids)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				// One call took longer than callTimeout: its time is a
				// lower bound, and so are the ratios against it.
				res = fmt.Sprintf("stopped after %v (a lower bound)", callTimeout)
				break
			}
			if err != nil && gaveUp(err) {
				// PostgreSQL gave up (statement_timeout, or a temp_file_limit
				// the administrator set): the time is a lower bound.
				res = fmt.Sprintf("PostgreSQL gave up after %v (a lower bound): %v", ds[len(ds)-1].Round(time.Millisecond), err)
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			res = got
		}
		slices.Sort(ds)
		t.Logf("%-16s n=%-4d p50 %-12v p99 %-12v  %s", name, len(ds), pct(ds, 50), pct(ds, 99), res)
		return ds
	}
	timeIt := func(name string, f func() (any, error)) []time.Duration { return timeItAfter(name, nil, f) }
	// The index answers connect two ways: ConnectedTo gives the ordered IDs
	// and names (what the CTE and GraphQL's connect give), Connect also every
	// tie of every answer (what connections gives with a and b).
	connectWith := func(f func(context.Context, *Index, []NodeRef, []NodeRef, bool) ([]Connected, error)) func() (any, error) {
		return func() (any, error) {
			as, err := x.Find(a)
			if err != nil {
				return "", err
			}
			bs, err := x.Find(b)
			if err != nil {
				return "", err
			}
			cs, err := f(ctx, x, as, bs, false)
			ids := make([]string, len(cs))
			for i, c := range cs {
				ids[i] = c.Initiative
			}
			return ids, err
		}
	}
	// Cold: as the first question after a write, which drops what places
	// keeps (containment and tied sets); warm: the same question again.
	cold := func(f func(context.Context, *Index, []NodeRef, []NodeRef, bool) ([]Connected, error)) func(context.Context, *Index, []NodeRef, []NodeRef, bool) ([]Connected, error) {
		return func(ctx context.Context, x *Index, a, b []NodeRef, broad bool) ([]Connected, error) {
			x.places.Store(nil)
			return f(ctx, x, a, b, broad)
		}
	}
	idxConnect, idxConnectWarm, idxConnectTies := connectWith(cold(ConnectedTo)), connectWith(ConnectedTo), connectWith(cold(Connect))
	idxConnectTiesWarm := connectWith(Connect) // as TestLoadAtScale's Connect column
	idxPaths := func() (any, error) {
		fs, err := x.Find(a)
		if err != nil {
			return "", err
		}
		ts, err := x.Find(to)
		if err != nil {
			return "", err
		}
		ps, err := ShortestPaths(ctx, x, fs[0], ts[0], 4, 5, nil)
		if err != nil || len(ps) == 0 {
			return "no path", err
		}
		return fmt.Sprintf("%d paths of %d hops", len(ps), ps[0].Length()), nil
	}
	cayConnect := func() (any, error) {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		ids, _, err := st.CayleyConnect(cctx, a, b)
		if cctx.Err() != nil {
			return "", context.DeadlineExceeded
		}
		return ids, err
	}
	cayPaths := func() (any, error) {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		ps, _, err := st.CayleyPaths(cctx, a, to, 4, 5, nil)
		if cctx.Err() != nil {
			return "", context.DeadlineExceeded
		}
		if err != nil || len(ps) == 0 {
			return "no path", err
		}
		return fmt.Sprintf("%d paths of %d hops", len(ps), ps[0].Length()), nil
	}
	ic := timeIt("index connect", idxConnect)
	icw := timeIt("index connect warm", idxConnectWarm)
	// After a write: one new initiative tied to a place that neither side's
	// tied set reads (what the journal lets the places carry over), or to
	// side a itself (a is worked out again, b carries over). The writes go
	// to the index only, not to the store.
	writes := 0
	writeTo := func(place string) func() {
		return func() {
			writes++
			id := fmt.Sprintf("initiative/scale-write-%d", writes)
			x.apply(&indexChange{nodes: []nodeUpdate{{id: id, entity: &Entity{ID: id, Kind: KindInitiative, Name: id}, docs: nil}},
				addFacts: []factEdge{{id: fmt.Sprintf("fact/scale-write-%d", writes), from: id, to: place, relation: RelLocatedIn, hash: 1<<62 + uint64(writes)}}})
		}
	}
	elsewhere := scaleElsewhere(ctx, t, x, a, b)
	t.Logf("writes elsewhere go to %s", elsewhere)
	ice := timeItAfter("index connect after a write elsewhere", writeTo(elsewhere), idxConnectWarm)
	ica := timeItAfter("index connect after a write to a", writeTo(a), idxConnectWarm)
	timeIt("index connect+ties", idxConnectTies)
	timeIt("index connect+ties warm", idxConnectTiesWarm)
	ip := timeIt("index paths", idxPaths)
	cc := timeIt("cayley connect", cayConnect)
	cp := timeIt("cayley paths", cayPaths)
	ratio := func(what string, slow, fast []time.Duration) {
		t.Logf("ratio %-28s p50 %.0fx  p99 %.0fx", what, float64(pct(slow, 50))/float64(pct(fast, 50)),
			float64(pct(slow, 99))/float64(pct(fast, 99)))
	}
	ratio("cayley/index connect", cc, ic)
	ratio("cayley/index connect warm", cc, icw)
	ratio("cayley/index connect after a write elsewhere", cc, ice)
	ratio("cayley/index connect after a write to a", cc, ica)
	ratio("cayley/index paths", cp, ip)

	dsn := os.Getenv("POLICYGRAPH_TEST_POSTGRES")
	if dsn == "" {
		t.Log("skipping the PostgreSQL CTE: POLICYGRAPH_TEST_POSTGRES is not set")
		return
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// A recursive CTE over a dense graph can write tens of gigabytes of
	// temporary files (it filled 69 GB of a shared disk once): bound each
	// statement by callTimeout. Setting a temp_file_limit needs an
	// administrator: ALTER ROLE ... SET temp_file_limit = '4GB'.
	if _, err := db.ExecContext(ctx, fmt.Sprintf("SET statement_timeout = %d", callTimeout.Milliseconds())); err != nil {
		t.Fatal(err)
	}
	estart := time.Now()
	rows, err := exportEdges(ctx, db, x)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("copied %d edges into PostgreSQL table scale_edges (with indexes, analyzed) in %v", rows, time.Since(estart).Round(time.Millisecond))
	// Connect: the initiatives with a LOCATED_IN or CONNECTS edge to a place
	// inside a (PART_OF at any depth, a included), and likewise to b.
	const connectSQL = `WITH RECURSIVE
  pa(p) AS (SELECT $1::text UNION SELECT e.from_id FROM scale_edges e JOIN pa ON e.to_id = pa.p AND e.rel = 'PART_OF'),
  pb(p) AS (SELECT $2::text UNION SELECT e.from_id FROM scale_edges e JOIN pb ON e.to_id = pb.p AND e.rel = 'PART_OF')
SELECT from_id FROM scale_edges WHERE rel IN ('LOCATED_IN','CONNECTS') AND to_id IN (SELECT p FROM pa)
INTERSECT
SELECT from_id FROM scale_edges WHERE rel IN ('LOCATED_IN','CONNECTS') AND to_id IN (SELECT p FROM pb)
ORDER BY 1`
	// Paths: every walk of up to 4 edges either way from $1 that visits no
	// node twice and stops at $2; the shortest 5 distinct node sequences.
	const pathsSQL = `WITH RECURSIVE walk(node, path, depth) AS (
  SELECT $1::text, ARRAY[$1::text], 0
  UNION ALL
  SELECT e.b, w.path || e.b, w.depth + 1
  FROM walk w
  JOIN (SELECT from_id AS a, to_id AS b FROM scale_edges UNION ALL SELECT to_id, from_id FROM scale_edges) e ON e.a = w.node
  WHERE w.depth < 4 AND w.node <> $2 AND NOT e.b = ANY(w.path)
)
SELECT DISTINCT depth, path FROM walk WHERE node = $2 ORDER BY depth, path LIMIT 5`
	sqlConnect := func() (any, error) {
		rs, err := db.QueryContext(ctx, connectSQL, a, b)
		if err != nil {
			return "", err
		}
		defer rs.Close()
		var ids []string
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				return "", err
			}
			ids = append(ids, id)
		}
		return ids, rs.Err()
	}
	sqlPaths := func() (any, error) {
		rs, err := db.QueryContext(ctx, pathsSQL, a, to)
		if err != nil {
			return "", err
		}
		defer rs.Close()
		var np, hops int
		for rs.Next() {
			var d int
			var p pq.StringArray
			if err := rs.Scan(&d, &p); err != nil {
				return "", err
			}
			if np == 0 {
				hops = d
			}
			np++
		}
		return fmt.Sprintf("%d paths of %d hops", np, hops), rs.Err()
	}
	sc := timeIt("cte connect", sqlConnect)
	sp := timeIt("cte paths", sqlPaths)
	ratio("cte/index connect", sc, ic)
	ratio("cte/index connect warm", sc, icw)
	ratio("cte/index connect after a write elsewhere", sc, ice)
	ratio("cte/index connect after a write to a", sc, ica)
	ratio("cte/index paths", sp, ip)
	// The index again, after the others, to see how much its first figures
	// owe to the state of the heap and the machine.
	ic2 := timeIt("index connect 2", idxConnect)
	icw2 := timeIt("index connect warm 2", idxConnectWarm)
	timeIt("index connect+ties 2", idxConnectTies)
	ip2 := timeIt("index paths 2", idxPaths)
	ratio("cte/index connect 2", sc, ic2)
	ratio("cte/index connect warm 2", sc, icw2)
	ratio("cte/index paths 2", sp, ip2)

	// Cold against cold: the first connect after PostgreSQL restarts with
	// the operating system's page cache dropped, against the index's first
	// connect with nothing worked out (ic). POLICYGRAPH_SCALE_PG_RESTART is
	// the command that restarts the server (pg_ctlcluster 15 main restart);
	// dropping the page cache needs root and is logged when it fails.
	restart := os.Getenv("POLICYGRAPH_SCALE_PG_RESTART")
	if restart == "" {
		t.Log("skipping the cold CTE: POLICYGRAPH_SCALE_PG_RESTART is not set")
		return
	}
	coldStart := func() {
		db.Close()
		if out, err := exec.Command("sh", "-c", restart).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", restart, err, out)
		}
		exec.Command("sync").Run()
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3"), 0); err != nil {
			t.Logf("the page cache was not dropped: %v", err)
		}
		var err error
		if db, err = sql.Open("postgres", dsn); err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		for try := 0; ; try++ {
			if err = db.PingContext(ctx); err == nil || try == 100 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET statement_timeout = %d", callTimeout.Milliseconds())); err != nil {
			t.Fatal(err)
		}
	}
	scc := timeItAfter("cte connect cold", coldStart, sqlConnect)
	ratio("cte cold/index connect cold", scc, ic)
	ratio("cte cold/index connect cold 2", scc, ic2)
}

// gaveUp reports whether err is PostgreSQL cancelling a statement for its
// time or temporary-file limit.
func gaveUp(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && (pe.Code == "57014" || pe.Code == "53400") // query_canceled, configuration_limit_exceeded
}

// answerOf describes a connect answer: how many initiatives, the first
// few, and a hash of the whole sorted list, so that answers can be compared
// in the log.
func answerOf(ids []string) string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	h := fnv.New64a()
	for _, id := range ids {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%d initiatives %v… #%016x", len(ids), ids[:min(3, len(ids))], h.Sum64())
}

// exportEdges copies every live edge of x (from ID, to ID, relation) into a
// fresh table scale_edges with indexes on both ends.
func exportEdges(ctx context.Context, db *sql.DB, x *Index) (int, error) {
	if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS scale_edges;
CREATE TABLE scale_edges (from_id text NOT NULL, to_id text NOT NULL, rel text NOT NULL)`); err != nil {
		return 0, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare(pq.CopyIn("scale_edges", "from_id", "to_id", "rel"))
	if err != nil {
		return 0, err
	}
	rows := 0
	for n := NodeRef(1); int(n) < x.Bound(); n++ {
		if x.Node(n).Kind == "" {
			continue
		}
		from := x.Node(n).ID
		for _, e := range x.Out(n) {
			if _, err := stmt.Exec(from, x.Node(e.Node).ID, string(e.Relation())); err != nil {
				return 0, err
			}
			rows++
		}
	}
	if _, err := stmt.Exec(); err != nil {
		return 0, err
	}
	if err := stmt.Close(); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	for _, q := range []string{
		`CREATE INDEX scale_edges_from ON scale_edges (from_id, to_id)`,
		`CREATE INDEX scale_edges_to ON scale_edges (to_id, from_id)`,
		`ANALYZE scale_edges`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	return rows, nil
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := (len(ds)*p + 99) / 100
	return ds[min(max(i-1, 0), len(ds)-1)]
}

// scaleFarthest is resolvers' farthest: the greatest ID among the nodes
// farthest from from within maxHops, either way.
// scaleElsewhere returns a place whose edges neither a's nor b's tied set
// reads: a write there leaves both.
func scaleElsewhere(ctx context.Context, t *testing.T, x *Index, a, b string) string {
	t.Helper()
	read := map[NodeRef]bool{}
	pl := newPlaces(x)
	for _, side := range []string{a, b} {
		ns, err := x.Find(side)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := pl.tied(ctx, ns, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range ts.srcs {
			read[src.node] = true
		}
	}
	for _, n := range x.NodesOfKind(KindPlace) {
		if !read[n] {
			return x.Node(n).ID
		}
	}
	t.Fatal("every place is read by a or b")
	return ""
}

func scaleFarthest(x *Index, from string, maxHops int) string {
	n, _ := x.Lookup(from)
	dist := map[NodeRef]int{n: 0}
	frontier := []NodeRef{n}
	last := frontier
	for d := 1; d <= maxHops && len(frontier) > 0; d++ {
		var next []NodeRef
		for _, m := range frontier {
			for _, s := range x.Steps(m, DirectionBoth, nil) {
				if _, ok := dist[s.Node]; !ok && x.Node(s.Node).Kind != "" {
					dist[s.Node] = d
					next = append(next, s.Node)
				}
			}
		}
		if len(next) > 0 {
			last = next
		}
		frontier = next
	}
	best := ""
	for _, m := range last {
		best = max(best, x.Node(m).ID)
	}
	return strings.TrimSpace(best)
}

// TestScaleStartup opens the store POLICYGRAPH_SCALE_DB twice: without a
// snapshot (a scan), then, after closing it (which writes the snapshot),
// again (which reads it); it logs each time, the ratio, and the snapshot's
// size. It removes an existing snapshot first. A bbolt file keeps its
// snapshot beside it; a PostgreSQL database (a postgres:// DSN) in a
// temporary file, as a replica started with serve --snapshot.
func TestScaleStartup(t *testing.T) {
	path := os.Getenv("POLICYGRAPH_SCALE_DB")
	if path == "" {
		t.Skip("set POLICYGRAPH_SCALE_DB to a bbolt file or a postgres:// DSN")
	}
	ctx := context.Background()
	snap := path + ".index"
	if isSQLDSN(path) {
		snap = filepath.Join(t.TempDir(), "replica.index")
	}
	os.Remove(snap)
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	open := func(want bool) (*Store, time.Duration, uint64) {
		before := heap()
		start := time.Now()
		st, err := OpenWith(ctx, path, OpenOptions{Snapshot: snap})
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		if st.IndexFromSnapshot() != want {
			t.Fatalf("IndexFromSnapshot = %v, want %v", st.IndexFromSnapshot(), want)
		}
		return st, took, heap() - before
	}
	st, scan, scanHeap := open(false)
	nodes, edges := st.Index().Len(), st.Index().EdgeCount()
	start := time.Now()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	save := time.Since(start)
	fi, err := os.Stat(snap)
	if err != nil {
		t.Fatal(err)
	}
	st, fromSnap, snapHeap := open(true)
	defer st.Close()
	if st.Index().Len() != nodes || st.Index().EdgeCount() != edges {
		t.Fatalf("from the snapshot: %d nodes, %d edges; the scan gave %d, %d", st.Index().Len(), st.Index().EdgeCount(), nodes, edges)
	}
	t.Logf("%d nodes, %d edges: scan %v (heap +%d MB); Close with snapshot %v (%d MB file); open from the snapshot %v (heap +%d MB); scan / snapshot = %.0fx",
		nodes, edges, scan.Round(time.Millisecond), scanHeap>>20, save.Round(time.Millisecond), fi.Size()>>20,
		fromSnap.Round(time.Millisecond), snapHeap>>20, float64(scan)/float64(fromSnap))
}
