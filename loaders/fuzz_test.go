package loaders

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for the stages after Normalize (FuzzNormalize is in
// normalize_test.go). go test runs them over their seeds and the corpus in
// testdata/fuzz/<Name>/; to fuzz, run one at a time, e.g.
//
//	go test ./loaders -run '^$' -fuzz '^FuzzStructure$' -fuzztime 60s
//
// (make fuzz runs them all). A crash the fuzzer finds is written to
// testdata/fuzz/<Name>/: keep the file, it is the regression test.

// fuzzSeeds are texts that reach the interesting corners of structure,
// mentions and resolve.
var fuzzSeeds = []string{
	"成都市2022年政府工作报告\n一、坚持勇担使命\n(一)合力谱写“双城记”。加快建设成资市域(郊)铁路，启动建设成都都市圈环线铁路。\n",
	"第一章 总则\n推动成德眉资同城化发展，深化成德、成眉市域(郊)铁路前期工作。\n",
	"建成交子公园、蓉北、西博城等城市商圈，新增高新技术企业500个以上。\n",
	"天眉乐、成遂渝、巴蜀文化旅游走廊；成资临空经济产业带。争创国家级新区。\n",
	"（二）加快建設成資市域（郊）鐵路！完成老旧小区改造601个？\n\n\n三、\n",
	"《成渝地区双城经济圈建设规划纲要》由市发展改革委牵头，市交通运输局配合。\n",
	"。，；：、\n(一)\n一、\n第十章\n“”《》（）\n",
	"资阳市2023年政府工作报告\n资阳",
	"a",
	"成成成成成成成成成成成成成成成成铁路铁路铁路走廊走廊",
}

// fuzzDoc normalises raw as a loader would and structures it, or returns
// nil for input Normalize refuses.
func fuzzDoc(t *testing.T, raw string) (*Gazetteer, *Doc, string) {
	t.Helper()
	gz, err := DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := Normalize("fuzz.txt", []byte(raw))
	if err != nil {
		return nil, nil, ""
	}
	return gz, Structure(gz, "fuzz.txt", text, Meta{}), text
}

func checkSpan(t *testing.T, what string, sp, in Span) {
	t.Helper()
	if sp.Start < in.Start || sp.End > in.End || sp.Start > sp.End {
		t.Fatalf("%s span [%d,%d) is outside [%d,%d)", what, sp.Start, sp.End, in.Start, in.End)
	}
}

// FuzzStructure checks that every paragraph, sentence and clause lies
// within its parent, in order, and that sections nest.
func FuzzStructure(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, d, _ := fuzzDoc(t, raw)
		if d == nil {
			return
		}
		whole := Span{0, len(d.Text)}
		prevEnd, prevIndex := 0, -1
		for pi, p := range d.Paragraphs {
			if p.Index <= prevIndex {
				t.Fatalf("paragraph %d has index %d, after %d", pi, p.Index, prevIndex)
			}
			prevIndex = p.Index
			ps := Span{p.Start, p.End}
			checkSpan(t, "paragraph", ps, whole)
			if p.Start < prevEnd {
				t.Fatalf("paragraph %d starts at %d, before the previous one ends (%d)", pi, p.Start, prevEnd)
			}
			prevEnd = p.End
			if p.Section < -1 || p.Section >= len(d.Sections) {
				t.Fatalf("paragraph %d is in section %d of %d", pi, p.Section, len(d.Sections))
			}
			for _, s := range p.Sentences {
				ss := Span{s.Start, s.End}
				checkSpan(t, "sentence", ss, ps)
				for _, c := range s.Clauses {
					checkSpan(t, "clause", c, ss)
				}
			}
		}
		for i, s := range d.Sections {
			if s.Index != i || s.Parent >= i || s.Parent < -1 {
				t.Fatalf("section %d: index %d, parent %d", i, s.Index, s.Parent)
			}
		}
		if d.Year != 0 && (d.Year < 1900 || d.Year > 2200) {
			t.Fatalf("year %d", d.Year)
		}
		if !utf8.ValidString(d.Title) {
			t.Fatalf("title %q is not UTF-8", d.Title)
		}
	})
}

// FuzzMentions runs the mention finder and the abbreviation and
// coordination resolver on every clause, then the whole extraction: every
// span stays within its clause and the text, and every evidence text is a
// stretch of the document that contains the span it cites.
func FuzzMentions(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		gz, d, text := fuzzDoc(t, raw)
		if d == nil {
			return
		}
		group := 0
		for _, p := range d.Paragraphs {
			for _, s := range p.Sentences {
				for _, c := range s.Clauses {
					ms := gz.mentionsIn(d, c)
					for _, m := range ms {
						checkSpan(t, "mention "+m.name, m.span, c)
					}
					ms = gz.expand(d, c, ms, &group)
					for _, m := range ms {
						checkSpan(t, "expanded mention "+m.name, m.span, c)
						if m.name == "" || !utf8.ValidString(m.name) {
							t.Fatalf("mention with name %q", m.name)
						}
					}
					gz.stageOf(d, c, ms)
					for _, m := range gz.targetsIn(d, c) {
						checkSpan(t, "target "+m.name, m.span, c)
					}
				}
			}
		}

		g, err := Extract(context.Background(), gz, "fuzz.txt", []byte(raw), Meta{})
		if err != nil {
			t.Fatalf("Extract fails on text Normalize accepts: %v", err)
		}
		runes := []rune(text)
		for _, f := range g.Facts {
			ev := f.Evidence
			if ev.Start == 0 && ev.End == 0 {
				continue // document-level evidence: the title
			}
			if ev.Start < 0 || ev.End > len(runes) || ev.Start > ev.End {
				t.Fatalf("fact %s %s %s: evidence span [%d,%d) outside the text (%d runes)", f.From, f.Relation, f.To, ev.Start, ev.End, len(runes))
			}
			if !strings.Contains(text, ev.Text) {
				t.Fatalf("fact %s %s %s: evidence %q is not in the document", f.From, f.Relation, f.To, ev.Text)
			}
			if !strings.Contains(ev.Text, string(runes[ev.Start:ev.End])) {
				t.Fatalf("fact %s %s %s: evidence %q does not contain its span %q", f.From, f.Relation, f.To, ev.Text, string(runes[ev.Start:ev.End]))
			}
		}
		for _, m := range g.Mentions {
			if m.Evidence.Text != "" && !strings.Contains(text, m.Evidence.Text) {
				t.Fatalf("mention of %s: evidence %q is not in the document", m.Entity, m.Evidence.Text)
			}
		}
	})
}
