package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

// queryStore returns the path of a bbolt store holding one small document.
func queryStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graph.db")
	st, err := graph.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	doc := "document/q"
	g := &graph.DocumentGraph{
		Document: graph.Document{ID: doc, Title: "测试", Year: 2022, Hash: "q"},
		Entities: []graph.Entity{
			{ID: "place/510100", Kind: graph.KindPlace, Name: "成都", Aliases: []string{"成都市", "蓉"}, Pinyin: "Chengdu", Level: graph.LevelPrefecture},
			{ID: "place/512000", Kind: graph.KindPlace, Name: "资阳", Pinyin: "Ziyang", Level: graph.LevelPrefecture},
			{ID: "initiative/成资市域铁路", Kind: graph.KindInitiative, Name: "成资市域(郊)铁路", Category: graph.CategoryRail},
		},
		Facts: []graph.Fact{
			{From: "initiative/成资市域铁路", To: "place/510100", Relation: graph.RelConnects, Evidence: graph.Evidence{Document: doc, Sentence: 1, Text: "加快建设成资市域(郊)铁路。"}},
			{From: "initiative/成资市域铁路", To: "place/512000", Relation: graph.RelConnects, Evidence: graph.Evidence{Document: doc, Sentence: 1, Text: "加快建设成资市域(郊)铁路。"}},
		},
	}
	if _, err := st.WriteDocument(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

type queryResult struct {
	code   int
	stdout string
	stderr string
	resp   struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
}

func runMain(t *testing.T, in string, args ...string) queryResult {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(in)
	defer func() { stdin = old }()
	var out, errOut bytes.Buffer
	r := queryResult{code: Main(context.Background(), args, &out, &errOut), stdout: out.String(), stderr: errOut.String()}
	if args[0] == "query" && (r.code == 0 || out.Len() > 0) {
		if err := json.Unmarshal(out.Bytes(), &r.resp); err != nil {
			t.Fatalf("%v: stdout is not JSON (%v): %s", args, err, out.String())
		}
	}
	return r
}

func TestQueryCommand(t *testing.T) {
	db := queryStore(t)
	connect := `{ connect(a: "Chengdu", b: "Ziyang") { name } }`
	for _, tc := range []struct {
		name string
		in   string
		args []string
		want string // in data
		code string // error code, when the response has errors (exit status 1)
	}{
		{"the query as an argument", "", []string{"query", "--db", db, connect}, "成资市域(郊)铁路", ""},
		{"flags after the query", "", []string{"query", `query($a: String!) { resolve(name: $a) { id } }`, "--db", db, "--vars", `{"a": "蓉"}`}, "place/510100", ""},
		{"an Int variable", "", []string{"query", "--db", db, `query($n: Int) { initiatives(first: $n) { nodes { id } } }`, "--vars", `{"n": 1}`}, "initiative/成资市域铁路", ""},
		{"the query on standard input", connect, []string{"query", "--db", db}, "成资市域(郊)铁路", ""},
		{"the query on standard input as -", connect, []string{"query", "--db", db, "-"}, "成资市域(郊)铁路", ""},
		{"GraphQL errors are part of the answer, and fail the command", "", []string{"query", "--db", db, `{ resolve(name: "亚特兰蒂斯") { id } }`}, "", "NOT_FOUND"},
		{"limits apply in process", "", []string{"query", "--db", db, `{ initiatives(first: 10000) { totalCount } }`}, "", "LIMIT_EXCEEDED"},
		{"a malformed query", "", []string{"query", "--db", db, `{ connect(`}, "", "INVALID_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runMain(t, tc.in, tc.args...)
			switch {
			case tc.code == "" && r.code != 0:
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			case tc.code != "" && (r.code != 1 || !strings.HasPrefix(r.stderr, "policygraph: "+tc.code+": ")):
				t.Errorf("exit %d, stderr %q; want exit 1 and the error on stderr as policygraph: %s: …", r.code, r.stderr, tc.code)
			}
			data, _ := json.Marshal(r.resp.Data)
			if tc.want != "" && !strings.Contains(string(data), tc.want) {
				t.Errorf("data %s lacks %s", data, tc.want)
			}
			switch {
			case tc.code == "" && len(r.resp.Errors) > 0:
				t.Errorf("errors: %+v", r.resp.Errors)
			case tc.code != "" && (len(r.resp.Errors) == 0 || r.resp.Errors[0].Extensions["code"] != tc.code):
				t.Errorf("errors %+v, want %s", r.resp.Errors, tc.code)
			}
		})
	}

	// The store is closed when the command returns: it opens again at once.
	st, err := graph.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("reopen after query: %v", err)
	}
	st.Close()
}

func TestQueryCommandFailures(t *testing.T) {
	db := queryStore(t)
	for _, tc := range []struct {
		name   string
		in     string
		args   []string
		code   int
		stderr string
	}{
		{"variables that are not JSON", "", []string{"query", "--db", db, "{ documents { id } }", "--vars", "{"}, 2, "policygraph query"},
		{"two queries", "", []string{"query", "--db", db, "{ documents { id } }", "{ documents { id } }"}, 2, "policygraph query"},
		{"no query at all", "  ", []string{"query", "--db", db}, 2, "policygraph query"},
		{"a store that cannot be opened", "", []string{"query", "--db", "postgres://nowhere/db", "{ documents { id } }"}, 1, "open store"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runMain(t, tc.in, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}
}
