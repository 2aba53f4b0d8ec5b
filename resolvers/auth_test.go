package resolvers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

const token = "s3cret-token"

// fakeLoad is a LoadFunc that needs no extraction: each non-empty line of
// the text becomes an initiative located in 成都. A text containing "BAD"
// is refused as a loader refuses an unreadable document.
func fakeLoad(st *graph.Store) resolvers.LoadFunc {
	return func(ctx context.Context, name string, raw []byte, m resolvers.DocumentMeta) (resolvers.LoadReport, error) {
		if bytes.Contains(raw, []byte("BAD")) {
			return resolvers.LoadReport{}, &resolvers.Error{Code: resolvers.CodeInvalidInput, Message: name + ": binary data, not text"}
		}
		g := lineGraph(name, m.Title, string(raw))
		res, err := st.WriteDocument(ctx, g)
		if err != nil {
			return resolvers.LoadReport{}, err
		}
		return resolvers.LoadReport{Document: g.Document.ID, Unchanged: res.Unchanged, Replaced: res.Replaced,
			Quads: res.QuadsAdded, Facts: len(g.Facts), Counts: map[graph.Kind]int{graph.KindInitiative: len(g.Entities) - len(places())}}, nil
	}
}

// lineGraph is the document graph fakeLoad writes: one initiative per line.
func lineGraph(name, title, text string) *graph.DocumentGraph {
	base := strings.TrimSuffix(path.Base(name), path.Ext(name))
	sum := sha256.Sum256([]byte(text))
	if title == "" {
		title = base
	}
	g := &graph.DocumentGraph{Document: graph.Document{ID: "document/" + base, Title: title, Year: 2023,
		Source: name, Hash: hex.EncodeToString(sum[:]), Chars: len([]rune(text))}}
	g.Entities = places()
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		id := "initiative/" + line
		g.Entities = append(g.Entities, graph.Entity{ID: id, Kind: graph.KindInitiative, Name: line, Category: graph.CategoryAction})
		g.Facts = append(g.Facts, graph.Fact{From: id, To: chengdu, Relation: graph.RelLocatedIn,
			Evidence: graph.Evidence{Document: g.Document.ID, Sentence: i, Text: line}})
		g.Mentions = append(g.Mentions, graph.Mention{Entity: id, Stage: graph.StageOngoing, Year: 2023,
			Evidence: graph.Evidence{Document: g.Document.ID, Sentence: i, Text: line}})
	}
	return g
}

func writeEnv(t *testing.T, opts resolvers.Options) *env {
	t.Helper()
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, g := range []*graph.DocumentGraph{chengduReport(), ziyangReport()} {
		if _, err := st.WriteDocument(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	if opts.Load == nil {
		opts.Load = fakeLoad(st)
	}
	if opts.Protected == nil {
		opts.Protected = []string{docZY}
	}
	srv := httptest.NewServer(resolvers.NewServer(st, opts).Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv}
}

// call sends one request with headers and decodes a JSON answer.
func (e *env) call(method, path string, body []byte, headers ...string) (response, http.Header) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r response
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r); err != nil {
			e.t.Fatalf("%s %s: not JSON (%v): %.300s", method, path, err, raw)
		}
		if r.Data == nil && r.Errors == nil {
			r.Data = raw // POST /documents answers the report itself
		}
	}
	r.status = res.StatusCode
	return r, res.Header
}

func gqlBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// gqlOperation is the body of a request for one operation of query.
func gqlOperation(query, name string) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "operationName": name})
	return b
}

const loadMutation = `mutation($text: String!, $name: String) {
  loadDocument(text: $text, meta: {name: $name, year: 2023}) {
    document unchanged replaced facts entities { kind count } stored { id title chars }
  }
}`

// A write that takes longer than the query time limit is answered with what
// it wrote, before the connection's write deadline (serve sets it to the
// time limit + 10 s): it was answered TIMEOUT, or not at all, though the
// document was stored (issue 16, case 2, through loadDocument).
func TestSlowWriteIsAnswered(t *testing.T) {
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const limit = 200 * time.Millisecond
	load := fakeLoad(st)
	slowLoad := func(ctx context.Context, name string, raw []byte, m resolvers.DocumentMeta) (resolvers.LoadReport, error) {
		time.Sleep(3 * limit)
		if err := ctx.Err(); err != nil {
			return resolvers.LoadReport{}, err
		}
		return load(ctx, name, raw, m)
	}
	srv := httptest.NewUnstartedServer(resolvers.NewServer(st, resolvers.Options{Token: token, Load: slowLoad,
		Limits: resolvers.Limits{Timeout: limit}}).Handler())
	srv.Config.WriteTimeout = 2 * limit // as serve's, scaled down
	srv.Start()
	t.Cleanup(srv.Close)
	e := &env{t: t, st: st, srv: srv}
	r, _ := e.call(http.MethodPost, "/graphql", gqlBody(loadMutation, map[string]any{"text": "天府新项目", "name": "slow.txt"}),
		"Content-Type", "application/json", "Authorization", "Bearer "+token)
	if r.status != http.StatusOK || len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"document":"document/slow"`) {
		t.Errorf("a write slower than the time limit: %d %s %+v, want its report", r.status, r.Data, r.Errors)
	}
	// Queries keep their limit.
	if r, _ := e.call(http.MethodPost, "/graphql", gqlBody(`{ documents { id } }`, nil), "Content-Type", "application/json"); r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("a query after the slow write: %d %+v", r.status, r.Errors)
	}
	// One write per request: each may take an upload's time.
	before, _ := st.Stats(ctx)
	for _, q := range []string{
		`mutation { a: loadDocument(text: "天府新项目", meta: {name: "a.txt"}) { document } b: loadDocument(text: "天府新项目", meta: {name: "b.txt"}) { document } }`,
		`mutation { ...W ... on Mutation { removeDocument(id: "document/slow") } } fragment W on Mutation { loadDocument(text: "天府新项目", meta: {name: "a.txt"}) { document } }`,
	} {
		r, _ := e.call(http.MethodPost, "/graphql", gqlBody(q, nil), "Content-Type", "application/json", "Authorization", "Bearer "+token)
		if got := r.codes(); r.status != http.StatusUnprocessableEntity || len(got) != 1 || got[0] != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, "2 writes") {
			t.Errorf("%s: %d %+v, want 422 LIMIT_EXCEEDED", q, r.status, r.Errors)
		}
	}
	if after, _ := st.Stats(ctx); !reflect.DeepEqual(after, before) {
		t.Errorf("Stats after the refused mutations: %+v, want %+v", after, before)
	}
	r, _ = e.call(http.MethodPost, "/graphql", gqlBody(`mutation { __typename removeDocument(id: "document/slow") }`, nil), "Content-Type", "application/json", "Authorization", "Bearer "+token)
	if len(r.Errors) > 0 {
		t.Errorf("one write beside __typename: %+v", r.Errors)
	}
}

func TestWritesAreOffWithoutAToken(t *testing.T) {
	e := writeEnv(t, resolvers.Options{})
	r, _ := e.call(http.MethodPost, "/graphql", gqlBody(loadMutation, map[string]any{"text": "新项目", "name": "x.txt"}),
		"Content-Type", "application/json", "Authorization", "Bearer anything")
	if got := r.codes(); r.status != http.StatusForbidden || len(got) != 1 || got[0] != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "POLICYGRAPH_TOKEN") {
		t.Errorf("loadDocument without a server token: %d %+v, want 403 FORBIDDEN", r.status, r.Errors)
	}
	r, _ = e.call(http.MethodPost, "/documents?name=x.txt", []byte("新项目"))
	if r.status != http.StatusForbidden || r.codes()[0] != "FORBIDDEN" {
		t.Errorf("POST /documents without a server token: %d %+v", r.status, r.Errors)
	}
	e.healthy()
}

func TestWritesNeedTheToken(t *testing.T) {
	e := writeEnv(t, resolvers.Options{Token: token})
	vars := map[string]any{"text": "天府新项目\n东部新城项目", "name": "成都市2023年报告.txt"}
	json := "application/json"

	// No token: HTTP 401 UNAUTHENTICATED as the README's table says,
	// nothing written, whichever operation of the document is the
	// mutation; reads need none.
	r, hdr := e.call(http.MethodPost, "/graphql", gqlBody(loadMutation, vars), "Content-Type", json)
	if got := r.codes(); r.status != http.StatusUnauthorized || len(got) != 1 || got[0] != "UNAUTHENTICATED" || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no token: %d %+v, want 401 UNAUTHENTICATED", r.status, r.Errors)
	}
	const two = `query Q { documents { id } } mutation M { removeDocument(id: "document/x") }`
	if r, _ := e.call(http.MethodPost, "/graphql", gqlOperation(two, "M"), "Content-Type", json); r.status != http.StatusUnauthorized {
		t.Errorf("the mutation of two operations, without a token: %d %+v, want 401", r.status, r.Errors)
	}
	if r, _ := e.call(http.MethodPost, "/graphql", gqlOperation(two, "Q"), "Content-Type", json); r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("the query of two operations, without a token: %d %+v, want 200", r.status, r.Errors)
	}
	e.healthy()
	// A wrong token is refused before anything runs, reads included.
	for _, h := range []string{"Bearer wrong", "Basic " + token, "Bearer"} {
		r, hdr := e.call(http.MethodPost, "/graphql", gqlBody(`{ documents { id } }`, nil), "Content-Type", json, "Authorization", h)
		if r.status != http.StatusUnauthorized || r.codes()[0] != "UNAUTHENTICATED" || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("Authorization %q: %d %+v %q", h, r.status, r.Errors, hdr.Get("WWW-Authenticate"))
		}
	}
	// GET never writes.
	r, _ = e.call(http.MethodGet, "/graphql?query="+strings.ReplaceAll(`mutation{removeDocument(id:"x")}`, " ", ""), nil, "Authorization", "Bearer "+token)
	if len(r.Errors) == 0 {
		t.Errorf("mutation over GET: no error")
	}

	auth := []string{"Content-Type", json, "Authorization", "Bearer " + token}
	var d struct {
		LoadDocument struct {
			Document, Stored    any
			Unchanged, Replaced bool
			Facts               int
			Entities            []struct {
				Kind  string
				Count int
			}
		}
	}
	load := func(vars map[string]any) {
		t.Helper()
		r, _ := e.call(http.MethodPost, "/graphql", gqlBody(loadMutation, vars), auth...)
		if len(r.Errors) > 0 {
			t.Fatalf("loadDocument: %+v", r.Errors)
		}
		d.LoadDocument.Stored = nil
		if err := jsonUnmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
	}
	load(vars)
	ld := d.LoadDocument
	if ld.Document != "document/成都市2023年报告" || ld.Unchanged || ld.Replaced || ld.Facts != 2 ||
		len(ld.Entities) != 1 || ld.Entities[0].Count != 2 || ld.Stored == nil {
		t.Errorf("first load: %+v", ld)
	}
	var q struct{ Resolve []named }
	e.data(`{ resolve(name: "天府新项目") { name } }`, nil, &q)
	if len(q.Resolve) != 1 {
		t.Errorf("the loaded initiative is not readable: %+v", q)
	}
	load(vars)
	if !d.LoadDocument.Unchanged {
		t.Errorf("second load of the same text: %+v", d.LoadDocument)
	}
	vars["text"] = "天府新项目"
	load(vars)
	if !d.LoadDocument.Replaced {
		t.Errorf("load of changed text: %+v", d.LoadDocument)
	}

	for _, tc := range []struct{ query, code string }{
		{`mutation { loadDocument(text: "项目") { document } }`, "INVALID_INPUT"},                         // no name
		{`mutation { loadDocument(text: "  ", meta: {name: "a.txt"}) { document } }`, "INVALID_INPUT"},  // empty
		{`mutation { loadDocument(text: "BAD", meta: {name: "a.txt"}) { document } }`, "INVALID_INPUT"}, // the loader refuses
		{`mutation { loadDocument(text: "项目", meta: {name: "a.txt", year: 12}) { document } }`, "INVALID_INPUT"},
		{`mutation { removeDocument(id: "place/510100") }`, "INVALID_INPUT"},
		{`mutation { removeDocument(id: "document/nothing") }`, "NOT_FOUND"}, // the message says which, without input:1:12:
		{`mutation { removeDocument(id: "` + docZY + `") }`, "FORBIDDEN"},    // protected
	} {
		r, _ := e.call(http.MethodPost, "/graphql", gqlBody(tc.query, nil), auth...)
		if got := r.codes(); len(got) != 1 || got[0] != tc.code {
			t.Errorf("%s: codes %v %+v, want %s", tc.query, got, r.Errors, tc.code)
		} else if strings.HasPrefix(r.Errors[0].Message, "input:") {
			t.Errorf("%s: message %q starts with the query's position", tc.query, r.Errors[0].Message)
		}
	}

	before, _ := e.st.Stats(context.Background())
	r, _ = e.call(http.MethodPost, "/graphql", gqlBody(`mutation { removeDocument(id: "document/成都市2023年报告") }`, nil), auth...)
	if len(r.Errors) > 0 || string(r.Data) != `{"removeDocument":true}` {
		t.Errorf("removeDocument: %s %+v", r.Data, r.Errors)
	}
	after, _ := e.st.Stats(context.Background())
	if after.Documents != before.Documents-1 {
		t.Errorf("documents %d -> %d, want one fewer", before.Documents, after.Documents)
	}
	e.healthy()
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func TestPostDocuments(t *testing.T) {
	e := writeEnv(t, resolvers.Options{Token: token, Limits: resolvers.Limits{MaxDocumentBytes: 1000}})
	bearer := []string{"Authorization", "Bearer " + token}

	r, hdr := e.call(http.MethodPost, "/documents?name=raw.txt", []byte("项目"))
	if r.status != http.StatusUnauthorized || r.codes()[0] != "UNAUTHENTICATED" || hdr.Get("WWW-Authenticate") != "" {
		t.Errorf("no token: %d %+v", r.status, r.Errors)
	}

	// Raw body with ?name=: 201 when new, 200 when replaced.
	r, _ = e.call(http.MethodPost, "/documents?name=raw.txt&title=原始&year=2023", []byte("甲项目\n乙项目"), bearer...)
	var rep resolvers.LoadReport
	if r.status != http.StatusCreated || json.Unmarshal(r.Data, &rep) != nil || rep.Document != "document/raw" || rep.Facts != 2 {
		t.Errorf("raw upload: %d %s %+v", r.status, r.Data, r.Errors)
	}
	r, _ = e.call(http.MethodPost, "/documents?name=raw.txt", []byte("甲项目"), bearer...)
	if r.status != http.StatusOK || json.Unmarshal(r.Data, &rep) != nil || !rep.Replaced {
		t.Errorf("raw upload again: %d %s %+v", r.status, r.Data, r.Errors)
	}

	// Multipart: the file part's name is the document's unless a name field says otherwise.
	upload := func(filename, text string, fields ...string) (response, http.Header) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for i := 0; i+1 < len(fields); i += 2 {
			mw.WriteField(fields[i], fields[i+1])
		}
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write([]byte(text))
		mw.Close()
		return e.call(http.MethodPost, "/documents", buf.Bytes(), append([]string{"Content-Type", mw.FormDataContentType()}, bearer...)...)
	}
	r, _ = upload("资阳2023.txt", "丙项目", "year", "2023", "place", "资阳")
	if r.status != http.StatusCreated || json.Unmarshal(r.Data, &rep) != nil || rep.Document != "document/资阳2023" {
		t.Errorf("multipart upload: %d %s %+v", r.status, r.Data, r.Errors)
	}
	r, _ = upload("ignored.txt", "丁项目", "name", "renamed.txt")
	if r.status != http.StatusCreated || json.Unmarshal(r.Data, &rep) != nil || rep.Document != "document/renamed" {
		t.Errorf("multipart upload with a name field: %d %s %+v", r.status, r.Data, r.Errors)
	}

	before, _ := e.st.Stats(context.Background())
	for _, tc := range []struct {
		name   string
		do     func() (response, http.Header)
		status int
		code   string
	}{
		{"too big", func() (response, http.Header) {
			return e.call(http.MethodPost, "/documents?name=big.txt", bytes.Repeat([]byte("项"), 400), bearer...)
		}, http.StatusRequestEntityTooLarge, "LIMIT_EXCEEDED"},
		{"too big, multipart", func() (response, http.Header) { return upload("big.txt", strings.Repeat("项", 400)) },
			http.StatusRequestEntityTooLarge, "LIMIT_EXCEEDED"},
		{"no name", func() (response, http.Header) {
			return e.call(http.MethodPost, "/documents", []byte("项目"), bearer...)
		}, http.StatusUnprocessableEntity, "INVALID_INPUT"},
		{"bad year", func() (response, http.Header) {
			return e.call(http.MethodPost, "/documents?name=a.txt&year=soon", []byte("项目"), bearer...)
		}, http.StatusBadRequest, "INVALID_INPUT"},
		{"no file part", func() (response, http.Header) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("title", "x")
			mw.Close()
			return e.call(http.MethodPost, "/documents", buf.Bytes(), append([]string{"Content-Type", mw.FormDataContentType()}, bearer...)...)
		}, http.StatusBadRequest, "INVALID_INPUT"},
		{"the loader refuses", func() (response, http.Header) {
			return e.call(http.MethodPost, "/documents?name=bad.txt", []byte("BAD"), bearer...)
		}, http.StatusUnprocessableEntity, "INVALID_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := tc.do()
			if r.status != tc.status || (tc.code != "" && (len(r.Errors) != 1 || r.codes()[0] != tc.code)) {
				t.Errorf("%d %+v, want %d %s", r.status, r.Errors, tc.status, tc.code)
			}
		})
	}
	after, _ := e.st.Stats(context.Background())
	if before.Quads != after.Quads {
		t.Errorf("refused uploads changed the store: %d quads -> %d", before.Quads, after.Quads)
	}
	e.healthy()
}

func TestCORS(t *testing.T) {
	e := writeEnv(t, resolvers.Options{Token: token, CORSOrigins: []string{"https://explorer.example.org/"}})
	preflight := func(origin string) (response, http.Header) {
		return e.call(http.MethodOptions, "/graphql", nil, "Origin", origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
	}
	r, h := preflight("https://explorer.example.org")
	if r.status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "https://explorer.example.org" ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("allowed preflight: %d %v", r.status, h)
	}
	r, h = preflight("https://evil.example.com")
	if r.status != http.StatusForbidden || r.codes()[0] != "FORBIDDEN" || h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("refused preflight: %d %+v %v", r.status, r.Errors, h)
	}
	// Simple requests: the allowed origin may read the answer, others get no CORS headers.
	q := gqlBody(`{ documents { id } }`, nil)
	_, h = e.call(http.MethodPost, "/graphql", q, "Content-Type", "application/json", "Origin", "https://explorer.example.org")
	if h.Get("Access-Control-Allow-Origin") != "https://explorer.example.org" || !strings.Contains(h.Get("Vary"), "Origin") {
		t.Errorf("allowed origin: %v", h)
	}
	r, h = e.call(http.MethodPost, "/graphql", q, "Content-Type", "application/json", "Origin", "https://evil.example.com")
	if h.Get("Access-Control-Allow-Origin") != "" || len(r.Errors) > 0 {
		t.Errorf("other origin: %v %+v", h, r.Errors)
	}

	any := writeEnv(t, resolvers.Options{CORSOrigins: []string{"*"}})
	r, h = any.call(http.MethodOptions, "/graphql", nil, "Origin", "https://a.example", "Access-Control-Request-Method", "POST")
	if r.status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "https://a.example" {
		t.Errorf("* preflight: %d %v", r.status, h)
	}
}

func TestRateLimit(t *testing.T) {
	e := writeEnv(t, resolvers.Options{Limits: resolvers.Limits{Rate: 2, Burst: 3, LimitLoopback: true}})
	q := gqlBody(`{ documents { id } }`, nil)
	for i := range 3 {
		if r, _ := e.call(http.MethodPost, "/graphql", q, "Content-Type", "application/json"); r.status != http.StatusOK {
			t.Fatalf("request %d of a burst of 3: %d %+v", i+1, r.status, r.Errors)
		}
	}
	r, h := e.call(http.MethodPost, "/graphql", q, "Content-Type", "application/json")
	secs, err := strconv.Atoi(h.Get("Retry-After"))
	if r.status != http.StatusTooManyRequests || r.codes()[0] != "RATE_LIMITED" || err != nil || secs < 1 ||
		!strings.Contains(r.Errors[0].Message, "retry after") {
		t.Errorf("4th request: %d %+v Retry-After %q", r.status, r.Errors, h.Get("Retry-After"))
	}

	// By default loopback clients (a local reverse proxy) are not limited.
	l := writeEnv(t, resolvers.Options{Limits: resolvers.Limits{Rate: 1, Burst: 1}})
	for i := range 10 {
		if r, _ := l.call(http.MethodPost, "/graphql", q, "Content-Type", "application/json"); r.status != http.StatusOK {
			t.Fatalf("loopback request %d: %d", i+1, r.status)
		}
	}
}
