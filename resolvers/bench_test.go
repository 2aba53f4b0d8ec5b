package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
	"github.com/policygraph/policygraph/resolvers"
)

// The query benchmarks of docs/benchmarks-history.md ("Queries"): connect and paths
// answered four ways on the same store, in one run so that the ratios hold:
//
//	http       the full HTTP handler: POST /graphql over loopback (httptest), JSON decoded
//	http-index the same, asking only for fields the index answers (connections { reach },
//	           paths without nodes): no store read, so no batch loader wait
//	go         the Go call on the index, no GraphQL: Index.Find, then Connect or ShortestPaths
//	go+names   the Go call plus the Store.Entities read the resolvers make for id and name
//	cayley     the same question with Cayley's path API (Store.CayleyConnect, Store.CayleyPaths)
//
// over the seed report and a synthetic graph (PG_BENCH_EDGES edges, default
// 100 000), each in Cayley's memstore and in a bbolt file:
//
//	go test -run '^$' -bench Queries -benchtime 2s ./resolvers

const (
	connectQuery = `query($a: String!, $b: String!) { connect(a: $a, b: $b) { id name } }`
	pathsQuery   = `query($f: String!, $t: String!) { paths(from: $f, to: $t, maxHops: 4, first: 5) { length nodes { id name } edges { from to relation } } }`

	// The same questions asking only for what the index answers: no
	// entity is read from the store, so no batch loader waits.
	connectIndexQuery = `query($a: String!, $b: String!) { connections(a: $a, b: $b, first: 500) { reach } }`
	pathsIndexQuery   = `query($f: String!, $t: String!) { paths(from: $f, to: $t, maxHops: 4, first: 5) { length edges { from to relation } } }`
)

// benchEnv is a store with its HTTP server and the questions to ask of it.
type benchEnv struct {
	st      *graph.Store
	srv     *httptest.Server
	connect [2]string // place IDs
	paths   [2]string // entity IDs
}

func BenchmarkQueries(b *testing.B) {
	edges := 100_000
	if s := os.Getenv("PG_BENCH_EDGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		edges = n
	}
	for _, g := range []string{"seed", fmt.Sprintf("synthetic%dk", edges/1000)} {
		for _, backend := range []string{"memory", "bolt"} {
			b.Run(g+"/"+backend, func(b *testing.B) {
				var e *benchEnv
				if g == "seed" {
					e = seedBenchEnv(b, backend)
				} else {
					e = syntheticBenchEnv(b, backend, edges)
				}
				b.Run("connect", func(b *testing.B) { benchConnect(b, e) })
				b.Run("paths", func(b *testing.B) { benchPaths(b, e) })
			})
		}
	}
}

func benchConnect(b *testing.B, e *benchEnv) {
	ctx := context.Background()
	x := e.st.Index()
	a, c := e.connect[0], e.connect[1]
	once := func(names bool) (int, error) {
		as, err := x.Find(a)
		if err != nil {
			return 0, err
		}
		bs, err := x.Find(c)
		if err != nil {
			return 0, err
		}
		cs, err := graph.Connect(ctx, x, as, bs, false)
		if err != nil {
			return 0, err
		}
		if names {
			ids := make([]string, len(cs))
			for i, c := range cs {
				ids[i] = c.Initiative
			}
			if _, err := e.st.Entities(ctx, ids); err != nil {
				return 0, err
			}
		}
		return len(cs), nil
	}
	want, err := once(false) // the answer the others must match, even when run alone
	if err != nil {
		b.Fatal(err)
	}
	goCall := func(b *testing.B, names bool) {
		for b.Loop() {
			if _, err := once(names); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(want), "results")
	}
	b.Run("go", func(b *testing.B) { goCall(b, false) })
	b.Run("go+names", func(b *testing.B) { goCall(b, true) })
	b.Run("http", func(b *testing.B) {
		vars := map[string]any{"a": a, "b": c}
		var got int
		for b.Loop() {
			var d struct{ Connect []struct{ ID, Name string } }
			postBench(b, e.srv.URL, connectQuery, vars, &d)
			got = len(d.Connect)
		}
		if got != want {
			b.Fatalf("http: %d initiatives, go: %d", got, want)
		}
		b.ReportMetric(float64(got), "results")
	})
	b.Run("http-index", func(b *testing.B) {
		vars := map[string]any{"a": a, "b": c}
		var got int
		for b.Loop() {
			var d struct{ Connections []struct{ Reach string } }
			postBench(b, e.srv.URL, connectIndexQuery, vars, &d)
			got = len(d.Connections)
		}
		if got != want {
			b.Fatalf("http-index: %d initiatives, go: %d", got, want)
		}
		b.ReportMetric(float64(got), "results")
	})
	b.Run("cayley", func(b *testing.B) {
		var got int
		for b.Loop() {
			ids, _, err := e.st.CayleyConnect(ctx, a, c)
			if err != nil {
				b.Fatal(err)
			}
			got = len(ids)
		}
		if got != want {
			b.Fatalf("cayley: %d initiatives, go: %d", got, want)
		}
		b.ReportMetric(float64(got), "results")
	})
}

func benchPaths(b *testing.B, e *benchEnv) {
	ctx := context.Background()
	x := e.st.Index()
	from, to := e.paths[0], e.paths[1]
	once := func(names bool) (n, length int, err error) {
		fs, err := x.Find(from)
		if err != nil {
			return 0, 0, err
		}
		ts, err := x.Find(to)
		if err != nil {
			return 0, 0, err
		}
		ps, err := graph.ShortestPaths(ctx, x, fs[0], ts[0], 4, 5, nil)
		if err != nil || len(ps) == 0 {
			return 0, 0, err
		}
		if names {
			var ids []string
			for _, p := range ps {
				ids = append(ids, p.Nodes...)
			}
			if _, err := e.st.Entities(ctx, ids); err != nil {
				return 0, 0, err
			}
		}
		return len(ps), ps[0].Length(), nil
	}
	want, length, err := once(false)
	if err != nil {
		b.Fatal(err)
	}
	goCall := func(b *testing.B, names bool) {
		for b.Loop() {
			if _, _, err := once(names); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(want), "results")
		b.ReportMetric(float64(length), "hops")
	}
	b.Run("go", func(b *testing.B) { goCall(b, false) })
	b.Run("go+names", func(b *testing.B) { goCall(b, true) })
	b.Run("http", func(b *testing.B) {
		vars := map[string]any{"f": from, "t": to}
		var got int
		for b.Loop() {
			var d struct{ Paths []struct{ Length int } }
			postBench(b, e.srv.URL, pathsQuery, vars, &d)
			got = len(d.Paths)
		}
		if got != want {
			b.Fatalf("http: %d paths, go: %d", got, want)
		}
		b.ReportMetric(float64(got), "results")
	})
	b.Run("http-index", func(b *testing.B) {
		vars := map[string]any{"f": from, "t": to}
		var got int
		for b.Loop() {
			var d struct{ Paths []struct{ Length int } }
			postBench(b, e.srv.URL, pathsIndexQuery, vars, &d)
			got = len(d.Paths)
		}
		if got != want {
			b.Fatalf("http-index: %d paths, go: %d", got, want)
		}
		b.ReportMetric(float64(got), "results")
	})
	b.Run("cayley", func(b *testing.B) {
		var got int
		for b.Loop() {
			ps, _, err := e.st.CayleyPaths(ctx, from, to, 4, 5, nil)
			if err != nil {
				b.Fatal(err)
			}
			got = len(ps)
		}
		if got != want {
			b.Fatalf("cayley: %d paths, go: %d", got, want)
		}
		b.ReportMetric(float64(got), "results")
	})
}

// postBench posts a GraphQL request and decodes the data into v.
func postBench(b *testing.B, base, query string, vars map[string]any, v any) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		b.Fatal(err)
	}
	if len(r.Errors) > 0 {
		b.Fatalf("errors: %v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		b.Fatal(err)
	}
}

func openBench(b *testing.B, backend string) *graph.Store {
	dsn := backend
	if backend == "bolt" {
		dsn = filepath.Join(b.TempDir(), "bench.db")
	}
	st, err := graph.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func serveBench(b *testing.B, st *graph.Store) *httptest.Server {
	srv := httptest.NewServer(resolvers.NewServer(st, resolvers.Options{}).Handler())
	b.Cleanup(srv.Close)
	return srv
}

// seedBenchEnv asks connect(成都, 资阳) and paths from 资阳 to the farthest
// node within 4 hops.
func seedBenchEnv(b *testing.B, backend string) *benchEnv {
	ctx := context.Background()
	st := openBench(b, backend)
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile("../seeds/chengdu-2022-work-report-part1.txt")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := loaders.Load(ctx, st, gz, "chengdu-2022-work-report-part1.txt", raw, loaders.Meta{}); err != nil {
		b.Fatal(err)
	}
	const chengdu, ziyang = "place/510100", "place/512000"
	return &benchEnv{st: st, srv: serveBench(b, st), connect: [2]string{chengdu, ziyang},
		paths: [2]string{ziyang, farthest(st.Index(), ziyang, 4)}}
}

// syntheticBenchEnv writes graph.SyntheticGraph documents of 1000 facts
// each, edges in all, over edges/5 places and edges/20 initiatives (the
// proportions of the index benchmark: 100k edges, 20k places, 5k
// initiatives). It asks connect between the first place and another place of
// one of its initiatives, and paths from the first place to the farthest
// node within 4 hops.
func syntheticBenchEnv(b *testing.B, backend string, edges int) *benchEnv {
	ctx := context.Background()
	st := openBench(b, backend)
	start := time.Now()
	for i := 0; i < edges/1000; i++ {
		if _, err := st.WriteDocument(ctx, graph.SyntheticGraph(i, 1000, edges/5, edges/20)); err != nil {
			b.Fatal(err)
		}
	}
	x := st.Index()
	b.Logf("%s: %d nodes, %d edges written in %v", backend, x.Len(), x.EdgeCount(), time.Since(start).Round(time.Millisecond))
	p := "place/100000"
	pn, ok := x.Lookup(p)
	if !ok {
		b.Fatal("no place/100000")
	}
	other := ""
	for _, s := range x.Steps(pn, graph.DirectionIn, nil) {
		for _, t := range x.Steps(s.Node, graph.DirectionOut, nil) {
			if id := x.Node(t.Node).ID; id != p && other == "" {
				other = id
			}
		}
	}
	return &benchEnv{st: st, srv: serveBench(b, st), connect: [2]string{p, other},
		paths: [2]string{p, farthest(x, p, 4)}}
}

// farthest returns the ID of a node farthest from the node with ID from, at
// most maxHops away, walking edges both ways (the greatest ID among ties).
func farthest(x *graph.Index, from string, maxHops int) string {
	n, _ := x.Lookup(from)
	dist := map[graph.NodeRef]int{n: 0}
	frontier := []graph.NodeRef{n}
	last := frontier
	for d := 1; d <= maxHops && len(frontier) > 0; d++ {
		var next []graph.NodeRef
		for _, m := range frontier {
			for _, s := range x.Steps(m, graph.DirectionBoth, nil) {
				if _, ok := dist[s.Node]; !ok && x.Node(s.Node).Kind != "" {
					dist[s.Node] = d
					next = append(next, s.Node)
				}
			}
		}
		if len(next) > 0 {
			last = next
		}
		frontier = next
	}
	best := ""
	for _, m := range last {
		best = max(best, x.Node(m).ID)
	}
	return best
}
