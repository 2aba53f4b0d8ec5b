package resolvers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// Every field of the contract, through the HTTP handler over a memory store.

func TestNodePlace(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	var d struct {
		Node struct {
			ID, Name, Kind, Level string
			Aliases               []string
			Code, Pinyin, English *string
			Parent                *named
			Members, Regions      []named
			Evidence              []struct{ Text string }
			Initiatives           struct {
				TotalCount int
				Nodes      []named
			}
		}
		Region struct{ Members []named }
		None   *named
	}
	e.data(`{
		node(id: "place/510100") { id name kind aliases evidence { text } ... on Place {
			level code pinyin english parent { name } members { name } regions { name }
			initiatives(first: 10) { totalCount nodes { name } } } }
		region: node(id: "place/region/成德眉资") { ... on Place { members { name } } }
		none: node(id: "place/999999") { name } }`, nil, &d)
	n := d.Node
	if n.ID != chengdu || n.Name != "成都" || n.Kind != "PLACE" || n.Level != "PREFECTURE" || *n.Code != "510100" ||
		*n.Pinyin != "Chengdu" || *n.English != "Chengdu" || n.Parent == nil || n.Parent.Name != "四川" {
		t.Errorf("成都: got %+v", n)
	}
	if !slices.Equal(n.Aliases, []string{"成都市", "蓉"}) {
		t.Errorf("aliases: got %v", n.Aliases)
	}
	if got := names(n.Regions); !slices.Equal(got, []string{"四川", "成德眉资"}) {
		t.Errorf("regions: got %v, want 四川, 成德眉资", got)
	}
	if len(n.Members) != 0 || len(n.Evidence) != 1 {
		t.Errorf("members %v (want none), evidence %v (want one sentence)", n.Members, n.Evidence)
	}
	// Initiatives tied to 成都 itself or to 成德眉资, which contains it; not
	// to 四川 (a province is too broad), not 资阳北站 (tied to 资阳).
	if got := names(n.Initiatives.Nodes); n.Initiatives.TotalCount != 5 ||
		!slices.Equal(got, []string{"城市更新行动", "成德临港经济产业带", "成德眉资同城化综合试验区", "成资临空经济产业带", "成资市域(郊)铁路"}) {
		t.Errorf("initiatives of 成都: %d %v", n.Initiatives.TotalCount, got)
	}
	if got := names(d.Region.Members); !slices.Equal(got, []string{"成都", "德阳", "资阳"}) {
		t.Errorf("members of 成德眉资: got %v", got)
	}
	if d.None != nil {
		t.Errorf("node of an unknown ID: got %+v, want null", d.None)
	}
}

func TestResolveAnyNameForm(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	for _, name := range []string{"成都", "成都市", "Chengdu", "chengdu", "蓉", "place/510100"} {
		var d struct{ Resolve []struct{ ID, Kind string } }
		e.data(`query($n: String!) { resolve(name: $n) { id kind } }`, map[string]any{"n": name}, &d)
		if len(d.Resolve) != 1 || d.Resolve[0].ID != chengdu || d.Resolve[0].Kind != "PLACE" {
			t.Errorf("resolve(%q) = %+v, want %s", name, d.Resolve, chengdu)
		}
	}
	err := e.fails(`{ resolve(name: "成度") { id } }`, nil, "NOT_FOUND")
	if !strings.Contains(err.Message, "did you mean: 成都") {
		t.Errorf("message %q does not suggest 成都 first", err.Message)
	}
	if s, _ := err.Extensions["suggestions"].([]any); len(s) == 0 || s[0] != "成都" {
		t.Errorf("extensions.suggestions = %v, want 成都 first", err.Extensions["suggestions"])
	}
	if n := err.Extensions["name"]; n != "成度" {
		t.Errorf("extensions.name = %v, want the name not found, 成度", n)
	}
	e.fails(`{ resolve(name: "  ") { id } }`, nil, "INVALID_INPUT")
}

func TestInitiativeFields(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	type evidence struct {
		Document                        struct{ ID, Title string }
		Section                         string
		Paragraph, Sentence, Start, End int
		Text                            string
	}
	type ini struct {
		ID, Name, Kind  string
		Category, Stage *string
		Timeline        []struct {
			Stage, Cue *string
			Year       int
			Document   struct{ ID string }
			Evidence   struct{ Text string }
		}
		Places, Programmes, Targets, PartOf, Parts []named
		Documents                                  []struct{ ID string }
		Bodies                                     []struct {
			Body     named
			Role     string
			Inferred bool
			Rule     *string
			Evidence []struct{ Text string }
		}
		Evidence []evidence
		Facts    []struct {
			ID       string
			From, To named
			Relation string
			Via      *named
			Inferred bool
			Rule     *string
			Evidence *struct{ Text string }
		}
		Ties []struct {
			Side, Target named
			Via          *named
			Relation     string
			Reach        string
			Fact         struct{ ID string }
			Evidence     []struct{ Text string }
		}
	}
	q := `query($id: ID!) { node(id: $id) { id name kind
		evidence(first: 1) { document { id title } section paragraph sentence start end text }
		facts(relations: [CONNECTS, LOCATED_IN], direction: OUT) { id from { name } to { name } relation via { name } inferred rule evidence { text } }
		... on Initiative { category stage
			timeline { stage cue year document { id } evidence { text } }
			places { name } programmes { name } targets { name } partOf { name } parts { name } documents { id }
			bodies { body { name } role inferred rule evidence { text } }
			ties(to: "资阳") { side { name } target { name } via { name } relation reach fact { id } evidence { text } } } } }`
	get := func(id string) ini {
		var d struct{ Node ini }
		e.data(q, map[string]any{"id": id}, &d)
		return d.Node
	}

	r := get(rail)
	if r.Name != "成资市域(郊)铁路" || r.Kind != "INITIATIVE" || *r.Category != "RAIL" || *r.Stage != "UNDER_CONSTRUCTION" {
		t.Errorf("rail: %+v", r)
	}
	if len(r.Timeline) != 1 || *r.Timeline[0].Stage != "UNDER_CONSTRUCTION" || *r.Timeline[0].Cue != "加快建设" ||
		r.Timeline[0].Year != 2022 || r.Timeline[0].Document.ID != docCD || !strings.Contains(r.Timeline[0].Evidence.Text, "成资市域") {
		t.Errorf("rail timeline: %+v", r.Timeline)
	}
	if got := names(r.Places); !slices.Equal(got, []string{"成都", "资阳"}) {
		t.Errorf("rail places: %v", got)
	}
	if got := names(r.Programmes); !slices.Equal(got, []string{"成德眉资同城化"}) {
		t.Errorf("rail programmes: %v", got)
	}
	if got := names(r.Parts); !slices.Equal(got, []string{"资阳北站"}) {
		t.Errorf("rail parts: %v", got)
	}
	if len(r.Bodies) != 1 || r.Bodies[0].Body.Name != "成都市交通运输局" || r.Bodies[0].Role != "LEADS" || r.Bodies[0].Inferred ||
		r.Bodies[0].Rule != nil || len(r.Bodies[0].Evidence) != 1 {
		t.Errorf("rail bodies: %+v", r.Bodies)
	}
	if len(r.Evidence) != 1 {
		t.Fatalf("rail evidence: %+v", r.Evidence)
	}
	ev := r.Evidence[0]
	if ev.Document.ID != docCD || ev.Document.Title != "成都市2022年政府工作报告" || ev.Section == "" || ev.Paragraph != 2 ||
		ev.Sentence == 0 || ev.End <= ev.Start || ev.Text != "加快建设成资市域(郊)铁路，连接成都与资阳。" {
		t.Errorf("rail evidence: %+v", ev)
	}
	if len(r.Facts) != 2 || r.Facts[0].Relation != "CONNECTS" || r.Facts[0].From.Name != "成资市域(郊)铁路" || r.Facts[0].Evidence == nil ||
		r.Facts[0].ID == "" || r.Facts[0].Inferred {
		t.Errorf("rail facts: %+v", r.Facts)
	}
	if len(r.Ties) != 1 || r.Ties[0].Side.Name != "资阳" || r.Ties[0].Target.Name != "资阳" || r.Ties[0].Reach != "DIRECT" ||
		r.Ties[0].Relation != "CONNECTS" || r.Ties[0].Via != nil || r.Ties[0].Fact.ID == "" || len(r.Ties[0].Evidence) != 1 {
		t.Errorf("rail ties to 资阳: %+v", r.Ties)
	}
	if len(r.Documents) != 1 || r.Documents[0].ID != docCD {
		t.Errorf("rail documents: %+v", r.Documents)
	}

	// Mentioned in two documents: the timeline is in order of year, the
	// stage is the latest.
	b := get(belt)
	if len(b.Timeline) != 2 || *b.Timeline[0].Stage != "PLANNING" || b.Timeline[0].Year != 2021 ||
		*b.Timeline[1].Stage != "ONGOING" || *b.Stage != "ONGOING" || len(b.Documents) != 2 {
		t.Errorf("belt: stage %v, timeline %+v, documents %v", *b.Stage, b.Timeline, b.Documents)
	}

	// Tied through a region, with an inferred coordinator.
	z := get(zone)
	if len(z.Ties) != 2 || z.Ties[0].Reach != "REGION" || z.Ties[0].Via == nil || z.Ties[0].Via.Name != "成德眉资" ||
		z.Ties[0].Target.Name != "资阳" || z.Ties[1].Target.Name != "成德眉资" {
		t.Errorf("zone ties to 资阳: %+v", z.Ties)
	}
	if len(z.Bodies) != 1 || z.Bodies[0].Role != "COORDINATES" || !z.Bodies[0].Inferred || z.Bodies[0].Rule == nil {
		t.Errorf("zone bodies: %+v", z.Bodies)
	}
	if got := names(z.Places); !slices.Equal(got, []string{"成都", "德阳", "资阳", "成德眉资"}) {
		t.Errorf("zone places: %v", got)
	}
	if len(z.Facts) != 4 || z.Facts[0].Via == nil && z.Facts[1].Via == nil {
		t.Errorf("zone facts: %+v", z.Facts)
	}

	s := get(station)
	if got := names(s.PartOf); !slices.Equal(got, []string{"成资市域(郊)铁路"}) {
		t.Errorf("station partOf: %v", got)
	}
	u := get(renewal)
	if got := names(u.Targets); !slices.Equal(got, []string{"老旧小区改造601个"}) || *u.Stage != "COMPLETED" {
		t.Errorf("renewal: targets %v, stage %v", got, *u.Stage)
	}
	if ts := get(port).Ties; len(ts) != 0 {
		t.Errorf("成德临港 ties to 资阳: %+v, want none", ts)
	}
}

func TestBodyProgrammeTargetDocument(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	var d struct {
		Bodies struct {
			TotalCount int
			Nodes      []struct {
				Name, Kind     string
				Type           *string
				Initiatives    struct{ Nodes []named }
				Targets        []named
				CooperatesWith []named
				Evidence       []struct{ Text string }
			}
		}
		Programmes struct {
			Nodes []struct {
				Name        string
				Type        *string
				Initiatives struct {
					TotalCount int
					Nodes      []named
				}
			}
		}
		Targets struct {
			Nodes []struct {
				Name, Metric, Unit string
				Value              float64
				Comparator         *string
				Year               *int
				Owners             []named
				Evidence           []struct{ Text string }
			}
			PageInfo struct{ HasNextPage bool }
		}
		Documents []struct {
			ID, Name, Title, Kind          string
			Aliases                        []string
			Year                           *int
			Issuer, Source, Hash, Encoding *string
			Chars                          int
			IssuedBy                       *named
			Place                          *named
			Sections                       []struct {
				Number, Heading string
				Lead            *string
				Index, Parent   int
			}
			Facts []struct{ Relation string }
		}
		Leads struct {
			Initiatives struct{ Nodes []named }
		}
	}
	e.data(`{
		bodies(filter: {type: "agency"}) { totalCount nodes { name kind type initiatives { nodes { name } } targets { name } cooperatesWith { name } evidence { text } } }
		programmes { nodes { name type initiatives(first: 10) { totalCount nodes { name } } } }
		targets(first: 500) { nodes { name metric value unit comparator year owners { name } evidence { text } } pageInfo { hasNextPage } }
		documents { id name title kind aliases year issuer source hash encoding chars issuedBy { name } place { name }
			sections { number heading lead index parent } facts(direction: OUT) { relation } }
		leads: node(id: "body/资阳市发展和改革委员会") { ... on Body { initiatives(role: LEADS, first: 1) { nodes { name } } } }
	}`, nil, &d)
	if d.Bodies.TotalCount != 2 || d.Bodies.Nodes[0].Name != "成都市交通运输局" || *d.Bodies.Nodes[0].Type != "agency" ||
		d.Bodies.Nodes[0].Kind != "BODY" || len(d.Bodies.Nodes[0].Evidence) != 1 {
		t.Errorf("bodies: %+v", d.Bodies)
	}
	zy := d.Bodies.Nodes[1]
	if got := names(zy.Initiatives.Nodes); !slices.Equal(got, []string{"成资临空经济产业带", "资阳北站"}) {
		t.Errorf("资阳市发改委 initiatives: %v", got)
	}
	if got := names(zy.CooperatesWith); !slices.Equal(got, []string{"成都市人民政府"}) || len(zy.Targets) != 0 {
		t.Errorf("资阳市发改委 cooperates with %v, targets %v", got, zy.Targets)
	}
	if got := names(d.Leads.Initiatives.Nodes); !slices.Equal(got, []string{"成资临空经济产业带"}) {
		t.Errorf("initiatives(role: LEADS, first: 1): %v", got)
	}
	if len(d.Programmes.Nodes) != 1 || *d.Programmes.Nodes[0].Type != "plan" || d.Programmes.Nodes[0].Initiatives.TotalCount != 2 {
		t.Errorf("programmes: %+v", d.Programmes)
	}
	tg := d.Targets.Nodes
	if len(tg) != 1 || tg[0].Name != "老旧小区改造601个" || tg[0].Metric != "老旧小区改造" || tg[0].Value != 601 || tg[0].Unit != "个" ||
		*tg[0].Comparator != ">=" || *tg[0].Year != 2022 || len(tg[0].Owners) != 1 || tg[0].Owners[0].Name != "城市更新行动" ||
		len(tg[0].Evidence) != 1 || d.Targets.PageInfo.HasNextPage {
		t.Errorf("targets: %+v", d.Targets)
	}
	if len(d.Documents) != 2 {
		t.Fatalf("documents: %+v", d.Documents)
	}
	doc := d.Documents[0] // sorted by ID: 成都 (U+6210) before 资阳 (U+8D44)
	if doc.ID != docCD || doc.Name != doc.Title || doc.Kind != "DOCUMENT" || len(doc.Aliases) != 0 || *doc.Year != 2022 ||
		*doc.Issuer != "成都市人民政府" || *doc.Source != "chengdu-2022.txt" || *doc.Hash != "cd-2022" || *doc.Encoding != "UTF-8" ||
		doc.Chars != 7000 || doc.IssuedBy == nil || doc.IssuedBy.Name != "成都市人民政府" || doc.Place == nil || doc.Place.Name != "成都" ||
		len(doc.Sections) != 2 || doc.Sections[1].Number != "(一)" || doc.Sections[1].Parent != 0 || *doc.Sections[1].Lead == "" ||
		len(doc.Facts) != 2 {
		t.Errorf("document: %+v", doc)
	}
}

// pageThrough pages through initiatives two at a time and returns the IDs.
func pageThrough(e *env, filter map[string]any) (ids []string, total int) {
	var after any
	for range 20 {
		var d struct {
			Initiatives struct {
				TotalCount int
				Nodes      []struct{ ID string }
				Edges      []struct {
					Cursor string
					Node   struct{ ID string }
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       *string
				}
			}
		}
		e.data(`query($f: InitiativeFilter, $after: String) { initiatives(filter: $f, first: 2, after: $after) {
			totalCount nodes { id } edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
			map[string]any{"f": filter, "after": after}, &d)
		c := d.Initiatives
		for i, n := range c.Nodes {
			ids = append(ids, n.ID)
			if c.Edges[i].Node.ID != n.ID {
				e.t.Errorf("edge %d is %s, node is %s", i, c.Edges[i].Node.ID, n.ID)
			}
		}
		total = c.TotalCount
		if len(c.Edges) > 0 && *c.PageInfo.EndCursor != c.Edges[len(c.Edges)-1].Cursor {
			e.t.Errorf("endCursor %s is not the last edge's cursor %s", *c.PageInfo.EndCursor, c.Edges[len(c.Edges)-1].Cursor)
		}
		if !c.PageInfo.HasNextPage {
			return ids, total
		}
		after = *c.PageInfo.EndCursor
	}
	e.t.Fatal("too many pages")
	return nil, 0
}

func TestInitiativesPaging(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	all := []string{rail, zone, belt, port, prov, station, renewal}
	slices.Sort(all)
	ids, total := pageThrough(e, nil)
	if !slices.Equal(ids, all) || total != len(all) {
		t.Errorf("paged %v (total %d), want %v", ids, total, all)
	}

	// Keyset cursors: a node added before the cursor does not shift the
	// next page.
	var p1 struct {
		Initiatives struct{ PageInfo struct{ EndCursor string } }
	}
	e.data(`{ initiatives(first: 3) { pageInfo { endCursor } } }`, nil, &p1)
	extra := &graph.DocumentGraph{Document: graph.Document{ID: "document/extra", Title: "追加", Year: 2022, Hash: "x"},
		Entities: []graph.Entity{{ID: "initiative/一号工程", Kind: graph.KindInitiative, Name: "一号工程"}},
		Mentions: []graph.Mention{{Entity: "initiative/一号工程", Year: 2022, Evidence: graph.Evidence{Document: "document/extra", Text: "一号工程。"}}}}
	if _, err := e.st.WriteDocument(context.Background(), extra); err != nil {
		t.Fatal(err)
	}
	var p2 struct {
		Initiatives struct{ Nodes []struct{ ID string } }
	}
	e.data(`query($a: String) { initiatives(first: 2, after: $a) { nodes { id } } }`, map[string]any{"a": p1.Initiatives.PageInfo.EndCursor}, &p2)
	if got := []string{p2.Initiatives.Nodes[0].ID, p2.Initiatives.Nodes[1].ID}; !slices.Equal(got, all[3:5]) {
		t.Errorf("page after the cursor: got %v, want %v", got, all[3:5])
	}

	e.fails(`{ initiatives(after: "not a cursor") { totalCount } }`, nil, "INVALID_INPUT")
	e.fails(`{ initiatives(first: -1) { totalCount } }`, nil, "INVALID_INPUT")
	e.fails(`{ initiatives(first: 501) { totalCount } }`, nil, "LIMIT_EXCEEDED")
}

func TestInitiativeFilters(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	for _, tc := range []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"place, in any name form: its own, and those of a small region containing it",
			map[string]any{"place": "Chengdu"}, []string{rail, zone, belt, port, renewal}},
		{"a member matches a filter on its region", map[string]any{"place": "成德眉资"}, []string{rail, zone, belt, port, station, renewal}},
		{"name exact (any name form)", map[string]any{"name": map[string]any{"exact": "成资市域铁路"}}, []string{rail}},
		{"name prefix", map[string]any{"name": map[string]any{"prefix": "成资"}}, []string{rail, belt}},
		{"name contains", map[string]any{"name": map[string]any{"contains": "经济产业带"}}, []string{belt, port}},
		{"category", map[string]any{"category": "INDUSTRIAL_BELT"}, []string{belt, port}},
		{"stage", map[string]any{"stage": "COMPLETED"}, []string{renewal}},
		{"programme", map[string]any{"programme": "成德眉资同城化"}, []string{rail, zone}},
		{"body, by alias", map[string]any{"body": "资阳市发改委"}, []string{belt, station}},
		{"document", map[string]any{"document": docZY}, []string{belt}},
		{"year", map[string]any{"year": 2021}, []string{belt}},
		{"and", map[string]any{"place": "资阳", "and": []any{map[string]any{"category": "RAIL"}}}, []string{rail}},
		{"or", map[string]any{"or": []any{map[string]any{"stage": "COMPLETED"}, map[string]any{"stage": "PLANNING"}}}, []string{station, renewal}},
		{"not", map[string]any{"place": "资阳", "not": map[string]any{"category": "RAIL"}}, []string{zone, belt, station}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if got, total := pageThrough(e, tc.filter); !slices.Equal(got, want) || total != len(want) {
				t.Errorf("got %v (total %d), want %v", got, total, want)
			}
		})
	}
	e.fails(`{ initiatives(filter: {place: "亚特兰蒂斯"}) { totalCount } }`, nil, "NOT_FOUND")
	e.fails(`{ initiatives(filter: {stage: FINISHED}) { totalCount } }`, nil, "INVALID_INPUT")
}

func TestOtherConnections(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	var d struct {
		Within  struct{ Nodes []named }
		Regions struct {
			TotalCount int
			Edges      []struct{ Node named }
		}
		Programmes struct{ Nodes []named }
		Targets    struct{ Nodes []named }
		None       struct {
			TotalCount int
			Nodes      []named
			PageInfo   struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	e.data(`{
		within: places(filter: {within: "四川", not: {name: {exact: "德阳市"}}}) { nodes { name } }
		regions: places(filter: {level: REGION}) { totalCount edges { node { name } } }
		programmes(filter: {name: {contains: "同城化"}, type: "plan"}) { nodes { name } }
		targets(filter: {metric: {prefix: "老旧"}, unit: "个", year: 2022, owner: "城市更新行动", place: "成都", document: "document/成都市2022年政府工作报告"}) { nodes { name } }
		none: targets(filter: {place: "德阳"}) { totalCount nodes { name } pageInfo { hasNextPage endCursor } }
	}`, nil, &d)
	if got := names(d.Within.Nodes); !slices.Equal(got, []string{"成都", "资阳"}) {
		t.Errorf("places within 四川 but 德阳: %v", got)
	}
	if d.Regions.TotalCount != 1 || d.Regions.Edges[0].Node.Name != "成德眉资" {
		t.Errorf("regions: %+v", d.Regions)
	}
	if got := names(d.Programmes.Nodes); !slices.Equal(got, []string{"成德眉资同城化"}) {
		t.Errorf("programmes: %v", got)
	}
	if got := names(d.Targets.Nodes); !slices.Equal(got, []string{"老旧小区改造601个"}) {
		t.Errorf("targets: %v", got)
	}
	if d.None.TotalCount != 0 || len(d.None.Nodes) != 0 || d.None.PageInfo.HasNextPage || d.None.PageInfo.EndCursor != nil {
		t.Errorf("targets at 德阳: %+v", d.None)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	var d struct {
		Search []struct {
			Name  string
			Kind  string
			Stage *string
		}
		Bodies []named
	}
	e.data(`{ search(text: "成资市域(郊)铁路", first: 5) { name kind ... on Initiative { stage } }
		bodies: search(text: "资阳", kinds: [BODY]) { name } }`, nil, &d)
	if len(d.Search) == 0 || d.Search[0].Name != "成资市域(郊)铁路" || *d.Search[0].Stage != "UNDER_CONSTRUCTION" {
		t.Errorf("search: %+v", d.Search)
	}
	if got := names(d.Bodies); !slices.Equal(got, []string{"资阳市发展和改革委员会"}) {
		t.Errorf("search bodies: %v", got)
	}
	e.fails(`{ search(text: "成都", first: 501) { name } }`, nil, "LIMIT_EXCEEDED")
}

func TestConnect(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	want := []string{"成资临空经济产业带", "成资市域(郊)铁路", "成德眉资同城化综合试验区"}
	for _, ab := range [][2]string{{"Chengdu", "Ziyang"}, {"成都市", "资阳"}, {"蓉", "ziyang"}, {chengdu, "资阳市"}} {
		var d struct{ Connect []named }
		e.data(`query($a: String!, $b: String!) { connect(a: $a, b: $b) { name } }`, map[string]any{"a": ab[0], "b": ab[1]}, &d)
		if got := names(d.Connect); !slices.Equal(got, want) {
			t.Errorf("connect(%s, %s) = %v, want %v", ab[0], ab[1], got, want)
		}
	}
	var broad struct{ Connect []named }
	e.data(`{ connect(a: "成都", b: "资阳", broad: true) { name } }`, nil, &broad)
	if got := names(broad.Connect); !slices.Equal(got, append(want, "全省行动")) {
		t.Errorf("connect(broad) = %v", got)
	}

	var d struct {
		Connections []struct {
			Initiative named
			Reach      string
			A, B       []struct {
				Side, Target named
				Via          *named
				Relation     string
				Reach        string
				Fact         struct{ ID, Relation string }
				Evidence     []struct{ Text string }
			}
		}
	}
	e.data(`{ connections(a: "成都", b: "资阳", first: 3) { initiative { name } reach
		a { side { name } target { name } via { name } relation reach fact { id relation } evidence { text } }
		b { side { name } target { name } via { name } relation reach fact { id relation } evidence { text } } } }`, nil, &d)
	if len(d.Connections) != 3 {
		t.Fatalf("connections: %+v", d.Connections)
	}
	c := d.Connections[2]
	if c.Initiative.Name != "成德眉资同城化综合试验区" || c.Reach != "REGION" || c.A[0].Side.Name != "成都" || c.A[0].Via.Name != "成德眉资" ||
		c.B[0].Target.Name != "资阳" || c.B[0].Fact.Relation != "LOCATED_IN" || len(c.B[0].Evidence) != 1 {
		t.Errorf("third connection: %+v", c)
	}
	if d.Connections[0].Reach != "DIRECT" || d.Connections[0].A[0].Relation != "CONNECTS" {
		t.Errorf("first connection: %+v", d.Connections[0])
	}

	// Ties are built only when a or b is asked for, also through fragments;
	// the order is the same either way.
	var lean struct {
		Connections []struct {
			Initiative named
			Reach      string
			B          []struct{ Reach string }
		}
	}
	e.data(`fragment ties on Connected { b { reach } }
		{ connections(a: "成都", b: "资阳", first: 3) { initiative { name } reach ...ties } }`, nil, &lean)
	for i, c := range lean.Connections {
		if c.Initiative.Name != d.Connections[i].Initiative.Name || c.Reach != d.Connections[i].Reach || len(c.B) != len(d.Connections[i].B) {
			t.Errorf("connection %d through a fragment: %+v", i, c)
		}
	}
	e.data(`{ connections(a: "成都", b: "资阳", first: 2) { initiative { name } reach } }`, nil, &lean)
	if len(lean.Connections) != 2 || lean.Connections[1].Initiative.Name != d.Connections[1].Initiative.Name {
		t.Errorf("connections without ties: %+v", lean.Connections)
	}

	err := e.fails(`{ connect(a: "成度", b: "资阳") { name } }`, nil, "NOT_FOUND")
	if !strings.Contains(err.Message, "成都") {
		t.Errorf("NOT_FOUND message %q suggests no close name", err.Message)
	}
	e.fails(`{ connect(a: "成都", b: "资阳", kinds: [BODY]) { name } }`, nil, "NOT_FOUND")
	e.fails(`{ connections(a: "成都", b: "资阳", first: 501) { reach } }`, nil, "LIMIT_EXCEEDED")
}

func TestPaths(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	var d struct {
		Paths []struct {
			Length int
			Nodes  []struct{ ID, Name string }
			Edges  []struct {
				From, To, Relation string
				Inferred           bool
				Fact               struct{ ID string }
				Evidence           []struct{ Text string }
			}
		}
		Far  []struct{ Length int }
		Self []struct{ Length int }
	}
	e.data(`{ paths(from: "资阳北站", to: "Chengdu") { length nodes { id name } edges { from to relation inferred fact { id } evidence { text } } }
		far: paths(from: "资阳北站", to: "德阳", maxHops: 1) { length }
		self: paths(from: "成都", to: "蓉") { length } }`, nil, &d)
	if len(d.Paths) != 1 {
		t.Fatalf("paths: %+v", d.Paths)
	}
	p := d.Paths[0]
	if p.Length != 2 || p.Nodes[0].ID != station || p.Nodes[1].ID != rail || p.Nodes[2].ID != chengdu ||
		p.Edges[0].From != station || p.Edges[0].To != rail || p.Edges[0].Relation != "PART_OF" ||
		p.Edges[1].From != rail || p.Edges[1].To != chengdu || p.Edges[1].Relation != "CONNECTS" ||
		p.Edges[1].Inferred || p.Edges[1].Fact.ID == "" || len(p.Edges[1].Evidence) != 1 {
		t.Errorf("path: %+v", p)
	}
	if len(d.Far) != 0 || len(d.Self) != 1 || d.Self[0].Length != 0 {
		t.Errorf("far %+v (want none), self %+v (want one of length 0)", d.Far, d.Self)
	}
	var rels struct {
		Paths []struct{ Edges []struct{ Relation string } }
	}
	e.data(`{ paths(from: "成都", to: "资阳", first: 10, relations: [PART_OF]) { edges { relation } } }`, nil, &rels)
	if len(rels.Paths) != 2 { // through 四川 and through 成德眉资
		t.Errorf("PART_OF paths: %+v", rels.Paths)
	}
	e.fails(`{ paths(from: "成都", to: "亚特兰蒂斯") { length } }`, nil, "NOT_FOUND")
	e.fails(`{ paths(from: "成都", to: "资阳", maxHops: 0) { length } }`, nil, "INVALID_INPUT")
	e.fails(`{ paths(from: "成都", to: "资阳", first: 51) { length } }`, nil, "LIMIT_EXCEEDED")
}

func TestNeighbourhood(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	var d struct {
		Neighbourhood struct {
			Nodes []struct {
				ID, Label, Kind string
				Depth           int
			}
			Edges     []struct{ ID, Source, Target, Relation string }
			Truncated bool
		}
		Small struct {
			Nodes     []struct{ ID string }
			Truncated bool
		}
	}
	e.data(`{ neighbourhood(of: "成资市域(郊)铁路") { nodes { id label kind depth } edges { id source target relation } truncated }
		small: neighbourhood(of: "成资市域(郊)铁路", hops: 2, first: 3) { nodes { id } truncated } }`, nil, &d)
	n := d.Neighbourhood
	ids := map[string]bool{}
	for _, x := range n.Nodes {
		ids[x.ID] = true
	}
	for _, id := range []string{rail, chengdu, ziyang, transport, plan, station} {
		if !ids[id] {
			t.Errorf("neighbourhood lacks %s: %+v", id, n.Nodes)
		}
	}
	if n.Nodes[0].ID != rail || n.Nodes[0].Label != "成资市域(郊)铁路" || n.Nodes[0].Kind != "INITIATIVE" || n.Nodes[0].Depth != 0 || n.Truncated {
		t.Errorf("centre: %+v, truncated %v", n.Nodes[0], n.Truncated)
	}
	for _, x := range n.Edges {
		if !ids[x.Source] || !ids[x.Target] || x.ID == "" {
			t.Errorf("edge %+v leaves the subgraph", x)
		}
	}
	if len(n.Edges) < 6 {
		t.Errorf("edges: %+v", n.Edges)
	}
	if len(d.Small.Nodes) != 3 || !d.Small.Truncated {
		t.Errorf("first: 3: %+v", d.Small)
	}
	e.fails(`{ neighbourhood(of: "成都", hops: 7) { truncated } }`, nil, "LIMIT_EXCEEDED")
	e.fails(`{ neighbourhood(of: "成都", first: 2001) { truncated } }`, nil, "LIMIT_EXCEEDED")
	e.fails(`{ neighbourhood(of: "亚特兰蒂斯") { truncated } }`, nil, "NOT_FOUND")
}

func TestDependencies(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	type dep struct {
		A, B                 named
		ABodies, BBodies     []named
		Shared               struct{ ID, Name, Kind string }
		SharedRelation       string
		BRelation            string
		SharedBy             int
		AFacts, BFacts       []struct{ Relation string }
		AEvidence, BEvidence []struct{ Text string }
	}
	q := `query($body: String, $place: String, $programme: String, $first: Int) {
		dependencies(body: $body, place: $place, programme: $programme, first: $first) {
			a { name } aBodies { name } b { name } bBodies { name } shared { id name kind } sharedRelation
			bRelation sharedBy aFacts { relation } bFacts { relation } aEvidence { text } bEvidence { text } } }`
	str := func(ds []dep) []string {
		var out []string
		for _, d := range ds {
			out = append(out, fmt.Sprintf("%s~%s@%s/%s/%s(%d)", d.A.Name, d.B.Name, d.Shared.Name, d.SharedRelation, d.BRelation, d.SharedBy))
		}
		return out
	}
	// The most specific first: the programme and the railway are each
	// shared by two initiatives, 资阳 by three.
	all := []string{
		"成德眉资同城化综合试验区~成资市域(郊)铁路@成德眉资同城化/UNDER_PROGRAMME/UNDER_PROGRAMME(2)",
		"成资市域(郊)铁路~资阳北站@成资市域(郊)铁路/PART_OF/PART_OF(2)",
		"成资临空经济产业带~成资市域(郊)铁路@资阳/CONNECTS/CONNECTS(3)",
	}
	for _, tc := range []struct {
		name string
		vars map[string]any
		want []string
	}{
		{"all", nil, all},
		{"first", map[string]any{"first": 1}, all[:1]},
		{"body", map[string]any{"body": "资阳市发改委"}, all[1:]},
		{"place", map[string]any{"place": "德阳"}, all[:1]},
		{"programme", map[string]any{"programme": "成德眉资同城化"}, all},
	} {
		var d struct{ Dependencies []dep }
		e.data(q, tc.vars, &d)
		if got := str(d.Dependencies); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
		if tc.name == "all" {
			x := d.Dependencies[0]
			if x.ABodies[0].Name != "成德眉资同城化领导小组" || x.BBodies[0].Name != "成都市交通运输局" || x.Shared.Kind != "PROGRAMME" {
				t.Errorf("first dependency: %+v", x)
			}
			if len(x.AFacts) != 1 || x.AFacts[0].Relation != "UNDER_PROGRAMME" || len(x.BEvidence) != 1 ||
				x.BEvidence[0].Text != "加快建设成资市域(郊)铁路，连接成都与资阳。" {
				t.Errorf("first dependency's sides: %+v", x)
			}
			// The railway is the shared thing itself: no fact of its own,
			// the sentences that mention it instead.
			y := d.Dependencies[1]
			if len(y.AFacts) != 0 || len(y.AEvidence) == 0 || len(y.BFacts) != 1 || len(y.BEvidence) != 1 {
				t.Errorf("second dependency's sides: %+v", y)
			}
		}
	}
	e.fails(q, map[string]any{"place": "资阳市发改委"}, "NOT_FOUND")
	e.fails(q, map[string]any{"first": 501}, "LIMIT_EXCEEDED")
}

// TestGetAndHealthz also checks that the API leaves /graphiql to package
// web, which serves GraphiQL from the page bundle instead of a CDN.
func TestGetAndHealthz(t *testing.T) {
	e := newEnv(t, resolvers.Options{Introspection: true})
	r := e.get(`{ node(id: "place/512000") { name } }`)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "资阳") {
		t.Errorf("GET /graphql: %+v %s", r.Errors, r.Data)
	}
	r = e.get(`{ __schema { queryType { name } } }`)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "Query") {
		t.Errorf("introspection: %+v %s", r.Errors, r.Data)
	}
	res, err := e.srv.Client().Get(e.srv.URL + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("GET /graphiql from the API alone = %d, want 404 (package web serves it)", res.StatusCode)
	}
	for path, want := range map[string]string{"/healthz": `"status":"ok"`} {
		res, err := e.srv.Client().Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1<<16)
		n, _ := res.Body.Read(b)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(strings.ToLower(string(b[:n])), strings.ToLower(want)) {
			t.Errorf("GET %s: %d %.200s", path, res.StatusCode, b[:n])
		}
	}
}

func TestChanges(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	type change struct {
		Initiative    named
		Kind          string
		Before, After *string
		Evidence      []struct {
			Text     string
			Document struct{ ID string }
		}
	}
	q := `query($place: String, $programme: String, $body: String, $from: Int!, $to: Int!, $first: Int, $after: String) {
		changes(place: $place, programme: $programme, body: $body, from: $from, to: $to, first: $first, after: $after) {
			initiative { name } kind before after evidence { text document { id } } } }`
	str := func(cs []change) []string {
		var out []string
		for _, c := range cs {
			s := c.Initiative.Name + " " + c.Kind
			if c.Before != nil {
				s += " " + *c.Before
			}
			if c.After != nil {
				s += "->" + *c.After
			}
			out = append(out, s)
		}
		return out
	}
	// The fixture's 资阳 report is of 2021, 成都's of 2022: 成资临空经济产业带
	// goes from 规划 to 加强, the rest are new in 2022.
	all := []string{
		"全省行动 NEW->ONGOING",
		"城市更新行动 NEW->COMPLETED",
		"成德眉资同城化综合试验区 NEW->ONGOING",
		"成德临港经济产业带 NEW->ONGOING",
		"成资临空经济产业带 ADVANCED PLANNING->ONGOING",
		"成资市域(郊)铁路 NEW->UNDER_CONSTRUCTION",
		"资阳北站 NEW->PLANNING",
	}
	var d struct{ Changes []change }
	e.data(q, map[string]any{"from": 2021, "to": 2022}, &d)
	got := str(d.Changes)
	if want := slices.Sorted(slices.Values(all)); !slices.Equal(slices.Sorted(slices.Values(got)), want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range d.Changes {
		if len(c.Evidence) == 0 || c.Evidence[0].Document.ID != "document/成都市2022年政府工作报告" {
			t.Errorf("%s: evidence %+v, want a sentence of the 2022 report", c.Initiative.Name, c.Evidence)
		}
	}
	// Backwards, the belt regresses and the evidence of what is dropped is
	// in the earlier year, 2022.
	e.data(q, map[string]any{"from": 2022, "to": 2021, "place": "资阳"}, &d)
	want := []string{"成德眉资同城化综合试验区 DROPPED ONGOING", "成资临空经济产业带 REGRESSED ONGOING->PLANNING",
		"成资市域(郊)铁路 DROPPED UNDER_CONSTRUCTION", "资阳北站 DROPPED PLANNING"}
	if got := str(d.Changes); !slices.Equal(slices.Sorted(slices.Values(got)), want) {
		t.Errorf("资阳 backwards: got %v, want %v", got, want)
	}
	for _, c := range d.Changes {
		if c.Kind == "DROPPED" && (len(c.Evidence) == 0 || c.Evidence[0].Document.ID != "document/成都市2022年政府工作报告") {
			t.Errorf("%s: evidence %+v, want a sentence of 2022", c.Initiative.Name, c.Evidence)
		}
	}
	// Pages: the second starts after the first's last initiative.
	var p1, p2 struct{ Changes []change }
	e.data(q, map[string]any{"from": 2021, "to": 2022, "first": 3}, &p1)
	var ids struct {
		Initiatives struct{ Edges []struct{ Cursor string } }
	}
	e.data(`{ initiatives(filter: {year: 2022}, first: 3) { edges { cursor } } }`, nil, &ids)
	e.data(q, map[string]any{"from": 2021, "to": 2022, "first": 3, "after": ids.Initiatives.Edges[2].Cursor}, &p2)
	if pages := append(str(p1.Changes), str(p2.Changes)...); len(p1.Changes) != 3 || !slices.Equal(pages, got[:6]) {
		t.Errorf("two pages of 3: %v, want %v", pages, got[:6])
	}
	for _, tc := range []struct {
		vars map[string]any
		code string
	}{
		{map[string]any{"from": 2022, "to": 2022}, "INVALID_INPUT"},
		{map[string]any{"from": 2021, "to": 2022, "first": 501}, "LIMIT_EXCEEDED"},
		{map[string]any{"from": 2021, "to": 2022, "place": "亚特兰蒂斯"}, "NOT_FOUND"},
		{map[string]any{"from": 2021, "to": 2022, "after": "nonsense"}, "INVALID_INPUT"},
	} {
		e.fails(q, tc.vars, tc.code)
	}
}
