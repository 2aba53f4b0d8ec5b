package graph_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

// TestWriteDocuments checks WriteDocuments on memory, bolt and PostgreSQL
// (where a batch's transaction sends its rows while the index is refreshed
// for the batch before; skipped without POLICYGRAPH_TEST_POSTGRES): a batch gives
// the same store and index as writing its documents one by one, an invalid
// document is left out and reported, a document listed earlier in the batch
// counts as stored, repeats are unchanged, and a second version of a
// document in the same batch replaces the first.
func TestWriteDocuments(t *testing.T) {
	const batchQuads = 2000
	for _, be := range []string{"memory", "bolt", "postgres"} {
		t.Run(be, func(t *testing.T) {
			dsn := func() string {
				switch be {
				case "memory":
					return "memory"
				case "postgres":
					return postgresDSN(t)
				}
				return filepath.Join(t.TempDir(), "policygraph.db")
			}
			ctx := context.Background()
			// 8 documents of 200 facts: several transactions of 2,000 quads.
			var gs []*graph.DocumentGraph
			for i := range 8 {
				gs = append(gs, graph.SyntheticGraph(i, 200, 60, 200))
			}
			bad := graph.SyntheticGraph(99, 10, 60, 200)
			bad.Facts[0].To = "place/nowhere"
			// refers to an entity only document 0 lists
			dep := graph.SyntheticGraph(100, 1, 60, 200)
			dep.Entities = nil
			dep.Mentions = nil
			dep.Facts[0].From, dep.Facts[0].To = gs[0].Facts[0].From, gs[0].Facts[0].To
			batch := append([]*graph.DocumentGraph{gs[0], bad, dep}, gs[1:]...)

			one := openStore(t, dsn())
			for _, g := range append([]*graph.DocumentGraph{gs[0], dep}, gs[1:]...) {
				if _, err := one.WriteDocument(ctx, g); err != nil {
					t.Fatal(err)
				}
			}
			many := openStore(t, dsn())
			many.SetBatchQuadsForTest(batchQuads)
			res, err := many.WriteDocuments(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			if res[1].Err == nil || !strings.Contains(res[1].Err.Error(), "place/nowhere") {
				t.Errorf("invalid document: Err = %v, want one naming place/nowhere", res[1].Err)
			}
			for i, r := range res {
				if i != 1 && (r.Err != nil || r.QuadsAdded == 0) {
					t.Errorf("document %d: %+v, want written", i, r)
				}
			}
			if a, b := stats(t, one), stats(t, many); !reflect.DeepEqual(a, b) || a.Quads < 3*batchQuads {
				t.Errorf("stats after WriteDocuments %+v, one by one %+v", b, a)
			}
			if a, b := adjacency(one.Index()), adjacency(many.Index()); !reflect.DeepEqual(a, b) {
				t.Errorf("index after WriteDocuments differs from one by one (%d vs %d nodes)", len(b), len(a))
			}
			if err := many.RebuildIndex(ctx); err != nil {
				t.Fatal(err)
			}
			if a, b := adjacency(one.Index()), adjacency(many.Index()); !reflect.DeepEqual(a, b) {
				t.Errorf("index rebuilt from the store differs from one by one")
			}

			// again: unchanged; then two versions of one document in a batch
			res, err = many.WriteDocuments(ctx, gs[:2])
			if err != nil || !res[0].Unchanged || !res[1].Unchanged {
				t.Errorf("rewrite: %+v %v, want unchanged", res, err)
			}
			v2 := graph.SyntheticGraph(3, 50, 60, 200)
			v2.Document.ID, v2.Document.Hash = gs[2].Document.ID, "v2"
			for i := range v2.Facts {
				v2.Facts[i].Evidence.Document = v2.Document.ID
			}
			for i := range v2.Mentions {
				v2.Mentions[i].Evidence.Document = v2.Document.ID
			}
			v3 := graph.SyntheticGraph(4, 30, 60, 200)
			v3.Document.ID, v3.Document.Hash = gs[2].Document.ID, "v3"
			for i := range v3.Facts {
				v3.Facts[i].Evidence.Document = v3.Document.ID
			}
			for i := range v3.Mentions {
				v3.Mentions[i].Evidence.Document = v3.Document.ID
			}
			res, err = many.WriteDocuments(ctx, []*graph.DocumentGraph{v2, v3})
			if err != nil || !res[0].Replaced || !res[1].Replaced {
				t.Fatalf("two versions: %+v %v, want both replaced", res, err)
			}
			for _, g := range []*graph.DocumentGraph{v2, v3} {
				if _, err := one.WriteDocument(ctx, g); err != nil {
					t.Fatal(err)
				}
			}
			if a, b := adjacency(one.Index()), adjacency(many.Index()); !reflect.DeepEqual(a, b) {
				t.Errorf("index after replacing in a batch differs from one by one")
			}
			ds, err := many.Document(ctx, gs[2].Document.ID)
			if err != nil || ds.Hash != "v3" {
				t.Errorf("document after two versions: %v %v, want hash v3", ds, err)
			}
		})
	}
}

func TestWriteDocumentsClosed(t *testing.T) {
	s := openStore(t, "memory")
	s.Close()
	res, err := s.WriteDocuments(context.Background(), []*graph.DocumentGraph{graph.SyntheticGraph(1, 5, 5, 5)})
	if err == nil || res[0].Err == nil {
		t.Errorf("write to a closed store: %+v %v, want an error", res, err)
	}
	_ = fmt.Sprint()
}
