package resolvers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/policygraph/policygraph/resolvers"
)

// graphiqlIntrospection is the introspection query GraphiQL sends when it
// opens: one __schema, fragments, TypeRef nested seven levels.
const graphiqlIntrospection = `
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description
  type { ...TypeRef }
  defaultValue
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}`

// Introspection counts toward the selection limit and has its own: many
// aliases of __schema are refused at once, while GraphiQL's query works
// (issue 16, case 4).
func TestIntrospectionIsPriced(t *testing.T) {
	e := newEnv(t, resolvers.Options{Introspection: true})
	var d struct {
		Schema struct {
			QueryType named
			Types     []named
		} `json:"__schema"`
	}
	e.data(graphiqlIntrospection, nil, &d)
	if d.Schema.QueryType.Name != "Query" || len(d.Schema.Types) < 20 {
		t.Errorf("GraphiQL's introspection: got query type %q and %d types", d.Schema.QueryType.Name, len(d.Schema.Types))
	}
	// Asked again, it is answered from the cache, the same.
	first, again := e.post(graphiqlIntrospection, nil), e.post(graphiqlIntrospection, nil)
	if len(again.Errors) > 0 || string(again.Data) != string(first.Data) {
		t.Errorf("GraphiQL's introspection again: %v, %d bytes; want the first answer, %d bytes", again.Errors, len(again.Data), len(first.Data))
	}
	// A query that reads the graph too is not kept.
	r := e.post(`{ __typename documents { id } }`, nil)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "document/") {
		t.Errorf("introspection beside a read: %v %s", r.Errors, r.Data)
	}

	var b strings.Builder
	b.WriteString("{")
	for i := range 800 {
		fmt.Fprintf(&b, " a%d: __schema { types { name fields { name args { name } } } }", i)
	}
	b.WriteString(" }")
	for name, q := range map[string]string{
		"800 aliases of __schema": b.String(),
		"two __schema":            `{ a: __schema { queryType { name } } b: __schema { queryType { name } } }`,
		"__schema in fragments":   `{ ...F ...G } fragment F on Query { __schema { queryType { name } } } fragment G on Query { x: __schema { queryType { name } } }`,
		"21 __type":               "{" + manyTypes(21) + " }",
	} {
		start := time.Now()
		err := e.fails(q, nil, "LIMIT_EXCEEDED")
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s: refused after %v, want well under a second", name, took)
		}
		if !strings.Contains(err.Message, "__schema") && !strings.Contains(err.Message, "fields") {
			t.Errorf("%s: message %q", name, err.Message)
		}
	}
	e.healthy()
}

func manyTypes(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` t%d: __type(name: "Place") { name }`, i)
	}
	return b.String()
}
