package graph_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
)

// The conformance suite: every backend must pass testStore.

func TestMemoryStore(t *testing.T) {
	testStore(t, func(t *testing.T) *graph.Store { return openStore(t, "memory") })
}

func TestBoltStore(t *testing.T) {
	testStore(t, func(t *testing.T) *graph.Store {
		return openStore(t, filepath.Join(t.TempDir(), "policygraph.db"))
	})
}

// TestPostgresStore runs the suite on PostgreSQL, each subtest in a schema
// of its own (see postgresDSN); it skips unless POLICYGRAPH_TEST_POSTGRES is set.
func TestPostgresStore(t *testing.T) {
	postgresAdmin(t)
	testStore(t, func(t *testing.T) *graph.Store { return openStore(t, postgresDSN(t)) })
}

func openStore(t testing.TB, dsn string) *graph.Store {
	t.Helper()
	s, err := graph.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open(%q): %v", dsn, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

const (
	chengdu = "place/510100"
	ziyang  = "place/512000"
	deyang  = "place/510600"
	meishan = "place/511400"
	region  = "place/region/成德眉资"
	rail    = "initiative/成资市域铁路"
	target  = "target/成资市域铁路通车里程"
	body    = "body/四川省人民政府"
	docA    = "document/成德眉资同城化规划"
	docB    = "document/资阳市十四五规划"
	docC    = "document/成都市年度计划"
)

var sentA1 = graph.Evidence{Document: docA, Section: "(一) 合力谱写“双城记”", Paragraph: 3, Sentence: 7,
	Start: 120, End: 138, Text: "加快建设成资市域(郊)铁路，连接成都与资阳。", SentenceStart: 116}

// graphA is version 1 (or 2) of a regional plan: places, a region with
// members, the rail line connecting 成都 and 资阳 through the region, a
// target, a mention.
func graphA(version int) *graph.DocumentGraph {
	g := &graph.DocumentGraph{
		Document: graph.Document{ID: docA, Title: "成德眉资同城化发展暨成都都市圈建设成长期规划", Year: 2023,
			Issuer: "四川省人民政府", Place: region, Source: "a.txt", Hash: fmt.Sprintf("hashA%d", version),
			Encoding: "UTF-8", Chars: 5000,
			Sections: []graph.Section{
				{Number: "一", Heading: "总体要求", Index: 0, Parent: -1},
				{Number: "(一)", Heading: "合力谱写“双城记”", Lead: "加快", Index: 1, Parent: 0},
			}},
		Entities: []graph.Entity{
			{ID: chengdu, Kind: graph.KindPlace, Name: "成都", Aliases: []string{"成都市", "蓉"}, Level: graph.LevelPrefecture,
				Code: "510100", Pinyin: "Chengdu", English: "Chengdu"},
			{ID: ziyang, Kind: graph.KindPlace, Name: "资阳", Aliases: []string{"资阳市"}, Level: graph.LevelPrefecture,
				Code: "512000", Pinyin: "Ziyang", English: "Ziyang", Parent: ""},
			{ID: deyang, Kind: graph.KindPlace, Name: "德阳", Level: graph.LevelPrefecture, Code: "510600"},
			{ID: meishan, Kind: graph.KindPlace, Name: "眉山", Level: graph.LevelPrefecture, Code: "511400"},
			{ID: region, Kind: graph.KindPlace, Name: "成德眉资", Aliases: []string{"成都都市圈"}, Level: graph.LevelRegion,
				Members: []string{chengdu, deyang, meishan, ziyang}},
			{ID: rail, Kind: graph.KindInitiative, Name: "成资市域(郊)铁路", Category: graph.CategoryRail},
			{ID: target, Kind: graph.KindTarget, Name: "成资市域铁路通车里程", Metric: "通车里程", Value: 38.7,
				Unit: "公里", Comparator: ">=", Year: 2025},
			{ID: body, Kind: graph.KindBody, Name: "四川省人民政府", Type: "agency"},
			{ID: docA, Kind: graph.KindDocument}, // the document itself may be listed
		},
		Facts: []graph.Fact{
			{From: rail, To: chengdu, Relation: graph.RelConnects, Via: region,
				Evidence: graph.Evidence{Document: docA, Section: sentA1.Section, Paragraph: 3, Sentence: 7, Start: 124, End: 126, Text: sentA1.Text, SentenceStart: sentA1.SentenceStart}},
			{From: rail, To: ziyang, Relation: graph.RelConnects, Via: region,
				Evidence: graph.Evidence{Document: docA, Section: sentA1.Section, Paragraph: 3, Sentence: 7, Start: 128, End: 130, Text: sentA1.Text, SentenceStart: sentA1.SentenceStart}},
			{From: rail, To: target, Relation: graph.RelHasTarget,
				Evidence: graph.Evidence{Document: docA, Section: "一 总体要求", Paragraph: 1, Sentence: 2, Start: 40, End: 60, Text: "到2025年，成资市域铁路通车里程达到38.7公里。"}},
			{From: ziyang, To: region, Relation: graph.RelPartOf, Inferred: true, Rule: "region members"},
			{From: docA, To: body, Relation: graph.RelIssuedBy},
		},
		Mentions: []graph.Mention{
			{Entity: rail, Stage: graph.StageUnderConstruction, Cue: "加快建设", Year: 2023, Evidence: sentA1},
		},
	}
	if version == 2 {
		// Version 2 drops the 资阳 end and the target, and adds a location.
		g.Facts = slices.Delete(g.Facts, 1, 3)
		g.Entities = slices.DeleteFunc(g.Entities, func(e graph.Entity) bool { return e.ID == target })
		g.Facts = append(g.Facts, graph.Fact{From: rail, To: chengdu, Relation: graph.RelLocatedIn,
			Evidence: graph.Evidence{Document: docA, Section: sentA1.Section, Paragraph: 3, Sentence: 8, Start: 140, End: 150, Text: "线路位于成都。"}})
		g.Document.Sections = append(g.Document.Sections, graph.Section{Number: "二", Heading: "空间布局", Index: 2, Parent: -1})
	}
	return g
}

// graphB is a city plan that states the rail-资阳 edge again, lists 资阳 and
// the rail line with other names, and refers to the region graphA lists.
func graphB() *graph.DocumentGraph {
	ev := graph.Evidence{Document: docB, Section: "第三章", Paragraph: 2, Sentence: 1, Start: 300, End: 310,
		Text: "推进成资市域铁路前期工作。"}
	return &graph.DocumentGraph{
		Document: graph.Document{ID: docB, Title: "资阳市十四五规划", Year: 2021, Place: ziyang, Hash: "hashB", Chars: 800},
		Entities: []graph.Entity{
			{ID: ziyang, Kind: graph.KindPlace, Name: "资阳", Aliases: []string{"雁城"}, Level: graph.LevelPrefecture},
			{ID: rail, Kind: graph.KindInitiative, Name: "成资市域铁路", Aliases: []string{"成资S3线"}, Category: graph.CategoryRail},
		},
		Facts: []graph.Fact{
			{From: rail, To: ziyang, Relation: graph.RelConnects, Via: region, Evidence: ev},
		},
		Mentions: []graph.Mention{
			{Entity: rail, Stage: graph.StagePlanning, Cue: "前期工作", Year: 2021, Evidence: ev},
		},
	}
}

// graphC is a later plan that reports the rail line completed.
func graphC() *graph.DocumentGraph {
	ev := graph.Evidence{Document: docC, Section: "一", Paragraph: 1, Sentence: 1, Start: 10, End: 20, Text: "成资市域铁路建成通车。"}
	return &graph.DocumentGraph{
		Document: graph.Document{ID: docC, Title: "成都市2024年计划", Year: 2024, Hash: "hashC"},
		Entities: []graph.Entity{{ID: rail, Kind: graph.KindInitiative, Name: "成资市域铁路"}},
		Mentions: []graph.Mention{{Entity: rail, Stage: graph.StageCompleted, Cue: "建成", Year: 2024, Evidence: ev}},
	}
}

func mustWrite(t *testing.T, s *graph.Store, g *graph.DocumentGraph) graph.WriteResult {
	t.Helper()
	res, err := s.WriteDocument(context.Background(), g)
	if err != nil {
		t.Fatalf("WriteDocument(%s): %v", g.Document.ID, err)
	}
	return res
}

func entity(t *testing.T, s *graph.Store, id string) *graph.Entity {
	t.Helper()
	es, err := s.Entities(context.Background(), []string{id})
	if err != nil {
		t.Fatalf("Entities(%s): %v", id, err)
	}
	return es[0]
}

// factsFrom reads the facts out of from, through the index, sorted by
// relation, To and span.
func factsFrom(t *testing.T, s *graph.Store, from string) []*graph.Fact {
	t.Helper()
	x := s.Index()
	n, ok := x.Lookup(from)
	if !ok {
		return nil
	}
	var ids []string
	for _, e := range x.Out(n) {
		ids = append(ids, x.FactID(e))
	}
	fs, err := s.Facts(context.Background(), ids)
	if err != nil {
		t.Fatalf("Facts: %v", err)
	}
	for i, f := range fs {
		if f == nil {
			t.Fatalf("index edge fact %s not in store", ids[i])
		}
	}
	sortFacts(fs)
	return fs
}

func sortFacts(fs []*graph.Fact) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Relation != b.Relation {
			return a.Relation < b.Relation
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return a.Evidence.Start < b.Evidence.Start
	})
}

// wantFacts returns the facts of g out of from, sorted like factsFrom, IDs cleared.
func wantFacts(g *graph.DocumentGraph, from string) []*graph.Fact {
	var out []*graph.Fact
	for i := range g.Facts {
		if g.Facts[i].From == from {
			f := g.Facts[i]
			out = append(out, &f)
		}
	}
	sortFacts(out)
	return out
}

func clearIDs(fs []*graph.Fact) []*graph.Fact {
	out := make([]*graph.Fact, len(fs))
	for i, f := range fs {
		c := *f
		c.ID = ""
		out[i] = &c
	}
	return out
}

// edges describes the index's out-edges of id as sorted strings.
func edges(x *graph.Index, id string) []string {
	n, ok := x.Lookup(id)
	if !ok {
		return nil
	}
	var out []string
	for _, e := range x.Out(n) {
		via := ""
		if x.Via(e) != graph.NoNode {
			via = " via " + x.Node(x.Via(e)).ID
		}
		out = append(out, fmt.Sprintf("%s -> %s%s", e.Relation(), x.Node(e.Node).ID, via))
	}
	sort.Strings(out)
	return out
}

func inEdges(x *graph.Index, id string) []string {
	n, ok := x.Lookup(id)
	if !ok {
		return nil
	}
	var out []string
	for _, e := range x.In(n) {
		out = append(out, fmt.Sprintf("%s <- %s", e.Relation(), x.Node(e.Node).ID))
	}
	sort.Strings(out)
	return out
}

func stats(t *testing.T, s *graph.Store) graph.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

func testStore(t *testing.T, open func(t *testing.T) *graph.Store) {
	ctx := context.Background()

	t.Run("WriteThenRead", func(t *testing.T) {
		s := open(t)
		res := mustWrite(t, s, graphA(1))
		if res.Unchanged || res.Replaced || res.QuadsAdded == 0 || res.QuadsRemoved != 0 {
			t.Fatalf("first write: got %+v, want a plain add", res)
		}
		es, err := s.Entities(ctx, []string{ziyang, "place/000000", region, rail, target})
		if err != nil {
			t.Fatal(err)
		}
		if es[1] != nil {
			t.Errorf("absent entity: got %+v, want nil", es[1])
		}
		wantZ := graph.Entity{ID: ziyang, Kind: graph.KindPlace, Name: "资阳", Aliases: []string{"资阳市"},
			Level: graph.LevelPrefecture, Code: "512000", Pinyin: "Ziyang", English: "Ziyang"}
		if es[0] == nil || !reflect.DeepEqual(*es[0], wantZ) {
			t.Errorf("资阳: got %+v, want %+v", es[0], wantZ)
		}
		if es[2] == nil || !reflect.DeepEqual(es[2].Members, []string{chengdu, deyang, meishan, ziyang}) ||
			es[2].Level != graph.LevelRegion {
			t.Errorf("region: got %+v", es[2])
		}
		if es[3] == nil || es[3].Name != "成资市域(郊)铁路" || es[3].Stage != graph.StageUnderConstruction ||
			es[3].Category != graph.CategoryRail {
			t.Errorf("rail: got %+v", es[3])
		}
		wantT := graph.Entity{ID: target, Kind: graph.KindTarget, Name: "成资市域铁路通车里程", Metric: "通车里程",
			Value: 38.7, Unit: "公里", Comparator: ">=", Year: 2025}
		if es[4] == nil || !reflect.DeepEqual(*es[4], wantT) {
			t.Errorf("target: got %+v, want %+v", es[4], wantT)
		}

		if e := entity(t, s, docA); e == nil || e.Kind != graph.KindDocument || e.Name != graphA(1).Document.Title {
			t.Errorf("the document as an entity: got %+v", e)
		}
		d, err := s.Document(ctx, docA)
		if err != nil {
			t.Fatal(err)
		}
		if want := graphA(1).Document; !reflect.DeepEqual(*d, want) {
			t.Errorf("Document: got %+v, want %+v", *d, want)
		}
		if _, err := s.Document(ctx, docB); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Document(absent): got %v, want ErrNotFound", err)
		}
		mustWrite(t, s, graphB())
		ds, err := s.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
		if want := []string{docA, docB}; !reflect.DeepEqual(ids, want) {
			t.Errorf("Documents: got %v, want %v", ids, want)
		}
		if len(ds) == 2 && len(ds[0].Sections) != 2 {
			t.Errorf("Documents()[0].Sections: got %d, want 2", len(ds[0].Sections))
		}

		st := stats(t, s)
		wantNodes := map[graph.Kind]int{graph.KindPlace: 5, graph.KindInitiative: 1, graph.KindTarget: 1,
			graph.KindBody: 1, graph.KindDocument: 2}
		wantFactsN := map[graph.Relation]int{graph.RelConnects: 3, graph.RelHasTarget: 1, graph.RelPartOf: 1, graph.RelIssuedBy: 1}
		if st.Documents != 2 || !reflect.DeepEqual(st.Nodes, wantNodes) || !reflect.DeepEqual(st.Facts, wantFactsN) || st.Quads == 0 {
			t.Errorf("Stats: got %+v, want 2 documents, nodes %v, facts %v", st, wantNodes, wantFactsN)
		}
	})

	t.Run("EvidenceRoundTrips", func(t *testing.T) {
		s := open(t)
		g := graphA(1)
		mustWrite(t, s, g)
		for _, from := range []string{rail, ziyang, docA} {
			got := factsFrom(t, s, from)
			for _, f := range got {
				if !strings.HasPrefix(f.ID, "fact/") {
					t.Errorf("fact ID %q, want fact/<hash>", f.ID)
				}
			}
			if want := wantFacts(g, from); !reflect.DeepEqual(clearIDs(got), want) {
				t.Errorf("facts from %s:\n got %s\nwant %s", from, dump(clearIDs(got)), dump(want))
			}
		}
		ms, err := s.Mentions(ctx, []string{rail, chengdu})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ms[0], g.Mentions) {
			t.Errorf("Mentions(rail): got %+v, want %+v", ms[0], g.Mentions)
		}
		if len(ms[1]) != 0 {
			t.Errorf("Mentions(成都): got %+v, want none", ms[1])
		}
	})

	t.Run("RecordsKeepAwkwardText", func(t *testing.T) {
		// Facts, mentions and sentences are stored as tab-separated
		// records: tabs, line breaks and backslashes in their text must
		// come back unchanged.
		s := open(t)
		g := graphA(1)
		odd := "线路\t位于\\成都\n（一期）\r\\t末"
		g.Facts[0].Evidence.Text = odd
		g.Facts[1].Evidence.Text = odd
		g.Facts[3].Rule = "rule\twith\\tab"
		g.Mentions[0].Cue = "加快\t建设\\"
		g.Mentions[0].Evidence.Text = odd + "\\"
		mustWrite(t, s, g)
		for _, from := range []string{rail, ziyang} {
			if got, want := clearIDs(factsFrom(t, s, from)), wantFacts(g, from); !reflect.DeepEqual(got, want) {
				t.Errorf("facts from %s:\n got %s\nwant %s", from, dump(got), dump(want))
			}
		}
		ms, err := s.Mentions(ctx, []string{rail})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ms[0], g.Mentions) {
			t.Errorf("Mentions(rail): got %+v, want %+v", ms[0], g.Mentions)
		}
	})

	t.Run("SameHashIsUnchanged", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1))
		before := stats(t, s)
		v := s.Index().Version()
		res := mustWrite(t, s, graphA(1))
		if want := (graph.WriteResult{Unchanged: true}); res != want {
			t.Errorf("rewrite: got %+v, want %+v", res, want)
		}
		if after := stats(t, s); !reflect.DeepEqual(after, before) {
			t.Errorf("Stats after rewrite: got %+v, want %+v", after, before)
		}
		if s.Index().Version() != v {
			t.Errorf("index changed on an unchanged write")
		}
	})

	t.Run("NewHashSameContentTouchesOnlyTheHash", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1))
		g := graphA(1)
		g.Document.Hash = "renormalised"
		res := mustWrite(t, s, g)
		if want := (graph.WriteResult{Replaced: true, QuadsAdded: 1, QuadsRemoved: 1}); res != want {
			t.Errorf("got %+v, want %+v", res, want)
		}
	})

	t.Run("ChangedVersionReplaces", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1))
		mustWrite(t, s, graphB())
		oldFacts := factsFrom(t, s, rail)
		res := mustWrite(t, s, graphA(2))
		if !res.Replaced || res.Unchanged || res.QuadsAdded == 0 || res.QuadsRemoved == 0 {
			t.Fatalf("replace: got %+v", res)
		}
		// Facts only version 1 stated are gone from the store and the index.
		var oldIDs []string
		for _, f := range oldFacts {
			oldIDs = append(oldIDs, f.ID)
		}
		got, err := s.Facts(ctx, oldIDs)
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range oldFacts {
			kept := f.Evidence.Document == docB || f.To == chengdu && f.Relation == graph.RelConnects
			if (got[i] != nil) != kept {
				t.Errorf("fact %s %s %s from %s: present %v, want %v", f.From, f.Relation, f.To, f.Evidence.Document, got[i] != nil, kept)
			}
		}
		x := s.Index()
		want := []string{"CONNECTS -> place/510100 via place/region/成德眉资", "CONNECTS -> place/512000 via place/region/成德眉资",
			"LOCATED_IN -> place/510100"}
		if e := edges(x, rail); !reflect.DeepEqual(e, want) {
			t.Errorf("rail edges: got %q, want %q", e, want)
		}
		if _, ok := x.Lookup(target); ok {
			t.Errorf("target only version 1 listed is still in the index")
		}
		if e := entity(t, s, target); e != nil {
			t.Errorf("target only version 1 listed: got %+v, want nil", e)
		}
		if e := entity(t, s, ziyang); e == nil || !reflect.DeepEqual(e.Aliases, []string{"资阳市", "雁城"}) {
			t.Errorf("shared 资阳: got %+v", e)
		}
		d, err := s.Document(ctx, docA)
		if err != nil || len(d.Sections) != 3 || d.Hash != "hashA2" {
			t.Errorf("Document after replace: got %+v, %v", d, err)
		}
		// And back: version 1 again restores exactly the first state's edges.
		mustWrite(t, s, graphA(1))
		if got := factsFrom(t, s, rail); !reflect.DeepEqual(clearIDs(got), clearIDs(oldFacts)) {
			t.Errorf("facts after going back to version 1:\n got %s\nwant %s", dump(got), dump(oldFacts))
		}
	})

	t.Run("ProtectedDocumentStays", func(t *testing.T) {
		s := open(t)
		// A store written before documents had the mark: the protected
		// version of the same text adds it, and is no longer Unchanged.
		mustWrite(t, s, graphA(1))
		prot := graphA(1)
		prot.Document.Protected = true
		if res := mustWrite(t, s, prot); res.Unchanged || !res.Replaced || res.QuadsAdded != 1 || res.QuadsRemoved != 0 {
			t.Errorf("marking the stored version protected: got %+v, want Replaced with one quad added", res)
		}
		if res := mustWrite(t, s, prot); !res.Unchanged {
			t.Errorf("the protected version again: got %+v, want Unchanged", res)
		}
		if d, err := s.Document(ctx, docA); err != nil || !d.Protected {
			t.Fatalf("Document: got %+v, %v; want it Protected", d, err)
		}
		before := stats(t, s)
		// Neither an upload that gets its ID nor a removal changes it, one
		// by one or in a batch.
		_, err := s.WriteDocument(ctx, graphA(2))
		var pe *graph.ProtectedError
		if !errors.As(err, &pe) || pe.ID != docA || !errors.Is(err, graph.ErrProtected) {
			t.Errorf("replacing a protected document: got %v, want a ProtectedError for %s", err, docA)
		}
		res, err := s.WriteDocuments(ctx, []*graph.DocumentGraph{graphA(2), graphB()})
		if err != nil || !errors.Is(res[0].Err, graph.ErrProtected) || res[1].Err != nil {
			t.Errorf("WriteDocuments over a protected document: got %v, %+v; want the first refused, the second written", err, res)
		}
		if err := s.RemoveDocument(ctx, docA); !errors.Is(err, graph.ErrProtected) {
			t.Errorf("removing a protected document: got %v, want ErrProtected", err)
		}
		if got := stats(t, s).Documents; got != before.Documents+1 {
			t.Errorf("documents after the refused writes and B: got %d, want %d", got, before.Documents+1)
		}
		if got, want := factsFrom(t, s, rail), wantFacts(graphA(1), rail); len(got) < len(want) {
			t.Errorf("facts of the protected document: got %s, want at least %s", dump(got), dump(want))
		}
		// A protected version may replace it (a new gazetteer).
		prot2 := graphA(2)
		prot2.Document.Protected = true
		if res := mustWrite(t, s, prot2); !res.Replaced {
			t.Errorf("a protected new version: got %+v, want Replaced", res)
		}
		if err := checkConsistent(ctx, s); err != nil {
			t.Error(err)
		}
	})

	t.Run("AnotherSourceIsAConflict", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1)) // from a.txt
		other := graphA(2)
		other.Document.Source, other.Document.Hash = "A.md", "hashA2md"
		before := stats(t, s)
		_, err := s.WriteDocumentWith(ctx, other, graph.WriteOptions{SameSourceOnly: true})
		var ce *graph.ConflictError
		if !errors.As(err, &ce) || *ce != (graph.ConflictError{ID: docA, Stored: "a.txt", Source: "A.md"}) {
			t.Errorf("another source: got %v, want a ConflictError naming a.txt and A.md", err)
		}
		if after := stats(t, s); !reflect.DeepEqual(after, before) {
			t.Errorf("Stats after the conflict: got %+v, want %+v", after, before)
		}
		// The same source replaces as before; without the option, so does another.
		if res, err := s.WriteDocumentWith(ctx, graphA(2), graph.WriteOptions{SameSourceOnly: true}); err != nil || !res.Replaced {
			t.Errorf("the same source: got %+v, %v; want Replaced", res, err)
		}
		if res := mustWrite(t, s, other); !res.Replaced {
			t.Errorf("another source without SameSourceOnly: got %+v, want Replaced", res)
		}
		if d, err := s.Document(ctx, docA); err != nil || d.Source != "A.md" {
			t.Errorf("Document after the replacement: got %+v, %v; want Source A.md", d, err)
		}
	})

	t.Run("OverMaxQuadsWritesNothing", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1))
		before := stats(t, s)
		big := graphA(2)
		_, err := s.WriteDocumentWith(ctx, big, graph.WriteOptions{MaxQuads: 10})
		var tl *graph.TooLargeError
		if !errors.As(err, &tl) || tl.ID != docA || tl.Max != 10 || tl.Quads <= 10 || tl.AtLeast {
			t.Fatalf("a document over MaxQuads: got %v, want a TooLargeError for %s over 10", err, docA)
		}
		if after := stats(t, s); !reflect.DeepEqual(after, before) {
			t.Errorf("Stats after the refusal: got %+v, want %+v", after, before)
		}
		// At its exact size it is written.
		if res, err := s.WriteDocumentWith(ctx, big, graph.WriteOptions{MaxQuads: tl.Quads}); err != nil || !res.Replaced {
			t.Errorf("the document at MaxQuads %d: got %+v, %v; want Replaced", tl.Quads, res, err)
		}
	})

	t.Run("RemoveKeepsOtherDocuments", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1))
		mustWrite(t, s, graphB())
		wantB := factsFrom(t, s, rail)
		wantB = slices.DeleteFunc(wantB, func(f *graph.Fact) bool { return f.Evidence.Document != docB })
		if err := s.RemoveDocument(ctx, docA); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveDocument(ctx, docA); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("second RemoveDocument: got %v, want ErrNotFound", err)
		}
		if _, err := s.Document(ctx, docA); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Document(removed): got %v, want ErrNotFound", err)
		}
		if got := factsFrom(t, s, rail); !reflect.DeepEqual(got, wantB) {
			t.Errorf("facts after removing A:\n got %s\nwant %s", dump(got), dump(wantB))
		}
		es, err := s.Entities(ctx, []string{chengdu, ziyang, rail, region})
		if err != nil {
			t.Fatal(err)
		}
		if es[0] != nil {
			t.Errorf("成都, listed only by A: got %+v, want nil", es[0])
		}
		wantZ := &graph.Entity{ID: ziyang, Kind: graph.KindPlace, Name: "资阳", Aliases: []string{"雁城"}, Level: graph.LevelPrefecture}
		if !reflect.DeepEqual(es[1], wantZ) {
			t.Errorf("资阳 after removing A: got %+v, want %+v", es[1], wantZ)
		}
		if es[2] == nil || es[2].Name != "成资市域铁路" || es[2].Stage != graph.StagePlanning {
			t.Errorf("rail after removing A: got %+v", es[2])
		}
		if es[3] == nil || es[3].Kind != graph.KindPlace {
			t.Errorf("region, referred to by B: got %+v, want it kept", es[3])
		}
		st := stats(t, s)
		if st.Documents != 1 || st.Facts[graph.RelConnects] != 1 || len(st.Facts) != 1 {
			t.Errorf("Stats after removing A: got %+v", st)
		}
		if err := s.RemoveDocument(ctx, docB); err != nil {
			t.Fatal(err)
		}
		if st := stats(t, s); st.Quads != 0 || st.Documents != 0 || len(st.Nodes) != 0 || len(st.Facts) != 0 {
			t.Errorf("Stats after removing everything: got %+v, want all zero", st)
		}
		if x := s.Index(); x.Len() != 0 || x.EdgeCount() != 0 {
			t.Errorf("index after removing everything: %d nodes, %d edges", x.Len(), x.EdgeCount())
		}
	})

	t.Run("SharedEdgeSurvivesOneRemoval", func(t *testing.T) {
		for _, first := range []string{docA, docB} {
			t.Run("remove "+first, func(t *testing.T) {
				s := open(t)
				mustWrite(t, s, graphA(1))
				mustWrite(t, s, graphB())
				x := s.Index()
				const edge = "CONNECTS -> place/512000 via place/region/成德眉资"
				if n := count(edges(x, rail), edge); n != 2 {
					t.Fatalf("edge stated by two documents: %d edges, want 2", n)
				}
				if err := s.RemoveDocument(ctx, first); err != nil {
					t.Fatal(err)
				}
				if n := count(edges(x, rail), edge); n != 1 {
					t.Errorf("after removing %s: %d edges, want 1", first, n)
				}
				if n := count(inEdges(x, ziyang), "CONNECTS <- "+rail); n != 1 {
					t.Errorf("in-edges of 资阳 after removing %s: %d, want 1", first, n)
				}
			})
		}
	})

	t.Run("MergesAcrossDocuments", func(t *testing.T) {
		s := open(t)
		// B refers to the region without listing it: rejected until A stores it.
		if _, err := s.WriteDocument(ctx, graphB()); err == nil || !strings.Contains(err.Error(), region) {
			t.Errorf("B before A: got %v, want an error naming %s", err, region)
		}
		mustWrite(t, s, graphA(1))
		mustWrite(t, s, graphB())
		e := entity(t, s, rail)
		want := &graph.Entity{ID: rail, Kind: graph.KindInitiative, Name: "成资市域(郊)铁路", Aliases: []string{"成资S3线"},
			Category: graph.CategoryRail, Stage: graph.StageUnderConstruction}
		if !reflect.DeepEqual(e, want) {
			t.Errorf("merged rail: got %+v, want %+v", e, want)
		}
		mustWrite(t, s, graphC())
		if e := entity(t, s, rail); e.Stage != graph.StageCompleted {
			t.Errorf("stage after a 2024 mention: got %s, want COMPLETED", e.Stage)
		}
		if n, _ := s.Index().Lookup(rail); s.Index().Node(n).Stage != graph.StageCompleted {
			t.Errorf("index stage: got %s, want COMPLETED", s.Index().Node(n).Stage)
		}
		ms, err := s.Mentions(ctx, []string{rail})
		if err != nil {
			t.Fatal(err)
		}
		var years []int
		for _, m := range ms[0] {
			years = append(years, m.Year)
		}
		if !reflect.DeepEqual(years, []int{2021, 2023, 2024}) {
			t.Errorf("mention years: got %v, want [2021 2023 2024]", years)
		}
	})

	t.Run("InvalidGraphWritesNothing", func(t *testing.T) {
		tests := []struct {
			name    string
			edit    func(g *graph.DocumentGraph)
			mention string // the error must name this
		}{
			{"dangling fact end", func(g *graph.DocumentGraph) {
				g.Facts = append(g.Facts, graph.Fact{From: rail, To: "place/999999", Relation: graph.RelConnects})
			}, "place/999999"},
			{"dangling via", func(g *graph.DocumentGraph) { g.Facts[0].Via = "place/region/nowhere" }, "place/region/nowhere"},
			{"dangling mention", func(g *graph.DocumentGraph) { g.Mentions[0].Entity = "initiative/无" }, "initiative/无"},
			{"dangling parent", func(g *graph.DocumentGraph) { g.Entities[1].Parent = "place/510000" }, "place/510000"},
			{"dangling member", func(g *graph.DocumentGraph) {
				g.Entities[4].Members = append(g.Entities[4].Members, "place/511900")
			}, "place/511900"},
			{"unknown relation", func(g *graph.DocumentGraph) { g.Facts[0].Relation = "NEAR" }, "NEAR"},
			{"unknown stage", func(g *graph.DocumentGraph) { g.Mentions[0].Stage = "DREAMT" }, "DREAMT"},
			{"entity listed twice", func(g *graph.DocumentGraph) { g.Entities = append(g.Entities, g.Entities[0]) }, chengdu},
			{"no document ID", func(g *graph.DocumentGraph) { g.Document.ID = "" }, "ID"},
		}
		s := open(t)
		mustWrite(t, s, graphB2()) // something stored already
		before := stats(t, s)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				g := graphA(1)
				tt.edit(g)
				_, err := s.WriteDocument(ctx, g)
				if err == nil || !strings.Contains(err.Error(), tt.mention) {
					t.Fatalf("got error %v, want one naming %s", err, tt.mention)
				}
				if after := stats(t, s); !reflect.DeepEqual(after, before) {
					t.Errorf("Stats after a rejected write: got %+v, want %+v", after, before)
				}
				if _, err := s.Document(ctx, docA); !errors.Is(err, graph.ErrNotFound) {
					t.Errorf("rejected document is readable: %v", err)
				}
			})
		}
		// A reference to an entity another document stored is fine.
		g := graphA(1)
		g.Facts = append(g.Facts, graph.Fact{From: rail, To: "place/511000", Relation: graph.RelConnects})
		if _, err := s.WriteDocument(ctx, g); err != nil {
			t.Errorf("reference to a stored entity: %v", err)
		}
	})

	t.Run("IndexLookups", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1))
		mustWrite(t, s, graphB())
		x := s.Index()
		tests := []struct {
			name string
			want []string
		}{
			{"成资市域铁路", []string{rail}},
			{"成资市域(郊)铁路", []string{rail}},
			{"成资S3线", []string{rail}},
			{"成都", []string{chengdu}},
			{"成都市", []string{chengdu}},
			{"chengdu", []string{chengdu}},
			{"ZIYANG", []string{ziyang}},
			{"雁城", []string{ziyang}},
			{"成都都市圈", []string{region}},
			{"成", nil},
		}
		for _, tt := range tests {
			var got []string
			for _, n := range x.Resolve(tt.name) {
				got = append(got, x.Node(n).ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Resolve(%q): got %v, want %v", tt.name, got, tt.want)
			}
		}
		var places []string
		for _, n := range x.NodesOfKind(graph.KindPlace) {
			places = append(places, x.Node(n).ID)
		}
		if want := []string{chengdu, deyang, meishan, ziyang, region}; !reflect.DeepEqual(places, want) {
			t.Errorf("NodesOfKind(PLACE): got %v, want %v", places, want)
		}
		n, _ := x.Lookup(ziyang)
		info := x.Node(n)
		var docs []string
		for _, d := range info.Documents {
			docs = append(docs, x.Node(d).ID)
		}
		if info.Name != "资阳" || info.Level != graph.LevelPrefecture || !reflect.DeepEqual(docs, []string{docA, docB}) {
			t.Errorf("Node(资阳): got %+v with documents %v", info, docs)
		}
		if x.Len() != 10 || x.EdgeCount() != 6 {
			t.Errorf("Len, EdgeCount: got %d, %d, want 10, 6", x.Len(), x.EdgeCount())
		}
		if x.MemoryBytes() <= 0 {
			t.Errorf("MemoryBytes: got %d", x.MemoryBytes())
		}
	})

	t.Run("ReadsCountBatches", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1))
		mustWrite(t, s, graphB())
		// counted from a cold start: Entities keeps what it read, and
		// writes keep what they merged
		if err := s.RebuildIndex(ctx); err != nil {
			t.Fatal(err)
		}
		var factIDs []string
		for _, f := range factsFrom(t, s, rail) {
			factIDs = append(factIDs, f.ID)
		}
		tests := []struct {
			name string
			call func() error
			want int64
		}{
			{"Entities one place", func() error { _, err := s.Entities(ctx, []string{chengdu}); return err }, 1},
			{"Entities five places", func() error {
				_, err := s.Entities(ctx, []string{chengdu, ziyang, deyang, meishan, region})
				return err
			}, 1},
			// an initiative's stage comes from the index, not from its mentions
			{"Entities with an initiative", func() error { _, err := s.Entities(ctx, []string{chengdu, rail, target}); return err }, 1},
			{"Facts one", func() error { _, err := s.Facts(ctx, factIDs[:1]); return err }, 2},
			{"Facts all", func() error { _, err := s.Facts(ctx, factIDs); return err }, 2},
			{"Mentions", func() error { _, err := s.Mentions(ctx, []string{rail, chengdu, ziyang}); return err }, 3},
			{"Document", func() error { _, err := s.Document(ctx, docA); return err }, 2},
			{"Documents", func() error { _, err := s.Documents(ctx); return err }, 3},
			{"Index", func() error { s.Index().Resolve("成都"); return nil }, 0},
		}
		for _, tt := range tests {
			before := s.Reads()
			if err := tt.call(); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got := s.Reads() - before; got != tt.want {
				t.Errorf("%s: %d reads, want %d", tt.name, got, tt.want)
			}
		}
	})

	t.Run("ConcurrentReadsWhileWriting", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphA(1))
		mustWrite(t, s, graphB())
		done := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for r := 0; r < 4; r++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-done:
						return
					default:
					}
					if err := checkConsistent(ctx, s); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for i := 0; i < 20; i++ {
			mustWrite(t, s, graphA(1+i%2))
			if i%3 == 0 {
				if err := s.RemoveDocument(ctx, docB); err != nil {
					t.Fatal(err)
				}
				mustWrite(t, s, graphB())
			}
		}
		close(done)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := open(t)
		mustWrite(t, s, graphB2())
		before := stats(t, s)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Entities(cctx, []string{"place/511000"}); !errors.Is(err, context.Canceled) {
			t.Errorf("Entities with a cancelled context: got %v, want context.Canceled", err)
		}
		if _, err := s.WriteDocument(cctx, graphA(1)); !errors.Is(err, context.Canceled) {
			t.Errorf("WriteDocument with a cancelled context: got %v, want context.Canceled", err)
		}
		if after := stats(t, s); !reflect.DeepEqual(after, before) {
			t.Errorf("Stats after a cancelled write: got %+v, want %+v", after, before)
		}
	})

	t.Run("ClosedStore", func(t *testing.T) {
		s := open(t)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Entities(ctx, []string{chengdu}); !errors.Is(err, graph.ErrClosed) {
			t.Errorf("Entities after Close: got %v, want ErrClosed", err)
		}
		if _, err := s.WriteDocument(ctx, graphA(1)); !errors.Is(err, graph.ErrClosed) {
			t.Errorf("WriteDocument after Close: got %v, want ErrClosed", err)
		}
	})
}

// graphB2 stores a place the InvalidGraph test refers to.
func graphB2() *graph.DocumentGraph {
	return &graph.DocumentGraph{
		Document: graph.Document{ID: "document/other", Title: "其他", Hash: "x"},
		Entities: []graph.Entity{{ID: "place/511000", Kind: graph.KindPlace, Name: "内江"}},
	}
}

// checkConsistent reads the store while it is being written and reports
// anything a half-applied document would show.
func checkConsistent(ctx context.Context, s *graph.Store) error {
	ds, err := s.Documents(ctx)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.ID == docA {
			want := map[string]int{"hashA1": 2, "hashA2": 3}[d.Hash]
			if len(d.Sections) != want {
				return fmt.Errorf("document A %s with %d sections, want %d", d.Hash, len(d.Sections), want)
			}
		}
	}
	es, err := s.Entities(ctx, []string{rail, chengdu})
	if err != nil {
		return err
	}
	if es[0] == nil || es[1] == nil {
		return fmt.Errorf("rail or 成都 missing during writes: %v", es)
	}
	x := s.Index()
	n, ok := x.Lookup(rail)
	if !ok {
		return fmt.Errorf("rail missing from the index")
	}
	var ids []string
	for _, e := range x.Out(n) {
		ids = append(ids, x.FactID(e))
		_ = x.Node(e.Node).ID
	}
	if _, err := s.Facts(ctx, ids); err != nil {
		return err
	}
	_, err = s.Mentions(ctx, []string{rail})
	return err
}

func count(l []string, s string) int {
	n := 0
	for _, x := range l {
		if x == s {
			n++
		}
	}
	return n
}

func dump(fs []*graph.Fact) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n\t%+v", *f)
	}
	return b.String()
}

// ---- bbolt only ----

func TestBoltReopenRebuildsIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pg.db")
	s, err := graph.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, graphA(1))
	mustWrite(t, s, graphB())
	mustWrite(t, s, graphA(2))
	mustWrite(t, s, graphC())
	before, beforeAdj := stats(t, s), adjacency(s.Index())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path)
	if after := stats(t, s); !reflect.DeepEqual(after, before) {
		t.Errorf("Stats after reopen: got %+v, want %+v", after, before)
	}
	if after := adjacency(s.Index()); !reflect.DeepEqual(after, beforeAdj) {
		t.Errorf("index after reopen:\n got %v\nwant %v", after, beforeAdj)
	}
	if e := entity(t, s, rail); e == nil || e.Stage != graph.StageCompleted {
		t.Errorf("rail after reopen: got %+v", e)
	}
}

// adjacency describes the whole index by IDs, independent of node numbers.
func adjacency(x *graph.Index) map[string]string {
	m := make(map[string]string)
	for _, k := range graph.Kinds {
		for _, n := range x.NodesOfKind(k) {
			info := x.Node(n)
			var docs []string
			for _, d := range info.Documents {
				docs = append(docs, x.Node(d).ID)
			}
			var out []string
			for _, e := range x.Out(n) {
				out = append(out, x.FactID(e)+" "+string(e.Relation())+" "+x.Node(e.Node).ID+" "+x.Node(x.Via(e)).ID)
			}
			sort.Strings(out)
			m[info.ID] = fmt.Sprintf("%s|%s|%s|%s|%s|%v|%v|in %d", info.Kind, info.Name, info.Category, info.Level,
				info.Stage, docs, out, len(x.In(n)))
		}
	}
	return m
}

func TestBoltSecondOpenFailsFast(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pg.db")
	openStore(t, path)
	start := time.Now()
	s2, err := graph.Open(ctx, path)
	if err == nil {
		s2.Close()
		t.Fatal("second Open of an open bbolt file succeeded")
	}
	if !strings.Contains(err.Error(), "in use") {
		t.Errorf("second Open: got %v, want an error saying the store is in use", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v", d)
	}
}

func TestOpenUnsupported(t *testing.T) {
	for _, dsn := range []string{"postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "mysql://x"} {
		if _, err := graph.Open(context.Background(), dsn); err == nil {
			t.Errorf("Open(%q) succeeded", dsn)
		}
	}
}

// ---- benchmarks ----

func BenchmarkWriteDocument(b *testing.B) {
	for _, backend := range []string{"memory", "bolt"} {
		b.Run(backend, func(b *testing.B) {
			dsn := backend
			if backend == "bolt" {
				dsn = filepath.Join(b.TempDir(), "bench.db")
			}
			s := openStore(b, dsn)
			ctx := context.Background()
			quads, i := 0, 0
			for b.Loop() {
				b.StopTimer()
				g := graph.SyntheticGraph(i, 200, 20000, 5000) // a new document, ~200 facts
				b.StartTimer()
				res, err := s.WriteDocument(ctx, g)
				if err != nil {
					b.Fatal(err)
				}
				quads += res.QuadsAdded + res.QuadsRemoved
				i++
			}
			b.ReportMetric(float64(quads)/b.Elapsed().Seconds(), "quads/s")
			b.ReportMetric(float64(quads)/float64(i), "quads/op")
		})
	}
}

// TestBoltEmptyStoreStats opens a bbolt store nothing was written to: its
// counts are zero, not an error (Cayley's kv log bucket does not exist yet).
func TestBoltEmptyStoreStats(t *testing.T) {
	s, err := graph.Open(context.Background(), filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatalf("stats of an empty store: %v", err)
	}
	if st.Quads != 0 || st.Documents != 0 {
		t.Errorf("got %d quads, %d documents, want none", st.Quads, st.Documents)
	}
}

// TestIncrementalIndexMatchesRebuild writes overlapping documents (the same
// places and initiatives, mentions of one initiative in several years)
// through every write path: batches and single writes of new documents (the
// entity cache's path), a replacement and a removal (the full re-read), then
// new documents again, and checks after each step that the index the writes
// kept equals one built from scratch from the store.
func TestIncrementalIndexMatchesRebuild(t *testing.T) {
	backends := map[string]func(t *testing.T) *graph.Store{
		"memory": func(t *testing.T) *graph.Store { return openStore(t, "memory") },
		"bolt":   func(t *testing.T) *graph.Store { return openStore(t, filepath.Join(t.TempDir(), "pg.db")) },
	}
	if os.Getenv("POLICYGRAPH_TEST_POSTGRES") != "" {
		backends["postgres"] = func(t *testing.T) *graph.Store { return openStore(t, postgresDSN(t)) }
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			syn := func(i int) *graph.DocumentGraph { return graph.SyntheticGraph(i, 40, 25, 12) }
			check := func(step string) {
				t.Helper()
				y, err := s.RebuiltIndexForTest(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got, want := adjacency(s.Index()), adjacency(y)
				if !reflect.DeepEqual(got, want) {
					n := 0
					for id, w := range want {
						if g := got[id]; g != w && n < 5 {
							t.Errorf("%s: %s\n kept    %s\n rebuilt %s", step, id, g, w)
							n++
						}
					}
					for id, g := range got {
						if _, ok := want[id]; !ok && n < 5 {
							t.Errorf("%s: %s only in the kept index: %s", step, id, g)
							n++
						}
					}
					t.Fatalf("%s: the index kept by the writes differs from a rebuilt one", step)
				}
				// Entities (served from the cache where it can) agrees with
				// a read of the store, and fills the cache for the next step.
				var ids []string
				for _, k := range graph.Kinds {
					for _, n := range y.NodesOfKind(k) {
						ids = append(ids, y.Node(n).ID)
					}
				}
				for range 2 {
					got, err := s.Entities(ctx, ids)
					if err != nil {
						t.Fatal(err)
					}
					want, err := s.EntitiesUncachedForTest(ctx, ids)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						for i := range got {
							if !reflect.DeepEqual(got[i], want[i]) {
								t.Fatalf("%s: Entities(%s) = %+v, the store says %+v", step, ids[i], got[i], want[i])
							}
						}
					}
				}
			}
			var batch []*graph.DocumentGraph
			for i := range 8 {
				batch = append(batch, syn(i))
			}
			if _, err := s.WriteDocuments(ctx, batch); err != nil {
				t.Fatal(err)
			}
			check("a batch of new documents")
			for i := 8; i < 14; i++ {
				mustWrite(t, s, syn(i))
				check(fmt.Sprintf("new document %d on its own", i))
			}
			// A new document that adds names to entities others list.
			extra := syn(30)
			for i := range extra.Entities {
				extra.Entities[i].Aliases = append(extra.Entities[i].Aliases, extra.Entities[i].Name+"（别称）")
			}
			mustWrite(t, s, extra)
			check("a new document adding aliases")
			g := syn(3)
			g.Document.Hash = "changed"
			g.Mentions = g.Mentions[:len(g.Mentions)/2]
			g.Facts = g.Facts[:len(g.Facts)/2]
			mustWrite(t, s, g)
			check("a replacement")
			if err := s.RemoveDocument(ctx, "document/synthetic-00005"); err != nil {
				t.Fatal(err)
			}
			check("a removal")
			batch = batch[:0]
			for i := 14; i < 20; i++ {
				batch = append(batch, syn(i))
			}
			batch = append(batch, syn(5)) // back again
			if _, err := s.WriteDocuments(ctx, batch); err != nil {
				t.Fatal(err)
			}
			check("new documents after a replacement and a removal")
		})
	}
}
