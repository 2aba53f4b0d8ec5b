package graph_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

// BenchmarkPathsTwoEnded asks paths (maxHops 4, first 5) between place
// pairs 1, 2, 3 and 4 hops apart on a bbolt store of generated reports,
// four ways taking turns on each pair, so that they share the machine's
// load:
//
//	index     Index.Find, ShortestPaths, then Store.Entities for the nodes'
//	          names, as the resolver of the GraphQL paths field reads them
//	edges     the same without the names (paths { length edges { ... } })
//	cayley1   Store.CayleyPaths: Cayley's path API, one-ended
//	cayley2   Store.CayleyPathsTwoEnded: Cayley's path API from both ends
//
// Each iteration asks the next pair (pairsPerHop of them, in turn) all four
// ways, the first way changing from one iteration to the next. It reports
// each way's p50 and p99 in ms and the ratios of Cayley's to the index's
// with names (x1 one-ended, x2 two-ended) and of one-ended to two-ended
// (x12); ns/op is the four calls together.
//
// warm: every pair is asked once each way before the clock runs, so the
// file is in the page cache and the store's entity cache holds the names.
// cold: before each call the store is closed, the file dropped from the
// page cache (dd iflag=nocache count=0), and the store opened again from its
// index snapshot, off the clock; the call then reads the file from disk.
//
// The store is POLICYGRAPH_PATHS_DB, built beforehand (without it, 10
// generated reports loaded into a temporary file):
//
//	policygraph gen --reports 100 --seed 1 /tmp/r100
//	policygraph load --db /tmp/r100.db /tmp/r100/*.txt
//	POLICYGRAPH_PATHS_DB=/tmp/r100.db go test -run '^$' -bench PathsTwoEnded/warm -benchtime 30x ./graph
//	POLICYGRAPH_PATHS_DB=/tmp/r100.db go test -run '^$' -bench PathsTwoEnded/cold -benchtime 10x ./graph
//
// 30x asks each of the 30 pairs once, 10x the first 10; on 100 reports the
// one-ended walks make the warm run take about two and a half minutes, the
// cold one about one.
func BenchmarkPathsTwoEnded(b *testing.B) {
	ctx := context.Background()
	db := os.Getenv("POLICYGRAPH_PATHS_DB")
	if db == "" {
		db = generatedStore(b, 10)
	}
	st, err := graph.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { st.Close() }()
	const pairsPerHop, maxHops, first = 30, 4, 5
	x := st.Index()
	b.Logf("%s: %d nodes, %d edges", db, x.Len(), x.EdgeCount())
	pairs := make([][][2]string, maxHops+1)
	for h := 1; h <= maxHops; h++ {
		pairs[h] = placePairs(x, h, pairsPerHop, uint64(h))
		if len(pairs[h]) == 0 {
			b.Fatalf("no places %d hops apart", h)
		}
	}
	type way struct {
		name string
		ask  func(from, to string) ([]graph.Path, error)
	}
	// index asks as the resolver does; with names, it reads them as the
	// resolver reads the nodes of a paths answer.
	index := func(from, to string, names bool) ([]graph.Path, error) {
		x := st.Index()
		fs, err := x.Find(from)
		if err != nil {
			return nil, err
		}
		ts, err := x.Find(to)
		if err != nil {
			return nil, err
		}
		ps, err := graph.ShortestPaths(ctx, x, fs[0], ts[0], maxHops, first, nil)
		if err != nil || !names {
			return ps, err
		}
		var ids []string
		for _, p := range ps {
			ids = append(ids, p.Nodes...)
		}
		_, err = st.Entities(ctx, ids)
		return ps, err
	}
	ways := []way{
		{"index", func(from, to string) ([]graph.Path, error) { return index(from, to, true) }},
		{"edges", func(from, to string) ([]graph.Path, error) { return index(from, to, false) }},
		{"cayley1", func(from, to string) ([]graph.Path, error) {
			ps, _, err := st.CayleyPaths(ctx, from, to, maxHops, first, nil)
			return ps, err
		}},
		{"cayley2", func(from, to string) ([]graph.Path, error) {
			ps, _, err := st.CayleyPathsTwoEnded(ctx, from, to, maxHops, first, nil)
			return ps, err
		}},
	}
	// ask times one call and checks it found the index's paths.
	want := map[[2]string][]graph.Path{}
	ask := func(b *testing.B, w way, p [2]string) time.Duration {
		start := time.Now()
		ps, err := w.ask(p[0], p[1])
		d := time.Since(start)
		if err != nil {
			b.Fatalf("%s %s -> %s: %v", w.name, p[0], p[1], err)
		}
		if wp, ok := want[p]; !ok {
			want[p] = ps
		} else if !samePathNodes(ps, wp) {
			b.Fatalf("%s %s -> %s: %d paths, not those of the others (%d)", w.name, p[0], p[1], len(ps), len(wp))
		}
		return d
	}
	cold := func(b *testing.B) {
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if out, err := exec.Command("dd", "if="+db, "iflag=nocache", "count=0").CombinedOutput(); err != nil {
			b.Fatalf("dd: %v: %s", err, out)
		}
		if st, err = graph.Open(ctx, db); err != nil {
			b.Fatal(err)
		}
		// Opening from the snapshot reads little of the file; drop that too.
		if out, err := exec.Command("dd", "if="+db, "iflag=nocache", "count=0").CombinedOutput(); err != nil {
			b.Fatalf("dd: %v: %s", err, out)
		}
	}
	for _, mode := range []string{"warm", "cold"} {
		for h := 1; h <= maxHops; h++ {
			b.Run(fmt.Sprintf("%s/hops=%d", mode, h), func(b *testing.B) {
				ps := pairs[h]
				if mode == "warm" {
					for _, p := range ps {
						for _, w := range ways {
							ask(b, w, p)
						}
					}
				}
				times := make([][]time.Duration, len(ways))
				i := 0
				for b.Loop() {
					p := ps[i%len(ps)]
					for j := range ways {
						k := (i + j) % len(ways)
						if mode == "cold" {
							b.StopTimer()
							cold(b)
							b.StartTimer()
						}
						times[k] = append(times[k], ask(b, ways[k], p))
					}
					i++
				}
				p50, p99 := map[string]float64{}, map[string]float64{}
				for k, w := range ways {
					slices.Sort(times[k])
					p50[w.name], p99[w.name] = ms(percentile(times[k], 50)), ms(percentile(times[k], 99))
					b.ReportMetric(p50[w.name], w.name+"-p50-ms")
					b.ReportMetric(p99[w.name], w.name+"-p99-ms")
				}
				b.ReportMetric(p50["cayley1"]/p50["index"], "x1-p50")
				b.ReportMetric(p99["cayley1"]/p99["index"], "x1-p99")
				b.ReportMetric(p50["cayley2"]/p50["index"], "x2-p50")
				b.ReportMetric(p99["cayley2"]/p99["index"], "x2-p99")
				b.ReportMetric(p50["cayley1"]/p50["cayley2"], "x12-p50")
				b.ReportMetric(float64(min(i, len(ps))), "pairs")
			})
		}
	}
}

// generatedStore loads n reports of `policygraph gen --seed 1` into a bbolt
// file in a temporary directory, closed so that it has its index snapshot,
// and returns its path.
func generatedStore(b *testing.B, n int) string {
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "gen.db")
	st, err := graph.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		b.Fatal(err)
	}
	err = loaders.Synthesize(1, n, func(name string, text []byte) error {
		_, err := loaders.Load(ctx, st, gz, name, text, loaders.Meta{})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	return db
}

// samePathNodes reports whether a and b are the same paths through the same
// nodes.
func samePathNodes(a, b []graph.Path) bool {
	return slices.EqualFunc(a, b, func(p, q graph.Path) bool { return slices.Equal(p.Nodes, q.Nodes) })
}

// percentile returns the p-th percentile of the sorted ds (nearest rank).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := (len(ds)*p + 99) / 100
	return ds[max(i-1, 0)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
