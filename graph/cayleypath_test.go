package graph_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

// seedStore opens a store (dsn "memory" or "bolt") loaded with the seed report.
func seedStore(tb testing.TB, backend string) *graph.Store {
	tb.Helper()
	ctx := context.Background()
	dsn := backend
	if backend == "bolt" {
		dsn = filepath.Join(tb.TempDir(), "seed.db")
	}
	st, err := graph.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := os.ReadFile("../seeds/chengdu-2022-work-report-part1.txt")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := loaders.Load(ctx, st, gz, "chengdu-2022-work-report-part1.txt", raw, loaders.Meta{}); err != nil {
		tb.Fatal(err)
	}
	return st
}

func placeID(tb testing.TB, st *graph.Store, name string) string {
	tb.Helper()
	x := st.Index()
	ns, err := x.Find(name)
	if err != nil {
		tb.Fatal(err)
	}
	for _, n := range ns {
		if x.Node(n).Kind == graph.KindPlace {
			return x.Node(n).ID
		}
	}
	tb.Fatalf("%s is not a place", name)
	return ""
}

// TestCayleyAnswersAsIndex checks that the Cayley path API versions of
// connect and paths, which the benchmarks compare with, give the answers of
// the index walks on the seed, over both backends.
func TestCayleyAnswersAsIndex(t *testing.T) {
	ctx := context.Background()
	for _, backend := range []string{"memory", "bolt"} {
		t.Run(backend, func(t *testing.T) {
			st := seedStore(t, backend)
			x := st.Index()
			a, b := placeID(t, st, "Chengdu"), placeID(t, st, "Ziyang")
			an, _ := x.Lookup(a)
			bn, _ := x.Lookup(b)
			cs, err := graph.Connect(ctx, x, []graph.NodeRef{an}, []graph.NodeRef{bn}, false)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, c := range cs {
				want = append(want, c.Initiative)
			}
			slices.Sort(want)
			got, names, err := st.CayleyConnect(ctx, a, b)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("CayleyConnect = %v, want %v", got, want)
			}
			t.Logf("connect %s %s: %d initiatives", a, b, len(got))
			if len(names) != len(got) || len(got) > 0 && names[0] == "" {
				t.Errorf("CayleyConnect names = %q", names)
			}
			for _, q := range pathQuestions(t, st) {
				fn, _ := x.Lookup(q[0])
				tn, _ := x.Lookup(q[1])
				wp, err := graph.ShortestPaths(ctx, x, fn, tn, 4, 5, nil)
				if err != nil {
					t.Fatal(err)
				}
				gp, names, err := st.CayleyPaths(ctx, q[0], q[1], 4, 5, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(wp) > 0 {
					t.Logf("paths %s -> %s: %d of length %d", q[0], q[1], len(wp), wp[0].Length())
				}
				samePaths(t, fmt.Sprintf("paths %s -> %s: Cayley", q[0], q[1]), gp, names, wp)
			}
		})
	}
}

// pathQuestions returns the pairs the path benchmarks ask about on the seed:
// Chengdu to Ziyang, and Ziyang to the farthest node within 4 hops.
func pathQuestions(tb testing.TB, st *graph.Store) [][2]string {
	a, b := placeID(tb, st, "Chengdu"), placeID(tb, st, "Ziyang")
	return [][2]string{{a, b}, {b, farthestNode(st.Index(), b, 4)}}
}

// farthestNode returns the ID of a node farthest from the node with ID from, at
// most maxHops away, walking edges both ways (the greatest ID among ties).
func farthestNode(x *graph.Index, from string, maxHops int) string {
	n, _ := x.Lookup(from)
	ls := hopLayers(x, n, maxHops)
	best := ""
	for _, m := range ls[len(ls)-1] {
		best = max(best, x.Node(m).ID)
	}
	return best
}

// hopLayers returns the live nodes exactly 0, 1, ... hops from n, walking
// every relation both ways, up to maxHops or the last layer that is not
// empty.
func hopLayers(x *graph.Index, n graph.NodeRef, maxHops int) [][]graph.NodeRef {
	seen := map[graph.NodeRef]bool{n: true}
	layers := [][]graph.NodeRef{{n}}
	for d := 1; d <= maxHops; d++ {
		var next []graph.NodeRef
		for _, m := range layers[d-1] {
			for _, s := range x.Steps(m, graph.DirectionBoth, nil) {
				if !seen[s.Node] && x.Node(s.Node).Kind != "" {
					seen[s.Node] = true
					next = append(next, s.Node)
				}
			}
		}
		if len(next) == 0 {
			break
		}
		layers = append(layers, next)
	}
	return layers
}

// TestCayleyTwoEndedAsIndex checks that the two-ended Cayley search gives
// exactly the paths of ShortestPaths and of the one-ended CayleyPaths, in
// the same order, with a name for every node, over both backends: on place
// pairs 1 to 4 hops apart, with maxHops at and below their distance, with
// relation filters, with no path, and from a node to itself.
func TestCayleyTwoEndedAsIndex(t *testing.T) {
	ctx := context.Background()
	for _, backend := range []string{"memory", "bolt"} {
		t.Run(backend, func(t *testing.T) {
			st := seedStore(t, backend)
			x := st.Index()
			type question struct {
				from, to       string
				maxHops, limit int
				rels           []graph.Relation
			}
			a, b := placeID(t, st, "Chengdu"), placeID(t, st, "Ziyang")
			qs := []question{
				{a, a, 4, 5, nil},
				{a, b, 4, 50, nil},
				{a, b, 4, 0, nil},
				{a, b, 4, 5, []graph.Relation{graph.RelLocatedIn, graph.RelConnects}},
				{a, b, 4, 5, []graph.Relation{graph.RelPartOf}},
				{a, b, 4, 5, []graph.Relation{graph.RelLeads}}, // no path
			}
			for _, q := range pathQuestions(t, st) {
				qs = append(qs, question{q[0], q[1], 4, 5, nil}, question{q[1], q[0], 4, 50, nil})
			}
			for h := 1; h <= 4; h++ {
				for _, p := range placePairs(x, h, 4, uint64(h)) {
					qs = append(qs, question{p[0], p[1], h, 50, nil}, question{p[1], p[0], h, 5, nil},
						question{p[0], p[1], h - 1, 5, nil}, // too far: no path
						question{p[0], p[1], 4, 5, []graph.Relation{graph.RelPartOf, graph.RelLocatedIn}})
				}
			}
			var found, none int
			for _, q := range qs {
				fn, _ := x.Lookup(q.from)
				tn, _ := x.Lookup(q.to)
				want, err := graph.ShortestPaths(ctx, x, fn, tn, q.maxHops, q.limit, q.rels)
				if err != nil {
					t.Fatal(err)
				}
				one, names1, err := st.CayleyPaths(ctx, q.from, q.to, q.maxHops, q.limit, q.rels)
				if err != nil {
					t.Fatal(err)
				}
				two, names2, err := st.CayleyPathsTwoEnded(ctx, q.from, q.to, q.maxHops, q.limit, q.rels)
				if err != nil {
					t.Fatal(err)
				}
				label := fmt.Sprintf("%s -> %s (maxHops %d, first %d, %v)", q.from, q.to, q.maxHops, q.limit, q.rels)
				samePaths(t, label+": one-ended", one, names1, want)
				samePaths(t, label+": two-ended", two, names2, want)
				if len(want) > 0 {
					found++
				} else {
					none++
				}
			}
			t.Logf("%d questions: %d with paths, %d without", len(qs), found, none)
			if found < len(qs)/2 || none < 5 {
				t.Errorf("%d questions with paths and %d without: the questions prove little", found, none)
			}
		})
	}
}

// samePaths reports where got, with names, differs from want.
func samePaths(t *testing.T, label string, got []graph.Path, names map[string]string, want []graph.Path) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d paths, want %d", label, len(got), len(want))
		return
	}
	for i := range got {
		if !slices.Equal(got[i].Nodes, want[i].Nodes) {
			t.Errorf("%s [%d]: got %v, want %v", label, i, got[i].Nodes, want[i].Nodes)
		}
		if len(got[i].Edges) != len(want[i].Edges) {
			t.Errorf("%s [%d]: %d edges, want %d", label, i, len(got[i].Edges), len(want[i].Edges))
			continue
		}
		for j := range got[i].Edges {
			ge, we := got[i].Edges[j], want[i].Edges[j]
			if ge.From != we.From || ge.To != we.To || ge.Relation != we.Relation {
				t.Errorf("%s [%d] edge %d: got %+v, want %+v", label, i, j, ge, we)
			}
		}
		for _, n := range got[i].Nodes {
			if names[n] == "" {
				t.Errorf("%s: no name for %s", label, n)
			}
		}
	}
}

// placePairs returns up to n pairs of places exactly hops apart, walking
// every relation both ways, from different places taken in an order the
// seed shuffles.
func placePairs(x *graph.Index, hops, n int, seed uint64) [][2]string {
	places := x.NodesOfKind(graph.KindPlace)
	slices.SortFunc(places, func(a, b graph.NodeRef) int { return strings.Compare(x.Node(a).ID, x.Node(b).ID) })
	rng := rand.New(rand.NewPCG(seed, 18))
	rng.Shuffle(len(places), func(i, j int) { places[i], places[j] = places[j], places[i] })
	var pairs [][2]string
	for _, p := range places {
		if len(pairs) == n {
			break
		}
		ls := hopLayers(x, p, hops)
		if len(ls) <= hops {
			continue
		}
		var at []string
		for _, m := range ls[hops] {
			if x.Node(m).Kind == graph.KindPlace {
				at = append(at, x.Node(m).ID)
			}
		}
		if len(at) > 0 {
			slices.Sort(at)
			pairs = append(pairs, [2]string{x.Node(p).ID, at[rng.IntN(len(at))]})
		}
	}
	return pairs
}
