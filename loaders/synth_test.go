package loaders

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policygraph/policygraph/graph"
)

func TestSynthesizeDeterministic(t *testing.T) {
	var a, b [][]byte
	var names []string
	collect := func(out *[][]byte) func(string, []byte) error {
		return func(name string, text []byte) error {
			if out == &a {
				names = append(names, name)
			}
			*out = append(*out, text)
			return nil
		}
	}
	if err := Synthesize(7, 5, collect(&a)); err != nil {
		t.Fatal(err)
	}
	if err := Synthesize(7, 5, collect(&b)); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("report %d differs between two runs with the same seed", i)
		}
		if !utf8.Valid(a[i]) {
			t.Errorf("report %d is not valid UTF-8", i)
		}
		if n := len(a[i]); n < 7000 || n > 14000 {
			t.Errorf("report %d is %d bytes, want about 10 KB", i, n)
		}
		if !strings.HasSuffix(names[i], fmt.Sprintf("-work-report-%d.txt", i)) {
			t.Errorf("name %q, want <pinyin>-<year>-work-report-%d.txt", names[i], i)
		}
		title, _, _ := strings.Cut(string(a[i]), "\n")
		if !strings.HasSuffix(title, "年政府工作报告") {
			t.Errorf("report %d title %q, want …年政府工作报告", i, title)
		}
	}
	other, err := SynthesizeReport(8, 0)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other.Text, a[0]) {
		t.Error("seeds 7 and 8 give the same report 0")
	}
}

// TestSynthesizeRecall checks that the extractor finds the initiatives the
// generator wrote, and logs the recall by sentence form and by stage cue:
// an extractor check as much as a generator check (go test -v -run Recall).
func TestSynthesizeRecall(t *testing.T) {
	gz := gazetteer(t)
	const n = 40
	total, found, facts := 0, 0, 0
	byForm := map[string][2]int{}
	byCue := map[string][2]int{}
	for i := range n {
		r, err := SynthesizeReport(1, i)
		if err != nil {
			t.Fatal(err)
		}
		g, err := Extract(context.Background(), gz, r.Name, r.Text, Meta{})
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		if g.Document.Title == "" || g.Document.Year == 0 {
			t.Errorf("%s: title %q year %d not found", r.Name, g.Document.Title, g.Document.Year)
		}
		facts += len(g.Facts)
		got := map[string]bool{}
		for _, e := range g.Entities {
			if e.Kind == graph.KindInitiative {
				got[e.Name] = true
				for _, a := range e.Aliases { // 成南高速 keeps 成南高速公路扩容 as alias
					got[a] = true
				}
			}
		}
		for _, in := range r.Initiatives {
			k := 0
			if got[in.Name] {
				k = 1
			}
			total++
			found += k
			f, c := byForm[in.Form], byCue[in.Cue]
			byForm[in.Form] = [2]int{f[0] + k, f[1] + 1}
			byCue[in.Cue] = [2]int{c[0] + k, c[1] + 1}
		}
	}
	recall := float64(found) / float64(total)
	t.Logf("recall of generated initiatives: %d/%d = %.3f over %d reports (%.0f facts per report)", found, total, recall, n, float64(facts)/n)
	t.Logf("by form: %s", recallTable(byForm))
	t.Logf("by cue: %s", recallTable(byCue))
	if recall < 0.8 {
		t.Errorf("recall %.3f, want at least 0.8", recall)
	}
}

func recallTable(m map[string][2]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s %d/%d", k, m[k][0], m[k][1])
	}
	return b.String()
}
