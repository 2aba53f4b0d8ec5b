package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/cayleygraph/quad"
)

// BatchQuads is about how many quads WriteDocuments puts in one Cayley
// transaction. Cayley's write path costs far more per quad in small
// transactions than in large ones: on bbolt each commit rewrites the pages
// it touched and syncs the file, and the quads of a report touch pages all
// over the file. 600 reports loaded in 100 s with 100k quads per
// transaction against 150 s with 10k (docs/benchmarks-history.md).
const BatchQuads = 100_000

// sqlBatchQuads is BatchQuads on Cayley's SQL backend (PostgreSQL,
// CockroachDB). When it inserted row by row, 100 reports were written raw in
// 74.9 s with 10k quads per transaction and 83.3 s with 100k; with the bulk
// inserts of pgbulk.go, 25 reports took 11.0-11.9 s with 10k and 10.4-15.3 s
// with 100k (rows sorted; one interleaved run, 2026-12-02), so it stays.
const sqlBatchQuads = 10_000

// WriteDocuments writes several documents' graphs, packing them into as few
// Cayley transactions as it can (about BatchQuads quads each, sqlBatchQuads
// on PostgreSQL; a document is never split across transactions, so each
// still commits whole or not at all). It returns one WriteResult per graph,
// in order.
//
// Each graph is checked as WriteDocument checks it, against the store and
// the graphs before it in gs that passed: a graph that fails is left out,
// with the reason in its result's Err, and the others are written. Graphs
// with the same document ID are written in order, the last one winning.
//
// The returned error is for the batch, not a document: the store is closed,
// ctx ended, or a commit failed. Transactions committed before it stay
// committed (their results say so); the graphs of the failed transaction and
// of those after it are not written and carry the error in Err.
func (s *Store) WriteDocuments(ctx context.Context, gs []*DocumentGraph) ([]WriteResult, error) {
	res := make([]WriteResult, len(gs))
	// Encoding needs no lock: do it before taking the writer's.
	encs := make([]*encoded, len(gs))
	for i, g := range gs {
		enc, err := encode(g)
		if err != nil {
			res[i].Err = fmt.Errorf("write document: %w", err)
			continue
		}
		encs[i] = enc
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	written := 0
	defer func() {
		if written >= releaseQuads {
			s.releaseMemory() // still under writeMu: see releaseMemory
		}
	}()
	fail := func(from int, err error) ([]WriteResult, error) {
		for i := from; i < len(gs); i++ {
			if encs[i] != nil && res[i].Err == nil {
				res[i].Err = err
			}
		}
		return res, err
	}
	if err := s.checkOpen(); err != nil {
		return fail(0, fmt.Errorf("write documents: %w", err))
	}
	var (
		b       batch
		listed  = make(map[string]bool) // entities listed by graphs of this call that passed
		batchOf = make(map[string]bool) // document IDs in b
	)
	flush := func() error {
		if len(b.items) == 0 {
			return nil
		}
		err := s.commitBatch(ctx, &b, res)
		written += b.quads
		b = batch{}
		clear(batchOf)
		return err
	}
	for i, enc := range encs {
		if enc == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return fail(i, fmt.Errorf("write documents: %w", err))
		}
		var missing []string
		for _, r := range enc.external {
			if _, ok := s.index.Lookup(r.id); !ok && !listed[r.id] {
				missing = append(missing, r.id+" (in "+r.what+")")
			}
		}
		if len(missing) > 0 {
			res[i].Err = fmt.Errorf("write document %s: refers to entities neither listed nor stored: %s",
				enc.doc, strings.Join(missing, ", "))
			continue
		}
		// A second version of a document in this batch must see the first
		// one stored: commit what is pending first.
		if batchOf[enc.doc] {
			if err := flush(); err != nil {
				return fail(i, err)
			}
		}
		old, err := readStored(ctx, readerOf(s.be), &gs[i].Document)
		if err != nil {
			return fail(i, fmt.Errorf("write document %s: read stored version: %w", enc.doc, err))
		}
		if err := mayReplace(old, &gs[i].Document, WriteOptions{}); err != nil {
			res[i].Err = fmt.Errorf("write document: %w", err)
			continue
		}
		for _, q := range enc.quads {
			if q.Predicate == pKind {
				listed[valString(q.Subject)] = true
			}
		}
		if old.unchanged(&gs[i].Document) {
			res[i] = WriteResult{Unchanged: true}
			continue
		}
		del, add := diffQuads(old.quads, enc.quads)
		b.items = append(b.items, batchItem{i: i, old: old, enc: enc, del: del, add: add})
		b.quads += len(del) + len(add)
		batchOf[enc.doc] = true
		if b.quads >= s.batchQuads {
			if err := flush(); err != nil {
				return fail(i+1, err)
			}
		}
	}
	if err := flush(); err != nil {
		return fail(len(gs), err)
	}
	return res, nil
}

// batch is documents to commit in one transaction.
type batch struct {
	items []batchItem
	quads int
}

type batchItem struct {
	i        int // index into the caller's slice
	old      *storedDoc
	enc      *encoded
	del, add []quad.Quad
}

// commitBatch commits b in one transaction and updates the index. It fills
// the results of b's documents: on a failed commit, with the error.
func (s *Store) commitBatch(ctx context.Context, b *batch, res []WriteResult) error {
	var del, add []quad.Quad
	for _, it := range b.items {
		del = append(del, it.del...)
		add = append(add, it.add...)
	}
	detached, err := s.commit(ctx, del, add)
	if err != nil {
		err = fmt.Errorf("write documents (a transaction of %d documents, %d quads): %w", len(b.items), b.quads, err)
		for _, it := range b.items {
			res[it.i].Err = err
		}
		return err
	}
	olds := make([]*storedDoc, len(b.items))
	encs := make([]*encoded, len(b.items))
	for k, it := range b.items {
		res[it.i] = WriteResult{Replaced: it.old.exists, QuadsAdded: len(it.add), QuadsRemoved: len(it.del)}
		olds[k], encs[k] = it.old, it.enc
	}
	if err := s.refreshMany(ctx, olds, encs, detached); err != nil {
		err = fmt.Errorf("write documents: committed, but %w", err)
		for _, it := range b.items {
			res[it.i].Err = err
		}
		return err
	}
	return nil
}

// diffQuads returns the quads of old that new lacks, and those of new that
// old lacks.
func diffQuads(old, new []quad.Quad) (del, add []quad.Quad) {
	if len(old) == 0 {
		return nil, new
	}
	newSet := make(map[quad.Quad]struct{}, len(new))
	for _, q := range new {
		newSet[q] = struct{}{}
	}
	oldSet := make(map[quad.Quad]struct{}, len(old))
	for _, q := range old {
		oldSet[q] = struct{}{}
		if _, ok := newSet[q]; !ok {
			del = append(del, q)
		}
	}
	for _, q := range new {
		if _, ok := oldSet[q]; !ok {
			add = append(add, q)
		}
	}
	return del, add
}

// refreshMany updates the index after a committed change of documents from
// olds[k] (which may not exist) to encs[k] (nil for a removal), with one
// batched read of the merged state of every entity any version lists.
//
// detached are the cache's entries of the entities the commit changed,
// taken out of the cache by commit; the new documents' refresh builds on
// them.
func (s *Store) refreshMany(ctx context.Context, olds []*storedDoc, encs []*encoded, detached map[string]*cachedEntity) error {
	allNew := true
	for k, old := range olds {
		allNew = allNew && !old.exists && encs[k] != nil
	}
	if allNew {
		return s.refreshNew(ctx, encs, detached)
	}
	ctx = context.WithoutCancel(ctx) // the store has changed: the index must follow
	ch := &indexChange{}
	var touched []string
	seen := make(map[string]bool)
	touch := func(id string) {
		if !seen[id] {
			seen[id] = true
			touched = append(touched, id)
		}
	}
	mentioned := make(map[string]bool) // only the stages of initiatives some version mentions can change
	for k, old := range olds {
		enc := encs[k]
		touch(old.id)
		oldFacts := make(map[string]factEdge)
		factQuads := make(map[quad.Value][]quad.Quad)
		for _, q := range old.quads {
			switch q.Predicate {
			case pKind:
				touch(valString(q.Subject))
			case pFactRec:
				factQuads[q.Subject] = append(factQuads[q.Subject], q)
			case pEntity:
				mentioned[valString(q.Object)] = true
			}
		}
		for sub, qs := range factQuads {
			id := valString(sub)
			if f, _, _ := decodeFact(id, qs); f != nil {
				h, _ := parseHashID(factPrefix, id)
				oldFacts[id] = factEdge{id: id, from: f.From, to: f.To, via: f.Via, relation: f.Relation, hash: h}
			}
		}
		newFacts := make(map[string]bool)
		if enc != nil {
			for _, q := range enc.quads {
				switch q.Predicate {
				case pKind:
					touch(valString(q.Subject))
				case pEntity:
					mentioned[valString(q.Object)] = true
				}
			}
			for _, f := range enc.facts {
				newFacts[f.id] = true
				if _, ok := oldFacts[f.id]; !ok {
					ch.addFacts = append(ch.addFacts, f)
				}
			}
		}
		for id, f := range oldFacts {
			if !newFacts[id] {
				ch.delFacts = append(ch.delFacts, f)
			}
		}
	}
	known := func(id string) (Stage, bool) {
		if mentioned[id] {
			return "", false
		}
		if n, ok := s.index.Lookup(id); ok {
			return s.index.Node(n).Stage, true
		}
		return "", true // new, and no mention anywhere
	}
	s.cache.forget(touched)
	s.cache.forget(sortedKeys(mentioned))
	ents, docs, err := loadEntities(ctx, readerOf(s.be), touched, known)
	if err != nil {
		return fmt.Errorf("update index: %w", err)
	}
	for i, id := range touched {
		ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: ents[i], docs: docs[i]})
	}
	s.index.apply(ch)
	return nil
}
