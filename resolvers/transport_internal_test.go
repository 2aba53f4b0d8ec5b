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

// TestNeedsEscape checks the byte scan against the rune scan it replaces.
func TestNeedsEscape(t *testing.T) {
	for _, s := range []string{
		"", "成资市域(郊)铁路", "a<b", "a>b", "a&b", "行\u2028分", "行\u2029分", "\u2027\u202a", // neighbours of the two
		"\xe2\x80", "\xe2\x80\xa8", "x\xe2", "\xe2\xe2\x80\xa9", "\xff\xfe<", "€ (E2 82 AC)",
	} {
		if got, want := needsEscape([]byte(s)), bytes.ContainsAny([]byte(s), "<>&\u2028\u2029"); got != want {
			t.Errorf("needsEscape(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestWriteStringIsGqlgens checks the plain answers' string writer against
// gqlgen's MarshalString, byte for byte.
func TestWriteStringIsGqlgens(t *testing.T) {
	for _, s := range []string{
		"", "成资市域(郊)铁路", `"quoted" \ back`, "tab\tcr\rlf\n", "\x00\x01\x1f\x7f", "\xff\xfe invalid \xe2\x80",
		"行\u2028分", "<&>", "place/510100",
	} {
		var got, want bytes.Buffer
		writeString(&got, s)
		graphql.MarshalString(s).MarshalGQL(&want)
		if got.String() != want.String() {
			t.Errorf("writeString(%q) = %s, want %s", s, got.Bytes(), want.Bytes())
		}
	}
}
