package resolvers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
	"github.com/policygraph/policygraph/resolvers"
)

// TestHealthzCountsWhatExportsWrite loads the seed into a memory and a
// bolt store and checks that /healthz gives the node and edge counts of
// every whole-graph export. It used to count facts as edges (710 against
// 706 when this was found): two facts may state one edge, e.g. 张老引水一期工程
// LOCATED_IN 成都 directly and through 成德眉资, and the exports write one
// edge per From-Relation-To. The facts are counted apart.
func TestHealthzCountsWhatExportsWrite(t *testing.T) {
	for _, dsn := range []string{"memory", "bolt"} {
		t.Run(dsn, func(t *testing.T) {
			ctx := context.Background()
			if dsn == "bolt" {
				dsn = filepath.Join(t.TempDir(), "seed.db")
			}
			st, err := graph.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			gz, err := loaders.DefaultGazetteer()
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile("../seeds/chengdu-2022-work-report-part1.txt")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := loaders.Load(ctx, st, gz, "chengdu-2022-work-report-part1.txt", raw, loaders.Meta{}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(resolvers.NewServer(st, resolvers.Options{}).Handler())
			t.Cleanup(srv.Close)
			get := func(path string) []byte {
				t.Helper()
				resp, err := http.Get(srv.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
				}
				return b
			}
			health := func() (nodes, edges, facts int) {
				t.Helper()
				var h struct{ Nodes, Edges, Facts int }
				if err := json.Unmarshal(get("/healthz"), &h); err != nil {
					t.Fatal(err)
				}
				return h.Nodes, h.Edges, h.Facts
			}
			nodes, edges, facts := health()
			if facts <= edges {
				t.Errorf("healthz: %d facts, %d edges; the seed has edges stated by two facts", facts, edges)
			}

			counts := map[string][2]int{}
			var cy struct {
				Elements struct{ Nodes, Edges []json.RawMessage }
			}
			if err := json.Unmarshal(get("/export?format=cytoscape"), &cy); err != nil {
				t.Fatal(err)
			}
			counts["cytoscape"] = [2]int{len(cy.Elements.Nodes), len(cy.Elements.Edges)}
			for _, f := range []string{"graphml", "gexf"} {
				b := get("/export?format=" + f)
				counts[f] = [2]int{bytes.Count(b, []byte("<node ")), bytes.Count(b, []byte("<edge "))}
			}
			zb := get("/export?format=csv")
			zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
			if err == nil {
				var c [2]int
				for i, name := range []string{"nodes.csv", "edges.csv"} {
					for _, f := range zr.File {
						if f.Name == name {
							r, _ := f.Open()
							b, _ := io.ReadAll(r)
							c[i] = bytes.Count(b, []byte("\n")) - 1 // the header; no field of the seed holds a line break
						}
					}
				}
				counts["csv"] = c
			} else {
				t.Fatal(err)
			}
			// N-Quads: the entities with a kind, and the direct edge quads
			// (one per From-Relation-To in each document that states it).
			kinds, rels := map[string]bool{}, map[string]bool{}
			kind := regexp.MustCompile(`^(<[^>]+>) <[^>]+pg:kind> `)
			rel := regexp.MustCompile(`^(<[^>]+>) (<[^>]+pg:rel/[A-Z_]+>) (<[^>]+>) `)
			for _, l := range strings.Split(string(get("/export?format=nquads")), "\n") {
				if m := kind.FindStringSubmatch(l); m != nil {
					kinds[m[1]] = true
				}
				if m := rel.FindStringSubmatch(l); m != nil {
					rels[m[1]+m[2]+m[3]] = true
				}
			}
			counts["nquads"] = [2]int{len(kinds), len(rels)}
			for f, c := range counts {
				if c != [2]int{nodes, edges} {
					t.Errorf("%s export: %d nodes, %d edges; /healthz %d and %d", f, c[0], c[1], nodes, edges)
				}
			}

			// A write changes the counts at once (the edge count is kept
			// per index version).
			doc := "document/health"
			g := &graph.DocumentGraph{
				Document: graph.Document{ID: doc, Title: "测试", Year: 2023, Hash: "h"},
				Entities: []graph.Entity{{ID: "initiative/测试铁路", Kind: graph.KindInitiative, Name: "测试铁路", Category: graph.CategoryRail}},
				Facts: []graph.Fact{
					{From: "initiative/测试铁路", To: "place/510100", Relation: graph.RelConnects, Evidence: graph.Evidence{Document: doc, Sentence: 1, Text: "建设测试铁路。"}},
					{From: "initiative/测试铁路", To: "place/510100", Relation: graph.RelConnects, Via: "place/region/成德眉资", Inferred: true, Rule: "region", Evidence: graph.Evidence{Document: doc, Sentence: 1, Text: "建设测试铁路。"}},
				},
			}
			if _, err := st.WriteDocument(ctx, g); err != nil {
				t.Fatal(err)
			}
			n2, e2, f2 := health()
			if n2 != nodes+2 || e2 != edges+1 || f2 != facts+2 {
				t.Errorf("after a document with a node and one edge stated twice: healthz %d %d %d, want %d %d %d", n2, e2, f2, nodes+2, edges+1, facts+2)
			}
		})
	}
}
