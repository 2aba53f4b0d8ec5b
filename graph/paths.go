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
	out   bool // the edge is stored node -> reached node
	facts []string
}

// ShortestPaths returns up to limit shortest paths from one node to another
// of at most maxHops edges, walking edges in both directions, only along rels
// when given. Paths that differ only in which fact states an edge are one
// path. The result is ordered by the IDs along the path; it is empty when no
// path is short enough. It checks ctx as it goes and fails with
// ErrWalkTooLarge past MaxWalkNodes.
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
	dist := map[NodeRef]int{from: 0}
	preds := make(map[NodeRef][]pred)
	frontier := []NodeRef{from}
	expanded := 0
	found := false
	for d := 1; d <= maxHops && len(frontier) > 0 && !found; d++ {
		var next []NodeRef
		for _, n := range frontier {
			if expanded++; expanded%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			for _, s := range x.Steps(n, DirectionBoth, rels) {
				m := s.Node
				dm, seen := dist[m]
				switch {
				case !seen:
					if x.Node(m).Kind == "" {
						continue
					}
					dist[m] = d
					next = append(next, m)
					if len(dist) > MaxWalkNodes {
						return nil, ErrWalkTooLarge
					}
				case dm != d:
					continue // reached sooner by another way
				}
				preds[m] = addPred(preds[m], pred{node: n, rel: s.Rel, out: s.Out}, x.FactID(s.Edge))
				if m == to {
					found = true
				}
			}
		}
		frontier = next
	}
	if !found {
		return nil, nil
	}
	for _, ps := range preds {
		for i := range ps {
			slices.Sort(ps[i].facts)
		}
		slices.SortFunc(ps, func(a, b pred) int {
			return cmp.Or(strings.Compare(x.Node(a.node).ID, x.Node(b.node).ID), cmp.Compare(a.rel, b.rel), compareBool(a.out, b.out))
		})
	}
	// Walk the predecessor graph back from to, depth first, in order.
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
		for _, p := range preds[n] {
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

// addPred adds fact to the pred of the same node, relation and direction in
// ps, or appends p with it.
func addPred(ps []pred, p pred, fact string) []pred {
	for i := range ps {
		if ps[i].node == p.node && ps[i].rel == p.rel && ps[i].out == p.out {
			ps[i].facts = append(ps[i].facts, fact)
			return ps
		}
	}
	p.facts = []string{fact}
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
