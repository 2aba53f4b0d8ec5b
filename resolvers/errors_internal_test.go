package resolvers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/policygraph/policygraph/graph"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code Code
	}{
		{invalidf("bad"), CodeInvalidInput},
		{fmt.Errorf("wrapped: %w", limitf("big")), CodeLimitExceeded},
		{&graph.UnknownNameError{Name: "x"}, CodeNotFound},
		{fmt.Errorf("document x: %w", graph.ErrNotFound), CodeNotFound},
		{graph.ErrWalkTooLarge, CodeLimitExceeded},
		{fmt.Errorf("write x.txt: %w", &graph.ProtectedError{ID: "document/gazetteer"}), CodeForbidden},
		{fmt.Errorf("write x.txt: %w", &graph.ConflictError{ID: "document/x", Stored: "x.md", Source: "x.txt"}), CodeConflict},
		{fmt.Errorf("write x.txt: %w", &graph.TooLargeError{ID: "document/x", Quads: 9, Max: 8}), CodeLimitExceeded},
		{context.DeadlineExceeded, CodeTimeout},
		{fmt.Errorf("entities: %w", context.Canceled), CodeTimeout},
		{errors.New("disk on fire"), CodeInternal},
		{gqlerror.WrapPath(nil, errors.New("disk on fire")), CodeInternal},
	} {
		if code, msg, _ := classify(tc.err); code != tc.code || msg == "" {
			t.Errorf("classify(%v) = %s %q, want %s", tc.err, code, msg, tc.code)
		}
	}
	if _, msg, _ := classify(errors.New("secret path /etc/x")); strings.Contains(msg, "secret") {
		t.Errorf("an internal error shows its detail: %q", msg)
	}
}

// TestPanicIsInternal proves a panic in a resolver becomes an INTERNAL error,
// is logged, and leaves the server serving.
func TestPanicIsInternal(t *testing.T) {
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var logs bytes.Buffer
	s := NewServer(st, Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	boom := func(ctx context.Context, next graphql.Resolver) (any, error) {
		if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Name == "documents" {
			panic("boom")
		}
		return next(ctx)
	}
	s.http.AroundFields(boom)
	s.exec.AroundFields(boom)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	post := func(q string) graphql.Response {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"query": q})
		res, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r graphql.Response
		if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, r := range []*graphql.Response{ptr(post(`{ documents { id } }`)), s.Do(ctx, Request{Query: `{ documents { id } }`})} {
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INTERNAL" || strings.Contains(r.Errors[0].Message, "boom") {
			t.Errorf("panic: got %+v, want one INTERNAL error without the panic's text", r.Errors)
		}
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("the panic is not logged: %s", logs.String())
	}
	if r := post(`{ search(text: "x") { id } }`); len(r.Errors) != 0 {
		t.Errorf("after a panic: %+v", r.Errors)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDocumentName(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string // want "": refused
	}{
		{"a plain name is kept", "资阳市2023年政府工作报告.txt", "资阳市2023年政府工作报告.txt"},
		{"a directory is dropped", `C:\docs\report.txt`, "report.txt"},
		{"NUL is refused", "a\x00.txt", ""},
		{"a line break is refused", "a\r\nb.txt", ""},
		{"a tab is refused", "a\tb.txt", ""},
		{"a right-to-left override is refused", "report\u202etxt.exe", ""},
		{"an isolate is refused", "a\u2068b.txt", ""},
		{"a right-to-left mark is refused", "a\u200fb.txt", ""},
		{"invalid UTF-8 is refused", "\xff.txt", ""},
		{"an empty stem is refused", ".txt", ""},
		{"a stem of spaces is refused", "\u3000.md", ""},
		{"an empty name is refused", "  ", ""},
	} {
		got, err := documentName(tc.in)
		if tc.want == "" {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalidInput {
				t.Errorf("%s: documentName(%q) = %q, %v; want INVALID_INPUT", tc.name, tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: documentName(%q) = %q, %v; want %q", tc.name, tc.in, got, err, tc.want)
		}
	}
}
