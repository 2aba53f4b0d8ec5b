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
	involved, err := involvedSet(ctx, x, pl, f)
	if err != nil {
		return nil, err
	}
	// Which places are broad, worked out before the index is locked (places
	// asks the index itself).
	broad := make(map[NodeRef]bool)
	for _, p := range x.NodesOfKind(KindPlace) {
		if pl.isBroad(p) {
			broad[p] = true
		}
	}
	d := &dependencyScan{x: x, f: f, involved: involved, broad: broad, owners: make(map[NodeRef][]NodeRef)}
	var out []Dependency
	for i, a := range x.NodesOfKind(KindInitiative) {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if out = d.of(a, out, limit); len(out) == limit {
			break
		}
	}
	return out, nil
}

// dependencyScan is what Dependencies keeps while it goes through the
// initiatives. Each initiative is read under one read lock, with the
// index's lock-held accessors: a lock for every edge cost most of a
// question at a million edges.
type dependencyScan struct {
	x        *Index
	f        DependencyFilter
	involved map[NodeRef]bool
	broad    map[NodeRef]bool
	owners   map[NodeRef][]NodeRef // by initiative, distinct, by node number
}

var (
	ownerRels = relationMask(ownerRelations...)
	shareRels = relationMask(shareRelations...)
)

// ownersOf returns the bodies that own initiative n. Lock held.
func (d *dependencyScan) ownersOf(n NodeRef) []NodeRef {
	if o, ok := d.owners[n]; ok {
		return o
	}
	var o []NodeRef
	_, in := d.x.lists(n)
	for _, e := range in {
		if ownerRels&(1<<e.Rel) != 0 && d.x.aliveLocked(e.Node) {
			o = append(o, e.Node)
		}
	}
	slices.Sort(o)
	o = slices.Compact(o)
	d.owners[n] = o
	return o
}

// of appends to out the dependencies of a with the initiatives after it,
// up to limit in all.
func (d *dependencyScan) of(a NodeRef, out []Dependency, limit int) []Dependency {
	x := d.x
	x.mu.RLock()
	defer x.mu.RUnlock()
	if !x.aliveLocked(a) {
		return out
	}
	ao := d.ownersOf(a)
	if len(ao) == 0 {
		return out
	}
	aID := x.idOf(a)
	type pair struct {
		b, shared     NodeRef
		bID, sharedID string
		rel           Relation
	}
	var pairs []pair
	seen := make(map[[2]NodeRef]bool)
	aOut, _ := x.lists(a)
	for _, s := range aOut {
		if shareRels&(1<<s.Rel) == 0 || x.viaOf(s) != NoNode {
			continue // a tie spread from a region: the region itself is shared, if anything
		}
		shared, rel := s.Node, s.Relation()
		same := uint32(1) << s.Rel
		switch k := x.kindLocked(shared); {
		case k == KindPlace && d.broad[shared]:
			continue
		case k == KindPlace:
			same = placeRels // lying in a place and connecting it share it alike
		case rel == RelPartOf && k != KindInitiative:
			continue
		}
		_, in := x.lists(shared)
		for _, t := range in {
			b := t.Node
			if same&(1<<t.Rel) == 0 || x.viaOf(t) != NoNode || b == a || x.kindLocked(b) != KindInitiative || seen[[2]NodeRef{b, shared}] {
				continue
			}
			bID := x.idOf(b)
			if bID <= aID {
				continue
			}
			if d.f.any() && !d.involved[a] && !d.involved[b] {
				continue
			}
			bo := d.ownersOf(b)
			if len(bo) == 0 || overlaps(ao, bo) {
				continue
			}
			seen[[2]NodeRef{b, shared}] = true
			pairs = append(pairs, pair{b, shared, bID, x.idOf(shared), rel})
		}
	}
	slices.SortFunc(pairs, func(p, q pair) int {
		return cmp.Or(strings.Compare(p.bID, q.bID), strings.Compare(p.sharedID, q.sharedID))
	})
	ids := func(ns []NodeRef) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = x.idOf(n)
		}
		slices.Sort(out)
		return out
	}
	var aBodies []string
	if len(pairs) > 0 {
		aBodies = ids(ao)
	}
	for _, p := range pairs {
		out = append(out, Dependency{A: aID, ABodies: slices.Clone(aBodies), B: p.bID, BBodies: ids(d.ownersOf(p.b)),
			Shared: p.sharedID, SharedRelation: p.rel})
		if len(out) == limit {
			break
		}
	}
	return out
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
