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
// its numbers varied, so no two copies are the same document, and a
// footnote mark ([7]) after each paragraph of copy 7, so that no paragraph
// repeats another word for word (Extract reads a repeated paragraph once,
// and a benchmark of skipping would say nothing of real reports).
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
		c := num.ReplaceAllStringFunc(string(seed), func(s string) string {
			k++
			n, _ := strconv.Atoi(s)
			return strconv.Itoa(n + (i*7+k)%13)
		})
		for _, line := range strings.SplitAfter(c, "\n") {
			if body, ok := strings.CutSuffix(line, "\n"); ok && body != "" {
				line = body + "[" + strconv.Itoa(i) + "]\n"
			}
			b.WriteString(line)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// BenchmarkExtract measures the whole pipeline (normalise to a document
// graph) on a 1 MB document.
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

// reports returns about size bytes of generated reports (Synthesize, seed
// 1), each about 10 KB and none repeating another's paragraphs: the shape of
// a corpus a user loads, report by report.
func reports(tb testing.TB, size int) []string {
	tb.Helper()
	var out []string
	for i, n := 0, 0; n < size; i++ {
		r, err := SynthesizeReport(1, i)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(r.Text))
		n += len(r.Text)
	}
	return out
}

// BenchmarkExtractReports measures the whole pipeline on 1 MB of generated
// reports, one document each; BenchmarkSegmentGSEReports segments the same
// text.
func BenchmarkExtractReports(b *testing.B) {
	gz := gazetteer(b)
	docs := reports(b, 1<<20)
	b.SetBytes(int64(len(strings.Join(docs, ""))))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, doc := range docs {
			if _, err := Extract(context.Background(), gz, "report"+strconv.Itoa(k)+".txt", []byte(doc), Meta{Year: 2022}); err != nil {
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
