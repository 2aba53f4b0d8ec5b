package resolvers

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseIsJSONMarshal proves writeResponse writes the bytes
// json.Marshal writes, for answers it writes itself and those it leaves to
// json.Marshal.
func TestWriteResponseIsJSONMarshal(t *testing.T) {
	var direct int
	defer func() {
		if direct == 0 {
			t.Error("writeResponse wrote nothing itself")
		}
	}()
	yes := true
	for _, resp := range []*graphql.Response{
		{Data: json.RawMessage(`{"connect":[{"id":"initiative/成资市域铁路","name":"成资市域(郊)铁路"}]}`)},
		{Data: json.RawMessage(`{"a":"x<y & z>w"}`)},
		{Data: json.RawMessage("{\"a\":\"line\u2028sep\"}")},
		{Data: json.RawMessage(`{"a":"\"quoted\" \\ back"}`)},
		{Data: json.RawMessage(`null`), Errors: gqlerror.List{{Message: "no <entity>", Extensions: map[string]any{"code": "NOT_FOUND"}}}},
		{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{"x": 1}},
		{Data: json.RawMessage(`{"a":1}`), HasNext: &yes},
		{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{}}, // empty: omitted
		{Data: json.RawMessage(`{"a":1}`), Path: ast.Path{}},
		{},
		nil,
	} {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if writeResponse(&got, resp) {
			direct++
		}
		if got.String() != string(want) {
			t.Errorf("got %s, want %s", got.Bytes(), want)
		}
	}
}

func TestAcceptsJSON(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                                  true,
		"*/*":                               true,
		"application/json":                  true,
		"application/json, text/plain":      true,
		"application/graphql-response+json": false,
		"application/graphql-response+json, application/json": false,
		"text/html":                false,
		"text/html, application/*": true,
	} {
		if got := acceptsJSON(accept); got != want {
			t.Errorf("acceptsJSON(%q) = %v, want %v", accept, got, want)
		}
	}
}
