package graph

import (
	"slices"
	"sync"
)

// factCache keeps facts read by Store.Facts for as long as the index keeps
// one version: a write, a removal or a replica's catch-up changes the
// version, and the next look-up starts afresh. Facts are small values with
// their evidence sentence; at most factCacheMax are kept, after which the
// cache starts again.
type factCache struct {
	mu      sync.Mutex
	version uint64
	facts   map[string]Fact
}

const factCacheMax = 50000

// get returns copies of the facts of ids if the cache holds every one at
// version v, and ok false otherwise.
func (c *factCache) get(v uint64, ids []string) ([]*Fact, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v {
		c.version, c.facts = v, nil
		return nil, false
	}
	out := make([]*Fact, len(ids))
	for i, id := range ids {
		f, ok := c.facts[id]
		if !ok {
			return nil, false
		}
		out[i] = &f
	}
	return out, true
}

// put keeps facts read at version v (nil ones are left out), unless the
// cache has moved on to another version.
func (c *factCache) put(v uint64, facts []*Fact) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v {
		if c.version > v {
			return // read before a newer version was seen
		}
		c.version, c.facts = v, nil
	}
	if len(facts) > factCacheMax {
		return // a bulk read, such as an export: not for the cache
	}
	if c.facts == nil || len(c.facts)+len(facts) > factCacheMax {
		c.facts = make(map[string]Fact, len(facts))
	}
	for _, f := range facts {
		if f != nil {
			c.facts[f.ID] = *f
		}
	}
}

// docCache keeps every document, as Store.Documents read them, for as long
// as the index keeps one version. The GraphQL loader of documents asks for
// all of them at once; without the cache each request read them all again.
type docCache struct {
	// fill lets one reader at a time read the documents when the cache
	// misses; the others wait and take its answer. The resolvers of one
	// connect answer ask for documents in several batches at once: on a
	// cold store of 200 reports eight of them each read every document,
	// and the first answer took seconds.
	fill sync.Mutex

	mu      sync.Mutex
	version uint64
	docs    []Document // sorted by ID; nil when not read at this version
	byID    map[string]int
}

// all returns copies of every document if they were read at version v.
func (c *docCache) all(v uint64) ([]Document, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v || c.docs == nil {
		return nil, false
	}
	out := make([]Document, len(c.docs))
	for i, d := range c.docs {
		out[i] = copyDocument(d)
	}
	return out, true
}

// get returns copies of the documents of ids (nil for those not stored) if
// every document was read at version v.
func (c *docCache) get(v uint64, ids []string) ([]*Document, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v || c.docs == nil {
		return nil, false
	}
	out := make([]*Document, len(ids))
	for i, id := range ids {
		if k, ok := c.byID[id]; ok {
			d := copyDocument(c.docs[k])
			out[i] = &d
		}
	}
	return out, true
}

// put keeps every document, read at version v, unless the cache has seen a
// newer version.
func (c *docCache) put(v uint64, docs []Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version > v {
		return
	}
	c.version, c.docs = v, make([]Document, len(docs))
	c.byID = make(map[string]int, len(docs))
	for i, d := range docs {
		c.docs[i] = copyDocument(d)
		c.byID[d.ID] = i
	}
}

// copyDocument copies d with its own sections, so that neither the cache
// nor its callers see the other's changes.
func copyDocument(d Document) Document {
	d.Sections = slices.Clone(d.Sections)
	return d
}
