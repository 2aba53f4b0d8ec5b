package graph_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/policygraph/policygraph/graph"
)

// The exports of a small graph whose strings need escaping, checked by
// structural validators that test exactly what the GraphML 1.0 and GEXF 1.3
// schemas require (the XSDs cannot be fetched at test time). Seed-based
// tests of the exports are in package resolvers and cmd/policygraph.

const (
	xChengdu = "place/510100"
	xZiyang  = "place/512000"
	xRegion  = "place/region/成德眉资"
	xRail    = "initiative/成资市域铁路"
	xOdd     = "initiative/<&\"奇怪'>"
	xBody    = "body/成都市人民政府"
	xDoc1    = "document/x1"
	xDoc2    = "document/x2"
)

// exportGraphs returns two documents that state the rail-成都 edge twice,
// an inferred edge, an edge through a region, and names and sentences with
// XML and CSV specials, quotes and a line break.
func exportGraphs() []*graph.DocumentGraph {
	ev := func(doc string, p, s, start int, text string) graph.Evidence {
		return graph.Evidence{Document: doc, Section: "(一) 合力谱写“双城记”", Paragraph: p, Sentence: s, Start: start, End: start + 4, Text: text}
	}
	s1 := "加快建设成资市域(郊)铁路，连接成都与资阳。"
	g1 := &graph.DocumentGraph{
		Document: graph.Document{ID: xDoc1, Title: "成都市2022年政府工作报告", Year: 2022, Place: xChengdu, Hash: "h1",
			Sections: []graph.Section{{Number: "(一)", Heading: "合力谱写“双城记”", Index: 0, Parent: -1}}},
		Entities: []graph.Entity{
			{ID: xChengdu, Kind: graph.KindPlace, Name: "成都", Aliases: []string{"成都市", "蓉"}, Level: graph.LevelPrefecture,
				Code: "510100", Pinyin: "Chengdu", English: "Chengdu"},
			{ID: xZiyang, Kind: graph.KindPlace, Name: "资阳", Level: graph.LevelPrefecture, Code: "512000", English: "Ziyang"},
			{ID: xRegion, Kind: graph.KindPlace, Name: "成德眉资", Level: graph.LevelRegion, Members: []string{xChengdu, xZiyang}},
			{ID: xRail, Kind: graph.KindInitiative, Name: "成资市域(郊)铁路", Category: graph.CategoryRail},
			{ID: xOdd, Kind: graph.KindInitiative, Name: "<&\"奇怪'> 工程,\"一期\"", Category: graph.CategoryOther},
			{ID: xBody, Kind: graph.KindBody, Name: "成都市人民政府", Type: "agency"},
		},
		Facts: []graph.Fact{
			{From: xRail, To: xChengdu, Relation: graph.RelConnects, Via: xRegion, Evidence: ev(xDoc1, 3, 1, 100, s1)},
			{From: xRail, To: xZiyang, Relation: graph.RelConnects, Via: xRegion, Evidence: ev(xDoc1, 3, 1, 108, s1)},
			{From: xOdd, To: xZiyang, Relation: graph.RelLocatedIn, Evidence: ev(xDoc1, 4, 1, 200, "第一行 <b>&amp;\n第二行, \"引号\"。")},
			{From: xBody, To: xRail, Relation: graph.RelLeads, Inferred: true, Rule: "issuer is the default owner"},
			{From: xZiyang, To: xRegion, Relation: graph.RelPartOf, Inferred: true, Rule: "region members"},
			{From: xDoc1, To: xBody, Relation: graph.RelIssuedBy},
			{From: xDoc1, To: xChengdu, Relation: graph.RelAbout},
		},
		Mentions: []graph.Mention{{Entity: xRail, Stage: graph.StageUnderConstruction, Cue: "加快建设", Year: 2022, Evidence: ev(xDoc1, 3, 1, 96, s1)}},
	}
	g2 := &graph.DocumentGraph{
		Document: graph.Document{ID: xDoc2, Title: "资阳市2023年政府工作报告", Year: 2023, Place: xZiyang, Hash: "h2"},
		Entities: []graph.Entity{{ID: xRail, Kind: graph.KindInitiative, Name: "成资市域铁路", Aliases: []string{"成资S3线"}}},
		Facts: []graph.Fact{
			{From: xRail, To: xChengdu, Relation: graph.RelConnects, Evidence: ev(xDoc2, 1, 2, 50, "建成成资市域铁路。")},
			{From: xRail, To: xZiyang, Relation: graph.RelLocatedIn, Inferred: true, Rule: "document place"},
		},
		Mentions: []graph.Mention{{Entity: xRail, Stage: graph.StageCompleted, Cue: "建成", Year: 2023, Evidence: ev(xDoc2, 1, 2, 48, "建成成资市域铁路。")}},
	}
	return []*graph.DocumentGraph{g1, g2}
}

func exportStore(t *testing.T, dsn string) *graph.Store {
	t.Helper()
	st := openStore(t, dsn)
	for _, g := range exportGraphs() {
		if _, err := st.WriteDocument(context.Background(), g); err != nil {
			t.Fatalf("write %s: %v", g.Document.ID, err)
		}
	}
	return st
}

func TestExportGraphContents(t *testing.T) {
	st := exportStore(t, "memory")
	g, err := st.ExportGraph(context.Background(), graph.ExportScope{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(g.Nodes), st.Index().Len(); got != want {
		t.Errorf("whole graph has %d nodes, want every live node: %d", got, want)
	}
	var rail *graph.ExportNode
	for i := range g.Nodes {
		if g.Nodes[i].ID == xRail {
			rail = &g.Nodes[i]
		}
	}
	if rail == nil || rail.Stage != graph.StageCompleted || rail.Category != graph.CategoryRail || rail.Kind != graph.KindInitiative {
		t.Errorf("rail node = %+v, want an initiative RAIL COMPLETED", rail)
	}
	var connects *graph.ExportEdge
	for i := range g.Edges {
		e := &g.Edges[i]
		if e.Source == xRail && e.Target == xChengdu && e.Relation == graph.RelConnects {
			connects = e
		}
		if e.Source == xBody && e.Relation == graph.RelLeads && (!e.Inferred || e.Rule == "" || e.Evidence != "") {
			t.Errorf("inferred edge = %+v, want inferred with its rule and no sentence", *e)
		}
	}
	if connects == nil {
		t.Fatal("no CONNECTS edge from the rail line to 成都")
	}
	if connects.Facts != 2 || connects.Inferred || !slices.Equal(connects.Via, []string{xRegion}) ||
		connects.Document != xDoc1 || !strings.HasPrefix(connects.Evidence, "加快建设") {
		t.Errorf("rail CONNECTS 成都 = %+v, want 2 facts, stated, via the region, evidence from %s", *connects, xDoc1)
	}
}

func TestExportFormatsValidate(t *testing.T) {
	for _, dsn := range []string{"memory", "bolt"} {
		t.Run(dsn, func(t *testing.T) {
			if dsn == "bolt" {
				dsn = filepath.Join(t.TempDir(), "x.db")
			}
			st := exportStore(t, dsn)
			for _, scope := range []graph.ExportScope{{}, {Of: "Ziyang", Hops: 1}} {
				g, err := st.ExportGraph(context.Background(), scope)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := g.WriteGraphML(&buf); err != nil {
					t.Fatal(err)
				}
				if problems := validateGraphML(buf.Bytes()); len(problems) > 0 {
					t.Errorf("GraphML of %+v is invalid:\n%s\n%s", scope, strings.Join(problems, "\n"), buf.String())
				}
				checkXMLRoundTrip(t, buf.Bytes(), g)
				buf.Reset()
				if err := g.WriteGEXF(&buf); err != nil {
					t.Fatal(err)
				}
				if problems := validateGEXF(buf.Bytes()); len(problems) > 0 {
					t.Errorf("GEXF of %+v is invalid:\n%s\n%s", scope, strings.Join(problems, "\n"), buf.String())
				}
				checkXMLRoundTrip(t, buf.Bytes(), g)
				buf.Reset()
				if err := g.WriteCytoscape(&buf); err != nil {
					t.Fatal(err)
				}
				checkCytoscape(t, buf.Bytes(), g)
				buf.Reset()
				if err := g.WriteCSVZip(&buf); err != nil {
					t.Fatal(err)
				}
				checkCSVZip(t, buf.Bytes(), g)
			}
		})
	}
}

// checkXMLRoundTrip checks that the hostile strings come back from the XML
// as they went in.
func checkXMLRoundTrip(t *testing.T, data []byte, g *graph.ExportGraph) {
	t.Helper()
	root, err := parseTree(data)
	if err != nil {
		t.Fatal(err)
	}
	texts := make(map[string]bool)
	root.walk(func(n *xnode) {
		texts[n.text] = true
		for _, a := range n.attrs {
			texts[a.Value] = true
		}
	})
	for _, n := range g.Nodes {
		if !texts[n.Name] {
			t.Errorf("name %q does not come back from the XML", n.Name)
		}
	}
	for _, e := range g.Edges {
		if e.Evidence != "" && !texts[e.Evidence] {
			t.Errorf("evidence %q does not come back from the XML", e.Evidence)
		}
	}
}

// checkCytoscape checks what Cytoscape.js needs, and what networkx's
// cytoscape_graph (networkx/readwrite/json_graph/cytoscape.py, 2.8 and 3.x)
// reads: dict(data["data"]) as the graph's attributes, "directed" and
// "multigraph", each node's key from data["value"] and its name from
// data["name"], each edge's ends as node keys in data["source"] and
// data["target"], and in a multigraph data["key"] (default 0) telling
// parallel edges apart.
func checkCytoscape(t *testing.T, data []byte, g *graph.ExportGraph) {
	t.Helper()
	var cy struct {
		Data       map[string]any `json:"data"`
		Directed   *bool          `json:"directed"`
		Multigraph *bool          `json:"multigraph"`
		Elements   struct {
			Nodes []struct{ Data map[string]any } `json:"nodes"`
			Edges []struct{ Data map[string]any } `json:"edges"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(data, &cy); err != nil {
		t.Fatalf("Cytoscape JSON does not parse: %v", err)
	}
	if len(cy.Elements.Nodes) != len(g.Nodes) || len(cy.Elements.Edges) != len(g.Edges) {
		t.Fatalf("Cytoscape JSON has %d nodes and %d edges, want %d and %d", len(cy.Elements.Nodes), len(cy.Elements.Edges), len(g.Nodes), len(g.Edges))
	}
	if cy.Data == nil || cy.Directed == nil || !*cy.Directed || cy.Multigraph == nil || !*cy.Multigraph {
		t.Errorf("top level: data %v, directed %v, multigraph %v; want an object, true and true (networkx builds a MultiDiGraph)", cy.Data, cy.Directed, cy.Multigraph)
	}
	ids := make(map[string]bool)
	for _, n := range cy.Elements.Nodes {
		id, _ := n.Data["id"].(string)
		if id == "" || ids[id] || n.Data["kind"] == nil || n.Data["label"] == nil {
			t.Errorf("node data %v: want a unique id, a kind and a label", n.Data)
		}
		if v, _ := n.Data["value"].(string); v != id {
			t.Errorf("node data %v: value %v, want the id (networkx's node key)", n.Data, n.Data["value"])
		}
		if name, _ := n.Data["name"].(string); name == "" {
			t.Errorf("node data %v: want a name", n.Data)
		}
		if _, ok := n.Data["parent"]; ok {
			t.Errorf("node data %v has a parent field, which Cytoscape.js reads as a compound parent", n.Data)
		}
		ids[id] = true
	}
	keys := make(map[[3]string]bool)
	for _, e := range cy.Elements.Edges {
		s, _ := e.Data["source"].(string)
		tg, _ := e.Data["target"].(string)
		key, _ := e.Data["key"].(string)
		if k := [3]string{s, tg, key}; key == "" || keys[k] {
			t.Errorf("edge data %v: want a key that no other edge between the same nodes has (networkx would merge them)", e.Data)
		} else {
			keys[k] = true
		}
		if !ids[s] || !ids[tg] || e.Data["id"] == "" || e.Data["relation"] == nil {
			t.Errorf("edge data %v: want an id, a relation, and source and target among the nodes", e.Data)
		}
		if _, ok := e.Data["inferred"].(bool); !ok {
			t.Errorf("edge data %v: inferred should be a JSON boolean", e.Data)
		}
	}
}

func checkCSVZip(t *testing.T, data []byte, g *graph.ExportGraph) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("CSV export is not a zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		rows := readCSV(t, f.Name, b)
		want := map[string]int{"nodes.csv": len(g.Nodes), "edges.csv": len(g.Edges)}[f.Name]
		if len(rows)-1 != want {
			t.Errorf("%s has %d rows, want %d", f.Name, len(rows)-1, want)
		}
	}
	if !slices.Equal(names, []string{"nodes.csv", "edges.csv"}) {
		t.Errorf("zip holds %v, want nodes.csv and edges.csv", names)
	}
}

// readCSV checks the byte order mark, the header and the row widths, and
// returns the rows, header first.
func readCSV(t *testing.T, name string, b []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	if !ok {
		t.Errorf("%s does not start with a UTF-8 byte order mark", name)
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll() // also checks every row has the header's width
	if err != nil {
		t.Fatalf("%s does not parse as CSV: %v", name, err)
	}
	if len(rows) == 0 || rows[0][0] != "id" {
		t.Fatalf("%s has no header row starting with id: %v", name, rows)
	}
	return rows
}

func TestExportNeighbourhood(t *testing.T) {
	st := exportStore(t, "memory")
	ctx := context.Background()
	g, err := st.ExportGraph(ctx, graph.ExportScope{Of: "Ziyang", Hops: 1})
	if err != nil {
		t.Fatal(err)
	}
	if g.Centre == nil || g.Centre.ID != xZiyang || g.Hops != 1 {
		t.Fatalf("centre = %+v, hops %d; want 资阳, 1", g.Centre, g.Hops)
	}
	for _, n := range g.Nodes {
		if n.Depth > 1 {
			t.Errorf("node %s at depth %d in a 1-hop neighbourhood", n.ID, n.Depth)
		}
	}
	if slices.ContainsFunc(g.Nodes, func(n graph.ExportNode) bool { return n.ID == xBody }) {
		t.Errorf("the body is two hops from 资阳 but is in its 1-hop neighbourhood")
	}
	g2, err := st.ExportGraph(ctx, graph.ExportScope{Of: xZiyang, Hops: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(g2.Nodes) <= len(g.Nodes) {
		t.Errorf("2 hops give %d nodes, 1 hop %d: want more", len(g2.Nodes), len(g.Nodes))
	}

	_, err = st.ExportGraph(ctx, graph.ExportScope{Of: "资杨"})
	var unknown *graph.UnknownNameError
	if !errors.As(err, &unknown) || !slices.Contains(unknown.Suggestions, "资阳") {
		t.Errorf("unknown name: err = %v, want an UnknownNameError suggesting 资阳", err)
	}
	for _, c := range []struct {
		name  string
		scope graph.ExportScope
		want  error
	}{
		{"too many hops", graph.ExportScope{Of: "资阳", Hops: graph.MaxExportHops + 1}, graph.ErrExportTooLarge},
		{"negative hops", graph.ExportScope{Of: "资阳", Hops: -1}, graph.ErrBadExport},
		{"over the node cap", graph.ExportScope{Of: "资阳", Hops: 2, MaxNodes: 3}, graph.ErrExportTooLarge},
	} {
		if _, err := st.ExportGraph(ctx, c.scope); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := graph.ParseExportFormat("svg"); !errors.Is(err, graph.ErrBadExport) || !strings.Contains(err.Error(), "graphml") {
		t.Errorf("ParseExportFormat(svg) = %v, want ErrBadExport listing the formats", err)
	}
}

func TestNQuadsRoundTrip(t *testing.T) {
	for _, dsn := range []string{"memory", "bolt"} {
		t.Run(dsn, func(t *testing.T) {
			path := func(name string) string {
				if dsn == "memory" {
					return "memory"
				}
				return filepath.Join(t.TempDir(), name)
			}
			ctx := context.Background()
			src := exportStore(t, path("src.db"))
			var buf bytes.Buffer
			n, err := src.ExportNQuads(ctx, &buf, graph.ExportScope{})
			if err != nil {
				t.Fatal(err)
			}
			dst := openStore(t, path("dst.db"))
			res, err := dst.ImportNQuads(ctx, bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if res.Read != n || res.Added != n {
				t.Errorf("import read %d and added %d quads, want the %d exported", res.Read, res.Added, n)
			}
			sameStores(t, src, dst)
			var again bytes.Buffer
			if _, err := dst.ExportNQuads(ctx, &again, graph.ExportScope{}); err != nil {
				t.Fatal(err)
			}
			if again.String() != buf.String() {
				t.Errorf("export of the imported store differs from the first export")
			}
			// Importing again changes nothing.
			res, err = dst.ImportNQuads(ctx, bytes.NewReader(buf.Bytes()))
			if err != nil || res.Added != 0 {
				t.Errorf("second import: %+v, %v; want nothing added", res, err)
			}
			sameStores(t, src, dst)
		})
	}
}

// sameStores compares what the Store's readers give for every node and fact.
func sameStores(t *testing.T, a, b *graph.Store) {
	t.Helper()
	ctx := context.Background()
	sa, err := a.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("stats differ:\n%+v\n%+v", sa, sb)
	}
	ids, facts := exportAdjacency(a.Index())
	idsB, factsB := exportAdjacency(b.Index())
	if !reflect.DeepEqual(ids, idsB) || !reflect.DeepEqual(facts, factsB) {
		t.Errorf("index adjacency differs")
	}
	var entIDs []string
	for _, id := range ids {
		entIDs = append(entIDs, strings.SplitN(id, " ", 2)[0])
	}
	ea, err := a.Entities(ctx, entIDs)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := b.Entities(ctx, entIDs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ea, eb) {
		t.Errorf("entities differ")
	}
	fa, _ := a.Facts(ctx, facts)
	fb, _ := b.Facts(ctx, facts)
	if !reflect.DeepEqual(fa, fb) {
		t.Errorf("facts differ")
	}
	ma, _ := a.Mentions(ctx, entIDs)
	mb, _ := b.Mentions(ctx, entIDs)
	if !reflect.DeepEqual(ma, mb) {
		t.Errorf("mentions differ")
	}
	da, _ := a.Documents(ctx)
	db, _ := b.Documents(ctx)
	if !reflect.DeepEqual(da, db) {
		t.Errorf("documents differ")
	}
}

// exportAdjacency returns each live node as "ID kind name stage -> out edges" by
// ID, and every fact ID, sorted: the index's graph without its numbering.
func exportAdjacency(x *graph.Index) (nodes []string, facts []string) {
	for _, k := range graph.Kinds {
		for _, n := range x.NodesOfKind(k) {
			info := x.Node(n)
			var out []string
			for _, e := range x.Out(n) {
				via := ""
				if x.Via(e) != graph.NoNode {
					via = x.Node(x.Via(e)).ID
				}
				out = append(out, fmt.Sprintf("%s>%s>%s>%s>%s", e.Relation(), x.Node(e.Node).ID, via, x.FactID(e), ""))
				facts = append(facts, x.FactID(e))
			}
			var in []string
			for _, e := range x.In(n) {
				in = append(in, fmt.Sprintf("%s<%s<%s", e.Relation(), x.Node(e.Node).ID, x.FactID(e)))
			}
			slices.Sort(out)
			slices.Sort(in)
			var docs []string
			for _, d := range info.Documents {
				docs = append(docs, x.Node(d).ID)
			}
			nodes = append(nodes, fmt.Sprintf("%s %s %s %s %s %v %v %v", info.ID, info.Kind, info.Name, info.Category, info.Stage, docs, out, in))
		}
	}
	slices.Sort(nodes)
	slices.Sort(facts)
	return nodes, facts
}

func TestNQuadsSubgraph(t *testing.T) {
	st := exportStore(t, "memory")
	ctx := context.Background()
	var all, sub bytes.Buffer
	nAll, err := st.ExportNQuads(ctx, &all, graph.ExportScope{})
	if err != nil {
		t.Fatal(err)
	}
	nSub, err := st.ExportNQuads(ctx, &sub, graph.ExportScope{Of: "成资市域铁路", Hops: 1})
	if err != nil {
		t.Fatal(err)
	}
	if nSub == 0 || nSub >= nAll {
		t.Errorf("the rail line's neighbourhood has %d quads, the store %d: want fewer, not none", nSub, nAll)
	}
	allLines := strings.Split(all.String(), "\n")
	for _, l := range strings.Split(strings.TrimSpace(sub.String()), "\n") {
		if !slices.Contains(allLines, l) {
			t.Errorf("subgraph quad not in the store: %s", l)
		}
	}
	// A subgraph loads into an empty store, and its initiative keeps its stage.
	dst := openStore(t, "memory")
	if _, err := dst.ImportNQuads(ctx, &sub); err != nil {
		t.Fatal(err)
	}
	n, ok := dst.Index().Lookup(xRail)
	if !ok || dst.Index().Node(n).Stage != graph.StageCompleted {
		t.Errorf("rail line after importing its neighbourhood: found %v, stage %q; want COMPLETED", ok, dst.Index().Node(n).Stage)
	}
	if _, err := st.ExportNQuads(ctx, io.Discard, graph.ExportScope{Of: "nowhere"}); err == nil {
		t.Errorf("N-Quads of an unknown name: want an error")
	}
}

func TestImportNQuadsRefusesBadInput(t *testing.T) {
	st := exportStore(t, "memory")
	before, _ := st.Stats(context.Background())
	in := "<a> <pg:kind> \"PLACE\" \"document/z\" .\n# comment\n\n<b> <pg:name> \"unterminated .\n"
	_, err := st.ImportNQuads(context.Background(), strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("err = %v, want a parse error on line 4", err)
	}
	after, _ := st.Stats(context.Background())
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a refused import changed the store: %+v -> %+v", before, after)
	}
}

func TestImportNQuadsRefusesTheOldLayout(t *testing.T) {
	st := exportStore(t, "memory")
	before, _ := st.Stats(context.Background())
	in := "<fact/0123456789abcdef> <pg:from> <place/510100> \"document/z\" .\n"
	_, err := st.ImportNQuads(context.Background(), strings.NewReader(in))
	if !errors.Is(err, graph.ErrOldLayout) || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("err = %v, want ErrOldLayout on line 1", err)
	}
	after, _ := st.Stats(context.Background())
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a refused import changed the store: %+v -> %+v", before, after)
	}
}

// ---- the validators ----

func TestValidatorsCatchSchemaViolations(t *testing.T) {
	gml := func(keys, body string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">` + keys +
			`<graph id="g" edgedefault="directed">` + body + `</graph></graphml>`
	}
	key := `<key id="k" for="node" attr.name="kind" attr.type="string"/><key id="b" for="edge" attr.name="x" attr.type="boolean"/>`
	gexf := func(attrs, nodes, edges string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><gexf xmlns="http://gexf.net/1.3" version="1.3"><graph defaultedgetype="directed">` +
			attrs + `<nodes>` + nodes + `</nodes><edges>` + edges + `</edges></graph></gexf>`
	}
	gattrs := `<attributes class="node"><attribute id="k" title="kind" type="string"/></attributes>` +
		`<attributes class="edge"><attribute id="w" title="w" type="integer"/></attributes>`
	cases := []struct {
		name     string
		validate func([]byte) []string
		doc      string
		want     string // in a problem; "" for a valid document
	}{
		{"GraphML valid", validateGraphML, gml(key, `<node id="n0"><data key="k">A</data></node><node id="n1"/><edge source="n0" target="n1"><data key="b">true</data></edge>`), ""},
		{"GraphML wrong namespace", validateGraphML, strings.Replace(gml(key, ``), "graphdrawing.org/xmlns", "example.org", 1), "namespace"},
		{"GraphML key after graph", validateGraphML, strings.Replace(gml("", ``), "</graphml>", key+"</graphml>", 1), "before"},
		{"GraphML undeclared key", validateGraphML, gml(key, `<node id="n0"><data key="zz">A</data></node>`), "undeclared key"},
		{"GraphML key for another domain", validateGraphML, gml(key, `<node id="n0"><data key="b">true</data></node>`), "for edge"},
		{"GraphML dangling target", validateGraphML, gml(key, `<node id="n0"/><edge source="n0" target="n9"/>`), "target"},
		{"GraphML duplicate node", validateGraphML, gml(key, `<node id="n0"/><node id="n0"/>`), "duplicate"},
		{"GraphML id not an NMTOKEN", validateGraphML, gml(key, `<node id="place/1"/>`), "NMTOKEN"},
		{"GraphML bad boolean", validateGraphML, gml(key, `<node id="n0"/><edge source="n0" target="n0"><data key="b">yes</data></edge>`), "boolean"},
		{"GraphML bad attr.type", validateGraphML, gml(`<key id="k" for="node" attr.name="kind" attr.type="text"/>`, ``), "attr.type"},
		{"GraphML no edgedefault", validateGraphML, strings.Replace(gml(key, ``), ` edgedefault="directed"`, "", 1), "edgedefault"},
		{"GEXF valid", validateGEXF, gexf(gattrs, `<node id="a/1" label="A"><attvalues><attvalue for="k" value="x"/></attvalues></node><node id="b"/>`,
			`<edge id="e" source="a/1" target="b" weight="2" kind="R"><attvalues><attvalue for="w" value="3"/></attvalues></edge>`), ""},
		{"GEXF wrong namespace", validateGEXF, strings.Replace(gexf("", "", ""), "gexf.net/1.3", "www.gexf.net/1.2draft", 1), "namespace"},
		{"GEXF no version", validateGEXF, strings.Replace(gexf("", "", ""), ` version="1.3"`, "", 1), "version"},
		{"GEXF undeclared attribute", validateGEXF, gexf(gattrs, `<node id="a"><attvalues><attvalue for="w" value="1"/></attvalues></node>`, ``), "undeclared"},
		{"GEXF bad integer", validateGEXF, gexf(gattrs, `<node id="a"/>`, `<edge source="a" target="a"><attvalues><attvalue for="w" value="x"/></attvalues></edge>`), "integer"},
		{"GEXF dangling source", validateGEXF, gexf(gattrs, `<node id="a"/>`, `<edge source="z" target="a"/>`), "source"},
		{"GEXF duplicate node", validateGEXF, gexf(gattrs, `<node id="a"/><node id="a"/>`, ``), "duplicate"},
		{"GEXF bad weight", validateGEXF, gexf(gattrs, `<node id="a"/>`, `<edge source="a" target="a" weight="heavy"/>`), "weight"},
		{"GEXF edges before nodes", validateGEXF, strings.Replace(gexf(gattrs, `<node id="a"/>`, ``), `<nodes><node id="a"/></nodes><edges></edges>`, `<edges></edges><nodes><node id="a"/></nodes>`, 1), "order"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			problems := c.validate([]byte(c.doc))
			switch {
			case c.want == "" && len(problems) > 0:
				t.Errorf("valid document refused: %v", problems)
			case c.want != "" && !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, c.want) }):
				t.Errorf("problems = %v, want one about %q", problems, c.want)
			}
		})
	}
}

// xnode is an element of a parsed XML document.
type xnode struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*xnode
	text     string
}

func (n *xnode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *xnode) walk(fn func(*xnode)) {
	fn(n)
	for _, c := range n.children {
		c.walk(fn)
	}
}

// parseTree parses a whole XML document (well-formedness included).
func parseTree(data []byte) (*xnode, error) {
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		return nil, errors.New("no XML declaration with encoding UTF-8")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var stack []*xnode
	var root *xnode
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: tok.Name, attrs: tok.Copy().Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return nil, errors.New("more than one root element")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// isNMTOKEN reports whether s is an XML 1.0 NMTOKEN: one or more name
// characters (letters, digits, . - _ :, combining marks, extenders).
func isNMTOKEN(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_:·", r) || unicode.In(r, unicode.Mn, unicode.Mc)) {
			return false
		}
	}
	return true
}

// validType checks a value against a GraphML attr.type or GEXF attribute type.
func validType(typ, v string) bool {
	switch typ {
	case "boolean":
		return v == "true" || v == "false"
	case "int", "integer":
		_, err := strconv.ParseInt(v, 10, 32)
		return err == nil
	case "long":
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case "float", "double":
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	}
	return true
}

// validateGraphML checks what the GraphML 1.0 schema (graphml.xsd with
// graphml-attributes.xsd) requires of the parts policygraph writes: the root
// element and namespace; desc, then key*, then graph|data children; key ids
// unique, for and attr.type from their enumerations, attr.name an NMTOKEN;
// graph with a valid edgedefault; node ids unique NMTOKENs; edges whose
// source and target are declared nodes; data whose key is declared (for
// this element's domain) and whose value parses as the key's attr.type; no
// elements the schema does not allow where they stand.
func validateGraphML(data []byte) []string {
	root, err := parseTree(data)
	if err != nil {
		return []string{"not well-formed: " + err.Error()}
	}
	const ns = "http://graphml.graphdrawing.org/xmlns"
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if root.name.Local != "graphml" || root.name.Space != ns {
		bad("root is {%s}%s, want {%s}graphml (namespace)", root.name.Space, root.name.Local, ns)
		return problems
	}
	root.walk(func(n *xnode) {
		if n.name.Space != ns {
			bad("element %s is not in the GraphML namespace", n.name.Local)
		}
	})
	type keyDecl struct{ domain, typ string }
	keys := make(map[string]keyDecl)
	seenGraph := false
	for i, c := range root.children {
		switch c.name.Local {
		case "desc":
			if i != 0 {
				bad("desc must be the first child of graphml")
			}
		case "key":
			if seenGraph {
				bad("key %q must come before every graph and data element", mustAttr(c, "id"))
			}
			id, ok := c.attr("id")
			if !ok || !isNMTOKEN(id) {
				bad("key id %q missing or not an NMTOKEN", id)
			}
			if _, dup := keys[id]; dup {
				bad("duplicate key id %q", id)
			}
			domain, ok := c.attr("for")
			if !ok {
				domain = "all"
			}
			if !slices.Contains([]string{"all", "graphml", "graph", "node", "edge", "hyperedge", "port", "endpoint"}, domain) {
				bad("key %q: for=%q is not a GraphML domain", id, domain)
			}
			typ, ok := c.attr("attr.type")
			if !ok {
				typ = "string"
			}
			if !slices.Contains([]string{"boolean", "int", "long", "float", "double", "string"}, typ) {
				bad("key %q: attr.type=%q is not one of boolean, int, long, float, double, string", id, typ)
			}
			if name, ok := c.attr("attr.name"); ok && !isNMTOKEN(name) {
				bad("key %q: attr.name %q is not an NMTOKEN", id, name)
			}
			for j, kc := range c.children {
				switch {
				case kc.name.Local == "desc" && j == 0:
				case kc.name.Local == "default":
					if !validType(typ, kc.text) {
						bad("key %q: default %q is not a %s", id, kc.text, typ)
					}
				default:
					bad("key %q: unexpected child %s", id, kc.name.Local)
				}
			}
			keys[id] = keyDecl{domain, typ}
		case "graph", "data":
			seenGraph = true
		default:
			bad("unexpected element %s in graphml", c.name.Local)
		}
	}
	checkData := func(n *xnode, domain string) {
		for _, c := range n.children {
			if c.name.Local != "data" {
				continue
			}
			k, ok := c.attr("key")
			decl, declared := keys[k]
			switch {
			case !ok:
				bad("data in %s without a key", domain)
			case !declared:
				bad("data refers to undeclared key %q", k)
			case decl.domain != "all" && decl.domain != domain:
				bad("data key %q is declared for %s, used in a %s", k, decl.domain, domain)
			case !validType(decl.typ, c.text):
				bad("data key %q: %q is not a %s", k, c.text, decl.typ)
			}
		}
	}
	nodeIDs := make(map[string]bool)
	edgeIDs := make(map[string]bool)
	graphIDs := make(map[string]bool)
	var edges []*xnode
	var graphs []*xnode
	root.walk(func(n *xnode) {
		if n.name.Local == "graph" {
			graphs = append(graphs, n)
		}
	})
	for _, g := range graphs {
		if id, ok := g.attr("id"); ok {
			if !isNMTOKEN(id) || graphIDs[id] {
				bad("graph id %q not an NMTOKEN or a duplicate", id)
			}
			graphIDs[id] = true
		}
		if ed, ok := g.attr("edgedefault"); !ok || (ed != "directed" && ed != "undirected") {
			bad("graph: edgedefault must be directed or undirected, got %q", ed)
		}
		checkData(g, "graph")
		for _, c := range g.children {
			switch c.name.Local {
			case "desc", "data", "locator", "hyperedge":
			case "node":
				id, ok := c.attr("id")
				switch {
				case !ok || !isNMTOKEN(id):
					bad("node id %q missing or not an NMTOKEN", id)
				case nodeIDs[id]:
					bad("duplicate node id %q", id)
				}
				nodeIDs[id] = true
				checkData(c, "node")
				for _, nc := range c.children {
					if !slices.Contains([]string{"desc", "data", "port", "graph", "locator"}, nc.name.Local) {
						bad("node %q: unexpected child %s", id, nc.name.Local)
					}
				}
			case "edge":
				edges = append(edges, c)
				if id, ok := c.attr("id"); ok {
					if !isNMTOKEN(id) || edgeIDs[id] {
						bad("edge id %q not an NMTOKEN or a duplicate", id)
					}
					edgeIDs[id] = true
				}
				if d, ok := c.attr("directed"); ok && !validType("boolean", d) {
					bad("edge directed=%q is not a boolean", d)
				}
				checkData(c, "edge")
				for _, ec := range c.children {
					if !slices.Contains([]string{"desc", "data", "graph"}, ec.name.Local) {
						bad("edge: unexpected child %s", ec.name.Local)
					}
				}
			default:
				bad("unexpected element %s in graph", c.name.Local)
			}
		}
	}
	for _, e := range edges {
		for _, end := range []string{"source", "target"} {
			v, ok := e.attr(end)
			if !ok || !nodeIDs[v] {
				bad("edge %s %q is not a declared node", end, v)
			}
		}
	}
	return problems
}

func mustAttr(n *xnode, name string) string { v, _ := n.attr(name); return v }

// validateGEXF checks what the GEXF 1.3 schema requires of the parts
// policygraph writes: root gexf in namespace http://gexf.net/1.3 with
// version 1.3; meta (optional, first) then one graph; graph's mode,
// defaultedgetype and idtype from their enumerations; attributes (class
// node or edge; attribute id, title and a 1.3 type; unique ids) before
// nodes before edges; node ids unique (integers when idtype says so), count
// matching; edges whose source and target are nodes, type from its
// enumeration, weight a double, ids unique; attvalues whose for names a
// declared attribute of the element's class and whose value parses as its type.
func validateGEXF(data []byte) []string {
	root, err := parseTree(data)
	if err != nil {
		return []string{"not well-formed: " + err.Error()}
	}
	const ns = "http://gexf.net/1.3"
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if root.name.Local != "gexf" || root.name.Space != ns {
		bad("root is {%s}%s, want {%s}gexf (namespace)", root.name.Space, root.name.Local, ns)
		return problems
	}
	if v, _ := root.attr("version"); v != "1.3" {
		bad("gexf version=%q, want 1.3", v)
	}
	var graphs []*xnode
	for i, c := range root.children {
		switch {
		case c.name.Local == "meta" && i == 0:
			for _, m := range c.children {
				if !slices.Contains([]string{"creator", "keywords", "description"}, m.name.Local) {
					bad("meta: unexpected child %s", m.name.Local)
				}
			}
		case c.name.Local == "graph":
			graphs = append(graphs, c)
		default:
			bad("unexpected element %s in gexf (order: meta?, graph)", c.name.Local)
		}
	}
	if len(graphs) != 1 {
		bad("gexf must hold exactly one graph, holds %d", len(graphs))
		return problems
	}
	g := graphs[0]
	enum := func(name string, allowed ...string) string {
		v, ok := g.attr(name)
		if ok && !slices.Contains(allowed, v) {
			bad("graph %s=%q is not one of %v", name, v, allowed)
		}
		return v
	}
	enum("mode", "static", "dynamic")
	enum("defaultedgetype", "directed", "undirected", "mutual")
	idtype := enum("idtype", "integer", "long", "string")
	types := []string{"integer", "long", "double", "float", "boolean", "string", "liststring", "anyURI", "date",
		"bigdecimal", "biginteger", "char", "short", "byte", "listinteger", "listlong", "listdouble", "listfloat",
		"listboolean", "listbigdecimal", "listbiginteger", "listchar", "listshort", "listbyte"}
	attrs := map[string]map[string]string{"node": {}, "edge": {}}
	checkID := func(what, id string) {
		if idtype == "integer" || idtype == "long" {
			if _, err := strconv.ParseInt(id, 10, 64); err != nil {
				bad("%s id %q is not an integer (idtype %s)", what, id, idtype)
			}
		}
	}
	checkValues := func(n *xnode, class string) {
		for _, c := range n.children {
			if c.name.Local != "attvalues" {
				continue
			}
			for _, av := range c.children {
				if av.name.Local != "attvalue" {
					bad("attvalues: unexpected child %s", av.name.Local)
					continue
				}
				f, _ := av.attr("for")
				v, ok := av.attr("value")
				typ, declared := attrs[class][f]
				switch {
				case !declared:
					bad("attvalue for undeclared %s attribute %q", class, f)
				case !ok:
					bad("attvalue for %q has no value", f)
				case !validType(typ, v):
					bad("attvalue for %q: %q is not a %s", f, v, typ)
				}
			}
		}
	}
	stage := 0 // 0 attributes, 1 nodes, 2 edges
	nodeIDs := make(map[string]bool)
	edgeIDs := make(map[string]bool)
	for _, c := range g.children {
		switch c.name.Local {
		case "attributes":
			if stage > 0 {
				bad("attributes must come before nodes and edges (order)")
			}
			class, _ := c.attr("class")
			if class != "node" && class != "edge" {
				bad("attributes class=%q, want node or edge", class)
				continue
			}
			for _, a := range c.children {
				id, ok1 := a.attr("id")
				_, ok2 := a.attr("title")
				typ, ok3 := a.attr("type")
				if a.name.Local != "attribute" || !ok1 || !ok2 || !ok3 {
					bad("attributes: %s without id, title and type", a.name.Local)
					continue
				}
				if !slices.Contains(types, typ) {
					bad("attribute %q: type %q is not a GEXF 1.3 type", id, typ)
				}
				if _, dup := attrs[class][id]; dup {
					bad("duplicate %s attribute id %q", class, id)
				}
				attrs[class][id] = typ
				for _, d := range a.children {
					if d.name.Local == "default" && !validType(typ, d.text) {
						bad("attribute %q: default %q is not a %s", id, d.text, typ)
					}
				}
			}
		case "nodes":
			if stage > 1 {
				bad("nodes must come before edges (order)")
			}
			stage = 1
			for _, n := range c.children {
				if n.name.Local != "node" {
					bad("nodes: unexpected child %s", n.name.Local)
					continue
				}
				id, ok := n.attr("id")
				switch {
				case !ok:
					bad("node without an id")
				case nodeIDs[id]:
					bad("duplicate node id %q", id)
				}
				checkID("node", id)
				nodeIDs[id] = true
				checkValues(n, "node")
			}
			if cnt, ok := c.attr("count"); ok && cnt != strconv.Itoa(len(c.children)) {
				bad("nodes count=%s, but there are %d", cnt, len(c.children))
			}
		case "edges":
			stage = 2
			for _, e := range c.children {
				if e.name.Local != "edge" {
					bad("edges: unexpected child %s", e.name.Local)
					continue
				}
				if id, ok := e.attr("id"); ok {
					if edgeIDs[id] {
						bad("duplicate edge id %q", id)
					}
					edgeIDs[id] = true
					checkID("edge", id)
				}
				for _, end := range []string{"source", "target"} {
					if v, ok := e.attr(end); !ok || !nodeIDs[v] {
						bad("edge %s %q is not a node", end, v)
					}
				}
				if tp, ok := e.attr("type"); ok && !slices.Contains([]string{"directed", "undirected", "mutual"}, tp) {
					bad("edge type %q", tp)
				}
				if w, ok := e.attr("weight"); ok && !validType("double", w) {
					bad("edge weight %q is not a double", w)
				}
				checkValues(e, "edge")
			}
			if cnt, ok := c.attr("count"); ok && cnt != strconv.Itoa(len(c.children)) {
				bad("edges count=%s, but there are %d", cnt, len(c.children))
			}
		default:
			bad("unexpected element %s in graph", c.name.Local)
		}
	}
	root.walk(func(n *xnode) {
		if n.name.Space != ns {
			bad("element %s is not in the GEXF namespace", n.name.Local)
		}
	})
	return problems
}
