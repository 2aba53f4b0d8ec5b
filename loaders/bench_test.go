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
	return []byte(strings.Join(copies(tb, size), ""))
}

// copies returns the copies corpus is made of, each ending in a newline.
func copies(tb testing.TB, size int) []string {
	tb.Helper()
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		tb.Fatal(err)
	}
	num := regexp.MustCompile(`[0-9]+`)
	var out []string
	for i, n := 0, 0; n < size; i++ {
		k := 0
		c := num.ReplaceAllStringFunc(string(seed), func(s string) string {
			k++
			n, _ := strconv.Atoi(s)
			return strconv.Itoa(n + (i*7+k)%13)
		}) + "\n"
		out = append(out, c)
		n += len(c)
	}
	return out
}

// BenchmarkExtract measures the whole pipeline (normalise to a document
// graph) on 1 MB of text, one document per copy of the seed.
//
// Each copy is its own document: within one document a
// paragraph repeated word for word is read once (Extract), and the copies
// repeat every paragraph without numbers, so one 1 MB document would
// measure mostly the skipping.
func BenchmarkExtract(b *testing.B) {
	gz := gazetteer(b)
	docs := copies(b, 1<<20)
	b.SetBytes(int64(len(corpus(b, 1<<20))))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, doc := range docs {
			if _, err := Extract(context.Background(), gz, "bench"+strconv.Itoa(k)+".txt", []byte(doc), Meta{Place: "成都", Year: 2022}); err != nil {
				b.Fatal(err)
			}
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
