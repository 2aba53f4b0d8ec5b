package loaders

import (
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/policygraph/policygraph/seeds"
)

// coordinatesFile gives each place of places.tsv the approximate WGS 84
// coordinates of its seat; its header says where they come from and how
// far to trust them.
const coordinatesFile = "gazetteer/coordinates.tsv"

// lonLat is a point in WGS 84 degrees.
type lonLat struct{ lon, lat float64 }

// seatCoordinates reads coordinatesFile once: the points by the place's
// GB/T 2260 code, or by its full name for a place without a code.
var seatCoordinates = sync.OnceValues(func() (map[string]lonLat, error) {
	rows, err := seeds.Table(coordinatesFile)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || rows[0].Get(0) != "place" {
		return nil, fmt.Errorf("%s: want the header row place, lon, lat, seat", coordinatesFile)
	}
	out := make(map[string]lonLat, len(rows))
	for _, r := range rows[1:] {
		key := r.Get(0)
		lon, err1 := strconv.ParseFloat(r.Get(1), 64)
		lat, err2 := strconv.ParseFloat(r.Get(2), 64)
		switch {
		case key == "":
			return nil, fmt.Errorf("%s:%d: no place", coordinatesFile, r.Line)
		case err1 != nil || err2 != nil:
			return nil, fmt.Errorf("%s:%d: lon and lat must be decimal degrees, got %q %q", coordinatesFile, r.Line, r.Get(1), r.Get(2))
		case lon < 73 || lon > 136 || lat < 3 || lat > 54 || math.IsNaN(lon) || math.IsNaN(lat):
			// China's extent: a swapped pair or a typo lands outside it.
			return nil, fmt.Errorf("%s:%d: %s at %g, %g lies outside China (lon 73..136, lat 3..54): lon and lat swapped?", coordinatesFile, r.Line, key, lon, lat)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("%s:%d: %s is listed twice", coordinatesFile, r.Line, key)
		}
		out[key] = lonLat{lon, lat}
	}
	return out, nil
})

// seat returns the coordinates coordinatesFile gives p, or 0, 0 when it
// lists none (regions are sets of places and have no seat). The file is
// embedded and TestEveryPlaceHasCoordinates reads it whole, so a malformed
// file is a build defect, reported as template.Must reports a bad template.
func (p *Place) seat() (lon, lat float64) {
	points, err := seatCoordinates()
	if err != nil {
		panic("loaders: " + err.Error())
	}
	key := p.Code
	if key == "" {
		key = p.Name
	}
	pt := points[key]
	return pt.lon, pt.lat
}

// distanceKm returns the great-circle distance between the seats of p and
// q in kilometres, or -1 when either has no seat.
func distanceKm(p, q *Place) float64 {
	lon1, lat1 := p.seat()
	lon2, lat2 := q.seat()
	if lon1 == 0 && lat1 == 0 || lon2 == 0 && lat2 == 0 {
		return -1
	}
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
