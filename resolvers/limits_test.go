package resolvers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/policygraph/policygraph/resolvers"
)

// Hostile requests: each is refused with a stable code and a message that
// says what to change, and the server answers an ordinary query afterwards.

func TestHostileQueries(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	deep := `{ node(id: "place/510100") { ... on Place { ` + strings.Repeat("parent { ", 100) + "name" + strings.Repeat(" }", 100) + " } } }"
	var aliases, typenames strings.Builder
	aliases.WriteString("{")
	for i := range 5000 {
		fmt.Fprintf(&aliases, " a%d: documents { id }", i)
	}
	aliases.WriteString(" }")
	typenames.WriteString("{")
	for i := range 1200 {
		fmt.Fprintf(&typenames, " t%d: __typename", i)
	}
	typenames.WriteString(" }")
	nested := `{ initiatives(first: 500) { nodes { places { initiatives(first: 500) { nodes { evidence(first: 500) { text } } } } } } }`

	for _, tc := range []struct {
		name, query, code, says string
	}{
		{"100 levels of nesting", deep, "LIMIT_EXCEEDED", "deep"},
		{"5 000 aliases", aliases.String(), "LIMIT_EXCEEDED", "token limit"},
		{"1 200 aliases under the token limit", typenames.String(), "LIMIT_EXCEEDED", "fields"},
		{"maxHops 50", `{ paths(from: "成都", to: "资阳", maxHops: 50) { length } }`, "LIMIT_EXCEEDED", "maxHops may be at most 6"},
		{"first 10 000", `{ initiatives(first: 10000) { nodes { name } } }`, "LIMIT_EXCEEDED", "first may be at most 500"},
		{"first 10 000 on targets", `{ targets(first: 10000) { nodes { name } } }`, "LIMIT_EXCEEDED", "at most 500"},
		{"first 10 000 on evidence", `{ node(id: "place/510100") { evidence(first: 10000) { text } } }`, "LIMIT_EXCEEDED", "at most 500"},
		{"lists within lists", nested, "LIMIT_EXCEEDED", "complexity"},
		{"malformed query", `{ initiatives(first: ) {`, "INVALID_INPUT", "Unexpected"},
		{"unknown field", `{ initiatives { nodes { colour } } }`, "INVALID_INPUT", "colour"},
		{"wrong argument type", `{ initiatives(first: "many") { totalCount } }`, "INVALID_INPUT", "Int"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.fails(tc.query, nil, tc.code)
			if !strings.Contains(err.Message, tc.says) {
				t.Errorf("message %q does not say %q", err.Message, tc.says)
			}
			e.healthy()
		})
	}

	t.Run("bad variables", func(t *testing.T) {
		e.fails(`query($n: Int) { initiatives(first: $n) { totalCount } }`, map[string]any{"n": "many"}, "INVALID_INPUT")
		e.healthy()
	})
}

func TestBodyLimits(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	big, _ := json.Marshal(map[string]any{"query": "{ documents { id } }", "variables": map[string]any{"pad": strings.Repeat("x", 2<<20)}})
	r := e.send(http.MethodPost, "/graphql", "application/json", big)
	if r.status != http.StatusRequestEntityTooLarge || len(r.codes()) != 1 || r.codes()[0] != "LIMIT_EXCEEDED" ||
		!strings.Contains(r.Errors[0].Message, "larger than 1048576 bytes") {
		t.Errorf("2 MiB body: %d %+v", r.status, r.Errors)
	}
	e.healthy()

	// A body without Content-Length is cut off at the limit all the same.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", io.MultiReader(bytes.NewReader(big)))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB chunked body: status %d", res.StatusCode)
	}
	e.healthy()

	r = e.send(http.MethodPost, "/graphql", "text/plain", []byte("{ documents { id } }"))
	if r.status != http.StatusBadRequest || len(r.codes()) != 1 || r.codes()[0] != "INVALID_INPUT" {
		t.Errorf("text/plain body: %d %+v", r.status, r.Errors)
	}
	r = e.send(http.MethodPost, "/graphql", "application/json", []byte(`{"query": `))
	if len(r.Errors) != 1 || r.codes()[0] != "INVALID_INPUT" {
		t.Errorf("broken JSON body: %d %+v", r.status, r.Errors)
	}
	e.healthy()
}

// Walks and lists cost what the README says: a neighbourhood hops × first
// for the walk plus first times each node's and edge's fields, the list of
// documents the number stored times its fields (issue 16, case 5).
func TestComplexityOfWalksAndLists(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	var ten strings.Builder
	ten.WriteString("{")
	for i := range 10 {
		fmt.Fprintf(&ten, ` n%d: neighbourhood(of: "成都", hops: 6, first: 2000) { nodes { id } }`, i)
	}
	ten.WriteString(" }")
	start := time.Now()
	if err := e.fails(ten.String(), nil, "LIMIT_EXCEEDED"); !strings.Contains(err.Message, "complexity") {
		t.Errorf("ten neighbourhoods of 6 hops and 2000 nodes: message %q", err.Message)
	}
	if r := e.post(ten.String(), nil); r.status != http.StatusUnprocessableEntity {
		t.Errorf("ten neighbourhoods of 6 hops and 2000 nodes: HTTP %d, want 422 as for every limit", r.status)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("ten neighbourhoods refused after %v, want well under a second", took)
	}
	// One, with every field the explorer draws, still passes.
	var d struct {
		Neighbourhood struct{ Nodes []struct{ ID string } }
	}
	e.data(`{ neighbourhood(of: "成都", hops: 6, first: 2000) { truncated nodes { id label kind depth } edges { id source target relation } } }`, nil, &d)
	if len(d.Neighbourhood.Nodes) == 0 {
		t.Error("one large neighbourhood: no nodes")
	}

	// With a budget of 1 000: documents { facts(first: 500) } costs the two
	// stored documents × 501, not 501.
	small := newEnv(t, resolvers.Options{Limits: resolvers.Limits{MaxComplexity: 1000}})
	small.fails(`{ documents { facts(first: 500) { id } } }`, nil, "LIMIT_EXCEEDED")
	var docs struct{ Documents []struct{ ID string } }
	small.data(`{ documents { facts(first: 400) { id } } }`, nil, &docs)
	if len(docs.Documents) != 2 {
		t.Errorf("documents under the budget: got %d, want 2", len(docs.Documents))
	}
	// The other walk and the lists that take first, at their limits.
	for _, q := range []string{
		`{ paths(from: "成都", to: "资阳", maxHops: 6, first: 50) { nodes { id } edges { from } } a: paths(from: "成都", to: "资阳", maxHops: 6, first: 50) { nodes { id } edges { from } } }`,
		`{ search(text: "成", first: 500) { id } connections(a: "成都", b: "资阳", first: 500) { reach } dependencies(first: 500) { shared { id } } }`,
		`{ initiatives(first: 500) { nodes { id } } places(first: 500) { nodes { id } } bodies(first: 500) { nodes { id } } }`,
		`{ node(id: "place/510100") { evidence(first: 500) { text } facts(first: 500) { id } } }`,
	} {
		small.fails(q, nil, "LIMIT_EXCEEDED")
	}
}

func TestTimeout(t *testing.T) {
	e := newEnv(t, resolvers.Options{Limits: resolvers.Limits{Timeout: time.Nanosecond}})
	err := e.fails(`{ connect(a: "成都", b: "资阳") { name } }`, nil, "TIMEOUT")
	if !strings.Contains(err.Message, "ran out of time") {
		t.Errorf("message %q", err.Message)
	}
}

func TestIntrospectionSwitch(t *testing.T) {
	off := newEnv(t, resolvers.Options{Introspection: false})
	err := off.fails(`{ __schema { types { name } } }`, nil, "INVALID_INPUT")
	if !strings.Contains(err.Message, "introspection is turned off") {
		t.Errorf("message %q", err.Message)
	}
	off.healthy()
	on := newEnv(t, resolvers.Options{Introspection: true})
	// GraphiQL's own introspection query nests TypeRef seven levels deep;
	// introspection does not count against the depth limit.
	var d struct {
		Schema struct{ Types []named } `json:"__schema"`
	}
	typeRef := "kind name" + strings.Repeat(" ofType { kind name", 7) + strings.Repeat(" }", 7)
	on.data(`{ __schema { types { name fields { name type { `+typeRef+` } } } } }`, nil, &d)
	if len(d.Schema.Types) == 0 {
		t.Error("no types")
	}
}
