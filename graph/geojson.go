package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// GeoJSON export (RFC 7946): a FeatureCollection with a Point for every
// located place of the export and, for every initiative tied to located
// places (LOCATED_IN or CONNECTS), a Point (one place), a LineString (two)
// or a MultiPoint (more) at those places (a province stands at its
// capital; the country, whose point is its capital, is left out of them). Positions are [lon, lat] in WGS 84,
// the approximate seat coordinates of seeds/gazetteer/coordinates.tsv, so
// QGIS and geopandas read the file with no projection to choose. Nodes with
// no position (regions, bodies, programmes, targets, initiatives tied to no
// located place) are left out; the export is a map, the other formats keep
// the whole graph.

type geoCollection struct {
	Type     string       `json:"type"`
	Name     string       `json:"name,omitempty"` // a foreign member QGIS shows as the layer name
	Features []geoFeature `json:"features"`
}

type geoFeature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Geometry   geoGeometry    `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geoGeometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// position is an RFC 7946 position: longitude first.
func position(n *ExportNode) [2]float64 { return [2]float64{n.Lon, n.Lat} }

// WriteGeoJSON writes g's located places and initiatives as a GeoJSON
// FeatureCollection.
func (g *ExportGraph) WriteGeoJSON(w io.Writer) error {
	byID := make(map[string]*ExportNode, len(g.Nodes))
	for i := range g.Nodes {
		byID[g.Nodes[i].ID] = &g.Nodes[i]
	}
	// The located places of each initiative, and the facts that tie them.
	places := map[string][]*ExportNode{}
	facts := map[string]int{}
	for _, e := range g.Edges {
		if e.Relation != RelLocatedIn && e.Relation != RelConnects {
			continue
		}
		from, to := byID[e.Source], byID[e.Target]
		if from == nil || to == nil || from.Kind != KindInitiative || to.Kind != KindPlace || !to.located() ||
			to.Level == LevelCountry { // 中国's point is Beijing: a line there says nothing about the initiative
			continue
		}
		if !slices.Contains(places[from.ID], to) {
			places[from.ID] = append(places[from.ID], to)
		}
		facts[from.ID] += e.Facts
	}
	fc := geoCollection{Type: "FeatureCollection", Name: "policygraph", Features: []geoFeature{}}
	if g.Centre != nil {
		fc.Name = "policygraph " + g.Centre.Name
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		switch {
		case n.Kind == KindPlace && n.located():
			fc.Features = append(fc.Features, geoFeature{Type: "Feature", ID: n.ID,
				Geometry: geoGeometry{Type: "Point", Coordinates: position(n)},
				Properties: map[string]any{"id": n.ID, "kind": string(n.Kind), "name": n.Name, "english": n.English,
					"level": string(n.Level), "code": n.Code}})
		case n.Kind == KindInitiative && len(places[n.ID]) > 0:
			ps := places[n.ID]
			slices.SortFunc(ps, func(a, b *ExportNode) int { return strings.Compare(a.ID, b.ID) })
			var geom geoGeometry
			switch len(ps) {
			case 1:
				geom = geoGeometry{Type: "Point", Coordinates: position(ps[0])}
			case 2:
				geom = geoGeometry{Type: "LineString", Coordinates: [][2]float64{position(ps[0]), position(ps[1])}}
			default:
				pos := make([][2]float64, len(ps))
				for j, p := range ps {
					pos[j] = position(p)
				}
				geom = geoGeometry{Type: "MultiPoint", Coordinates: pos}
			}
			names := make([]string, len(ps))
			for j, p := range ps {
				names[j] = p.Name
			}
			fc.Features = append(fc.Features, geoFeature{Type: "Feature", ID: n.ID, Geometry: geom,
				Properties: map[string]any{"id": n.ID, "kind": string(n.Kind), "name": n.Name,
					"stage": string(n.Stage), "category": string(n.Category),
					// evidence: the facts (each citing a sentence, or a rule
					// when inferred) that tie the initiative to these places
					"evidence": facts[n.ID], "places": names}})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fc); err != nil {
		return fmt.Errorf("export geojson: %w", err)
	}
	return nil
}

// located reports whether the node has a position.
func (n *ExportNode) located() bool { return n.Lon != 0 || n.Lat != 0 }
