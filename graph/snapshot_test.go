package graph_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

// TestIndexSnapshot closes a bbolt store and opens it again: the second
// Open reads the index from the snapshot Close wrote, and that index is the
// one a scan builds (adjacency, names, connect), and takes writes as one
// does. A snapshot of an earlier state of the file, a corrupt one and a
// truncated one are each left aside for a scan.
func TestIndexSnapshot(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pg.db")
	snap := path + ".index"
	syn := func(i int) *graph.DocumentGraph { return graph.SyntheticGraph(i, 60, 30, 15) }
	open := func() *graph.Store {
		t.Helper()
		s, err := graph.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// same checks that s's index is what a scan of the store builds.
	same := func(step string, s *graph.Store) {
		t.Helper()
		y, err := s.RebuiltIndexForTest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		x := s.Index()
		if got, want := adjacency(x), adjacency(y); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the index differs from a scan's (%d nodes against %d)", step, len(got), len(want))
		}
		if x.EdgeCount() != y.EdgeCount() || x.Len() != y.Len() {
			t.Fatalf("%s: %d edges, %d nodes; a scan gives %d, %d", step, x.EdgeCount(), x.Len(), y.EdgeCount(), y.Len())
		}
		for _, name := range []string{"合成项目3", "合成地5", "合成地1"} {
			if a, b := ids(x, x.Resolve(name)), ids(y, y.Resolve(name)); !slices.Equal(a, b) || len(a) == 0 {
				t.Fatalf("%s: Resolve(%s) = %v, a scan's %v", step, name, a, b)
			}
		}
		got, err := graph.Connect(ctx, x, refs(t, x, "place/100001"), refs(t, x, "place/100002"), false)
		if err != nil {
			t.Fatal(err)
		}
		want, err := graph.Connect(ctx, y, refs(t, y, "place/100001"), refs(t, y, "place/100002"), false)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) != len(want) {
			t.Fatalf("%s: connect gives %d answers, a scan's index %d", step, len(got), len(want))
		}
	}

	s := open()
	for i := range 6 {
		mustWrite(t, s, syn(i))
	}
	if s.IndexFromSnapshot() {
		t.Fatal("a new store's index came from a snapshot")
	}
	s.Close()
	if fi, err := os.Stat(snap); err != nil {
		t.Fatalf("Close wrote no snapshot: %v", err)
	} else if db, _ := os.Stat(path); fi.Mode() != db.Mode() {
		t.Errorf("the snapshot's mode is %v, the store's %v", fi.Mode(), db.Mode())
	}
	old, _ := os.ReadFile(snap)

	s = open()
	if !s.IndexFromSnapshot() {
		t.Fatal("the second Open scanned the store instead of reading its snapshot")
	}
	same("read from the snapshot", s)
	mustWrite(t, s, syn(6))
	same("a write after reading the snapshot", s)
	s.Close()

	// The snapshot of before that write: the file has changed since.
	if err := os.WriteFile(snap, old, 0o644); err != nil {
		t.Fatal(err)
	}
	s = open()
	if s.IndexFromSnapshot() {
		t.Fatal("Open read a snapshot of an earlier state of the store")
	}
	same("after a stale snapshot", s)
	s.Close() // writes a snapshot of the current state

	cur, _ := os.ReadFile(snap)
	bad := bytes.Clone(cur)
	bad[len(bad)/2] ^= 0x40
	for name, b := range map[string][]byte{"corrupt": bad, "truncated": cur[:len(cur)/3], "empty": nil} {
		if err := os.WriteFile(snap, b, 0o644); err != nil {
			t.Fatal(err)
		}
		s = open()
		if s.IndexFromSnapshot() {
			t.Fatalf("Open read a %s snapshot", name)
		}
		same("after a "+name+" snapshot", s)
		s.Close()
	}
	s = open()
	if !s.IndexFromSnapshot() {
		t.Fatal("the snapshot written after the corrupt one was not read")
	}
	same("read again", s)
	s.Close()
}

func ids(x *graph.Index, ns []graph.NodeRef) []string {
	var out []string
	for _, n := range ns {
		out = append(out, x.Node(n).ID)
	}
	return out
}
