package graph_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

// TestDependenciesMatchReference checks Dependencies against the way it
// read the index before (graph.DependenciesReference) on the seed report and
// 10 synthetic ones: no filter and a sample of filters by one body, place or
// programme, each with several limits, before and after a document is
// removed. (The reference takes tens of milliseconds a question.)
func TestDependenciesMatchReference(t *testing.T) {
	ctx := context.Background()
	st := seedStore(t, "memory")
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	var last string
	for i := range 10 {
		r, err := loaders.SynthesizeReport(3, i)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := loaders.Load(ctx, st, gz, r.Name, r.Text, loaders.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		last = rep.Document
	}
	x := st.Index()
	compare := func(stage string) {
		var filters []graph.DependencyFilter
		filters = append(filters, graph.DependencyFilter{})
		for i, b := range x.NodesOfKind(graph.KindBody) {
			if i%15 == 0 {
				filters = append(filters, graph.DependencyFilter{Bodies: []graph.NodeRef{b}})
			}
		}
		for i, p := range x.NodesOfKind(graph.KindPlace) {
			if i%15 == 0 {
				filters = append(filters, graph.DependencyFilter{Places: []graph.NodeRef{p}})
			}
		}
		for i, p := range x.NodesOfKind(graph.KindProgramme) {
			if i%3 == 0 {
				filters = append(filters, graph.DependencyFilter{Programmes: []graph.NodeRef{p}})
			}
		}
		pairs := 0
		for i, f := range filters {
			limits := []int{3, 500}
			if i == 0 {
				limits = append(limits, 1_000_000) // every pair
			}
			for _, limit := range limits {
				got, err1 := graph.Dependencies(ctx, x, f, limit)
				want, err2 := graph.DependenciesReference(ctx, x, f, limit)
				if err1 != nil || err2 != nil {
					t.Fatalf("errors: %v, %v", err1, err2)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, filter %+v, limit %d:\n got %+v\nwant %+v", stage, f, limit, got, want)
				}
				pairs += len(got)
			}
		}
		t.Logf("%s: %d questions, %d dependencies compared", stage, len(filters), pairs)
		if pairs == 0 {
			t.Fatalf("%s: no question had an answer", stage)
		}
	}
	compare("loaded")
	if err := st.RemoveDocument(ctx, last); err != nil {
		t.Fatal(err)
	}
	compare("after removing " + last)
}
