package graph

import (
	"context"
	"fmt"
	"testing"
)

// TestTiedSetsKeepManySides asks connect about 300 sides in turn, as a
// client comparing each county with its city would, and checks that every
// side is still worked out afterwards: places keeps them all (it kept the
// last 64 before), within its count and size bounds.
func TestTiedSetsKeepManySides(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 4 {
		if _, err := st.WriteDocument(ctx, SyntheticGraph(i, 3000, 320, 900)); err != nil {
			t.Fatal(err)
		}
	}
	x := st.Index()
	b, err := x.Find("place/100000")
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	for i := 1; i < 319 && asked < 300; i++ { // place/100319 is left for the write below
		a, err := x.Find(fmt.Sprintf("place/%06d", 100000+i))
		if err != nil {
			continue
		}
		if _, err := ConnectedTo(ctx, x, a, b, false); err != nil {
			t.Fatal(err)
		}
		asked++
	}
	pl := x.places.Load()
	pl.mu.Lock()
	// every side asked, and b, is kept
	if len(pl.tiedSets) != asked+1 || len(pl.tiedOrder) != asked+1 {
		t.Fatalf("after %d questions places keeps %d tied sets (%d in order), want %d", asked, len(pl.tiedSets), len(pl.tiedOrder), asked+1)
	}
	n := 0
	for _, ts := range pl.tiedSets {
		n += len(ts.nodes)
	}
	if n != pl.tiedNodes || n > tiedCacheNodes {
		t.Errorf("tied sets hold %d initiatives, places counts %d (bound %d)", n, pl.tiedNodes, tiedCacheNodes)
	}
	last := pl.tiedOrder[len(pl.tiedOrder)-1]
	pl.mu.Unlock()

	// After a write elsewhere (an initiative tied to a place not asked
	// about) only the sides asked last carry over.
	g := &DocumentGraph{Document: Document{ID: "document/elsewhere", Title: "别处", Hash: "h-elsewhere"},
		Entities: []Entity{{ID: "initiative/别处项目", Kind: KindInitiative, Name: "别处项目"}},
		Facts: []Fact{{From: "initiative/别处项目", To: "place/100319", Relation: RelLocatedIn,
			Evidence: Evidence{Document: "document/elsewhere", Text: "建设别处项目。", End: 4}}}}
	if _, err := st.WriteDocument(ctx, g); err != nil {
		t.Fatal(err)
	}
	if _, err := ConnectedTo(ctx, x, b, b, false); err != nil {
		t.Fatal(err)
	}
	pl = x.places.Load()
	pl.mu.Lock()
	if len(pl.tiedSets) > tiedCarry+1 || len(pl.tiedSets) > asked/2 {
		t.Errorf("after a write places carried %d of %d tied sets over, want at most %d", len(pl.tiedSets), asked+1, tiedCarry+1)
	}
	if _, ok := pl.tiedSets[last]; !ok {
		t.Error("the side asked last did not carry over a write elsewhere")
	}
	pl.mu.Unlock()
}
