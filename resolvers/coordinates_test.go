package resolvers_test

import (
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
