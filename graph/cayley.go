package graph

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/cayleygraph/cayley/graph/refs"
	"github.com/cayleygraph/cayley/query/shape"
	"github.com/cayleygraph/quad"
	hkv "github.com/hidal-go/hidalgo/kv"
	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
	bolt "go.etcd.io/bbolt"
)

// DefaultPath is the bbolt file Open uses for an empty DSN.
const DefaultPath = "./policygraph.db"

// lockTimeout is how long Open waits for another process to release a bbolt file.
const lockTimeout = 2 * time.Second

// backend is one kind of Cayley quad store behind a Store.
type backend interface {
	quadStore() cgraph.QuadStore
	// apply removes del and adds add in one transaction. Both are exact:
	// every quad in del is stored, none in add is.
	apply(ctx context.Context, del, add []quad.Quad) error
	// batchQuads is about how many quads a bulk write puts in one apply.
	batchQuads() int
	close() error
}

// openBackend picks the backend for dsn. A new backend is a new case here.
func openBackend(ctx context.Context, dsn string) (backend, error) {
	switch {
	case dsn == "memory":
		return &memBackend{qs: memstore.New()}, nil
	case isSQLDSN(dsn):
		return openPostgres(ctx, dsn)
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("unknown store scheme in %q: use \"memory\", a bbolt file path or a postgres:// URL", dsn)
	case dsn == "":
		dsn = DefaultPath
	}
	return openBolt(ctx, dsn)
}

// ---- memory ----

// memBackend is Cayley's memstore. It has no locking and no rollback: the
// Store serialises writes against reads, and apply checks every delta before
// it changes anything.
type memBackend struct {
	qs *memstore.QuadStore
}

func (b *memBackend) quadStore() cgraph.QuadStore { return b.qs }
func (b *memBackend) close() error                { return b.qs.Close() }
func (b *memBackend) batchQuads() int             { return BatchQuads }

func (b *memBackend) apply(ctx context.Context, del, add []quad.Quad) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ds := make([]cgraph.Delta, 0, len(del)+len(add))
	ds = appendDeltas(ds, del, cgraph.Delete)
	ds = appendDeltas(ds, add, cgraph.Add)
	// Strict options: memstore checks every delta before applying any.
	return b.qs.ApplyDeltas(ds, cgraph.IgnoreOpts{})
}

func appendDeltas(ds []cgraph.Delta, qs []quad.Quad, a cgraph.Procedure) []cgraph.Delta {
	for _, q := range qs {
		ds = append(ds, cgraph.Delta{Quad: q, Action: a})
	}
	return ds
}

// ---- bbolt ----

// boltBackend is Cayley's kv store over a bbolt file that we open ourselves,
// with a lock timeout.
//
// Cayley's kv ApplyDeltas resolves node reference counts per call and loses
// the directions of added quads whose values end the call with a negative
// net count (a replace that removes more quads with a value than it adds):
// the added quads are stored with those directions empty. So apply runs the
// deletions and the additions as two ApplyDeltas calls that share one bbolt
// write transaction (see sharedKV): still one commit, whole or not at all.
type boltBackend struct {
	path     string
	snapshot string // OpenOptions.Snapshot
	db       *sharedKV
	opts     cgraph.Options
	qs       cgraph.QuadStore
}

func openBolt(ctx context.Context, path string) (*boltBackend, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create directory for %s: %w", path, err)
		}
	}
	// The map freelist finds free pages by size instead of scanning a sorted
	// array: on a file of a few GB, commits spent much of their time there
	// (600 reports loaded in 100 s instead of 126 s). The file format is the
	// same.
	if err := checkBoltFile(path); err != nil {
		return nil, err
	}
	raw, err := hbolt.Open(path, &bolt.Options{Timeout: lockTimeout, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open %s: store is in use by another process (or another Store in this one); waited %v for its lock: %w", path, lockTimeout, err)
	} else if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	b := &boltBackend{path: path, db: &sharedKV{KV: raw}, opts: cgraph.Options{kv.OptNoBloom: true}}
	if err := kv.Init(b.db, b.opts); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
		raw.Close()
		return nil, fmt.Errorf("initialise %s: %w", path, err)
	}
	if b.qs, err = kv.New(b.db, b.opts); err != nil {
		raw.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return b, nil
}

func (b *boltBackend) quadStore() cgraph.QuadStore { return b.qs }

// snapshotter is a backend whose index can be kept in a snapshot file
// (snapshot.go).
type snapshotter interface {
	// snapshotPath is the file; "" for none. setSnapshotPath sets it
	// (OpenOptions.Snapshot; "" for the backend's default).
	snapshotPath() string
	setSnapshotPath(path string)
	// stamp is the state of the store the index reflects, to write.
	stamp(ctx context.Context) (snapshotStamp, error)
	// accepts tells whether a snapshot of that stamp can serve now
	// (adopt then makes the backend start from it).
	accepts(ctx context.Context, s snapshotStamp) bool
	adopt(s snapshotStamp)
	perm() os.FileMode // of the snapshot
}

// A bbolt file's snapshot is beside it (or where OpenOptions.Snapshot
// says), and serves only the very state it was written for.
func (b *boltBackend) snapshotPath() string {
	if b.snapshot != "" {
		return b.snapshot
	}
	return b.path + ".index"
}

func (b *boltBackend) setSnapshotPath(path string) { b.snapshot = path }

func (b *boltBackend) accepts(ctx context.Context, s snapshotStamp) bool {
	now, err := b.stamp(ctx)
	return err == nil && s == now
}

func (b *boltBackend) adopt(snapshotStamp) {}

func (b *boltBackend) perm() os.FileMode {
	if fi, err := os.Stat(b.path); err == nil {
		return fi.Mode().Perm()
	}
	return 0o600
}

// stamp is the file's last transaction ID, size and modification time.
func (b *boltBackend) stamp(context.Context) (snapshotStamp, error) {
	tx, err := b.db.KV.(*hbolt.DB).DB().Begin(false)
	if err != nil {
		return snapshotStamp{}, err
	}
	id := uint64(tx.ID())
	tx.Rollback()
	fi, err := os.Stat(b.path)
	if err != nil {
		return snapshotStamp{}, err
	}
	return snapshotStamp{TxID: id, Size: fi.Size(), MTime: fi.ModTime().UnixNano()}, nil
}
func (b *boltBackend) close() error    { return b.qs.Close() }
func (b *boltBackend) batchQuads() int { return BatchQuads }

func (b *boltBackend) apply(ctx context.Context, del, add []quad.Quad) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := b.db.begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		b.db.end()
		if err != nil {
			tx.Close() // roll back
			// The quad store caches node IDs it resolved or created in
			// the rolled back transaction: start afresh.
			if qs, err2 := kv.New(b.db, b.opts); err2 == nil {
				b.qs = qs
			}
		}
	}()
	if len(del) > 0 {
		if err := b.qs.ApplyDeltas(appendDeltas(nil, del, cgraph.Delete), cgraph.IgnoreOpts{}); err != nil {
			return err
		}
	}
	if len(add) > 0 {
		if err := b.qs.ApplyDeltas(appendDeltas(nil, add, cgraph.Add), cgraph.IgnoreOpts{}); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// sharedKV lets several Cayley ApplyDeltas calls run in one bbolt write
// transaction: between begin and end, a request for a write transaction gets
// the open one, whose Commit and Close do nothing. Read transactions go to
// bbolt as usual. Only the Store's single writer calls begin/end.
type sharedKV struct {
	hkv.KV
	mu sync.Mutex
	tx hkv.Tx
}

func (k *sharedKV) begin(ctx context.Context) (hkv.Tx, error) {
	tx, err := k.KV.Tx(ctx, true)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.tx = tx
	k.mu.Unlock()
	return tx, nil
}

func (k *sharedKV) end() {
	k.mu.Lock()
	k.tx = nil
	k.mu.Unlock()
}

func (k *sharedKV) Tx(ctx context.Context, rw bool) (hkv.Tx, error) {
	if rw {
		k.mu.Lock()
		tx := k.tx
		k.mu.Unlock()
		if tx != nil {
			return nestedTx{tx}, nil
		}
	}
	return k.KV.Tx(ctx, rw)
}

func (k *sharedKV) View(ctx context.Context, fn func(tx hkv.Tx) error) error {
	return hkv.View(ctx, k, fn)
}

func (k *sharedKV) Update(ctx context.Context, fn func(tx hkv.Tx) error) error {
	return hkv.Update(ctx, k, fn)
}

type nestedTx struct{ hkv.Tx }

func (nestedTx) Commit(context.Context) error { return nil }
func (nestedTx) Close() error                 { return nil }

// ---- reading ----

// reader reads quads from a Cayley quad store in batches. Each batched call
// is one read round trip, counted in n when n is not nil.
type reader struct {
	qs cgraph.QuadStore
	n  *atomic.Int64
	db *sql.DB // PostgreSQL's, for the batched reads of pgread.go; nil elsewhere
}

func (r reader) count() {
	if r.n != nil {
		r.n.Add(1)
	}
}

// grouped maps a node to the quads found for it.
type grouped map[quad.Value][]quad.Quad

// bySubject returns the quads whose subject is one of vals.
func (r reader) bySubject(ctx context.Context, vals []quad.Value, preds ...quad.Value) (grouped, error) {
	return r.lookup(ctx, quad.Subject, vals, preds)
}

// bySubjectPreds is bySubject for subjects most of whose quads have other
// predicates than preds: a document lists every node it wrote with pg:has
// (a thousand or more on a generated report), and bySubject reads each of
// those quads from Cayley's log only to see its predicate. On a kv store
// (bbolt) it reads the [S,P] index once for each subject and predicate
// instead, so only the quads asked for are read; on other stores it is
// bySubject.
func (r reader) bySubjectPreds(ctx context.Context, vals []quad.Value, preds ...quad.Value) (grouped, error) {
	return r.lookupIndexed(ctx, quad.Subject, vals, preds, true)
}

// inLinks returns, for each of vals, the quads with it as object and pred as predicate.
func (r reader) inLinks(ctx context.Context, vals []quad.Value, pred quad.IRI) (grouped, error) {
	return r.lookup(ctx, quad.Object, vals, []quad.Value{pred})
}

// lookup returns the quads with one of vals in direction dir, grouped by that
// value. If preds are given, only quads with one of them as predicate are
// read; the others are skipped before their values are resolved.
func (r reader) lookup(ctx context.Context, dir quad.Direction, vals []quad.Value, preds []quad.Value) (grouped, error) {
	return r.lookupIndexed(ctx, dir, vals, preds, false)
}

// indexScan returns an iterator over the quads with n in direction dir and
// p as predicate, read from an index of the store whose keys start with
// those two values (a kv store's [S,P] index), or nil when the store has no
// such index. Cayley's own optimizer picks the index.
func (r reader) indexScan(ctx context.Context, dir quad.Direction, n, p cgraph.Ref) iterator.Shape {
	o, ok := r.qs.(shape.Optimizer)
	if !ok {
		return nil
	}
	s, ok := o.OptimizeShape(ctx, shape.QuadsAction{Result: dir, Filter: map[quad.Direction]refs.Ref{dir: n, quad.Predicate: p}})
	if !ok {
		return nil
	}
	nf, ok := s.(shape.NodesFrom)
	if !ok {
		return nil
	}
	scan, ok := nf.Quads.(kv.IndexScan)
	if !ok || len(scan.Values) != 2 {
		return nil
	}
	return scan.BuildIterator(r.qs)
}

// lookupIndexed is lookup; with indexed and preds, it reads each value's
// quads of each predicate through indexScan where the store allows.
func (r reader) lookupIndexed(ctx context.Context, dir quad.Direction, vals []quad.Value, preds []quad.Value, indexed bool) (grouped, error) {
	out := make(grouped, len(vals))
	vals = uniqueValues(vals)
	if len(vals) == 0 {
		return out, nil
	}
	r.count()
	lookup := append(vals[:len(vals):len(vals)], preds...)
	nodes, err := r.refsOf(ctx, lookup)
	if err != nil {
		return nil, err
	}
	var predKeys map[any]bool
	if len(preds) > 0 {
		predKeys = make(map[any]bool, len(preds))
		for _, p := range nodes[len(vals):] {
			if !isNilRef(p) {
				predKeys[p.Key()] = true
			}
		}
		if len(predKeys) == 0 {
			return out, nil // none of the predicates is in the store
		}
	}
	var predRefs []cgraph.Ref
	if indexed && predKeys != nil {
		for _, p := range nodes[len(vals):] {
			if !isNilRef(p) {
				predRefs = append(predRefs, p)
			}
		}
		// In the order of the index's keys, as a scan of the value's
		// prefix would give them.
		slices.SortFunc(predRefs, func(a, b cgraph.Ref) int { return cmp.Compare(refOrder(a), refOrder(b)) })
		predRefs = slices.CompactFunc(predRefs, func(a, b cgraph.Ref) bool { return a.Key() == b.Key() })
	}
	var links []cgraph.Ref
	each := nodes[:len(vals)] // the nodes read one at a time below
	if r.db != nil {
		var preds []cgraph.Ref
		if predKeys != nil {
			preds = nodes[len(vals):]
		}
		if links, err = pgQuadsOf(ctx, r.db, dir, each, preds); err != nil {
			return nil, err
		}
		each = nil
	}
	for _, n := range each {
		if isNilRef(n) {
			continue
		}
		if len(predRefs) > 0 {
			if done, err := r.scanPreds(ctx, dir, n, predRefs, &links); err != nil {
				return nil, err
			} else if done {
				continue
			}
		}
		it := r.qs.QuadIterator(dir, n).Iterate()
		for it.Next(ctx) {
			l := it.Result()
			if predKeys != nil {
				p, err := r.qs.QuadDirection(l, quad.Predicate)
				if err != nil {
					it.Close()
					return nil, err
				}
				if isNilRef(p) || !predKeys[p.Key()] {
					continue
				}
			}
			links = append(links, l)
		}
		err := it.Err()
		it.Close()
		if err != nil {
			if ctx.Err() != nil { // the SQL backend's iterators flatten the context's error to text
				return nil, ctx.Err()
			}
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil { // a cancelled iterator stops without an error
		return nil, err
	}
	quads, err := r.resolve(ctx, links, nil)
	if err != nil {
		return nil, err
	}
	for _, q := range quads {
		k := q.Get(dir)
		out[k] = append(out[k], q)
	}
	return out, nil
}

// scanPreds appends to links the quads with n in direction dir and one of
// preds as predicate, read through indexScan, and reports false, having
// appended nothing, when the store has no index for that.
func (r reader) scanPreds(ctx context.Context, dir quad.Direction, n cgraph.Ref, preds []cgraph.Ref, links *[]cgraph.Ref) (bool, error) {
	its := make([]iterator.Shape, len(preds))
	for i, p := range preds {
		if its[i] = r.indexScan(ctx, dir, n, p); its[i] == nil {
			return false, nil
		}
	}
	for _, sh := range its {
		it := sh.Iterate()
		for it.Next(ctx) {
			*links = append(*links, it.Result())
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return false, err
		}
	}
	return true, ctx.Err()
}

// refOrder is the number of a kv store's node reference (the order of its
// index keys), 0 for others.
func refOrder(r cgraph.Ref) int64 {
	if v, ok := r.(kv.Int64Value); ok {
		return int64(v)
	}
	return 0
}

// refsOf returns the node references of vals, nil (or 0) for values not in
// the store. (Cayley's refs.RefsOf fails on a missing value unless the store
// resolves in batches.)
func (r reader) refsOf(ctx context.Context, vals []quad.Value) ([]cgraph.Ref, error) {
	if bn, ok := r.qs.(refs.BatchNamer); ok {
		return bn.RefsOf(ctx, vals)
	}
	out := make([]cgraph.Ref, len(vals))
	for i, v := range vals {
		n, err := r.qs.ValueOf(v)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// valuesOf returns the values of node references, nil for one not stored.
func (r reader) valuesOf(ctx context.Context, ns []cgraph.Ref) ([]quad.Value, error) {
	if r.db != nil {
		return pgValuesOf(ctx, r.db, r.qs, ns)
	}
	return cgraph.ValuesOf(ctx, r.qs, ns)
}

// resolve turns quad references into quads, resolving each node value once.
// cache may carry values over between calls.
func (r reader) resolve(ctx context.Context, links []cgraph.Ref, cache map[any]quad.Value) ([]quad.Quad, error) {
	if cache == nil {
		cache = make(map[any]quad.Value)
	}
	dirRefs := make([]cgraph.Ref, 4*len(links))
	var missing []cgraph.Ref
	var missingKeys []any
	pending := make(map[any]bool)
	for i, l := range links {
		for j, d := range quad.Directions {
			n, err := r.qs.QuadDirection(l, d)
			if err != nil {
				return nil, err
			}
			if isNilRef(n) {
				continue
			}
			dirRefs[4*i+j] = n
			k := n.Key()
			if _, ok := cache[k]; ok || pending[k] {
				continue
			}
			pending[k] = true
			missing = append(missing, n)
			missingKeys = append(missingKeys, k)
		}
	}
	if len(missing) > 0 {
		vals, err := r.valuesOf(ctx, missing)
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			cache[missingKeys[i]] = v
		}
	}
	out := make([]quad.Quad, 0, len(links))
	for i := range links {
		var q quad.Quad
		for j, d := range quad.Directions {
			if n := dirRefs[4*i+j]; n != nil {
				q.Set(d, cache[n.Key()])
			}
		}
		if q.Subject == nil || q.Predicate == nil || q.Object == nil {
			continue // deleted under us; cannot happen while the Store's lock is held
		}
		out = append(out, q)
	}
	return out, nil
}

// all calls fn with every quad of the store whose predicate is one of preds,
// in batches. Other quads are skipped before their values are read.
func (r reader) all(ctx context.Context, preds []quad.Value, fn func([]quad.Quad) error) error {
	const batch = 20000
	cache := make(map[any]quad.Value)
	predRefs, err := r.refsOf(ctx, preds)
	if err != nil {
		return err
	}
	want := make(map[any]bool, len(preds))
	for _, p := range predRefs {
		if !isNilRef(p) {
			want[p.Key()] = true
		}
	}
	if len(want) == 0 {
		return nil
	}
	it := r.qs.QuadsAllIterator().Iterate()
	defer it.Close()
	links := make([]cgraph.Ref, 0, batch)
	flush := func() error {
		qs, err := r.resolve(ctx, links, cache)
		if err != nil {
			return err
		}
		links = links[:0]
		return fn(qs)
	}
	for it.Next(ctx) {
		l := it.Result()
		if p, err := r.qs.QuadDirection(l, quad.Predicate); err != nil {
			return err
		} else if isNilRef(p) || !want[p.Key()] {
			continue
		}
		links = append(links, l)
		if len(links) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := it.Err(); err != nil {
		return err
	}
	return flush()
}

func isNilRef(r cgraph.Ref) bool {
	if r == nil {
		return true
	}
	if v, ok := r.(kv.Int64Value); ok && v == 0 {
		return true
	}
	return false
}

func uniqueValues(vals []quad.Value) []quad.Value {
	seen := make(map[quad.Value]bool, len(vals))
	out := make([]quad.Value, 0, len(vals))
	for _, v := range vals {
		if v == nil || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// quadCount returns the number of quads in the store.
func quadCount(ctx context.Context, qs cgraph.QuadStore) (int64, error) {
	st, err := qs.Stats(ctx, true)
	if errors.Is(err, kv.ErrNoBucket) {
		return 0, nil // a kv store nothing was ever written to has no log yet
	}
	if err != nil {
		return 0, err
	}
	return st.Quads.Value, nil
}
