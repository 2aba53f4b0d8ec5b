package graph

import "sync"

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
