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
	A, B       []Tie
}

// placeRelations are the relations that tie an initiative to a place.
var placeRelations = []Relation{RelLocatedIn, RelConnects}

// Connect returns the initiatives tied to something in a and to something in
// b (see Ties), ordered by the weaker side's best reach, then the stronger
// side's, then name and ID. BROAD_REGION ties count only when broad is set.
func Connect(ctx context.Context, x *Index, a, b []NodeRef, broad bool) ([]Connected, error) {
	pl := newPlaces(x)
	// First the initiatives tied to each side, as numbers only; the ties
	// (with their IDs) are built for those tied to both. A side such as 成都
	// has tens of thousands of ties in a large corpus, few of them shared.
	ia, err := tiedTo(ctx, x, pl, a, broad)
	if err != nil {
		return nil, err
	}
	ib, err := tiedTo(ctx, x, pl, b, broad)
	if err != nil {
		return nil, err
	}
	both := make(map[NodeRef]bool)
	for ini := range ia {
		if ib[ini] {
			both[ini] = true
		}
	}
	keep := func(ini NodeRef) bool { return both[ini] }
	ta, err := tiesOf(ctx, x, pl, a, broad, keep)
	if err != nil {
		return nil, err
	}
	tb, err := tiesOf(ctx, x, pl, b, broad, keep)
	if err != nil {
		return nil, err
	}
	var out []Connected
	for ini, as := range ta {
		bs, ok := tb[ini]
		if !ok {
			continue
		}
		info := x.Node(ini)
		c := Connected{Initiative: info.ID, Name: info.Name, A: as, B: bs, Reach: as[0].Reach}
		if bs[0].Reach.Rank() > c.Reach.Rank() {
			c.Reach = bs[0].Reach
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(p, q Connected) int {
		return cmp.Or(cmp.Compare(p.Reach.Rank(), q.Reach.Rank()),
			cmp.Compare(min(p.A[0].Reach.Rank(), p.B[0].Reach.Rank()), min(q.A[0].Reach.Rank(), q.B[0].Reach.Rank())),
			strings.Compare(p.Name, q.Name), strings.Compare(p.Initiative, q.Initiative))
	})
	return out, nil
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

// tiesOf returns, for every initiative tied to one of sides, its ties sorted
// most direct first. What ties depends on the side's kind:
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
	err := walkTies(ctx, x, pl, sides, broad, func(side, ini NodeRef, s Step, target, via NodeRef, reach Reach) {
		if keep != nil && !keep(ini) {
			return
		}
		k := sideFact{side, s.Fact}
		if seen[k] {
			return
		}
		seen[k] = true
		t := Tie{Initiative: id(ini), Side: id(side), Target: id(target),
			Relation: s.Relation(), Reach: reach, Fact: x.FactID(s.Edge)}
		if via != NoNode {
			t.Via = id(via)
		}
		out[ini] = append(out[ini], t)
	})
	if err != nil {
		return nil, err
	}
	for _, ts := range out {
		slices.SortFunc(ts, func(p, q Tie) int {
			return cmp.Or(cmp.Compare(p.Reach.Rank(), q.Reach.Rank()), strings.Compare(p.Side, q.Side),
				strings.Compare(p.Target, q.Target), strings.Compare(string(p.Relation), string(q.Relation)), strings.Compare(p.Fact, q.Fact))
		})
	}
	return out, nil
}

// tiedTo returns the initiatives tiesOf would give ties for, without the ties.
func tiedTo(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool) (map[NodeRef]bool, error) {
	out := make(map[NodeRef]bool)
	err := walkTies(ctx, x, pl, sides, broad, func(_, ini NodeRef, _ Step, _, _ NodeRef, _ Reach) { out[ini] = true })
	return out, err
}

// walkTies calls fn for every edge that ties an initiative to one of sides
// by the rules of tiesOf, with the entity it reaches, the region it holds
// through (or NoNode) and its reach. BROAD_REGION ties are left out unless
// broad is set. The same edge may be passed more than once.
func walkTies(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool,
	fn func(side, ini NodeRef, s Step, target, via NodeRef, reach Reach)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	add := func(side, ini NodeRef, s Step, target NodeRef, reach Reach) {
		if x.Node(ini).Kind != KindInitiative {
			return
		}
		via := x.Via(s.Edge)
		if via != NoNode {
			if r := pl.reachThrough(via); r.Rank() > reach.Rank() {
				reach = r
			}
		}
		if reach == ReachBroadRegion && !broad {
			return
		}
		fn(side, ini, s, target, via, reach)
	}
	for i, side := range sides {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		switch x.Node(side).Kind {
		case KindPlace:
			for _, s := range x.Steps(side, DirectionIn, placeRelations) {
				add(side, s.Node, s, side, ReachDirect)
			}
			members, err := pl.descendants(ctx, side)
			if err != nil {
				return err
			}
			for _, m := range members {
				for _, s := range x.Steps(m, DirectionIn, placeRelations) {
					add(side, s.Node, s, m, ReachMember)
				}
			}
			containers, err := pl.ancestors(ctx, side)
			if err != nil {
				return err
			}
			for _, c := range containers {
				reach := pl.reachThrough(c)
				if reach == ReachBroadRegion && !broad {
					continue
				}
				for _, s := range x.Steps(c, DirectionIn, placeRelations) {
					add(side, s.Node, s, c, reach)
				}
			}
		case KindBody:
			for _, s := range x.Steps(side, DirectionOut, []Relation{RelLeads, RelCoBuilds, RelCoordinates}) {
				add(side, s.Node, s, side, ReachDirect)
			}
		case KindProgramme:
			for _, s := range x.Steps(side, DirectionIn, []Relation{RelUnderProgramme}) {
				add(side, s.Node, s, side, ReachDirect)
			}
		case KindInitiative:
			for _, s := range x.Steps(side, DirectionBoth, []Relation{RelPartOf}) {
				add(side, s.Node, s, side, ReachDirect)
			}
		case KindTarget:
			for _, s := range x.Steps(side, DirectionIn, []Relation{RelHasTarget}) {
				add(side, s.Node, s, side, ReachDirect)
			}
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
