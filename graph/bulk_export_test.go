package graph

import (
	"context"

	"github.com/cayleygraph/quad"
)

// Test-only access for the load benchmarks in package graph_test.

// EncodeForBench returns the quads WriteDocument would write for g into an
// empty store.
func EncodeForBench(g *DocumentGraph) ([]quad.Quad, error) {
	enc, err := encode(g)
	if err != nil {
		return nil, err
	}
	return enc.quads, nil
}

// ApplyForBench adds quads in one Cayley transaction, as WriteDocument's
// commit does, without reading, checking or indexing anything: the raw
// Cayley bulk-write path of the Store's backend.
func (s *Store) ApplyForBench(ctx context.Context, add []quad.Quad) error {
	_, err := s.commit(ctx, nil, add)
	return err
}
