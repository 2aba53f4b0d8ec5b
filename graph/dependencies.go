package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Dependency is a pair of initiatives owned by different bodies that share a
// place, programme, target or prerequisite.
type Dependency struct {
	A              string   // initiative ID; A < B
	ABodies        []string // body IDs, sorted
	B              string
	BBodies        []string
	Shared         string   // ID of the shared entity
	SharedRelation Relation // how A reaches Shared
}

// DependencyFilter narrows Dependencies to pairs involving some entities.
// Empty fields do not narrow.
type DependencyFilter struct {
	Bodies     []NodeRef // A or B is owned by one of these
	Places     []NodeRef // A or B is tied to one of these (see InitiativesAt)
	Programmes []NodeRef // A or B is under one of these
}

// ownerRelations are the relations by which a body owns an initiative.
var ownerRelations = []Relation{RelLeads, RelCoBuilds, RelCoordinates}

// shareRelations are the relations by which two initiatives share something:
// a place (not a broad one: see Reach), a programme, a target, or a
// prerequisite they are both PART_OF.
var shareRelations = []Relation{RelLocatedIn, RelConnects, RelUnderProgramme, RelHasTarget, RelPartOf}

// Dependencies returns up to limit pairs of initiatives A < B (by ID) whose
// owners (bodies that LEAD, CO_BUILD or COORDINATE them, stated or inferred)
// are disjoint and non-empty, and that share a place that is not broad (each
// LOCATED_IN or CONNECTS it, by an edge of its own rather than one spread from
// a region), a programme, a target or a prerequisite (an initiative both are
// PART_OF).
// One Dependency is returned per shared entity, ordered by A, B and Shared.
func Dependencies(ctx context.Context, x *Index, f DependencyFilter, limit int) ([]Dependency, error) {
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

func (f DependencyFilter) any() bool {
	return len(f.Bodies) > 0 || len(f.Places) > 0 || len(f.Programmes) > 0
}

// involvedSet returns the initiatives the filter's entities involve.
func involvedSet(ctx context.Context, x *Index, pl *places, f DependencyFilter) (map[NodeRef]bool, error) {
	set := make(map[NodeRef]bool)
	for _, b := range f.Bodies {
		for _, n := range x.Neighbours(b, DirectionOut, ownerRelations) {
			set[n] = true
		}
	}
	for _, p := range f.Programmes {
		for _, n := range x.Neighbours(p, DirectionIn, []Relation{RelUnderProgramme}) {
			set[n] = true
		}
	}
	if len(f.Places) > 0 {
		at, err := initiativesAt(ctx, x, pl, f.Places)
		if err != nil {
			return nil, err
		}
		for n := range at {
			set[n] = true
		}
	}
	return set, nil
}

func overlaps(a, b []NodeRef) bool {
	for _, n := range a {
		if slices.Contains(b, n) {
			return true
		}
	}
	return false
}
