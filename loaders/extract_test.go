package loaders

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

func gazetteer(t testing.TB) *Gazetteer {
	t.Helper()
	gz, err := DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	return gz
}

// cases returns the inputs of a stage's golden tests: its own testdata files
// plus the seed report.
func cases(t *testing.T, stage string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", stage, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{"seed": seedPath}
	for _, f := range files {
		out[strings.TrimSuffix(filepath.Base(f), ".txt")] = f
	}
	return out
}

func readDoc(t *testing.T, gz *Gazetteer, path string) *Doc {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := Normalize(path, raw)
	if err != nil {
		t.Fatal(err)
	}
	return Structure(gz, path, text, Meta{})
}

func TestStructure(t *testing.T) {
	gz := gazetteer(t)
	for name, path := range cases(t, "relate") {
		t.Run(name, func(t *testing.T) {
			d := readDoc(t, gz, path)
			var b strings.Builder
			place := ""
			if d.Place != nil {
				place = d.Place.ID
			}
			fmt.Fprintf(&b, "title=%q year=%d issuer=%q place=%s\n", d.Title, d.Year, d.Issuer, place)
			for _, s := range d.Sections {
				fmt.Fprintf(&b, "section %d parent=%d number=%q heading=%q lead=%q\n", s.Index, s.Parent, s.Number, s.Heading, s.Lead)
			}
			for _, p := range d.Paragraphs {
				fmt.Fprintf(&b, "paragraph %d [%d,%d) section=%q\n", p.Index, p.Start, p.End, d.SectionLabel(&p))
				for _, s := range p.Sentences {
					var cl []string
					for _, c := range s.Clauses {
						cl = append(cl, string(d.Text[c.Start:c.End]))
					}
					fmt.Fprintf(&b, "  sentence %d [%d,%d) %s\n", s.Index, s.Start, s.End, strings.Join(cl, " | "))
				}
			}
			golden(t, "structure", name, []byte(b.String()))
		})
	}
}

func TestMentions(t *testing.T) {
	gz := gazetteer(t)
	kinds := map[mentionKind]string{mPlace: "place", mProgramme: "programme", mBody: "body", mInitiative: "initiative", mTarget: "target"}
	for name, path := range cases(t, "relate") {
		t.Run(name, func(t *testing.T) {
			d := readDoc(t, gz, path)
			var b strings.Builder
			group := 0
			for _, p := range d.Paragraphs {
				for _, s := range p.Sentences {
					for _, c := range s.Clauses {
						ms := gz.expand(d, c, gz.mentionsIn(d, c), &group)
						stages := gz.stageOf(d, c, ms)
						ms = append(ms, gz.targetsIn(d, c)...)
						for _, m := range ms {
							fmt.Fprintf(&b, "%d:%d %s %q", m.span.Start, m.span.End, kinds[m.kind], m.name)
							if m.kind == mInitiative {
								fmt.Fprintf(&b, " %s", m.category)
								if m.generic {
									b.WriteString(" generic")
								}
								if h, ok := stages[m.group]; ok {
									fmt.Fprintf(&b, " %s(%s)", h.stage, h.cue)
								}
							}
							for _, pl := range m.places {
								fmt.Fprintf(&b, " @%s", pl.Short)
							}
							if t := m.target; t != nil {
								fmt.Fprintf(&b, " metric=%q %s %g %s", t.metric, t.comparator, t.value, t.unit)
							}
							b.WriteString("\n")
						}
					}
				}
			}
			golden(t, "mentions", name, []byte(b.String()))
		})
	}
}

// dump writes a document graph in a stable, reviewable form.
func dump(g *graph.DocumentGraph) string {
	var b strings.Builder
	d := g.Document
	fmt.Fprintf(&b, "document %s title=%q year=%d issuer=%q place=%s encoding=%s\n", d.ID, d.Title, d.Year, d.Issuer, d.Place, d.Encoding)
	names := map[string]string{}
	if gz, err := DefaultGazetteer(); err == nil { // places left to the gazetteer document
		for id, p := range gz.Places {
			names[id] = p.Short
		}
	}
	for _, e := range g.Entities {
		names[e.ID] = e.Name
	}
	stage := map[string]string{}
	for _, m := range g.Mentions {
		if m.Stage != "" {
			stage[m.Entity] += " " + string(m.Stage) + "(" + m.Cue + ")"
		}
	}
	for _, e := range g.Entities {
		switch e.Kind {
		case graph.KindPlace:
			continue
		case graph.KindTarget:
			fmt.Fprintf(&b, "%s %s: %s %s %g %s year=%d\n", e.Kind, e.ID, e.Metric, e.Comparator, e.Value, e.Unit, e.Year)
		default:
			fmt.Fprintf(&b, "%s %s %q %s%s aliases=%v\n", e.Kind, e.ID, e.Name, e.Category, stage[e.ID], e.Aliases)
		}
	}
	var facts []string
	for _, f := range g.Facts {
		if f.Relation == graph.RelPartOf && strings.HasPrefix(f.Rule, "gazetteer ") {
			continue // the gazetteer's own membership facts
		}
		line := fmt.Sprintf("%s -%s-> %s", names[f.From], f.Relation, names[f.To])
		if f.Via != "" {
			line += " via " + names[f.Via]
		}
		if f.Inferred {
			line += " [" + f.Rule + "]"
		}
		if f.Evidence.End > f.Evidence.Start {
			line += fmt.Sprintf(" @%d:%d", f.Evidence.Start, f.Evidence.End)
		}
		facts = append(facts, line)
	}
	sort.Strings(facts)
	b.WriteString(strings.Join(facts, "\n"))
	b.WriteString("\n")
	for _, w := range g.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}

func TestRelate(t *testing.T) {
	gz := gazetteer(t)
	for name, path := range cases(t, "relate") {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Extract(context.Background(), gz, path, raw, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "relate", name, []byte(dump(g)))
		})
	}
}

// TestSharedNamesResolveAlike extracts a report naming 市中区, which is in
// both 内江 and 乐山, with fresh gazetteers: every one picks the same place.
// (The gazetteer listed places sharing a name in map order, so the same
// report resolved differently from one process to the next.)
func TestSharedNamesResolveAlike(t *testing.T) {
	text := []byte("阿坝州2023年政府工作报告\n一、2022年工作回顾\n推进市中区城乡环境综合治理攻坚行动,加快建设市中区至汶川快速通道。\n")
	seen := map[string]bool{}
	for range 20 {
		gz, err := NewGazetteer()
		if err != nil {
			t.Fatal(err)
		}
		g, err := Extract(context.Background(), gz, "aba-2023.txt", text, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		shared := map[string]bool{}
		for _, p := range gz.byName["市中区"] {
			shared[p.ID] = true
		}
		if len(shared) < 2 {
			t.Fatalf("the gazetteer has %d places named 市中区; the test needs a shared name", len(shared))
		}
		var ids []string
		for _, f := range g.Facts {
			if shared[f.To] {
				ids = append(ids, f.From+" -> "+f.To)
			}
		}
		sort.Strings(ids)
		seen[strings.Join(ids, " ")] = true
		for name, ps := range gz.byName {
			if !sort.SliceIsSorted(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID }) {
				t.Fatalf("places named %s are not in ID order", name)
			}
		}
	}
	if len(seen) != 1 {
		t.Errorf("20 gazetteers resolved 市中区 in %d ways: %v", len(seen), seen)
	}
	for k := range seen {
		if k == "" {
			t.Error("市中区 was not found")
		}
	}
}

// TestPlaceInFileName reads a report's place from its file name when its
// text has no title: in Chinese or pinyin, a place split by a hyphen, and a
// district after its city; a pinyin two places share (qianjiang: 黔江 in
// 重庆, 潜江 in 湖北) is the one the text names, or none.
func TestPlaceInFileName(t *testing.T) {
	gz := gazetteer(t)
	for _, tc := range []struct{ file, text, want string }{
		{"qianjiang-news.txt", "黔江至酉阳铁路前期工作加快推进,黔江区", "place/500114"},
		{"qianjiang-news.txt", "潜江市龙虾产业园", "place/429005"},
		{"qianjiang-news.txt", "渝湘高铁铺轨完成", ""},
		{"德阳市2023年政府工作报告.txt", "", "place/510600"},
		{"重庆市永川区2023年政府工作报告.txt", "", "place/500118"},
		{"chengdu-2022-work-report-part1.txt", "", "place/510100"},
		{"deyang_2023.txt", "", "place/510600"},
		{"guang-an-2023.txt", "", "place/511600"},
		{"guangan-2023.txt", "", "place/511600"},
		{"chongqing-yongchuan-2023.txt", "", "place/500118"},
		{"sichuan-2023.txt", "", "place/510000"},
		{"work-report-2023.txt", "", ""},
	} {
		got := ""
		if p := gz.placeInFileName(tc.file, tc.text); p != nil {
			got = p.ID
		}
		if got != tc.want {
			t.Errorf("placeInFileName(%q) = %q, want %q", tc.file, got, tc.want)
		}
	}
}

// TestLongClausesAreCut checks that a clause of thousands of runes (a list
// with no commas, or a hostile input) is read in pieces of at most
// maxClause runes that cover it exactly (up to its 。), cut after a 、
// where there is one.
func TestLongClausesAreCut(t *testing.T) {
	text := []rune("深化与遂宁" + strings.Repeat("、安岳、铜梁、合川", 400) + "协同发展。")
	st := newSentence(text, 0, len(text), new(int))
	at := 0
	for _, c := range st.Clauses {
		if c.Start != at || c.End-c.Start > maxClause || c.End <= c.Start {
			t.Fatalf("clauses %v do not cover the sentence in pieces of at most %d", st.Clauses, maxClause)
		}
		if c.End < len(text)-1 && text[c.End-1] != '、' {
			t.Errorf("clause %v is not cut after a 、: …%s|%s…", c, string(text[c.End-3:c.End]), string(text[c.End:c.End+3]))
		}
		at = c.End
	}
	if at != len(text)-1 || len(st.Clauses) < 3 { // the 。 ends the last clause
		t.Errorf("%d clauses end at %d of %d", len(st.Clauses), at, len(text))
	}
}
