package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cayleygraph/quad"
)

// ErrNotFound is returned (wrapped) when a document asked for is not stored.
var ErrNotFound = errors.New("not found")

// ErrOldLayout is returned by Open for a store written by a policygraph
// older than quad layout 2 (see quads.go); its documents must be loaded
// again into a new store.
var ErrOldLayout = errors.New("the store was written with policygraph's first quad layout (one quad per fact attribute, pg:from), which this version no longer reads: load the documents again into a new store")

// ErrProtected is what a *ProtectedError is (errors.Is).
var ErrProtected = errors.New("the document is protected")

// ProtectedError is returned (wrapped) by a write that would replace or
// remove a protected document (Document.Protected, such as the gazetteer):
// only a graph marked Protected itself may replace one, and none may remove it.
type ProtectedError struct{ ID string }

func (e *ProtectedError) Error() string {
	return e.ID + " is protected (other documents refer to what it holds): it can be neither removed nor replaced; give a document that would get its ID another name"
}

func (e *ProtectedError) Is(target error) bool { return target == ErrProtected }

// ConflictError is returned (wrapped) by WriteDocumentWith with
// SameSourceOnly when a document loaded from another source (file name)
// holds the ID the new one would get.
type ConflictError struct {
	ID     string
	Stored string // the stored version's Source
	Source string // the new version's
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s holds the document loaded from %q, not %q", e.ID, e.Stored, e.Source)
}

// TooLargeError is returned (wrapped) by WriteDocumentWith with MaxQuads
// for a document that would write more quads than that, and by the loaders
// for one that gives more facts, mentions and sections while being read (a
// lower bound: AtLeast). Nothing of it is written.
type TooLargeError struct {
	ID      string
	Quads   int  // the quads the document would write, or at least (AtLeast)
	AtLeast bool // Quads is a lower bound: reading stopped there
	Max     int
}

func (e *TooLargeError) Error() string {
	at := ""
	if e.AtLeast {
		at = "at least "
	}
	return fmt.Sprintf("%s would write %s%d quads, over the %d one document may", e.ID, at, e.Quads, e.Max)
}

// ErrClosed is returned (wrapped) by calls on a closed Store.
var ErrClosed = errors.New("store is closed")

// Store keeps the knowledge graph in Cayley, one transaction per document,
// and keeps an in-memory Index in step with it.
//
// Locking: writes (WriteDocument, RemoveDocument, RebuildIndex) are
// serialised by one mutex; a write reads what it replaces without blocking
// readers, then commits under the write side of a RWMutex whose read side
// every read call holds for its whole duration. So a read never overlaps a
// commit: it sees each document whole, before or after, on every backend
// (memstore has no locking of its own; on bbolt a read of several round
// trips would otherwise straddle a commit). The Index has its own lock and is
// updated right after the commit, before the write returns.
type Store struct {
	be    backend
	index *Index
	cache *entityCache // see entitycache.go
	facts factCache    // see readcache.go
	docs  docCache     // see readcache.go
	reads atomic.Int64

	batchQuads int // be.batchQuads(); tests set less

	writeMu sync.Mutex   // serialises writers
	mu      sync.RWMutex // readers vs commits; guards closed
	closed  bool

	snapshot        snapshotStamp // of the store when its snapshot was read or written (snapshot.go)
	snapshotVersion uint64        // the index's version then
	fromSnapshot    bool          // Open read the index from the snapshot
}

// WriteResult tells what WriteDocument (or WriteDocuments, for one document) did.
type WriteResult struct {
	Unchanged    bool // the document was stored with the same hash: nothing changed
	Replaced     bool // another version of the document was stored and has been replaced
	QuadsAdded   int
	QuadsRemoved int
	Err          error // WriteDocuments only: why this document was not written
}

// Stats counts what the Store holds.
type Stats struct {
	Documents int
	Nodes     map[Kind]int     // live nodes by kind, documents included
	Facts     map[Relation]int // facts by relation
	Quads     int64
}

// Open opens (creating if needed) the store named by dsn: "memory" for an
// in-memory Cayley memstore, anything else a file path for the embedded bbolt
// backend ("" means DefaultPath; the file is the bbolt file itself). A bbolt
// file another process (or another Store) has open makes Open fail after two
// seconds with an error saying the store is in use. A "postgres://" or
// "postgresql://" URL opens Cayley's SQL backend on PostgreSQL, which several
// processes may share (see Follow); "cockroach://" or "cockroachdb://" the
// same on CockroachDB.
//
// Open builds the Index with one scan of the store; on bbolt, it reads the
// snapshot Close wrote beside the file instead, if the file has not changed
// since (see snapshot.go). It is OpenWith with no options.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWith(ctx, dsn, OpenOptions{})
}

// OpenOptions tune OpenWith.
type OpenOptions struct {
	// Snapshot is the file the index is kept in between runs (snapshot.go).
	// A bbolt store uses its path + ".index" when this is empty. A
	// PostgreSQL replica keeps none unless this is set; with it, Open
	// reads the index from the file when the change log still holds every
	// entry since, and Follow applies those entries.
	Snapshot string
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, opts OpenOptions) (s *Store, err error) {
	// A damaged bbolt file that passed checkBoltFile can still make bbolt
	// panic, or fault on a mapped page, while the index is built: that
	// becomes an error naming the file, not a crash.
	var be backend
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			if be != nil {
				func() {
					defer func() { recover() }()
					be.close()
				}()
			}
			s, err = nil, fmt.Errorf("open store: %w", damagedStore(dsn, fmt.Sprint(p)))
		}
	}()
	be, err = openBackend(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s = &Store{be: be, cache: newEntityCache(), batchQuads: be.batchQuads()}
	if sn, ok := be.(snapshotter); ok {
		sn.setSnapshotPath(opts.Snapshot)
	}
	if sn, ok := be.(snapshotter); ok && sn.snapshotPath() != "" {
		x, stamp, err := loadSnapshot(sn.snapshotPath(), func(st snapshotStamp) bool { return sn.accepts(ctx, st) })
		if err == nil { // the layout check of buildIndex, which costs one look-up
			if old, lerr := (readerOf(be)).hasPredicate(ctx, pOldFrom); lerr != nil || old {
				x, err = nil, errNoSnapshot
			}
		}
		switch {
		case err == nil:
			sn.adopt(stamp)
			s.index, s.snapshot, s.fromSnapshot = x, stamp, true
			s.snapshotVersion = x.Version()
		case !errors.Is(err, errNoSnapshot):
			slog.Warn("index snapshot not used: scanning the store instead", "file", sn.snapshotPath(), "err", err)
		}
	}
	if s.index == nil {
		s.index, err = buildIndex(ctx, readerOf(be))
		if err != nil {
			be.close()
			if bb, ok := be.(*boltBackend); ok && ctx.Err() == nil && !errors.Is(err, ErrOldLayout) {
				// Cayley could not decode what it read: the file is damaged.
				err = &DamagedError{Path: bb.path, Reason: err.Error()}
			}
			return nil, fmt.Errorf("open store: %w", err)
		}
		s.releaseMemory() // what the scan read is in the index now
	}
	return s, nil
}

// damagedStore is the error for a store that made its backend panic while
// it was opened.
func damagedStore(dsn, reason string) error {
	if dsn == "memory" || strings.Contains(dsn, "://") {
		return fmt.Errorf("%s: the store could not be read (%s)", redactDSN(dsn), reason)
	}
	if dsn == "" {
		dsn = DefaultPath
	}
	return &DamagedError{Path: dsn, Reason: reason}
}

// IndexFromSnapshot reports whether Open read the index from a snapshot
// (beside a bbolt file, or OpenOptions.Snapshot) instead of scanning the
// store.
func (s *Store) IndexFromSnapshot() bool { return s.fromSnapshot }

// saveSnapshot writes the index's snapshot, unless the one read at Open
// (or written before) is of the store as it is. Locks held.
func (s *Store) saveSnapshot() {
	sn, ok := s.be.(snapshotter)
	if !ok || sn.snapshotPath() == "" {
		return
	}
	stamp, err := sn.stamp(context.Background())
	if err == nil && stamp == s.snapshot && s.index.Version() == s.snapshotVersion {
		return
	}
	if err == nil {
		err = saveSnapshot(sn.snapshotPath(), s.index, stamp, sn.perm())
	}
	if err != nil {
		slog.Warn("index snapshot not written: the next start will scan the store", "file", sn.snapshotPath(), "err", err)
		return
	}
	s.snapshot, s.snapshotVersion = stamp, s.index.Version()
}

// Close closes the store. It waits for running calls to finish.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.saveSnapshot()
	if err := s.be.close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Index returns the live adjacency index. It stays valid, and current, for
// the life of the Store.
func (s *Store) Index() *Index { return s.index }

// Reads returns the number of read round trips made to Cayley by read calls
// (Entities, Facts, Mentions, Document, Documents) since Open. A batched
// look-up of many nodes is one round trip.
func (s *Store) Reads() int64 { return s.reads.Load() }

// rlock takes the read lock for a read call.
func (s *Store) rlock() (reader, error) {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return reader{}, ErrClosed
	}
	r := readerOf(s.be)
	r.n = &s.reads
	return r, nil
}

// ---- writing ----

// WriteDocument writes one document's graph in a single Cayley transaction:
// whole or not at all. If a document with the same ID is stored with the same
// Hash and mark (Document.Protected), nothing changes (Unchanged). If one is
// stored with another hash, its quads are replaced in the same transaction
// (Replaced): quads both versions have are left alone, the others removed or
// added.
//
// The graph is checked first: every Fact.From, To and Via, Mention.Entity,
// Entity.Parent and member must be listed in g.Entities, be the document
// itself, or be stored already; relations, kinds and stages must be known.
// A graph that fails writes nothing.
//
// A protected document is replaced only by a graph marked Protected too
// (*ProtectedError otherwise). WriteDocument is WriteDocumentWith with no
// options.
func (s *Store) WriteDocument(ctx context.Context, g *DocumentGraph) (WriteResult, error) {
	return s.WriteDocumentWith(ctx, g, WriteOptions{})
}

// WriteOptions tune WriteDocumentWith.
type WriteOptions struct {
	// SameSourceOnly lets a document replace only a stored one loaded from
	// the same Source (file name): two names that give one ID, such as
	// Report.txt and report.md, are then a *ConflictError instead of the
	// second silently replacing the first.
	SameSourceOnly bool
	// MaxQuads, when positive, refuses with a *TooLargeError a document
	// that would write more quads, before anything is locked or written. A
	// write's memory and time grow with its quads (into bbolt about 3 KB
	// and 0.1 ms a quad on 2 busy cores): a server taking documents from
	// others bounds them.
	MaxQuads int
}

// WriteDocumentWith is WriteDocument with options.
func (s *Store) WriteDocumentWith(ctx context.Context, g *DocumentGraph, opts WriteOptions) (WriteResult, error) {
	enc, err := encode(g)
	if err != nil {
		return WriteResult{}, fmt.Errorf("write document: %w", err)
	}
	if opts.MaxQuads > 0 && len(enc.quads) > opts.MaxQuads {
		return WriteResult{}, fmt.Errorf("write document: %w", &TooLargeError{ID: enc.doc, Quads: len(enc.quads), Max: opts.MaxQuads})
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.checkOpen(); err != nil {
		return WriteResult{}, fmt.Errorf("write document %s: %w", enc.doc, err)
	}
	var missing []string
	for _, r := range enc.external {
		if _, ok := s.index.Lookup(r.id); !ok {
			missing = append(missing, r.id+" (in "+r.what+")")
		}
	}
	if len(missing) > 0 {
		return WriteResult{}, fmt.Errorf("write document %s: refers to entities neither listed nor stored: %s",
			enc.doc, strings.Join(missing, ", "))
	}

	old, err := readStored(ctx, readerOf(s.be), &g.Document)
	if err != nil {
		return WriteResult{}, fmt.Errorf("write document %s: read stored version: %w", enc.doc, err)
	}
	if err := mayReplace(old, &g.Document, opts); err != nil {
		return WriteResult{}, fmt.Errorf("write document: %w", err)
	}
	if old.unchanged(&g.Document) {
		return WriteResult{Unchanged: true}, nil
	}
	newSet := make(map[quad.Quad]struct{}, len(enc.quads))
	for _, q := range enc.quads {
		newSet[q] = struct{}{}
	}
	oldSet := make(map[quad.Quad]struct{}, len(old.quads))
	var del, add []quad.Quad
	for _, q := range old.quads {
		oldSet[q] = struct{}{}
		if _, ok := newSet[q]; !ok {
			del = append(del, q)
		}
	}
	for _, q := range enc.quads {
		if _, ok := oldSet[q]; !ok {
			add = append(add, q)
		}
	}
	detached, err := s.commit(ctx, del, add)
	if err != nil {
		return WriteResult{}, fmt.Errorf("write document %s: %w", enc.doc, err)
	}
	res := WriteResult{Replaced: old.exists, QuadsAdded: len(add), QuadsRemoved: len(del)}
	if err := s.refresh(ctx, old, enc, detached); err != nil {
		return res, fmt.Errorf("write document %s: committed, but %w", enc.doc, err)
	}
	if len(add)+len(del) >= releaseQuads {
		s.releaseMemory() // still under writeMu: see releaseMemory
	}
	return res, nil
}

// RemoveDocument removes every quad the document wrote, in one transaction.
// Entities no other document lists disappear with it. It returns ErrNotFound
// if no such document is stored.
func (s *Store) RemoveDocument(ctx context.Context, id string) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.checkOpen(); err != nil {
		return fmt.Errorf("remove document %s: %w", id, err)
	}
	old, err := readDoc(ctx, readerOf(s.be), id, "")
	if err != nil {
		return fmt.Errorf("remove document %s: %w", id, err)
	}
	if !old.exists {
		return fmt.Errorf("remove document %s: %w", id, ErrNotFound)
	}
	if old.protected {
		return fmt.Errorf("remove document: %w", &ProtectedError{ID: id})
	}
	detached, err := s.commit(ctx, old.quads, nil)
	if err != nil {
		return fmt.Errorf("remove document %s: %w", id, err)
	}
	if err := s.refresh(ctx, old, nil, detached); err != nil {
		return fmt.Errorf("remove document %s: committed, but %w", id, err)
	}
	return nil
}

// RebuildIndex rebuilds the Index from a scan of the store. Open does this;
// it is needed only if an index update after a commit failed.
func (s *Store) RebuildIndex(ctx context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.checkOpen(); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	s.cache.reset()
	x, err := buildIndex(ctx, readerOf(s.be))
	if err != nil {
		return err
	}
	s.index.replaceWith(x)
	return nil
}

func (s *Store) checkOpen() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return nil
}

func (s *Store) commit(ctx context.Context, del, add []quad.Quad) (detached map[string]*cachedEntity, err error) {
	if len(del) == 0 && len(add) == 0 {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.be.apply(ctx, del, add); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	// Before any reader sees the new state: the cached entities it changes
	// leave the cache (a reader must not mix them with what it reads from
	// the store); the refresh that follows builds on them and puts them back.
	return s.cache.detach(entitySubjects(del, add)), nil
}

// entitySubjects returns the subjects of the entity-attribute quads in qss.
func entitySubjects(qss ...[]quad.Quad) []string {
	seen := make(map[quad.Value]bool)
	var out []string
	for _, qs := range qss {
		for _, q := range qs {
			if !seen[q.Subject] && isEntityPred[q.Predicate] {
				seen[q.Subject] = true
				out = append(out, valString(q.Subject))
			}
		}
	}
	return out
}

// storedDoc is a document's quads as stored.
type storedDoc struct {
	id        string
	exists    bool
	hash      string
	source    string
	protected bool
	quads     []quad.Quad // every quad under the document's label
}

// unchanged tells whether writing d would change nothing.
func (old *storedDoc) unchanged(d *Document) bool {
	return old.exists && old.hash == d.Hash && old.protected == d.Protected
}

// readStored reads the stored version of d, all of it unless it is
// unchanged.
func readStored(ctx context.Context, r reader, d *Document) (*storedDoc, error) {
	old, err := readDoc(ctx, r, d.ID, d.Hash)
	if err == nil && old.exists && old.hash == d.Hash && !old.unchanged(d) {
		// Only the mark changes (a store written before documents had
		// one): the diff needs every quad.
		old, err = readDoc(ctx, r, d.ID, "")
	}
	return old, err
}

// mayReplace returns why d may not replace old, if it may not.
func mayReplace(old *storedDoc, d *Document, opts WriteOptions) error {
	switch {
	case !old.exists:
		return nil
	case old.protected && !d.Protected:
		return &ProtectedError{ID: old.id}
	case opts.SameSourceOnly && old.source != d.Source:
		return &ConflictError{ID: old.id, Stored: old.source, Source: d.Source}
	}
	return nil
}

// readDoc reads the quads a document wrote, without a label scan: the
// document node's own quads, then those of every node it lists with pg:has,
// kept if they carry its label. If the stored hash equals skipHash, it stops
// after the first look-up.
func readDoc(ctx context.Context, r reader, id, skipHash string) (*storedDoc, error) {
	d := &storedDoc{id: id}
	dn := quad.IRI(id)
	g, err := r.bySubject(ctx, []quad.Value{dn})
	if err != nil {
		return nil, err
	}
	var listed []quad.Value
	for _, q := range g[dn] {
		if labelOf(q) != id {
			continue
		}
		d.quads = append(d.quads, q)
		switch q.Predicate {
		case pKind:
			d.exists = d.exists || valString(q.Object) == string(KindDocument)
		case pHash:
			d.hash = valString(q.Object)
		case pSource:
			d.source = valString(q.Object)
		case pProtect:
			d.protected = valInt(q.Object) != 0
		case pHas:
			listed = append(listed, q.Object)
		}
	}
	if !d.exists {
		d.quads = nil
		return d, nil
	}
	if skipHash != "" && d.hash == skipHash {
		return d, nil
	}
	g, err = r.bySubject(ctx, listed)
	if err != nil {
		return nil, err
	}
	for _, v := range listed {
		for _, q := range g[v] {
			if labelOf(q) == id {
				d.quads = append(d.quads, q)
			}
		}
	}
	return d, nil
}

// refresh updates the index after a committed change of one document from
// old (which may not exist) to enc (nil for a removal). It re-reads the
// merged state of every entity either version lists.
func (s *Store) refresh(ctx context.Context, old *storedDoc, enc *encoded, detached map[string]*cachedEntity) error {
	return s.refreshMany(ctx, []*storedDoc{old}, []*encoded{enc}, detached)
}

// ---- reading ----

// Entities returns the entities with these IDs, in the same order, nil where
// absent, with one batched read (plus two for the stages of initiatives).
// Attributes stated by several documents are merged in order of document ID:
// aliases and members are unioned and sorted, the first non-empty value wins
// for the others. Initiative.Stage is the latest stage: that of the mention
// from the document with the greatest year, ties broken by document ID then
// StageRank. Documents are entities too: Kind DOCUMENT, Name their title.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*Entity, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	defer s.mu.RUnlock()
	// The index keeps every initiative's latest stage in step with the
	// writes, by the same rule: reading all its mentions again (hundreds for
	// an initiative many reports name) is not needed.
	known := s.indexStage
	// Entities the cache holds are not read again: an entity many documents
	// list has a quad per document, and reading them all is what costs.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	v := s.index.Version()
	ents, missing, at := s.fromCache(ids, known, false)
	if len(missing) == 0 {
		return ents, nil
	}
	read, _, err := loadEntities(ctx, r, missing, known)
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	for k, e := range read {
		ents[at[k]] = e
	}
	// Keep what was read, unless a write is under way or has changed the
	// index since the read began (then what was read may be stale).
	if s.writeMu.TryLock() {
		if s.index.Version() == v {
			for k, e := range read {
				if e != nil {
					s.cache.putEntity(missing[k], e)
				}
			}
		}
		s.writeMu.Unlock()
	}
	return ents, nil
}

// CachedEntities returns what Entities would for ids when the entity cache
// holds every one of them, and ok false, reading nothing from the backend,
// when it does not (or the store is closed). GraphQL fields use it to answer
// at once what a batch would otherwise wait to read.
func (s *Store) CachedEntities(ids []string) (ents []*Entity, ok bool) {
	if _, err := s.rlock(); err != nil {
		return nil, false
	}
	defer s.mu.RUnlock()
	ents, missing, _ := s.fromCache(ids, s.indexStage, true)
	return ents, len(missing) == 0
}

// indexStage is the latest stage of initiative id as the index keeps it.
func (s *Store) indexStage(id string) (Stage, bool) {
	n, ok := s.index.Lookup(id)
	if !ok {
		return "", false
	}
	return s.index.Node(n).Stage, true
}

// fromCache returns copies of the cached entities of ids (nil where the
// cache has none), with initiatives' stages from known, and the IDs missing
// with their places in ids. With stopAtMiss it returns at the first miss.
func (s *Store) fromCache(ids []string, known func(string) (Stage, bool), stopAtMiss bool) (ents []*Entity, missing []string, at []int) {
	ents = make([]*Entity, len(ids))
	for i, id := range ids {
		if e := s.cache.entity(id); e != nil {
			if e.Kind == KindInitiative {
				e.Stage, _ = known(id)
			}
			ents[i] = e
			continue
		}
		missing = append(missing, id)
		at = append(at, i)
		if stopAtMiss {
			return nil, missing, at
		}
	}
	return ents, missing, at
}

// loadEntities reads and merges entities, and returns with each the
// documents that list it. The stages of initiatives are read from their
// mentions unless known says it knows them.
func loadEntities(ctx context.Context, r reader, ids []string, known func(id string) (Stage, bool)) ([]*Entity, [][]string, error) {
	vals := iris(ids)
	g, err := r.bySubject(ctx, vals, entityPreds...)
	if err != nil {
		return nil, nil, err
	}
	ents := make([]*Entity, len(ids))
	docs := make([][]string, len(ids))
	var initiatives []quad.Value
	needStage := make([]bool, len(ids))
	for i, id := range ids {
		ents[i], docs[i] = mergeEntity(id, g[vals[i]])
		if ents[i] == nil || ents[i].Kind != KindInitiative {
			continue
		}
		if known != nil {
			if st, ok := known(id); ok {
				ents[i].Stage = st
				continue
			}
		}
		initiatives = append(initiatives, vals[i])
		needStage[i] = true
	}
	if len(initiatives) == 0 {
		return ents, docs, nil
	}
	ms, err := mentionsOf(ctx, r, initiatives)
	if err != nil {
		return nil, nil, err
	}
	for i, e := range ents {
		if !needStage[i] {
			continue
		}
		var recs []mentionRec
		for _, m := range ms[vals[i]] {
			recs = append(recs, mentionRec{doc: m.doc, year: m.Year, stage: m.Stage})
		}
		e.Stage = latestStage(recs)
	}
	return ents, docs, nil
}

type docMention struct {
	Mention
	doc  string
	sent quad.IRI
}

// mentionsOf reads the mentions of entities, without their evidence text.
func mentionsOf(ctx context.Context, r reader, ents []quad.Value) (map[quad.Value][]docMention, error) {
	links, err := r.inLinks(ctx, ents, pEntity)
	if err != nil {
		return nil, err
	}
	var nodes []quad.Value
	for _, e := range ents {
		for _, q := range links[e] {
			nodes = append(nodes, q.Subject)
		}
	}
	g, err := r.bySubject(ctx, nodes)
	if err != nil {
		return nil, err
	}
	out := make(map[quad.Value][]docMention, len(ents))
	for _, n := range uniqueValues(nodes) {
		m, sent, doc := decodeMention(g[n])
		if m == nil {
			continue
		}
		e := quad.IRI(m.Entity)
		out[e] = append(out[e], docMention{Mention: *m, doc: doc, sent: sent})
	}
	return out, nil
}

// Facts returns the facts with these IDs, in the same order, nil where
// absent, with their evidence: two batched reads.
func (s *Store) Facts(ctx context.Context, ids []string) ([]*Fact, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, fmt.Errorf("facts: %w", err)
	}
	defer s.mu.RUnlock()
	v := s.index.Version()
	vals := iris(ids)
	g, err := r.bySubject(ctx, vals)
	if err != nil {
		return nil, fmt.Errorf("facts: %w", err)
	}
	facts := make([]*Fact, len(ids))
	sents := make([]quad.IRI, len(ids))
	var sentVals []quad.Value
	for i, id := range ids {
		facts[i], sents[i], _ = decodeFact(id, g[vals[i]])
		if facts[i] != nil && sents[i] != "" {
			sentVals = append(sentVals, sents[i])
		}
	}
	sg, err := r.bySubject(ctx, sentVals)
	if err != nil {
		return nil, fmt.Errorf("facts: %w", err)
	}
	for i, f := range facts {
		if f != nil && sents[i] != "" {
			fillSentence(&f.Evidence, sg[sents[i]])
		}
	}
	s.facts.put(v, facts)
	return facts, nil
}

// CachedFacts returns what Facts would for ids when the fact cache holds
// every one of them at the index's current version, and ok false, reading
// nothing from the backend, when it does not (or the store is closed).
func (s *Store) CachedFacts(ids []string) (facts []*Fact, ok bool) {
	if _, err := s.rlock(); err != nil {
		return nil, false
	}
	defer s.mu.RUnlock()
	return s.facts.get(s.index.Version(), ids)
}

// Mentions returns the mentions of each entity, in the same order, each list
// ordered by document year, then document ID, then position in the
// document: three batched reads.
func (s *Store) Mentions(ctx context.Context, entityIDs []string) ([][]Mention, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, fmt.Errorf("mentions: %w", err)
	}
	defer s.mu.RUnlock()
	vals := iris(entityIDs)
	ms, err := mentionsOf(ctx, r, vals)
	if err != nil {
		return nil, fmt.Errorf("mentions: %w", err)
	}
	var sentVals []quad.Value
	for _, l := range ms {
		for _, m := range l {
			if m.sent != "" {
				sentVals = append(sentVals, m.sent)
			}
		}
	}
	sg, err := r.bySubject(ctx, sentVals)
	if err != nil {
		return nil, fmt.Errorf("mentions: %w", err)
	}
	out := make([][]Mention, len(entityIDs))
	for i, v := range vals {
		l := ms[v]
		slices.SortFunc(l, func(a, b docMention) int {
			return cmp.Or(cmp.Compare(a.Year, b.Year), strings.Compare(a.doc, b.doc),
				cmp.Compare(a.Evidence.Start, b.Evidence.Start), cmp.Compare(a.Evidence.End, b.Evidence.End),
				cmp.Compare(StageRank(a.Stage), StageRank(b.Stage)), strings.Compare(a.Cue, b.Cue))
		})
		for _, m := range l {
			mm := m.Mention
			if m.sent != "" {
				fillSentence(&mm.Evidence, sg[m.sent])
			}
			out[i] = append(out[i], mm)
		}
	}
	return out, nil
}

// Document returns the document with this ID and its sections (two reads),
// or ErrNotFound.
func (s *Store) Document(ctx context.Context, id string) (*Document, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	defer s.mu.RUnlock()
	ds, err := loadDocuments(ctx, r, []string{id})
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	if ds[0] == nil {
		return nil, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	return ds[0], nil
}

// Documents returns every document, sorted by ID, with its sections (three reads).
func (s *Store) Documents(ctx context.Context) ([]Document, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	defer s.mu.RUnlock()
	v := s.index.Version()
	if docs, ok := s.docs.all(v); ok {
		return docs, nil
	}
	s.docs.fill.Lock()
	defer s.docs.fill.Unlock()
	if docs, ok := s.docs.all(v); ok {
		return docs, nil // another reader filled the cache while this one waited
	}
	kind := quad.String(KindDocument)
	links, err := r.inLinks(ctx, []quad.Value{kind}, pKind)
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	var ids []string
	for _, q := range links[kind] {
		if id := valString(q.Subject); labelOf(q) == id {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ds, err := loadDocuments(ctx, r, ids)
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	out := make([]Document, 0, len(ds))
	for _, d := range ds {
		if d != nil {
			out = append(out, *d)
		}
	}
	s.docs.put(v, out)
	return out, nil
}

// CachedDocuments returns the documents of ids (nil for those not stored)
// when every document has been read since the index last changed, and ok
// false, reading nothing from the backend, when not (or the store is
// closed).
func (s *Store) CachedDocuments(ids []string) (docs []*Document, ok bool) {
	if _, err := s.rlock(); err != nil {
		return nil, false
	}
	defer s.mu.RUnlock()
	return s.docs.get(s.index.Version(), ids)
}

func loadDocuments(ctx context.Context, r reader, ids []string) ([]*Document, error) {
	vals := iris(ids)
	g, err := r.bySubjectPreds(ctx, vals, documentPreds...)
	if err != nil {
		return nil, err
	}
	ds := make([]*Document, len(ids))
	secs := make([][]quad.Value, len(ids))
	var all []quad.Value
	for i, id := range ids {
		ds[i], secs[i] = decodeDocument(id, g[vals[i]])
		all = append(all, secs[i]...)
	}
	sg, err := r.bySubject(ctx, all, sectionPreds...)
	if err != nil {
		return nil, err
	}
	for i, d := range ds {
		if d == nil {
			continue
		}
		for _, sv := range secs[i] {
			var own []quad.Quad
			for _, q := range sg[sv] {
				if labelOf(q) == d.ID {
					own = append(own, q)
				}
			}
			d.Sections = append(d.Sections, decodeSection(own))
		}
		slices.SortFunc(d.Sections, func(a, b Section) int { return cmp.Compare(a.Index, b.Index) })
	}
	return ds, nil
}

// Stats counts documents, live nodes by kind and facts by relation (from the
// index) and quads (from Cayley).
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	r, err := s.rlock()
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	defer s.mu.RUnlock()
	n, err := quadCount(ctx, r.qs)
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	st := Stats{Nodes: s.index.nodesByKind(), Facts: s.index.factsByRelation(), Quads: n}
	st.Documents = st.Nodes[KindDocument]
	return st, nil
}

func iris(ids []string) []quad.Value {
	vals := make([]quad.Value, len(ids))
	for i, id := range ids {
		vals[i] = quad.IRI(id)
	}
	return vals
}
