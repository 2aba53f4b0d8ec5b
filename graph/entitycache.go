package graph

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/cayleygraph/quad"
)

// entityCache keeps, for entities recent writes touched, the quads their
// merged state is computed from (their attribute quads under every label),
// for initiatives the (document, year, stage) of their mentions, and the
// merged entity. A write of a new document then updates an entity it
// touches from the cache plus the document's own quads, instead of
// re-reading everything every document ever said about it: a place such as
// 成都 is referred to by nearly every report, so that re-read made loading N
// reports cost O(N²). Store.Entities answers from the merged entities and
// adds read-only entries (the merged entity alone) for what it read.
//
// Store.commit takes the entries of every entity a commit changes out of
// the cache under the store's write lock, so no reader mixes a cached
// version with a stored one; the refresh of new documents builds on those
// entries and puts them back, any other refresh reads the store. An import
// or a rebuild drops every entry, a change applied from another replica's
// log those it names. The cache holds at most maxCachedQuads units (quads,
// mentions, names); past that it forgets the least recently used of a few
// entries picked at random, and reads an entry again when next needed. The
// entities nearly every write touches (programmes, provinces, big cities,
// the bodies of a city) are then the ones it keeps: forgetting them at
// random made each write re-read their whole history, which grows with the
// corpus.
type entityCache struct {
	mu    sync.Mutex
	ents  map[string]*cachedEntity
	quads int
	max   int    // maxCachedQuads; tests set less
	clock uint64 // counts puts and hits, for cachedEntity.used
}

type cachedEntity struct {
	merge       *merge     // the entity's merged attribute quads, every label; nil in a read-only entry
	latest      mentionRec // initiatives: the mention that gives the stage, when hasMentions
	hasMentions bool       // latest is over all the initiative's mentions
	merged      *Entity    // the entity as Store.Entities gives it (its Stage aside)
	readOnly    bool       // filled by a read: merged only, nothing for a write to build on
	used        uint64     // entityCache.clock when last put or read
}

// size is what an entry counts against maxCachedQuads.
func (e *cachedEntity) size() int {
	n := 1
	if e.merge != nil {
		n += e.merge.size()
	}
	if e.merged != nil {
		n += 1 + len(e.merged.Aliases) + len(e.merged.Members)
	}
	return n
}

// entity returns a copy of the merged entity cached for id, or nil.
func (c *entityCache) entity(id string) *Entity {
	c.mu.Lock()
	defer c.mu.Unlock()
	ce := c.ents[id]
	if ce == nil || ce.merged == nil {
		return nil
	}
	c.clock++
	ce.used = c.clock
	return cloneEntity(ce.merged)
}

// putEntity keeps a copy of an entity a read merged, unless an entry is there.
func (c *entityCache) putEntity(id string, e *Entity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ents[id] == nil {
		c.putLocked(id, &cachedEntity{merged: cloneEntity(e), readOnly: true})
	}
}

// maxCachedQuads bounds the cache: ~150 bytes a quad, so ~300 MB. A corpus
// of 10,000 reports has ~10M such units; the entities most writes touch
// need a few hundred thousand of them.
const maxCachedQuads = 2_000_000

// evictSample is how many entries eviction compares to forget the least
// recently used of them.
const evictSample = 8

func newEntityCache() *entityCache {
	return &entityCache{ents: make(map[string]*cachedEntity), max: maxCachedQuads}
}

func (c *entityCache) put(id string, e *cachedEntity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(id, e)
}

func (c *entityCache) putLocked(id string, e *cachedEntity) {
	if old := c.ents[id]; old != nil {
		c.quads -= old.size()
		delete(c.ents, id)
	}
	n := e.size()
	if n > c.max/4 {
		return // too big to keep: read it each time
	}
	for c.quads+n > c.max && len(c.ents) > 0 {
		// Map order is random: of the first few entries, forget the one
		// used longest ago.
		var victim string
		var oldest *cachedEntity
		k := 0
		for id2, e2 := range c.ents {
			if oldest == nil || e2.used < oldest.used {
				victim, oldest = id2, e2
			}
			if k++; k == evictSample {
				break
			}
		}
		c.quads -= oldest.size()
		delete(c.ents, victim)
	}
	c.clock++
	e.used = c.clock
	c.ents[id] = e
	c.quads += n
}

// detach takes the entries of ids out of the cache and returns them.
func (c *entityCache) detach(ids []string) map[string]*cachedEntity {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]*cachedEntity)
	for _, id := range ids {
		if e := c.ents[id]; e != nil {
			out[id] = e
			c.quads -= e.size()
			delete(c.ents, id)
		}
	}
	return out
}

// forget drops the entries of ids.
func (c *entityCache) forget(ids []string) { c.detach(ids) }

// reset drops every entry.
func (c *entityCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.ents)
	c.quads = 0
}

func cloneEntity(e *Entity) *Entity {
	if e == nil {
		return nil
	}
	cp := *e
	cp.Aliases, cp.Members = slices.Clone(e.Aliases), slices.Clone(e.Members)
	return &cp
}

// refreshNew updates the index after committing documents that were not
// stored before (encs, none nil), using and filling the entity cache: the
// store is read only for entities the cache does not hold.
func (s *Store) refreshNew(ctx context.Context, encs []*encoded, detached map[string]*cachedEntity) error {
	ctx = context.WithoutCancel(ctx) // the store has changed: the index must follow
	ch := &indexChange{}
	var touched []string
	added := make(map[string]map[string][]quad.Quad) // attribute quads the new documents add, by entity and document
	mentioned := make(map[string][]mentionRec)       // mentions the new documents add, by entity
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
			if byDoc, ok := added[id]; ok && isEntityPred[q.Predicate] {
				if byDoc == nil {
					byDoc = make(map[string][]quad.Quad)
					added[id] = byDoc
				}
				byDoc[enc.doc] = append(byDoc[enc.doc], q)
			}
		}
		ch.addFacts = append(ch.addFacts, enc.facts...)
	}

	// keep finishes an entity: an initiative's stage from its mentions when
	// the cache entry has them all, else from the index (no new mention, so
	// no change); then the cache entry and the index update.
	keep := func(id string, c *cachedEntity) {
		e, docs := c.merge.entity()
		if e != nil && e.Kind == KindInitiative {
			if c.hasMentions {
				e.Stage = Stage(intern(string(c.latest.stage)))
			} else if n, ok := s.index.Lookup(id); ok {
				e.Stage = s.index.Node(n).Stage
			}
		}
		c.merged = cloneEntity(e)
		s.cache.put(id, c)
		ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: e, docs: docs})
	}

	// From the cache where it can; the others are read below. A detached
	// entry is this refresh's alone, so it is updated in place.
	var missing []string
	for _, id := range touched {
		c := detached[id]
		if c == nil || c.readOnly || (len(mentioned[id]) > 0 && !c.hasMentions && KindOf(id) == KindInitiative) {
			missing = append(missing, id)
			continue
		}
		for doc, qs := range added[id] { // a merge takes documents in any order
			c.merge.add(doc, qs)
		}
		for _, m := range mentioned[id] {
			c.latest = laterMention(c.latest, m)
		}
		keep(id, c)
	}
	if len(missing) > 0 {
		r := readerOf(s.be)
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
			c := &cachedEntity{merge: mergeOf(id, g[vals[i]])}
			if l, ok := ms[vals[i]]; ok || len(mentioned[id]) > 0 {
				c.hasMentions = true
				for _, m := range l {
					c.latest = laterMention(c.latest, mentionRec{doc: m.doc, year: m.Year, stage: m.Stage})
				}
			}
			keep(id, c)
		}
	}
	s.index.apply(ch)
	return nil
}
