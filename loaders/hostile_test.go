package loaders_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

// Hostile documents: each is either extracted correctly or refused with an
// *InputError that names the file and the reason, and a refused document
// leaves the store as it was.

// memoryStore is an empty memory store and the default gazetteer.
func memoryStore(t *testing.T) (*graph.Store, *loaders.Gazetteer) {
	t.Helper()
	st, err := graph.Open(context.Background(), "memory")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	return st, gz
}

// hostileStore is a memory store holding the seed report.
func hostileStore(t *testing.T) (*graph.Store, *loaders.Gazetteer) {
	t.Helper()
	st, gz := memoryStore(t)
	if _, err := loaders.LoadFile(context.Background(), st, gz, seed, loaders.Meta{}); err != nil {
		t.Fatal(err)
	}
	return st, gz
}

func mustStats(t *testing.T, st *graph.Store) graph.Stats {
	t.Helper()
	s, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// initiativeNames extracts raw and returns the names of its initiatives.
func initiativeNames(t *testing.T, gz *loaders.Gazetteer, name string, raw []byte) ([]string, *graph.DocumentGraph) {
	t.Helper()
	g, err := loaders.Extract(context.Background(), gz, name, raw, loaders.Meta{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []string
	for _, e := range g.Entities {
		if e.Kind == graph.KindInitiative {
			out = append(out, e.Name)
		}
	}
	slices.Sort(out)
	return out, g
}

func TestHostileDocumentsRefused(t *testing.T) {
	st, gz := hostileStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	before := mustStats(t, st)

	write := func(name string, raw []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	controls := bytes.Repeat([]byte("成都\x01\x02\x03\x04\x05\x06\x07\x08"), 1000)
	for _, tc := range []struct {
		name string
		file func() string
		says string
	}{
		{"200 MB file", func() string {
			// Sparse: LoadFile must refuse it by its size, before reading it.
			p := filepath.Join(dir, "huge-2023.txt")
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(200 << 20); err != nil {
				t.Fatal(err)
			}
			return p
		}, "over the 20 MiB limit"},
		{"control characters", func() string { return write("controls.txt", controls) }, "control"},
		{"NUL bytes", func() string { return write("nul.txt", []byte("成都\x00\x00市")) }, "NUL"},
		{"a PDF", func() string { return write("report.txt", []byte("%PDF-1.7\n成都")) }, "PDF"},
		{"invisible characters only", func() string {
			return write("blank.txt", []byte("\u200b\u200e\u200f\u202e\u2066\ufeff \n\t"))
		}, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			alloc := ms.TotalAlloc
			start := time.Now()
			_, err := loaders.LoadFile(ctx, st, gz, file, loaders.Meta{})
			took := time.Since(start)
			runtime.ReadMemStats(&ms)
			var ie *loaders.InputError
			if !errors.As(err, &ie) || ie.File != file || !strings.Contains(ie.Reason, tc.says) {
				t.Fatalf("got %v, want an InputError for %s saying %q", err, file, tc.says)
			}
			if took > 2*time.Second {
				t.Errorf("took %v", took)
			}
			if grew := ms.TotalAlloc - alloc; tc.name == "200 MB file" && grew > 8<<20 {
				t.Errorf("allocated %d MB refusing it: it read the file", grew>>20)
			}
			if after := mustStats(t, st); !reflect.DeepEqual(after, before) {
				t.Errorf("the store changed: %+v -> %+v", before, after)
			}
		})
	}
}

func TestHostileDocumentsExtracted(t *testing.T) {
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	seedText, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := initiativeNames(t, gz, "chengdu-2022-work-report.txt", seedText)

	t.Run("GBK mislabelled as UTF-8", func(t *testing.T) {
		// A web page's GBK bytes that claim to be UTF-8: the bytes win.
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(append([]byte("<meta charset=\"utf-8\">\n"), seedText...))
		if err != nil {
			t.Fatal(err)
		}
		got, g := initiativeNames(t, gz, "chengdu-2022-work-report.txt", gbk)
		if g.Document.Encoding != "gb18030" || !slices.Equal(got, want) {
			t.Errorf("encoding %s, initiatives %v; want gb18030, %v", g.Document.Encoding, got, want)
		}
	})

	t.Run("right-to-left and zero-width marks inside names", func(t *testing.T) {
		marked := strings.NewReplacer("铁路", "铁\u200f路", "走廊", "\u202e走\u200b廊\u202c", "成都", "成\u2067都\u2069").Replace(string(seedText))
		got, _ := initiativeNames(t, gz, "chengdu-2022-work-report.txt", []byte(marked))
		if !slices.Equal(got, want) {
			t.Errorf("initiatives differ:\n got %v\nwant %v", got, want)
		}
	})

	t.Run("a few control characters are dropped", func(t *testing.T) {
		noisy := strings.Replace(string(seedText), "。", "。\x07", 15) // under 1% of the characters
		got, _ := initiativeNames(t, gz, "chengdu-2022-work-report.txt", []byte(noisy))
		if !slices.Equal(got, want) {
			t.Errorf("initiatives differ:\n got %v\nwant %v", got, want)
		}
	})

	t.Run("mixed scripts", func(t *testing.T) {
		// Latin, Cyrillic, Arabic, Devanagari, kana, Hangul and emoji
		// around the Chinese: the Chinese names are still found.
		mixed := strings.ReplaceAll(string(seedText), "\n", " Москва مرحبا नमस्ते カタカナ 한국어 🚄🏗️ Project-X\n")
		got, _ := initiativeNames(t, gz, "chengdu-2022-work-report.txt", []byte(mixed))
		for _, name := range []string{"成资市域(郊)铁路", "成都都市圈环线铁路"} {
			if !slices.Contains(got, name) {
				t.Errorf("%s not found in mixed scripts; found %v", name, got)
			}
		}
	})

	t.Run("one 5 MB line", func(t *testing.T) {
		line := strings.ReplaceAll(string(seedText), "\n", "")
		raw := []byte(strings.Repeat(line, 5<<20/len(line)+1))
		start := time.Now()
		g, err := loaders.Extract(context.Background(), gz, "one-line-2022.txt", raw, loaders.Meta{Place: "成都"})
		took := time.Since(start)
		t.Logf("%d bytes on one line: %v in %v", len(raw), err, took)
		if err != nil {
			var ie *loaders.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("refused without an InputError: %v", err)
			}
			return
		}
		names := map[string]bool{}
		for _, e := range g.Entities {
			names[e.Name] = true
		}
		if !names["成资市域(郊)铁路"] {
			t.Errorf("成资市域(郊)铁路 not found on the long line")
		}
	})
}

// TestRepeatedTextReadOnce checks that a report repeated many times over (a
// hostile upload near the size limit, or a page saved twice) gives the facts
// of one copy, not one set per copy.
func TestRepeatedTextReadOnce(t *testing.T) {
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../seeds/chengdu-2022-work-report-part1.txt")
	if err != nil {
		t.Fatal(err)
	}
	once, err := loaders.Extract(context.Background(), gz, "x.txt", raw, loaders.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	many := bytes.Repeat(append(bytes.TrimRight(raw, "\n"), '\n'), 50)
	again, err := loaders.Extract(context.Background(), gz, "x.txt", many, loaders.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Facts) > len(once.Facts)+len(once.Facts)/10 || len(again.Mentions) > len(once.Mentions)+len(once.Mentions)/10 {
		t.Errorf("50 copies gave %d facts and %d mentions, one copy %d and %d", len(again.Facts), len(again.Mentions),
			len(once.Facts), len(once.Mentions))
	}
}

// TestExtractAtMost checks the early stop of a bounded extraction: a
// document over the bound is refused while it is read, with a lower bound
// of its quads, and a document that fits is never refused (the count it
// stops on is a lower bound of the quads the store then writes).
func TestExtractAtMost(t *testing.T) {
	ctx := context.Background()
	st, gz := memoryStore(t)
	if err := loaders.EnsureGazetteer(ctx, st, gz); err != nil {
		t.Fatal(err)
	}
	seedText, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{"seed.txt": seedText}
	var many bytes.Buffer // twenty generated reports in one document
	for i := range 20 {
		r, err := loaders.SynthesizeReport(3, i)
		if err != nil {
			t.Fatal(err)
		}
		many.Write(r.Text)
		many.WriteByte('\n')
		if i < 3 {
			docs[r.Name] = r.Text
		}
	}
	docs["twenty.txt"] = many.Bytes()
	for name, raw := range docs {
		g, err := loaders.Extract(ctx, gz, name, raw, loaders.Meta{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res, err := st.WriteDocument(ctx, g)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		quads := res.QuadsAdded
		if _, err := loaders.ExtractAtMost(ctx, gz, name, raw, loaders.Meta{}, quads); err != nil {
			t.Errorf("%s, %d quads, at most %d: %v; want no refusal", name, quads, quads, err)
		}
		_, err = loaders.ExtractAtMost(ctx, gz, name, raw, loaders.Meta{}, quads/10)
		var tl *graph.TooLargeError
		if !errors.As(err, &tl) || !tl.AtLeast || tl.Max != quads/10 || tl.Quads <= quads/10 || tl.Quads > quads {
			t.Errorf("%s, %d quads, at most %d: got %v, want a TooLargeError with a lower bound of its quads", name, quads, quads/10, err)
		}
	}
}
