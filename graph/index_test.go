package graph

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

func TestEdgeIsSmall(t *testing.T) {
	if n := unsafe.Sizeof(Edge{}); n > 16 {
		t.Errorf("Edge is %d bytes, want at most 16", n)
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
			r := reader{qs: s.be.quadStore()}
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
