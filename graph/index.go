package graph

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
// It is 12 bytes: the region a fact holds through (Fact.Via), which few
// facts have, is kept apart; Index.Via gives it.
type Edge struct {
	Node NodeRef // the other end
	Fact uint32  // the fact's number; FactID gives its ID, Via its region
	Rel  RelCode
	// via is the region the fact holds through: 0 for none, else a slot of
	// Index.viaNodes, or viaInMap when the slots ran out and the region is
	// in Index.via. It fits in Edge's padding.
	via uint16
}

// viaInMap is Edge.via for a fact whose region is in Index.via.
const viaInMap = ^uint16(0)

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
//
// Memory: the index is built for size, about 60 bytes an edge on a graph of
// 4 edges a node (TestIndexMemory). A node is a 24-byte record of offsets,
// lengths and codes; the offsets point into three arenas
// (append-only arrays that are never written below their length): its ID,
// name and name keys in text, its documents in refs, its Out and In lists,
// one after the other, in adj. Strings and slices handed out point into the
// arenas. A change appends the lists it replaces; when an arena is full, its
// live parts are copied to a new one, and readers keep the old one alive as
// long as they hold slices of it. IDs and name keys are found through two
// open-addressing hash tables of node numbers, which compare against the text
// arena.
type Index struct {
	mu sync.RWMutex
	indexState
	places  atomic.Pointer[places] // containment worked out for one version; see newPlaces
	journal []journalEntry         // what the last changes touched, oldest first; see changedSince
}

// journalEntry is what one change to the index touched: the nodes whose
// edge lists, kind or liveness changed, with the neighbours of those whose
// kind or liveness did, sorted; and whether containment may have changed
// (a PART_OF fact came or went, or a node's kind or level changed). A change
// that touched more than journalMaxNodes nodes has nodes == nil and all set.
type journalEntry struct {
	version     uint64
	nodes       []NodeRef
	all         bool
	containment bool
}

// journalSize is how many changes the journal keeps, and journalMaxNodes
// the most nodes it lists for one.
const (
	journalSize     = 32
	journalMaxNodes = 1 << 16
)

// changedSince returns what the changes after version from up to and
// including version to touched, as sorted lists of nodes (shared: not to be
// changed), and whether containment may have changed; ok is false when the
// journal does not cover them all, or one of them touched too much to list.
func (x *Index) changedSince(from, to uint64) (touched [][]NodeRef, containment, ok bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if from >= to {
		return nil, false, from == to
	}
	i := slices.IndexFunc(x.journal, func(e journalEntry) bool { return e.version == from+1 })
	if i < 0 || len(x.journal)-i < int(to-from) {
		return nil, false, false
	}
	for _, e := range x.journal[i : i+int(to-from)] {
		if e.all {
			return nil, false, false
		}
		containment = containment || e.containment
		touched = append(touched, e.nodes)
	}
	return touched, containment, true
}

// record adds what a change touched to the journal. Lock held.
func (x *Index) record(touched map[NodeRef]struct{}, containment bool) {
	e := journalEntry{version: x.version, containment: containment}
	if len(touched) > journalMaxNodes {
		e.all = true
	} else {
		e.nodes = make([]NodeRef, 0, len(touched))
		for n := range touched {
			e.nodes = append(e.nodes, n)
		}
		slices.Sort(e.nodes)
	}
	if len(x.journal) == journalSize {
		x.journal = slices.Delete(x.journal, 0, 1)
	}
	x.journal = append(x.journal, e)
}

// indexState is the data of an Index, apart from its lock.
type indexState struct {
	nodes    []indexNode // by NodeRef; nodes[0] is unused
	idTab    table       // ID -> node, for every node given a number
	nameTab  table       // name key -> live nodes: one entry a key of a node
	text     []byte      // arena of node blocks; see appendBlock
	refs     []NodeRef   // arena of document lists; refs[0] is unused
	adj      []Edge      // arena of adjacency regions: a node's Out edges, then its In edges
	kinds    map[Kind][]NodeRef
	facts    []uint64           // fact number -> the hash in its ID
	via      map[uint32]NodeRef // fact number -> the region it holds through, when Edge.via is viaInMap
	viaNodes []NodeRef          // regions facts hold through, by Edge.via slot; viaNodes[0] is unused
	viaSlot  map[NodeRef]uint16
	strs     [4][]string // enumerated strings by field (kind, category, level, stage) and code; strs[f][0] = ""
	codes    [4]map[string]uint8
	byRel    []int // live facts by RelCode
	live     int
	edges    int
	version  uint64
	seed     maphash.Seed
}

// indexNode is a node as the index keeps it: 24 bytes of offsets into the
// arenas, lengths and codes. The lengths let Node answer without reading the
// arenas.
type indexNode struct {
	text uint32 // offset in text of the node's block
	adj  uint32 // offset in adj of its region
	deg  uint32 // Out length | In length << 16, both < 0xffff; or bigDeg
	docs uint32 // offset in refs of its document list
	// Codes into strs; kind has aliveBit set when the node is in the graph.
	kind, category, level, stage uint8
	idLen, nameLen               uint8 // lengths of the ID and name, or long: read the block
	nDocs                        uint8 // number of documents, or long: the count is at refs[docs], the list after it
	nameEndsID                   bool  // the block's name is the end of its ID
}

const (
	aliveBit = 0x80
	long     = 0xff
	// bigDeg marks a region whose lengths do not fit deg: they are in an
	// Edge at its start, Node the Out length and Fact the In length.
	bigDeg = ^uint32(0)
)

// Fields of strs and codes.
const (
	fKind = iota
	fCategory
	fLevel
	fStage
)

func newIndex() *Index {
	x := &Index{}
	x.kinds = make(map[Kind][]NodeRef)
	x.nodes = make([]indexNode, 1)
	x.refs = make([]NodeRef, 1)
	x.via = make(map[uint32]NodeRef)
	x.viaNodes = make([]NodeRef, 1)
	x.viaSlot = make(map[NodeRef]uint16)
	x.byRel = make([]int, len(Relations)+1)
	x.seed = maphash.MakeSeed()
	for f := range x.strs {
		x.strs[f] = []string{""}
		x.codes[f] = map[string]uint8{"": 0}
	}
	return x
}

// code returns the code of an enumerated string of field f, giving it one
// if needed. Lock held.
func (x *Index) code(f int, s string) uint8 {
	if c, ok := x.codes[f][s]; ok {
		return c
	}
	limit := 0xff
	if f == fKind {
		limit = aliveBit - 1
	}
	if len(x.strs[f]) > limit {
		return 0 // cannot happen with the enumerations of model.go
	}
	c := uint8(len(x.strs[f]))
	x.strs[f] = append(x.strs[f], s)
	x.codes[f][s] = c
	return c
}

// ---- node blocks ----

// A node's block in the text arena is its ID, name and name keys:
//
//	uvarint(len(id)) id
//	uvarint(len(name)<<2 | 2 if the name is its own first key | 1 if the name ends the ID) [name, unless it ends the ID]
//	uvarint(number of other keys) { uvarint(len(key)) key }
//
// A node that is gone keeps its block, for its ID; its name and keys are
// then not read.

// appendBlock appends the block of a node to b.
func appendBlock(b []byte, id, name string, keys []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(id)))
	b = append(b, id...)
	flags := uint64(0)
	if name != "" && strings.HasSuffix(id, name) {
		flags |= 1
	}
	if name != "" && len(keys) > 0 && keys[0] == name {
		flags |= 2
		keys = keys[1:]
	}
	b = binary.AppendUvarint(b, uint64(len(name))<<2|flags)
	if flags&1 == 0 {
		b = append(b, name...)
	}
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
	}
	return b
}

// uvar reads the uvarint at i of the text arena, returning it and the offset
// after it.
func (x *Index) uvar(i uint32) (uint32, uint32) {
	if c := x.text[i]; c < 0x80 {
		return uint32(c), i + 1
	}
	v, n := binary.Uvarint(x.text[i:])
	return uint32(v), i + uint32(n)
}

// str returns the l bytes at i of the text arena as a string, without
// copying them.
func (x *Index) str(i, l uint32) string {
	if l == 0 {
		return ""
	}
	return unsafe.String(&x.text[i], int(l))
}

// idAt returns the ID in the block at off.
func (x *Index) idAt(off uint32) string {
	l, i := x.uvar(off)
	return x.str(i, l)
}

// setText points nd to the block at off, of a node with this ID and name.
func (nd *indexNode) setText(off uint32, id, name string) {
	nd.text = off
	nd.idLen, nd.nameLen = uint8(min(len(id), long)), uint8(min(len(name), long))
	nd.nameEndsID = name != "" && strings.HasSuffix(id, name)
}

// idName returns the ID and name of a node, reading the text arena only
// for long ones. Lock held.
func (x *Index) idName(nd *indexNode) (id, name string) {
	if nd.idLen == long || nd.nameLen == long {
		id, name, _, _ = x.block(nd.text)
		return id, name
	}
	il, nl := uint32(nd.idLen), uint32(nd.nameLen)
	i := nd.text + 1 // after uvarint(il)
	if il >= 0x80 {
		i++
	}
	id = x.str(i, il)
	if nd.nameEndsID {
		return id, id[il-nl:]
	}
	i += il + 1 // after uvarint(nl<<2 | flags)
	if nl >= 0x20 {
		i++
	}
	return id, x.str(i, nl)
}

// idOf returns the ID of node n. Lock held.
func (x *Index) idOf(n NodeRef) string { return x.idAt(x.nodes[n].text) }

// block reads the block at off: the ID, the name, whether the name is its own
// first key, and the offset of the other keys.
func (x *Index) block(off uint32) (id, name string, nameKey bool, keys uint32) {
	l, i := x.uvar(off)
	id = x.str(i, l)
	i += l
	f, i := x.uvar(i)
	nl := f >> 2
	if f&1 != 0 {
		name = id[len(id)-int(nl):]
	} else {
		name = x.str(i, nl)
		i += nl
	}
	return id, name, f&2 != 0, i
}

// eachKey calls fn with every name key of the block at off, until fn returns
// false; it returns the offset of the block's end when fn never did.
func (x *Index) eachKey(off uint32, fn func(string) bool) (end uint32, done bool) {
	_, name, nameKey, i := x.block(off)
	if nameKey && !fn(name) {
		return 0, false
	}
	k, i := x.uvar(i)
	for ; k > 0; k-- {
		var l uint32
		l, i = x.uvar(i)
		if !fn(x.str(i, l)) {
			return 0, false
		}
		i += l
	}
	return i, true
}

// blockEnd returns the offset after the block at off.
func (x *Index) blockEnd(off uint32) uint32 {
	end, _ := x.eachKey(off, func(string) bool { return true })
	return end
}

// keysOf returns the name keys of node n, nil when it is gone. Lock held.
func (x *Index) keysOf(n NodeRef) []string {
	nd := &x.nodes[n]
	if nd.kind&aliveBit == 0 {
		return nil
	}
	var keys []string
	x.eachKey(nd.text, func(k string) bool { keys = append(keys, k); return true })
	return keys
}

// hasKey reports whether live node n has name key k. Lock held.
func (x *Index) hasKey(n NodeRef, k string) bool {
	nd := &x.nodes[n]
	if nd.kind&aliveBit == 0 {
		return false
	}
	_, found := x.eachKey(nd.text, func(s string) bool { return s != k })
	return !found
}

// ---- hash tables ----

// table is an open-addressing hash table of node numbers with linear
// probing. Keys are not stored: an entry is checked against the node.
type table struct {
	slots []NodeRef
	tags  []uint8 // 0 empty, 1 deleted, else tagOf the entry's hash
	used  int     // slots not empty
}

func tagOf(h uint64) uint8 { return max(uint8(h>>56), 2) }

func (t *table) home(h uint64) int { return int(uint64(uint32(h)) * uint64(len(t.slots)) >> 32) }

// put adds n with hash h, which must not be in t, and with room for it.
func (t *table) put(h uint64, n NodeRef) {
	i := t.home(h)
	for t.tags[i] > 1 {
		if i++; i == len(t.slots) {
			i = 0
		}
	}
	if t.tags[i] == 0 {
		t.used++
	}
	t.tags[i], t.slots[i] = tagOf(h), n
}

// remove deletes an entry of n with hash h, if there is one.
func (t *table) remove(h uint64, n NodeRef) {
	if len(t.slots) == 0 {
		return
	}
	tag := tagOf(h)
	for i := t.home(h); t.tags[i] != 0; {
		if t.tags[i] == tag && t.slots[i] == n {
			t.tags[i] = 1
			return
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

// needs reports whether t must grow to take extra more entries.
func (t *table) needs(extra int) bool { return (t.used+extra)*5 > len(t.slots)*4 }

// reset empties t with room for n entries: a load of 3/4 for a new table,
// 3/5 for one that grows (so that it grows by a third or more before it
// fills to 4/5 again).
func (t *table) reset(n int) {
	size := n*4/3 + 8
	if len(t.slots) > 0 {
		size = n*5/3 + 8
	}
	t.slots = make([]NodeRef, size)
	t.tags = make([]uint8, size)
	t.used = 0
}

func (t *table) bytes() int { return cap(t.slots)*int(unsafe.Sizeof(NoNode)) + cap(t.tags) }

func (x *Index) hash(s string) uint64 { return maphash.String(x.seed, s) }

// lookup returns the number of id, or NoNode. Lock held.
func (x *Index) lookup(id string) NodeRef {
	t := &x.idTab
	if len(t.slots) == 0 {
		return NoNode
	}
	h := x.hash(id)
	tag := tagOf(h)
	for i := t.home(h); t.tags[i] != 0; {
		if t.tags[i] == tag {
			if n := t.slots[i]; x.idOf(n) == id {
				return n
			}
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
	return NoNode
}

// reserveIDs makes room in the ID table for extra more nodes. Lock held.
func (x *Index) reserveIDs(extra int) {
	if !x.idTab.needs(extra) {
		return
	}
	x.idTab.reset(len(x.nodes) - 1 + extra)
	for n := 1; n < len(x.nodes); n++ {
		x.idTab.put(x.hash(x.idOf(NodeRef(n))), NodeRef(n))
	}
}

// resolve returns the live nodes with name key k, sorted by ID. Lock held.
func (x *Index) resolve(k string) []NodeRef {
	t := &x.nameTab
	if len(t.slots) == 0 {
		return nil
	}
	h := x.hash(k)
	tag := tagOf(h)
	var out []NodeRef
	for i := t.home(h); t.tags[i] != 0; {
		if t.tags[i] == tag {
			if n := t.slots[i]; x.hasKey(n, k) {
				out = append(out, n)
			}
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
	if len(out) > 1 {
		// A slot of another key of the same node may share k's tag and
		// probe run, and hasKey is true for it too: drop the repeats.
		slices.SortFunc(out, func(a, b NodeRef) int { return strings.Compare(x.idOf(a), x.idOf(b)) })
		out = slices.Compact(out)
	}
	return out
}

// rebuildNames refills the name table from the live nodes, with room for
// extra more entries. Lock held.
func (x *Index) rebuildNames(extra int) {
	keys := 0
	for n := 1; n < len(x.nodes); n++ {
		if nd := &x.nodes[n]; nd.kind&aliveBit != 0 {
			x.eachKey(nd.text, func(string) bool { keys++; return true })
		}
	}
	x.nameTab.reset(keys + extra)
	for n := 1; n < len(x.nodes); n++ {
		if nd := &x.nodes[n]; nd.kind&aliveBit != 0 {
			x.eachKey(nd.text, func(k string) bool { x.nameTab.put(x.hash(k), NodeRef(n)); return true })
		}
	}
}

// ---- arenas ----

// newCap returns the capacity of a new arena for live elements and need more:
// exactly that when the arena starts (an index built in one change), with a
// quarter of live as spare room when it grows.
func newCap(live, need int, growing bool) int {
	if !growing {
		return live + need
	}
	return live + need + live/4
}

// appendText appends b to the text arena, returning its offset. Lock held.
func (x *Index) appendText(b []byte) uint32 {
	x.reserveText(len(b))
	off := len(x.text)
	x.text = append(x.text, b...)
	return uint32(off)
}

// reserveText makes room for need more bytes of text, copying the live
// blocks to a new arena if there is not. Lock held.
func (x *Index) reserveText(need int) {
	if len(x.text)+need <= cap(x.text) {
		return
	}
	live := 0
	for n := 1; n < len(x.nodes); n++ {
		off := x.nodes[n].text
		live += int(x.blockEnd(off) - off)
	}
	text := make([]byte, 0, newCap(live, need, len(x.text) > 0))
	for n := 1; n < len(x.nodes); n++ {
		nd := &x.nodes[n]
		off := nd.text
		nd.text = uint32(len(text))
		text = append(text, x.text[off:x.blockEnd(off)]...)
	}
	x.text = text
}

// setDocs appends nd's document list to the refs arena, with its count
// first if it is long. Lock held.
func (x *Index) setDocs(nd *indexNode, docs []NodeRef) {
	if len(docs) == 0 {
		nd.docs, nd.nDocs = 0, 0
		return
	}
	if len(docs) < long {
		x.reserveRefs(len(docs))
		nd.docs, nd.nDocs = uint32(len(x.refs)), uint8(len(docs))
	} else {
		x.reserveRefs(1 + len(docs))
		nd.docs, nd.nDocs = uint32(len(x.refs)), long
		x.refs = append(x.refs, NodeRef(len(docs)))
	}
	x.refs = append(x.refs, docs...)
}

// docsLen returns the length of nd's list in the refs arena, count included.
func (x *Index) docsLen(nd *indexNode) int {
	if nd.nDocs == long {
		return 1 + int(x.refs[nd.docs])
	}
	return int(nd.nDocs)
}

// reserveRefs makes room for need more refs. Lock held.
func (x *Index) reserveRefs(need int) {
	if len(x.refs)+need <= cap(x.refs) {
		return
	}
	live := 1
	for n := 1; n < len(x.nodes); n++ {
		live += x.docsLen(&x.nodes[n])
	}
	refs := make([]NodeRef, 1, newCap(live, need, len(x.refs) > 1))
	for n := 1; n < len(x.nodes); n++ {
		nd := &x.nodes[n]
		if l := x.docsLen(nd); l > 0 {
			off := nd.docs
			nd.docs = uint32(len(refs))
			refs = append(refs, x.refs[off:off+uint32(l)]...)
		}
	}
	x.refs = refs
}

// docsOf returns the documents of a node. Lock held.
func (x *Index) docsOf(nd *indexNode) []NodeRef {
	i, n := nd.docs, uint32(nd.nDocs)
	switch n {
	case 0:
		return nil
	case long:
		n = uint32(x.refs[i])
		i++
	}
	return x.refs[i : i+n : i+n]
}

// region returns where a node's Out and In lists start in adj and their
// lengths. Lock held.
func (x *Index) region(nd *indexNode) (start, nOut, nIn uint32) {
	if nd.deg != bigDeg {
		return nd.adj, nd.deg & 0xffff, nd.deg >> 16
	}
	h := x.adj[nd.adj]
	return nd.adj + 1, uint32(h.Node), h.Fact
}

// regionLen returns the length of a region with these lists, header included.
func regionLen(nOut, nIn int) int {
	if nOut >= 0xffff || nIn >= 0xffff {
		return nOut + nIn + 1
	}
	return nOut + nIn
}

// setRegion appends a node's new lists to adj, which has room. Lock held.
func (x *Index) setRegion(nd *indexNode, out, in []Edge) {
	nd.adj = uint32(len(x.adj))
	if regionLen(len(out), len(in)) > len(out)+len(in) {
		nd.deg = bigDeg
		x.adj = append(x.adj, Edge{Node: NodeRef(len(out)), Fact: uint32(len(in))})
	} else {
		nd.deg = uint32(len(out)) | uint32(len(in))<<16
	}
	x.adj = append(x.adj, out...)
	x.adj = append(x.adj, in...)
}

// reserveAdj makes room for need more edges. Lock held.
func (x *Index) reserveAdj(need int) {
	if len(x.adj)+need <= cap(x.adj) {
		return
	}
	live := 0
	for n := 1; n < len(x.nodes); n++ {
		_, o, i := x.region(&x.nodes[n])
		live += regionLen(int(o), int(i))
	}
	old := x.adj
	x.adj = make([]Edge, 0, newCap(live, need, len(old) > 0))
	for n := 1; n < len(x.nodes); n++ {
		nd := &x.nodes[n]
		s, o, i := x.regionIn(old, nd)
		x.setRegion(nd, old[s:s+o], old[s+o:s+o+i])
	}
}

// regionIn is region, reading a header in arena adj.
func (x *Index) regionIn(adj []Edge, nd *indexNode) (start, nOut, nIn uint32) {
	if nd.deg != bigDeg {
		return nd.adj, nd.deg & 0xffff, nd.deg >> 16
	}
	h := adj[nd.adj]
	return nd.adj + 1, uint32(h.Node), h.Fact
}

// lists returns the Out and In lists of node n. Lock held.
func (x *Index) lists(n NodeRef) (out, in []Edge) {
	s, o, i := x.region(&x.nodes[n])
	return x.adj[s : s+o : s+o], x.adj[s+o : s+o+i : s+o+i]
}

// ---- reading ----

// info returns the NodeInfo of node n. Lock held.
func (x *Index) info(n NodeRef) NodeInfo {
	nd := &x.nodes[n]
	if nd.kind&aliveBit == 0 {
		return NodeInfo{ID: x.idAt(nd.text)}
	}
	id, name := x.idName(nd)
	return NodeInfo{ID: id, Kind: Kind(x.strs[fKind][nd.kind&^aliveBit]), Name: name,
		Category: Category(x.strs[fCategory][nd.category]), Level: PlaceLevel(x.strs[fLevel][nd.level]),
		Stage: Stage(x.strs[fStage][nd.stage]), Documents: x.docsOf(nd)}
}

// Lookup returns the number of the node with this ID, if it is in the graph.
func (x *Index) Lookup(id string) (NodeRef, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := x.lookup(id)
	if n == NoNode || x.nodes[n].kind&aliveBit == 0 {
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
	return x.info(n)
}

// alive reports whether node n is in the graph, without building its NodeInfo.
func (x *Index) alive(n NodeRef) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.aliveLocked(n)
}

// kindLocked is Node(n).Kind for a caller that holds the lock: "" for a
// node that is gone.
func (x *Index) kindLocked(n NodeRef) Kind {
	nd := &x.nodes[n]
	if nd.kind&aliveBit == 0 {
		return ""
	}
	return Kind(x.strs[fKind][nd.kind&^aliveBit])
}

// aliveLocked is alive for a caller that holds the lock.
func (x *Index) aliveLocked(n NodeRef) bool {
	return n != NoNode && int(n) < len(x.nodes) && x.nodes[n].kind&aliveBit != 0
}

// Out returns the edges from n, in no particular order.
func (x *Index) Out(n NodeRef) []Edge {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(n) >= len(x.nodes) {
		return nil
	}
	s, o, _ := x.region(&x.nodes[n])
	if o == 0 {
		return nil
	}
	return x.adj[s : s+o : s+o]
}

// In returns the edges to n, in no particular order; Edge.Node is the From.
func (x *Index) In(n NodeRef) []Edge {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(n) >= len(x.nodes) {
		return nil
	}
	s, o, i := x.region(&x.nodes[n])
	if i == 0 {
		return nil
	}
	s += o
	return x.adj[s : s+i : s+i]
}

// Via returns the region the fact behind e holds through (Fact.Via), or
// NoNode.
func (x *Index) Via(e Edge) NodeRef {
	if e.via == 0 {
		return NoNode
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.viaOf(e)
}

// viaOf is Via with the lock held.
func (x *Index) viaOf(e Edge) NodeRef {
	switch e.via {
	case 0:
		return NoNode
	case viaInMap:
		return x.via[e.Fact]
	}
	return x.viaNodes[e.via]
}

// viaSlotOf returns the Edge.via of a fact that holds through region r.
// Lock held for writing.
func (x *Index) viaSlotOf(r NodeRef) uint16 {
	if r == NoNode {
		return 0
	}
	if s, ok := x.viaSlot[r]; ok {
		return s
	}
	if len(x.viaNodes) >= int(viaInMap) {
		return viaInMap
	}
	s := uint16(len(x.viaNodes))
	x.viaNodes = append(x.viaNodes, r)
	x.viaSlot[r] = s
	return s
}

// Resolve returns the live nodes one of whose names, aliases, pinyin or
// English names has the same Key as name, sorted by ID. There is no fuzzy
// matching: no exact key, no nodes.
func (x *Index) Resolve(name string) []NodeRef {
	k := Key(name)
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.resolve(k)
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
	return x.factIDLocked(e)
}

// factIDLocked is FactID for a caller that holds the lock.
func (x *Index) factIDLocked(e Edge) string {
	if int(e.Fact) >= len(x.facts) {
		return ""
	}
	return factIDOf(x.facts[e.Fact])
}

// factIDOf returns the fact ID with hash h: "fact/" and 16 hex digits.
func factIDOf(h uint64) string {
	const digits = "0123456789abcdef"
	var b [len(factPrefix) + 16]byte
	copy(b[:], factPrefix)
	for i := len(b) - 1; i >= len(factPrefix); i-- {
		b[i] = digits[h&0xf]
		h >>= 4
	}
	return string(b[:])
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

// memoryParts splits MemoryBytes into what nodes cost (records, text,
// document lists, hash tables, kind lists) and what edges cost (adjacency
// lists, the fact table and the via map). Arenas count with their spare
// room and the parts lists replaced since they were last copied.
func (x *Index) memoryParts() (nodes, edges int) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	const (
		ref        = int(unsafe.Sizeof(NoNode))
		sliceHdr   = int(unsafe.Sizeof([]NodeRef(nil)))
		strHdr     = int(unsafe.Sizeof(""))
		mapFixed   = 48 + 8 + 8*(1+8*16) // header, directory, one table of one group
		viaPerFact = (4 + 4 + 1) * 3 / 2 // a swiss-map slot and control byte at 2/3 load
	)
	b := int(unsafe.Sizeof(*x))
	b += cap(x.nodes) * int(unsafe.Sizeof(indexNode{}))
	b += x.idTab.bytes() + x.nameTab.bytes()
	b += cap(x.text) + cap(x.refs)*ref
	b += mapFixed
	for _, v := range x.kinds {
		b += cap(v)*ref + strHdr + sliceHdr
	}
	for f := range x.strs {
		b += mapFixed + cap(x.strs[f])*strHdr
		for _, s := range x.strs[f] {
			b += len(s)
		}
	}
	edges = cap(x.adj)*int(unsafe.Sizeof(Edge{})) + cap(x.facts)*8 + cap(x.byRel)*8
	edges += mapFixed + len(x.via)*viaPerFact + cap(x.viaNodes)*4 + len(x.viaSlot)*viaPerFact
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
	if n := x.lookup(id); n != NoNode {
		return n
	}
	return x.newNode(appendBlock(nil, id, "", nil), id, "")
}

// newNode gives a number to a node with block b of this ID and name. Lock held.
func (x *Index) newNode(b []byte, id, name string) NodeRef {
	x.reserveIDs(1)
	var nd indexNode
	nd.setText(x.appendText(b), id, name)
	n := NodeRef(len(x.nodes))
	x.nodes = append(x.nodes, nd)
	x.idTab.put(x.hash(id), n)
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

// nameOp adds or removes the name keys of a node.
type nameOp struct {
	n    NodeRef
	keys []string
}

// apply makes the change under the write lock.
func (x *Index) apply(ch *indexChange) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.version++

	// The blocks of the nodes, first, to reserve their room at once.
	keys := make([][]string, len(ch.nodes))
	blocks := make([][]byte, len(ch.nodes))
	var buf []byte
	docRefs := 0
	for i, u := range ch.nodes {
		start := len(buf)
		if e := u.entity; e != nil {
			keys[i] = nameKeys(e)
			buf = appendBlock(buf, u.id, e.Name, keys[i])
			docRefs += len(u.docs)
			if len(u.docs) >= long {
				docRefs++
			}
		} else {
			buf = appendBlock(buf, u.id, "", nil)
		}
		blocks[i] = buf[start:len(buf):len(buf)]
	}
	// Room for the new nodes and the blocks that change.
	ns := make([]NodeRef, len(ch.nodes))
	added, text := 0, 0
	for i, u := range ch.nodes {
		ns[i] = x.lookup(u.id)
		if ns[i] == NoNode {
			added++
			text += len(blocks[i])
		} else if off := x.nodes[ns[i]].text; !bytes.Equal(x.text[off:x.blockEnd(off)], blocks[i]) {
			text += len(blocks[i])
		}
	}
	x.nodes = slices.Grow(x.nodes, added)
	x.reserveIDs(added)
	x.reserveText(text)
	x.reserveRefs(docRefs)

	kindDel := make(map[Kind]map[NodeRef]bool)
	kindAdd := make(map[Kind][]NodeRef)
	// For the journal: nodes whose kind or liveness changed, with their
	// neighbours (any neighbour the change adds or removes is touched by
	// applyFacts), and whether containment may have changed.
	touched := make(map[NodeRef]struct{})
	containment := false
	var nameDel, nameAdd []nameOp
	addKeys := 0
	var docs []NodeRef
	// Numbers for the new nodes first, so that their documents find them.
	for i, u := range ch.nodes {
		if ns[i] == NoNode {
			name := ""
			if u.entity != nil {
				name = u.entity.Name
			}
			ns[i] = x.newNode(blocks[i], u.id, name)
		}
	}
	for i, u := range ch.nodes {
		e := u.entity
		docs = docs[:0]
		if e != nil {
			for _, d := range u.docs {
				docs = append(docs, x.ref(d))
			}
		}
		n := ns[i]
		old := x.nodes[n]
		wasAlive := old.kind&aliveBit != 0
		oldKind := Kind(x.strs[fKind][old.kind&^aliveBit])
		var oldKeys []string
		if wasAlive {
			oldKeys = x.keysOf(n)
		}
		if e == nil {
			// Gone: the node keeps its block, for its ID.
			x.nodes[n] = indexNode{text: old.text, adj: old.adj, deg: old.deg,
				idLen: old.idLen, nameLen: old.nameLen, nameEndsID: old.nameEndsID}
		} else {
			if !bytes.Equal(x.text[old.text:x.blockEnd(old.text)], blocks[i]) {
				off := x.appendText(blocks[i])
				x.nodes[n].setText(off, u.id, e.Name)
			}
			if !wasAlive || !slices.Equal(x.docsOf(&old), docs) {
				x.setDocs(&x.nodes[n], docs)
			}
			nd := &x.nodes[n]
			nd.kind = x.code(fKind, string(e.Kind)) | aliveBit
			nd.category = x.code(fCategory, string(e.Category))
			nd.level = x.code(fLevel, string(e.Level))
			nd.stage = x.code(fStage, string(e.Stage))
		}
		alive := e != nil
		newKind := Kind("")
		if alive {
			newKind = e.Kind
		}
		if wasAlive != alive || oldKind != newKind || old.level != x.nodes[n].level {
			containment = containment || oldKind == KindPlace || newKind == KindPlace
			touched[n] = struct{}{}
			out, in := x.lists(n)
			for _, es := range [2][]Edge{out, in} {
				for _, e := range es {
					touched[e.Node] = struct{}{}
				}
			}
		}
		if wasAlive && (!alive || oldKind != newKind) {
			if kindDel[oldKind] == nil {
				kindDel[oldKind] = make(map[NodeRef]bool)
			}
			kindDel[oldKind][n] = true
		}
		if alive && (!wasAlive || oldKind != newKind) {
			kindAdd[newKind] = append(kindAdd[newKind], n)
		}
		if !sameKeys(oldKeys, keys[i]) {
			if len(oldKeys) > 0 {
				nameDel = append(nameDel, nameOp{n, oldKeys})
			}
			if len(keys[i]) > 0 {
				nameAdd = append(nameAdd, nameOp{n, keys[i]})
				addKeys += len(keys[i])
			}
		}
		switch {
		case alive && !wasAlive:
			x.live++
		case !alive && wasAlive:
			x.live--
		}
	}
	for k := range union(kindDel, kindAdd) {
		x.kinds[k] = x.merged(x.kinds[k], kindDel[k], kindAdd[k])
	}
	if x.nameTab.needs(addKeys) {
		x.rebuildNames(0)
	} else {
		for _, op := range nameDel {
			for _, k := range op.keys {
				x.nameTab.remove(x.hash(k), op.n)
			}
		}
		for _, op := range nameAdd {
			for _, k := range op.keys {
				x.nameTab.put(x.hash(k), op.n)
			}
		}
	}

	partOf := x.applyFacts(ch, touched)
	x.record(touched, containment || partOf)
}

// sameKeys reports whether a and b hold the same keys.
func sameKeys(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, k := range a {
		if !slices.Contains(b, k) {
			return false
		}
	}
	return true
}

// applyFacts removes and adds the change's facts: it gathers per node what
// goes and what comes, then replaces each touched node's lists once. A fact
// its From already has is not added again. The nodes whose lists change go
// into touched; it returns whether a PART_OF fact came or went. Lock held.
func (x *Index) applyFacts(ch *indexChange, touched map[NodeRef]struct{}) (partOf bool) {
	partRel := relCode(RelPartOf)
	outDel := make(map[NodeRef]map[uint64]bool)
	inDel := make(map[NodeRef]map[uint64]bool)
	mark := func(m map[NodeRef]map[uint64]bool, n NodeRef, h uint64) {
		if m[n] == nil {
			m[n] = make(map[uint64]bool)
		}
		m[n][h] = true
	}
	for _, f := range ch.delFacts {
		from, to := x.lookup(f.from), x.lookup(f.to)
		if from != NoNode && to != NoNode {
			mark(outDel, from, f.hash)
			mark(inDel, to, f.hash)
		}
	}

	// The facts to add, without those their From has and keeps.
	type add struct {
		from, to, via NodeRef
	}
	adds := make([]add, len(ch.addFacts))
	byFrom := make(map[NodeRef][]int)
	for i, f := range ch.addFacts {
		a := add{from: x.ref(f.from), to: x.ref(f.to)}
		if f.via != "" {
			a.via = x.ref(f.via)
		}
		adds[i] = a
		byFrom[a.from] = append(byFrom[a.from], i)
	}
	skip := make([]bool, len(adds))
	for from, is := range byFrom {
		out, _ := x.lists(from)
		if len(out) == 0 && len(is) == 1 {
			continue
		}
		has := make(map[uint64]bool, len(out)+len(is))
		for _, e := range out {
			if h := x.facts[e.Fact]; !outDel[from][h] {
				has[h] = true
			}
		}
		for _, i := range is {
			h := ch.addFacts[i].hash
			skip[i] = has[h]
			has[h] = true
		}
	}
	n := 0
	for _, s := range skip {
		if !s {
			n++
		}
	}
	x.facts = slices.Grow(x.facts, n)
	outAdd := make(map[NodeRef][]Edge)
	inAdd := make(map[NodeRef][]Edge)
	for i, f := range ch.addFacts {
		if skip[i] {
			continue
		}
		a := adds[i]
		num := uint32(len(x.facts))
		x.facts = append(x.facts, f.hash)
		via := x.viaSlotOf(a.via)
		if via == viaInMap {
			x.via[num] = a.via
		}
		rel := relCode(f.relation)
		partOf = partOf || rel == partRel
		outAdd[a.from] = append(outAdd[a.from], Edge{Node: a.to, Fact: num, Rel: rel, via: via})
		inAdd[a.to] = append(inAdd[a.to], Edge{Node: a.from, Fact: num, Rel: rel, via: via})
		x.edges++
		x.byRel[rel]++
	}

	// The new lists of the touched nodes, in one buffer, then into adj.
	lists := union(union(outDel, outAdd), union(inDel, inAdd))
	for n := range lists {
		touched[n] = struct{}{}
	}
	type span struct {
		n           NodeRef
		start, nOut int
		end         int
	}
	spans := make([]span, 0, len(lists))
	var buf []Edge
	need := 0
	for n := range lists {
		out, in := x.lists(n)
		sp := span{n: n, start: len(buf)}
		for _, e := range out {
			if outDel[n][x.facts[e.Fact]] {
				partOf = partOf || e.Rel == partRel
				x.edges--
				x.byRel[e.Rel]--
				delete(x.via, e.Fact)
				continue
			}
			buf = append(buf, e)
		}
		buf = append(buf, outAdd[n]...)
		sp.nOut = len(buf) - sp.start
		for _, e := range in {
			if !inDel[n][x.facts[e.Fact]] {
				buf = append(buf, e)
			}
		}
		buf = append(buf, inAdd[n]...)
		sp.end = len(buf)
		spans = append(spans, sp)
		need += regionLen(sp.nOut, sp.end-sp.start-sp.nOut)
	}
	x.reserveAdj(need)
	for _, sp := range spans {
		x.setRegion(&x.nodes[sp.n], buf[sp.start:sp.start+sp.nOut], buf[sp.start+sp.nOut:sp.end])
	}
	return partOf
}

// merged returns a new list sorted by ID: old without del, plus add.
func (x *Index) merged(old []NodeRef, del map[NodeRef]bool, add []NodeRef) []NodeRef {
	add = slices.Clone(add)
	slices.SortFunc(add, func(a, b NodeRef) int { return strings.Compare(x.idOf(a), x.idOf(b)) })
	l := make([]NodeRef, 0, len(old)+len(add))
	i := 0
	for _, n := range old {
		if del[n] {
			continue
		}
		for i < len(add) && x.idOf(add[i]) < x.idOf(n) {
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
	x.indexState = y.indexState
	x.version = v + 1
	x.journal = nil // nothing carries over a rebuild
}

// NodesInto appends what the index knows of each of nodes ns to dst, as
// Node does, under one read lock.
func (x *Index) NodesInto(dst []NodeInfo, ns []NodeRef) []NodeInfo {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, n := range ns {
		if n == NoNode || int(n) >= len(x.nodes) {
			dst = append(dst, NodeInfo{})
			continue
		}
		dst = append(dst, x.info(n))
	}
	return dst
}

// idNamesInto appends the IDs and names of nodes ns to ids and names, under
// one read lock.
func (x *Index) idNamesInto(ns []NodeRef, ids, names []string) ([]string, []string) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, n := range ns {
		var id, name string
		if int(n) < len(x.nodes) {
			id, name = x.idName(&x.nodes[n])
		}
		ids, names = append(ids, id), append(names, name)
	}
	return ids, names
}
