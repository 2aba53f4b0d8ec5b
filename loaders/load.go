package loaders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/policygraph/policygraph/graph"
)

// Report says what loading one document did.
type Report struct {
	File      string
	Document  string
	Unchanged bool
	Replaced  bool
	Quads     int
	Counts    map[graph.Kind]int
	Facts     int
	Warnings  []string
}

// LoadFile reads, extracts and writes one document in one transaction. A
// document that cannot be read or extracted writes nothing.
func LoadFile(ctx context.Context, st *graph.Store, gz *Gazetteer, file string, meta Meta) (Report, error) {
	info, err := os.Stat(file)
	if err != nil {
		return Report{File: file}, fmt.Errorf("read %s: %w", file, err)
	}
	if info.Size() > MaxInputBytes {
		return Report{File: file}, &InputError{File: file, Reason: fmt.Sprintf("document is %d bytes, over the %d MiB limit", info.Size(), MaxInputBytes>>20)}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return Report{File: file}, fmt.Errorf("read %s: %w", file, err)
	}
	return Load(ctx, st, gz, file, raw, meta)
}

// Load extracts raw, the bytes of a document called file, and writes it.
func Load(ctx context.Context, st *graph.Store, gz *Gazetteer, file string, raw []byte, meta Meta) (Report, error) {
	rep := Report{File: file}
	if err := EnsureGazetteer(ctx, st, gz); err != nil {
		return rep, err
	}
	g, err := Extract(ctx, gz, file, raw, meta)
	if err != nil {
		return rep, err
	}
	res, err := st.WriteDocument(ctx, g)
	if err != nil {
		return rep, fmt.Errorf("write %s: %w", file, err)
	}
	rep.Document, rep.Unchanged, rep.Replaced, rep.Quads = g.Document.ID, res.Unchanged, res.Replaced, res.QuadsAdded
	rep.Counts = map[graph.Kind]int{}
	for _, e := range g.Entities {
		rep.Counts[e.Kind]++
	}
	rep.Facts = len(g.Facts)
	rep.Warnings = g.Warnings
	return rep, nil
}

// GazetteerID is the ID of the pseudo-document that holds the gazetteer's
// places and their membership facts.
const GazetteerID = "document/gazetteer"

// EnsureGazetteer writes the gazetteer's places, regions and membership
// facts as one document; it changes nothing when the same gazetteer is
// already stored.
func EnsureGazetteer(ctx context.Context, st *graph.Store, gz *Gazetteer) error {
	g := GazetteerGraph(gz)
	if _, err := st.WriteDocument(ctx, g); err != nil {
		return fmt.Errorf("write gazetteer: %w", err)
	}
	return nil
}

// GazetteerGraph returns every place of the gazetteer as a document graph
// whose evidence is the data file row of each fact.
func GazetteerGraph(gz *Gazetteer) *graph.DocumentGraph {
	// Protected: every document refers to the gazetteer's places, so no
	// upload may replace it (one named Gazetteer.txt would get its ID).
	doc := graph.Document{ID: GazetteerID, Title: "policygraph gazetteer", Source: "seeds/gazetteer", Protected: true}
	b := &builder{gz: gz, d: &Doc{}, g: &graph.DocumentGraph{Document: doc}, entities: map[string]*graph.Entity{}}
	ids := make([]string, 0, len(gz.Places))
	for id := range gz.Places {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	h := sha256.New()
	for _, id := range ids {
		p := gz.Places[id]
		b.addPlace(p)
		fmt.Fprintln(h, p.Source, p.Row)
	}
	out := b.graph()
	out.Document.Hash = hex.EncodeToString(h.Sum(nil))
	return out
}

// String is a one-line summary of the report.
func (r Report) String() string {
	if r.Unchanged {
		return fmt.Sprintf("%s: unchanged (%s)", r.File, r.Document)
	}
	var parts []string
	for _, k := range graph.Kinds {
		if n := r.Counts[k]; n > 0 && k != graph.KindDocument {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(string(k))))
		}
	}
	verb := "loaded"
	if r.Replaced {
		verb = "replaced"
	}
	return fmt.Sprintf("%s: %s %s: %s, %d facts, %d quads", r.File, verb, r.Document, strings.Join(parts, ", "), r.Facts, r.Quads)
}
