package resolvers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// TestLoadTestServer is not a test: it is the server docs/loadtest.sh drives
// with wrk for a graph the serve command cannot load, a synthetic graph of
// PG_LOADTEST_EDGES edges (graph.SyntheticGraph, 1000 facts a document, in
// Cayley's memstore). It builds the graph, writes the questions to ask to
// PG_LOADTEST_INFO as JSON, serves the real handler on PG_LOADTEST_ADDR (a
// 127.0.0.1 address) with net/http as the serve command does, and stops when
// the file PG_LOADTEST_STOP appears or after 20 minutes. It is skipped
// unless PG_LOADTEST_ADDR is set:
//
//	PG_LOADTEST_ADDR=127.0.0.1:18081 PG_LOADTEST_EDGES=1000000 PG_LOADTEST_INFO=/tmp/info.json \
//	PG_LOADTEST_STOP=/tmp/stop go test -run TestLoadTestServer -timeout 30m ./resolvers
func TestLoadTestServer(t *testing.T) {
	addr := os.Getenv("PG_LOADTEST_ADDR")
	if addr == "" {
		t.Skip("set PG_LOADTEST_ADDR (see docs/loadtest.sh)")
	}
	edges, err := strconv.Atoi(os.Getenv("PG_LOADTEST_EDGES"))
	if err != nil || edges < 1000 {
		t.Fatalf("PG_LOADTEST_EDGES=%q: want a number of edges ≥ 1000", os.Getenv("PG_LOADTEST_EDGES"))
	}
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	for i := 0; i < edges/1000; i++ {
		if _, err := st.WriteDocument(ctx, graph.SyntheticGraph(i, 1000, edges/5, edges/20)); err != nil {
			t.Fatal(err)
		}
	}
	x := st.Index()
	t.Logf("built %d nodes, %d edges in %v", x.Len(), x.EdgeCount(), time.Since(start).Round(time.Second))
	e := &benchEnv{st: st}
	p := "place/100000"
	pn, _ := x.Lookup(p)
	other := ""
	for _, s := range x.Steps(pn, graph.DirectionIn, nil) {
		for _, u := range x.Steps(s.Node, graph.DirectionOut, nil) {
			if id := x.Node(u.Node).ID; id != p && other == "" {
				other = id
			}
		}
	}
	e.connect, e.paths = [2]string{p, other}, [2]string{p, farthest(x, p, 4)}
	info, _ := json.Marshal(map[string]any{"nodes": x.Len(), "edges": x.EdgeCount(),
		"connect": e.connect, "paths": e.paths})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: resolvers.NewServer(st, resolvers.Options{}).Handler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	if err := os.WriteFile(os.Getenv("PG_LOADTEST_INFO"), info, 0o644); err != nil {
		t.Fatal(err)
	}
	stop := os.Getenv("PG_LOADTEST_STOP")
	for deadline := time.Now().Add(20 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if _, err := os.Stat(stop); !errors.Is(err, os.ErrNotExist) {
			return
		}
	}
}
