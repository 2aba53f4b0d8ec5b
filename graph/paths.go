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
// most maxHops edges, along rels when given, following edges either way. It
// walks the Index breadth first, recording for each node reached only the
// steps that reached it first; fact IDs and the order of paths (by node ID,
// relation and direction) are worked out only for the nodes on the paths
// returned. It honours ctx and fails with ErrWalkTooLarge past MaxWalkNodes.
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
