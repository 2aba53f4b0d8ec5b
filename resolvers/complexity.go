package resolvers

import (
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/schema"
)

// complexity returns the cost model the complexity limit checks: a field
// costs 1 plus its children, a list that takes first costs first times its
// children, paths cost maxHops × first times theirs, and a neighbourhood
// costs hops × first for the walk plus first times the fields of each node
// and edge. The list of all documents, which takes no first, costs the
// number of documents stored times its children. Other lists without first
// (an initiative's places, a region's members) count as one element: what
// documents state bounds them. Arguments past their limits are priced at
// the limit: the resolvers refuse them with a clearer message.
func complexity(st *graph.Store) schema.ComplexityRoot {
	var c schema.ComplexityRoot

	evidence := func(child int, first *int) int { return 1 + times(child, first, 10) }
	facts := func(child int, _ []graph.Relation, _ *graph.Direction, first *int) int {
		return 1 + times(child, first, 50)
	}
	threeEvidence := func(child int, first *int) int { return 1 + times(child, first, 3) }
	conn := func(child int, first *int, _ *string) int { return 1 + times(child, first, 50) }

	c.Initiative.Evidence, c.Initiative.Facts = evidence, facts
	c.Place.Evidence, c.Place.Facts = evidence, facts
	c.Body.Evidence, c.Body.Facts = evidence, facts
	c.Programme.Evidence, c.Programme.Facts = evidence, facts
	c.Target.Evidence, c.Target.Facts = evidence, facts
	c.Document.Evidence, c.Document.Facts = evidence, facts

	c.Place.Initiatives = conn
	c.Programme.Initiatives = conn
	c.Body.Initiatives = func(child int, _ *graph.Relation, first *int, after *string) int { return conn(child, first, after) }

	c.Query.Initiatives = func(child int, _ *graph.InitiativeFilter, first *int, after *string) int {
		return conn(child, first, after)
	}
	c.Query.Places = func(child int, _ *graph.PlaceFilter, first *int, after *string) int { return conn(child, first, after) }
	c.Query.Bodies = func(child int, _ *graph.BodyFilter, first *int, after *string) int { return conn(child, first, after) }
	c.Query.Programmes = func(child int, _ *graph.ProgrammeFilter, first *int, after *string) int {
		return conn(child, first, after)
	}
	c.Query.Targets = func(child int, _ *graph.TargetFilter, first *int, after *string) int {
		return conn(child, first, after)
	}
	c.Query.Search = func(child int, _ string, _ []graph.Kind, first *int) int { return 1 + times(child, first, 20) }
	c.Query.Connect = func(child int, _, _ string, _ []graph.Kind, _ *bool) int { return 1 + 20*child }
	c.Query.Connections = func(child int, _, _ string, _ []graph.Kind, _ *bool, first *int) int {
		return 1 + times(child, first, 50)
	}
	c.Query.Changes = func(child int, _, _, _ *string, _, _ int, first *int, _ *string) int {
		return 1 + times(child, first, 100)
	}
	c.Query.Dependencies = func(child int, _, _, _ *string, first *int) int { return 1 + times(child, first, 50) }
	c.Dependency.AEvidence, c.Dependency.BEvidence = threeEvidence, threeEvidence
	c.Query.Paths = func(child int, _, _ string, maxHops, first *int, _ []graph.Relation) int {
		hops := clamp(maxHops, 4, maxPathHops)
		return 1 + hops*times(child, first, 5)
	}
	c.Query.Neighbourhood = func(child int, _ string, hops *int, _ []graph.Relation, first *int) int {
		// child is the cost of one node and one edge (Subgraph's lists
		// are priced per element below).
		n := clamp(first, 200, maxNeighbourhood)
		return 1 + clamp(hops, 1, maxNeighbourhoodHops)*n + n*child
	}
	c.Subgraph.Nodes = func(child int) int { return 1 + child }
	c.Subgraph.Edges = func(child int) int { return 1 + child }
	c.Query.Documents = func(child int) int {
		return 1 + max(1, len(st.Index().NodesOfKind(graph.KindDocument)))*child
	}
	return c
}

// times returns child × first, first defaulting to def and capped at maxPage.
func times(child int, first *int, def int) int {
	return child * clamp(first, def, maxPage)
}

func clamp(n *int, def, limit int) int {
	switch {
	case n == nil:
		return def
	case *n < 0:
		return 0
	case *n > limit:
		return limit
	}
	return *n
}
