package resolvers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// FuzzGraphQL sends arbitrary query strings, and arbitrary request bodies,
// through the HTTP handler over the fixture: the answer is never a 5xx or a
// panic, always JSON with data or errors, and no error is INTERNAL. go test
// runs it over the seeds and testdata/fuzz/FuzzGraphQL; to fuzz:
//
//	go test ./resolvers -run '^$' -fuzz '^FuzzGraphQL$' -fuzztime 60s
func FuzzGraphQL(f *testing.F) {
	for _, q := range []string{
		`{ node(id: "place/510100") { id name kind ... on Place { parent { name } initiatives(first: 3) { totalCount nodes { name stage } } } } }`,
		`{ connect(a: "成都", b: "资阳") { name stage places { name } } }`,
		`{ paths(from: "成都", to: "资阳", maxHops: 3) { length edges { relation } } }`,
		`{ neighbourhood(of: "成都", hops: 2) { truncated } }`,
		`{ search(text: "铁路") { name } }`,
		`{ resolve(name: "蓉") { id } documents { id sections { number } } }`,
		`{ initiatives(first: 2, after: "YWJj") { nodes { id } pageInfo { endCursor } } }`,
		`query Q($n: String!) { resolve(name: $n) { id } }`,
		`mutation { removeDocument(id: "document/成都市2022年政府工作报告") }`,
		`mutation { loadDocument(text: "加快建设成资市域(郊)铁路", meta: {name: "x.txt"}) { document } }`,
		`subscription { x }`,
		`{ __schema { types { name } } }`,
		`{ a: __typename ...F } fragment F on Query { ...F }`,
		`{ node(id: "` + strings.Repeat("a", 300) + `") { id } }`,
		`{ initiatives(first: 10000) { totalCount } }`,
		`{ ` + strings.Repeat("node(id: \"x\") { ... on Place { parent { ", 20),
		`{ initiatives(filter: {place: "成都", stage: ONGOING, category: RAIL}) { totalCount } }`,
		`query { node(id: 1) }`,
		"{\x00}",
		"",
	} {
		f.Add(q, false)
	}
	for _, body := range []string{
		`{"query": "{ documents { id } }", "variables": {"a": [1, {"b": null}]}}`,
		`[{"query": "{ documents { id } }"}, {"query": "{ __typename }"}]`,
		`{"query": 1}`,
		`{"query": "query($a: Int!) { initiatives(first: $a) { totalCount } }", "variables": {"a": 1e300}}`,
		`{"query": "{ documents { id } }", "operationName": "nope"}`,
		`null`,
		`"string"`,
		`{"query": "{ documents { id } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}`,
	} {
		f.Add(body, true)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, s string, raw bool) {
		body := s
		if !raw {
			b, _ := json.Marshal(map[string]string{"query": s})
			body = string(b)
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		checkAnswer(t, h, req)
		if !raw && len(s) < 2000 {
			checkAnswer(t, h, httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(s), nil))
		}
	})
}

var (
	fuzzOnce    sync.Once
	fuzzHandled http.Handler
)

// fuzzHandler is one server over the fixture for every fuzz input (and
// every fuzz worker process builds its own).
func fuzzHandler(tb testing.TB) http.Handler {
	fuzzOnce.Do(func() {
		ctx := context.Background()
		st, err := graph.Open(ctx, "memory")
		if err != nil {
			tb.Fatal(err)
		}
		for _, g := range []*graph.DocumentGraph{chengduReport(), ziyangReport()} {
			if _, err := st.WriteDocument(ctx, g); err != nil {
				tb.Fatal(err)
			}
		}
		// With a token, so that writes get as far as their checks; the
		// fuzzer never sends it.
		fuzzHandled = resolvers.NewServer(st, resolvers.Options{Token: "t", Introspection: true, Load: fakeLoad(st)}).Handler()
	})
	return fuzzHandled
}

func checkAnswer(t *testing.T, h http.Handler, req *http.Request) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req) // a panic here fails the fuzz input
	if rec.Code >= 500 {
		t.Fatalf("%s %.200s: status %d: %.300s", req.Method, req.URL, rec.Code, rec.Body.String())
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("status %d: answer is not JSON (%v): %.300s", rec.Code, err, rec.Body.String())
	}
	if len(r.Data) == 0 && len(r.Errors) == 0 {
		t.Fatalf("status %d: answer has neither data nor errors: %.300s", rec.Code, rec.Body.String())
	}
	for _, e := range r.Errors {
		if code, _ := e.Extensions["code"].(string); code == "" || code == "INTERNAL" {
			t.Fatalf("status %d: error with code %q: %s", rec.Code, code, e.Message)
		}
	}
}
