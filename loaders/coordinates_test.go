package loaders

import (
	"math"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

// TestEveryPlaceHasCoordinates reads coordinates.tsv whole and checks it
// against places.tsv: every place but the regions has a point, every row
// names a place, and each point sits where its parent suggests, which
// catches a swapped pair or a mistyped digit in a hand-recorded file.
func TestEveryPlaceHasCoordinates(t *testing.T) {
	points, err := seatCoordinates()
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, p := range g.Places {
		if p.isRegion() {
			continue
		}
		key := p.Code
		if key == "" {
			key = p.Name
		}
		listed[key] = true
		e := p.Entity()
		if !e.Located() {
			t.Errorf("%s (%s) has no coordinates in %s", p.Name, key, coordinatesFile)
			continue
		}
		// A county lies within 1.6° of its prefecture's seat, but in the
		// three western autonomous prefectures (seats at their eastern edge)
		// and in 重庆, whose counties have no prefecture, within 5°; a
		// prefecture lies within 9° of its province's capital.
		if q := p.Parent; q != nil && q.Level != graph.LevelCountry {
			qe := q.Entity()
			limit := 1.6
			switch {
			case p.Level == graph.LevelPrefecture || p.Level == graph.LevelNewArea:
				limit = 9
			case q.Level == graph.LevelProvince || q.Code == "513200" || q.Code == "513300" || q.Code == "513400":
				limit = 5
			}
			if d := math.Hypot(e.Lon-qe.Lon, e.Lat-qe.Lat); d > limit {
				t.Errorf("%s at %.2f, %.2f lies %.1f° from %s at %.2f, %.2f: want within %.1f°", p.Name, e.Lon, e.Lat, d, q.Name, qe.Lon, qe.Lat, limit)
			}
		}
	}
	for key := range points {
		if !listed[key] {
			t.Errorf("%s lists %s, which is no place of places.tsv", coordinatesFile, key)
		}
	}
}

func TestSeatCoordinates(t *testing.T) {
	g, err := NewGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id       string
		lon, lat float64 // a published position of the seat
	}{
		{"place/510100", 104.07, 30.67}, // 成都, the check
		{"place/500000", 106.55, 29.56}, // 重庆
		{"place/512000", 104.63, 30.12}, // 资阳
		{"place/513300", 101.96, 30.05}, // 康定, 甘孜's seat
	} {
		p := g.Places[c.id]
		if p == nil {
			t.Fatalf("no place %s", c.id)
		}
		e := p.Entity()
		if math.Abs(e.Lon-c.lon) > 0.5 || math.Abs(e.Lat-c.lat) > 0.5 {
			t.Errorf("%s at %.2f, %.2f: want within 0.5° of %.2f, %.2f", p.Name, e.Lon, e.Lat, c.lon, c.lat)
		}
	}
}
