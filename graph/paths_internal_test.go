package graph

import (
	"cmp"
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestShortestPathsMatchesOneSidedWalk checks the two-sided search against
// the plain breadth-first walk it replaced, kept below as the reference, on
// random pairs of a synthetic graph: same paths, same order.
func TestShortestPathsMatchesOneSidedWalk(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 20 {
		if _, err := s.WriteDocument(ctx, SyntheticGraph(i, 300, 1500, 400)); err != nil {
			t.Fatal(err)
		}
	}
	x := s.Index()
	rng := rand.New(rand.NewPCG(7, 11))
	bound := x.Bound()
	compared, found := 0, 0
	for range 300 {
		a, b := NodeRef(1+rng.IntN(bound-1)), NodeRef(1+rng.IntN(bound-1))
		for _, hops := range []int{2, 4, 6} {
			for _, rels := range [][]Relation{nil, {RelLocatedIn, RelConnects}} {
				got, err1 := ShortestPaths(ctx, x, a, b, hops, 5, rels)
				want, err2 := shortestPathsOneSided(ctx, x, a, b, hops, 5, rels)
				if err1 != nil || err2 != nil {
					t.Fatalf("errors: %v, %v", err1, err2)
				}
				compared++
				if len(want) > 0 {
					found++
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s -> %s, %d hops, %v:\n got %+v\nwant %+v", x.Node(a).ID, x.Node(b).ID, hops, rels, got, want)
				}
			}
		}
	}
	t.Logf("%d questions compared, %d with paths", compared, found)
	if found == 0 {
		t.Fatal("no question had a path: the test graph is too sparse")
	}
}

// shortestPathsOneSided is the one-sided breadth-first walk ShortestPaths
// used before it searched from both ends: the reference for the test above.
func shortestPathsOneSided(ctx context.Context, x *Index, from, to NodeRef, maxHops, limit int, rels []Relation) ([]Path, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 || x.Node(from).Kind == "" || x.Node(to).Kind == "" {
		return nil, nil
	}
	if from == to {
		return []Path{{Nodes: []string{x.Node(from).ID}}}, nil
	}
	keep := relationSet(rels)
	dist := map[NodeRef]int32{from: 0}
	preds := make(map[NodeRef][]pred)
	frontier := []NodeRef{from}
	expanded := 0
	found := false
	var next []NodeRef
	// visit records that the step e (stored n -> m when out) reaches m at
	// depth d, and queues m the first time it is reached.
	visit := func(n, m NodeRef, e Edge, out bool, d int32) error {
		if !keep(e.Rel) {
			return nil
		}
		dm, seen := dist[m]
		switch {
		case !seen:
			if !x.alive(m) {
				return nil
			}
			dist[m] = d
			next = append(next, m)
			if len(dist) > MaxWalkNodes {
				return ErrWalkTooLarge
			}
		case dm != d:
			return nil // reached sooner by another way
		}
		preds[m] = addPred(preds[m], pred{node: n, rel: e.Rel, out: out}, e)
		if m == to {
			found = true
		}
		return nil
	}
	for d := int32(1); int(d) <= maxHops && len(frontier) > 0 && !found; d++ {
		next = nil
		for _, n := range frontier {
			if expanded++; expanded%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			for _, e := range x.Out(n) {
				if err := visit(n, e.Node, e, true, d); err != nil {
					return nil, err
				}
			}
			for _, e := range x.In(n) {
				if err := visit(n, e.Node, e, false, d); err != nil {
					return nil, err
				}
			}
		}
		frontier = next
	}
	if !found {
		return nil, nil
	}
	sorted := map[NodeRef]bool{}
	order := func(n NodeRef) []pred {
		ps := preds[n]
		if !sorted[n] {
			sorted[n] = true
			for i := range ps {
				ps[i].facts = make([]string, len(ps[i].edges))
				for k, e := range ps[i].edges {
					ps[i].facts[k] = x.FactID(e)
				}
				slices.Sort(ps[i].facts)
			}
			slices.SortFunc(ps, func(a, b pred) int {
				return cmp.Or(strings.Compare(x.Node(a.node).ID, x.Node(b.node).ID), cmp.Compare(a.rel, b.rel), compareBool(a.out, b.out))
			})
		}
		return ps
	}
	var paths []Path
	var rev []PathEdge // edges from to back towards from
	var nodes []string
	var back func(n NodeRef) bool
	back = func(n NodeRef) bool {
		if n == from {
			p := Path{Nodes: make([]string, 0, len(rev)+1), Edges: make([]PathEdge, 0, len(rev))}
			p.Nodes = append(p.Nodes, x.Node(from).ID)
			for i := len(rev) - 1; i >= 0; i-- {
				p.Edges = append(p.Edges, rev[i])
				p.Nodes = append(p.Nodes, nodes[i])
			}
			paths = append(paths, p)
			return len(paths) < limit
		}
		for _, p := range order(n) {
			e := PathEdge{Relation: p.rel.Relation(), Facts: p.facts}
			if p.out {
				e.From, e.To = x.Node(p.node).ID, x.Node(n).ID
			} else {
				e.From, e.To = x.Node(n).ID, x.Node(p.node).ID
			}
			rev = append(rev, e)
			nodes = append(nodes, x.Node(n).ID)
			more := back(p.node)
			rev, nodes = rev[:len(rev)-1], nodes[:len(nodes)-1]
			if !more {
				return false
			}
		}
		return true
	}
	back(to)
	return paths, nil
}
