package resolvers

import (
	"context"

	"github.com/policygraph/policygraph/graph"
)

// shortestPaths answers Query.paths up to the paths: the arguments checked,
// the names found, and the first shortest paths between any node from may
// mean and any node to may mean. Paths reads the nodes' entities after it
// when they are asked for; the plain path (plain.go) writes their names from
// the index instead.
func (r *Resolver) shortestPaths(ctx context.Context, from, to string, maxHops, first *int, relations []graph.Relation) ([]graph.Path, error) {
	hops, err := hopCount("maxHops", maxHops, 4, maxPathHops)
	if err != nil {
		return nil, err
	}
	n, err := pageSize("first", first, 5, maxPaths)
	if err != nil {
		return nil, err
	}
	froms, err := r.find("from", from)
	if err != nil {
		return nil, err
	}
	tos, err := r.find("to", to)
	if err != nil {
		return nil, err
	}
	var best []graph.Path
	for _, f := range froms {
		for _, t := range tos {
			ps, err := graph.ShortestPaths(ctx, r.store.Index(), f, t, hops, n, relations)
			if err != nil {
				return nil, err
			}
			switch {
			case len(ps) == 0:
			case len(best) == 0 || ps[0].Length() < best[0].Length():
				best = ps
			case ps[0].Length() == best[0].Length():
				best = append(best, ps...)
			}
		}
	}
	return best[:min(n, len(best))], nil
}
