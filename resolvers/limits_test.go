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
