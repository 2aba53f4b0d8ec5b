package graph_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

// changesStore loads the two small reports of 成都 in testdata/changes (2022
// and 2023, written for this test) through the real loader into a store of
// this backend: one railway goes from 加快建设 to 建成通车, one science city
// is 深化 both years, one greenway is not mentioned in 2023 and one
// exhibition centre is new in 2023.
func changesStore(t *testing.T, backend string) *graph.Store {
	t.Helper()
	ctx := context.Background()
	dsn := backend
	if backend == "bolt" {
		dsn = filepath.Join(t.TempDir(), "changes.db")
	}
	st, err := graph.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"chengdu-2022-work-report.txt", "chengdu-2023-work-report.txt"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "changes", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := loaders.Load(ctx, st, gz, name, raw, loaders.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func TestChanges(t *testing.T) {
	str := func(p string) *string { return &p }
	for _, backend := range []string{"memory", "bolt"} {
		t.Run(backend, func(t *testing.T) {
			st := changesStore(t, backend)
			x := st.Index()
			show := func(cs []graph.Change) []string {
				var out []string
				for _, c := range cs {
					n, _ := x.Lookup(c.Initiative)
					var ev []string
					for _, e := range c.Evidence {
						ev = append(ev, e.Text)
					}
					out = append(out, fmt.Sprintf("%s %s %s->%s: %s", c.Kind, x.Node(n).Name, c.Before, c.After, strings.Join(ev, " | ")))
				}
				return out
			}
			const (
				rail2022   = "加快建设成眉市域(郊)铁路,同步谋划沿线站城一体开发。"
				rail2023   = "成眉市域(郊)铁路建成通车,加密早晚高峰通勤班次。"
				city2022   = "深化西部科学城建设,推动一批重点实验室向企业开放。"
				greenway   = "实施锦江绿道提升工程,补齐沿线公共服务短板。"
				exhibition = "启动建设东部新区国际会展中心,配套完善周边道路。"
			)
			for _, tc := range []struct {
				name     string
				f        *graph.InitiativeFilter
				from, to int
				want     []string
			}{
				{"a year with the next, in one city", &graph.InitiativeFilter{Place: str("成都")}, 2022, 2023, []string{
					"NEW 东部新区国际会展中心 ->STARTING: " + exhibition,
					"ADVANCED 成眉市域(郊)铁路 UNDER_CONSTRUCTION->COMPLETED: " + rail2023,
					"SAME 西部科学城 ONGOING->ONGOING: " + city2022,
					"DROPPED 锦江绿道提升工程 ONGOING->: " + greenway,
				}},
				{"no filter is every initiative", nil, 2022, 2023, []string{
					"NEW 东部新区国际会展中心 ->STARTING: " + exhibition,
					"ADVANCED 成眉市域(郊)铁路 UNDER_CONSTRUCTION->COMPLETED: " + rail2023,
					"SAME 西部科学城 ONGOING->ONGOING: " + city2022,
					"DROPPED 锦江绿道提升工程 ONGOING->: " + greenway,
				}},
				{"backwards, the railway regresses and new is dropped", nil, 2023, 2022, []string{
					"DROPPED 东部新区国际会展中心 STARTING->: " + exhibition,
					"REGRESSED 成眉市域(郊)铁路 COMPLETED->UNDER_CONSTRUCTION: " + rail2022,
					"SAME 西部科学城 ONGOING->ONGOING: " + city2022,
					"NEW 锦江绿道提升工程 ->ONGOING: " + greenway,
				}},
				{"a place on the line", &graph.InitiativeFilter{Place: str("眉山")}, 2022, 2023, []string{
					"ADVANCED 成眉市域(郊)铁路 UNDER_CONSTRUCTION->COMPLETED: " + rail2023,
				}},
				{"a department, from the sector table", &graph.InitiativeFilter{Body: str("成都市交通运输局")}, 2022, 2023, []string{
					"ADVANCED 成眉市域(郊)铁路 UNDER_CONSTRUCTION->COMPLETED: " + rail2023,
				}},
				{"a place no report is about", &graph.InitiativeFilter{Place: str("资阳")}, 2022, 2023, nil},
				{"a year without documents", nil, 2021, 2022, []string{
					"NEW 成眉市域(郊)铁路 ->UNDER_CONSTRUCTION: " + rail2022,
					"NEW 西部科学城 ->ONGOING: " + city2022,
					"NEW 锦江绿道提升工程 ->ONGOING: " + greenway,
				}},
			} {
				cs, err := graph.Changes(context.Background(), st, tc.f, tc.from, tc.to)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				got := show(cs)
				slices.Sort(got)
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: got\n%s\nwant\n%s", tc.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				if !slices.IsSortedFunc(cs, func(a, b graph.Change) int { return strings.Compare(a.Initiative, b.Initiative) }) {
					t.Errorf("%s: not ordered by initiative ID", tc.name)
				}
			}
			if _, err := graph.Changes(context.Background(), st, nil, 2022, 2022); err == nil {
				t.Error("the same year twice: no error")
			}
		})
	}
}
