package graph

import (
	"cmp"
	"context"
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Reach says how directly an edge ties an initiative to an entity someone
// asked about, most direct first.
//
// The rule for regions: a place is broad when it is a country or a province,
// or a region with a broad member (成渝地区双城经济圈 has 重庆 and 四川's
// cities; 四川 is a province). An edge to a place that contains the asked
// place, or an edge that holds through a region (Fact.Via), reaches it at
// REGION when that container or region is not broad (成德眉资, 成都都市圈, or
// the prefecture around a county) and at BROAD_REGION when it is. Connect
// counts BROAD_REGION ties only when asked to: a province-wide initiative
// says nothing about two of its cities in particular.
type Reach string

// The reaches, from the most direct to the least.
const (
	ReachDirect      Reach = "DIRECT"       // the edge goes to the asked entity itself
	ReachMember      Reach = "MEMBER"       // to a place inside the asked place or region
	ReachRegion      Reach = "REGION"       // to, or through, a region or place smaller than a province containing it
	ReachBroadRegion Reach = "BROAD_REGION" // to, or through, a province or wider grouping containing it
)

// Rank orders reaches: 1 for DIRECT up to 4 for BROAD_REGION.
func (r Reach) Rank() int {
	switch r {
	case ReachDirect:
		return 1
	case ReachMember:
		return 2
	case ReachRegion:
		return 3
	}
	return 4
}

// Tie is one edge that ties an initiative to an asked entity (Side).
type Tie struct {
	Initiative string   // initiative ID
	Side       string   // ID of the entity that was asked about
	Target     string   // ID of the entity the edge reaches
	Via        string   // ID of the region the edge holds through, if any
	Relation   Relation // as stored
	Reach      Reach
	Fact       string // fact ID
}

// Connected is an initiative tied to both sides of a connect question.
type Connected struct {
	Initiative string
	Name       string
	Reach      Reach // the weaker side's most direct tie
	// A and B are the ties on each side, most direct first. Connect fills
	// them; ConnectedTo leaves them nil for FillTies.
	A, B []Tie

	node NodeRef
}

// Node returns the initiative's number in the index it was read from.
func (c *Connected) Node() NodeRef { return c.node }

// placeRelations are the relations that tie an initiative to a place.
var placeRelations = []Relation{RelLocatedIn, RelConnects}

// Connect returns the initiatives tied to something in a and to something in
// b (see Ties), ordered by the weaker side's best reach, then the stronger
// side's, then name and ID, with their ties. BROAD_REGION ties count only
// when broad is set.
func Connect(ctx context.Context, x *Index, a, b []NodeRef, broad bool) ([]Connected, error) {
	cs, err := ConnectedTo(ctx, x, a, b, broad)
	if err != nil {
		return nil, err
	}
	return cs, FillTies(ctx, x, cs, a, b, broad)
}

// ConnectedTo returns what Connect returns, in the same order, without the
// ties: A and B are nil. The order comes from each side's best reach, worked
// out as numbers: the first question about a side after a write scans the
// edges of the asked entities once (see places.tied), and later ones until
// the next write reuse that side's tied set, so a question whose answer is
// thousands of initiatives costs a merge of two sorted lists and a sort.
func ConnectedTo(ctx context.Context, x *Index, a, b []NodeRef, broad bool) ([]Connected, error) {
	return ConnectedToInto(ctx, x, a, b, broad, nil)
}

// ConnectedToInto is ConnectedTo appending its answers to dst, for a caller
// that reuses one slice from question to question: the answers are most of
// what a question allocates (about 100 bytes each).
func ConnectedToInto(ctx context.Context, x *Index, a, b []NodeRef, broad bool, dst []Connected) ([]Connected, error) {
	var ta, tb *tiedSet
	// The two sides are read under two locks: should a write come between
	// them, ask again (a few times, then take what was read).
	for try := 0; ; try++ {
		pl := newPlaces(x)
		var err error
		if ta, err = pl.tied(ctx, a, broad); err != nil {
			return nil, err
		}
		if betweenSides != nil {
			betweenSides()
		}
		if tb, err = pl.tied(ctx, b, broad); err != nil {
			return nil, err
		}
		if ta.version == tb.version || try == 3 {
			break
		}
	}
	// Both lists are sorted by node number: merge them.
	buf := answerPool.Get().(*answerBuf)
	defer buf.release()
	ans, ns := buf.ans[:0], buf.ns[:0]
	for i, j := 0, 0; i < len(ta.nodes) && j < len(tb.nodes); {
		switch na, nb := ta.nodes[i], tb.nodes[j]; {
		case na < nb:
			i++
		case na > nb:
			j++
		default:
			ra, rb := ta.ranks[i], tb.ranks[j]
			ans = append(ans, answer{key: uint64(max(ra, rb))<<60 | uint64(min(ra, rb))<<56, i: int32(len(ns))})
			ns = append(ns, na)
			i++
			j++
		}
	}
	buf.ans, buf.ns = ans, ns
	ids, names := x.idNamesInto(ns, buf.ids[:0], buf.names[:0])
	buf.ids, buf.names = ids, names
	for k := range ans {
		name := names[ans[k].i]
		ans[k].key |= namePrefix(name, 0)
		ans[k].key2 = namePrefix(name, 7)<<8 | uint64(byteAt(name, 14))
	}
	slices.SortFunc(ans, func(p, q answer) int {
		// Not cmp.Or: it would compare the strings every time.
		if p.key != q.key {
			return cmp.Compare(p.key, q.key)
		}
		if p.key2 != q.key2 {
			return cmp.Compare(p.key2, q.key2)
		}
		return cmp.Or(strings.Compare(names[p.i], names[q.i]), strings.Compare(ids[p.i], ids[q.i]))
	})
	out := dst
	if out == nil {
		out = make([]Connected, 0, len(ans)) // never nil, as before
	} else {
		out = slices.Grow(out, len(ans))
	}
	for _, c := range ans {
		out = append(out, Connected{Initiative: ids[c.i], Name: names[c.i], Reach: reachOfRank(uint8(c.key >> 60)), node: ns[c.i]})
	}
	return out, nil
}

// answer is an answer of ConnectedTo while it is sorted: the weak and the
// strong side's rank and the first 15 bytes of the name, as numbers to
// sort by, and where the answer is in the lists of nodes, IDs and names.
type answer struct {
	key, key2 uint64
	i         int32
}

// answerBuf is ConnectedTo's working space, reused: only the answers it
// returns are allocated for each question.
type answerBuf struct {
	ans        []answer
	ns         []NodeRef
	ids, names []string
}

var answerPool = sync.Pool{New: func() any { return new(answerBuf) }}

// release puts b back in the pool, without the strings it points to.
func (b *answerBuf) release() {
	clear(b.ids)
	clear(b.names)
	b.ids, b.names = b.ids[:0], b.names[:0]
	answerPool.Put(b)
}

// nodeSet is a set of nodes as bits by node number: FillTies tests every
// edge of the sides' lists against it (tens of thousands for a city).
type nodeSet struct{ bits []uint64 }

func (s *nodeSet) add(n NodeRef) {
	w := int(n >> 6)
	if w >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, w+1-len(s.bits))...)
	}
	s.bits[w] |= 1 << (n & 63)
}

func (s *nodeSet) has(n NodeRef) bool {
	w := int(n >> 6)
	return w < len(s.bits) && s.bits[w]&(1<<(n&63)) != 0
}

// betweenSides, when set by a test, runs between the reads of the two sides.
var betweenSides func()

// namePrefix is the 7 bytes of name from byte from on as a big-endian
// number (0 past its end), so that comparing such numbers orders names as
// strings.Compare does wherever they differ.
func namePrefix(name string, from int) uint64 {
	var k uint64
	for i := from; i < from+7; i++ {
		k = k<<8 | uint64(byteAt(name, i))
	}
	return k
}

// byteAt is s[i], or 0 past the end of s.
func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// FillTies sets the A and B ties of cs, answers of ConnectedTo for the same
// a, b and broad (or a part of them, such as a page).
func FillTies(ctx context.Context, x *Index, cs []Connected, a, b []NodeRef, broad bool) error {
	var keep nodeSet
	for _, c := range cs {
		keep.add(c.node)
	}
	pl := newPlaces(x)
	ta, err := tiesOf(ctx, x, pl, a, broad, &keep)
	if err != nil {
		return err
	}
	tb, err := tiesOf(ctx, x, pl, b, broad, &keep)
	if err != nil {
		return err
	}
	for i := range cs {
		cs[i].A, cs[i].B = ta[cs[i].node], tb[cs[i].node]
	}
	return nil
}

// reachOfRank is the Reach of a rank (see Reach.Rank).
func reachOfRank(r uint8) Reach {
	switch r {
	case 1:
		return ReachDirect
	case 2:
		return ReachMember
	case 3:
		return ReachRegion
	}
	return ReachBroadRegion
}

// Ties returns the edges that tie initiative ini to any of sides, most direct
// first (see tiesOf).
func Ties(ctx context.Context, x *Index, ini NodeRef, sides []NodeRef, broad bool) ([]Tie, error) {
	var keep nodeSet
	keep.add(ini)
	ts, err := tiesOf(ctx, x, newPlaces(x), sides, broad, &keep)
	if err != nil {
		return nil, err
	}
	return ts[ini], nil
}

// tiesOf returns, for every initiative tied to one of sides (and kept by
// keep, when given), its ties sorted most direct first. What ties depends on
// the side's kind:
//
//   - a place: the initiative is LOCATED_IN or CONNECTS the place (DIRECT),
//     a place inside it (MEMBER), or a place or region containing it (REGION
//     or BROAD_REGION); an edge that holds through a region (Via) reaches at
//     most REGION or BROAD_REGION by that region;
//   - a body: the body LEADS, CO_BUILDS or COORDINATES it;
//   - a programme: it is UNDER_PROGRAMME;
//   - an initiative: one is PART_OF the other;
//   - a target: it HAS_TARGET.
func tiesOf(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool, keep *nodeSet) (map[NodeRef][]Tie, error) {
	srcs, err := tieSources(ctx, pl, sides, broad)
	if err != nil {
		return nil, err
	}
	type match struct {
		src int
		s   Step
		via NodeRef
	}
	var ms []match
	err = x.scanTies(ctx, srcs, keep, func(i int, s Step, via NodeRef) {
		ms = append(ms, match{i, s, via})
	})
	if err != nil {
		return nil, err
	}
	out := make(map[NodeRef][]Tie)
	type sideFact struct {
		side NodeRef
		fact uint32
	}
	seen := make(map[sideFact]bool)
	ids := make(map[NodeRef]string) // the same few sides, targets and regions recur
	id := func(n NodeRef) string {
		s, ok := ids[n]
		if !ok {
			s = x.Node(n).ID
			ids[n] = s
		}
		return s
	}
	for _, m := range ms {
		src := &srcs[m.src]
		reach, ok := src.reachVia(pl, m.via, broad)
		if !ok {
			continue
		}
		k := sideFact{src.side, m.s.Fact}
		if seen[k] {
			continue
		}
		seen[k] = true
		ini := m.s.Node
		t := Tie{Initiative: id(ini), Side: id(src.side), Target: id(src.node),
			Relation: m.s.Relation(), Reach: reach, Fact: x.FactID(m.s.Edge)}
		if m.via != NoNode {
			t.Via = id(m.via)
		}
		out[ini] = append(out[ini], t)
	}
	for _, ts := range out {
		slices.SortFunc(ts, func(p, q Tie) int {
			return cmp.Or(cmp.Compare(p.Reach.Rank(), q.Reach.Rank()), strings.Compare(p.Side, q.Side),
				strings.Compare(p.Target, q.Target), strings.Compare(string(p.Relation), string(q.Relation)), strings.Compare(p.Fact, q.Fact))
		})
	}
	return out, nil
}

// tiedSet is the initiatives tied to some asked entities, sorted by node
// number, with the rank of each one's most direct tie. It is not changed
// once made: places keeps it for other questions about the same entities.
type tiedSet struct {
	nodes   []NodeRef
	ranks   []uint8
	version uint64      // of the index it was read from
	sides   []NodeRef   // the asked entities
	broad   bool        // BROAD_REGION ties count
	srcs    []tieSource // the edge lists it was read from
}

// touchedBy reports whether changes that touched these nodes (sorted lists,
// one a change) may have changed t: they did if they touched one of t's
// sources. (A node of t whose kind or liveness changed is touched with its
// neighbours, t's source among them.)
func (t *tiedSet) touchedBy(touched [][]NodeRef) bool {
	for _, ns := range touched {
		for _, src := range t.srcs {
			if _, found := slices.BinarySearch(ns, src.node); found {
				return true
			}
		}
	}
	return false
}

// tiedCacheSets and tiedCacheNodes bound what places keeps: at most so many
// tied sets, holding at most so many initiatives in all (5 bytes each: 20
// MiB), the oldest leaving first. Every place of a large corpus fits, so a
// client asking about many sides in turn (each county against its city)
// finds each side it asked before still worked out.
// After a write only the last tiedCarry sides asked carry over (see
// carryOver).
const (
	tiedCacheSets  = 4096
	tiedCacheNodes = 4 << 20
	tiedCarry      = 64
)

// tiedKey names a tied set: the asked entities, as bytes, and broad.
type tiedKey struct {
	sides string
	broad bool
}

// tied returns the tied set of sides (see tiesOf), kept for the next
// question about the same sides until the index changes.
func (p *places) tied(ctx context.Context, sides []NodeRef, broad bool) (*tiedSet, error) {
	kb := make([]byte, 0, 4*len(sides))
	for _, n := range sides {
		kb = binary.LittleEndian.AppendUint32(kb, uint32(n))
	}
	k := tiedKey{string(kb), broad}
	p.mu.Lock()
	t, ok := p.tiedSets[k]
	p.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := bestReach(ctx, p.x, p, sides, broad)
	if err != nil || t.version != p.version {
		return t, err // read from another version: not for p to keep
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.tiedSets[k]; ok { // asked meanwhile
		return old, nil
	}
	for len(p.tiedOrder) > 0 && (len(p.tiedOrder) >= tiedCacheSets || p.tiedNodes+len(t.nodes) > tiedCacheNodes) {
		p.tiedNodes -= len(p.tiedSets[p.tiedOrder[0]].nodes)
		delete(p.tiedSets, p.tiedOrder[0])
		p.tiedOrder = p.tiedOrder[1:]
	}
	p.tiedSets[k] = t
	p.tiedNodes += len(t.nodes)
	p.tiedOrder = append(p.tiedOrder, k)
	return t, nil
}

// reaches is bestReach's working space, by node number: the rank of the most
// direct tie of each initiative (0 for none). It comes from a pool and goes
// back clear.
type reaches struct {
	rank []uint8
	vias []viaTie // ties through a region, for bestReach to weigh
}

var reachPool = sync.Pool{New: func() any { return new(reaches) }}

// bestReach works out the tied set of sides.
func bestReach(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool) (*tiedSet, error) {
	srcs, err := tieSources(ctx, pl, sides, broad)
	if err != nil {
		return nil, err
	}
	r := reachPool.Get().(*reaches)
	defer func() {
		clear(r.rank)
		r.vias = r.vias[:0]
		reachPool.Put(r)
	}()
	n, version, err := x.scanReach(ctx, srcs, r)
	if err != nil {
		return nil, err
	}
	// Ties through a region come in runs from one source and region: work
	// out the reach once a run.
	last, reach, ok := viaTie{src: -1}, Reach(""), false
	for _, v := range r.vias {
		if v.src != last.src || v.via != last.via {
			last = v
			reach, ok = srcs[v.src].reachVia(pl, v.via, broad)
		}
		if !ok {
			continue
		}
		if rk := uint8(reach.Rank()); r.rank[v.n] == 0 || rk < r.rank[v.n] {
			r.rank[v.n] = rk
		}
	}
	t := &tiedSet{version: version, sides: slices.Clone(sides), broad: broad, srcs: srcs}
	for i, rk := range r.rank[:n] {
		if rk != 0 {
			t.nodes = append(t.nodes, NodeRef(i))
			t.ranks = append(t.ranks, rk)
		}
	}
	return t, nil
}

// viaTie is a tie through a region, whose reach needs places.
type viaTie struct {
	src int
	n   NodeRef
	via NodeRef
}

// scanReach is scanTies for bestReach, written out: it is the inner loop of
// every connect question. Ties through a region go to r.vias. It returns
// the number of nodes (the length of r.rank that counts) and the version it
// read.
func (x *Index) scanReach(ctx context.Context, srcs []tieSource, r *reaches) (n int, version uint64, err error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	code, ok := x.codes[fKind][string(KindInitiative)]
	if !ok {
		return 0, x.version, nil // no initiatives
	}
	ini := code | aliveBit
	if len(r.rank) < len(x.nodes) {
		r.rank = make([]uint8, len(x.nodes)+len(x.nodes)/8)
	}
	rank, nodes := r.rank, x.nodes
	for i := range srcs {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		src := &srcs[i]
		if int(src.node) >= len(nodes) {
			continue
		}
		rk := uint8(src.reach.Rank())
		out, in := x.lists(src.node)
		for d, es := range [2][]Edge{out, in} {
			if !src.takes(d == 0, src.rels) {
				continue
			}
			for _, e := range es {
				if src.rels&(1<<e.Rel) == 0 || nodes[e.Node].kind != ini {
					continue
				}
				if e.via != 0 {
					r.vias = append(r.vias, viaTie{i, e.Node, x.viaOf(e)})
					continue
				}
				if rank[e.Node] == 0 || rk < rank[e.Node] {
					rank[e.Node] = rk
				}
			}
		}
	}
	return len(nodes), x.version, nil
}

// tieSource is one list of edges whose other ends are tied to an asked
// entity: the In or Out edges of node, of the relations in rels, reaching
// the asked side at reach (before any region the edge holds through).
type tieSource struct {
	side, node NodeRef
	dir        Direction
	rels       uint32 // a bit for each RelCode
	reach      Reach
}

// takes reports whether the source ties the other ends of its Out edges
// (out) or In edges of a relation in rels.
func (src *tieSource) takes(out bool, rels uint32) bool {
	if out && src.dir == DirectionIn || !out && src.dir == DirectionOut {
		return false
	}
	return src.rels&rels != 0
}

// reachVia returns the reach of an edge of the source that holds through
// via (or NoNode), and whether it counts.
func (src *tieSource) reachVia(pl *places, via NodeRef, broad bool) (Reach, bool) {
	reach := src.reach
	if via != NoNode {
		if r := pl.reachThrough(via); r.Rank() > reach.Rank() {
			reach = r
		}
	}
	return reach, reach != ReachBroadRegion || broad
}

var (
	placeRels     = relationMask(placeRelations...)
	bodyRels      = relationMask(RelLeads, RelCoBuilds, RelCoordinates)
	programmeRels = relationMask(RelUnderProgramme)
	partRels      = relationMask(RelPartOf)
	targetRels    = relationMask(RelHasTarget)
)

// relationMask has bit c set for the code c of each of rels.
func relationMask(rels ...Relation) uint32 {
	var m uint32
	for _, r := range rels {
		m |= 1 << relCode(r)
	}
	return m
}

// tieSources lists the edge lists that tie initiatives to sides, by the
// rules of tiesOf. BROAD_REGION containers are left out unless broad is set.
func tieSources(ctx context.Context, pl *places, sides []NodeRef, broad bool) ([]tieSource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []tieSource
	for i, side := range sides {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		switch pl.x.Node(side).Kind {
		case KindPlace:
			out = append(out, tieSource{side, side, DirectionIn, placeRels, ReachDirect})
			members, err := pl.descendants(ctx, side)
			if err != nil {
				return nil, err
			}
			for _, m := range members {
				out = append(out, tieSource{side, m, DirectionIn, placeRels, ReachMember})
			}
			containers, err := pl.ancestors(ctx, side)
			if err != nil {
				return nil, err
			}
			for _, c := range containers {
				if reach := pl.reachThrough(c); reach != ReachBroadRegion || broad {
					out = append(out, tieSource{side, c, DirectionIn, placeRels, reach})
				}
			}
		case KindBody:
			out = append(out, tieSource{side, side, DirectionOut, bodyRels, ReachDirect})
		case KindProgramme:
			out = append(out, tieSource{side, side, DirectionIn, programmeRels, ReachDirect})
		case KindInitiative:
			out = append(out, tieSource{side, side, DirectionBoth, partRels, ReachDirect})
		case KindTarget:
			out = append(out, tieSource{side, side, DirectionIn, targetRels, ReachDirect})
		}
	}
	return out, nil
}

// scanTies calls fn with the number of the source and every step of srcs
// that reaches a live initiative (one of keep, unless keep is nil), and the region its fact holds through (or
// NoNode). It holds the index's read lock throughout, so that a question
// reads one state of the graph and pays for the lock once: fn must not call
// the index.
func (x *Index) scanTies(ctx context.Context, srcs []tieSource, keep *nodeSet, fn func(src int, s Step, via NodeRef)) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	code, ok := x.codes[fKind][string(KindInitiative)]
	if !ok {
		return nil // no initiatives
	}
	ini := code | aliveBit
	scan := func(i int, es []Edge, out bool) {
		rels := srcs[i].rels
		for _, e := range es {
			if rels&(1<<e.Rel) == 0 || x.nodes[e.Node].kind != ini || keep != nil && !keep.has(e.Node) {
				continue
			}
			fn(i, Step{e, out}, x.viaOf(e))
		}
	}
	for i := range srcs {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := srcs[i].node
		if int(n) >= len(x.nodes) {
			continue
		}
		out, in := x.lists(n)
		if srcs[i].dir != DirectionIn {
			scan(i, out, true)
		}
		if srcs[i].dir != DirectionOut {
			scan(i, in, false)
		}
	}
	return nil
}

// places answers containment questions about places from PART_OF edges
// (member -> container), remembering what it worked out. One places serves
// every question asked of the same version of an index (see newPlaces):
// finding the PART_OF edges of a hub such as 成都 means going through tens of
// thousands of In edges, too slow to repeat for every question.
type places struct {
	x         *Index
	version   uint64
	mu        sync.Mutex
	broad     map[NodeRef]bool
	closure   map[closureKey][]NodeRef
	tiedSets  map[tiedKey]*tiedSet // see tied
	tiedOrder []tiedKey
	tiedNodes int // initiatives in all tied sets
}

type closureKey struct {
	n   NodeRef
	dir Direction
}

// newPlaces returns the places of the index's current version, shared by
// the questions asked of it until the next write. What the places of an
// earlier version worked out carries over when the index's journal shows
// the changes since did not touch it: containment unless a PART_OF fact or
// a place changed, and each tied set none of whose edge lists changed.
func newPlaces(x *Index) *places {
	v := x.Version()
	old := x.places.Load()
	if old != nil && old.version == v {
		return old
	}
	p := &places{x: x, version: v, broad: make(map[NodeRef]bool), closure: make(map[closureKey][]NodeRef),
		tiedSets: make(map[tiedKey]*tiedSet)}
	if old != nil && old.version < v {
		p.carryOver(old)
	}
	// A newer version may have been stored meanwhile: keep it then.
	if cur := x.places.Load(); cur == nil || cur.version < v {
		x.places.CompareAndSwap(cur, p)
	}
	return p
}

// carryOver copies into p what old worked out and the changes between
// their versions left as it was.
func (p *places) carryOver(old *places) {
	touched, containment, ok := p.x.changedSince(old.version, p.version)
	if !ok || containment {
		return
	}
	old.mu.Lock()
	maps.Copy(p.broad, old.broad)
	maps.Copy(p.closure, old.closure)
	// only the sides asked last carry over: checking thousands of sets at
	// every write would cost the first question after each write more
	// than it saves
	var order []tiedKey
	var sets []*tiedSet
	for _, k := range old.tiedOrder[max(0, len(old.tiedOrder)-tiedCarry):] {
		order, sets = append(order, k), append(sets, old.tiedSets[k])
	}
	old.mu.Unlock()
	for i, t := range sets {
		if t.touchedBy(touched) {
			if t = p.patch(t, touched); t == nil {
				continue
			}
		} else {
			c := *t // the same lists, valid at p's version too
			c.version = p.version
			t = &c
		}
		p.mu.Lock()
		p.tiedSets[order[i]] = t
		p.tiedNodes += len(t.nodes)
		p.tiedOrder = append(p.tiedOrder, order[i])
		p.mu.Unlock()
	}
}

// patch returns t as it is at p's version, given the nodes the changes
// since t was read touched: each touched live initiative's rank is worked
// out again from its own edges (a few, where t's sources have thousands),
// and the rest of t is kept. Every edge a change added or removed touched
// both its ends, so an initiative whose ties to t's sources changed is
// among them. It returns nil when t's sources are no longer what its sides
// give, or the index has moved past p's version.
func (p *places) patch(t *tiedSet, touched [][]NodeRef) *tiedSet {
	ctx := context.Background()
	srcs, err := tieSources(ctx, p, t.sides, t.broad)
	if err != nil || !slices.Equal(srcs, t.srcs) {
		return nil
	}
	bySrc := make(map[NodeRef][]int, len(srcs))
	for i, src := range srcs {
		bySrc[src.node] = append(bySrc[src.node], i)
	}
	// Under the read lock: the new ranks of touched nodes (0: not tied),
	// with ties through a region set aside for after it.
	rank := make(map[NodeRef]uint8)
	var vias []viaTie
	x := p.x
	x.mu.RLock()
	if x.version != p.version {
		x.mu.RUnlock()
		return nil
	}
	code, ok := x.codes[fKind][string(KindInitiative)]
	ini := code | aliveBit
	for _, ns := range touched {
		for _, n := range ns {
			if _, done := rank[n]; done || int(n) >= len(x.nodes) {
				continue
			}
			rank[n] = 0
			if !ok || x.nodes[n].kind != ini {
				continue
			}
			out, in := x.lists(n)
			// An Out edge of n is an In edge of its other end, and the
			// other way round.
			for d, es := range [2][]Edge{out, in} {
				for _, e := range es {
					for _, i := range bySrc[e.Node] {
						src := &srcs[i]
						if !src.takes(d == 1, 1<<e.Rel) {
							continue
						}
						if e.via != 0 {
							vias = append(vias, viaTie{i, n, x.viaOf(e)})
							continue
						}
						if rk := uint8(src.reach.Rank()); rank[n] == 0 || rk < rank[n] {
							rank[n] = rk
						}
					}
				}
			}
		}
	}
	x.mu.RUnlock()
	for _, v := range vias {
		if reach, ok := srcs[v.src].reachVia(p, v.via, t.broad); ok {
			if rk := uint8(reach.Rank()); rank[v.n] == 0 || rk < rank[v.n] {
				rank[v.n] = rk
			}
		}
	}
	// Merge: t's nodes not touched, and the touched ones still tied.
	changed := slices.Sorted(maps.Keys(rank))
	nt := &tiedSet{version: p.version, sides: t.sides, broad: t.broad, srcs: t.srcs,
		nodes: make([]NodeRef, 0, len(t.nodes)+len(changed)), ranks: make([]uint8, 0, len(t.nodes)+len(changed))}
	i := 0
	for _, c := range changed {
		for i < len(t.nodes) && t.nodes[i] < c {
			nt.nodes, nt.ranks = append(nt.nodes, t.nodes[i]), append(nt.ranks, t.ranks[i])
			i++
		}
		if i < len(t.nodes) && t.nodes[i] == c {
			i++
		}
		if rank[c] != 0 {
			nt.nodes, nt.ranks = append(nt.nodes, c), append(nt.ranks, rank[c])
		}
	}
	nt.nodes, nt.ranks = append(nt.nodes, t.nodes[i:]...), append(nt.ranks, t.ranks[i:]...)
	return nt
}

// isBroad reports whether n is a country, a province or a region with a
// broad member.
func (p *places) isBroad(n NodeRef) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.isBroadLocked(n)
}

func (p *places) isBroadLocked(n NodeRef) bool {
	if b, ok := p.broad[n]; ok {
		return b
	}
	p.broad[n] = false // a membership cycle is not broad
	b := false
	switch p.x.Node(n).Level {
	case LevelCountry, LevelProvince:
		b = true
	case LevelRegion:
		for _, m := range p.members(n) {
			if p.isBroadLocked(m) {
				b = true
				break
			}
		}
	}
	p.broad[n] = b
	return b
}

// reachThrough returns the reach of a tie that holds through container c.
func (p *places) reachThrough(c NodeRef) Reach {
	if p.isBroad(c) {
		return ReachBroadRegion
	}
	return ReachRegion
}

// members returns the places directly PART_OF n.
func (p *places) members(n NodeRef) []NodeRef { return p.x.placesPartOf(n, DirectionIn) }

// placesPartOf returns the places PART_OF n (DirectionIn) or that n is
// PART_OF (DirectionOut), under one read lock: a hub's In list has tens of
// thousands of edges and a few PART_OF.
func (x *Index) placesPartOf(n NodeRef, dir Direction) []NodeRef {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(n) >= len(x.nodes) {
		return nil
	}
	code, ok := x.codes[fKind][string(KindPlace)]
	if !ok {
		return nil
	}
	out, in := x.lists(n)
	es := in
	if dir == DirectionOut {
		es = out
	}
	rel := relCode(RelPartOf)
	var ps []NodeRef
	for _, e := range es {
		if e.Rel == rel && x.nodes[e.Node].kind == code|aliveBit {
			ps = append(ps, e.Node)
		}
	}
	return ps
}

// descendants returns the places inside n at any depth, without n. The
// slice is shared: callers must not modify it.
func (p *places) descendants(ctx context.Context, n NodeRef) ([]NodeRef, error) {
	return p.closureOf(ctx, n, DirectionIn)
}

// ancestors returns the places that contain n at any depth, without n. The
// slice is shared: callers must not modify it.
func (p *places) ancestors(ctx context.Context, n NodeRef) ([]NodeRef, error) {
	return p.closureOf(ctx, n, DirectionOut)
}

func (p *places) closureOf(ctx context.Context, n NodeRef, dir Direction) ([]NodeRef, error) {
	k := closureKey{n, dir}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.closure[k]; ok {
		return c, nil
	}
	seen := map[NodeRef]bool{n: true}
	var out []NodeRef
	queue := []NodeRef{n}
	for i := 0; i < len(queue); i++ {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for _, m := range p.x.placesPartOf(queue[i], dir) {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
				queue = append(queue, m)
			}
		}
	}
	out = clip(out)
	p.closure[k] = out
	return out, nil
}
