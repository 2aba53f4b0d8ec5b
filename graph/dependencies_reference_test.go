package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// DependenciesReference is Dependencies as it was before it read the index
// under one lock per initiative: through the public accessors, a lock for
// every edge. TestDependenciesMatchReference compares the two.
func DependenciesReference(ctx context.Context, x *Index, f DependencyFilter, limit int) ([]Dependency, error) {
	if err := ctx.Err(); err != nil || limit <= 0 {
		return nil, err
	}
	pl := newPlaces(x)
	owners := make(map[NodeRef][]NodeRef)
	ownersOf := func(n NodeRef) []NodeRef {
		if o, ok := owners[n]; ok {
			return o
		}
		o := x.Neighbours(n, DirectionIn, ownerRelations)
		owners[n] = o
		return o
	}
	involved, err := involvedSet(ctx, x, pl, f)
	if err != nil {
		return nil, err
	}
	ids := func(ns []NodeRef) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = x.Node(n).ID
		}
		slices.Sort(out)
		return out
	}
	var out []Dependency
	for i, a := range x.NodesOfKind(KindInitiative) {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		ao := ownersOf(a)
		if len(ao) == 0 {
			continue
		}
		aID := x.Node(a).ID
		type pair struct {
			b      NodeRef
			shared NodeRef
			rel    Relation
		}
		var pairs []pair
		seen := make(map[[2]NodeRef]bool)
		for _, s := range x.Steps(a, DirectionOut, shareRelations) {
			shared := s.Node
			if x.Via(s.Edge) != NoNode {
				continue // a tie spread from a region: the region itself is shared, if anything
			}
			same := []Relation{s.Relation()}
			switch k := x.Node(shared).Kind; {
			case k == KindPlace && pl.isBroad(shared):
				continue
			case k == KindPlace:
				same = placeRelations // lying in a place and connecting it share it alike
			case s.Relation() == RelPartOf && k != KindInitiative:
				continue
			}
			for _, t := range x.Steps(shared, DirectionIn, same) {
				b := t.Node
				if x.Via(t.Edge) != NoNode || b == a || x.Node(b).Kind != KindInitiative || x.Node(b).ID <= aID || seen[[2]NodeRef{b, shared}] {
					continue
				}
				if f.any() && !involved[a] && !involved[b] {
					continue
				}
				bo := ownersOf(b)
				if len(bo) == 0 || overlaps(ao, bo) {
					continue
				}
				seen[[2]NodeRef{b, shared}] = true
				pairs = append(pairs, pair{b, shared, s.Relation()})
			}
		}
		slices.SortFunc(pairs, func(p, q pair) int {
			return cmp.Or(strings.Compare(x.Node(p.b).ID, x.Node(q.b).ID), strings.Compare(x.Node(p.shared).ID, x.Node(q.shared).ID))
		})
		for _, p := range pairs {
			out = append(out, Dependency{A: aID, ABodies: ids(ao), B: x.Node(p.b).ID, BBodies: ids(ownersOf(p.b)),
				Shared: x.Node(p.shared).ID, SharedRelation: p.rel})
			if len(out) == limit {
				return out, nil
			}
		}
	}
	return out, nil
}
