package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

// TestGeoJSONExport writes the export graphs with 成都 and 资阳 located and
// checks the GeoJSON against what RFC 7946 requires (validateGeoJSON), then
// its content: places as Points at [lon, lat], the railway as a LineString
// between them with its name, stage, category and evidence count, an
// initiative of one place as a Point, and nothing for what has no position.
func TestGeoJSONExport(t *testing.T) {
	gs := exportGraphs()
	for i := range gs[0].Entities {
		e := &gs[0].Entities[i]
		switch e.ID {
		case xChengdu:
			e.Lon, e.Lat = 104.07, 30.67
		case xZiyang:
			e.Lon, e.Lat = 104.63, 30.13
		}
	}
	st := openStore(t, "memory")
	for _, g := range gs {
		if _, err := st.WriteDocument(context.Background(), g); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := st.Export(context.Background(), &buf, graph.FormatGeoJSON, graph.ExportScope{}); err != nil {
		t.Fatal(err)
	}
	if problems := validateGeoJSON(buf.Bytes()); len(problems) > 0 {
		t.Fatalf("the GeoJSON is invalid:\n%v\n%s", problems, buf.String())
	}
	var fc struct {
		Features []struct {
			ID       string
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range fc.Features {
		got[f.ID] = f.Geometry.Type + " " + string(f.Geometry.Coordinates)
		if f.ID == xRail {
			p := f.Properties
			if p["name"] != "成资市域(郊)铁路" || p["stage"] != string(graph.StageCompleted) || p["category"] != string(graph.CategoryRail) || p["evidence"] != 4.0 {
				t.Errorf("the railway's properties are %v, want its name, stage COMPLETED, category RAIL and 4 facts as evidence", p)
			}
		}
	}
	want := map[string]string{
		xChengdu: "Point [104.07,30.67]",
		xZiyang:  "Point [104.63,30.13]",
		xRail:    "LineString [[104.07,30.67],[104.63,30.13]]",
		xOdd:     "Point [104.63,30.13]",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("feature %s = %q, want %q", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("features %v, want only %v: the region, the body and the documents have no position", got, want)
	}
}

// validateGeoJSON returns what breaks RFC 7946 in data, for the geometry
// types the export writes: a FeatureCollection of Features, each with a
// geometry (Point, MultiPoint or LineString of at least two positions) or
// null, and properties (an object or null); positions are [lon, lat] in
// range; no crs member (RFC 7946 §4 dropped it: WGS 84 only).
func validateGeoJSON(data []byte) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return []string{"not a JSON object: " + err.Error()}
	}
	var typ string
	json.Unmarshal(top["type"], &typ)
	if typ != "FeatureCollection" {
		bad("type is %q, want FeatureCollection", typ)
	}
	if _, ok := top["crs"]; ok {
		bad("a crs member: RFC 7946 has none")
	}
	var features []map[string]json.RawMessage
	if err := json.Unmarshal(top["features"], &features); err != nil || features == nil {
		bad("features is not an array")
	}
	position := func(where string, raw json.RawMessage) {
		var p []float64
		if err := json.Unmarshal(raw, &p); err != nil || len(p) < 2 {
			bad("%s: position %s is not [lon, lat]", where, raw)
			return
		}
		if math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
			bad("%s: position %v out of range (lon first)", where, p)
		}
	}
	for i, f := range features {
		where := fmt.Sprintf("feature %d", i)
		var ft string
		json.Unmarshal(f["type"], &ft)
		if ft != "Feature" {
			bad("%s: type %q, want Feature", where, ft)
		}
		if id, ok := f["id"]; ok {
			var v any
			json.Unmarshal(id, &v)
			switch v.(type) {
			case string, float64:
			default:
				bad("%s: id %s is neither string nor number", where, id)
			}
		}
		var props any
		if err := json.Unmarshal(f["properties"], &props); err != nil {
			bad("%s: no properties member", where)
		} else if _, ok := props.(map[string]any); !ok && props != nil {
			bad("%s: properties is neither an object nor null", where)
		}
		g, ok := f["geometry"]
		if !ok {
			bad("%s: no geometry member", where)
			continue
		}
		if string(g) == "null" {
			continue
		}
		var geom struct {
			Type        string
			Coordinates json.RawMessage
		}
		if err := json.Unmarshal(g, &geom); err != nil {
			bad("%s: geometry is not an object", where)
			continue
		}
		switch geom.Type {
		case "Point":
			position(where, geom.Coordinates)
		case "MultiPoint", "LineString":
			var ps []json.RawMessage
			if err := json.Unmarshal(geom.Coordinates, &ps); err != nil {
				bad("%s: %s coordinates are not an array of positions", where, geom.Type)
				continue
			}
			if geom.Type == "LineString" && len(ps) < 2 {
				bad("%s: a LineString needs two or more positions, got %d", where, len(ps))
			}
			for _, p := range ps {
				position(where, p)
			}
		default:
			bad("%s: geometry type %q is not one the export writes", where, geom.Type)
		}
	}
	return problems
}

func TestGeoJSONValidatorCatchesViolations(t *testing.T) {
	for name, doc := range map[string]string{
		"not a collection": `{"type":"Feature","features":[]}`,
		"crs":              `{"type":"FeatureCollection","crs":{},"features":[]}`,
		"lat first":        `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[30.67,104.07]},"properties":{}}]}`,
		"short line":       `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[104,30]]},"properties":{}}]}`,
		"no properties":    `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}`,
	} {
		if problems := validateGeoJSON([]byte(doc)); len(problems) == 0 {
			t.Errorf("%s: the validator accepts %s", name, doc)
		}
	}
}
