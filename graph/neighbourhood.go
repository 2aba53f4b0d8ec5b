package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
)

// Direction says which edges of a node a walk follows.
type Direction string

// The directions.
const (
	DirectionOut  Direction = "OUT"
	DirectionIn   Direction = "IN"
	DirectionBoth Direction = "BOTH"
)

// ctxEvery is how many node expansions a walk makes between checks of its
// context.
const ctxEvery = 256

// Step is an edge seen from one of its ends: Edge.Node is the other end, and
// Out tells whether the edge is stored from this end (this -> Node) or to it
// (Node -> this).
type Step struct {
	Edge
	Out bool
}

// From returns the stored From of the step's edge, given the node it was
// taken from.
func (s Step) From(at NodeRef) NodeRef {
	if s.Out {
		return at
	}
	return s.Node
}

// To returns the stored To of the step's edge, given the node it was taken
// from.
func (s Step) To(at NodeRef) NodeRef {
	if s.Out {
		return s.Node
	}
	return at
}

// Steps returns the edges of n in direction dir (Out edges first), only of
// the relations in rels when rels is not empty.
func (x *Index) Steps(n NodeRef, dir Direction, rels []Relation) []Step {
	var out []Step
	keep := relationSet(rels)
	if dir != DirectionIn {
		for _, e := range x.Out(n) {
			if keep(e.Rel) {
				out = append(out, Step{e, true})
			}
		}
	}
	if dir != DirectionOut {
		for _, e := range x.In(n) {
			if keep(e.Rel) {
				out = append(out, Step{e, false})
			}
		}
	}
	return out
}

// aliveNeighbours returns the nodes in the graph one edge of a relation
// keep admits away from n in direction dir, in edge order (repeats
// included), under one read lock.
func (x *Index) aliveNeighbours(n NodeRef, dir Direction, keep func(RelCode) bool) []NodeRef {
	return x.appendAliveNeighbours(nil, n, dir, keep)
}

// appendAliveNeighbours is aliveNeighbours appending to ns.
func (x *Index) appendAliveNeighbours(ns []NodeRef, n NodeRef, dir Direction, keep func(RelCode) bool) []NodeRef {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(n) >= len(x.nodes) {
		return ns
	}
	out, in := x.lists(n)
	for d, es := range [2][]Edge{out, in} {
		if d == 0 && dir == DirectionIn || d == 1 && dir == DirectionOut {
			continue
		}
		for _, e := range es {
			if keep(e.Rel) && x.nodes[e.Node].kind&aliveBit != 0 {
				ns = append(ns, e.Node)
			}
		}
	}
	return ns
}

// walkBuf is Neighbourhood's working space.
type walkBuf struct {
	depth   []int32   // by node number: the depth of a node reached, plus one; 0 if not reached
	reached []NodeRef // the nodes whose depth is set, to clear
	ns      []NodeRef // one node's neighbours
}

var walkPool = sync.Pool{New: func() any { return new(walkBuf) }}

func (w *walkBuf) reach(n NodeRef, d int) {
	if int(n) >= len(w.depth) {
		w.depth = slices.Grow(w.depth, int(n)+1-len(w.depth)+len(w.depth)/8)
		w.depth = w.depth[:cap(w.depth)]
	}
	w.depth[n] = int32(d) + 1
	w.reached = append(w.reached, n)
}

func (w *walkBuf) unreach(n NodeRef) { w.depth[n] = 0 }

func (w *walkBuf) depthOf(n NodeRef) (int, bool) {
	if int(n) >= len(w.depth) || w.depth[n] == 0 {
		return 0, false
	}
	return int(w.depth[n]) - 1, true
}

// release clears w and puts it back in the pool.
func (w *walkBuf) release() {
	for _, n := range w.reached {
		w.depth[n] = 0
	}
	w.reached, w.ns = w.reached[:0], w.ns[:0]
	walkPool.Put(w)
}

// relationSet returns a test for membership of rels; an empty rels admits
// every relation.
func relationSet(rels []Relation) func(RelCode) bool {
	if len(rels) == 0 {
		return func(RelCode) bool { return true }
	}
	var set [32]bool
	for _, r := range rels {
		if c := relCode(r); int(c) < len(set) {
			set[c] = true
		}
	}
	return func(c RelCode) bool { return int(c) < len(set) && set[c] }
}

// Neighbours returns the distinct nodes one edge away from n in direction
// dir, only along rels when given, sorted by ID. Nodes that are gone are
// left out.
func (x *Index) Neighbours(n NodeRef, dir Direction, rels []Relation) []NodeRef {
	out := x.aliveNeighbours(n, dir, relationSet(rels))
	slices.Sort(out)
	out = slices.Compact(out)
	x.SortByID(out)
	return out
}

// SortByID sorts nodes by their IDs.
func (x *Index) SortByID(nodes []NodeRef) {
	type byID struct {
		id string
		n  NodeRef
	}
	s := make([]byID, len(nodes))
	x.mu.RLock()
	for i, n := range nodes {
		s[i] = byID{n: n}
		if n != NoNode && int(n) < len(x.nodes) {
			s[i].id = x.idOf(n)
		}
	}
	x.mu.RUnlock()
	slices.SortFunc(s, func(a, b byID) int { return strings.Compare(a.id, b.id) })
	for i := range s {
		nodes[i] = s[i].n
	}
}

// firstByID reorders nodes so that its first k are the k of least ID, sorted
// by ID, as SortByID would leave them; the order of the rest is undefined.
func (x *Index) firstByID(nodes []NodeRef, k int) {
	type byID struct {
		id string
		n  NodeRef
	}
	s := make([]byID, len(nodes))
	x.mu.RLock()
	for i, n := range nodes {
		s[i] = byID{n: n}
		if n != NoNode && int(n) < len(x.nodes) {
			s[i].id = x.idOf(n)
		}
	}
	x.mu.RUnlock()
	less := func(a, b byID) bool { return a.id < b.id || a.id == b.id && a.n < b.n }
	// Quickselect: partition around a middle pivot until the k least are
	// s[:k].
	lo, hi := 0, len(s)-1
	for lo < hi && k > 0 && k < len(s) {
		p := s[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for less(s[i], p) {
				i++
			}
			for less(p, s[j]) {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			lo = hi // s[k-1] is in place
		}
	}
	first := s[:min(k, len(s))]
	slices.SortFunc(first, func(a, b byID) int { return cmp.Or(strings.Compare(a.id, b.id), cmp.Compare(a.n, b.n)) })
	for i := range s {
		nodes[i] = s[i].n
	}
}

// Subgraph is a part of the graph shaped for Cytoscape.js or D3: nodes and
// the edges among them.
type Subgraph struct {
	Nodes     []SubgraphNode
	Edges     []SubgraphEdge
	Truncated bool // a bound cut the walk short
}

// SubgraphNode is one node of a Subgraph.
type SubgraphNode struct {
	ID    string
	Label string
	Kind  Kind
	Depth int // hops from the centre
}

// SubgraphEdge is one edge of a Subgraph: one From-Relation-To, however many
// facts state it. ID is the ID of the first of those facts.
type SubgraphEdge struct {
	ID       string
	Source   string
	Target   string
	Relation Relation
}

// Neighbourhood returns the nodes within hops edges of centre, walking edges
// both ways (only along rels when given), nearest first and by ID within a
// distance, at most limit of them; and every edge among those nodes along
// rels. Truncated is set when limit left nodes out. It checks ctx as it goes.
func Neighbourhood(ctx context.Context, x *Index, centre NodeRef, hops int, rels []Relation, limit int) (*Subgraph, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sg := &Subgraph{}
	if x.Node(centre).Kind == "" || limit <= 0 {
		return sg, nil
	}
	keep := relationSet(rels)
	// The depth of every node reached, by node number: a 2-hop walk from a
	// city reaches thousands, of which it keeps limit. The working space
	// comes from a pool and goes back clear.
	w := walkPool.Get().(*walkBuf)
	defer w.release()
	w.reach(centre, 0)
	order := []NodeRef{centre}
	frontier := []NodeRef{centre}
	expanded := 0
walk:
	for d := 1; d <= hops && len(frontier) > 0; d++ {
		var next []NodeRef
		for _, n := range frontier {
			if expanded++; expanded%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			w.ns = x.appendAliveNeighbours(w.ns[:0], n, DirectionBoth, keep)
			for _, m := range w.ns {
				if _, ok := w.depthOf(m); ok {
					continue
				}
				w.reach(m, d)
				next = append(next, m)
			}
		}
		if room := limit - len(order); len(next) > room {
			// Only the room first by ID are kept: select them rather than
			// sort a frontier of thousands (a fifth of a 2-hop request).
			x.firstByID(next, room)
		} else {
			x.SortByID(next)
		}
		for i, n := range next {
			if len(order) == limit {
				sg.Truncated = true
				for _, m := range next[i:] {
					w.unreach(m)
				}
				break walk
			}
			order = append(order, n)
		}
		frontier = next
	}
	sg.Nodes = make([]SubgraphNode, 0, len(order))
	for _, n := range order {
		info := x.Node(n)
		d, _ := w.depthOf(n)
		sg.Nodes = append(sg.Nodes, SubgraphNode{ID: info.ID, Label: info.Name, Kind: info.Kind, Depth: d})
	}
	type key struct {
		from, to NodeRef
		rel      RelCode
	}
	at := make(map[key]int, 2*len(order))
	sg.Edges = make([]SubgraphEdge, 0, 2*len(order))
	for _, n := range order {
		for _, e := range x.Out(n) {
			if _, in := w.depthOf(e.Node); !in || !keep(e.Rel) {
				continue
			}
			k := key{n, e.Node, e.Rel}
			if i, ok := at[k]; ok {
				if id := x.FactID(e); id < sg.Edges[i].ID {
					sg.Edges[i].ID = id
				}
				continue
			}
			at[k] = len(sg.Edges)
			sg.Edges = append(sg.Edges, SubgraphEdge{ID: x.FactID(e), Source: x.Node(n).ID, Target: x.Node(e.Node).ID, Relation: e.Relation()})
		}
	}
	slices.SortFunc(sg.Edges, func(a, b SubgraphEdge) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Target, b.Target), strings.Compare(string(a.Relation), string(b.Relation)))
	})
	return sg, nil
}
