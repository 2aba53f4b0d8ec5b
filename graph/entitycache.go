package graph

import (
	"context"
	"fmt"
	"sync"

	"github.com/cayleygraph/quad"
)

// entityCache keeps, for entities recent writes touched, the quads their
// merged state is computed from (their attribute quads under every label)
// and, for initiatives, the (document, year, stage) of their mentions. A
// write of a new document then updates an entity it touches from the cache
// plus the document's own quads, instead of re-reading everything every
// document ever said about it: a place such as 成都 is referred to by
// nearly every report, so that re-read made loading N reports cost O(N²).
//
// The cache is only used for documents that are new to the store (nothing
// to replace); a replacement, a removal, a change applied from another
// replica's log, an import or a rebuild drops the entries they touch (or
// all). It holds at most maxCachedQuads quads; past that it forgets entries
// at random and reads them again when next needed.
type entityCache struct {
	mu    sync.Mutex
	ents  map[string]*cachedEntity
	quads int
}

type cachedEntity struct {
	quads       []quad.Quad  // the entity's attribute quads (entityPreds), every label
	mentions    []mentionRec // initiatives: all their mentions, when hasMentions
	hasMentions bool
}

// maxCachedQuads bounds the cache: ~150 bytes a quad, so ~40 MB.
const maxCachedQuads = 250_000

func newEntityCache() *entityCache {
	return &entityCache{ents: make(map[string]*cachedEntity)}
}

func (c *entityCache) get(id string) *cachedEntity {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ents[id]
}

func (c *entityCache) put(id string, e *cachedEntity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.ents[id]; old != nil {
		c.quads -= len(old.quads) + len(old.mentions)
		delete(c.ents, id)
	}
	n := len(e.quads) + len(e.mentions)
	if n > maxCachedQuads/4 {
		return // too big to keep: read it each time
	}
	for id2, old := range c.ents { // map order is random: forget at random
		if c.quads+n <= maxCachedQuads {
			break
		}
		c.quads -= len(old.quads) + len(old.mentions)
		delete(c.ents, id2)
	}
	c.ents[id] = e
	c.quads += n
}

// forget drops the entries of ids.
func (c *entityCache) forget(ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if old := c.ents[id]; old != nil {
			c.quads -= len(old.quads) + len(old.mentions)
			delete(c.ents, id)
		}
	}
}

// reset drops every entry.
func (c *entityCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.ents)
	c.quads = 0
}

// refreshNew updates the index after committing documents that were not
// stored before (encs, none nil), using and filling the entity cache: the
// store is read only for entities the cache does not hold.
func (s *Store) refreshNew(ctx context.Context, encs []*encoded) error {
	ctx = context.WithoutCancel(ctx) // the store has changed: the index must follow
	isEntityPred := make(map[quad.Value]bool, len(entityPreds))
	for _, p := range entityPreds {
		isEntityPred[p] = true
	}
	ch := &indexChange{}
	var touched []string
	added := make(map[string][]quad.Quad)      // attribute quads the new documents add, by entity
	mentioned := make(map[string][]mentionRec) // mentions the new documents add, by entity
	touch := func(id string) {
		if _, ok := added[id]; !ok {
			added[id] = nil
			touched = append(touched, id)
		}
	}
	for _, enc := range encs {
		touch(enc.doc)
		for _, q := range enc.quads {
			switch {
			case q.Predicate == pKind:
				touch(valString(q.Subject))
			case q.Predicate == pMentionRec:
				if m, _, doc := decodeMention([]quad.Quad{q}); m != nil {
					mentioned[m.Entity] = append(mentioned[m.Entity], mentionRec{doc: doc, year: m.Year, stage: m.Stage})
				}
			}
		}
		for _, q := range enc.quads {
			id := valString(q.Subject)
			if _, ok := added[id]; ok && isEntityPred[q.Predicate] {
				added[id] = append(added[id], q)
			}
		}
		ch.addFacts = append(ch.addFacts, enc.facts...)
	}

	// From the cache where it can; the others are read below.
	var missing []string
	for _, id := range touched {
		c := s.cache.get(id)
		if c == nil || (len(mentioned[id]) > 0 && !c.hasMentions && KindOf(id) == KindInitiative) {
			missing = append(missing, id)
			continue
		}
		quads := append(c.quads[:len(c.quads):len(c.quads)], added[id]...)
		e, docs := mergeEntity(id, quads)
		next := &cachedEntity{quads: quads, mentions: c.mentions, hasMentions: c.hasMentions}
		if e != nil && e.Kind == KindInitiative {
			if ms := mentioned[id]; len(ms) > 0 {
				next.mentions = append(c.mentions[:len(c.mentions):len(c.mentions)], ms...)
				e.Stage = latestStage(next.mentions)
			} else if c.hasMentions {
				e.Stage = latestStage(c.mentions)
			} else if n, ok := s.index.Lookup(id); ok {
				e.Stage = s.index.Node(n).Stage
			}
		}
		s.cache.put(id, next)
		ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: e, docs: docs})
	}
	if len(missing) > 0 {
		r := reader{qs: s.be.quadStore()}
		vals := iris(missing)
		g, err := r.bySubject(ctx, vals, entityPreds...)
		if err != nil {
			return fmt.Errorf("update index: %w", err)
		}
		var inis []quad.Value
		for i, id := range missing {
			if len(mentioned[id]) > 0 && KindOf(id) == KindInitiative {
				inis = append(inis, vals[i])
			}
		}
		ms, err := mentionsOf(ctx, r, inis)
		if err != nil {
			return fmt.Errorf("update index: %w", err)
		}
		for i, id := range missing {
			quads := g[vals[i]]
			e, docs := mergeEntity(id, quads)
			c := &cachedEntity{quads: quads}
			if e != nil && e.Kind == KindInitiative {
				if l, ok := ms[vals[i]]; ok || len(mentioned[id]) > 0 {
					c.hasMentions = true
					for _, m := range l {
						c.mentions = append(c.mentions, mentionRec{doc: m.doc, year: m.Year, stage: m.Stage})
					}
					e.Stage = latestStage(c.mentions)
				} else if n, ok := s.index.Lookup(id); ok {
					e.Stage = s.index.Node(n).Stage
				}
			}
			s.cache.put(id, c)
			ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: e, docs: docs})
		}
	}
	s.index.apply(ch)
	return nil
}
