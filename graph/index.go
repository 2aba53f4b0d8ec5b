package graph

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// NodeRef is the number of a node in an Index. Numbers are compact (they
// start at 1 and grow by one) and stable while the Store is open: a node
// that disappears keeps its number, and gets it back if it reappears. They
// are not stable across Open. NoNode is no node.
type NodeRef uint32

// NoNode is the zero NodeRef, which names no node.
const NoNode NodeRef = 0

// RelCode is the small-integer form of a Relation: its position in
// Relations, plus one. 0 is no relation.
type RelCode uint8

// relCode returns the code of r, or 0 if r is not one of Relations.
func relCode(r Relation) RelCode {
	for i, x := range Relations {
		if x == r {
			return RelCode(i + 1)
		}
	}
	return 0
}

// CodeOf returns the code of r, or 0 if r is not one of Relations.
func CodeOf(r Relation) RelCode { return relCode(r) }

// Relation returns the relation with code c, or "" for 0 or an unknown code.
func (c RelCode) Relation() Relation {
	if c == 0 || int(c) > len(Relations) {
		return ""
	}
	return Relations[c-1]
}

// Edge is one fact in an adjacency list. In the Out list of node n, Node is
// the fact's To; in the In list, its From. A From-Relation-To stated by
// several facts (several sentences or documents) appears once per fact.
// It is 16 bytes.
type Edge struct {
	Node NodeRef // the other end
	Via  NodeRef // the region the edge holds through, or NoNode
	Fact uint32  // the fact's number; FactID gives its ID
	Rel  RelCode
}

// Relation returns the edge's relation.
func (e Edge) Relation() Relation { return e.Rel.Relation() }

// NodeInfo is what the index keeps of a node.
type NodeInfo struct {
	ID        string
	Kind      Kind // "" for a node that is gone
	Name      string
	Category  Category   // initiatives
	Level     PlaceLevel // places
	Stage     Stage      // initiatives: the latest stage, as Store.Entities gives it
	Documents []NodeRef  // the documents whose graphs list the node, in order of document ID
}

// Index is the in-memory adjacency index of a Store: every entity and
// document is a node with a compact number, every fact an edge in the Out
// list of its From and the In list of its To. The Store builds it at Open
// with one scan and updates it after every committed write or removal, so
// graph walks never touch Cayley.
//
// Concurrency: an Index is safe for concurrent use. Each method takes the
// index's read lock for its own duration and sees a committed state: a
// document's change is applied under the write lock in one step, never
// half. Slices returned (Out, In, Resolve, NodesOfKind, NodeInfo.Documents)
// are never modified afterwards (a change replaces a node's lists rather than
// editing them), so callers may keep and read them without a lock, but must
// not modify them. A walk that spans several calls can see a write that
// commits between two of them; it never sees a reused number, because node
// and fact numbers are not reused while the Store is open, so a stale Edge
// still names its fact (Store.Facts then returns nil for it).
type Index struct {
	mu      sync.RWMutex
	ids     map[string]NodeRef
	nodes   []indexNode // by NodeRef; nodes[0] is unused
	out     [][]Edge
	in      [][]Edge
	names   map[string][]NodeRef // Key of a name, alias, pinyin or English name -> live nodes, by ID
	kinds   map[Kind][]NodeRef   // live nodes of a kind, by ID
	facts   []uint64             // fact number -> the hash in its ID
	strs    []string             // code -> enumerated string (kind, category, level, stage); strs[0] = ""
	codes   map[string]uint16
	byRel   []int // live facts by RelCode
	live    int
	edges   int
	version uint64
}

// indexNode is a node as the index keeps it: NodeInfo with its enumerated
// strings as codes into Index.strs, to keep nodes small.
type indexNode struct {
	id, name                     string
	docs                         []NodeRef
	keys                         []string // name keys of the node, when alive
	kind, category, level, stage uint16
	alive                        bool
}

func newIndex() *Index {
	return &Index{
		ids:   make(map[string]NodeRef),
		nodes: make([]indexNode, 1),
		out:   make([][]Edge, 1),
		in:    make([][]Edge, 1),
		names: make(map[string][]NodeRef),
		kinds: make(map[Kind][]NodeRef),
		facts: make([]uint64, 0, 1024),
		byRel: make([]int, len(Relations)+1),
		strs:  []string{""},
		codes: map[string]uint16{"": 0},
	}
}

// code returns the code of an enumerated string, giving it one if needed. Lock held.
func (x *Index) code(s string) uint16 {
	if c, ok := x.codes[s]; ok {
		return c
	}
	if len(x.strs) > 0xffff {
		return 0 // cannot happen with the enumerations of model.go
	}
	c := uint16(len(x.strs))
	x.strs = append(x.strs, s)
	x.codes[s] = c
	return c
}

// info returns the NodeInfo of a node record. Lock held.
func (x *Index) info(nd *indexNode) NodeInfo {
	return NodeInfo{ID: nd.id, Kind: Kind(x.strs[nd.kind]), Name: nd.name, Category: Category(x.strs[nd.category]),
		Level: PlaceLevel(x.strs[nd.level]), Stage: Stage(x.strs[nd.stage]), Documents: clip(nd.docs)}
}

// Lookup returns the number of the node with this ID, if it is in the graph.
func (x *Index) Lookup(id string) (NodeRef, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n, ok := x.ids[id]
	if !ok || !x.nodes[n].alive {
		return NoNode, false
	}
	return n, true
}

// Node returns what the index knows of node n. A number that was never given
// out returns the zero NodeInfo; a node that is gone has only its ID.
func (x *Index) Node(n NodeRef) NodeInfo {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if n == NoNode || int(n) >= len(x.nodes) {
		return NodeInfo{}
	}
	return x.info(&x.nodes[n])
}

// alive reports whether node n is in the graph, without building its NodeInfo.
func (x *Index) alive(n NodeRef) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return n != NoNode && int(n) < len(x.nodes) && x.nodes[n].alive
}

// Out returns the edges from n, in no particular order.
func (x *Index) Out(n NodeRef) []Edge {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(n) >= len(x.out) {
		return nil
	}
	return clip(x.out[n])
}

// In returns the edges to n, in no particular order; Edge.Node is the From.
func (x *Index) In(n NodeRef) []Edge {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(n) >= len(x.in) {
		return nil
	}
	return clip(x.in[n])
}

// Resolve returns the live nodes one of whose names, aliases, pinyin or
// English names has the same Key as name, sorted by ID. There is no fuzzy
// matching: no exact key, no nodes.
func (x *Index) Resolve(name string) []NodeRef {
	k := Key(name)
	x.mu.RLock()
	defer x.mu.RUnlock()
	return clip(x.names[k])
}

// NodesOfKind returns the live nodes of kind k sorted by ID, for keyset
// pagination by ID.
func (x *Index) NodesOfKind(k Kind) []NodeRef {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return clip(x.kinds[k])
}

// FactID returns the ID of the fact behind e.
func (x *Index) FactID(e Edge) string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(e.Fact) >= len(x.facts) {
		return ""
	}
	return fmt.Sprintf("%s%016x", factPrefix, x.facts[e.Fact])
}

// Len returns the number of live nodes.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

// Bound returns one more than the largest NodeRef given out: the length of a
// slice indexed by NodeRef.
func (x *Index) Bound() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.nodes)
}

// EdgeCount returns the number of edges (live facts).
func (x *Index) EdgeCount() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.edges
}

// Version returns a number that changes whenever the index does.
func (x *Index) Version() uint64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.version
}

// MemoryBytes returns an estimate of the memory the index holds.
func (x *Index) MemoryBytes() int {
	nodes, edges := x.memoryParts()
	return nodes + edges
}

// memoryParts splits MemoryBytes into what nodes cost (records, names, maps,
// list headers) and what edges cost (adjacency lists and the fact table).
func (x *Index) memoryParts() (nodes, edges int) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	const (
		mapEntry = 16 // approximate per-entry overhead of a Go map beyond key and value
		strHdr   = int(unsafe.Sizeof(""))
		sliceHdr = int(unsafe.Sizeof([]Edge(nil)))
		edge     = int(unsafe.Sizeof(Edge{}))
		ref      = int(unsafe.Sizeof(NoNode))
	)
	b := int(unsafe.Sizeof(*x))
	b += cap(x.nodes) * int(unsafe.Sizeof(indexNode{}))
	b += (cap(x.out) + cap(x.in)) * sliceHdr
	for i := range x.nodes {
		nd := &x.nodes[i]
		b += len(nd.id) + len(nd.name) + cap(nd.docs)*ref
		b += cap(nd.keys) * strHdr // key bytes are counted with the names map
	}
	for i := range x.out {
		edges += (cap(x.out[i]) + cap(x.in[i])) * edge
	}
	edges += cap(x.facts) * 8
	b += len(x.ids) * (strHdr + ref + mapEntry) // key bytes shared with NodeInfo.ID
	for k, v := range x.names {
		b += strHdr + len(k) + sliceHdr + mapEntry + cap(v)*ref
	}
	for _, v := range x.kinds {
		b += cap(v) * ref
	}
	for _, s := range x.strs {
		b += strHdr + len(s) + 2 + mapEntry
	}
	return b, edges
}

// clip returns s with its capacity cut to its length, so that appending to it
// copies.
func clip[T any](s []T) []T { return s[:len(s):len(s)] }

// nodesByKind returns the number of live nodes of each kind.
func (x *Index) nodesByKind() map[Kind]int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	m := make(map[Kind]int)
	for k, v := range x.kinds {
		if len(v) > 0 {
			m[k] = len(v)
		}
	}
	return m
}

// factsByRelation returns the number of live facts of each relation.
func (x *Index) factsByRelation() map[Relation]int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	m := make(map[Relation]int)
	for c, n := range x.byRel {
		if n > 0 {
			m[RelCode(c).Relation()] = n
		}
	}
	return m
}

// ---- updating ----

// indexChange is what one committed write or removal changes in the index.
type indexChange struct {
	nodes    []nodeUpdate // the merged state of every node the change touched
	delFacts []factEdge
	addFacts []factEdge
}

type nodeUpdate struct {
	id     string
	entity *Entity  // nil when the node is gone
	docs   []string // documents that list it, sorted
}

// ref returns the number of id, giving it one if it has none. Lock held.
func (x *Index) ref(id string) NodeRef {
	if n, ok := x.ids[id]; ok {
		return n
	}
	n := NodeRef(len(x.nodes))
	x.nodes = append(x.nodes, indexNode{id: id})
	x.out = append(x.out, nil)
	x.in = append(x.in, nil)
	x.ids[id] = n
	return n
}

func nameKeys(e *Entity) []string {
	var keys []string
	add := func(s string) {
		if s == "" {
			return
		}
		k := Key(s)
		if k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	add(e.Name)
	for _, a := range e.Aliases {
		add(a)
	}
	add(strings.ToLower(e.Pinyin))
	add(strings.ToLower(e.English))
	return keys
}

// apply makes the change under the write lock.
func (x *Index) apply(ch *indexChange) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.version++

	kindDel := make(map[Kind]map[NodeRef]bool)
	kindAdd := make(map[Kind][]NodeRef)
	nameDel := make(map[string]map[NodeRef]bool)
	nameAdd := make(map[string][]NodeRef)
	for _, u := range ch.nodes {
		n := x.ref(u.id)
		old := x.nodes[n]
		rec := indexNode{id: old.id}
		if e := u.entity; e != nil {
			rec.alive = true
			rec.kind = x.code(string(e.Kind))
			rec.name = e.Name
			rec.category = x.code(string(e.Category))
			rec.level = x.code(string(e.Level))
			rec.stage = x.code(string(e.Stage))
			if len(u.docs) > 0 {
				rec.docs = make([]NodeRef, len(u.docs))
				for i, d := range u.docs {
					rec.docs[i] = x.ref(d)
				}
			}
			rec.keys = nameKeys(e)
		}
		oldKind, newKind := Kind(x.strs[old.kind]), Kind(x.strs[rec.kind])
		if old.alive && (!rec.alive || oldKind != newKind) {
			if kindDel[oldKind] == nil {
				kindDel[oldKind] = make(map[NodeRef]bool)
			}
			kindDel[oldKind][n] = true
		}
		if rec.alive && (!old.alive || oldKind != newKind) {
			kindAdd[newKind] = append(kindAdd[newKind], n)
		}
		for _, k := range old.keys {
			if !slices.Contains(rec.keys, k) {
				if nameDel[k] == nil {
					nameDel[k] = make(map[NodeRef]bool)
				}
				nameDel[k][n] = true
			}
		}
		for _, k := range rec.keys {
			if !slices.Contains(old.keys, k) {
				nameAdd[k] = append(nameAdd[k], n)
			}
		}
		switch {
		case rec.alive && !old.alive:
			x.live++
		case !rec.alive && old.alive:
			x.live--
		}
		x.nodes[n] = rec
	}
	for k := range union(kindDel, kindAdd) {
		x.kinds[k] = x.merged(x.kinds[k], kindDel[k], kindAdd[k])
	}
	for k := range union(nameDel, nameAdd) {
		if l := x.merged(x.names[k], nameDel[k], nameAdd[k]); len(l) > 0 {
			x.names[k] = l
		} else {
			delete(x.names, k)
		}
	}

	// Edges: gather per node what goes and what comes, then replace each
	// touched list once.
	outDel := make(map[NodeRef]map[uint64]bool)
	inDel := make(map[NodeRef]map[uint64]bool)
	mark := func(m map[NodeRef]map[uint64]bool, n NodeRef, h uint64) {
		if m[n] == nil {
			m[n] = make(map[uint64]bool)
		}
		m[n][h] = true
	}
	for _, f := range ch.delFacts {
		from, ok1 := x.ids[f.from]
		to, ok2 := x.ids[f.to]
		if ok1 && ok2 {
			mark(outDel, from, f.hash)
			mark(inDel, to, f.hash)
		}
	}
	outAdd := make(map[NodeRef][]Edge)
	inAdd := make(map[NodeRef][]Edge)
	for _, f := range ch.addFacts {
		num := uint32(len(x.facts))
		x.facts = append(x.facts, f.hash)
		from, to := x.ref(f.from), x.ref(f.to)
		var via NodeRef
		if f.via != "" {
			via = x.ref(f.via)
		}
		rel := relCode(f.relation)
		outAdd[from] = append(outAdd[from], Edge{Node: to, Via: via, Fact: num, Rel: rel})
		inAdd[to] = append(inAdd[to], Edge{Node: from, Via: via, Fact: num, Rel: rel})
		x.edges++
		x.byRel[rel]++
	}
	for n := range union(outDel, outAdd) {
		x.out[n] = x.replaceEdges(x.out[n], outDel[n], outAdd[n], true)
	}
	for n := range union(inDel, inAdd) {
		x.in[n] = x.replaceEdges(x.in[n], inDel[n], inAdd[n], false)
	}
}

// replaceEdges returns a new list: old without the facts in del, plus add.
// Removals are counted once, on the Out side.
func (x *Index) replaceEdges(old []Edge, del map[uint64]bool, add []Edge, count bool) []Edge {
	keep := 0
	for _, e := range old {
		if !del[x.facts[e.Fact]] {
			keep++
		}
	}
	l := make([]Edge, 0, keep+len(add))
	for _, e := range old {
		if del[x.facts[e.Fact]] {
			if count {
				x.edges--
				x.byRel[e.Rel]--
			}
			continue
		}
		l = append(l, e)
	}
	l = append(l, add...)
	if len(l) == 0 {
		return nil
	}
	return l
}

// merged returns a new list sorted by ID: old without del, plus add.
func (x *Index) merged(old []NodeRef, del map[NodeRef]bool, add []NodeRef) []NodeRef {
	add = slices.Clone(add)
	slices.SortFunc(add, func(a, b NodeRef) int { return strings.Compare(x.nodes[a].id, x.nodes[b].id) })
	l := make([]NodeRef, 0, len(old)+len(add))
	i := 0
	for _, n := range old {
		if del[n] {
			continue
		}
		for i < len(add) && x.nodes[add[i]].id < x.nodes[n].id {
			l = append(l, add[i])
			i++
		}
		l = append(l, n)
	}
	l = append(l, add[i:]...)
	return l
}

func union[K comparable, A, B any](a map[K]A, b map[K]B) map[K]struct{} {
	u := make(map[K]struct{}, len(a)+len(b))
	for k := range a {
		u[k] = struct{}{}
	}
	for k := range b {
		u[k] = struct{}{}
	}
	return u
}

// replaceWith moves y's contents into x, for a rebuild that callers holding
// x see.
func (x *Index) replaceWith(y *Index) {
	x.mu.Lock()
	defer x.mu.Unlock()
	v := x.version
	x.ids, x.nodes, x.out, x.in = y.ids, y.nodes, y.out, y.in
	x.names, x.kinds, x.facts, x.byRel = y.names, y.kinds, y.facts, y.byRel
	x.strs, x.codes = y.strs, y.codes
	x.live, x.edges = y.live, y.edges
	x.version = v + 1
}
