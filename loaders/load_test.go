package loaders_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

const seed = "../seeds/chengdu-2022-work-report-part1.txt"

// loadSeed loads the seed report into a fresh bolt store.
func loadSeed(t *testing.T) *graph.Store {
	t.Helper()
	ctx := context.Background()
	st, err := graph.Open(ctx, filepath.Join(t.TempDir(), "graph.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.LoadFile(ctx, st, gz, seed, loaders.Meta{}); err != nil {
		t.Fatal(err)
	}
	return st
}

func entity(t *testing.T, st *graph.Store, name string) *graph.Entity {
	t.Helper()
	x := st.Index()
	refs := x.Resolve(name)
	if len(refs) == 0 {
		t.Fatalf("no entity named %s", name)
	}
	es, err := st.Entities(context.Background(), []string{x.Node(refs[0]).ID})
	if err != nil || es[0] == nil {
		t.Fatalf("entity %s: %v", name, err)
	}
	return es[0]
}

// placesOf returns the names of the places an initiative is tied to directly.
func placesOf(t *testing.T, st *graph.Store, id string) map[string]graph.Relation {
	x := st.Index()
	n, _ := x.Lookup(id)
	out := map[string]graph.Relation{}
	for _, e := range x.Out(n) {
		if r := e.Relation(); r == graph.RelConnects || r == graph.RelLocatedIn {
			out[x.Node(e.Node).Name] = r
		}
	}
	return out
}

func TestSeedLoadsIntoBolt(t *testing.T) {
	st := loadSeed(t)
	for _, c := range []struct {
		name   string
		stage  graph.Stage
		places []string
	}{
		{"成资市域(郊)铁路", graph.StageUnderConstruction, []string{"成都", "资阳"}},
		{"成资市域铁路", graph.StageUnderConstruction, []string{"成都", "资阳"}},
		{"成德市域(郊)铁路", graph.StageStarting, []string{"成都", "德阳"}},
		{"成眉市域(郊)铁路", graph.StageStarting, []string{"成都", "眉山"}},
		{"成南高速", graph.StageOngoing, []string{"成都", "南充"}},
		{"成乐高速", graph.StageOngoing, []string{"成都", "乐山"}},
		{"成绵高速公路扩容", graph.StageOngoing, []string{"成都", "绵阳"}},
		{"张老引水一期工程", graph.StageCompleted, nil},
		{"成德眉资同城化综合试验区", graph.StageOngoing, []string{"成都", "德阳", "眉山", "资阳"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := entity(t, st, c.name)
			if e.Kind != graph.KindInitiative || e.Stage != c.stage {
				t.Errorf("got %s %s, want INITIATIVE %s", e.Kind, e.Stage, c.stage)
			}
			got := placesOf(t, st, e.ID)
			for _, p := range c.places {
				if _, ok := got[p]; !ok {
					t.Errorf("not tied to %s; ties: %v", p, got)
				}
			}
			if len(c.places) >= 2 && got[c.places[1]] != graph.RelConnects {
				t.Errorf("%s: got %s, want CONNECTS", c.places[1], got[c.places[1]])
			}
		})
	}
}

func TestSeedTargets(t *testing.T) {
	st := loadSeed(t)
	x := st.Index()
	var ids []string
	for _, n := range x.NodesOfKind(graph.KindTarget) {
		ids = append(ids, x.Node(n).ID)
	}
	es, err := st.Entities(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Metric+" "+e.Comparator+" "+strconv.FormatFloat(e.Value, 'f', -1, 64)+" "+e.Unit)
	}
	sort.Strings(got)
	want := []string{
		"50亿及以上重大产业项目 >= 100 个",
		"亿元及以上重大产业项目 >= 500 个",
		"外商投资实际到位资金 > 500 亿元",
		"工业投资占固定资产投资比重 >= 23 %",
		"工业投资增长 >= 9 %",
		"市场采购贸易方式出口额 = 200 亿元",
		"成都造消费品牌 >= 20 个",
		"片区更新项目 = 30 个",
		"老旧小区改造 = 601 个",
		"城镇棚户区改造 = 4394 户",
		"既有住宅自主增设电梯 = 1500 台",
		"跨境电商交易规模 = 750 亿元",
		"限额以上商贸企业 >= 500 家",
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("targets:\ngot\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEveryFactHasEvidence(t *testing.T) {
	st := loadSeed(t)
	x := st.Index()
	var ids []string
	for n := graph.NodeRef(1); int(n) < x.Bound(); n++ {
		for _, e := range x.Out(n) {
			ids = append(ids, x.FactID(e))
		}
	}
	if len(ids) < 100 {
		t.Fatalf("only %d facts", len(ids))
	}
	facts, err := st.Facts(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range facts {
		if f == nil {
			t.Fatalf("fact %s missing", ids[i])
		}
		if f.Evidence.Document == "" || f.Evidence.Text == "" {
			t.Errorf("fact %s %s->%s has no evidence: %+v", f.Relation, f.From, f.To, f.Evidence)
		}
	}
	// The span of a fact stated in a sentence lies inside that sentence, at
	// the place SentenceStart says, and reads as the span of the document.
	raw, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := loaders.Normalize(seed, raw)
	if err != nil {
		t.Fatal(err)
	}
	doc := []rune(text)
	spans := 0
	for _, f := range facts {
		ev := f.Evidence
		if ev.Sentence == 0 && ev.Paragraph == 0 || ev.End <= ev.Start {
			continue // document-level facts (issuer, place) and gazetteer facts cite no span
		}
		sent := []rune(ev.Text)
		s, e := ev.Start-ev.SentenceStart, ev.End-ev.SentenceStart
		if s < 0 || e > len(sent) || e > len(doc) {
			t.Errorf("fact %s %s->%s: span %d-%d is outside its sentence at %d (%d runes)", f.Relation, f.From, f.To,
				ev.Start, ev.End, ev.SentenceStart, len(sent))
			continue
		}
		if got, want := string(sent[s:e]), string(doc[ev.Start:ev.End]); got != want {
			t.Errorf("fact %s %s->%s: span in the sentence %q, in the document %q", f.Relation, f.From, f.To, got, want)
		}
		spans++
	}
	if spans < 100 {
		t.Errorf("only %d facts with a span in a sentence", spans)
	}
}

func TestReloadUnchangedWritesNothing(t *testing.T) {
	st := loadSeed(t)
	gz, _ := loaders.DefaultGazetteer()
	before, _ := st.Stats(context.Background())
	rep, err := loaders.LoadFile(context.Background(), st, gz, seed, loaders.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := st.Stats(context.Background())
	if !rep.Unchanged || before.Quads != after.Quads {
		t.Errorf("reload: unchanged=%v quads %d -> %d", rep.Unchanged, before.Quads, after.Quads)
	}
}

func TestAssignmentsWinOverInferredRoles(t *testing.T) {
	st := loadSeed(t)
	gz, _ := loaders.DefaultGazetteer()
	res, err := loaders.LoadAssignments(context.Background(), st, gz, "testdata/assignments.csv", "成都")
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || res.QuadsAdded == 0 {
		t.Fatalf("assignments wrote nothing: %+v", res)
	}
	e := entity(t, st, "成资市域(郊)铁路")
	x := st.Index()
	n, _ := x.Lookup(e.ID)
	var ids []string
	for _, ed := range x.In(n) {
		if ed.Relation().IsBodyRole() {
			ids = append(ids, x.FactID(ed))
		}
	}
	facts, err := st.Facts(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range facts {
		if !f.Inferred {
			got[string(f.Relation)+" "+x.Node(mustLookup(t, x, f.From)).Name] = true
		}
	}
	for _, want := range []string{"LEADS 成都市交通运输局", "CO_BUILDS 成都市发展和改革委员会", "CO_BUILDS 资阳市交通运输局"} {
		if !got[want] {
			t.Errorf("missing stated role %s; got %v", want, got)
		}
	}
}

func mustLookup(t *testing.T, x *graph.Index, id string) graph.NodeRef {
	t.Helper()
	n, ok := x.Lookup(id)
	if !ok {
		t.Fatalf("no node %s", id)
	}
	return n
}

func TestAssignmentsRefuseEmptyTable(t *testing.T) {
	gz, _ := loaders.DefaultGazetteer()
	_, err := loaders.Assignments(gz, "empty.csv", []byte("任务,牵头单位\n"), nil)
	var ie *loaders.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an InputError", err)
	}
}

// TestOneNodeAcrossYears loads two reports of one city for two years that
// name one project in two forms (with and without 项目, with a bracketed
// section) and checks it is one node whose timeline has both years.
func TestOneNodeAcrossYears(t *testing.T) {
	ctx := context.Background()
	st, gz := memoryStore(t)
	reports := map[string]string{
		"遂宁市2022年政府工作报告.txt": "遂宁市2022年政府工作报告\n加快推进遂潼快速通道扩能项目,开工建设遂宁物流港。\n",
		"遂宁市2023年政府工作报告.txt": "遂宁市2023年政府工作报告\n遂潼快速通道扩能(遂宁段)建成通车,遂宁物流港加快建设。\n",
	}
	for name, text := range reports {
		if _, err := loaders.Load(ctx, st, gz, name, []byte(text), loaders.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	x := st.Index()
	var ids []string
	for _, n := range []string{"遂潼快速通道扩能", "遂潼快速通道扩能项目", "遂潼快速通道扩能(遂宁段)"} {
		refs := x.Resolve(n)
		if len(refs) == 0 {
			t.Fatalf("no initiative named %s", n)
		}
		ids = append(ids, x.Node(refs[0]).ID)
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Fatalf("two nodes for one project: %v", ids)
	}
	ms, err := st.Mentions(ctx, ids[:1])
	if err != nil {
		t.Fatal(err)
	}
	years := map[int]graph.Stage{}
	for _, m := range ms[0] {
		years[m.Year] = m.Stage
	}
	if years[2022] != graph.StageUnderConstruction || years[2023] != graph.StageCompleted {
		t.Errorf("timeline = %v, want 2022 UNDER_CONSTRUCTION and 2023 COMPLETED", years)
	}
}
