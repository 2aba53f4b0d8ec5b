package resolvers

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/policygraph/policygraph/graph"
)

// batchWait is how long a loader waits for more keys before it reads. The
// elements of a list resolve concurrently and ask within a millisecond of
// each other; the wait covers that with some room for a busy machine, and is
// paid once per level of nesting below the top-level field by the loaders
// that read (top-level lists read at once, and entities the store has cached
// are served at once: see Resolver.entities).
const batchWait = 10 * time.Millisecond

// batch holds the per-request loaders that turn the look-ups of many
// resolvers into one Store call per kind of look-up: a query that lists 50
// initiatives with their places and evidence reads the store as often as one
// that lists 5.
type batch struct {
	entities  *dataloadgen.Loader[string, *graph.Entity]
	facts     *dataloadgen.Loader[string, *graph.Fact]
	mentions  *dataloadgen.Loader[string, []graph.Mention]
	documents *dataloadgen.Loader[string, *graph.Document]
}

type batchKey struct{}

func newBatch(st *graph.Store) *batch {
	opt := dataloadgen.WithWait(batchWait)
	return &batch{
		entities: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*graph.Entity, []error) {
			ents, err := st.Entities(ctx, ids)
			return ents, oneError(err)
		}, opt),
		facts: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*graph.Fact, []error) {
			facts, err := st.Facts(ctx, ids)
			return facts, oneError(err)
		}, opt),
		mentions: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([][]graph.Mention, []error) {
			ms, err := st.Mentions(ctx, ids)
			return ms, oneError(err)
		}, opt),
		// Documents are few and read whole: the first look-up reads them all.
		documents: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*graph.Document, []error) {
			docs, err := st.Documents(ctx)
			if err != nil {
				return nil, oneError(err)
			}
			byID := make(map[string]*graph.Document, len(docs))
			for i := range docs {
				byID[docs[i].ID] = &docs[i]
			}
			out := make([]*graph.Document, len(ids))
			for i, id := range ids {
				out[i] = byID[id]
			}
			return out, nil
		}, opt),
	}
}

func oneError(err error) []error {
	if err == nil {
		return nil
	}
	return []error{err}
}

// withBatch returns ctx with a fresh set of loaders over st.
func withBatch(ctx context.Context, st *graph.Store) context.Context {
	return context.WithValue(ctx, batchKey{}, newBatch(st))
}

// batchOf returns the loaders of the request ctx belongs to.
func (r *Resolver) batchOf(ctx context.Context) *batch {
	if b, ok := ctx.Value(batchKey{}).(*batch); ok {
		return b
	}
	return newBatch(r.store) // outside a request: no batching across calls
}
