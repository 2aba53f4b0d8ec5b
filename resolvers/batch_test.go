package resolvers_test

import (
	"fmt"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// manyInitiatives is a document with n initiatives, each in 成都 and 资阳,
// led by a body of its own, with one mention.
func manyInitiatives(n int) *graph.DocumentGraph {
	b := &docBuilder{g: &graph.DocumentGraph{Document: graph.Document{ID: "document/many", Title: "多项目", Year: 2022, Hash: "many"}}}
	b.g.Entities = places()
	membership(b)
	for i := range n {
		id := fmt.Sprintf("initiative/项目%03d", i)
		body := fmt.Sprintf("body/单位%03d", i)
		b.g.Entities = append(b.g.Entities,
			graph.Entity{ID: id, Kind: graph.KindInitiative, Name: fmt.Sprintf("项目%03d", i), Category: graph.CategoryFacility},
			graph.Entity{ID: body, Kind: graph.KindBody, Name: fmt.Sprintf("单位%03d", i)})
		text := fmt.Sprintf("推进项目%03d建设。", i)
		b.fact(id, graph.RelLocatedIn, chengdu, "", text)
		b.fact(id, graph.RelLocatedIn, ziyang, "", text)
		b.fact(body, graph.RelLeads, id, "", text)
		b.mention(id, graph.StageOngoing, "推进", text)
	}
	return b.g
}

// TestListsReadInBatches proves the resolvers batch their reads: listing 50
// initiatives with their places, bodies and evidence reads the store as
// often as listing 5.
func TestListsReadInBatches(t *testing.T) {
	q := `query($n: Int) { initiatives(first: $n) { nodes { name stage
		places { name code }
		bodies { body { name } role evidence { text } }
		evidence { text document { title } } } } }`
	// readsCold lists n initiatives on a fresh store, so that no cache holds
	// what an earlier listing read.
	readsCold := func(n int) int64 {
		e := newEnv(t, resolvers.Options{}, manyInitiatives(60))
		before := e.st.Reads()
		var d struct {
			Initiatives struct {
				Nodes []struct {
					Places   []named
					Evidence []struct{ Text string }
				}
			}
		}
		e.data(q, map[string]any{"n": n}, &d)
		if len(d.Initiatives.Nodes) != n {
			t.Fatalf("%d initiatives, want %d", len(d.Initiatives.Nodes), n)
		}
		for _, ini := range d.Initiatives.Nodes {
			if len(ini.Places) != 2 || len(ini.Evidence) != 1 {
				t.Fatalf("initiative %+v: want 2 places and 1 sentence", ini)
			}
		}
		return e.st.Reads() - before
	}
	// Loaders gather keys for a short time window; a busy machine (say, under
	// the race detector, beside other tests) can split a window in two, which
	// only adds reads. So up to five tries: in any one of them, a design whose
	// reads grow with the list would still read more for 50 than for 5.
	var five, fifty int64
	for try := 1; try <= 5; try++ {
		five, fifty = readsCold(5), readsCold(50)
		t.Logf("try %d: store reads: %d for 5 initiatives, %d for 50", try, five, fifty)
		if fifty <= five {
			break
		}
	}
	if fifty > five {
		t.Errorf("listing 50 initiatives took %d store reads, listing 5 took %d: reads grow with the list", fifty, five)
	}
	if five > 20 {
		t.Errorf("listing 5 initiatives took %d store reads; want a handful (one batch per kind of look-up)", five)
	}
}
