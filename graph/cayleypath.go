package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/cayleygraph/cayley"
	"github.com/cayleygraph/cayley/query/path"
	"github.com/cayleygraph/quad"
)

// This file answers the connect and paths questions a second way, with
// Cayley's own path API (cayley.StartPath ... Out/In, one query per hop),
// never with the Index. It exists for the benchmarks that compare the two
// (docs/benchmarks-history.md, "Queries") and for tests that check both give the
// same answer. The API does not use it.
//
// Each hop is one path over the whole frontier, not one per node: the
// kindest way to use Cayley for a breadth-first search. On memstore the hop
// names the relation predicates; on bbolt it follows every predicate and
// drops the others here, because Cayley's kv stores index only [S,P] and
// [O,P,S] and a predicate-filtered hop there scans (measured 20x slower).

// CayleyPaths returns up to limit shortest paths between the entities with
// IDs from and to, of at most maxHops edges in either direction, only along
// rels when given, found with Cayley's path API: per hop, one Out and one In
// over the frontier along the direct relation predicates
// (RelationPredicate). Paths carry no fact IDs; names maps every node on them
// to its name, read with the path API too. Paths are ordered as
// ShortestPaths orders them.
//
// The search is one-ended, from from only; CayleyPathsTwoEnded searches from
// both ends, as ShortestPaths does.
func (s *Store) CayleyPaths(ctx context.Context, from, to string, maxHops, limit int, rels []Relation) ([]Path, map[string]string, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, nil, err
	}
	defer s.mu.RUnlock()
	if from == to || limit <= 0 {
		return s.cayleyPathsOf(ctx, r.qs, from, to, nil, limit)
	}
	h := s.newCayleyHops(r.qs, rels)
	dist := map[string]int{from: 0}
	prs := make(map[string][]cayleyStep)
	frontier := []quad.Value{quad.IRI(from)}
	found := false
	for d := 1; d <= maxHops && len(frontier) > 0 && !found; d++ {
		var next []quad.Value
		err := h.hop(ctx, frontier, func(src, dst string, rel Relation, out bool) {
			dm, seen := dist[dst]
			switch {
			case !seen:
				dist[dst] = d
				next = append(next, quad.IRI(dst))
			case dm != d:
				return
			}
			addCayleyStep(prs, dst, cayleyStep{node: src, rel: rel, out: out})
			if dst == to {
				found = true
			}
		})
		if err != nil {
			return nil, nil, err
		}
		frontier = next
	}
	if !found {
		return nil, nil, nil
	}
	sortCayleySteps(prs)
	steps := func(n string, _ int) []cayleyStep { return prs[n] }
	return s.cayleyPathsOf(ctx, r.qs, from, to, backtrackCayley(from, to, dist[to], limit, steps), limit)
}

// CayleyPathsTwoEnded answers CayleyPaths' question as ShortestPaths does,
// searching from both ends: each round widens the smaller frontier by one
// hop, with one Out and one In path over that whole frontier (the predicate
// handling of CayleyPaths), and the search stops at the first depth where
// the two sides meet. The paths, their order and the names are
// CayleyPaths'. It is the fair Cayley baseline for ShortestPaths, which
// searches the same way: it touches about the square root of the nodes a
// one-ended walk does.
func (s *Store) CayleyPathsTwoEnded(ctx context.Context, from, to string, maxHops, limit int, rels []Relation) ([]Path, map[string]string, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, nil, err
	}
	defer s.mu.RUnlock()
	if from == to || limit <= 0 {
		return s.cayleyPathsOf(ctx, r.qs, from, to, nil, limit)
	}
	h := s.newCayleyHops(r.qs, rels)
	// Side 0 searches from from, side 1 from to. dist holds each side's
	// distances, exact up to its radius; toward[0] the steps into a node
	// from the nodes one hop nearer from (as CayleyPaths' predecessors);
	// toward[1] the steps out of a node to the nodes one hop farther from to,
	// which are the nodes one hop nearer from on the walk back.
	dist := [2]map[string]int{{from: 0}, {to: 0}}
	toward := [2]map[string][]cayleyStep{{}, {}}
	frontier := [2][]quad.Value{{quad.IRI(from)}, {quad.IRI(to)}}
	var radius [2]int
	best := -1
	for best < 0 && radius[0]+radius[1] < maxHops && len(frontier[0]) > 0 && len(frontier[1]) > 0 {
		side := 0
		if len(frontier[0]) > len(frontier[1]) {
			side = 1
		}
		d := radius[side] + 1
		mine, other := dist[side], dist[1-side]
		var next []quad.Value
		err := h.hop(ctx, frontier[side], func(src, dst string, rel Relation, out bool) {
			dm, seen := mine[dst]
			switch {
			case !seen:
				mine[dst] = d
				next = append(next, quad.IRI(dst))
				if od, ok := other[dst]; ok && (best < 0 || d+od < best) {
					best = d + od
				}
			case dm != d:
				return
			}
			if side == 0 {
				addCayleyStep(toward[0], dst, cayleyStep{node: src, rel: rel, out: out})
			} else { // on the walk back dst comes before src: stored dst -> src unless out
				addCayleyStep(toward[1], src, cayleyStep{node: dst, rel: rel, out: !out})
			}
		})
		if err != nil {
			return nil, nil, err
		}
		frontier[side], radius[side] = next, d
	}
	if best < 0 {
		return nil, nil, nil
	}
	sortCayleySteps(toward[0])
	sortCayleySteps(toward[1])
	rs := radius[0]
	// steps gives the steps into node n, k hops from from on a shortest
	// path, from the nodes k-1 hops from it: the forward search's within its
	// radius, the backward search's beyond it. A node the backward search
	// puts next to the forward radius that the forward search did not reach
	// there has no steps, so the walk back drops it.
	steps := func(n string, k int) []cayleyStep {
		if k <= rs {
			return toward[0][n]
		}
		return toward[1][n]
	}
	return s.cayleyPathsOf(ctx, r.qs, from, to, backtrackCayley(from, to, best, limit, steps), limit)
}

// cayleyHops runs the hops of the Cayley path searches over one quad store.
type cayleyHops struct {
	qs    cayleyQuadStore
	via   []any // the predicates a hop names; nil: every predicate, filtered by relOf
	relOf map[quad.Value]Relation
}

func (s *Store) newCayleyHops(qs cayleyQuadStore, rels []Relation) *cayleyHops {
	if len(rels) == 0 {
		rels = Relations
	}
	h := &cayleyHops{qs: qs, relOf: make(map[quad.Value]Relation, len(rels))}
	for _, rel := range rels {
		p := quad.IRI(RelationPredicate(rel))
		h.relOf[p] = rel
		h.via = append(h.via, p)
	}
	if _, mem := s.be.(*memBackend); !mem {
		h.via = nil // kv stores have no predicate index: filter here instead (10-20x faster on bbolt)
	}
	return h
}

// hop calls visit for every edge along the relations between a node of
// frontier (src) and another (dst), stored src -> dst when out is true, with
// one Out and one In path over the whole frontier.
func (h *cayleyHops) hop(ctx context.Context, frontier []quad.Value, visit func(src, dst string, rel Relation, out bool)) error {
	base := cayley.StartPath(h.qs, frontier...).Tag("src")
	for _, out := range []bool{true, false} {
		var p *path.Path
		if out {
			p = base.Clone().OutWithTags([]string{"rel"}, h.via...).Tag("dst")
		} else {
			p = base.Clone().InWithTags([]string{"rel"}, h.via...).Tag("dst")
		}
		err := p.Iterate(ctx).TagValues(h.qs, func(m map[string]quad.Value) error {
			if rel, ok := h.relOf[m["rel"]]; ok {
				visit(valString(m["src"]), valString(m["dst"]), rel, out)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return ctx.Err() // a cancelled iterator stops without an error
}

// cayleyStep is a step of a Cayley path search into a node: from node, along
// rel, stored node -> the other node when out is true (ShortestPaths' pred).
type cayleyStep struct {
	node string
	rel  Relation
	out  bool
}

func addCayleyStep(steps map[string][]cayleyStep, n string, e cayleyStep) {
	if !slices.Contains(steps[n], e) {
		steps[n] = append(steps[n], e)
	}
}

// sortCayleySteps orders each node's steps as ShortestPaths orders its
// preds: by node ID, relation and direction.
func sortCayleySteps(steps map[string][]cayleyStep) {
	for _, ps := range steps {
		slices.SortFunc(ps, func(a, b cayleyStep) int {
			return cmp.Or(strings.Compare(a.node, b.node), cmp.Compare(relCode(a.rel), relCode(b.rel)), compareBool(a.out, b.out))
		})
	}
}

// backtrackCayley walks back from to, length hops from from, to from, as
// ShortestPaths' walk back does, and returns the first limit paths in its
// order. steps(n, k) gives the sorted steps into node n, k hops from from,
// from nodes k-1 hops from it.
func backtrackCayley(from, to string, length, limit int, steps func(n string, k int) []cayleyStep) []Path {
	var paths []Path
	var rev []PathEdge
	var nodes []string
	var back func(n string, k int) bool
	back = func(n string, k int) bool {
		if k == 0 {
			if n != from {
				return true
			}
			p := Path{Nodes: []string{from}}
			for i := len(rev) - 1; i >= 0; i-- {
				p.Edges = append(p.Edges, rev[i])
				p.Nodes = append(p.Nodes, nodes[i])
			}
			paths = append(paths, p)
			return len(paths) < limit
		}
		for _, p := range steps(n, k) {
			e := PathEdge{Relation: p.rel, From: p.node, To: n}
			if !p.out {
				e.From, e.To = n, p.node
			}
			rev, nodes = append(rev, e), append(nodes, n)
			more := back(p.node, k-1)
			rev, nodes = rev[:len(rev)-1], nodes[:len(nodes)-1]
			if !more {
				return false
			}
		}
		return true
	}
	back(to, length)
	return paths
}

// cayleyPathsOf returns paths with the names of their nodes read through
// Cayley; from == to is the path of one node, if limit allows.
func (s *Store) cayleyPathsOf(ctx context.Context, qs cayleyQuadStore, from, to string, paths []Path, limit int) ([]Path, map[string]string, error) {
	if limit <= 0 {
		return nil, nil, nil
	}
	if from == to {
		paths = []Path{{Nodes: []string{from}}}
	}
	var ids []quad.Value
	for _, p := range paths {
		for _, n := range p.Nodes {
			ids = append(ids, quad.IRI(n))
		}
	}
	names, err := cayleyNames(ctx, qs, uniqueValues(ids))
	if err != nil {
		return nil, nil, err
	}
	return paths, names, nil
}

// CayleyConnect returns the IDs and names of the initiatives tied to both
// places a and b (IDs), found with Cayley's path API alone, by the rules of
// Connect without broad ties: an initiative is tied to a place when a fact
// says it is LOCATED_IN or CONNECTS the place, a place inside it (PART_OF,
// at any depth) or a place containing it that is not broad (see Reach),
// unless the fact holds through a broad region. The result is sorted by ID.
func (s *Store) CayleyConnect(ctx context.Context, a, b string) (ids, names []string, err error) {
	r, err := s.rlock()
	if err != nil {
		return nil, nil, err
	}
	defer s.mu.RUnlock()
	c := &cayleyConnect{ctx: ctx, qs: r.qs, broad: make(map[string]bool)}
	ta, err := c.tied(a)
	if err != nil {
		return nil, nil, err
	}
	tb, err := c.tied(b)
	if err != nil {
		return nil, nil, err
	}
	var both []quad.Value
	for ini := range ta {
		if tb[ini] {
			ids = append(ids, ini)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		both = append(both, quad.IRI(id))
	}
	nm, err := cayleyNames(ctx, r.qs, both)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		names = append(names, nm[id])
	}
	return ids, names, ctx.Err()
}

type cayleyConnect struct {
	ctx   context.Context
	qs    cayleyQuadStore
	broad map[string]bool
}

// cayleyQuadStore is the quad store type cayley.StartPath takes.
type cayleyQuadStore = cayley.QuadStore

var (
	partOf    = quad.IRI(RelationPredicate(RelPartOf))
	kindPlace = quad.String(KindPlace)
)

// tied returns the initiatives tied to place p.
func (c *cayleyConnect) tied(p string) (map[string]bool, error) {
	pv := quad.IRI(p)
	inside := cayley.StartMorphism().In(partOf).Has(pKind, kindPlace)
	outside := cayley.StartMorphism().Out(partOf).Has(pKind, kindPlace)
	members, err := cayley.StartPath(c.qs, pv).FollowRecursive(inside, 0, nil).Iterate(c.ctx).AllValues(c.qs)
	if err != nil {
		return nil, err
	}
	containers, err := cayley.StartPath(c.qs, pv).FollowRecursive(outside, 0, nil).Iterate(c.ctx).AllValues(c.qs)
	if err != nil {
		return nil, err
	}
	targets := append([]quad.Value{pv}, members...)
	for _, v := range containers {
		b, err := c.isBroad(valString(v))
		if err != nil {
			return nil, err
		}
		if !b && valString(v) != p {
			targets = append(targets, v)
		}
	}
	// The facts pointing at the targets (pg:to), with their records: the
	// relation, the From and the region a fact holds through are fields of
	// the record, read here from the record literal.
	type tie struct{ ini, via string }
	var ties []tie
	var froms []quad.Value
	err = cayley.StartPath(c.qs, uniqueValues(targets)...).In(pTo).Out(pFactRec).Iterate(c.ctx).
		EachValue(c.qs, func(v quad.Value) error {
			f, _, ok := parseFactRecord("", valString(v))
			if ok && (f.Relation == RelLocatedIn || f.Relation == RelConnects) {
				ties = append(ties, tie{f.From, f.Via})
				froms = append(froms, quad.IRI(f.From))
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	inis, err := cayley.StartPath(c.qs, uniqueValues(froms)...).Has(pKind, quad.String(KindInitiative)).
		Iterate(c.ctx).AllValues(c.qs)
	if err != nil {
		return nil, err
	}
	isIni := make(map[string]bool, len(inis))
	for _, v := range inis {
		isIni[valString(v)] = true
	}
	out := make(map[string]bool)
	for _, t := range ties {
		if !isIni[t.ini] {
			continue
		}
		if t.via != "" {
			b, err := c.isBroad(t.via)
			if err != nil {
				return nil, err
			}
			if b {
				continue
			}
		}
		out[t.ini] = true
	}
	return out, c.ctx.Err()
}

// isBroad reports whether place p is a country, a province, or a region
// with a broad member, reading levels and members with the path API.
func (c *cayleyConnect) isBroad(p string) (bool, error) {
	if b, ok := c.broad[p]; ok {
		return b, nil
	}
	c.broad[p] = false // a membership cycle is not broad
	lv, err := cayley.StartPath(c.qs, quad.IRI(p)).Out(pLevel).Iterate(c.ctx).FirstValue(c.qs)
	if err != nil {
		return false, err
	}
	b := false
	switch PlaceLevel(valString(lv)) {
	case LevelCountry, LevelProvince:
		b = true
	case LevelRegion:
		ms, err := cayley.StartPath(c.qs, quad.IRI(p)).In(partOf).Has(pKind, kindPlace).Iterate(c.ctx).AllValues(c.qs)
		if err != nil {
			return false, err
		}
		for _, m := range ms {
			if mb, err := c.isBroad(valString(m)); err != nil {
				return false, err
			} else if mb {
				b = true
				break
			}
		}
	}
	c.broad[p] = b
	return b, nil
}

// cayleyNames maps each of ids to its name, read with one path.
func cayleyNames(ctx context.Context, qs cayleyQuadStore, ids []quad.Value) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := cayley.StartPath(qs, ids...).Tag("id").Out(pName).Tag("name").Iterate(ctx).
		TagValues(qs, func(m map[string]quad.Value) error {
			out[valString(m["id"])] = valString(m["name"])
			return nil
		})
	return out, err
}
