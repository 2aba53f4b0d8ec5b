package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
)

// Introspection is priced like other queries (its fields count toward
// Limits.MaxFields, and a request may ask for __schema once and __type
// twenty times; see shapeLimit), and answers to introspection-only queries
// without variables are kept: the schema does not change while the server
// runs, and GraphiQL asks the same question each time it opens.

// introspectionCacheSize is how many introspection answers are kept.
const introspectionCacheSize = 32

// cacheIntrospection returns a response middleware that answers an
// introspection-only operation from the cache when it can, and keeps the
// answers it computes.
func cacheIntrospection() graphql.ResponseMiddleware {
	cache := lru.New[*graphql.Response](introspectionCacheSize)
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		if !graphql.HasOperationContext(ctx) {
			return next(ctx)
		}
		oc := graphql.GetOperationContext(ctx)
		if len(oc.Variables) > 0 || !introspectionOnly(oc.Operation) {
			return next(ctx)
		}
		key := oc.OperationName + "\x00" + oc.RawQuery
		if r, ok := cache.Get(ctx, key); ok {
			c := *r
			return &c
		}
		r := next(ctx)
		if r != nil && len(r.Errors) == 0 && r.Data != nil {
			c := *r
			cache.Add(ctx, key, &c)
		}
		return r
	}
}

// introspectionOnly tells whether op is a query whose root fields are all
// introspection (__schema, __type, __typename), without fragments.
func introspectionOnly(op *ast.OperationDefinition) bool {
	if op == nil || op.Operation != ast.Query || len(op.SelectionSet) == 0 {
		return false
	}
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || len(f.Name) < 2 || f.Name[:2] != "__" || len(f.Directives) > 0 {
			return false
		}
	}
	return true
}
