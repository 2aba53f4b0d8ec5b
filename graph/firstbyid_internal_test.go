package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFirstByIDIsSortByIDsPrefix proves firstByID leaves the first k nodes
// SortByID would, in the same order, for every k, on shuffled input.
func TestFirstByIDIsSortByIDsPrefix(t *testing.T) {
	x := newIndex()
	ch := &indexChange{}
	var ids []string
	for i := range 300 {
		id := fmt.Sprintf("place/%d", rand.IntN(100000)*1000+i)
		ids = append(ids, id)
		ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: &Entity{ID: id, Kind: KindPlace, Name: id}})
	}
	x.apply(ch)
	var all []NodeRef
	for _, id := range ids {
		n, ok := x.Lookup(id)
		if !ok {
			t.Fatalf("%s not in the index", id)
		}
		all = append(all, n)
	}
	want := slices.Clone(all)
	x.SortByID(want)
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k <= len(all)+1; k++ {
		got := slices.Clone(all)
		r.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		x.firstByID(got, k)
		n := min(k, len(all))
		if !slices.Equal(got[:n], want[:n]) {
			t.Fatalf("k=%d: first %d differ from SortByID's", k, n)
		}
		rest := slices.Clone(got[n:])
		slices.Sort(rest)
		wantRest := slices.Clone(want[n:])
		slices.Sort(wantRest)
		if !slices.Equal(rest, wantRest) {
			t.Fatalf("k=%d: the rest is not the remaining nodes", k)
		}
	}
}
