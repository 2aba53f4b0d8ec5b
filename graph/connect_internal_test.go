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
