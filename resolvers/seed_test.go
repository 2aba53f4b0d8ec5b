package resolvers_test

import (
	"context"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
	"github.com/policygraph/policygraph/resolvers"
)

// The API over the real seed report, extracted by package loaders: the
// questions of the development gold file (../shared/eval/dev-gold.json).

func seedEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../seeds/chengdu-2022-work-report-part1.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.Load(ctx, st, gz, "chengdu-2022-work-report-part1.txt", raw, loaders.Meta{}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(resolvers.NewServer(st, resolvers.Options{}).Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv}
}

// goldSame is the eval's name match, simplified: equal keys, or one
// extending the other by at least four characters.
func goldSame(got, want string) bool {
	g, w := graph.Key(got), graph.Key(want)
	if g == w {
		return true
	}
	return min(len([]rune(g)), len([]rune(w))) >= 4 && (strings.HasPrefix(g, w) || strings.HasPrefix(w, g))
}

func TestSeedConnectChengduZiyang(t *testing.T) {
	e := seedEnv(t)
	must := []string{"成资市域(郊)铁路", "成资协同开放走廊", "成资临空经济产业带", "成德眉资同城化综合试验区"}
	may := []string{"成德眉资同城化", "成都都市圈", "成都都市圈环线铁路", "张老引水一期工程", "成都平原经济区一体化发展",
		"住房公积金同城化贷款", "医疗异地联网结算", "天府大道科创走廊", "成渝地区双城经济圈", "成渝地区双城经济圈建设规划纲要",
		"城际断头路打通行动", "第二批城际断头路打通行动", "饮用水水源地保护执法标准", "成渝发展主轴"}
	var d struct{ Connect []named }
	e.data(`{ connect(a: "Chengdu", b: "Ziyang") { name } }`, nil, &d)
	got := names(d.Connect)
	t.Logf("connect(Chengdu, Ziyang) = %v", got)
	for _, m := range must {
		if !slices.ContainsFunc(got, func(g string) bool { return goldSame(g, m) }) {
			t.Errorf("missing %s", m)
		}
	}
	for _, g := range got {
		if !slices.ContainsFunc(append(must, may...), func(w string) bool { return goldSame(g, w) }) {
			t.Errorf("not tied to both: %s", g)
		}
	}
	// Direct ties come first.
	for i, g := range got[:len(must)] {
		if !slices.ContainsFunc(must, func(m string) bool { return goldSame(g, m) }) {
			t.Errorf("connect[%d] = %s: a direct tie should rank before region ties", i, g)
		}
	}
}

func TestSeedStagesTargetsInitiatives(t *testing.T) {
	e := seedEnv(t)
	for _, s := range []struct{ name, stage string }{
		{"成资市域(郊)铁路", "UNDER_CONSTRUCTION"},
		{"张老引水一期工程", "COMPLETED"},
	} {
		var d struct {
			Search []struct {
				Name  string
				Stage *string
			}
		}
		e.data(`query($t: String!) { search(text: $t, first: 5) { name ... on Initiative { stage } } }`, map[string]any{"t": s.name}, &d)
		if len(d.Search) == 0 || d.Search[0].Name != s.name || d.Search[0].Stage == nil || *d.Search[0].Stage != s.stage {
			t.Errorf("search(%s) = %+v, want it first at %s", s.name, d.Search, s.stage)
		}
	}

	var d struct {
		Targets struct {
			Nodes []struct {
				Metric, Unit string
				Value        float64
			}
			PageInfo struct{ HasNextPage bool }
		}
		Initiatives struct{ Nodes []named }
	}
	e.data(`{ targets(first: 500) { nodes { metric value unit } pageInfo { hasNextPage endCursor } }
		initiatives(first: 500) { nodes { name } pageInfo { hasNextPage endCursor } } }`, nil, &d)
	for _, want := range []struct {
		metric string
		value  float64
		unit   string
	}{{"老旧小区改造", 601, "个"}, {"跨境电商交易规模", 750, "亿元"}} {
		if !slices.ContainsFunc(d.Targets.Nodes, func(n struct {
			Metric, Unit string
			Value        float64
		}) bool {
			return n.Metric == want.metric && n.Value == want.value && n.Unit == want.unit
		}) {
			t.Errorf("targets lack %v: %+v", want, d.Targets.Nodes)
		}
	}
	got := names(d.Initiatives.Nodes)
	for _, want := range []string{"成渝中线高铁", "成资市域(郊)铁路", "天府大道科创走廊", "西部科学城", "天府国际机场口岸免税店", "中国(成都)跨境电商综合试验区"} {
		if !slices.Contains(got, want) {
			t.Errorf("initiatives lack %s", want)
		}
	}
}

func TestSeedPathsAndNeighbourhood(t *testing.T) {
	e := seedEnv(t)
	var d struct {
		Paths []struct {
			Length int
			Nodes  []named
		}
		Neighbourhood struct {
			Nodes []struct{ ID string }
			Edges []struct{ Source, Target string }
		}
	}
	e.data(`{ paths(from: "成资市域(郊)铁路", to: "成眉市域(郊)铁路", first: 3) { length nodes { name } }
		neighbourhood(of: "资阳", hops: 2, first: 50) { nodes { id } edges { source target } } }`, nil, &d)
	if len(d.Paths) == 0 || d.Paths[0].Length != 2 {
		t.Errorf("paths between two 市域铁路: %+v", d.Paths)
	}
	if len(d.Neighbourhood.Nodes) != 50 || len(d.Neighbourhood.Edges) == 0 {
		t.Errorf("neighbourhood of 资阳: %d nodes, %d edges", len(d.Neighbourhood.Nodes), len(d.Neighbourhood.Edges))
	}
}

// TestSeedAssignmentsWin loads a task-assignment table over the seed: the
// initiative's bodies then list the table's stated roles and no inferred one.
func TestSeedAssignmentsWin(t *testing.T) {
	e := seedEnv(t)
	q := `{ search(text: "成资市域(郊)铁路", kinds: [INITIATIVE], first: 1) { ... on Initiative { bodies { body { name } role inferred rule } } } }`
	type roles struct {
		Search []struct {
			Bodies []struct {
				Body     struct{ Name string }
				Role     string
				Inferred bool
				Rule     *string
			}
		}
	}
	var before roles
	e.data(q, nil, &before)
	if len(before.Search) != 1 || len(before.Search[0].Bodies) == 0 {
		t.Fatalf("no inferred owners before the table: %+v", before)
	}
	gz, _ := loaders.DefaultGazetteer()
	if _, err := loaders.LoadAssignments(context.Background(), e.st, gz, "../loaders/testdata/assignments.csv", "成都"); err != nil {
		t.Fatal(err)
	}
	var after roles
	e.data(q, nil, &after)
	var got []string
	for _, b := range after.Search[0].Bodies {
		if b.Inferred {
			t.Errorf("inferred role kept beside the table: %s %s (%v)", b.Role, b.Body.Name, b.Rule)
		}
		got = append(got, b.Role+" "+b.Body.Name)
	}
	want := []string{"LEADS 成都市交通运输局", "CO_BUILDS 成都市发展和改革委员会", "CO_BUILDS 资阳市交通运输局"}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %s; got %v", w, got)
		}
	}
}
