package resolvers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// GET /export over the seed report. The GraphML and GEXF written here are
// checked against their schemas in package graph (export_test.go); here
// the HTTP side: content types, file names, the subgraph, errors, and the
// N-Quads round trip of the whole seed store.

type exportResponse struct {
	status      int
	contentType string
	disposition string
	body        []byte
}

func (e *env) export(query string) exportResponse {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + "/export?" + query)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return exportResponse{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), b}
}

func TestExportFormatsOverHTTP(t *testing.T) {
	e := seedEnv(t)
	for _, c := range []struct {
		format, contentType, ext string
		check                    func(t *testing.T, b []byte) (nodes int)
	}{
		{"graphml", "application/graphml+xml", ".graphml", countXML("node")},
		{"gexf", "application/gexf+xml", ".gexf", countXML("node")},
		{"cytoscape", "application/json", ".cyjs", countCytoscape},
		{"csv", "application/zip", ".zip", countCSV},
		{"nquads", "application/n-quads", ".nq", countNQuadsKinds},
	} {
		t.Run(c.format, func(t *testing.T) {
			whole := e.export("format=" + c.format)
			if whole.status != http.StatusOK {
				t.Fatalf("status %d: %s", whole.status, whole.body)
			}
			if mt, _, _ := mime.ParseMediaType(whole.contentType); mt != c.contentType {
				t.Errorf("Content-Type = %q, want %s", whole.contentType, c.contentType)
			}
			disp, params, err := mime.ParseMediaType(whole.disposition)
			if err != nil || disp != "attachment" || params["filename"] != "policygraph"+c.ext {
				t.Errorf("Content-Disposition = %q, want an attachment named policygraph%s", whole.disposition, c.ext)
			}
			all := c.check(t, whole.body)
			if all != e.st.Index().Len() {
				t.Errorf("whole graph export has %d nodes, the index %d", all, e.st.Index().Len())
			}
			sub := e.export("format=" + c.format + "&of=" + url.QueryEscape("资阳市") + "&hops=1")
			if sub.status != http.StatusOK {
				t.Fatalf("status %d: %s", sub.status, sub.body)
			}
			_, params, err = mime.ParseMediaType(sub.disposition)
			if err != nil || params["filename"] != "policygraph-资阳-1hops"+c.ext {
				t.Errorf("Content-Disposition = %q (%v), want a file name that names 资阳 and the hops", sub.disposition, params)
			}
			// curl -OJ and other clients without RFC 5987 read the plain
			// filename: it names the centre too.
			if !strings.HasSuffix(sub.disposition, `; filename="policygraph-Ziyang-1hops`+c.ext+`"`) {
				t.Errorf("Content-Disposition = %q, want the plain filename policygraph-Ziyang-1hops%s", sub.disposition, c.ext)
			}
			if n := c.check(t, sub.body); n == 0 || n >= all {
				t.Errorf("the neighbourhood of 资阳 has %d nodes, the graph %d: want fewer, not none", n, all)
			}
		})
	}
}

func countXML(element string) func(t *testing.T, b []byte) int {
	return func(t *testing.T, b []byte) int {
		t.Helper()
		d := xml.NewDecoder(bytes.NewReader(b))
		n := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				return n
			}
			if err != nil {
				t.Fatalf("not well-formed XML: %v", err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == element {
				n++
			}
		}
	}
}

func countCytoscape(t *testing.T, b []byte) int {
	t.Helper()
	var cy struct {
		Elements struct {
			Nodes []struct{ Data map[string]any } `json:"nodes"`
			Edges []struct{ Data map[string]any } `json:"edges"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(b, &cy); err != nil {
		t.Fatal(err)
	}
	return len(cy.Elements.Nodes)
}

func countCSV(t *testing.T, b []byte) int {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	n := -1
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBFid,")) {
			t.Errorf("%s does not start with a byte order mark and the header", f.Name)
		}
		if f.Name == "nodes.csv" {
			n = bytes.Count(data, []byte("\n")) - 1 // no node name holds a line break
		}
	}
	return n
}

// countNQuadsKinds counts the entities and documents given a kind.
func countNQuadsKinds(t *testing.T, b []byte) int {
	t.Helper()
	seen := make(map[string]bool)
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.SplitN(l, " ", 3); len(f) == 3 && f[1] == "<"+graph.DefaultBase+"pg:kind>" {
			seen[f[0]] = true
		}
	}
	return len(seen)
}

func TestExportErrorsOverHTTP(t *testing.T) {
	e := seedEnv(t)
	for _, c := range []struct {
		name, query string
		status      int
		code, says  string
	}{
		{"no format", "", http.StatusBadRequest, "INVALID_INPUT", "graphml"},
		{"unknown format", "format=svg", http.StatusBadRequest, "INVALID_INPUT", "gexf"},
		{"unknown name", "format=gexf&of=" + url.QueryEscape("资杨"), http.StatusNotFound, "NOT_FOUND", "资阳"},
		{"empty name", "format=gexf&of=", http.StatusBadRequest, "INVALID_INPUT", "of"},
		{"hops without of", "format=gexf&hops=2", http.StatusBadRequest, "INVALID_INPUT", "of"},
		{"hops not a number", "format=gexf&of=Chengdu&hops=two", http.StatusBadRequest, "INVALID_INPUT", "hops"},
		{"zero hops", "format=gexf&of=Chengdu&hops=0", http.StatusBadRequest, "INVALID_INPUT", "hops"},
		{"too many hops", "format=gexf&of=Chengdu&hops=7", http.StatusUnprocessableEntity, "LIMIT_EXCEEDED", "hops"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.export(c.query)
			var body struct {
				Errors []struct {
					Message    string `json:"message"`
					Extensions struct {
						Code        string   `json:"code"`
						Suggestions []string `json:"suggestions"`
					} `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(r.body, &body); err != nil || len(body.Errors) != 1 {
				t.Fatalf("body %s is not one JSON error (%v)", r.body, err)
			}
			got := body.Errors[0]
			if r.status != c.status || got.Extensions.Code != c.code || !strings.Contains(got.Message, c.says) {
				t.Errorf("got %d %s %q, want %d %s mentioning %q", r.status, got.Extensions.Code, got.Message, c.status, c.code, c.says)
			}
			if c.code == "NOT_FOUND" && !slices.Contains(got.Extensions.Suggestions, "资阳") {
				t.Errorf("suggestions = %v, want 资阳 among them", got.Extensions.Suggestions)
			}
		})
	}
}

// TestSeedNQuadsRoundTrip exports the seed store as N-Quads over HTTP,
// imports them into fresh memory and bbolt stores, and compares what the
// Store and the GraphQL API give.
func TestSeedNQuadsRoundTrip(t *testing.T) {
	e := seedEnv(t)
	r := e.export("format=nquads")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	ctx := context.Background()
	for _, dsn := range []string{"memory", filepath.Join(t.TempDir(), "copy.db")} {
		dst, err := graph.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dst.Close() })
		res, err := dst.ImportNQuads(ctx, bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		if res.Added == 0 || res.Added != res.Read {
			t.Errorf("%s: import %+v, want every quad added", dsn, res)
		}
		compareStores(t, e.st, dst)
		copySrv := httptest.NewServer(resolvers.NewServer(dst, resolvers.Options{}).Handler())
		t.Cleanup(copySrv.Close)
		copyEnv := &env{t: t, st: dst, srv: copySrv}
		for _, q := range []string{
			`{ connect(a: "Chengdu", b: "Ziyang") { name stage } }`,
			`{ neighbourhood(of: "成资市域铁路", hops: 2) { nodes { id label kind depth } edges { id source target relation } } }`,
			`{ resolve(name: "成资市域(郊)铁路") { ... on Initiative { name stage places { name } timeline { stage } evidence { text } facts { relation } } } }`,
		} {
			a, b := e.post(q, nil), copyEnv.post(q, nil)
			if len(a.Errors) > 0 || !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %s\noriginal: %s %v\ncopy:     %s %v", dsn, q, a.Data, a.Errors, b.Data, b.Errors)
			}
		}
		again := copyEnv.export("format=nquads")
		if !bytes.Equal(again.body, r.body) {
			t.Errorf("%s: the copy exports different N-Quads", dsn)
		}
	}
}

// compareStores compares stats, the index's adjacency by ID, and the
// entities, facts (with evidence), mentions and documents of every node.
func compareStores(t *testing.T, a, b *graph.Store) {
	t.Helper()
	ctx := context.Background()
	sa, _ := a.Stats(ctx)
	sb, _ := b.Stats(ctx)
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("stats differ:\n%+v\n%+v", sa, sb)
	}
	adjA, idsA, factsA := adjacencyByID(a.Index())
	adjB, _, _ := adjacencyByID(b.Index())
	if !reflect.DeepEqual(adjA, adjB) {
		t.Errorf("index adjacency differs")
	}
	read := func(st *graph.Store) []any {
		ents, err1 := st.Entities(ctx, idsA)
		facts, err2 := st.Facts(ctx, factsA)
		ms, err3 := st.Mentions(ctx, idsA)
		docs, err4 := st.Documents(ctx)
		for _, err := range []error{err1, err2, err3, err4} {
			if err != nil {
				t.Fatal(err)
			}
		}
		return []any{ents, facts, ms, docs}
	}
	ra, rb := read(a), read(b)
	for i, what := range []string{"entities", "facts", "mentions", "documents"} {
		if !reflect.DeepEqual(ra[i], rb[i]) {
			t.Errorf("%s differ", what)
		}
	}
}

// adjacencyByID returns every live node's ID, kind, name, stage, documents
// and edges (by relation, other end, via and fact ID), without the index's
// numbering; and the IDs of the nodes and of the facts.
func adjacencyByID(x *graph.Index) (adj []string, ids []string, facts []string) {
	for _, k := range graph.Kinds {
		for _, n := range x.NodesOfKind(k) {
			info := x.Node(n)
			ids = append(ids, info.ID)
			var edges []string
			for _, s := range x.Steps(n, graph.DirectionBoth, nil) {
				via := ""
				if x.Via(s.Edge) != graph.NoNode {
					via = x.Node(x.Via(s.Edge)).ID
				}
				edges = append(edges, strings.Join([]string{string(s.Relation()), x.Node(s.Node).ID, via, x.FactID(s.Edge), map[bool]string{true: "out", false: "in"}[s.Out]}, " "))
				if s.Out {
					facts = append(facts, x.FactID(s.Edge))
				}
			}
			slices.Sort(edges)
			var docs []string
			for _, d := range info.Documents {
				docs = append(docs, x.Node(d).ID)
			}
			adj = append(adj, strings.Join([]string{info.ID, string(info.Kind), info.Name, string(info.Category), string(info.Level), string(info.Stage),
				strings.Join(docs, ","), strings.Join(edges, "; ")}, " | "))
		}
	}
	slices.Sort(adj)
	slices.Sort(ids)
	slices.Sort(facts)
	return adj, ids, facts
}
