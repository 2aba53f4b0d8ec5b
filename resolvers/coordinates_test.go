package resolvers_test

import (
	"encoding/json"
	"math"
	"testing"
)

// TestPlaceCoordinates reads the seats' coordinates back through the
// store and the API: loaders put them on the gazetteer's places, the store
// keeps them (pg:lonlat), and Place.lon and Place.lat give them, null for a
// region, which has no seat.
func TestPlaceCoordinates(t *testing.T) {
	e := seedEnv(t)
	var d struct {
		Chengdu struct{ Lon, Lat *float64 }
		Regions struct {
			Nodes []struct {
				Name     string
				Lon, Lat *float64
			}
		}
	}
	e.data(`{
		chengdu: node(id: "place/510100") { ... on Place { lon lat } }
		regions: places(filter: {level: REGION}, first: 3) { nodes { name lon lat } }
	}`, nil, &d)
	if c := d.Chengdu; c.Lon == nil || c.Lat == nil || math.Abs(*c.Lon-104.07) > 0.5 || math.Abs(*c.Lat-30.67) > 0.5 {
		t.Errorf("成都 at %v, %v: want within 0.5° of 104.07 E, 30.67 N", c.Lon, c.Lat)
	}
	if len(d.Regions.Nodes) == 0 {
		t.Fatal("no regions in the seed store")
	}
	for _, r := range d.Regions.Nodes {
		if r.Lon != nil || r.Lat != nil {
			t.Errorf("region %s has a lon or lat: want null, a region has no seat", r.Name)
		}
	}
}

// TestGeoJSONExportOfTheSeed is the check over HTTP: the GeoJSON
// export of the seed puts 成都 within 0.5° of 104.07 E, 30.67 N and draws
// initiatives as lines between their places.
func TestGeoJSONExportOfTheSeed(t *testing.T) {
	e := seedEnv(t)
	res, err := e.srv.Client().Get(e.srv.URL + "/export?format=geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "application/geo+json" {
		t.Fatalf("GET /export?format=geojson = %d %s, want 200 application/geo+json", res.StatusCode, ct)
	}
	var fc struct {
		Type     string
		Features []struct {
			Type     string
			ID       string
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
			Properties map[string]any
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" {
		t.Errorf("type %q, want FeatureCollection", fc.Type)
	}
	lines, railway := 0, false
	for _, f := range fc.Features {
		switch {
		case f.ID == "place/510100":
			var p [2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil || math.Abs(p[0]-104.07) > 0.5 || math.Abs(p[1]-30.67) > 0.5 {
				t.Errorf("成都 at %s: want [lon, lat] within 0.5° of [104.07, 30.67]", f.Geometry.Coordinates)
			}
		case f.Geometry.Type == "LineString":
			lines++
			for _, k := range []string{"name", "stage", "category", "evidence"} {
				if _, ok := f.Properties[k]; !ok {
					t.Errorf("%s has no %s property", f.ID, k)
				}
			}
			railway = railway || f.Properties["name"] == "成资市域(郊)铁路"
		}
	}
	if lines == 0 || !railway {
		t.Errorf("%d LineString features, 成资市域(郊)铁路 among them: %v; want lines for the initiatives between two places", lines, railway)
	}
}
