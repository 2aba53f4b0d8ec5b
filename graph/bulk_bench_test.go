package graph_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cayleygraph/quad"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestLoadAtScale measures loading synthetic reports (loaders.Synthesize)
// through the load pipeline (extraction on GOMAXPROCS workers, one writer
// calling WriteDocuments) against the raw Cayley bulk-write rate of the same
// backend for the same quads, and the latency of one Connect on the index.
// It is long, so it runs only when asked:
//
//	POLICYGRAPH_SCALE=10,100,1000 POLICYGRAPH_SCALE_BACKENDS=bolt,memory \
//	POLICYGRAPH_SCALE_PLOT=../docs/scale.png go test -run LoadAtScale -v -timeout 60m ./graph
//
// POLICYGRAPH_SCALE_RAW=0 skips the raw-write comparison. PostgreSQL is
// measured when POLICYGRAPH_TEST_POSTGRES is set and "postgres" is listed.
func TestLoadAtScale(t *testing.T) {
	sizes := os.Getenv("POLICYGRAPH_SCALE")
	if sizes == "" {
		t.Skip("set POLICYGRAPH_SCALE=10,100,1000 to run (minutes)")
	}
	backends := strings.Split(cmpOr(os.Getenv("POLICYGRAPH_SCALE_BACKENDS"), "bolt"), ",")
	if os.Getenv("GOGC") == "" {
		// as `policygraph load` runs (cmd/policygraph's loadGCPercent and
		// loadMemoryLimit), for the pipeline and the raw write alike
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(8 << 30))
	}
	var rows []scaleRow
	for _, be := range backends {
		for _, f := range strings.Split(sizes, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("POLICYGRAPH_SCALE: %v", err)
			}
			dsn := scaleDSN(t, be)
			if dsn == "" {
				continue
			}
			r := loadScale(t, be, dsn, n)
			if os.Getenv("POLICYGRAPH_SCALE_RAW") != "0" {
				// the raw rate is Cayley's best: of two transaction sizes,
				// the faster (a big one is slow into a small file), or of
				// those in POLICYGRAPH_SCALE_RAW_BATCHES (e.g. 10000 alone
				// for PostgreSQL, where 10k was the faster at 10 and 100
				// reports and a raw run of 1,000 takes a quarter hour)
				batches := []int{10_000, graph.BatchQuads}
				if list := os.Getenv("POLICYGRAPH_SCALE_RAW_BATCHES"); list != "" {
					batches = nil
					for _, f := range strings.Split(list, ",") {
						b, err := strconv.Atoi(f)
						if err != nil || b < 1 {
							t.Fatalf("POLICYGRAPH_SCALE_RAW_BATCHES: %q is not a quad count", f)
						}
						batches = append(batches, b)
					}
				}
				for _, batch := range batches {
					sec := rawWrite(t, scaleDSN(t, be), n, batch)
					t.Logf("%s, %d reports: raw write in transactions of %d quads: %.1f s", be, n, batch, sec)
					if r.rawSec == 0 || sec < r.rawSec {
						r.rawSec = sec
					}
				}
			}
			t.Log(r)
			rows = append(rows, r)
		}
	}
	t.Logf("| backend | reports | MB | quads | index edges | load s | docs/s | MB/s | quads/s | raw quads/s | pipeline/raw | connect p50 | connect p99 |")
	for _, r := range rows {
		t.Log(r.markdown())
	}
	if out := os.Getenv("POLICYGRAPH_SCALE_PLOT"); out != "" {
		if err := plotScale(rows, out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScalePlot draws docs/scale.png from the rows of one or more
// TestLoadAtScale logs (go test -v output, or the markdown table in
// docs/benchmarks-history.md), for when backends were measured in separate runs:
//
//	POLICYGRAPH_SCALE_PLOT_FROM=bolt.log,pg.log POLICYGRAPH_SCALE_PLOT=../docs/scale.png \
//	  go test -count=1 -run TestScalePlot ./graph
func TestScalePlot(t *testing.T) {
	from, out := os.Getenv("POLICYGRAPH_SCALE_PLOT_FROM"), os.Getenv("POLICYGRAPH_SCALE_PLOT")
	if from == "" || out == "" {
		t.Skip("set POLICYGRAPH_SCALE_PLOT_FROM and POLICYGRAPH_SCALE_PLOT")
	}
	seen := make(map[string]bool)
	var rows []scaleRow
	for _, f := range strings.Split(from, ",") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			r, ok := parseScaleRow(line)
			if !ok || seen[r.backend+"/"+strconv.Itoa(r.reports)] {
				continue
			}
			seen[r.backend+"/"+strconv.Itoa(r.reports)] = true
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("no rows in %s", from)
	}
	slices.SortStableFunc(rows, func(a, b scaleRow) int {
		return cmp.Or(strings.Compare(a.backend, b.backend), cmp.Compare(a.reports, b.reports))
	})
	if err := plotScale(rows, out); err != nil {
		t.Fatal(err)
	}
	t.Logf("plotted %d rows into %s", len(rows), out)
}

// parseScaleRow reads the backend, reports, load seconds and Connect p50
// back from a row as scaleRow.markdown writes it.
func parseScaleRow(line string) (scaleRow, bool) {
	i := strings.Index(line, "| ")
	if i < 0 {
		return scaleRow{}, false
	}
	cells := strings.Split(strings.Trim(strings.TrimSpace(line[i:]), "|"), "|")
	if len(cells) != 13 {
		return scaleRow{}, false
	}
	for k := range cells {
		cells[k] = strings.TrimSpace(cells[k])
	}
	var r scaleRow
	var err error
	r.backend = strings.Trim(cells[0], "* ")
	if r.reports, err = strconv.Atoi(strings.ReplaceAll(cells[1], ",", "")); err != nil {
		return scaleRow{}, false
	}
	if r.loadSec, err = strconv.ParseFloat(strings.ReplaceAll(cells[5], ",", ""), 64); err != nil {
		return scaleRow{}, false
	}
	if r.p50, err = time.ParseDuration(strings.ReplaceAll(cells[11], " ", "")); err != nil {
		return scaleRow{}, false
	}
	return r, true
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// scaleDSN returns a fresh store of backend be, or "" to skip it.
func scaleDSN(t *testing.T, be string) string {
	switch be {
	case "memory":
		return "memory"
	case "bolt":
		return filepath.Join(t.TempDir(), "scale.db")
	case "postgres":
		if os.Getenv("POLICYGRAPH_TEST_POSTGRES") == "" {
			t.Log("skipping postgres: POLICYGRAPH_TEST_POSTGRES is not set")
			return ""
		}
		return postgresDSN(t)
	}
	t.Fatalf("unknown backend %q", be)
	return ""
}

type scaleRow struct {
	backend         string
	reports         int
	bytes           int64
	quads           int64
	edges           int
	loadSec, rawSec float64
	p50, p99        time.Duration
}

func (r scaleRow) String() string { return r.markdown() }

func (r scaleRow) markdown() string {
	mb := float64(r.bytes) / 1e6
	raw, ratio := "", ""
	if r.rawSec > 0 {
		raw = fmt.Sprintf("%.0f", float64(r.quads)/r.rawSec)
		ratio = fmt.Sprintf("%.2f", r.rawSec/r.loadSec)
	}
	return fmt.Sprintf("| %s | %d | %.1f | %d | %d | %.1f | %.1f | %.2f | %.0f | %s | %s | %v | %v |", r.backend, r.reports, mb,
		r.quads, r.edges, r.loadSec, float64(r.reports)/r.loadSec, mb/r.loadSec, float64(r.quads)/r.loadSec, raw, ratio,
		r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond))
}

// loadScale loads n synthetic reports into dsn the way `policygraph load`
// does and measures it, then times Connect(成都, 资阳) on the index.
func loadScale(t *testing.T, be, dsn string, n int) scaleRow {
	ctx := context.Background()
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	var reports []loaders.Synthetic
	var size int64
	for i := range n {
		r, err := loaders.SynthesizeReport(1, i)
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, r)
		size += int64(len(r.Text))
	}
	st, err := graph.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	if err := loaders.EnsureGazetteer(ctx, st, gz); err != nil {
		t.Fatal(err)
	}
	// extraction on GOMAXPROCS workers, in order, one writer in batches
	workers := runtime.GOMAXPROCS(0)
	out := make([]chan *graph.DocumentGraph, n)
	for i := range out {
		out[i] = make(chan *graph.DocumentGraph, 1)
	}
	// as loadFiles: extraction runs at most 48 reports ahead of the writer
	slots := make(chan struct{}, max(4*workers, 48))
	jobs := make(chan int)
	go func() {
		for i := range n {
			slots <- struct{}{}
			jobs <- i
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				g, err := loaders.Extract(ctx, gz, reports[i].Name, reports[i].Text, loaders.Meta{})
				if err != nil {
					t.Error(err)
				}
				out[i] <- g
			}
		})
	}
	var pending []*graph.DocumentGraph
	flush := func() {
		res, err := st.WriteDocuments(ctx, pending)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
		}
		pending = pending[:0]
	}
	for i := range n {
		pending = append(pending, <-out[i])
		<-slots
		if len(pending) >= 128 || (i+1 < n && len(out[i+1]) == 0) {
			flush()
		}
	}
	flush()
	wg.Wait()
	r := scaleRow{backend: be, reports: n, bytes: size, loadSec: time.Since(start).Seconds()}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r.quads, r.edges = stats.Quads, st.Index().EdgeCount()
	x := st.Index()
	a, _ := x.Lookup("place/510100")
	b, _ := x.Lookup("place/512000")
	var lat []time.Duration
	for range 200 {
		t0 := time.Now()
		if _, err := graph.Connect(ctx, x, []graph.NodeRef{a}, []graph.NodeRef{b}, false); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	return r
}

// rawWrite writes the quads of the same n reports (the gazetteer first)
// straight into a fresh store of the backend, batch quads per transaction,
// and returns the seconds spent writing. Extraction and encoding are not
// timed.
func rawWrite(t *testing.T, dsn string, n, batch int) float64 {
	ctx := context.Background()
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	st, err := graph.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var buf []quad.Quad
	var spent time.Duration
	write := func() {
		t0 := time.Now()
		if err := st.ApplyForBench(ctx, buf); err != nil {
			t.Fatal(err)
		}
		spent += time.Since(t0)
		buf = buf[:0]
	}
	add := func(g *graph.DocumentGraph) {
		qs, err := graph.EncodeForBench(g)
		if err != nil {
			t.Fatal(err)
		}
		buf = append(buf, qs...)
		if len(buf) >= batch {
			write()
		}
	}
	add(loaders.GazetteerGraph(gz))
	for i := range n {
		r, err := loaders.SynthesizeReport(1, i)
		if err != nil {
			t.Fatal(err)
		}
		g, err := loaders.Extract(ctx, gz, r.Name, r.Text, loaders.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		add(g)
	}
	write()
	return spent.Seconds()
}

// plotScale draws load time and Connect latency against the number of
// reports, one line per backend, on log-log axes, into a PNG file.
func plotScale(rows []scaleRow, file string) error {
	byBackend := map[string][]scaleRow{}
	var order []string
	for _, r := range rows {
		if byBackend[r.backend] == nil {
			order = append(order, r.backend)
		}
		byBackend[r.backend] = append(byBackend[r.backend], r)
	}
	panel := func(title, ylabel string, y func(scaleRow) float64) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "synthetic reports (~10 KB each)"
		p.Y.Label.Text = ylabel
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
		p.Legend.Top, p.Legend.Left = true, true
		for k, be := range order {
			var pts plotter.XYs
			for _, r := range byBackend[be] {
				pts = append(pts, plotter.XY{X: float64(r.reports), Y: y(r)})
			}
			l, s, err := plotter.NewLinePoints(pts)
			if err != nil {
				return nil, err
			}
			l.Color, s.Color = plotutil.Color(k), plotutil.Color(k)
			p.Add(l, s)
			p.Legend.Add(be, l, s)
		}
		return p, nil
	}
	load, err := panel("Load time (pipeline)", "seconds", func(r scaleRow) float64 { return r.loadSec })
	if err != nil {
		return err
	}
	lat, err := panel("Connect(Chengdu, Ziyang) on the index, p50", "microseconds", func(r scaleRow) float64 {
		return float64(r.p50) / float64(time.Microsecond)
	})
	if err != nil {
		return err
	}
	const w, h = 12 * vg.Inch, 4.5 * vg.Inch
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	for i, p := range []*plot.Plot{load, lat} {
		p.Draw(tiles.At(dc, i, 0))
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
