package graph_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

// TestBoltReadsAfterAScanStart proves a store opened by a scan, which gives
// the pages of its file back to the kernel and frees the scan's garbage,
// reads and writes as before: the same entities, facts and edges.
func TestBoltReadsAfterAScanStart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	s, err := graph.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, graphA(1))
	mustWrite(t, s, graphB())
	wantRail, wantFacts, wantEdges := entity(t, s, rail), factsFrom(t, s, rail), edges(s.Index(), ziyang)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path + ".index"); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path)
	if s.IndexFromSnapshot() {
		t.Fatal("the store was opened from a snapshot, not by a scan")
	}
	if got := entity(t, s, rail); got == nil || got.Name != wantRail.Name || got.Stage != wantRail.Stage {
		t.Errorf("entity after a scan start: got %+v, want %+v", got, wantRail)
	}
	if got := factsFrom(t, s, rail); len(got) != len(wantFacts) {
		t.Errorf("facts after a scan start: got %d, want %d", len(got), len(wantFacts))
	}
	if got := edges(s.Index(), ziyang); !slices.Equal(got, wantEdges) {
		t.Errorf("edges after a scan start: got %v, want %v", got, wantEdges)
	}
	mustWrite(t, s, graphC())
	if err := checkConsistent(ctx, s); err != nil {
		t.Error(err)
	}
}

// TestReleaseMemoryWhileReading calls ReleaseMemory, as serve does after
// reading every document ahead, while other goroutines read the bolt store,
// then writes: reads see what they saw before, the write lands, and the
// call on a closed store does nothing.
func TestReleaseMemoryWhileReading(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	s := openStore(t, path)
	mustWrite(t, s, graphA(1))
	mustWrite(t, s, graphB())
	if _, err := s.Documents(ctx); err != nil {
		t.Fatal(err)
	}
	wantRail, wantFacts := entity(t, s, rail), factsFrom(t, s, rail)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if got := entity(t, s, rail); got == nil || got.Name != wantRail.Name {
					t.Errorf("entity while releasing: got %+v, want %+v", got, wantRail)
					return
				}
			}
		}()
	}
	for range 5 {
		s.ReleaseMemory()
	}
	wg.Wait()
	if got := factsFrom(t, s, rail); len(got) != len(wantFacts) {
		t.Errorf("facts after releasing: got %d, want %d", len(got), len(wantFacts))
	}
	mustWrite(t, s, graphC())
	if err := checkConsistent(ctx, s); err != nil {
		t.Error(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.ReleaseMemory() // closed: nothing to do, no panic
}
