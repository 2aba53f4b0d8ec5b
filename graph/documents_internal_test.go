package graph

import (
	"cmp"
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/cayleygraph/quad"
)

// TestDocumentsReadOnce opens a bbolt store cold and lists its documents
// from many readers at once, as the resolvers of one connect answer do. It
// checks that the answer is the one read from every quad of each document
// (the documents as listed before the read was narrowed to the document
// and section predicates) and that the readers read the store once between
// them.
func TestDocumentsReadOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "docs.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	full := SyntheticGraph(9, 300, 20, 40)
	full.Document.Issuer, full.Document.Place, full.Document.Source = "某市人民政府", "place/100001", "full.txt"
	full.Document.Encoding, full.Document.Chars, full.Document.Year = "GB18030", 4321, 2024
	full.Document.Sections = []Section{
		{Number: "一", Heading: "总体要求", Index: 0, Parent: -1},
		{Number: "(一)", Heading: "合力推进", Lead: "加快", Index: 1, Parent: 0},
		{Number: "二", Heading: "重点任务", Index: 2, Parent: -1},
	}
	for _, g := range []*DocumentGraph{SyntheticGraph(1, 300, 20, 40), SyntheticGraph(2, 200, 20, 40), full} {
		if _, err := st.WriteDocument(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	want := documentsFromEveryQuad(t, st)
	if len(want) != 3 {
		t.Fatalf("the store holds %d documents, want 3", len(want))
	}

	before := st.Reads()
	const readers = 8
	got := make([][]Document, readers)
	var wg sync.WaitGroup
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ds, err := st.Documents(ctx)
			if err != nil {
				t.Error(err)
			}
			got[i] = ds
		}()
	}
	wg.Wait()
	for i, ds := range got {
		if !reflect.DeepEqual(ds, want) {
			t.Errorf("reader %d: got %+v, want %+v", i, ds, want)
		}
	}
	// Documents reads in three round trips: the document IDs, their
	// quads, their sections' quads.
	if n := st.Reads() - before; n != 3 {
		t.Errorf("%d readers at once read the store in %d round trips, want 3 (one reader's)", readers, n)
	}
}

// documentsFromEveryQuad lists the documents of st from all the quads each
// document and section is the subject of, not only those decodeDocument
// and decodeSection read.
func documentsFromEveryQuad(t *testing.T, st *Store) []Document {
	t.Helper()
	ctx := context.Background()
	r, err := st.rlock()
	if err != nil {
		t.Fatal(err)
	}
	defer st.mu.RUnlock()
	var ids []string
	for _, n := range st.index.NodesOfKind(KindDocument) {
		ids = append(ids, st.index.idOf(n))
	}
	vals := iris(ids)
	g, err := r.bySubject(ctx, vals)
	if err != nil {
		t.Fatal(err)
	}
	var out []Document
	for i, id := range ids {
		d, secs := decodeDocument(id, g[vals[i]])
		if d == nil {
			continue
		}
		sg, err := r.bySubject(ctx, secs)
		if err != nil {
			t.Fatal(err)
		}
		for _, sv := range secs {
			var own []quad.Quad
			for _, q := range sg[sv] {
				if labelOf(q) == d.ID {
					own = append(own, q)
				}
			}
			d.Sections = append(d.Sections, decodeSection(own))
		}
		slices.SortFunc(d.Sections, func(a, b Section) int { return cmp.Compare(a.Index, b.Index) })
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Document) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// TestBySubjectPredsReadsTheIndex checks that the documents' read through
// the [S,P] index (bySubjectPreds) gives the quads bySubject gives for the
// same predicates, in the same order, on bbolt and in memory, and that on
// bbolt it does use the index: if Cayley stopped offering the index scan,
// the read would fall back to reading every pg:has quad of a document and
// the first answer on a large store would be seconds again.
func TestBySubjectPredsReadsTheIndex(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{filepath.Join(t.TempDir(), "preds.db"), "memory"} {
		st, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []*DocumentGraph{SyntheticGraph(1, 300, 20, 40), SyntheticGraph(2, 200, 20, 40)} {
			if _, err := st.WriteDocument(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		r, err := st.rlock()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, n := range st.index.NodesOfKind(KindDocument) {
			ids = append(ids, st.index.idOf(n))
		}
		vals := append(iris(ids), quad.IRI("document/not-stored"))
		want, err := r.bySubject(ctx, vals, documentPreds...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.bySubjectPreds(ctx, vals, documentPreds...)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != len(ids) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: bySubjectPreds gave %d subjects, bySubject %d (of %d documents); want the same quads", dsn, len(got), len(want), len(ids))
		}
		refs, err := r.refsOf(ctx, []quad.Value{quad.IRI(ids[0]), pTitle})
		if err != nil {
			t.Fatal(err)
		}
		scan := r.indexScan(ctx, quad.Subject, refs[0], refs[1])
		if bolt := dsn != "memory"; bolt != (scan != nil) {
			t.Errorf("%s: index scan offered: %v, want %v (bbolt has an [S,P] index, memory none)", dsn, scan != nil, bolt)
		}
		st.mu.RUnlock()
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
