package graph

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

func TestEdgeIsSmall(t *testing.T) {
	if n := unsafe.Sizeof(Edge{}); n > 12 {
		t.Errorf("Edge is %d bytes, want at most 12", n)
	}
}

func TestRelCodes(t *testing.T) {
	for i, r := range Relations {
		c := CodeOf(r)
		if int(c) != i+1 || c.Relation() != r {
			t.Errorf("CodeOf(%s) = %d, Relation() = %s; want %d, %s", r, c, c.Relation(), i+1, r)
		}
	}
	if c := CodeOf("NEAR"); c != 0 || c.Relation() != "" {
		t.Errorf("CodeOf(unknown) = %d, want 0", c)
	}
}

func TestLatestStage(t *testing.T) {
	tests := []struct {
		name string
		ms   []mentionRec
		want Stage
	}{
		{"none", nil, ""},
		{"latest year wins over rank", []mentionRec{{"document/a", 2024, StagePlanning}, {"document/b", 2023, StageCompleted}}, StagePlanning},
		{"same year: later document", []mentionRec{{"document/b", 2023, StageProposed}, {"document/a", 2023, StageCompleted}}, StageProposed},
		{"same document: higher rank", []mentionRec{{"document/a", 2023, StageStarting}, {"document/a", 2023, StageBidding}}, StageStarting},
		{"no stage ignored", []mentionRec{{"document/a", 2025, ""}, {"document/a", 2020, StageOngoing}}, StageOngoing},
	}
	for _, tt := range tests {
		if got := latestStage(tt.ms); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// syntheticStore writes docs synthetic documents of factsPerDoc facts each.
func syntheticStore(b *testing.B, dsn string, docs, factsPerDoc int) *Store {
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	start := time.Now()
	quads := 0
	for i := 0; i < docs; i++ {
		res, err := s.WriteDocument(ctx, SyntheticGraph(i, factsPerDoc, 20000, 5000))
		if err != nil {
			b.Fatal(err)
		}
		quads += res.QuadsAdded
	}
	b.Logf("%s: wrote %d documents, %d quads in %v", dsn, docs, quads, time.Since(start).Round(time.Millisecond))
	return s
}

// BenchmarkIndexBuild builds the index of a synthetic graph of 100k edges
// (20k places, 5k initiatives) with one scan of the store, as Open does.
func BenchmarkIndexBuild(b *testing.B) {
	for _, backend := range []string{"memory", "bolt"} {
		b.Run(backend, func(b *testing.B) {
			dsn := backend
			if backend == "bolt" {
				dsn = filepath.Join(b.TempDir(), "bench.db")
			}
			s := syntheticStore(b, dsn, 100, 1000)
			ctx := context.Background()
			r := readerOf(s.be)
			var x *Index
			for b.Loop() {
				var err error
				if x, err = buildIndex(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
			edges := x.EdgeCount()
			// Heap held by the index: live heap with it, minus without it.
			var with, without runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&with)
			nodes := x.Len()
			nodeBytes, edgeBytes := x.memoryParts()
			runtime.KeepAlive(x)
			x = nil
			runtime.GC()
			runtime.ReadMemStats(&without)
			heap := int64(with.HeapAlloc) - int64(without.HeapAlloc)
			b.ReportMetric(float64(edges), "edges")
			b.ReportMetric(float64(nodes), "nodes")
			b.ReportMetric(float64(heap)/float64(edges), "heapB/edge")
			b.ReportMetric(float64(nodeBytes+edgeBytes)/float64(edges), "estB/edge")
			b.ReportMetric(float64(edgeBytes)/float64(edges), "adjB/edge")
			b.ReportMetric(float64(nodeBytes)/float64(nodes), "B/node")
		})
	}
}

// syntheticChange returns the index change that builds the graph of docs
// SyntheticGraph documents of perDoc facts each, over perDoc*docs/5 places
// and perDoc*docs/20 initiatives (about 4 edges a node), as buildIndex would
// make it from a store holding them: every entity and document a node, in ID
// order, with the documents that list it, and every fact an edge.
func syntheticChange(docs, perDoc int) *indexChange {
	edges := docs * perDoc
	ents := make(map[string]*Entity)
	entDocs := make(map[string][]string)
	ch := &indexChange{}
	for i := 0; i < docs; i++ {
		g := SyntheticGraph(i, perDoc, edges/5, edges/20)
		doc := g.Document.ID
		ents[doc] = &Entity{ID: doc, Kind: KindDocument, Name: g.Document.Title}
		entDocs[doc] = append(entDocs[doc], doc)
		for _, e := range g.Entities {
			if ents[e.ID] == nil {
				ents[e.ID] = &e
			}
			entDocs[e.ID] = append(entDocs[e.ID], doc)
		}
		for j, f := range g.Facts {
			h := fnv.New64a()
			fmt.Fprintf(h, "%s/%d", doc, j)
			hash := h.Sum64()
			ch.addFacts = append(ch.addFacts, factEdge{id: fmt.Sprintf("%s%016x", factPrefix, hash),
				from: f.From, to: f.To, via: f.Via, relation: f.Relation, hash: hash})
		}
	}
	ids := make([]string, 0, len(ents))
	for id := range ents {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: ents[id], docs: entDocs[id]})
	}
	slices.SortFunc(ch.addFacts, func(a, b factEdge) int { return strings.Compare(a.id, b.id) })
	return ch
}

// TestIndexMemory checks that the index of a synthetic graph of 50k edges
// (about 4 edges a node) holds less than 64 bytes an edge, by MemoryBytes
// and by the heap it really takes, and that MemoryBytes is close to the heap.
func TestIndexMemory(t *testing.T) {
	ch := syntheticChange(50, 1000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	x := newIndex()
	x.apply(ch)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ch)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	n, e := x.Len(), x.EdgeCount()
	nb, eb := x.memoryParts()
	est := x.MemoryBytes()
	runtime.KeepAlive(x)
	perEdge, heapPerEdge := float64(est)/float64(e), float64(heap)/float64(e)
	t.Logf("%d nodes, %d edges (%.1f edges a node)", n, e, float64(e)/float64(n))
	t.Logf("MemoryBytes %d: %.1f B/edge (nodes %.1f, edges %.1f); heap growth %d: %.1f B/edge",
		est, perEdge, float64(nb)/float64(e), float64(eb)/float64(e), heap, heapPerEdge)
	if e != len(ch.addFacts) || n != len(ch.nodes) {
		t.Fatalf("index has %d nodes %d edges, want %d, %d", n, e, len(ch.nodes), len(ch.addFacts))
	}
	if perEdge >= 64 {
		t.Errorf("index holds %.1f B/edge by MemoryBytes, want < 64", perEdge)
	}
	if heapPerEdge >= 64 {
		t.Errorf("index holds %.1f B/edge of heap, want < 64", heapPerEdge)
	}
	if ratio := float64(est) / float64(heap); ratio < 0.8 || ratio > 1.25 {
		t.Errorf("MemoryBytes %d is %.2f times the heap growth %d, want 0.8 to 1.25", est, ratio, heap)
	}
}

// TestIndexStoreMemory builds a store of 12k edges (memory backend) one
// document at a time, then checks that the index the writes built holds the
// same graph as one built afresh with one scan, and logs what each holds.
func TestIndexStoreMemory(t *testing.T) {
	const docs, perDoc = 12, 1000
	edges := docs * perDoc
	ctx := context.Background()
	s, err := Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < docs; i++ {
		if _, err := s.WriteDocument(ctx, SyntheticGraph(i, perDoc, edges/5, edges/20)); err != nil {
			t.Fatal(err)
		}
	}
	inc := s.Index()
	r, err := s.rlock()
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	x, err := buildIndex(ctx, r)
	s.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	e := x.EdgeCount()
	t.Logf("fresh index: %d nodes %d edges, MemoryBytes %.1f B/edge, heap growth %.1f B/edge; index built by the writes: MemoryBytes %.1f B/edge",
		x.Len(), e, float64(x.MemoryBytes())/float64(e), float64(heap)/float64(e), float64(inc.MemoryBytes())/float64(inc.EdgeCount()))
	if got, want := dumpIndex(inc), dumpIndex(x); got != want {
		t.Errorf("the index built by the writes differs from a fresh one")
	}
	if inc.Len() != x.Len() || inc.EdgeCount() != x.EdgeCount() {
		t.Errorf("index built by the writes: %d nodes %d edges; fresh: %d nodes %d edges", inc.Len(), inc.EdgeCount(), x.Len(), x.EdgeCount())
	}
}

// dumpIndex prints every node of x with its attributes, documents, edges and
// name keys, by ID, for comparing indexes whose numbers differ.
func dumpIndex(x *Index) string {
	var lines []string
	for n := NodeRef(1); int(n) < x.Bound(); n++ {
		nd := x.Node(n)
		if nd.Kind == "" {
			continue
		}
		var docs, edges []string
		for _, d := range nd.Documents {
			docs = append(docs, x.Node(d).ID)
		}
		for _, e := range x.Out(n) {
			edges = append(edges, fmt.Sprintf("out %s %s %s via %s", e.Relation(), x.Node(e.Node).ID, x.FactID(e), x.Node(x.Via(e)).ID))
		}
		for _, e := range x.In(n) {
			edges = append(edges, fmt.Sprintf("in %s %s %s via %s", e.Relation(), x.Node(e.Node).ID, x.FactID(e), x.Node(x.Via(e)).ID))
		}
		slices.Sort(edges)
		keys := slices.Clone(x.nameKeysOf(n))
		slices.Sort(keys)
		lines = append(lines, fmt.Sprintf("%s %s %q %s %s %s docs %v keys %q\n  %s", nd.ID, nd.Kind, nd.Name, nd.Category,
			nd.Level, nd.Stage, docs, keys, strings.Join(edges, "\n  ")))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

var benchIndex = sync.OnceValue(func() *Index {
	x := newIndex()
	x.apply(syntheticChange(100, 1000))
	return x
})

func benchIDs(x *Index) []string {
	var ids []string
	for n := NodeRef(1); int(n) < x.Bound(); n++ {
		ids = append(ids, x.Node(n).ID)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids
}

// The lookup and walk benchmarks run on the index of a synthetic graph of
// 100k edges and 25k nodes.

func BenchmarkIndexLookup(b *testing.B) {
	x := benchIndex()
	ids := benchIDs(x)
	i := 0
	for b.Loop() {
		if _, ok := x.Lookup(ids[i%len(ids)]); !ok {
			b.Fatal("missing")
		}
		i++
	}
}

func BenchmarkIndexLookupMiss(b *testing.B) {
	x := benchIndex()
	ids := benchIDs(x)
	for i := range ids {
		ids[i] += "x"
	}
	i := 0
	for b.Loop() {
		if _, ok := x.Lookup(ids[i%len(ids)]); ok {
			b.Fatal("found")
		}
		i++
	}
}

func BenchmarkIndexNode(b *testing.B) {
	x := benchIndex()
	bound := x.Bound()
	i, sum := 0, 0
	for b.Loop() {
		nd := x.Node(NodeRef(1 + (i*7919)%(bound-1)))
		sum += len(nd.ID) + len(nd.Name) + len(nd.Documents)
		i++
	}
	runtime.KeepAlive(sum)
}

func BenchmarkIndexResolve(b *testing.B) {
	x := benchIndex()
	var names []string
	for n := NodeRef(1); int(n) < x.Bound(); n++ {
		names = append(names, x.Node(n).Name)
	}
	i := 0
	for b.Loop() {
		if len(x.Resolve(names[(i*7919)%len(names)])) == 0 {
			b.Fatal("not resolved")
		}
		i++
	}
}

// BenchmarkIndexWalk visits every node reachable from place/100000 along
// Out and In edges, checking each node's kind.
func BenchmarkIndexWalk(b *testing.B) {
	x := benchIndex()
	start, _ := x.Lookup("place/100000")
	seen := make([]bool, x.Bound())
	for b.Loop() {
		clear(seen)
		queue := []NodeRef{start}
		seen[start] = true
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, l := range [2][]Edge{x.Out(n), x.In(n)} {
				for _, e := range l {
					if !seen[e.Node] && x.alive(e.Node) {
						seen[e.Node] = true
						queue = append(queue, e.Node)
					}
				}
			}
		}
	}
}

// BenchmarkIndexConnect asks the same question again and again: after the
// first, each side's tied set is kept (warm). BenchmarkIndexConnectCold
// drops it before each question, as a write does.
func BenchmarkIndexConnect(b *testing.B) { benchIndexConnect(b, false) }

func BenchmarkIndexConnectCold(b *testing.B) { benchIndexConnect(b, true) }

func benchIndexConnect(b *testing.B, cold bool) {
	x := benchIndex()
	ctx := context.Background()
	a, _ := x.Lookup("place/100000")
	var c NodeRef
	for _, s := range x.Steps(a, DirectionIn, nil) {
		for _, u := range x.Steps(s.Node, DirectionOut, nil) {
			if u.Node != a && c == NoNode {
				c = u.Node
			}
		}
	}
	for b.Loop() {
		if cold {
			x.places.Store(nil)
		}
		if cs, err := Connect(ctx, x, []NodeRef{a}, []NodeRef{c}, false); err != nil || len(cs) == 0 {
			b.Fatal(cs, err)
		}
	}
}

func BenchmarkIndexPaths(b *testing.B) {
	x := benchIndex()
	ctx := context.Background()
	from, _ := x.Lookup("place/100000")
	to, _ := x.Lookup(scaleFarthest(x, "place/100000", 4))
	for b.Loop() {
		if ps, err := ShortestPaths(ctx, x, from, to, 4, 5, nil); err != nil || len(ps) == 0 {
			b.Fatal(ps, err)
		}
	}
}

func BenchmarkIndexSearch(b *testing.B) {
	x := benchIndex()
	for b.Loop() {
		if len(x.Search("合成地123", nil, 10)) == 0 {
			b.Fatal("none")
		}
	}
}

// TestIndexUpdates changes nodes' names, keys, kinds and documents, removes
// and revives them, and checks what the index answers after each change.
func TestIndexUpdates(t *testing.T) {
	x := newIndex()
	place := func(id, name string, aliases ...string) nodeUpdate {
		return nodeUpdate{id: id, entity: &Entity{ID: id, Kind: KindPlace, Name: name, Aliases: aliases, Level: LevelCounty}, docs: []string{"document/a"}}
	}
	doc := nodeUpdate{id: "document/a", entity: &Entity{ID: "document/a", Kind: KindDocument, Name: "文件A"}, docs: []string{"document/a"}}
	ids := func(ns []NodeRef) []string {
		var out []string
		for _, n := range ns {
			out = append(out, x.Node(n).ID)
		}
		return out
	}
	check := func(what, name string, want ...string) {
		t.Helper()
		if got := ids(x.Resolve(name)); !slices.Equal(got, want) {
			t.Errorf("%s: Resolve(%s) = %v, want %v", what, name, got, want)
		}
	}
	x.apply(&indexChange{nodes: []nodeUpdate{doc, place("place/b", "乙地", "共名"), place("place/a", "甲地", "共名", "甲")}})
	check("start", "共名", "place/a", "place/b")
	check("start", "甲", "place/a")
	check("start", "乙地", "place/b")
	if got := ids(x.NodesOfKind(KindPlace)); !slices.Equal(got, []string{"place/a", "place/b"}) {
		t.Errorf("NodesOfKind = %v", got)
	}
	a, _ := x.Lookup("place/a")
	if nd := x.Node(a); nd.Name != "甲地" || nd.Kind != KindPlace || nd.Level != LevelCounty || !slices.Equal(ids(nd.Documents), []string{"document/a"}) {
		t.Errorf("Node(place/a) = %+v", nd)
	}
	if keys := x.nameKeysOf(a); !slices.Equal(keys, []string{"甲地", "共名", "甲"}) {
		t.Errorf("nameKeysOf(place/a) = %q", keys)
	}

	// Renamed, losing an alias; then removed; then back as a body.
	x.apply(&indexChange{nodes: []nodeUpdate{place("place/a", "Jia Di", "甲")}})
	check("renamed", "共名", "place/b")
	check("renamed", "jiadi", "place/a")
	check("renamed", "甲地")
	x.apply(&indexChange{nodes: []nodeUpdate{{id: "place/a"}}})
	check("removed", "甲")
	if _, ok := x.Lookup("place/a"); ok || x.Node(a).ID != "place/a" || x.Node(a).Kind != "" || x.Len() != 2 {
		t.Errorf("removed: Lookup ok %v, Node %+v, Len %d", ok, x.Node(a), x.Len())
	}
	back := nodeUpdate{id: "place/a", entity: &Entity{ID: "place/a", Kind: KindBody, Name: "甲局"}}
	x.apply(&indexChange{nodes: []nodeUpdate{back}})
	if n, ok := x.Lookup("place/a"); !ok || n != a || x.Node(a).Kind != KindBody || x.Node(a).Documents != nil {
		t.Errorf("back: Lookup %d %v, Node %+v", n, ok, x.Node(a))
	}
	check("back", "甲局", "place/a")
	if got := ids(x.NodesOfKind(KindPlace)); !slices.Equal(got, []string{"place/b"}) {
		t.Errorf("NodesOfKind(PLACE) = %v", got)
	}
	var names []string
	x.forEachName(func(k string, ns []NodeRef) { names = append(names, k+" "+strings.Join(ids(ns), ",")) })
	slices.Sort(names)
	if want := []string{"乙地 place/b", "共名 place/b", "文件a document/a", "甲局 place/a"}; !slices.Equal(names, want) {
		t.Errorf("forEachName: %q, want %q", names, want)
	}

	// Many renames: the name table fills with deleted entries and is rebuilt.
	for i := range 200 {
		x.apply(&indexChange{nodes: []nodeUpdate{place("place/b", fmt.Sprintf("乙地%d", i), "共名")}})
	}
	check("many renames", "乙地199", "place/b")
	check("many renames", "乙地198")
	check("many renames", "共名", "place/b")
}

// TestIndexFacts adds facts twice, removes some, and gives one node more
// edges than its record's lengths hold.
func TestIndexFacts(t *testing.T) {
	x := newIndex()
	const many = 70000
	ch := &indexChange{nodes: []nodeUpdate{{id: "initiative/hub", entity: &Entity{ID: "initiative/hub", Kind: KindInitiative, Name: "枢纽"}}}}
	for i := range many {
		to := fmt.Sprintf("place/%06d", i%1000)
		via := ""
		if i%7 == 0 {
			via = "place/region"
		}
		ch.addFacts = append(ch.addFacts, factEdge{id: fmt.Sprintf("fact/%016x", i+1), from: "initiative/hub", to: to, via: via,
			relation: RelLocatedIn, hash: uint64(i + 1)})
	}
	x.apply(ch)
	x.apply(&indexChange{addFacts: ch.addFacts[:10]}) // known facts: ignored
	hub, _ := x.Lookup("initiative/hub")
	p0 := x.ref("place/000000")
	region := x.ref("place/region")
	if got := len(x.Out(hub)); got != many || x.EdgeCount() != many {
		t.Fatalf("Out(hub) has %d edges, EdgeCount %d; want %d", got, x.EdgeCount(), many)
	}
	if got := len(x.In(p0)); got != many/1000 {
		t.Errorf("In(place/000000) has %d edges, want %d", got, many/1000)
	}
	vias := 0
	for _, e := range x.Out(hub) {
		if v := x.Via(e); v == region {
			vias++
		} else if v != NoNode {
			t.Fatalf("edge %+v via %d", e, v)
		}
		if x.FactID(e) != fmt.Sprintf("fact/%016x", x.facts[e.Fact]) {
			t.Fatalf("FactID(%+v) = %s", e, x.FactID(e))
		}
	}
	if vias != many/7 {
		t.Errorf("%d edges via the region, want %d", vias, many/7)
	}

	// Remove every other fact: the hub's lists fit its record again.
	var del []factEdge
	for i, f := range ch.addFacts {
		if i%2 == 0 || i >= 2*0xfff0 {
			del = append(del, f)
		}
	}
	old := x.Out(hub)
	x.apply(&indexChange{delFacts: del})
	want := many - len(del)
	if got := len(x.Out(hub)); got != want || x.EdgeCount() != want || x.factsByRelation()[RelLocatedIn] != want {
		t.Errorf("after removing: Out(hub) %d, EdgeCount %d, by relation %v; want %d", got, x.EdgeCount(), x.factsByRelation(), want)
	}
	if x.nodes[hub].deg == bigDeg {
		t.Errorf("hub still has a header")
	}
	if len(old) != many || old[0].Rel != CodeOf(RelLocatedIn) || x.Via(old[0]) != NoNode && x.Via(old[0]) != region {
		t.Errorf("a list handed out changed")
	}
	for _, e := range x.Out(hub) {
		if x.facts[e.Fact]%2 != 0 {
			t.Fatalf("fact %d is still there", x.facts[e.Fact])
		}
	}
}

// TestIndexLongNodes checks nodes whose IDs, names and document lists are
// too long for the lengths in their records.
func TestIndexLongNodes(t *testing.T) {
	x := newIndex()
	var docs []string
	var ups []nodeUpdate
	for i := range 300 {
		d := fmt.Sprintf("document/%03d", i)
		docs = append(docs, d)
		ups = append(ups, nodeUpdate{id: d, entity: &Entity{ID: d, Kind: KindDocument, Name: d}})
	}
	names := map[string]string{
		"place/" + strings.Repeat("长", 100):    strings.Repeat("名", 50),  // 306-byte ID, 150-byte name
		"place/" + strings.Repeat("b", 130):    strings.Repeat("n", 40),  // 2-byte uvarints
		"place/" + strings.Repeat("c", 120):    strings.Repeat("c", 31),  // a name that ends the ID
		"initiative/" + strings.Repeat("d", 9): strings.Repeat("e", 300), // 300-byte name
	}
	for id, name := range names {
		ups = append(ups, nodeUpdate{id: id, entity: &Entity{ID: id, Kind: KindPlace, Name: name}, docs: docs[:len(name)%7+250]})
	}
	x.apply(&indexChange{nodes: ups})
	for id, name := range names {
		n, ok := x.Lookup(id)
		nd := x.Node(n)
		if !ok || nd.ID != id || nd.Name != name || len(nd.Documents) != len(name)%7+250 || x.Node(nd.Documents[3]).ID != docs[3] {
			t.Errorf("%s: Lookup %v, Node %q %q with %d documents", id, ok, nd.ID, nd.Name, len(nd.Documents))
		}
		if r := x.Resolve(name); len(r) != 1 || r[0] != n {
			t.Errorf("Resolve(%s) = %v, want [%d]", name, r, n)
		}
	}
}

// BenchmarkIndexApply builds the index of the synthetic graph of 100k edges
// from its change, as buildIndex does after its scan.
func BenchmarkIndexApply(b *testing.B) {
	ch := syntheticChange(100, 1000)
	for b.Loop() {
		x := newIndex()
		x.apply(ch)
	}
}

// TestIndexConcurrentReaders walks the index, keeping what it read, while
// changes replace lists and blocks and the arenas are copied: what a reader
// kept never changes (run with -race).
func TestIndexConcurrentReaders(t *testing.T) {
	x := newIndex()
	ch := syntheticChange(4, 500)
	x.apply(ch)
	hub, _ := x.Lookup(ch.addFacts[0].from)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			type kept struct {
				out  []Edge
				copy []Edge
				info NodeInfo
				docs []NodeRef
			}
			var ks []kept
			for i := 0; ; i++ {
				select {
				case <-stop:
					for _, k := range ks {
						if !slices.Equal(k.out, k.copy) || !slices.Equal(k.info.Documents, k.docs) {
							t.Errorf("reader %d: a kept list changed", r)
							return
						}
					}
					return
				default:
				}
				n := NodeRef(1 + (i*7919+r)%(x.Bound()-1))
				out := x.Out(hub)
				info := x.Node(n)
				ks = append(ks, kept{out, slices.Clone(out), info, slices.Clone(info.Documents)})
				for _, e := range x.In(n) {
					_ = x.Node(e.Node).ID
				}
				x.Resolve(info.Name)
				x.Lookup(info.ID)
			}
		}()
	}
	for i := range 300 {
		f := ch.addFacts[i%len(ch.addFacts)]
		f.hash += 1 << 40
		f.id = fmt.Sprintf("fact/%d", f.hash)
		u := ch.nodes[i%len(ch.nodes)]
		e := *u.entity
		e.Name = fmt.Sprintf("%s-%d", e.Name, i)
		x.apply(&indexChange{nodes: []nodeUpdate{{id: u.id, entity: &e, docs: u.docs[:1]}}, addFacts: []factEdge{f}})
		if i%3 == 0 {
			x.apply(&indexChange{delFacts: []factEdge{f}})
		}
	}
	close(stop)
	wg.Wait()
	if got := x.EdgeCount(); got != len(ch.addFacts)+200 {
		t.Errorf("EdgeCount = %d, want %d", got, len(ch.addFacts)+200)
	}
}

// TestIndexViaSlotsRunOut gives facts more regions than Edge.via has slots
// for: the rest go to the via map, and Via finds both.
func TestIndexViaSlotsRunOut(t *testing.T) {
	x := newIndex()
	x.viaNodes = append(x.viaNodes, make([]NodeRef, int(viaInMap)-2)...) // one slot left
	ch := &indexChange{nodes: []nodeUpdate{{id: "initiative/a", entity: &Entity{ID: "initiative/a", Kind: KindInitiative, Name: "甲"}}}}
	for i := range 3 {
		ch.addFacts = append(ch.addFacts, factEdge{id: fmt.Sprintf("fact/%016x", i+1), from: "initiative/a", to: "place/x",
			via: fmt.Sprintf("place/region%d", i), relation: RelLocatedIn, hash: uint64(i + 1)})
	}
	x.apply(ch)
	a, _ := x.Lookup("initiative/a")
	got := map[string]uint16{}
	for _, e := range x.Out(a) {
		got[x.Node(x.Via(e)).ID] = e.via
	}
	inMap := 0
	for r, slot := range got {
		if !strings.HasPrefix(r, "place/region") {
			t.Errorf("a fact holds through %q", r)
		}
		if slot == viaInMap {
			inMap++
		}
	}
	if len(got) != 3 || inMap != 2 || len(x.via) != 2 {
		t.Errorf("regions %v (%d in the map, map %d), want 3 regions, 2 in the map", got, inMap, len(x.via))
	}
}
