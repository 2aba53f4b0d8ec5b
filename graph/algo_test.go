package graph_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

// The graph algorithms (connect, paths, neighbourhood, dependencies, search
// and filters) on a small hand-built graph in a memory store:
//
//	中国 <- 四川 <- 成都 <- 锦江区          (PART_OF, member -> container)
//	         四川 <- 资阳, 德阳
//	成德眉资 (region) <- 成都, 资阳, 德阳
//	成渝 (region, broad: it has 四川 as a member) <- 四川, 成都
//
//	rail    成资铁路        CONNECTS 成都, 资阳; led by 交通局; under 同城化; has target 通车
//	zone   同城化试验区     LOCATED_IN 成德眉资 (spread to 成都, 资阳, 德阳 via the region); coordinated by 领导小组; under 同城化
//	park   锦江公园        LOCATED_IN 锦江区
//	park2  锦江资阳协作园   LOCATED_IN 锦江区, 资阳; led by 资阳发改委
//	hsr    成渝高铁        LOCATED_IN 成渝 (spread to 四川, 成都 via the region)
//	prov   全省行动        LOCATED_IN 四川
//	dypark 德阳园          LOCATED_IN 德阳
//	station 资阳北站       PART_OF rail; led by 资阳发改委
//	depot  车辆段          PART_OF rail; led by 交通局
const (
	cn, sc, cd, zy, dy, jj = "place/100000", "place/510000", "place/510100", "place/512000", "place/510600", "place/510104"
	cdmz, cy               = "place/region/成德眉资", "place/region/成渝"
	railID, zone, park     = "initiative/rail", "initiative/zone", "initiative/park"
	park2, hsr, prov       = "initiative/park2", "initiative/hsr", "initiative/prov"
	dypark, station, depot = "initiative/dypark", "initiative/station", "initiative/depot"
	jt, zyfg, ldxz         = "body/jt", "body/zyfg", "body/ldxz"
	tch, targetID          = "programme/tch", "target/len"
	algoDoc                = "document/algo-2022"
)

type algoBuilder struct {
	g *graph.DocumentGraph
	n int
}

func (b *algoBuilder) ent(e graph.Entity) { b.g.Entities = append(b.g.Entities, e) }

func (b *algoBuilder) fact(from string, rel graph.Relation, to, via string) {
	b.n++
	b.g.Facts = append(b.g.Facts, graph.Fact{From: from, To: to, Relation: rel, Via: via, Evidence: graph.Evidence{
		Document: algoDoc, Paragraph: 1, Sentence: b.n, Start: 10 * b.n, End: 10*b.n + 4,
		Text: fmt.Sprintf("第%d句：%s %s %s。", b.n, from, rel, to)}})
}

func algoGraph() *graph.DocumentGraph {
	b := &algoBuilder{g: &graph.DocumentGraph{Document: graph.Document{ID: algoDoc, Title: "算法测试报告", Year: 2022, Hash: "h1"}}}
	place := func(id, name string, level graph.PlaceLevel, aliases ...string) {
		b.ent(graph.Entity{ID: id, Kind: graph.KindPlace, Name: name, Level: level, Aliases: aliases})
	}
	place(cn, "中国", graph.LevelCountry)
	place(sc, "四川", graph.LevelProvince, "四川省")
	b.ent(graph.Entity{ID: cd, Kind: graph.KindPlace, Name: "成都", Level: graph.LevelPrefecture, Aliases: []string{"成都市", "蓉"},
		Pinyin: "Chengdu", English: "Chengdu", Code: "510100"})
	place(zy, "资阳", graph.LevelPrefecture, "资阳市", "Ziyang")
	place(dy, "德阳", graph.LevelPrefecture, "德阳市")
	place(jj, "锦江区", graph.LevelCounty)
	place(cdmz, "成德眉资", graph.LevelRegion)
	place(cy, "成渝地区双城经济圈", graph.LevelRegion, "成渝")
	ini := func(id, name string, c graph.Category) {
		b.ent(graph.Entity{ID: id, Kind: graph.KindInitiative, Name: name, Category: c})
	}
	ini(railID, "成资铁路", graph.CategoryRail)
	ini(zone, "同城化试验区", graph.CategoryZone)
	ini(park, "锦江公园", graph.CategoryFacility)
	ini(park2, "锦江资阳协作园", graph.CategoryZone)
	ini(hsr, "成渝高铁", graph.CategoryRail)
	ini(prov, "全省行动", graph.CategoryAction)
	ini(dypark, "德阳园", graph.CategoryZone)
	ini(station, "资阳北站", graph.CategoryFacility)
	ini(depot, "车辆段", graph.CategoryFacility)
	b.ent(graph.Entity{ID: jt, Kind: graph.KindBody, Name: "成都市交通局", Type: "agency"})
	b.ent(graph.Entity{ID: zyfg, Kind: graph.KindBody, Name: "资阳市发改委", Type: "agency"})
	b.ent(graph.Entity{ID: ldxz, Kind: graph.KindBody, Name: "同城化领导小组", Type: "council"})
	b.ent(graph.Entity{ID: tch, Kind: graph.KindProgramme, Name: "成德眉资同城化", Type: "plan"})
	b.ent(graph.Entity{ID: targetID, Kind: graph.KindTarget, Name: "通车38公里", Metric: "通车", Value: 38, Unit: "公里", Year: 2022})

	for _, f := range [][2]string{{sc, cn}, {cd, sc}, {zy, sc}, {dy, sc}, {jj, cd}, {cd, cdmz}, {zy, cdmz}, {dy, cdmz}, {sc, cy}, {cd, cy}} {
		b.fact(f[0], graph.RelPartOf, f[1], "")
	}
	b.fact(railID, graph.RelConnects, cd, "")
	b.fact(railID, graph.RelConnects, zy, "")
	b.fact(zone, graph.RelLocatedIn, cdmz, "")
	for _, m := range []string{cd, zy, dy} {
		b.fact(zone, graph.RelLocatedIn, m, cdmz)
	}
	b.fact(park, graph.RelLocatedIn, jj, "")
	b.fact(park2, graph.RelLocatedIn, jj, "")
	b.fact(park2, graph.RelLocatedIn, zy, "")
	b.fact(hsr, graph.RelLocatedIn, cy, "")
	b.fact(hsr, graph.RelLocatedIn, sc, cy)
	b.fact(hsr, graph.RelLocatedIn, cd, cy)
	b.fact(prov, graph.RelLocatedIn, sc, "")
	b.fact(dypark, graph.RelLocatedIn, dy, "")
	b.fact(station, graph.RelPartOf, railID, "")
	b.fact(depot, graph.RelPartOf, railID, "")
	b.fact(jt, graph.RelLeads, railID, "")
	b.fact(jt, graph.RelLeads, depot, "")
	b.fact(zyfg, graph.RelLeads, park2, "")
	b.fact(zyfg, graph.RelLeads, station, "")
	b.fact(ldxz, graph.RelCoordinates, zone, "")
	b.fact(railID, graph.RelUnderProgramme, tch, "")
	b.fact(zone, graph.RelUnderProgramme, tch, "")
	b.fact(railID, graph.RelHasTarget, targetID, "")
	for _, id := range []string{railID, zone, park, park2} {
		b.g.Mentions = append(b.g.Mentions, graph.Mention{Entity: id, Stage: graph.StageOngoing, Cue: "推进", Year: 2022,
			Evidence: graph.Evidence{Document: algoDoc, Paragraph: 1, Sentence: 1, Start: 0, End: 4, Text: "第1句。"}})
	}
	return b.g
}

func algoStore(t *testing.T) *graph.Store {
	t.Helper()
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.WriteDocument(ctx, algoGraph()); err != nil {
		t.Fatal(err)
	}
	return st
}

func refs(t *testing.T, x *graph.Index, ids ...string) []graph.NodeRef {
	t.Helper()
	var out []graph.NodeRef
	for _, id := range ids {
		n, ok := x.Lookup(id)
		if !ok {
			t.Fatalf("no node %s", id)
		}
		out = append(out, n)
	}
	return out
}

func TestConnect(t *testing.T) {
	st := algoStore(t)
	x := st.Index()
	type want struct{ ini, reach string }
	for _, tc := range []struct {
		name  string
		a, b  string
		broad bool
		want  []want
	}{
		{"direct ties first, then a member's, then a small region's; broad regions left out", cd, zy, false,
			[]want{{railID, "DIRECT"}, {park2, "MEMBER"}, {zone, "REGION"}}},
		{"broad regions counted when asked, last", cd, zy, true,
			[]want{{railID, "DIRECT"}, {park2, "MEMBER"}, {zone, "REGION"}, {prov, "BROAD_REGION"}, {hsr, "BROAD_REGION"}}},
		{"the order does not depend on the side", zy, cd, false,
			[]want{{railID, "DIRECT"}, {park2, "MEMBER"}, {zone, "REGION"}}},
		{"a county reaches its prefecture's initiatives at REGION; the stronger side breaks ties", jj, zy, false,
			[]want{{park2, "DIRECT"}, {railID, "REGION"}, {zone, "REGION"}}},
		{"a region reaches its members' initiatives at MEMBER", cdmz, zy, false,
			[]want{{railID, "MEMBER"}, {park2, "MEMBER"}, {zone, "REGION"}}},
		{"sibling members of a region are not tied", cd, dy, false,
			[]want{{zone, "REGION"}}},
		{"a body ties what it leads", jt, zy, false,
			[]want{{railID, "DIRECT"}}},
		{"a programme ties what is under it", tch, cd, false,
			[]want{{railID, "DIRECT"}, {zone, "REGION"}}},
		{"an initiative ties its parts", railID, zyfg, false,
			[]want{{station, "DIRECT"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := graph.Connect(context.Background(), x, refs(t, x, tc.a), refs(t, x, tc.b), tc.broad)
			if err != nil {
				t.Fatal(err)
			}
			var g []want
			for _, c := range got {
				g = append(g, want{c.Initiative, string(c.Reach)})
				if len(c.A) == 0 || len(c.B) == 0 || c.A[0].Side != tc.a || c.B[0].Side != tc.b {
					t.Errorf("%s: ties a=%v b=%v, want ties on both sides", c.Initiative, c.A, c.B)
				}
				for _, tie := range append(c.A, c.B...) {
					if tie.Fact == "" || tie.Initiative != c.Initiative {
						t.Errorf("%s: tie %+v lacks its fact or initiative", c.Initiative, tie)
					}
				}
			}
			if !slices.Equal(g, tc.want) {
				t.Errorf("got %v, want %v", g, tc.want)
			}
		})
	}
}

func TestTiesShowTheEdgeAndRegion(t *testing.T) {
	st := algoStore(t)
	x := st.Index()
	ts, err := graph.Ties(context.Background(), x, refs(t, x, zone)[0], refs(t, x, cd), false)
	if err != nil {
		t.Fatal(err)
	}
	// The edge spread to 成都 through 成德眉资, and the edge to 成德眉资 itself.
	var got []string
	for _, tie := range ts {
		got = append(got, fmt.Sprintf("%s %s via=%s %s", tie.Target, tie.Relation, tie.Via, tie.Reach))
	}
	want := []string{cd + " LOCATED_IN via=" + cdmz + " REGION", cdmz + " LOCATED_IN via= REGION"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if ts, _ := graph.Ties(context.Background(), x, refs(t, x, dypark)[0], refs(t, x, cd), true); len(ts) != 0 {
		t.Errorf("德阳园 is tied to 成都 by %v, want no ties", ts)
	}
}

func TestShortestPaths(t *testing.T) {
	st := algoStore(t)
	x := st.Index()
	for _, tc := range []struct {
		name     string
		from, to string
		hops, n  int
		rels     []graph.Relation
		want     []string // each path as "id -REL-> id <-REL- id"
	}{
		{"one edge walked against its direction", railID, station, 4, 5, nil,
			[]string{railID + " <-PART_OF- " + station}},
		{"the unique shortest of several paths", park, zy, 4, 5, nil,
			[]string{park + " -LOCATED_IN-> " + jj + " <-LOCATED_IN- " + park2 + " -LOCATED_IN-> " + zy}},
		{"several shortest paths, in order of the IDs along them, up to first", cd, zy, 4, 2, nil,
			[]string{cd + " <-CONNECTS- " + railID + " -CONNECTS-> " + zy, cd + " <-LOCATED_IN- " + zone + " -LOCATED_IN-> " + zy}},
		{"only along the given relations", cd, zy, 4, 5, []graph.Relation{graph.RelPartOf},
			[]string{cd + " -PART_OF-> " + sc + " <-PART_OF- " + zy, cd + " -PART_OF-> " + cdmz + " <-PART_OF- " + zy}},
		{"no path within maxHops", park, zy, 2, 5, nil, nil},
		{"a node to itself", railID, railID, 4, 5, nil, []string{railID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := graph.ShortestPaths(context.Background(), x, refs(t, x, tc.from)[0], refs(t, x, tc.to)[0], tc.hops, tc.n, tc.rels)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				s := p.Nodes[0]
				for i, e := range p.Edges {
					if len(e.Facts) == 0 {
						t.Errorf("edge %v has no fact", e)
					}
					if e.From == p.Nodes[i] {
						s += " -" + string(e.Relation) + "-> " + p.Nodes[i+1]
					} else {
						s += " <-" + string(e.Relation) + "- " + p.Nodes[i+1]
					}
				}
				if p.Length() != len(p.Nodes)-1 {
					t.Errorf("path %s: length %d, %d nodes", s, p.Length(), len(p.Nodes))
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestWalksHonourCancellation(t *testing.T) {
	st := algoStore(t)
	x := st.Index()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a, b := refs(t, x, cd)[0], refs(t, x, zy)[0]
	if _, err := graph.ShortestPaths(ctx, x, a, b, 4, 5, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("ShortestPaths: got %v, want context.Canceled", err)
	}
	if _, err := graph.Neighbourhood(ctx, x, a, 2, nil, 100); !errors.Is(err, context.Canceled) {
		t.Errorf("Neighbourhood: got %v, want context.Canceled", err)
	}
	if _, err := graph.Connect(ctx, x, []graph.NodeRef{a}, []graph.NodeRef{b}, false); !errors.Is(err, context.Canceled) {
		t.Errorf("Connect: got %v, want context.Canceled", err)
	}
	if _, err := graph.Dependencies(ctx, x, graph.DependencyFilter{}, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Dependencies: got %v, want context.Canceled", err)
	}
}

func TestNeighbourhood(t *testing.T) {
	st := algoStore(t)
	x := st.Index()
	for _, tc := range []struct {
		name      string
		of        string
		hops, n   int
		rels      []graph.Relation
		nodes     []string
		edges     []string
		truncated bool
	}{
		{"one hop: the centre, its neighbours by ID, and every edge among them", railID, 1, 100, nil,
			[]string{railID + "@0", jt + "@1", depot + "@1", station + "@1", cd + "@1", zy + "@1", tch + "@1", targetID + "@1"},
			[]string{jt + " LEADS " + depot, jt + " LEADS " + railID, depot + " PART_OF " + railID, railID + " CONNECTS " + cd,
				railID + " CONNECTS " + zy, railID + " UNDER_PROGRAMME " + tch, railID + " HAS_TARGET " + targetID, station + " PART_OF " + railID},
			false},
		{"first cuts the farthest nodes", railID, 1, 3, nil,
			[]string{railID + "@0", jt + "@1", depot + "@1"},
			[]string{jt + " LEADS " + depot, jt + " LEADS " + railID, depot + " PART_OF " + railID},
			true},
		{"only along the given relations", railID, 2, 100, []graph.Relation{graph.RelConnects},
			[]string{railID + "@0", cd + "@1", zy + "@1"},
			[]string{railID + " CONNECTS " + cd, railID + " CONNECTS " + zy},
			false},
		{"two hops", station, 2, 100, []graph.Relation{graph.RelPartOf, graph.RelLeads},
			[]string{station + "@0", zyfg + "@1", railID + "@1", jt + "@2", depot + "@2", park2 + "@2"},
			[]string{jt + " LEADS " + depot, jt + " LEADS " + railID, zyfg + " LEADS " + park2, zyfg + " LEADS " + station,
				depot + " PART_OF " + railID, station + " PART_OF " + railID},
			false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sg, err := graph.Neighbourhood(context.Background(), x, refs(t, x, tc.of)[0], tc.hops, tc.rels, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			var nodes, edges []string
			for _, n := range sg.Nodes {
				nodes = append(nodes, fmt.Sprintf("%s@%d", n.ID, n.Depth))
				if n.Label == "" || n.Kind == "" {
					t.Errorf("node %+v lacks a label or kind", n)
				}
			}
			for _, e := range sg.Edges {
				edges = append(edges, e.Source+" "+string(e.Relation)+" "+e.Target)
				if e.ID == "" {
					t.Errorf("edge %+v has no ID", e)
				}
			}
			if !slices.Equal(nodes, tc.nodes) {
				t.Errorf("nodes: got %v, want %v", nodes, tc.nodes)
			}
			if !slices.Equal(edges, tc.edges) {
				t.Errorf("edges: got\n%s\nwant\n%s", strings.Join(edges, "\n"), strings.Join(tc.edges, "\n"))
			}
			if sg.Truncated != tc.truncated {
				t.Errorf("truncated: got %v, want %v", sg.Truncated, tc.truncated)
			}
		})
	}
}

func TestDependencies(t *testing.T) {
	st := algoStore(t)
	x := st.Index()
	// 同城化 is shared by rail and zone (2 initiatives, tied to 3 places
	// between them), 资阳 by park2 and rail (2, tied to 4 places), rail by
	// itself and its two parts (3): the most specific first.
	all := []string{
		railID + " [" + jt + "] ~ " + zone + " [" + ldxz + "] share " + tch + " (2) by UNDER_PROGRAMME/UNDER_PROGRAMME",
		park2 + " [" + zyfg + "] ~ " + railID + " [" + jt + "] share " + zy + " (2) by LOCATED_IN/CONNECTS",
		depot + " [" + jt + "] ~ " + station + " [" + zyfg + "] share " + railID + " (3) by PART_OF/PART_OF",
		railID + " [" + jt + "] ~ " + station + " [" + zyfg + "] share " + railID + " (3) by PART_OF/PART_OF",
	}
	for _, tc := range []struct {
		name  string
		f     graph.DependencyFilter
		limit int
		want  []string
	}{
		{"every pair with disjoint owners sharing a place, programme, target or a line, most specific first", graph.DependencyFilter{}, 50, all},
		{"first bounds the list", graph.DependencyFilter{}, 2, all[:2]},
		{"pairs involving a body", graph.DependencyFilter{Bodies: refs(t, x, zyfg)}, 50, all[1:]},
		{"pairs involving a place, as the initiatives filter ties it", graph.DependencyFilter{Places: refs(t, x, jj)}, 50, []string{all[0], all[1], all[3]}},
		{"pairs involving a programme", graph.DependencyFilter{Programmes: refs(t, x, tch)}, 50, []string{all[0], all[1], all[3]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := graph.Dependencies(context.Background(), x, tc.f, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, fmt.Sprintf("%s %v ~ %s %v share %s (%d) by %s/%s", d.A, d.ABodies, d.B, d.BBodies, d.Shared,
					d.SharedBy, d.SharedRelation, d.BRelation))
				if d.Shared != d.A && len(d.AFacts) == 0 || d.Shared != d.B && len(d.BFacts) == 0 {
					t.Errorf("%s ~ %s: a side without its facts: %v, %v", d.A, d.B, d.AFacts, d.BFacts)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestFind(t *testing.T) {
	st := algoStore(t)
	x := st.Index()
	for _, name := range []string{"成都", "成都市", "Chengdu", "chengdu", "蓉", cd, " 成都 ", "Chengdu City", "chengdu shi"} {
		ns, err := x.Find(name)
		if err != nil || len(ns) != 1 || x.Node(ns[0]).ID != cd {
			t.Errorf("Find(%q) = %v, %v; want %s", name, ns, err, cd)
		}
	}
	_, err := x.Find("成度")
	var unknown *graph.UnknownNameError
	if !errors.As(err, &unknown) || len(unknown.Suggestions) == 0 || unknown.Suggestions[0] != "成都" {
		t.Errorf("Find(成度) = %v, want an UnknownNameError suggesting 成都 first", err)
	}
	// a level word needs a name before it
	for _, name := range []string{"City", " city", "Chengdu Town"} {
		if _, err := x.Find(name); !errors.As(err, &unknown) {
			t.Errorf("Find(%q) = %v, want an UnknownNameError", name, err)
		}
	}
	if _, err := x.Find("place/999999"); !errors.As(err, &unknown) {
		t.Errorf("Find(unknown ID) = %v, want an UnknownNameError", err)
	}
}

func TestSearch(t *testing.T) {
	st := algoStore(t)
	x := st.Index()
	for _, tc := range []struct {
		text  string
		kinds []graph.Kind
		n     int
		want  []string
	}{
		{"成资铁路", nil, 1, []string{railID}},
		{"成资", nil, 5, []string{railID}},                                        // prefix
		{"锦江", nil, 5, []string{jj, park, park2}},                               // prefix, shorter names first
		{"资阳", []graph.Kind{graph.KindInitiative}, 5, []string{station, park2}}, // contains, closer lengths first
		{"成资铁路一期工程", nil, 1, []string{railID}},                                  // the text contains the name
		{"chengdu", nil, 5, []string{cd}},
		{"成度", nil, 5, []string{cd, cy}}, // no name matches: close names
		{"成都都", []graph.Kind{graph.KindInitiative}, 5, nil},
		{"chengdo", nil, 5, []string{cd}},                                  // one letter off: still close
		{"railway", nil, 5, []string{hsr, railID}},                         // the English for a category: its initiatives
		{"Railways", []graph.Kind{graph.KindInitiative}, 1, []string{hsr}}, // plural, any case
		{"railway", []graph.Kind{graph.KindPlace}, 5, nil},                 // no place is near it
		{"zhengdu", nil, 5, []string{cd}},
		{"chongqing", nil, 5, nil}, // Latin names a few letters apart are not close: not chengdu
	} {
		got := x.Search(tc.text, tc.kinds, tc.n)
		var ids []string
		for _, n := range got {
			ids = append(ids, x.Node(n).ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("Search(%q, %v) = %v, want %v", tc.text, tc.kinds, ids, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestMatchInitiatives(t *testing.T) {
	st := algoStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    *graph.InitiativeFilter
		want []string
	}{
		{"no filter", nil, []string{depot, dypark, hsr, park, park2, prov, railID, station, zone}},
		{"a place: its own, its members', and those of small regions containing it",
			&graph.InitiativeFilter{Place: ptr("Chengdu")}, []string{park, park2, railID, zone}},
		{"a member matches a filter on its region", &graph.InitiativeFilter{Place: ptr("成德眉资")},
			[]string{dypark, park, park2, railID, zone}},
		{"name prefix", &graph.InitiativeFilter{Name: &graph.StringMatch{Prefix: ptr("锦江")}}, []string{park, park2}},
		{"name exact, ignoring brackets", &graph.InitiativeFilter{Name: &graph.StringMatch{Exact: ptr("成资(郊)铁路")}}, []string{railID}},
		{"name contains", &graph.InitiativeFilter{Name: &graph.StringMatch{Contains: ptr("资阳")}}, []string{park2, station}},
		{"category", &graph.InitiativeFilter{Category: ptr("rail")}, []string{hsr, railID}},
		{"stage", &graph.InitiativeFilter{Stage: ptr(graph.StageOngoing)}, []string{park, park2, railID, zone}},
		{"programme", &graph.InitiativeFilter{Programme: ptr("成德眉资同城化")}, []string{railID, zone}},
		{"body", &graph.InitiativeFilter{Body: ptr("资阳市发改委")}, []string{park2, station}},
		{"document", &graph.InitiativeFilter{Document: ptr(algoDoc)}, []string{depot, dypark, hsr, park, park2, prov, railID, station, zone}},
		{"year", &graph.InitiativeFilter{Year: ptr(2022)}, []string{depot, dypark, hsr, park, park2, prov, railID, station, zone}},
		{"another year", &graph.InitiativeFilter{Year: ptr(2021)}, nil},
		{"and", &graph.InitiativeFilter{Place: ptr("成都"), And: []*graph.InitiativeFilter{{Category: ptr("ZONE")}}}, []string{park2, zone}},
		{"or", &graph.InitiativeFilter{Or: []*graph.InitiativeFilter{{Category: ptr("RAIL")}, {Body: ptr("资阳市发改委")}}},
			[]string{hsr, park2, railID, station}},
		{"not", &graph.InitiativeFilter{Place: ptr("成都"), Not: &graph.InitiativeFilter{Category: ptr("ZONE")}}, []string{park, railID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := graph.MatchInitiatives(ctx, st, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range st.Index().NodesOfKind(graph.KindInitiative) {
				if m(n) {
					got = append(got, st.Index().Node(n).ID)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	var unknown *graph.UnknownNameError
	if _, err := graph.MatchInitiatives(ctx, st, &graph.InitiativeFilter{Or: []*graph.InitiativeFilter{{Place: ptr("亚特兰蒂斯")}}}); !errors.As(err, &unknown) {
		t.Errorf("unknown place in a filter: got %v, want an UnknownNameError", err)
	}
}

func TestMatchOtherKinds(t *testing.T) {
	st := algoStore(t)
	ctx := context.Background()
	x := st.Index()
	collect := func(k graph.Kind, m graph.Matcher, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range x.NodesOfKind(k) {
			if m(n) {
				out = append(out, x.Node(n).ID)
			}
		}
		return out
	}
	m, err := graph.MatchPlaces(ctx, st, &graph.PlaceFilter{Within: ptr("四川"), Not: &graph.PlaceFilter{Level: ptr(graph.LevelCounty)}})
	if got, want := collect(graph.KindPlace, m, err), []string{cd, dy, zy}; !slices.Equal(got, want) {
		t.Errorf("places within 四川, not counties: got %v, want %v", got, want)
	}
	m, err = graph.MatchBodies(ctx, st, &graph.BodyFilter{Type: ptr("agency")})
	if got, want := collect(graph.KindBody, m, err), []string{jt, zyfg}; !slices.Equal(got, want) {
		t.Errorf("agencies: got %v, want %v", got, want)
	}
	m, err = graph.MatchProgrammes(ctx, st, &graph.ProgrammeFilter{Name: &graph.StringMatch{Contains: ptr("同城化")}})
	if got, want := collect(graph.KindProgramme, m, err), []string{tch}; !slices.Equal(got, want) {
		t.Errorf("programmes: got %v, want %v", got, want)
	}
	for _, f := range []*graph.TargetFilter{
		{Metric: &graph.StringMatch{Exact: ptr("通车")}, Unit: ptr("公里"), Year: ptr(2022)},
		{Owner: ptr("成资铁路")},
		{Place: ptr("资阳")},
		{Document: ptr(algoDoc)},
	} {
		m, err = graph.MatchTargets(ctx, st, f)
		if got, want := collect(graph.KindTarget, m, err), []string{targetID}; !slices.Equal(got, want) {
			t.Errorf("targets %+v: got %v, want %v", f, got, want)
		}
	}
	m, err = graph.MatchTargets(ctx, st, &graph.TargetFilter{Place: ptr("德阳")})
	if got := collect(graph.KindTarget, m, err); len(got) != 0 {
		t.Errorf("targets at 德阳: got %v, want none", got)
	}
}
