package graph

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
)

// MaxWalkNodes bounds how many nodes one path search may reach. A search that
// would reach more fails with ErrWalkTooLarge rather than hold the server.
const MaxWalkNodes = 200_000

// ErrWalkTooLarge is returned by walks that reach more than MaxWalkNodes nodes.
var ErrWalkTooLarge = errors.New("the walk reaches too many nodes")

// Path is a walk between two entities, as entity IDs and the edges between
// consecutive ones.
type Path struct {
	Nodes []string
	Edges []PathEdge
}

// Length returns the number of edges of p.
func (p Path) Length() int { return len(p.Edges) }

// PathEdge is one step of a path: the stored edge From -> To, whichever way
// the path walks it, and the facts that state it (at least one).
type PathEdge struct {
	From     string
	To       string
	Relation Relation
	Facts    []string // fact IDs, sorted
}

// pred is how a BFS reached a node: from node, along one From-Relation-To
// stated by one or more facts.
type pred struct {
	node  NodeRef
	rel   RelCode
	out   bool   // the edge is stored node -> reached node
	edges []Edge // every fact of this step
	facts []string
}

// ShortestPaths returns up to limit shortest paths from from to to of at
// most maxHops edges, along rels when given, following edges either way.
//
// It searches from both ends at once, always widening the smaller frontier
// by a whole level, so it touches about the square root of the nodes a
// one-sided walk would. Once the frontiers meet at distance D, it walks back
// from to: the steps into a node at position k (k edges from from) come from
// nodes at position k-1, which the forward distances tell exactly up to the
// forward radius and the backward distances beyond it. Steps are ordered by
// node ID, relation and direction, so the answer is deterministic. It
// honours ctx and fails with ErrWalkTooLarge past MaxWalkNodes.
func ShortestPaths(ctx context.Context, x *Index, from, to NodeRef, maxHops, limit int, rels []Relation) ([]Path, error) {
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
	ds := map[NodeRef]int32{from: 0} // distance from from, exact up to rs
	dt := map[NodeRef]int32{to: 0}   // distance to to, exact up to rt
	fs, ft := []NodeRef{from}, []NodeRef{to}
	var rs, rt int32
	best := int32(-1)
	expanded := 0
	// widen grows one side by a level; other is the other side's distances.
	widen := func(frontier []NodeRef, dist, other map[NodeRef]int32, r int32) ([]NodeRef, error) {
		var next []NodeRef
		reach := func(m NodeRef, rel RelCode) error {
			if !keep(rel) {
				return nil
			}
			if _, seen := dist[m]; seen || !x.alive(m) {
				return nil
			}
			dist[m] = r + 1
			next = append(next, m)
			if d, ok := other[m]; ok && (best < 0 || r+1+d < best) {
				best = r + 1 + d
			}
			if len(ds)+len(dt) > MaxWalkNodes {
				return ErrWalkTooLarge
			}
			return nil
		}
		for _, n := range frontier {
			if expanded++; expanded%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			for _, e := range x.Out(n) {
				if err := reach(e.Node, e.Rel); err != nil {
					return nil, err
				}
			}
			for _, e := range x.In(n) {
				if err := reach(e.Node, e.Rel); err != nil {
					return nil, err
				}
			}
		}
		return next, nil
	}
	for best < 0 && int(rs+rt) < maxHops && len(fs) > 0 && len(ft) > 0 {
		var err error
		if len(fs) <= len(ft) {
			fs, err = widen(fs, ds, dt, rs)
			rs++
		} else {
			ft, err = widen(ft, dt, ds, rt)
			rt++
		}
		if err != nil {
			return nil, err
		}
	}
	if best < 0 {
		return nil, nil
	}
	// at reports whether node u is k edges from from on a shortest path's
	// way: exactly known within the forward radius, through the backward
	// distances beyond it (a node that only looks right there leads to no
	// complete path and is dropped by the walk back).
	at := func(u NodeRef, k int32) bool {
		if k <= rs {
			d, ok := ds[u]
			return ok && d == k
		}
		d, ok := dt[u]
		return ok && d == best-k
	}
	type place struct {
		node NodeRef
		k    int32
	}
	sorted := map[place][]pred{}
	steps := func(v NodeRef, k int32) []pred {
		if ps, ok := sorted[place{v, k}]; ok {
			return ps
		}
		var ps []pred
		for _, e := range x.In(v) { // stored u -> v
			if keep(e.Rel) && at(e.Node, k-1) {
				ps = addPred(ps, pred{node: e.Node, rel: e.Rel, out: true}, e)
			}
		}
		for _, e := range x.Out(v) { // stored v -> u
			if keep(e.Rel) && at(e.Node, k-1) {
				ps = addPred(ps, pred{node: e.Node, rel: e.Rel, out: false}, e)
			}
		}
		for i := range ps {
			ps[i].facts = make([]string, len(ps[i].edges))
			for j, e := range ps[i].edges {
				ps[i].facts[j] = x.FactID(e)
			}
			slices.Sort(ps[i].facts)
		}
		slices.SortFunc(ps, func(a, b pred) int {
			return cmp.Or(strings.Compare(x.Node(a.node).ID, x.Node(b.node).ID), cmp.Compare(a.rel, b.rel), compareBool(a.out, b.out))
		})
		sorted[place{v, k}] = ps
		return ps
	}
	var paths []Path
	var rev []PathEdge // edges from to back towards from
	var nodes []string
	var back func(n NodeRef, k int32) bool
	back = func(n NodeRef, k int32) bool {
		if k == 0 {
			if n != from {
				return true
			}
			p := Path{Nodes: make([]string, 0, len(rev)+1), Edges: make([]PathEdge, 0, len(rev))}
			p.Nodes = append(p.Nodes, x.Node(from).ID)
			for i := len(rev) - 1; i >= 0; i-- {
				p.Edges = append(p.Edges, rev[i])
				p.Nodes = append(p.Nodes, nodes[i])
			}
			paths = append(paths, p)
			return len(paths) < limit
		}
		for _, p := range steps(n, k) {
			e := PathEdge{Relation: p.rel.Relation(), Facts: p.facts}
			if p.out {
				e.From, e.To = x.Node(p.node).ID, x.Node(n).ID
			} else {
				e.From, e.To = x.Node(n).ID, x.Node(p.node).ID
			}
			rev = append(rev, e)
			nodes = append(nodes, x.Node(n).ID)
			more := back(p.node, k-1)
			rev, nodes = rev[:len(rev)-1], nodes[:len(nodes)-1]
			if !more {
				return false
			}
		}
		return true
	}
	back(to, best)
	return paths, nil
}

func addPred(ps []pred, p pred, e Edge) []pred {
	for i := range ps {
		if ps[i].node == p.node && ps[i].rel == p.rel && ps[i].out == p.out {
			ps[i].edges = append(ps[i].edges, e)
			return ps
		}
	}
	p.edges = []Edge{e}
	return append(ps, p)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}
