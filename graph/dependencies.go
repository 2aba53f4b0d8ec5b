package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Dependency is a pair of initiatives owned by different departments that
// share something specific: a place, a programme that is not a banner, a
// target, or an initiative one is part of or both are part of.
type Dependency struct {
	A       string   // initiative ID; A < B
	ABodies []string // owner body IDs, sorted; never an issuer (see Dependencies)
	B       string
	BBodies []string
	Shared  string // ID of the shared entity: the most specific the two share
	// SharedRelation and BRelation are how A and B reach Shared. When A or
	// B is Shared itself (the other is PART_OF it) its relation is PART_OF
	// and it has no facts.
	SharedRelation Relation
	BRelation      Relation
	// SharedBy is how many initiatives are tied to Shared directly: the
	// fewer, the more specific the shared thing, and the earlier the pair.
	SharedBy int
	AFacts   []string // IDs of the facts that tie A to Shared, sorted
	BFacts   []string
}

// DependencyFilter narrows Dependencies to pairs involving some entities.
// Empty fields do not narrow.
type DependencyFilter struct {
	Bodies     []NodeRef // A or B is owned by one of these
	Places     []NodeRef // A or B is tied to one of these (see InitiativesAt)
	Programmes []NodeRef // A or B is under one of these
}

// ownerRelations are the relations by which a body owns an initiative.
var ownerRelations = []Relation{RelLeads, RelCoBuilds, RelCoordinates}

// shareRelations are the relations by which two initiatives share something:
// a place (not a broad one: see Reach), a programme, a target, or an
// initiative they are PART_OF.
var shareRelations = []Relation{RelLocatedIn, RelConnects, RelUnderProgramme, RelHasTarget, RelPartOf}

// How broad a shared thing may be before it says nothing about two
// initiatives. A banner is tied to more than bannerMin initiatives and to
// more than one in bannerShare of the initiatives of the documents that
// name it (a report's own place, a programme its paragraphs all cite), or,
// for a programme, named by documents about bannerPlaces places or more (a
// national or provincial banner such as 成渝地区双城经济圈建设).
const (
	bannerMin    = 4
	bannerShare  = 8
	bannerPlaces = 3
)

// Dependencies returns up to limit pairs of initiatives A < B (by ID) whose
// owners are disjoint and non-empty, and that share something specific.
//
// Owners are the bodies that LEAD, CO_BUILD or COORDINATE an initiative
// (stated, from the sector table or from an assignment table), except the
// bodies that issued a document: a government issuing a report is the
// umbrella of all its tasks (the loader makes it LEAD each of them), not an
// owner for this question.
//
// The things two initiatives share are those each reaches by an edge of its
// own (not one spread from a region): a place that is not broad (see
// isBroad), a programme, a target (LOCATED_IN and CONNECTS count alike for a
// place), or an initiative both are PART_OF or one is PART_OF. A shared
// thing tied directly to many initiatives is a banner and is left out (see
// bannerMin); of the rest, the one the fewest initiatives share is the pair's
// Shared. Pairs are ordered by SharedBy, then by the number of places the two
// are tied to (a zone over a whole region pairs with everything in each of
// its cities: a line and a belt between the same two cities say more), then
// by A and B.
func Dependencies(ctx context.Context, x *Index, f DependencyFilter, limit int) ([]Dependency, error) {
	if err := ctx.Err(); err != nil || limit <= 0 {
		return nil, err
	}
	pl := newPlaces(x)
	involved, err := involvedSet(ctx, x, pl, f)
	if err != nil {
		return nil, err
	}
	s := &dependencyScan{x: x, umbrella: make(map[NodeRef]bool), docPlace: make(map[NodeRef]NodeRef),
		perDoc: make(map[NodeRef]int), places: make(map[NodeRef]int), owners: make(map[NodeRef][]NodeRef), ties: make(map[NodeRef]map[NodeRef]*shareTie)}
	for _, d := range x.NodesOfKind(KindDocument) {
		for _, e := range x.Out(d) {
			switch e.Relation() {
			case RelIssuedBy:
				s.umbrella[e.Node] = true
			case RelAbout:
				s.docPlace[d] = e.Node
			}
		}
	}
	broad := make(map[NodeRef]bool)
	for _, p := range x.NodesOfKind(KindPlace) {
		if pl.isBroad(p) {
			broad[p] = true
		}
	}
	for i, a := range x.NodesOfKind(KindInitiative) {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		s.read(a, broad)
	}
	shared, err := s.specific(ctx, pl)
	if err != nil {
		return nil, err
	}
	var out []Dependency
	breadth := make(map[string]int) // by pair: places the two are tied to
	seen := make(map[[2]NodeRef]bool)
	for i, sh := range shared {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		// Pairs come out by SharedBy: once there are enough, the rest are
		// less specific than the last kept, unless they tie with it.
		if len(out) >= limit && sh.by > out[len(out)-1].SharedBy {
			break
		}
		for i, ta := range sh.ties {
			for _, tb := range sh.ties[i+1:] {
				a, b := ta.ini, tb.ini
				if seen[[2]NodeRef{a, b}] || len(f.Bodies)+len(f.Places)+len(f.Programmes) > 0 && !involved[a] && !involved[b] {
					continue
				}
				ao, bo := s.owners[a], s.owners[b]
				if len(ao) == 0 || len(bo) == 0 || overlaps(ao, bo) {
					continue
				}
				seen[[2]NodeRef{a, b}] = true
				breadth[ta.id+"\x00"+tb.id] = s.places[a] + s.places[b]
				out = append(out, Dependency{A: ta.id, ABodies: s.ids(ao), B: tb.id, BBodies: s.ids(bo),
					Shared: sh.id, SharedRelation: ta.rel, BRelation: tb.rel, SharedBy: sh.by,
					AFacts: ta.facts, BFacts: tb.facts})
			}
		}
	}
	slices.SortStableFunc(out, func(p, q Dependency) int {
		return cmp.Or(cmp.Compare(p.SharedBy, q.SharedBy), cmp.Compare(breadth[p.A+"\x00"+p.B], breadth[q.A+"\x00"+q.B]),
			strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	return out[:min(limit, len(out))], nil
}

// dependencyScan is what Dependencies gathers from the index: the owners of
// each initiative and, for each thing initiatives share, how each reaches it.
type dependencyScan struct {
	x        *Index
	umbrella map[NodeRef]bool      // bodies that issued a document
	docPlace map[NodeRef]NodeRef   // document -> the place it is ABOUT
	perDoc   map[NodeRef]int       // document -> initiatives it lists
	owners   map[NodeRef][]NodeRef // initiative -> owners, distinct, by node number
	places   map[NodeRef]int       // initiative -> places it is tied to by an edge of its own
	ties     map[NodeRef]map[NodeRef]*shareTie
}

// shareTie is how one initiative reaches a shared thing.
type shareTie struct {
	ini   NodeRef
	id    string
	rel   Relation
	facts []string
}

// sharedThing is one thing several initiatives reach, with their ties
// sorted by initiative ID.
type sharedThing struct {
	id   string
	by   int
	ties []*shareTie
}

var (
	ownerRels = relationMask(ownerRelations...)
	shareRels = relationMask(shareRelations...)
)

// read records initiative a's owners, documents and ties, under one read
// lock.
func (s *dependencyScan) read(a NodeRef, broad map[NodeRef]bool) {
	x := s.x
	x.mu.RLock()
	defer x.mu.RUnlock()
	if !x.aliveLocked(a) {
		return
	}
	for _, d := range x.docsOf(&x.nodes[a]) {
		s.perDoc[d]++
	}
	out, in := x.lists(a)
	var o []NodeRef
	for _, e := range in {
		if ownerRels&(1<<e.Rel) != 0 && !s.umbrella[e.Node] && x.aliveLocked(e.Node) {
			o = append(o, e.Node)
		}
	}
	slices.Sort(o)
	s.owners[a] = slices.Compact(o)
	aID := x.idOf(a)
	for _, e := range out {
		if shareRels&(1<<e.Rel) == 0 || x.viaOf(e) != NoNode || !x.aliveLocked(e.Node) {
			continue // a tie spread from a region: the region itself is shared, if anything
		}
		k := x.kindLocked(e.Node)
		if k == KindPlace && placeRels&(1<<e.Rel) != 0 {
			s.places[a]++
		}
		switch {
		case k == KindPlace && broad[e.Node]:
			continue
		case e.Relation() == RelPartOf && k != KindInitiative:
			continue
		case e.Relation() == RelPartOf:
			// the whole is shared by its parts and by itself
			s.tie(e.Node, e.Node, x.idOf(e.Node), RelPartOf, "")
		}
		s.tie(e.Node, a, aID, e.Relation(), x.factIDLocked(e))
	}
}

// tie records that initiative ini reaches shared by rel, stated by fact
// (none for a whole reaching itself).
func (s *dependencyScan) tie(shared, ini NodeRef, id string, rel Relation, fact string) {
	m := s.ties[shared]
	if m == nil {
		m = make(map[NodeRef]*shareTie)
		s.ties[shared] = m
	}
	t := m[ini]
	if t == nil {
		t = &shareTie{ini: ini, id: id, rel: rel}
		m[ini] = t
	}
	if fact != "" && !slices.Contains(t.facts, fact) {
		t.facts = append(t.facts, fact)
		slices.Sort(t.facts)
	}
}

// specific returns the things at least two initiatives share that are not
// banners, the most specific (fewest initiatives) first, then by ID. The
// initiatives a place is shared by are those tied to it or to a place inside
// it: a region is no more specific than its broadest member, and a city
// less than its district.
func (s *dependencyScan) specific(ctx context.Context, pl *places) ([]sharedThing, error) {
	x := s.x
	var out []sharedThing
	for n, m := range s.ties {
		if len(m) < 2 {
			continue
		}
		by := len(m)
		if x.Node(n).Kind == KindPlace {
			inside, err := pl.descendants(ctx, n)
			if err != nil {
				return nil, err
			}
			all := make(map[NodeRef]bool, len(m))
			for _, p := range append([]NodeRef{n}, inside...) {
				for ini := range s.ties[p] {
					all[ini] = true
				}
			}
			by = len(all)
		}
		if s.banner(n, by) {
			continue
		}
		sh := sharedThing{id: x.Node(n).ID, by: by}
		for _, t := range m {
			sh.ties = append(sh.ties, t)
		}
		slices.SortFunc(sh.ties, func(a, b *shareTie) int { return strings.Compare(a.id, b.id) })
		out = append(out, sh)
	}
	slices.SortFunc(out, func(a, b sharedThing) int { return cmp.Or(cmp.Compare(a.by, b.by), strings.Compare(a.id, b.id)) })
	return out, nil
}

// banner reports whether n, tied directly to by initiatives, is too broad
// to make two initiatives depend on each other (see bannerMin).
func (s *dependencyScan) banner(n NodeRef, by int) bool {
	info := s.x.Node(n)
	listed := 0
	places := make(map[NodeRef]bool)
	for _, d := range info.Documents {
		listed += s.perDoc[d]
		if p, ok := s.docPlace[d]; ok {
			places[p] = true
		}
	}
	if by > bannerMin && by*bannerShare > listed {
		return true
	}
	return info.Kind == KindProgramme && len(places) >= bannerPlaces
}

// ids returns the IDs of nodes, sorted.
func (s *dependencyScan) ids(ns []NodeRef) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = s.x.Node(n).ID
	}
	slices.Sort(out)
	return out
}

// involvedSet returns the initiatives the filter's entities involve.
func involvedSet(ctx context.Context, x *Index, pl *places, f DependencyFilter) (map[NodeRef]bool, error) {
	set := make(map[NodeRef]bool)
	for _, b := range f.Bodies {
		for _, n := range x.Neighbours(b, DirectionOut, ownerRelations) {
			set[n] = true
		}
	}
	for _, p := range f.Programmes {
		for _, n := range x.Neighbours(p, DirectionIn, []Relation{RelUnderProgramme}) {
			set[n] = true
		}
	}
	if len(f.Places) > 0 {
		at, err := initiativesAt(ctx, x, pl, f.Places)
		if err != nil {
			return nil, err
		}
		for n := range at {
			set[n] = true
		}
	}
	return set, nil
}

func overlaps(a, b []NodeRef) bool {
	for _, n := range a {
		if slices.Contains(b, n) {
			return true
		}
	}
	return false
}
