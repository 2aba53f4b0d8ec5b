package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// The walk Connect made before it worked out its order from numbers (commit
// 5d34445): one Index call per step and every tie built. Tests compare the
// two on every pair of entities of the seed.

// ConnectReferenceForTest is that walk.
func ConnectReferenceForTest(ctx context.Context, x *Index, a, b []NodeRef, broad bool) ([]Connected, error) {
	return connectReference(ctx, x, a, b, broad)
}

func connectReference(ctx context.Context, x *Index, a, b []NodeRef, broad bool) ([]Connected, error) {
	pl := newPlaces(x)
	// First the initiatives tied to each side, as numbers only; the ties
	// (with their IDs) are built for those tied to both. A side such as 成都
	// has tens of thousands of ties in a large corpus, few of them shared.
	ia, err := refTiedTo(ctx, x, pl, a, broad)
	if err != nil {
		return nil, err
	}
	ib, err := refTiedTo(ctx, x, pl, b, broad)
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
	ta, err := refTiesOf(ctx, x, pl, a, broad, keep)
	if err != nil {
		return nil, err
	}
	tb, err := refTiesOf(ctx, x, pl, b, broad, keep)
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

func refTiedTo(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool) (map[NodeRef]bool, error) {
	out := make(map[NodeRef]bool)
	err := refWalkTies(ctx, x, pl, sides, broad, func(_, ini NodeRef, _ Step, _, _ NodeRef, _ Reach) { out[ini] = true })
	return out, err
}

func refTiesOf(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool, keep func(NodeRef) bool) (map[NodeRef][]Tie, error) {
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
	err := refWalkTies(ctx, x, pl, sides, broad, func(side, ini NodeRef, s Step, target, via NodeRef, reach Reach) {
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

func refWalkTies(ctx context.Context, x *Index, pl *places, sides []NodeRef, broad bool,
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
