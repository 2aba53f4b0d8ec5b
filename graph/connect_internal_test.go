package graph

import (
	"context"
	"fmt"
	"testing"
)

// TestConnectedToRereadsAfterAWrite replaces every initiative tied to a
// place between the reads of connect's two sides: the answer must come
// from one version, all old or all new, never the empty mix.
func TestConnectedToRereadsAfterAWrite(t *testing.T) {
	x := newIndex()
	version := func(v, n int) *indexChange {
		ch := &indexChange{nodes: []nodeUpdate{{id: "place/p", entity: &Entity{ID: "place/p", Kind: KindPlace, Name: "某地"}}}}
		for i := range n {
			id := fmt.Sprintf("initiative/v%d-%d", v, i)
			ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: &Entity{ID: id, Kind: KindInitiative, Name: id}})
			ch.addFacts = append(ch.addFacts, factEdge{id: fmt.Sprintf("fact/%d%04d", v+1, i), from: id, to: "place/p",
				relation: RelLocatedIn, hash: uint64((v+1)*10000 + i)})
		}
		return ch
	}
	x.apply(version(0, 3))
	p, _ := x.Lookup("place/p")
	writes := 0
	betweenSides = func() {
		if writes == 0 {
			writes++
			old := version(0, 3)
			x.apply(&indexChange{delFacts: old.addFacts})
			x.apply(version(1, 5))
		}
	}
	defer func() { betweenSides = nil }()
	cs, err := ConnectedTo(context.Background(), x, []NodeRef{p}, []NodeRef{p, p}, false)
	if err != nil {
		t.Fatal(err)
	}
	if writes != 1 || len(cs) != 5 {
		t.Errorf("after a write between the sides: %d answers (%d writes), want the 5 of the new version", len(cs), writes)
	}
}

// TestFactCacheStaysBounded puts more facts than the cap, in one read and in
// many: the cache never holds more than factCacheMax.
func TestFactCacheStaysBounded(t *testing.T) {
	var c factCache
	many := make([]*Fact, factCacheMax+1)
	for i := range many {
		many[i] = &Fact{ID: fmt.Sprintf("fact/%d", i)}
	}
	c.put(1, many)
	if len(c.facts) > factCacheMax {
		t.Errorf("one bulk read left %d facts in the cache", len(c.facts))
	}
	for i := 0; i < len(many); i += 1000 {
		c.put(1, many[i:min(i+1000, len(many))])
		if len(c.facts) > factCacheMax {
			t.Fatalf("%d facts in the cache after %d", len(c.facts), i)
		}
	}
	if _, ok := c.get(1, []string{"fact/50000"}); !ok {
		t.Error("the last fact put is not there")
	}
	if _, ok := c.get(2, []string{"fact/50000"}); ok {
		t.Error("a fact put at version 1 served at version 2")
	}
	c.put(1, many[:1])
	if _, ok := c.get(2, []string{"fact/0"}); ok {
		t.Error("a read from before version 2 was kept")
	}
}

// TestEntityCacheKeepsWhatIsUsed fills a small entity cache many times over
// with entries used once, while a few hubs are put or read between them:
// the hubs stay, and the cache stays under its bound.
func TestEntityCacheKeepsWhatIsUsed(t *testing.T) {
	c := newEntityCache()
	c.max = 1000
	entry := func(n int) *cachedEntity {
		m := newMerge("x")
		for i := range n - 1 {
			m.docs = append(m.docs, fmt.Sprint(i))
		}
		return &cachedEntity{merge: m, merged: &Entity{Name: "x"}}
	}
	hubs := []string{"programme/一带一路", "place/510000", "body/四川省发展改革委"}
	for _, h := range hubs {
		c.put(h, entry(20))
	}
	lost := 0
	for i := range 5000 {
		c.put(fmt.Sprintf("initiative/%d", i), entry(10))
		if i%10 == 0 { // a write touches the hubs again now and then
			for _, h := range hubs {
				if c.entity(h) == nil {
					lost++
					c.put(h, entry(20))
				}
			}
		}
		if c.quads > c.max {
			t.Fatalf("%d units cached, bound %d", c.quads, c.max)
		}
	}
	// Random eviction (evictSample 1) loses a hub 281 times in 500 rounds
	// here; the least recently used of eight, almost never.
	if lost > 10 {
		t.Errorf("hubs forgotten %d times in 500 rounds", lost)
	}
	t.Logf("hubs forgotten %d times in 500 rounds; %d entries, %d units", lost, len(c.ents), c.quads)
}
