package graph

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"

	cgraph "github.com/cayleygraph/cayley/graph"
	csql "github.com/cayleygraph/cayley/graph/sql"
	_ "github.com/cayleygraph/cayley/graph/sql/cockroach" // registers "cockroach" (pgx)
	cpg "github.com/cayleygraph/cayley/graph/sql/postgres"
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"
)

// pgFlavor is Cayley's PostgreSQL backend (same tables, same driver, same
// statements) with one addition: every write also appends to policygraph's
// change log inside Cayley's own transaction (see pgLogTx).
const pgFlavor = "policygraph-postgres"

// pgChannel is the LISTEN/NOTIFY channel a commit notifies with its last
// change-log version.
const pgChannel = "policygraph_changes"

// pgLockKey is the PostgreSQL advisory lock that serialises writers of one
// database (a transaction lock) and schema creation (a session lock).
const pgLockKey = 0x706f6c6963796772 // "policygr"

// pgRetention is how long the change log keeps entries. A replica that was
// away longer rebuilds its index from a full scan.
const pgRetention = "7 days"

const pgSchema = `
CREATE TABLE IF NOT EXISTS policygraph_changes (
	version  BIGSERIAL PRIMARY KEY,
	document TEXT NOT NULL,
	change   TEXT NOT NULL,
	at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS policygraph_log (
	id             INT PRIMARY KEY CHECK (id = 1),
	epoch          TEXT NOT NULL,
	pruned_through BIGINT NOT NULL DEFAULT 0
);`

func init() {
	csql.Register(pgFlavor, csql.Registration{
		Driver:             "postgres",
		HashType:           `BYTEA`,
		BytesType:          `BYTEA`,
		HorizonType:        `BIGSERIAL`,
		TimeType:           `timestamp with time zone`,
		QueryDialect:       cpg.QueryDialect,
		ConditionalIndexes: true,
		FillFactor:         true,
		Error:              cpg.ConvError,
		Estimated: func(table string) string {
			return "SELECT reltuples::BIGINT AS estimate FROM pg_class WHERE relname='" + table + "';"
		},
		RunTx:   pgRunTx, // cpg.RunTxPostgres's rows, in bulk (pgbulk.go)
		TxRetry: pgLogTx,
	})
}

// pgTx is what the Store's write hands to pgLogTx: the change-log entries to
// append, and the versions they got. Cayley's ApplyDeltas gives its
// transaction to the flavor's TxRetry hook and to nothing else, so the entry
// travels through pgPending, which is set and read only under pgTxMu.
type pgTx struct {
	changes  []logEntry
	versions []int64
}

var (
	pgTxMu    sync.Mutex
	pgPending *pgTx
)

// pgLogTx wraps the statements of one Cayley write transaction. It takes the
// database's writer lock before them, so that change-log versions are given
// out in commit order (a reader that has seen version v has seen every
// version below it), and appends the log entries and a notification after
// them: all in the transaction, so a document's quads and its log entry
// commit together or not at all.
func pgLogTx(tx *sql.Tx, stmts func() error) error {
	p := pgPending
	if p == nil || len(p.changes) == 0 {
		return stmts()
	}
	if _, err := tx.Exec(`SELECT pg_advisory_xact_lock($1)`, int64(pgLockKey)); err != nil {
		return fmt.Errorf("take the writer lock: %w", err)
	}
	if err := stmts(); err != nil {
		return err
	}
	p.versions = p.versions[:0]
	for _, c := range p.changes {
		js, err := json.Marshal(c.change)
		if err != nil {
			return err
		}
		var v int64
		if err := tx.QueryRow(`INSERT INTO policygraph_changes (document, change) VALUES ($1, $2) RETURNING version`,
			c.doc, string(js)).Scan(&v); err != nil {
			return fmt.Errorf("append to the change log: %w", err)
		}
		p.versions = append(p.versions, v)
	}
	last := strconv.FormatInt(p.versions[len(p.versions)-1], 10)
	if _, err := tx.Exec(`SELECT pg_notify($1, $2)`, pgChannel, last); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// pgBackend is Cayley's SQL backend on PostgreSQL (or CockroachDB).
//
// Cayley's SQL ApplyDeltas runs a whole delta list in one transaction and
// keeps node reference counts in the nodes table, updated in place, so the
// kv backend's trouble with mixed additions and deletions (see boltBackend)
// does not arise: apply is one ApplyDeltas call.
type pgBackend struct {
	dsn    string
	flavor string
	qs     cgraph.QuadStore
	db     *sql.DB // the change log; nil without one (CockroachDB)

	mu      sync.Mutex
	epoch   string         // the change log's identity, to detect a recreated database
	start   int64          // the last log version before Open's index scan (or in its snapshot)
	applied int64          // the index reflects every log entry up to this version
	own     map[int64]bool // versions this backend wrote and the Store already applied

	snapshot string // OpenOptions.Snapshot: where this replica keeps its index between runs
}

// A replica's snapshot (OpenOptions.Snapshot) is stamped with the change
// log's epoch and the version through which the index reflects every entry.
// It serves a later start of the same database, as long as the log still
// holds every entry after that version: Follow then applies them, as it does
// for a replica that fell behind.
func (b *pgBackend) snapshotPath() string {
	if b.db == nil {
		return "" // CockroachDB: no change log to catch up from
	}
	return b.snapshot
}

func (b *pgBackend) setSnapshotPath(path string) { b.snapshot = path }

func (b *pgBackend) stamp(context.Context) (snapshotStamp, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return snapshotStamp{Epoch: b.epoch, TxID: uint64(b.applied)}, nil
}

func (b *pgBackend) accepts(ctx context.Context, s snapshotStamp) bool {
	st, err := readLogState(ctx, b.db)
	v := int64(s.TxID)
	return err == nil && s.Epoch == st.epoch && s.Size == 0 && s.MTime == 0 && v >= st.pruned && v <= st.last
}

func (b *pgBackend) adopt(s snapshotStamp) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.start, b.applied = int64(s.TxID), int64(s.TxID)
}

func (b *pgBackend) perm() os.FileMode { return 0o600 }

// followed records that the index reflects every entry through version v.
func (b *pgBackend) followed(v int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.applied = max(b.applied, v)
}

// isSQLDSN tells whether dsn names a PostgreSQL or CockroachDB database.
func isSQLDSN(dsn string) bool {
	for _, p := range []string{"postgres://", "postgresql://", "cockroach://", "cockroachdb://"} {
		if strings.HasPrefix(dsn, p) {
			return true
		}
	}
	return false
}

// openPostgres opens the database named by a postgres://, postgresql://,
// cockroach:// or cockroachdb:// URL, creating Cayley's tables and the change
// log if they are not there.
func openPostgres(ctx context.Context, dsn string) (*pgBackend, error) {
	b := &pgBackend{dsn: dsn, flavor: pgFlavor, own: make(map[int64]bool)}
	if rest, ok := strings.CutPrefix(dsn, "cockroachdb://"); ok {
		b.flavor, b.dsn = "cockroach", "postgresql://"+rest
	} else if rest, ok := strings.CutPrefix(dsn, "cockroach://"); ok {
		b.flavor, b.dsn = "cockroach", "postgresql://"+rest
	}
	where := redactDSN(dsn)
	if b.flavor == "cockroach" {
		if err := cgraph.InitQuadStore(b.flavor, b.dsn, nil); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
			return nil, fmt.Errorf("initialise %s: %w", where, err)
		}
		qs, err := cgraph.NewQuadStore(b.flavor, b.dsn, nil)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", where, err)
		}
		b.qs = qs
		return b, nil
	}

	db, err := sql.Open("postgres", b.dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", where, err)
	}
	if err := b.setup(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", where, err)
	}
	b.db = db
	qs, err := cgraph.NewQuadStore(b.flavor, b.dsn, nil)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", where, err)
	}
	b.qs = qs
	return b, nil
}

// setup creates Cayley's tables and the change log under a session advisory
// lock (two processes opening a new database at once would otherwise race to
// create the same tables), prunes old log entries and reads the version the
// index scan that follows starts from.
func (b *pgBackend) setup(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(pgLockKey)); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(pgLockKey))
	// Cayley's Init logs an error when the tables exist: look first.
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT to_regclass('quads') IS NOT NULL`).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if err := cgraph.InitQuadStore(b.flavor, b.dsn, nil); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
			return fmt.Errorf("initialise: %w", err)
		}
	}
	if _, err := conn.ExecContext(ctx, pgSchema); err != nil {
		return fmt.Errorf("create the change log: %w", err)
	}
	var buf [8]byte
	rand.Read(buf[:])
	if _, err := conn.ExecContext(ctx, `INSERT INTO policygraph_log (id, epoch) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
		hex.EncodeToString(buf[:])); err != nil {
		return err
	}
	// Prune: remember the last version removed, so that a replica that
	// has not seen it knows the log no longer covers its gap.
	if _, err := conn.ExecContext(ctx, `WITH gone AS (
		DELETE FROM policygraph_changes WHERE at < now() - interval '`+pgRetention+`' RETURNING version)
		UPDATE policygraph_log SET pruned_through = GREATEST(pruned_through, (SELECT max(version) FROM gone))
		WHERE EXISTS (SELECT 1 FROM gone)`); err != nil {
		return fmt.Errorf("prune the change log: %w", err)
	}
	st, err := readLogState(ctx, conn)
	if err != nil {
		return err
	}
	b.epoch, b.start, b.applied = st.epoch, st.last, st.last
	return nil
}

// logState is the change log's header.
type logState struct {
	epoch  string
	pruned int64 // versions up to this one may have been removed
	last   int64 // the greatest version, 0 for none
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readLogState(ctx context.Context, q queryer) (logState, error) {
	var st logState
	err := q.QueryRowContext(ctx, `SELECT epoch, pruned_through,
		(SELECT COALESCE(max(version), 0) FROM policygraph_changes) FROM policygraph_log WHERE id = 1`).
		Scan(&st.epoch, &st.pruned, &st.last)
	if err != nil {
		return st, fmt.Errorf("read the change log: %w", err)
	}
	return st, nil
}

func (b *pgBackend) quadStore() cgraph.QuadStore { return b.qs }
func (b *pgBackend) batchQuads() int             { return sqlBatchQuads }

func (b *pgBackend) close() error {
	err := b.qs.Close()
	if b.db != nil {
		err = errors.Join(err, b.db.Close())
	}
	return err
}

// apply runs del and add as one Cayley ApplyDeltas call: one SQL
// transaction, which also appends each document's change to the log.
func (b *pgBackend) apply(ctx context.Context, del, add []quad.Quad) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ds := make([]cgraph.Delta, 0, len(del)+len(add))
	ds = appendDeltas(ds, del, cgraph.Delete)
	ds = appendDeltas(ds, add, cgraph.Add)
	if b.db == nil {
		return b.qs.ApplyDeltas(ds, cgraph.IgnoreOpts{})
	}
	p := &pgTx{changes: summarize(del, add)}
	pgTxMu.Lock()
	pgPending = p
	err := b.qs.ApplyDeltas(ds, cgraph.IgnoreOpts{})
	pgPending = nil
	pgTxMu.Unlock()
	if err != nil {
		return err
	}
	b.mu.Lock()
	for _, v := range p.versions {
		b.own[v] = true
	}
	b.mu.Unlock()
	return nil
}

// forgetCounts makes Cayley count quads and nodes again on the next Stats:
// it caches the counts and resets them only after its own writes, so a
// replica would keep reporting the counts it saw before other processes
// wrote. An empty ApplyDeltas resets them (at the cost of an empty
// transaction).
func (b *pgBackend) forgetCounts() error {
	pgTxMu.Lock()
	defer pgTxMu.Unlock()
	return b.qs.ApplyDeltas(nil, cgraph.IgnoreOpts{})
}

// liveFacts returns which of the facts ids have a pg:factRecord quad in the
// database now, with one query.
func (b *pgBackend) liveFacts(ctx context.Context, ids []string) (map[string]bool, error) {
	live := make(map[string]bool)
	if len(ids) == 0 {
		return live, nil
	}
	hashes := make([][]byte, len(ids))
	back := make(map[string]string, len(ids))
	for i, id := range ids {
		h := csql.HashOf(quad.IRI(id)).SQLValue().([]byte)
		hashes[i] = h
		back[string(h)] = id
	}
	pred := csql.HashOf(pFactRec).SQLValue()
	rows, err := b.db.QueryContext(ctx, `SELECT DISTINCT subject_hash FROM quads WHERE subject_hash = ANY($1) AND predicate_hash = $2`,
		pq.ByteaArray(hashes), pred)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		live[back[string(h)]] = true
	}
	return live, rows.Err()
}

// redactDSN returns dsn without its password, for error messages.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the database"
	}
	return u.Redacted()
}
