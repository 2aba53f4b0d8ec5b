package graph

import (
	"archive/zip"
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"
)

// Exports: the whole graph or the neighbourhood of one node, written as
// GraphML 1.0, GEXF 1.3, Cytoscape.js JSON, CSV (nodes.csv and edges.csv)
// or N-Quads (the store's quads). There is no well-kept Go library for GraphML or
// GEXF (quad/graphml writes one edge per quad and no attributes, which Gephi
// cannot colour or filter by), so both are written here with encoding/xml;
// export_test.go checks them against what the two schemas require.
//
// The graph formats (all but N-Quads) write one edge per From-Relation-To,
// however many facts state it, with the ID of its first fact (the ID
// GraphQL's neighbourhood gives the same edge), the number of facts, and
// the evidence of the first stated fact. N-Quads writes quads as stored,
// with absolute IRIs (see ExportNQuads), and ImportNQuads reads them back.

// ExportFormat names a format the exports write.
type ExportFormat string

// The export formats.
const (
	FormatGraphML   ExportFormat = "graphml"
	FormatGEXF      ExportFormat = "gexf"
	FormatCytoscape ExportFormat = "cytoscape"
	FormatNQuads    ExportFormat = "nquads"
	FormatCSV       ExportFormat = "csv"
	FormatGeoJSON   ExportFormat = "geojson"
)

// ExportFormats lists every export format.
var ExportFormats = []ExportFormat{FormatGraphML, FormatGEXF, FormatCytoscape, FormatNQuads, FormatCSV, FormatGeoJSON}

// ContentType returns the media type of the format; CSV is a zip of two files.
func (f ExportFormat) ContentType() string {
	switch f {
	case FormatGraphML:
		return "application/graphml+xml; charset=utf-8"
	case FormatGEXF:
		return "application/gexf+xml; charset=utf-8"
	case FormatCytoscape:
		return "application/json; charset=utf-8"
	case FormatNQuads:
		return "application/n-quads; charset=utf-8"
	case FormatCSV:
		return "application/zip"
	case FormatGeoJSON:
		return "application/geo+json"
	}
	return "application/octet-stream"
}

// Ext returns the file name extension of the format, with its dot.
func (f ExportFormat) Ext() string {
	switch f {
	case FormatGraphML:
		return ".graphml"
	case FormatGEXF:
		return ".gexf"
	case FormatCytoscape:
		return ".cyjs"
	case FormatNQuads:
		return ".nq"
	case FormatCSV:
		return ".zip"
	case FormatGeoJSON:
		return ".geojson"
	}
	return ""
}

// ParseExportFormat returns the format named s (case-insensitive), or an
// error wrapping ErrBadExport that lists the formats.
func ParseExportFormat(s string) (ExportFormat, error) {
	f := ExportFormat(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(ExportFormats, f) {
		return f, nil
	}
	names := make([]string, len(ExportFormats))
	for i, x := range ExportFormats {
		names[i] = string(x)
	}
	if s == "" {
		return "", fmt.Errorf("%w: no format given: use one of %s", ErrBadExport, strings.Join(names, ", "))
	}
	return "", fmt.Errorf("%w: unknown format %q: use one of %s", ErrBadExport, s, strings.Join(names, ", "))
}

// The bounds of a neighbourhood export.
const (
	MaxExportHops  = 6
	MaxExportNodes = 5000
)

// ErrBadExport is returned (wrapped) for an export request that makes no
// sense: an unknown format, hops below 1.
var ErrBadExport = errors.New("invalid export request")

// ErrExportTooLarge is returned (wrapped) when a neighbourhood export would
// pass MaxExportHops or its node cap.
var ErrExportTooLarge = errors.New("export too large")

// ExportScope says what to export: the whole graph, or the neighbourhood of Of.
type ExportScope struct {
	Of       string // a name in any form (成都, 成都市, Chengdu) or an ID; "" for the whole graph
	Hops     int    // with Of: edges walked both ways from it, 1 to MaxExportHops; 0 means 1
	MaxNodes int    // with Of: the node cap; 0 means MaxExportNodes
	Base     string // N-Quads only: the IRI every stored ID is written under; "" means DefaultBase
}

// ExportGraph is the part of the graph an export writes.
type ExportGraph struct {
	Centre *ExportNode // the node Of named, for a neighbourhood; nil for the whole graph
	Hops   int
	Nodes  []ExportNode // by ID (nearest first for a neighbourhood)
	Edges  []ExportEdge // by source, target, relation
}

// ExportNode is one node of an ExportGraph.
type ExportNode struct {
	ID       string
	Kind     Kind
	Name     string
	Category Category
	Stage    Stage
	Level    PlaceLevel
	Code     string
	English  string
	Aliases  []string
	Depth    int     // hops from the centre; 0 in a whole-graph export
	Lon, Lat float64 // a place's seat (WGS 84); 0, 0 when unknown
}

// ExportEdge is one From-Relation-To of an ExportGraph.
type ExportEdge struct {
	ID       string // the smallest ID of the facts that state it
	Source   string
	Target   string
	Relation Relation
	Facts    int      // how many facts state it
	Inferred bool     // every fact that states it is inferred
	Via      []string // the regions it holds through, sorted
	Rule     string   // the rule of the first fact, when that is inferred
	Evidence string   // the sentence of the first fact: stated before inferred, then by document and position
	Document string   // the document of that sentence
	Section  string
}

// resolveScope returns the nodes of scope: every live node, or the
// neighbourhood of scope.Of, with their depths.
func (s *Store) resolveScope(ctx context.Context, scope ExportScope) (centre NodeRef, hops int, nodes []NodeRef, depth map[NodeRef]int, err error) {
	x := s.index
	depth = make(map[NodeRef]int)
	if strings.TrimSpace(scope.Of) == "" {
		for _, k := range Kinds {
			nodes = append(nodes, x.NodesOfKind(k)...)
		}
		x.SortByID(nodes)
		for _, n := range nodes {
			depth[n] = 0
		}
		return NoNode, 0, nodes, depth, nil
	}
	hops = scope.Hops
	switch {
	case hops == 0:
		hops = 1
	case hops < 0:
		return NoNode, 0, nil, nil, fmt.Errorf("%w: hops must be at least 1, got %d", ErrBadExport, hops)
	case hops > MaxExportHops:
		return NoNode, 0, nil, nil, fmt.Errorf("%w: hops may be at most %d, got %d", ErrExportTooLarge, MaxExportHops, hops)
	}
	limit := scope.MaxNodes
	if limit <= 0 {
		limit = MaxExportNodes
	}
	centres, err := x.Find(strings.TrimSpace(scope.Of))
	if err != nil {
		return NoNode, 0, nil, nil, err
	}
	centre = centres[0]
	sg, err := Neighbourhood(ctx, x, centre, hops, nil, limit+1)
	if err != nil {
		return NoNode, 0, nil, nil, err
	}
	if sg.Truncated || len(sg.Nodes) > limit {
		return NoNode, 0, nil, nil, fmt.Errorf("%w: the %d-hop neighbourhood of %s has more than %d nodes: ask for fewer hops",
			ErrExportTooLarge, hops, x.Node(centre).Name, limit)
	}
	for _, sn := range sg.Nodes {
		if n, ok := x.Lookup(sn.ID); ok {
			nodes = append(nodes, n)
			depth[n] = sn.Depth
		}
	}
	return centre, hops, nodes, depth, nil
}

// edgeGroup is one From-Relation-To among the exported nodes, with its facts.
type edgeGroup struct {
	from, to NodeRef
	rel      RelCode
	facts    []string
}

// edgesAmong returns the edges whose ends are both in depth.
func edgesAmong(x *Index, nodes []NodeRef, depth map[NodeRef]int) []*edgeGroup {
	type key struct {
		from, to NodeRef
		rel      RelCode
	}
	at := make(map[key]*edgeGroup)
	var out []*edgeGroup
	for _, n := range nodes {
		for _, e := range x.Out(n) {
			if _, in := depth[e.Node]; !in {
				continue
			}
			k := key{n, e.Node, e.Rel}
			g := at[k]
			if g == nil {
				g = &edgeGroup{from: n, to: e.Node, rel: e.Rel}
				at[k] = g
				out = append(out, g)
			}
			g.facts = append(g.facts, x.FactID(e))
		}
	}
	return out
}

// ExportEdgeCount returns how many edges a whole-graph export writes: one
// per From-Relation-To between live nodes, however many facts state it.
// EdgeCount counts facts, which is more when two facts state one edge (a
// place tied to an initiative directly and through its region). It walks
// every edge; a caller that asks often keeps the answer per Version.
func (x *Index) ExportEdgeCount() int {
	live := make([]bool, x.Bound())
	var nodes []NodeRef
	for _, k := range Kinds {
		for _, n := range x.NodesOfKind(k) {
			if int(n) < len(live) {
				live[n] = true
				nodes = append(nodes, n)
			}
		}
	}
	type key struct {
		to  NodeRef
		rel RelCode
	}
	seen := make(map[key]bool)
	count := 0
	for _, n := range nodes {
		clear(seen)
		for _, e := range x.Out(n) {
			k := key{e.Node, e.Rel}
			if int(e.Node) < len(live) && live[e.Node] && !seen[k] {
				seen[k] = true
				count++
			}
		}
	}
	return count
}

// ExportGraph returns the nodes and edges of scope with their attributes,
// read from the store in a few batched reads. An unknown Of gives an
// *UnknownNameError with suggestions; a neighbourhood past its bounds gives
// ErrExportTooLarge.
func (s *Store) ExportGraph(ctx context.Context, scope ExportScope) (*ExportGraph, error) {
	if err := s.checkOpen(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	x := s.index
	centre, hops, nodes, depth, err := s.resolveScope(ctx, scope)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = x.Node(n).ID
	}
	ents, err := s.Entities(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	g := &ExportGraph{Hops: hops}
	for i, e := range ents {
		if e == nil { // removed since the index was read
			continue
		}
		n := ExportNode{ID: e.ID, Kind: e.Kind, Name: e.Name, Category: e.Category, Stage: e.Stage,
			Level: e.Level, Code: e.Code, English: e.English, Aliases: e.Aliases, Depth: depth[nodes[i]], Lon: e.Lon, Lat: e.Lat}
		g.Nodes = append(g.Nodes, n)
		if nodes[i] == centre {
			g.Centre = &n
		}
	}
	if centre != NoNode && g.Centre == nil {
		return nil, fmt.Errorf("export: %s was removed while it was read: %w", x.Node(centre).ID, ErrNotFound)
	}
	groups := edgesAmong(x, nodes, depth)
	var factIDs []string
	for _, eg := range groups {
		factIDs = append(factIDs, eg.facts...)
	}
	facts, err := s.Facts(ctx, factIDs)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	byID := make(map[string]*Fact, len(facts))
	for _, f := range facts {
		if f != nil {
			byID[f.ID] = f
		}
	}
	for _, eg := range groups {
		var fs []*Fact
		for _, id := range eg.facts {
			if f := byID[id]; f != nil {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue // removed since the index was read
		}
		slices.SortFunc(fs, func(a, b *Fact) int {
			return cmp.Or(compareBool(!a.Inferred, !b.Inferred), strings.Compare(a.Evidence.Document, b.Evidence.Document),
				cmp.Compare(a.Evidence.Start, b.Evidence.Start), strings.Compare(a.ID, b.ID))
		})
		first := fs[0]
		e := ExportEdge{ID: slices.Min(eg.facts), Source: x.Node(eg.from).ID, Target: x.Node(eg.to).ID,
			Relation: eg.rel.Relation(), Facts: len(fs), Inferred: first.Inferred,
			Evidence: first.Evidence.Text, Document: first.Evidence.Document, Section: first.Evidence.Section}
		if first.Inferred {
			e.Rule = first.Rule
		}
		for _, f := range fs {
			if f.Via != "" && !slices.Contains(e.Via, f.Via) {
				e.Via = append(e.Via, f.Via)
			}
		}
		slices.Sort(e.Via)
		g.Edges = append(g.Edges, e)
	}
	slices.SortFunc(g.Edges, func(a, b ExportEdge) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Target, b.Target), strings.Compare(string(a.Relation), string(b.Relation)))
	})
	return g, nil
}

// Export writes scope in format f to w. CSV is written as a zip holding
// nodes.csv and edges.csv; N-Quads as ExportNQuads writes it.
func (s *Store) Export(ctx context.Context, w io.Writer, f ExportFormat, scope ExportScope) error {
	if f == FormatNQuads {
		_, err := s.ExportNQuads(ctx, w, scope)
		return err
	}
	if !slices.Contains(ExportFormats, f) {
		_, err := ParseExportFormat(string(f))
		return err
	}
	g, err := s.ExportGraph(ctx, scope)
	if err != nil {
		return err
	}
	return g.Write(w, f)
}

// Write writes g in format f (any but N-Quads, which is written from the
// store's quads) to w.
func (g *ExportGraph) Write(w io.Writer, f ExportFormat) error {
	switch f {
	case FormatGraphML:
		return g.WriteGraphML(w)
	case FormatGEXF:
		return g.WriteGEXF(w)
	case FormatCytoscape:
		return g.WriteCytoscape(w)
	case FormatCSV:
		return g.WriteCSVZip(w)
	case FormatGeoJSON:
		return g.WriteGeoJSON(w)
	case FormatNQuads:
		return fmt.Errorf("%w: N-Quads are written from the store (Store.ExportNQuads), not from an ExportGraph", ErrBadExport)
	}
	_, err := ParseExportFormat(string(f))
	return err
}

// ---- attributes ----

// attr is one attribute column of the graph formats.
type attr struct {
	name string
	typ  string // "string", "boolean" or "int"
}

var nodeAttrs = []attr{{"kind", "string"}, {"name", "string"}, {"category", "string"}, {"stage", "string"},
	{"level", "string"}, {"code", "string"}, {"english", "string"}, {"aliases", "string"}, {"entity_id", "string"}}

var depthAttr = attr{"depth", "int"}

var edgeAttrs = []attr{{"relation", "string"}, {"inferred", "boolean"}, {"via", "string"}, {"facts", "int"},
	{"evidence", "string"}, {"document", "string"}, {"section", "string"}, {"rule", "string"}, {"fact_id", "string"}}

// nodeAttrsOf returns the node attribute columns of g.
func (g *ExportGraph) nodeAttrs() []attr {
	if g.Centre != nil {
		return append(slices.Clip(nodeAttrs), depthAttr)
	}
	return nodeAttrs
}

// listSep joins list values (aliases, via) in the text formats.
const listSep = "|"

// values returns the node's attribute values by name; empty ones are left out.
func (n *ExportNode) values(withDepth bool) map[string]string {
	m := map[string]string{"kind": string(n.Kind), "name": n.Name, "category": string(n.Category), "stage": string(n.Stage),
		"level": string(n.Level), "code": n.Code, "english": n.English, "aliases": strings.Join(n.Aliases, listSep), "entity_id": n.ID}
	if withDepth {
		m["depth"] = strconv.Itoa(n.Depth)
	}
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

func (e *ExportEdge) values() map[string]string {
	m := map[string]string{"relation": string(e.Relation), "inferred": strconv.FormatBool(e.Inferred),
		"via": strings.Join(e.Via, listSep), "facts": strconv.Itoa(e.Facts), "evidence": e.Evidence,
		"document": e.Document, "section": e.Section, "rule": e.Rule, "fact_id": e.ID}
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

// description says what g is, for the formats that carry one.
func (g *ExportGraph) description() string {
	if g.Centre != nil {
		return fmt.Sprintf("policygraph: the %d-hop neighbourhood of %s (%s): %d nodes, %d edges", g.Hops, g.Centre.Name, g.Centre.ID, len(g.Nodes), len(g.Edges))
	}
	return fmt.Sprintf("policygraph: the whole graph: %d nodes, %d edges", len(g.Nodes), len(g.Edges))
}

// ---- GraphML ----

// GraphML 1.0 (http://graphml.graphdrawing.org/specification.html). Node
// and edge ids must be NMTOKENs, which entity IDs (place/510100) are not, so
// nodes are n0, n1, … and edges e0, e1, …, with the real IDs in entity_id
// and fact_id. Gephi takes the "label" attribute as the label and "weight"
// as the edge weight.

const (
	graphmlNS     = "http://graphml.graphdrawing.org/xmlns"
	graphmlSchema = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
	xsiNS         = "http://www.w3.org/2001/XMLSchema-instance"
)

type gmlDoc struct {
	XMLName        xml.Name `xml:"graphml"`
	NS             string   `xml:"xmlns,attr"`
	XSI            string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	Desc           string   `xml:"desc,omitempty"`
	Keys           []gmlKey `xml:"key"`
	Graph          gmlGraph `xml:"graph"`
}

type gmlKey struct {
	ID      string  `xml:"id,attr"`
	For     string  `xml:"for,attr"`
	Name    string  `xml:"attr.name,attr"`
	Type    string  `xml:"attr.type,attr"`
	Default *string `xml:"default,omitempty"`
}

type gmlGraph struct {
	ID          string    `xml:"id,attr"`
	EdgeDefault string    `xml:"edgedefault,attr"`
	Nodes       []gmlNode `xml:"node"`
	Edges       []gmlEdge `xml:"edge"`
}

type gmlNode struct {
	ID   string    `xml:"id,attr"`
	Data []gmlData `xml:"data"`
}

type gmlEdge struct {
	ID     string    `xml:"id,attr"`
	Source string    `xml:"source,attr"`
	Target string    `xml:"target,attr"`
	Data   []gmlData `xml:"data"`
}

type gmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// WriteGraphML writes g as GraphML 1.0.
func (g *ExportGraph) WriteGraphML(w io.Writer) error {
	doc := gmlDoc{NS: graphmlNS, XSI: xsiNS, SchemaLocation: graphmlSchema, Desc: g.description(),
		Graph: gmlGraph{ID: "policygraph", EdgeDefault: "directed"}}
	gmlType := map[string]string{"string": "string", "boolean": "boolean", "int": "int"}
	falseVal := "false"
	doc.Keys = append(doc.Keys, gmlKey{ID: "label", For: "node", Name: "label", Type: "string"})
	nattrs := g.nodeAttrs()
	for _, a := range nattrs {
		doc.Keys = append(doc.Keys, gmlKey{ID: "n_" + a.name, For: "node", Name: a.name, Type: gmlType[a.typ]})
	}
	doc.Keys = append(doc.Keys, gmlKey{ID: "e_label", For: "edge", Name: "label", Type: "string"},
		gmlKey{ID: "weight", For: "edge", Name: "weight", Type: "double"})
	for _, a := range edgeAttrs {
		k := gmlKey{ID: "e_" + a.name, For: "edge", Name: a.name, Type: gmlType[a.typ]}
		if a.typ == "boolean" {
			k.Default = &falseVal
		}
		doc.Keys = append(doc.Keys, k)
	}
	num := make(map[string]string, len(g.Nodes))
	for i := range g.Nodes {
		n := &g.Nodes[i]
		id := "n" + strconv.Itoa(i)
		num[n.ID] = id
		gn := gmlNode{ID: id, Data: []gmlData{{Key: "label", Value: n.Name}}}
		vals := n.values(g.Centre != nil)
		for _, a := range nattrs {
			if v, ok := vals[a.name]; ok {
				gn.Data = append(gn.Data, gmlData{Key: "n_" + a.name, Value: v})
			}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, gn)
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		src, ok1 := num[e.Source]
		dst, ok2 := num[e.Target]
		if !ok1 || !ok2 {
			continue
		}
		ge := gmlEdge{ID: "e" + strconv.Itoa(i), Source: src, Target: dst,
			Data: []gmlData{{Key: "e_label", Value: string(e.Relation)}, {Key: "weight", Value: strconv.Itoa(e.Facts)}}}
		vals := e.values()
		for _, a := range edgeAttrs {
			if v, ok := vals[a.name]; ok {
				ge.Data = append(ge.Data, gmlData{Key: "e_" + a.name, Value: v})
			}
		}
		doc.Graph.Edges = append(doc.Graph.Edges, ge)
	}
	return writeXML(w, doc)
}

func writeXML(w io.Writer, doc any) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write XML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if _, err := bw.WriteString("\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// ---- GEXF ----

// GEXF 1.3 (https://gexf.net). Ids are strings, so nodes and edges keep
// their own IDs. Edges carry their relation as kind (GEXF 1.3's multigraph
// attribute: Gephi keeps edges of different kinds between two nodes apart)
// and label, and the number of facts as weight.

const (
	gexfNS     = "http://gexf.net/1.3"
	gexfSchema = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
)

type gexfDoc struct {
	XMLName        xml.Name  `xml:"gexf"`
	NS             string    `xml:"xmlns,attr"`
	XSI            string    `xml:"xmlns:xsi,attr"`
	SchemaLocation string    `xml:"xsi:schemaLocation,attr"`
	Version        string    `xml:"version,attr"`
	Meta           gexfMeta  `xml:"meta"`
	Graph          gexfGraph `xml:"graph"`
}

type gexfMeta struct {
	Creator     string `xml:"creator"`
	Description string `xml:"description"`
}

type gexfGraph struct {
	Mode            string           `xml:"mode,attr"`
	DefaultEdgeType string           `xml:"defaultedgetype,attr"`
	IDType          string           `xml:"idtype,attr"`
	Attributes      []gexfAttributes `xml:"attributes"`
	Nodes           gexfNodes        `xml:"nodes"`
	Edges           gexfEdges        `xml:"edges"`
}

type gexfAttributes struct {
	Class string          `xml:"class,attr"`
	Attrs []gexfAttribute `xml:"attribute"`
}

type gexfAttribute struct {
	ID      string  `xml:"id,attr"`
	Title   string  `xml:"title,attr"`
	Type    string  `xml:"type,attr"`
	Default *string `xml:"default,omitempty"`
}

type gexfNodes struct {
	Count int        `xml:"count,attr"`
	Nodes []gexfNode `xml:"node"`
}

type gexfNode struct {
	ID        string         `xml:"id,attr"`
	Label     string         `xml:"label,attr"`
	AttValues *gexfAttValues `xml:"attvalues"`
}

type gexfEdges struct {
	Count int        `xml:"count,attr"`
	Edges []gexfEdge `xml:"edge"`
}

type gexfEdge struct {
	ID        string         `xml:"id,attr"`
	Source    string         `xml:"source,attr"`
	Target    string         `xml:"target,attr"`
	Label     string         `xml:"label,attr"`
	Kind      string         `xml:"kind,attr"`
	Weight    string         `xml:"weight,attr"`
	AttValues *gexfAttValues `xml:"attvalues"`
}

type gexfAttValues struct {
	Values []gexfAttValue `xml:"attvalue"`
}

type gexfAttValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

// WriteGEXF writes g as GEXF 1.3.
func (g *ExportGraph) WriteGEXF(w io.Writer) error {
	gexfType := map[string]string{"string": "string", "boolean": "boolean", "int": "integer"}
	falseVal := "false"
	doc := gexfDoc{NS: gexfNS, XSI: xsiNS, SchemaLocation: gexfSchema, Version: "1.3",
		Meta:  gexfMeta{Creator: "policygraph", Description: g.description()},
		Graph: gexfGraph{Mode: "static", DefaultEdgeType: "directed", IDType: "string"}}
	nattrs := g.nodeAttrs()
	na := gexfAttributes{Class: "node"}
	for _, a := range nattrs {
		na.Attrs = append(na.Attrs, gexfAttribute{ID: a.name, Title: a.name, Type: gexfType[a.typ]})
	}
	ea := gexfAttributes{Class: "edge"}
	for _, a := range edgeAttrs {
		at := gexfAttribute{ID: a.name, Title: a.name, Type: gexfType[a.typ]}
		if a.typ == "boolean" {
			at.Default = &falseVal
		}
		ea.Attrs = append(ea.Attrs, at)
	}
	doc.Graph.Attributes = []gexfAttributes{na, ea}
	have := make(map[string]bool, len(g.Nodes))
	for i := range g.Nodes {
		n := &g.Nodes[i]
		have[n.ID] = true
		gn := gexfNode{ID: n.ID, Label: n.Name}
		vals := n.values(g.Centre != nil)
		for _, a := range nattrs {
			if v, ok := vals[a.name]; ok {
				if gn.AttValues == nil {
					gn.AttValues = &gexfAttValues{}
				}
				gn.AttValues.Values = append(gn.AttValues.Values, gexfAttValue{For: a.name, Value: v})
			}
		}
		doc.Graph.Nodes.Nodes = append(doc.Graph.Nodes.Nodes, gn)
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		if !have[e.Source] || !have[e.Target] {
			continue
		}
		ge := gexfEdge{ID: e.ID, Source: e.Source, Target: e.Target, Label: string(e.Relation), Kind: string(e.Relation),
			Weight: strconv.Itoa(e.Facts), AttValues: &gexfAttValues{}}
		vals := e.values()
		for _, a := range edgeAttrs {
			if v, ok := vals[a.name]; ok {
				ge.AttValues.Values = append(ge.AttValues.Values, gexfAttValue{For: a.name, Value: v})
			}
		}
		doc.Graph.Edges.Edges = append(doc.Graph.Edges.Edges, ge)
	}
	doc.Graph.Nodes.Count = len(doc.Graph.Nodes.Nodes)
	doc.Graph.Edges.Count = len(doc.Graph.Edges.Edges)
	return writeXML(w, doc)
}

// ---- Cytoscape.js JSON ----

// WriteCytoscape writes g as the elements JSON Cytoscape.js reads
// (cytoscape({elements: …}) or cy.json(…)), and Cytoscape desktop imports
// as "Cytoscape.js JSON": {"elements": {"nodes": [{"data": {…}}], "edges":
// [{"data": {…}}]}}. Node data holds id, label and the node attributes; no
// field is called "parent", which Cytoscape.js reads as a compound parent.
//
// It is also what networkx's cytoscape_graph reads (networkx/readwrite/
// json_graph/cytoscape.py): that takes each node's key from data.value,
// not data.id, so value repeats the ID; "directed" and "multigraph" at the
// top say what graph to build. It is a multigraph because two nodes may
// have edges of several relations, and each edge's "key" (its relation)
// keeps them apart there, as cytoscape_data writes them.
func (g *ExportGraph) WriteCytoscape(w io.Writer) error {
	type element struct {
		Data map[string]any `json:"data"`
	}
	out := struct {
		Data       map[string]any `json:"data"`
		Directed   bool           `json:"directed"`
		Multigraph bool           `json:"multigraph"`
		Elements   struct {
			Nodes []element `json:"nodes"`
			Edges []element `json:"edges"`
		} `json:"elements"`
	}{Data: map[string]any{"name": g.description()}, Directed: true, Multigraph: true}
	out.Elements.Nodes = make([]element, 0, len(g.Nodes))
	out.Elements.Edges = make([]element, 0, len(g.Edges))
	for i := range g.Nodes {
		n := &g.Nodes[i]
		d := map[string]any{"id": n.ID, "value": n.ID, "label": n.Name, "kind": n.Kind, "name": n.Name}
		set := func(k, v string) {
			if v != "" {
				d[k] = v
			}
		}
		set("category", string(n.Category))
		set("stage", string(n.Stage))
		set("level", string(n.Level))
		set("code", n.Code)
		set("english", n.English)
		if len(n.Aliases) > 0 {
			d["aliases"] = n.Aliases
		}
		if g.Centre != nil {
			d["depth"] = n.Depth
		}
		out.Elements.Nodes = append(out.Elements.Nodes, element{d})
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		d := map[string]any{"id": e.ID, "source": e.Source, "target": e.Target, "key": e.Relation, "label": e.Relation,
			"relation": e.Relation, "inferred": e.Inferred, "facts": e.Facts}
		if len(e.Via) > 0 {
			d["via"] = e.Via
		}
		for k, v := range map[string]string{"evidence": e.Evidence, "document": e.Document, "section": e.Section, "rule": e.Rule} {
			if v != "" {
				d[k] = v
			}
		}
		out.Elements.Edges = append(out.Elements.Edges, element{d})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write Cytoscape JSON: %w", err)
	}
	return nil
}

// ---- CSV ----

// The CSV files are UTF-8 with a byte order mark, so that Excel reads the
// Chinese text right (pandas.read_csv drops the mark), with a header row.
// Lists (aliases, via) are joined with "|".

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// WriteCSVNodes writes nodes.csv: one row per node.
func (g *ExportGraph) WriteCSVNodes(w io.Writer) error {
	header := []string{"id", "kind", "name", "category", "stage", "level", "code", "english", "aliases", "depth"}
	rows := make([][]string, 0, len(g.Nodes))
	for i := range g.Nodes {
		n := &g.Nodes[i]
		depth := ""
		if g.Centre != nil {
			depth = strconv.Itoa(n.Depth)
		}
		rows = append(rows, []string{n.ID, string(n.Kind), n.Name, string(n.Category), string(n.Stage), string(n.Level),
			n.Code, n.English, strings.Join(n.Aliases, listSep), depth})
	}
	return writeCSV(w, header, rows)
}

// WriteCSVEdges writes edges.csv: one row per From-Relation-To.
func (g *ExportGraph) WriteCSVEdges(w io.Writer) error {
	names := make(map[string]string, len(g.Nodes))
	for _, n := range g.Nodes {
		names[n.ID] = n.Name
	}
	header := []string{"id", "source", "target", "source_name", "target_name", "relation", "inferred", "via", "facts",
		"evidence", "document", "section", "rule"}
	rows := make([][]string, 0, len(g.Edges))
	for i := range g.Edges {
		e := &g.Edges[i]
		rows = append(rows, []string{e.ID, e.Source, e.Target, names[e.Source], names[e.Target], string(e.Relation),
			strconv.FormatBool(e.Inferred), strings.Join(e.Via, listSep), strconv.Itoa(e.Facts), e.Evidence, e.Document,
			e.Section, e.Rule})
	}
	return writeCSV(w, header, rows)
}

func writeCSV(w io.Writer, header []string, rows [][]string) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Write(header)
	cw.WriteAll(rows) // flushes
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return bw.Flush()
}

// WriteCSVZip writes a zip archive holding nodes.csv and edges.csv.
func (g *ExportGraph) WriteCSVZip(w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{{"nodes.csv", g.WriteCSVNodes}, {"edges.csv", g.WriteCSVEdges}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		if err := f.write(fw); err != nil {
			return err
		}
	}
	return zw.Close()
}

// ---- N-Quads ----

// The store names nodes and predicates with IRIs relative to nothing
// (place/510100, pg:kind) and labels each quad with its document ID as a
// string literal. That is Cayley's business, but RDF tools (rdflib, Jena)
// want absolute IRIs and an IRI or blank node as a quad's graph name. So
// the export writes every IRI as Base followed by the stored IRI
// (<urn:policygraph:place/510100>, <urn:policygraph:pg:kind>), the graph
// name as the IRI of its document (<urn:policygraph:document/x>), and
// typed literals with full datatype IRIs (xsd:integer as
// <http://www.w3.org/2001/XMLSchema#integer>). Characters an IRI may not
// hold (spaces, < > " { } | ^ ` \, Unicode white space) and % itself are
// percent-encoded after the base. A first line, a comment, names the base,
// so that ImportNQuads reads a file back whatever base it was written with.
//
// ImportNQuads also reads the form written before (relative IRIs, string
// graph names, \u escapes, xsd: datatypes): backups made then restore.

// DefaultBase is the base IRI of an N-Quads export when none is given: a
// URN, as the IDs name things rather than locate them.
const DefaultBase = "urn:policygraph:"

// nquadsHeader starts the comment line that names the base of an export.
const nquadsHeader = "# policygraph N-Quads: every IRI is the base followed by a store ID; base "

// CheckBase returns an error wrapping ErrBadExport unless base is an
// absolute IRI (a scheme, then a colon) with no character an N-Quads IRI
// may not hold. "" is DefaultBase.
func CheckBase(base string) error {
	if base == "" {
		return nil
	}
	scheme, _, ok := strings.Cut(base, ":")
	if !ok || scheme == "" || !isScheme(scheme) {
		return fmt.Errorf("%w: the base %q is not an absolute IRI: start it with a scheme, e.g. %s or https://example.org/policygraph/", ErrBadExport, base, DefaultBase)
	}
	if strings.ContainsFunc(base, iriUnsafe) {
		return fmt.Errorf("%w: the base %q holds a character IRIs may not (space, < > \" { } | ^ ` \\ or %%)", ErrBadExport, base)
	}
	return nil
}

// isScheme tells an RFC 3986 scheme: a letter, then letters, digits, + - .
func isScheme(s string) bool {
	for i, r := range s {
		letter := r < 0x80 && unicode.IsLetter(r)
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// ExportNQuads writes quads of the store to w as N-Quads with absolute IRIs
// under scope.Base (see above), sorted, and returns how many. With an empty
// scope.Of it writes every quad of the store, which ImportNQuads loads back
// into an empty store as the same graph. With Of it writes the quads of the
// neighbourhood's nodes: their attributes and direct edges, the fact nodes
// of the edges among them, their mentions, and the sentence and section
// nodes those cite.
func (s *Store) ExportNQuads(ctx context.Context, w io.Writer, scope ExportScope) (int, error) {
	if err := CheckBase(scope.Base); err != nil {
		return 0, fmt.Errorf("export N-Quads: %w", err)
	}
	base := cmp.Or(scope.Base, DefaultBase)
	var (
		quads []quad.Quad
		err   error
	)
	if strings.TrimSpace(scope.Of) == "" {
		quads, err = s.allQuads(ctx)
	} else {
		quads, err = s.subgraphQuads(ctx, scope)
	}
	if err != nil {
		return 0, fmt.Errorf("export N-Quads: %w", err)
	}
	sortQuads(quads)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s<%s>\n", nquadsHeader, base)
	for _, q := range quads {
		writeNQuad(bw, q, base)
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("export N-Quads: %w", err)
	}
	return len(quads), nil
}

// writeNQuad writes one quad with its IRIs and graph name under base.
func writeNQuad(w *bufio.Writer, q quad.Quad, base string) {
	for i, v := range []quad.Value{q.Subject, q.Predicate, q.Object, q.Label} {
		if v == nil {
			continue
		}
		if i > 0 {
			w.WriteByte(' ')
		}
		switch v := v.(type) {
		case quad.IRI:
			writeIRI(w, base, string(v))
		case quad.String:
			if i == 3 { // a document's ID as its graph name
				writeIRI(w, base, string(v))
			} else {
				w.WriteString(v.String())
			}
		case quad.TypedStringer: // Int, Float, Bool, Time, TypedString
			ts := v.TypedString()
			w.WriteString(ts.Value.String())
			w.WriteString("^^<")
			w.WriteString(string(ts.Type.Full())) // an XML Schema IRI
			w.WriteByte('>')
		default: // LangString, BNode
			w.WriteString(v.String())
		}
	}
	w.WriteString(" .\n")
}

// writeIRI writes <base id>, id percent-encoded where an IRI needs it.
func writeIRI(w *bufio.Writer, base, id string) {
	w.WriteByte('<')
	w.WriteString(base)
	for i := 0; i < len(id); {
		r, n := utf8.DecodeRuneInString(id[i:])
		if iriUnsafe(r) {
			for _, b := range []byte(id[i : i+n]) {
				fmt.Fprintf(w, "%%%02X", b)
			}
		} else {
			w.WriteString(id[i : i+n])
		}
		i += n
	}
	w.WriteByte('>')
}

// iriUnsafe tells the characters an exported IRI percent-encodes: those
// N-Quads does not allow in an IRI, white space (which RDF parsers split
// on), and % (so that every % after the base starts an escape).
func iriUnsafe(r rune) bool {
	return iriForbidden(r) || r == '%' || unicode.IsSpace(r) || r == utf8.RuneError
}

// fromBase returns the stored ID of an IRI written under base: the rest of
// it, percent-decoded.
func fromBase(iri, base string) (string, error) {
	rest, ok := strings.CutPrefix(iri, base)
	if !ok {
		return "", fmt.Errorf("the IRI <%s> is not under the base <%s>: give the base the file was exported with", iri, base)
	}
	if !strings.Contains(rest, "%") {
		return rest, nil
	}
	b := make([]byte, 0, len(rest))
	for i := 0; i < len(rest); i++ {
		if rest[i] != '%' {
			b = append(b, rest[i])
			continue
		}
		if i+2 >= len(rest) {
			return "", fmt.Errorf("bad percent escape in IRI <%s>", iri)
		}
		v, err := strconv.ParseUint(rest[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad percent escape in IRI <%s>", iri)
		}
		b = append(b, byte(v))
		i += 2
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("IRI <%s> decodes to invalid UTF-8", iri)
	}
	return string(b), nil
}

func iriForbidden(r rune) bool { return r <= 0x20 || strings.ContainsRune("<>\"{}|^`\\", r) }

// unescapeIRI decodes the \u and \U escapes of an IRI as parsed by
// Cayley's reader, which leaves them in place. A backslash cannot stand for
// itself in an N-Quads IRI, so every one starts an escape. Exports made
// before IRIs were absolute escaped so; the import still reads them.
func unescapeIRI(s string) (string, error) {
	if !strings.Contains(s, "\\") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := 0
		if i+1 < len(s) {
			n = map[byte]int{'u': 4, 'U': 8}[s[i+1]]
		}
		if n == 0 || i+2+n > len(s) {
			return "", fmt.Errorf("bad escape in IRI <%s>", s)
		}
		r, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
		if err != nil {
			return "", fmt.Errorf("bad escape in IRI <%s>", s)
		}
		b.WriteRune(rune(r))
		i += 2 + n
	}
	return b.String(), nil
}

// fromAbsolute turns a quad as ExportNQuads writes it into the quad as
// stored: IRIs lose the base, the graph name becomes the document ID string.
// (The parser has already turned typed literals with XML Schema datatypes
// into Cayley's Int and Float.)
func fromAbsolute(q *quad.Quad, base string) error {
	for _, d := range []quad.Direction{quad.Subject, quad.Predicate, quad.Object} {
		if iri, ok := q.Get(d).(quad.IRI); ok {
			id, err := fromBase(string(iri), base)
			if err != nil {
				return err
			}
			q.Set(d, quad.IRI(id))
		}
	}
	switch l := q.Label.(type) {
	case nil:
	case quad.IRI:
		id, err := fromBase(string(l), base)
		if err != nil {
			return err
		}
		q.Label = quad.String(id)
	default:
		return fmt.Errorf("the graph name %s is not an IRI under the base <%s>", l, base)
	}
	return nil
}

// fromStored reads a quad of an export made before IRIs were absolute:
// IRIs as stored, with \u escapes.
func fromStored(q *quad.Quad) error {
	for _, d := range quad.Directions {
		if iri, ok := q.Get(d).(quad.IRI); ok {
			u, err := unescapeIRI(string(iri))
			if err != nil {
				return err
			}
			q.Set(d, quad.IRI(u))
		}
	}
	return nil
}

// allQuads reads every quad of the store, under the read lock.
func (s *Store) allQuads(ctx context.Context) ([]quad.Quad, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	r.count()
	const batch = 20000
	cache := make(map[any]quad.Value)
	it := r.qs.QuadsAllIterator().Iterate()
	defer it.Close()
	var out []quad.Quad
	links := make([]cgraph.Ref, 0, batch)
	flush := func() error {
		qs, err := r.resolve(ctx, links, cache)
		if err != nil {
			return err
		}
		out = append(out, qs...)
		links = links[:0]
		return nil
	}
	for it.Next(ctx) {
		links = append(links, it.Result())
		if len(links) == batch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil { // a cancelled iterator stops without an error
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// subgraphQuads reads the quads of a neighbourhood's nodes.
func (s *Store) subgraphQuads(ctx context.Context, scope ExportScope) ([]quad.Quad, error) {
	x := s.index
	_, _, nodes, depth, err := s.resolveScope(ctx, scope)
	if err != nil {
		return nil, err
	}
	var subjects []quad.Value
	for _, n := range nodes {
		subjects = append(subjects, quad.IRI(x.Node(n).ID))
	}
	for _, eg := range edgesAmong(x, nodes, depth) {
		for _, id := range eg.facts {
			subjects = append(subjects, quad.IRI(id))
		}
	}
	r, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	g, err := r.bySubject(ctx, subjects)
	if err != nil {
		return nil, err
	}
	links, err := r.inLinks(ctx, subjects[:len(nodes)], pEntity)
	if err != nil {
		return nil, err
	}
	var mentions []quad.Value
	for _, qs := range links {
		for _, q := range qs {
			mentions = append(mentions, q.Subject)
		}
	}
	mg, err := r.bySubject(ctx, mentions)
	if err != nil {
		return nil, err
	}
	var out []quad.Quad
	var cited []quad.Value
	for _, gr := range []grouped{g, mg} {
		for _, qs := range gr {
			for _, q := range qs {
				out = append(out, q)
				if q.Predicate == pSection {
					cited = append(cited, q.Object)
				} else if sent := recordSentence(q); sent != "" {
					cited = append(cited, sent)
				}
			}
		}
	}
	cg, err := r.bySubject(ctx, cited)
	if err != nil {
		return nil, err
	}
	for _, qs := range cg {
		out = append(out, qs...)
	}
	return out, nil
}

func sortQuads(qs []quad.Quad) {
	str := func(v quad.Value) string {
		if v == nil {
			return ""
		}
		return v.String()
	}
	slices.SortFunc(qs, func(a, b quad.Quad) int {
		return cmp.Or(strings.Compare(str(a.Label), str(b.Label)), strings.Compare(str(a.Subject), str(b.Subject)),
			strings.Compare(str(a.Predicate), str(b.Predicate)), strings.Compare(str(a.Object), str(b.Object)))
	})
	// Quads come out of the store once each, so no duplicates to remove.
}

// ImportResult tells what ImportNQuads did.
type ImportResult struct {
	Read  int // quads read (duplicates in the input counted once)
	Added int // quads not stored before
}

// maxNQuadsLine bounds one line of N-Quads input.
const maxNQuadsLine = 16 << 20

// ImportNQuads reads N-Quads from r, as ExportNQuads writes them now or
// wrote them before IRIs were absolute, and adds the quads the store does
// not hold, in one transaction, then rebuilds the Index. The base is the one
// the file's first line names, or DefaultBase. Input that does not parse
// writes nothing; the error names the line. Importing an export of a whole
// store into an empty store gives the same graph; importing it again
// changes nothing.
func (s *Store) ImportNQuads(ctx context.Context, r io.Reader) (ImportResult, error) {
	return s.ImportNQuadsBase(ctx, r, "")
}

// ImportNQuadsBase is ImportNQuads for a file exported with base (when its
// first line does not say so; "" reads the base from that line, or takes
// DefaultBase).
func (s *Store) ImportNQuadsBase(ctx context.Context, r io.Reader, base string) (ImportResult, error) {
	var res ImportResult
	if err := CheckBase(base); err != nil {
		return res, fmt.Errorf("import N-Quads: %w", err)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxNQuadsLine)
	seen := make(map[quad.Quad]bool)
	var in []quad.Quad
	absolute := -1 // the file's form, from its first quad: 1 absolute IRIs, 0 as stored (older exports)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if h, ok := strings.CutPrefix(text, nquadsHeader); ok && base == "" && len(in) == 0 {
			base = strings.TrimSuffix(strings.TrimPrefix(h, "<"), ">")
			if err := CheckBase(base); err != nil {
				return res, fmt.Errorf("import N-Quads: line %d: %w", line, err)
			}
		}
		if text == "" || text[0] == '#' {
			continue
		}
		q, err := nquads.Parse(text)
		if err != nil {
			return res, fmt.Errorf("import N-Quads: line %d: %w", line, err)
		}
		if !q.IsValid() {
			return res, fmt.Errorf("import N-Quads: line %d: not a quad (subject, predicate and object are needed): %.80s", line, text)
		}
		if absolute < 0 {
			absolute = 0
			base = cmp.Or(base, DefaultBase)
			p, _ := q.Predicate.(quad.IRI)
			switch {
			case strings.HasPrefix(string(p), base):
				absolute = 1
			case !strings.HasPrefix(string(p), "pg:"):
				return res, fmt.Errorf("import N-Quads: line %d: the predicate <%s> is neither under the base <%s> nor one the store writes: give the base the file was exported with", line, p, base)
			}
		}
		if absolute == 1 {
			err = fromAbsolute(&q, base)
		} else {
			err = fromStored(&q)
		}
		if err != nil {
			return res, fmt.Errorf("import N-Quads: line %d: %w", line, err)
		}
		if q.Predicate == pOldFrom {
			return res, fmt.Errorf("import N-Quads: line %d: %w", line, ErrOldLayout)
		}
		if !seen[q] {
			seen[q] = true
			in = append(in, q)
		}
		if line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("import N-Quads: %w", err)
	}
	res.Read = len(in)

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.checkOpen(); err != nil {
		return res, fmt.Errorf("import N-Quads: %w", err)
	}
	var subjects []quad.Value
	for _, q := range in {
		subjects = append(subjects, q.Subject)
	}
	rd := readerOf(s.be)
	stored, err := rd.bySubject(ctx, subjects)
	if err != nil {
		return res, fmt.Errorf("import N-Quads: read the store: %w", err)
	}
	have := make(map[quad.Quad]bool)
	for _, qs := range stored {
		for _, q := range qs {
			have[q] = true
		}
	}
	add := slices.DeleteFunc(in, func(q quad.Quad) bool { return have[q] })
	if len(add) == 0 {
		return res, nil
	}
	if _, err := s.commit(ctx, nil, add); err != nil {
		return res, fmt.Errorf("import N-Quads: %w", err)
	}
	res.Added = len(add)
	s.cache.reset()
	x, err := buildIndex(context.WithoutCancel(ctx), readerOf(s.be))
	if err != nil {
		return res, fmt.Errorf("import N-Quads: committed, but %w", err)
	}
	s.index.replaceWith(x)
	return res, nil
}
