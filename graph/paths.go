package graph

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
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
	id    string // node's ID
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
//
// The whole search holds the index's read lock once, so that it reads one
// state of the graph and does not pay for the lock at every edge, and keeps
// its distances in arrays by node number (see pathSearch).
func ShortestPaths(ctx context.Context, x *Index, from, to NodeRef, maxHops, limit int, rels []Relation) ([]Path, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if limit <= 0 || !x.aliveLocked(from) || !x.aliveLocked(to) {
		return nil, nil
	}
	if from == to {
		return []Path{{Nodes: []string{x.idOf(from)}}}, nil
	}
	keep, all := relationMask(rels...), len(rels) == 0
	ws := pathPool.Get().(*pathSearch)
	defer ws.release()
	ws.grow(len(x.nodes))
	// ds and dt are each node's distance from from and to to, plus one (0:
	// not reached), exact up to the radii rs and rt.
	ds, dt := ws.dist[0], ws.dist[1]
	ds[from], dt[to] = 1, 1
	ws.seen[0], ws.seen[1] = append(ws.seen[0], from), append(ws.seen[1], to)
	fs, ft := []NodeRef{from}, []NodeRef{to}
	var rs, rt int32
	best := int32(-1)
	expanded := 0
	// widen grows one side by a level from r to r+1.
	widen := func(side int, frontier []NodeRef, r int32) ([]NodeRef, error) {
		dist, other := ws.dist[side], ws.dist[1-side]
		var next []NodeRef
		for _, n := range frontier {
			if expanded++; expanded%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			out, in := x.lists(n)
			for _, es := range [2][]Edge{out, in} {
				for _, e := range es {
					m := e.Node
					if !all && keep&(1<<e.Rel) == 0 || dist[m] != 0 || x.nodes[m].kind&aliveBit == 0 {
						continue
					}
					dist[m] = r + 2
					next = append(next, m)
					ws.seen[side] = append(ws.seen[side], m)
					if d := other[m]; d != 0 && (best < 0 || r+d < best) {
						best = r + d // r+1 edges here, d-1 there
					}
					if len(ws.seen[0])+len(ws.seen[1]) > MaxWalkNodes {
						return nil, ErrWalkTooLarge
					}
				}
			}
		}
		return next, nil
	}
	for best < 0 && int(rs+rt) < maxHops && len(fs) > 0 && len(ft) > 0 {
		var err error
		if len(fs) <= len(ft) {
			fs, err = widen(0, fs, rs)
			rs++
		} else {
			ft, err = widen(1, ft, rt)
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
			return ds[u] == k+1
		}
		return dt[u] != 0 && dt[u]-1 == best-k
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
		out, in := x.lists(v)
		for _, e := range in { // stored u -> v
			if (all || keep&(1<<e.Rel) != 0) && at(e.Node, k-1) {
				ps = addPred(ps, pred{node: e.Node, rel: e.Rel, out: true}, e)
			}
		}
		for _, e := range out { // stored v -> u
			if (all || keep&(1<<e.Rel) != 0) && at(e.Node, k-1) {
				ps = addPred(ps, pred{node: e.Node, rel: e.Rel, out: false}, e)
			}
		}
		for i := range ps {
			ps[i].facts = make([]string, len(ps[i].edges))
			for j, e := range ps[i].edges {
				ps[i].facts[j] = x.factIDLocked(e)
			}
			slices.Sort(ps[i].facts)
			ps[i].id = x.idOf(ps[i].node)
		}
		slices.SortFunc(ps, func(a, b pred) int {
			return cmp.Or(strings.Compare(a.id, b.id), cmp.Compare(a.rel, b.rel), compareBool(a.out, b.out))
		})
		sorted[place{v, k}] = ps
		return ps
	}
	var paths []Path
	var rev []PathEdge // edges from to back towards from
	var nodes []string
	var back func(n NodeRef, id string, k int32) bool
	back = func(n NodeRef, id string, k int32) bool {
		if k == 0 {
			if n != from {
				return true
			}
			p := Path{Nodes: make([]string, 0, len(rev)+1), Edges: make([]PathEdge, 0, len(rev))}
			p.Nodes = append(p.Nodes, id)
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
				e.From, e.To = p.id, id
			} else {
				e.From, e.To = id, p.id
			}
			rev = append(rev, e)
			nodes = append(nodes, id)
			more := back(p.node, p.id, k-1)
			rev, nodes = rev[:len(rev)-1], nodes[:len(nodes)-1]
			if !more {
				return false
			}
		}
		return true
	}
	back(to, x.idOf(to), best)
	return paths, nil
}

// pathSearch is ShortestPaths' working space: each node's distance from
// either end (plus one; 0 when not reached), by node number, and the nodes
// each side reached, so that it goes back to the pool clear. Arrays as long
// as the index cost a few hundred KB a side at a million edges and are
// reused; the maps they replace cost most of a search.
type pathSearch struct {
	dist [2][]int32
	seen [2][]NodeRef
}

var pathPool = sync.Pool{New: func() any { return new(pathSearch) }}

// grow makes the distance arrays at least n long.
func (w *pathSearch) grow(n int) {
	for i := range w.dist {
		if len(w.dist[i]) < n {
			w.dist[i] = make([]int32, n+n/8)
		}
	}
}

// release clears what the search set and puts w back in the pool.
func (w *pathSearch) release() {
	for i := range w.seen {
		for _, n := range w.seen[i] {
			w.dist[i][n] = 0
		}
		w.seen[i] = w.seen[i][:0]
	}
	pathPool.Put(w)
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
