package loaders

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// corpus returns about size bytes of text: the seed report repeated with
// its numbers varied, so no two copies are the same document.
func corpus(tb testing.TB, size int) []byte {
	tb.Helper()
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		tb.Fatal(err)
	}
	num := regexp.MustCompile(`[0-9]+`)
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		k := 0
		b.WriteString(num.ReplaceAllStringFunc(string(seed), func(s string) string {
			k++
			n, _ := strconv.Atoi(s)
			return strconv.Itoa(n + (i*7+k)%13)
		}))
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// BenchmarkExtract measures the whole pipeline (normalise to a document
// graph) on a 10 MB corpus in 1 MB documents.
func BenchmarkExtract(b *testing.B) {
	gz := gazetteer(b)
	doc := corpus(b, 1<<20)
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Extract(context.Background(), gz, "bench.txt", doc, Meta{Place: "成都", Year: 2022}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSegment is the baseline for BenchmarkExtract: one forward
// longest-match pass over the same text with the gazetteer's dictionary
// (places, programmes, bodies), the bare segmentation any extractor needs.
func BenchmarkSegment(b *testing.B) {
	gz := gazetteer(b)
	doc := []rune(string(corpus(b, 1<<20)))
	b.SetBytes(int64(len(string(doc))))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tokens := 0
		for j := 0; j < len(doc); j++ {
			if e, ok := gz.names.longest(doc, j); ok {
				j += len(e.text) - 1
			}
			tokens++
		}
		if tokens == 0 {
			b.Fatal("no tokens")
		}
	}
}

// BenchmarkGazetteer measures building the gazetteer from the embedded data.
func BenchmarkGazetteer(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := NewGazetteer(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGazetteerBuildTime(t *testing.T) {
	start := time.Now()
	if _, err := NewGazetteer(); err != nil {
		t.Fatal(err)
	}
	t.Logf("gazetteer built in %v", time.Since(start))
}
