package graph_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
)

// Readers during reloads of one document see the old version or the new
// one, never a mix: run under -race (make test does) on every backend.

const docLive = "document/成都市滚动计划"

// liveVersion is version v (0 or 1) of a document: initiatives it alone
// names (and so only it lists), each LOCATED_IN 成都 with a mention, and
// sections that differ between the versions. Version 1 names more
// initiatives than version 0, so every count tells them apart.
func liveVersion(v int) (*graph.DocumentGraph, []string) {
	g := &graph.DocumentGraph{Document: graph.Document{ID: docLive, Title: "成都市滚动计划", Year: 2023 + v,
		Source: "live.txt", Hash: fmt.Sprintf("live-%d", v), Chars: 100 + v}}
	g.Entities = []graph.Entity{{ID: chengdu, Kind: graph.KindPlace, Name: "成都", Level: graph.LevelPrefecture, Code: "510100"}}
	var ids []string
	for i := range 20 + 10*v {
		id := fmt.Sprintf("initiative/滚动项目%d-%d", v, i)
		ids = append(ids, id)
		name := id[len("initiative/"):]
		ev := graph.Evidence{Document: docLive, Section: "一", Paragraph: i, Sentence: i, Start: 10 * i, End: 10*i + 5, Text: "推进" + name + "。"}
		g.Entities = append(g.Entities, graph.Entity{ID: id, Kind: graph.KindInitiative, Name: name, Category: graph.CategoryAction})
		g.Facts = append(g.Facts, graph.Fact{From: id, To: chengdu, Relation: graph.RelLocatedIn, Evidence: ev})
		g.Mentions = append(g.Mentions, graph.Mention{Entity: id, Stage: graph.StageOngoing, Cue: "推进", Year: g.Document.Year, Evidence: ev})
	}
	for i := range 2 + v {
		g.Document.Sections = append(g.Document.Sections, graph.Section{Number: fmt.Sprint(i + 1), Heading: fmt.Sprintf("第%d部分", i+1), Index: i, Parent: -1})
	}
	return g, ids
}

func TestReadersSeeWholeVersionsMemory(t *testing.T) {
	testReadersSeeWholeVersions(t, openStore(t, "memory"), 30)
}

func TestReadersSeeWholeVersionsBolt(t *testing.T) {
	testReadersSeeWholeVersions(t, openStore(t, filepath.Join(t.TempDir(), "live.db")), 6)
}

func TestReadersSeeWholeVersionsPostgres(t *testing.T) {
	postgresAdmin(t)
	testReadersSeeWholeVersions(t, openStore(t, postgresDSN(t)), 4)
}

// testReadersSeeWholeVersions replaces the document writes times, each
// time by the other version, while eight readers read in a loop.
func testReadersSeeWholeVersions(t *testing.T, st *graph.Store, writes int) {
	ctx := context.Background()
	g0, ids0 := liveVersion(0)
	g1, ids1 := liveVersion(1)
	all := append(slices.Clone(ids0), ids1...)
	if _, err := st.WriteDocument(ctx, g0); err != nil {
		t.Fatal(err)
	}
	facts := map[int]int{}
	for v, g := range []*graph.DocumentGraph{g0, g1} {
		facts[len(g.Facts)] = v
	}

	// which names the version a read saw by the count of initiatives of
	// each version it found: all of one and none of the other.
	which := func(what string, n [2]int) (int, error) {
		n0, n1 := n[0], n[1]
		switch {
		case n0 == len(ids0) && n1 == 0:
			return 0, nil
		case n0 == 0 && n1 == len(ids1):
			return 1, nil
		}
		return -1, fmt.Errorf("%s saw a mix: %d of %d initiatives of version 0, %d of %d of version 1", what, n0, len(ids0), n1, len(ids1))
	}
	split := func(present func(i int) bool) (n [2]int) {
		for i := range all {
			if present(i) {
				n[min(i/len(ids0), 1)]++
			}
		}
		return n
	}

	var done atomic.Bool
	var reads [5]atomic.Int64
	seen := [2]atomic.Int64{}
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	readers := []func() error{
		func() error { // entities: one batched read
			ents, err := st.Entities(ctx, all)
			if err != nil {
				return err
			}
			v, err := which("Entities", split(func(i int) bool { return ents[i] != nil }))
			if v >= 0 {
				seen[v].Add(1)
			}
			reads[0].Add(1)
			return err
		},
		func() error { // mentions: three reads under one lock
			ms, err := st.Mentions(ctx, all)
			if err != nil {
				return err
			}
			_, err = which("Mentions", split(func(i int) bool { return len(ms[i]) > 0 }))
			reads[1].Add(1)
			return err
		},
		func() error { // the document: hash and sections agree
			d, err := st.Document(ctx, docLive)
			if err != nil {
				return err
			}
			reads[2].Add(1)
			if want := fmt.Sprintf("live-%d", len(d.Sections)-2); d.Hash != want {
				return fmt.Errorf("Document saw hash %s with %d sections", d.Hash, len(d.Sections))
			}
			return nil
		},
		func() error { // stats: facts counted from the index, quads from Cayley
			s, err := st.Stats(ctx)
			if err != nil {
				return err
			}
			reads[3].Add(1)
			n := 0
			for _, c := range s.Facts {
				n += c
			}
			if _, ok := facts[n]; !ok {
				return fmt.Errorf("Stats saw %d facts; the versions have %d and %d", n, len(g0.Facts), len(g1.Facts))
			}
			return nil
		},
		func() error { // connect: both sides read from one version
			x := st.Index()
			c, ok := x.Lookup(chengdu)
			if !ok {
				return fmt.Errorf("%s is gone", chengdu)
			}
			// Two lists of sides, so that each side is read on its own.
			cs, err := graph.ConnectedTo(ctx, x, []graph.NodeRef{c}, []graph.NodeRef{c, c}, false)
			if err != nil {
				return err
			}
			reads[4].Add(1)
			if len(cs) != len(ids0) && len(cs) != len(ids1) {
				return fmt.Errorf("ConnectedTo saw %d initiatives; the versions have %d and %d", len(cs), len(ids0), len(ids1))
			}
			return nil
		},
	}
	for _, read := range readers {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !done.Load() {
					if err := read(); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	start := time.Now()
	for i := range writes {
		g := g1
		if i%2 == 1 {
			g = g0
		}
		res, err := st.WriteDocument(ctx, g)
		if err != nil {
			done.Store(true)
			wg.Wait()
			t.Fatal(err)
		}
		if !res.Replaced {
			t.Errorf("write %d did not replace the other version: %+v", i, res)
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d replacements in %v; reads: %d entities, %d mentions, %d documents, %d stats, %d connects; entities saw version 0 %d times, version 1 %d times",
		writes, time.Since(start).Round(time.Millisecond), reads[0].Load(), reads[1].Load(), reads[2].Load(), reads[3].Load(), reads[4].Load(), seen[0].Load(), seen[1].Load())
	if reads[0].Load() == 0 {
		t.Error("no read ran during the writes")
	}
}
