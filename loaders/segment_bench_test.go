package loaders

import (
	"strings"
	"testing"

	"github.com/go-ego/gse"
)

// BenchmarkSegmentGSE is the baseline the issue names for BenchmarkExtract:
// a bare segmentation pass over the same corpus with gse, a pure-Go Chinese
// segmenter, and its embedded dictionary.
func BenchmarkSegmentGSE(b *testing.B) {
	var seg gse.Segmenter
	if err := seg.LoadDict(); err != nil {
		b.Fatal(err)
	}
	doc := string(corpus(b, 1<<20))
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(seg.Cut(doc)) == 0 {
			b.Fatal("no tokens")
		}
	}
}

// BenchmarkSegmentGSEReports is BenchmarkSegmentGSE over the generated
// reports of BenchmarkExtractReports.
func BenchmarkSegmentGSEReports(b *testing.B) {
	var seg gse.Segmenter
	if err := seg.LoadDict(); err != nil {
		b.Fatal(err)
	}
	doc := strings.Join(reports(b, 1<<20), "")
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(seg.Cut(doc)) == 0 {
			b.Fatal("no tokens")
		}
	}
}
