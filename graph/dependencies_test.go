package graph_test

import (
	"context"
	"slices"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

// TestDependenciesOnSeed asks for the dependencies of the seed report, as
// the loader wrote it into a memory and a bolt store. The report's issuer
// (成都市人民政府) leads every task, so only departments (from the sector
// table) can own them; its place 成都 and the programme its section cites
// (成德眉资同城化) are tied to too many of its initiatives to say anything.
func TestDependenciesOnSeed(t *testing.T) {
	for _, backend := range []string{"memory", "bolt"} {
		t.Run(backend, func(t *testing.T) {
			st := seedStore(t, backend)
			x := st.Index()
			ds, err := graph.Dependencies(context.Background(), x, graph.DependencyFilter{}, 200)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) < 10 {
				t.Fatalf("got %d dependencies, want at least 10: %+v", len(ds), ds)
			}
			issuer := entityID(t, x, "成都市人民政府")
			banners := []string{entityID(t, x, "成都"), entityID(t, x, "成德眉资同城化"), entityID(t, x, "成德眉资")}
			var pairs []string
			for i, d := range ds {
				if len(d.ABodies) == 0 || len(d.BBodies) == 0 {
					t.Errorf("%s ~ %s: an owner set is empty", d.A, d.B)
				}
				for _, b := range d.ABodies {
					if slices.Contains(d.BBodies, b) {
						t.Errorf("%s ~ %s: both owned by %s", d.A, d.B, b)
					}
				}
				if slices.Contains(d.ABodies, issuer) || slices.Contains(d.BBodies, issuer) {
					t.Errorf("%s ~ %s: the issuer counts as an owner", d.A, d.B)
				}
				if slices.Contains(banners, d.Shared) {
					t.Errorf("%s ~ %s share %s, a banner", d.A, d.B, d.Shared)
				}
				if i > 0 && d.SharedBy < ds[i-1].SharedBy {
					t.Errorf("%s ~ %s (shared by %d) after a pair shared by %d", d.A, d.B, d.SharedBy, ds[i-1].SharedBy)
				}
				if len(d.AFacts) == 0 || len(d.BFacts) == 0 {
					t.Errorf("%s ~ %s: no fact ties a side to %s", d.A, d.B, d.Shared)
				}
				pairs = append(pairs, x.Node(mustRef(t, x, d.A)).Name+"~"+x.Node(mustRef(t, x, d.B)).Name+"@"+x.Node(mustRef(t, x, d.Shared)).Name)
			}
			for _, want := range []string{
				"成资临空经济产业带~成资市域(郊)铁路@资阳", // the railway serves the airport economy belt
				"成德临港经济产业带~成德市域(郊)铁路@德阳", // and the port belt on the Deyang side
				"成眉市域(郊)铁路~成眉高新技术产业带@眉山", // and the high-tech belt on the Meishan side
				"成资协同开放走廊~成资市域(郊)铁路@资阳",  // the railway runs in the corridor
			} {
				if !slices.Contains(pairs, want) {
					t.Errorf("missing %s in\n%v", want, pairs)
				}
			}

			// Narrowed to a department, every pair involves it.
			transport := entityID(t, x, "成都市交通运输局")
			ds, err = graph.Dependencies(context.Background(), x, graph.DependencyFilter{Bodies: []graph.NodeRef{mustRef(t, x, transport)}}, 200)
			if err != nil || len(ds) == 0 {
				t.Fatalf("by 成都市交通运输局: %v, %v", ds, err)
			}
			for _, d := range ds {
				if !slices.Contains(d.ABodies, transport) && !slices.Contains(d.BBodies, transport) {
					t.Errorf("by 成都市交通运输局: %s %v ~ %s %v", d.A, d.ABodies, d.B, d.BBodies)
				}
			}
		})
	}
}

func entityID(t *testing.T, x *graph.Index, name string) string {
	t.Helper()
	ns, err := x.Find(name)
	if err != nil || len(ns) != 1 {
		t.Fatalf("Find(%s) = %v, %v", name, ns, err)
	}
	return x.Node(ns[0]).ID
}

func mustRef(t *testing.T, x *graph.Index, id string) graph.NodeRef {
	t.Helper()
	n, ok := x.Lookup(id)
	if !ok {
		t.Fatalf("no node %s", id)
	}
	return n
}
