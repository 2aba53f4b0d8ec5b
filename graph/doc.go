// Package graph is policygraph's knowledge graph: the domain types (initiatives,
// places, bodies, programmes, targets, documents and the evidence behind every
// fact), the Store that keeps them in Cayley, the in-memory adjacency index the
// Store keeps in step with every committed write, and the graph algorithms that
// walk that index.
//
// It is the only package that imports Cayley. It knows nothing of GraphQL,
// HTTP or how documents are parsed: loaders produce a DocumentGraph, the Store
// writes it whole or not at all, and resolvers read it back.
package graph
