// Package resolvers answers policygraph's GraphQL schema (package schema)
// from a graph.Store, and serves it over HTTP with the limits, error codes
// and batching that keep one request from hurting the others.
//
// Resolvers are thin: they find nodes through the Store's Index, read
// attributes and evidence through per-request loaders (one Store call per
// batch), and leave walks and filters to package graph. Errors are mapped to
// codes in one place, errors.go.
package resolvers

import "github.com/policygraph/policygraph/graph"

// Resolver is the root resolver: it implements schema.ResolverRoot.
type Resolver struct {
	store     *graph.Store
	load      LoadFunc // nil: writes of documents are off
	protected []string // documents removeDocument refuses
}
