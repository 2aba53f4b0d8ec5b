package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
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
// ties: A and B are nil. The order comes from each side's best reach, which
// is worked out as numbers, so a question whose answer is thousands of
// initiatives costs a pass over the edges of the asked entities and a sort.
func ConnectedTo(ctx context.Context, x *Index, a, b []NodeRef, broad bool) ([]Connected, error) {
	pl := newPlaces(x)
	ra, na, err := bestReach(ctx, x, pl, a, broad, nil)
	if err != nil {
		return nil, err
	}
	// Only the initiatives tied to a matter on b's side.
	rb, _, err := bestReach(ctx, x, pl, b, broad, ra)
	if err != nil {
		return nil, err
	}
	type answer struct {
		n            NodeRef
		weak, strong uint8
		id, name     string
	}
	var ans []answer
	for _, n := range na {
		if int(n) < len(rb) && rb[n] != 0 {
			ans = append(ans, answer{n: n, weak: max(ra[n], rb[n]), strong: min(ra[n], rb[n])})
		}
	}
	ns := make([]NodeRef, len(ans))
	for i := range ans {
		ns[i] = ans[i].n
	}
	ids, names := x.idNames(ns)
	for i := range ans {
		ans[i].id, ans[i].name = ids[i], names[i]
	}
	slices.SortFunc(ans, func(p, q answer) int {
		return cmp.Or(cmp.Compare(p.weak, q.weak), cmp.Compare(p.strong, q.strong),
			strings.Compare(p.name, q.name), strings.Compare(p.id, q.id))
	})
	out := make([]Connected, len(ans))
	for i, c := range ans {
		out[i] = Connected{Initiative: c.id, Name: c.name, Reach: reachOfRank(c.weak), node: c.n}
	}
	return out, nil
}

// FillTies sets the A and B ties of cs, answers of ConnectedTo for the same
// a, b and broad (or a part of them, such as a page).
func FillTies(ctx context.Context, x *Index, cs []Connected, a, b []NodeRef, broad bool) error {
	want := make(map[NodeRef]bool, len(cs))
	for _, c := range cs {
		want[c.node] = true
	}
	keep := func(n NodeRef) bool { return want[n] }
	pl := newPlaces(x)
	ta, err := tiesOf(ctx, x, pl, a, broad, keep)
	if err != nil {
		return err
	}
	tb, err := tiesOf(ctx, x, pl, b, broad, keep)
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
	ts, err := tiesOf(ctx, x, newPlaces(x), sides, broad, func(n NodeRef) bool { return n == ini })
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
func tiesOf(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool, keep func(NodeRef) bool) (map[NodeRef][]Tie, error) {
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
	err = x.scanTies(ctx, srcs, func(i int, s Step, via NodeRef) {
		if keep == nil || keep(s.Node) {
			ms = append(ms, match{i, s, via})
		}
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

// bestReach returns, by node number, the rank of the most direct tie of each
// initiative to one of sides (0 for none), and the initiatives with a tie in
// the order first found. When only is given, initiatives with only[n] == 0
// are left out.
func bestReach(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool, only []uint8) ([]uint8, []NodeRef, error) {
	srcs, err := tieSources(ctx, pl, sides, broad)
	if err != nil {
		return nil, nil, err
	}
	best := make([]uint8, x.Bound())
	var found []NodeRef
	set := func(n NodeRef, r uint8) {
		if int(n) >= len(best) { // a write added nodes since Bound
			best = append(best, make([]uint8, int(n)+1-len(best))...)
		}
		if best[n] == 0 {
			found = append(found, n)
		}
		if best[n] == 0 || r < best[n] {
			best[n] = r
		}
	}
	type viaTie struct {
		src int
		n   NodeRef
		via NodeRef
	}
	var vias []viaTie // few: worked out after the scan, which holds the index's lock
	err = x.scanTies(ctx, srcs, func(i int, s Step, via NodeRef) {
		if only != nil && (int(s.Node) >= len(only) || only[s.Node] == 0) {
			return
		}
		if via != NoNode {
			vias = append(vias, viaTie{i, s.Node, via})
			return
		}
		set(s.Node, uint8(srcs[i].reach.Rank()))
	})
	if err != nil {
		return nil, nil, err
	}
	for _, v := range vias {
		if r, ok := srcs[v.src].reachVia(pl, v.via, broad); ok {
			set(v.n, uint8(r.Rank()))
		}
	}
	return best, found, nil
}

// tieSource is one list of edges whose other ends are tied to an asked
// entity: the In or Out edges of node, of the relations in rels, reaching
// the asked side at reach (before any region the edge holds through).
type tieSource struct {
	side, node NodeRef
	dir        Direction
	rels       func(RelCode) bool
	reach      Reach
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
	placeRels     = relationSet(placeRelations)
	bodyRels      = relationSet([]Relation{RelLeads, RelCoBuilds, RelCoordinates})
	programmeRels = relationSet([]Relation{RelUnderProgramme})
	partRels      = relationSet([]Relation{RelPartOf})
	targetRels    = relationSet([]Relation{RelHasTarget})
)

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
// that reaches a live initiative, and the region its fact holds through (or
// NoNode). It holds the index's read lock throughout, so that a question
// reads one state of the graph and pays for the lock once: fn must not call
// the index.
func (x *Index) scanTies(ctx context.Context, srcs []tieSource, fn func(src int, s Step, via NodeRef)) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	code, ok := x.codes[fKind][string(KindInitiative)]
	if !ok {
		return nil // no initiatives
	}
	ini := code | aliveBit
	scan := func(i int, es []Edge, out bool) {
		keep := srcs[i].rels
		for _, e := range es {
			if !keep(e.Rel) || x.nodes[e.Node].kind != ini {
				continue
			}
			via := NoNode
			if len(x.via) > 0 {
				if v, ok := x.via[e.Fact]; ok {
					via = v
				}
			}
			fn(i, Step{e, out}, via)
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
// (member -> container), remembering what it worked out.
type places struct {
	x     *Index
	broad map[NodeRef]bool
}

func newPlaces(x *Index) *places { return &places{x: x, broad: make(map[NodeRef]bool)} }

// isBroad reports whether n is a country, a province or a region with a
// broad member.
func (p *places) isBroad(n NodeRef) bool {
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
			if p.isBroad(m) {
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
func (p *places) members(n NodeRef) []NodeRef {
	var out []NodeRef
	for _, s := range p.x.Steps(n, DirectionIn, []Relation{RelPartOf}) {
		if p.x.Node(s.Node).Kind == KindPlace {
			out = append(out, s.Node)
		}
	}
	return out
}

// descendants returns the places inside n at any depth, without n.
func (p *places) descendants(ctx context.Context, n NodeRef) ([]NodeRef, error) {
	return p.closure(ctx, n, DirectionIn)
}

// ancestors returns the places that contain n at any depth, without n.
func (p *places) ancestors(ctx context.Context, n NodeRef) ([]NodeRef, error) {
	return p.closure(ctx, n, DirectionOut)
}

func (p *places) closure(ctx context.Context, n NodeRef, dir Direction) ([]NodeRef, error) {
	seen := map[NodeRef]bool{n: true}
	var out []NodeRef
	queue := []NodeRef{n}
	for i := 0; i < len(queue); i++ {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for _, s := range p.x.Steps(queue[i], dir, []Relation{RelPartOf}) {
			if seen[s.Node] || p.x.Node(s.Node).Kind != KindPlace {
				continue
			}
			seen[s.Node] = true
			out = append(out, s.Node)
			queue = append(queue, s.Node)
		}
	}
	return out, nil
}
