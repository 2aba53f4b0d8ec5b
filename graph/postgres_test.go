package graph_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/policygraph/policygraph/graph"
)

// PostgreSQL tests run against the database named by POLICYGRAPH_TEST_POSTGRES
// (make test sets it and starts the server with .ci/setup-postgres.sh); each
// test works in a schema of its own, dropped at the end.

const postgresHowTo = "POLICYGRAPH_TEST_POSTGRES is not set: run `make deps` (as root: installs and starts PostgreSQL) " +
	"then `POLICYGRAPH_TEST_POSTGRES='postgres://policygraph:policygraph@127.0.0.1:5432/policygraph_test?sslmode=disable' go test ./graph -run Postgres`"

// postgresAdmin returns a connection to the test database, or skips the test.
func postgresAdmin(t testing.TB) *sql.DB {
	t.Helper()
	dsn := os.Getenv("POLICYGRAPH_TEST_POSTGRES")
	if dsn == "" {
		t.Skip(postgresHowTo)
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("POLICYGRAPH_TEST_POSTGRES=%s: %v (is the server running? make deps starts it)", dsn, err)
	}
	return db
}

// postgresDSN creates a fresh schema and returns the test DSN with its
// search_path set to it, so that Cayley's tables and the change log are
// created there. The schema is dropped when the test ends.
func postgresDSN(t testing.TB) string {
	t.Helper()
	db := postgresAdmin(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "pgtest_" + hex.EncodeToString(b[:])
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(os.Getenv("POLICYGRAPH_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// the sessions of this test carry its schema as their name, so a test
	// that drops connections drops only its own, not other tests'
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestPostgresReopenRebuildsIndex(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	s, err := graph.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, graphA(1))
	mustWrite(t, s, graphB())
	mustWrite(t, s, graphA(2))
	mustWrite(t, s, graphC())
	before, beforeAdj := stats(t, s), adjacency(s.Index())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dsn)
	if after := stats(t, s); !reflect.DeepEqual(after, before) {
		t.Errorf("Stats after reopen: got %+v, want %+v", after, before)
	}
	if after := adjacency(s.Index()); !reflect.DeepEqual(after, beforeAdj) {
		t.Errorf("index after reopen:\n got %v\nwant %v", after, beforeAdj)
	}
}

// TestPostgresWriteIsAtomic counts a document's quads from another
// connection while it is written, replaced and removed: every count is one
// of the whole versions, never a part.
func TestPostgresWriteIsAtomic(t *testing.T) {
	dsn := postgresDSN(t)
	s := openStore(t, dsn)
	ctx := context.Background()
	other, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// The label of every quad of docA is the string docA; count by its hash
	// through the nodes table, as another program would.
	const count = `SELECT count(*) FROM quads q JOIN nodes n ON q.label_hash = n.hash WHERE n.value_string = $1 AND NOT COALESCE(n.iri, false)`
	var stop atomic.Bool
	seen := make(map[int]bool)
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			var n int
			if err := other.QueryRow(count, docA).Scan(&n); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen[n] = true
			mu.Unlock()
		}
	}()
	whole := map[int]bool{0: true}
	quadsOf := func() int {
		var n int
		if err := other.QueryRow(count, docA).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for range 3 {
		mustWrite(t, s, graphA(1))
		whole[quadsOf()] = true
		mustWrite(t, s, graphA(2))
		whole[quadsOf()] = true
		if err := s.RemoveDocument(ctx, docA); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if len(whole) != 3 {
		t.Fatalf("whole versions have quad counts %v, want three distinct counts", whole)
	}
	for n := range seen {
		if !whole[n] {
			t.Errorf("another connection saw %d quads of %s; whole versions have %v", n, docA, whole)
		}
	}
}

// TestPostgresReplicaFollows keeps a second Store on the same database in
// step through the change log: writes, a replacement, a removal, a dropped
// connection and a pruned log.
func TestPostgresReplicaFollows(t *testing.T) {
	dsn := postgresDSN(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := openStore(t, dsn)
	mustWrite(t, a, graphA(1)) // before the replica opens: read by its scan
	b := openStore(t, dsn)

	applied := make(chan bool, 100)
	done := make(chan error, 2)
	go func() {
		done <- b.Follow(ctx, graph.FollowOptions{Poll: 200 * time.Millisecond,
			Applied: func(_ int64, rebuilt bool) { applied <- rebuilt }})
	}()
	go func() { done <- a.Follow(ctx, graph.FollowOptions{Poll: 200 * time.Millisecond}) }()
	inStep := func(what string) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for {
			got, want := adjacency(b.Index()), adjacency(a.Index())
			if reflect.DeepEqual(got, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: replica not in step after 2s:\n got %v\nwant %v", what, got, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if sa, sb := stats(t, a), stats(t, b); !reflect.DeepEqual(sa, sb) {
			t.Errorf("%s: replica Stats %+v, writer %+v", what, sb, sa)
		}
		if ea, eb := entity(t, a, rail), entity(t, b, rail); !reflect.DeepEqual(ea, eb) {
			t.Errorf("%s: replica's rail %+v, writer's %+v", what, eb, ea)
		}
	}
	inStep("open")

	start := time.Now()
	mustWrite(t, a, graphB())
	inStep("write")
	t.Logf("a write reached the replica in %v", time.Since(start))
	mustWrite(t, a, graphA(2))
	inStep("replace")
	mustWrite(t, a, graphC())
	if err := a.RemoveDocument(ctx, docB); err != nil {
		t.Fatal(err)
	}
	inStep("write and remove")

	// Writes in both directions.
	mustWrite(t, b, graphB())
	inStep("write through the replica")

	// Drop every connection of this test's database sessions but the
	// admin's: the listener reconnects, the pools open new connections.
	admin := postgresAdmin(t)
	var dropped int
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`, schemaOf(t, dsn)).Scan(&dropped); err != nil {
		t.Fatal(err)
	} else if dropped == 0 {
		t.Fatal("no connection of this test to drop: are its sessions named by application_name?")
	}
	for i := 0; ; i++ { // the writer's pool may hold dead connections: database/sql retries once
		_, err := a.WriteDocument(ctx, graphA(1))
		if err == nil {
			break
		}
		if i == 3 {
			t.Fatalf("write after the connections were dropped: %v", err)
		}
	}
	inStep("after the connections were dropped")

	// A log that no longer covers the replica's gap: a full rebuild.
	for len(applied) > 0 {
		<-applied
	}
	if _, err := admin.Exec(`UPDATE ` + pq.QuoteIdentifier(schemaOf(t, dsn)) + `.policygraph_log SET pruned_through = 1000000`); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, a, graphA(2))
	inStep("pruned log")
	if rebuilt := <-applied; !rebuilt {
		t.Errorf("a pruned log did not rebuild the replica's index")
	}

	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("Follow: %v", err)
		}
	}
}

func schemaOf(t *testing.T, dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}

// TestPostgresReplicaCatchUp measures how long a replica that missed a
// series of writes (it was not following) takes to apply them from the
// change log, against the time the writer took to write them. The ratio is
// logged for docs/benchmarks-history.md; the test asserts that the result matches the
// writer's index.
func TestPostgresReplicaCatchUp(t *testing.T) {
	dsn := postgresDSN(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := openStore(t, dsn)
	b := openStore(t, dsn)
	const docs, facts = 20, 200
	start := time.Now()
	var last int64
	for i := range docs {
		if _, err := a.WriteDocument(ctx, graph.SyntheticGraph(i, facts, 2000, 500)); err != nil {
			t.Fatal(err)
		}
	}
	wrote := time.Since(start)

	caughtUp := make(chan time.Duration, 1)
	start = time.Now()
	done := make(chan error, 1)
	go func() {
		done <- b.Follow(ctx, graph.FollowOptions{Applied: func(v int64, rebuilt bool) {
			if rebuilt {
				t.Errorf("catch-up rebuilt the index; the log covers the gap")
			}
			last = v
			caughtUp <- time.Since(start)
		}})
	}()
	var took time.Duration
	select {
	case took = <-caughtUp:
	case <-time.After(60 * time.Second):
		t.Fatal("the replica did not catch up within 60 s")
	}
	cancel()
	<-done
	if got, want := adjacency(b.Index()), adjacency(a.Index()); !reflect.DeepEqual(got, want) {
		t.Errorf("replica's index after catching up differs from the writer's (%d vs %d nodes)", len(got), len(want))
	}
	rebuild := time.Now()
	if err := b.RebuildIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	rebuilt := time.Since(rebuild)
	t.Logf("%d documents of %d facts (version %d): written by the writer in %v, applied by the replica in %v (ratio %.2f); a full rebuild takes %v",
		docs, facts, last, wrote.Round(time.Millisecond), took.Round(time.Millisecond), took.Seconds()/wrote.Seconds(), rebuilt.Round(time.Millisecond))
}

// TestPostgresReplicaSnapshot stops a replica that keeps a snapshot, lets
// another process write, add and remove documents meanwhile, and starts it
// again: it reads its snapshot, and Follow brings it to the database's state
// from the change log, without a rebuild. A snapshot of another database
// (another epoch), and one newer than the log, are each set aside for a scan.
func TestPostgresReplicaSnapshot(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	snap := filepath.Join(t.TempDir(), "replica.index")
	syn := func(i int) *graph.DocumentGraph { return graph.SyntheticGraph(i, 60, 40, 20) }
	open := func(dsn string) *graph.Store {
		t.Helper()
		s, err := graph.OpenWith(ctx, dsn, graph.OpenOptions{Snapshot: snap})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	replica := open(dsn)
	for i := range 3 {
		mustWrite(t, replica, syn(i))
	}
	if replica.IndexFromSnapshot() {
		t.Fatal("a new replica's index came from a snapshot")
	}
	replica.Close()
	if _, err := os.Stat(snap); err != nil {
		t.Fatalf("Close wrote no snapshot: %v", err)
	}

	writer := openStore(t, dsn)
	for i := 3; i < 6; i++ {
		mustWrite(t, writer, syn(i))
	}
	if err := writer.RemoveDocument(ctx, syn(1).Document.ID); err != nil {
		t.Fatal(err)
	}

	replica = open(dsn)
	if !replica.IndexFromSnapshot() {
		t.Fatal("the replica scanned the database instead of reading its snapshot")
	}
	fctx, cancel := context.WithCancel(ctx)
	caught := make(chan bool, 1)
	done := make(chan error, 1)
	go func() {
		done <- replica.Follow(fctx, graph.FollowOptions{Applied: func(v int64, rebuilt bool) {
			select {
			case caught <- rebuilt:
			default:
			}
		}})
	}()
	select {
	case rebuilt := <-caught:
		if rebuilt {
			t.Error("catching up from the snapshot rebuilt the index; the log covers the gap")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the replica did not catch up within 60 s")
	}
	cancel()
	<-done
	if got, want := adjacency(replica.Index()), adjacency(writer.Index()); !reflect.DeepEqual(got, want) {
		t.Fatalf("after catching up from its snapshot the replica's index differs from the writer's (%d vs %d nodes)", len(got), len(want))
	}
	replica.Close() // writes a snapshot of the caught-up state

	// A snapshot newer than the log, as after restoring the database from
	// an older backup: here the log's entries after its first are deleted.
	admin := postgresAdmin(t)
	schema := dsnSchema(t, dsn)
	if _, err := admin.Exec("DELETE FROM " + schema + ".policygraph_changes WHERE version > (SELECT min(version) FROM " + schema + ".policygraph_changes)"); err != nil {
		t.Fatal(err)
	}
	replica = open(dsn)
	if replica.IndexFromSnapshot() {
		t.Error("a replica read a snapshot newer than the change log")
	}
	if got, want := adjacency(replica.Index()), adjacency(writer.Index()); !reflect.DeepEqual(got, want) {
		t.Error("the replica's scanned index differs from the writer's")
	}
	replica.Close()

	// A snapshot of another database: same file, a fresh schema.
	other := open(postgresDSN(t))
	if other.IndexFromSnapshot() {
		t.Error("a replica of another database read this one's snapshot")
	}
	other.Close()
}

// dsnSchema is the search_path of a DSN made by postgresDSN.
func dsnSchema(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}

// TestPostgresBulkWriteReadsBack writes documents into PostgreSQL through
// the bulk path (pgbulk.go: COPY and multi-row inserts into Cayley's tables)
// and into memory, then reads both back through Cayley: the same quads, the
// same index after a reopen that scans the database, and node reference
// counts that match the quads, also after a replacement and a removal,
// which Cayley's own statements write.
func TestPostgresBulkWriteReadsBack(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	pg, err := graph.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	mem := openStore(t, "memory")
	gs := []*graph.DocumentGraph{graphA(1), graphB(), graphC()}
	for i := range 6 {
		gs = append(gs, graph.SyntheticGraph(i, 200, 60, 300))
	}
	for _, s := range []*graph.Store{pg, mem} {
		res, err := s.WriteDocuments(ctx, gs)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if r.Err != nil {
				t.Fatalf("document %d: %v", i, r.Err)
			}
		}
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	same := func(when string) {
		t.Helper()
		var a, b strings.Builder
		na, err := pg.ExportNQuads(ctx, &a, graph.ExportScope{})
		if err != nil {
			t.Fatal(err)
		}
		nb, err := mem.ExportNQuads(ctx, &b, graph.ExportScope{})
		if err != nil {
			t.Fatal(err)
		}
		if na != nb || a.String() != b.String() {
			t.Errorf("%s: PostgreSQL reads back %d quads, memory %d; same text: %v", when, na, nb, a.String() == b.String())
		}
		// Every node's reference count is the number of quad fields that
		// name it, as Cayley keeps it; none is left at zero.
		var bad int
		if err := db.QueryRow(`WITH r AS (SELECT h, count(*) AS c FROM (
				SELECT subject_hash AS h FROM quads UNION ALL SELECT predicate_hash FROM quads
				UNION ALL SELECT object_hash FROM quads UNION ALL SELECT label_hash FROM quads WHERE label_hash IS NOT NULL) x GROUP BY h)
			SELECT count(*) FROM nodes n FULL JOIN r ON r.h = n.hash WHERE n.refs IS DISTINCT FROM r.c`).Scan(&bad); err != nil {
			t.Fatal(err)
		}
		if bad != 0 {
			t.Errorf("%s: %d nodes have a reference count other than their quads'", when, bad)
		}
	}
	same("after the bulk write")
	if err := pg.Close(); err != nil {
		t.Fatal(err)
	}
	pg = openStore(t, dsn) // the index from a scan of what was written
	if got, want := adjacency(pg.Index()), adjacency(mem.Index()); !reflect.DeepEqual(got, want) {
		t.Errorf("index after reopen differs from memory's")
	}
	for _, s := range []*graph.Store{pg, mem} {
		mustWrite(t, s, graphA(2))
		if err := s.RemoveDocument(ctx, docB); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, s, graph.SyntheticGraph(40, 300, 60, 300))
	}
	same("after a replacement, a removal and another write")
	// The same document again changes nothing.
	before := stats(t, pg)
	if _, err := pg.WriteDocuments(ctx, []*graph.DocumentGraph{graph.SyntheticGraph(40, 300, 60, 300)}); err != nil {
		t.Fatal(err)
	}
	if after := stats(t, pg); !reflect.DeepEqual(after, before) {
		t.Errorf("an unchanged document changed the store: %+v, want %+v", after, before)
	}
}
