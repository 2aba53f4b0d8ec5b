package graph_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

// TestConnectAsReference asks connect for every pair of the seed's places,
// bodies, programmes and a sample of its initiatives, with and without broad
// regions, and checks that the answers, their order, reaches and ties are
// those of the walk Connect made before it ordered from numbers.
func TestConnectAsReference(t *testing.T) {
	ctx := context.Background()
	st := seedStore(t, "memory")
	x := st.Index()
	var sides []graph.NodeRef
	for _, k := range []graph.Kind{graph.KindPlace, graph.KindBody, graph.KindProgramme, graph.KindInitiative} {
		ns := x.NodesOfKind(k)
		step := max(1, len(ns)/25) // every place and body would be 10^5 pairs: take a spread
		for i := 0; i < len(ns); i += step {
			if len(x.In(ns[i]))+len(x.Out(ns[i])) > 0 {
				sides = append(sides, ns[i])
			}
		}
	}
	pairs, answers := 0, 0
	for _, a := range sides {
		for _, b := range sides {
			for _, broad := range []bool{false, true} {
				as, bs := []graph.NodeRef{a}, []graph.NodeRef{b}
				want, err := graph.ConnectReferenceForTest(ctx, x, as, bs, broad)
				if err != nil {
					t.Fatal(err)
				}
				got, err := graph.Connect(ctx, x, as, bs, broad)
				if err != nil {
					t.Fatal(err)
				}
				pairs++
				answers += len(got)
				if len(got) != len(want) {
					t.Fatalf("connect(%s, %s, broad %v): %d answers, want %d", x.Node(a).ID, x.Node(b).ID, broad, len(got), len(want))
				}
				for i := range got {
					g, w := got[i], want[i]
					if g.Initiative != w.Initiative || g.Name != w.Name || g.Reach != w.Reach ||
						!reflect.DeepEqual(g.A, w.A) || !reflect.DeepEqual(g.B, w.B) {
						t.Fatalf("connect(%s, %s, broad %v) answer %d:\n got %+v\nwant %+v", x.Node(a).ID, x.Node(b).ID, broad, i, g, w)
					}
				}
				lean, err := graph.ConnectedTo(ctx, x, as, bs, broad)
				if err != nil {
					t.Fatal(err)
				}
				for i := range lean {
					if lean[i].Initiative != want[i].Initiative || lean[i].A != nil || lean[i].B != nil {
						t.Fatalf("ConnectedTo(%s, %s) answer %d = %+v, want %s without ties", x.Node(a).ID, x.Node(b).ID, i, lean[i], want[i].Initiative)
					}
				}
			}
		}
	}
	t.Logf("%d sides, %d questions, %d answers", len(sides), pairs, answers)
	if answers < 100 {
		t.Errorf("only %d answers: the comparison says little", answers)
	}
}

// TestConnectSeesWrites asks the same question before and after a document
// is added and removed: what connect keeps between questions must not
// outlive a write.
func TestConnectSeesWrites(t *testing.T) {
	ctx := context.Background()
	st := seedStore(t, "memory")
	x := st.Index()
	cd, zy := placeID(t, st, "Chengdu"), placeID(t, st, "Ziyang")
	ask := func() []string {
		an, _ := x.Lookup(cd)
		bn, _ := x.Lookup(zy)
		cs, err := graph.ConnectedTo(ctx, x, []graph.NodeRef{an}, []graph.NodeRef{bn}, false)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		return names
	}
	before := ask()
	if again := ask(); !slices.Equal(again, before) {
		t.Fatalf("asked twice: %v, then %v", before, again)
	}
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("一、交通\n加快建设成都至资阳城际快线，启动建设成资临空物流枢纽。\n")
	if _, err := loaders.Load(ctx, st, gz, "ziyang-2023-test.txt", raw, loaders.Meta{}); err != nil {
		t.Fatal(err)
	}
	after := ask()
	if len(after) <= len(before) {
		t.Fatalf("after a document tying 成都 and 资阳: %v, before %v", after, before)
	}
	docs, err := st.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if strings.HasPrefix(d.ID, "document/ziyang-2023-test") {
			if err := st.RemoveDocument(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := ask(); !slices.Equal(got, before) {
		t.Errorf("after removing it again: %v, want %v", got, before)
	}
}

// TestCachesDoNotOutliveWrites reads entities, facts and documents, then
// removes the document that states them: the Cached* reads must not serve
// what was read before, and a new read sees the removal.
func TestCachesDoNotOutliveWrites(t *testing.T) {
	ctx := context.Background()
	st := seedStore(t, "memory")
	x := st.Index()
	var ids []string
	for _, n := range x.NodesOfKind(graph.KindInitiative)[:5] {
		for _, e := range x.Out(n) {
			ids = append(ids, x.FactID(e))
		}
	}
	if _, ok := st.CachedFacts(ids); ok {
		t.Fatal("facts cached before any read")
	}
	fs, err := st.Facts(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	cached, ok := st.CachedFacts(ids)
	if !ok || !reflect.DeepEqual(cached, fs) {
		t.Fatalf("after a read: cached %v (ok %v), want what Facts gave", cached, ok)
	}
	cached[0].Evidence.Text = "changed by a caller"
	if again, _ := st.CachedFacts(ids); again[0].Evidence.Text == "changed by a caller" {
		t.Error("a caller's change reached the cache")
	}
	doc := fs[0].Evidence.Document
	if _, ok := st.CachedDocuments([]string{doc}); ok {
		t.Fatal("documents cached before any read")
	}
	if _, err := st.Documents(ctx); err != nil {
		t.Fatal(err)
	}
	ds, ok := st.CachedDocuments([]string{doc, "document/none"})
	if !ok || ds[0] == nil || ds[0].ID != doc || ds[1] != nil {
		t.Fatalf("after reading all documents: %v (ok %v), want %s and nil", ds, ok, doc)
	}
	ds[0].Sections[0].Heading = "changed by a caller"
	if again, _ := st.CachedDocuments([]string{doc}); again[0].Sections[0].Heading == "changed by a caller" {
		t.Error("a caller's change reached the document cache")
	}
	if err := st.RemoveDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.CachedDocuments([]string{doc}); ok {
		t.Error("documents served from the cache after a removal")
	}
	if all, err := st.Documents(ctx); err != nil || slices.ContainsFunc(all, func(d graph.Document) bool { return d.ID == doc }) {
		t.Errorf("Documents after removing %s: %d documents, %v", doc, len(all), err)
	}
	if _, ok := st.CachedFacts(ids); ok {
		t.Error("facts of a removed document still served from the cache")
	}
	if after, err := st.Facts(ctx, ids); err != nil || after[0] != nil {
		t.Errorf("Facts after the removal: %v, %v; want nil", after[0], err)
	}
	if _, ok := st.CachedEntities([]string{fs[0].From}); ok {
		t.Error("an initiative of a removed document still served from the entity cache")
	}
}
