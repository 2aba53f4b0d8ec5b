package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// The fixture: two documents about 成都 and 资阳, written by hand.
//
//	四川 (province) <- 成都, 资阳, 德阳 (PART_OF); 成德眉资 (region) <- 成都, 资阳, 德阳
//	成资市域(郊)铁路         CONNECTS 成都, 资阳; led by 成都市交通运输局; under 成德眉资同城化; 加快建设
//	成德眉资同城化综合试验区   LOCATED_IN 成德眉资 (spread to its members via the region); coordinated (inferred) by 同城化领导小组
//	成资临空经济产业带        CONNECTS 成都, 资阳; led by 资阳市发改委; 2021 规划, 2022 加强
//	成德临港经济产业带        CONNECTS 成都, 德阳
//	全省行动                LOCATED_IN 四川
//	资阳北站                PART_OF 成资市域(郊)铁路; LOCATED_IN 资阳; led by 资阳市发改委
//	城市更新行动             LOCATED_IN 成都; HAS_TARGET 老旧小区改造601个; 完成
const (
	docCD = "document/成都市2022年政府工作报告"
	docZY = "document/资阳市2021年政府工作报告"

	sichuan, chengdu, ziyang, deyang = "place/510000", "place/510100", "place/512000", "place/510600"
	region                           = "place/region/成德眉资"

	rail    = "initiative/成资市域铁路"
	zone    = "initiative/成德眉资同城化综合试验区"
	belt    = "initiative/成资临空经济产业带"
	port    = "initiative/成德临港经济产业带"
	prov    = "initiative/全省行动"
	station = "initiative/资阳北站"
	renewal = "initiative/城市更新行动"

	transport = "body/成都市交通运输局"
	zydrc     = "body/资阳市发展和改革委员会"
	council   = "body/成德眉资同城化领导小组"
	cdgov     = "body/成都市人民政府"

	plan   = "programme/成德眉资同城化"
	target = "target/老旧小区改造601个"
)

type docBuilder struct {
	g    *graph.DocumentGraph
	sent int
}

func (b *docBuilder) ev(text string) graph.Evidence {
	b.sent++
	return graph.Evidence{Document: b.g.Document.ID, Section: "(一) 合力谱写“双城记”", Paragraph: 2, Sentence: b.sent,
		Start: 100 * b.sent, End: 100*b.sent + 8, Text: text}
}

func (b *docBuilder) fact(from string, rel graph.Relation, to, via, text string) {
	b.g.Facts = append(b.g.Facts, graph.Fact{From: from, To: to, Relation: rel, Via: via, Evidence: b.ev(text)})
}

func (b *docBuilder) mention(id string, stage graph.Stage, cue, text string) {
	b.g.Mentions = append(b.g.Mentions, graph.Mention{Entity: id, Stage: stage, Cue: cue, Year: b.g.Document.Year, Evidence: b.ev(text)})
}

func places() []graph.Entity {
	return []graph.Entity{
		{ID: sichuan, Kind: graph.KindPlace, Name: "四川", Aliases: []string{"四川省", "川"}, Level: graph.LevelProvince, Code: "510000", Pinyin: "Sichuan", English: "Sichuan"},
		{ID: chengdu, Kind: graph.KindPlace, Name: "成都", Aliases: []string{"成都市", "蓉"}, Level: graph.LevelPrefecture, Code: "510100", Pinyin: "Chengdu", English: "Chengdu", Parent: sichuan},
		{ID: ziyang, Kind: graph.KindPlace, Name: "资阳", Aliases: []string{"资阳市"}, Level: graph.LevelPrefecture, Code: "512000", Pinyin: "Ziyang", English: "Ziyang", Parent: sichuan},
		{ID: deyang, Kind: graph.KindPlace, Name: "德阳", Aliases: []string{"德阳市"}, Level: graph.LevelPrefecture, Code: "510600", Pinyin: "Deyang", English: "Deyang", Parent: sichuan},
		{ID: region, Kind: graph.KindPlace, Name: "成德眉资", Level: graph.LevelRegion, Members: []string{chengdu, deyang, ziyang}},
	}
}

func membership(b *docBuilder) {
	for _, p := range []string{chengdu, ziyang, deyang} {
		b.g.Facts = append(b.g.Facts, graph.Fact{From: p, To: sichuan, Relation: graph.RelPartOf, Inferred: true, Rule: "gazetteer",
			Evidence: graph.Evidence{Document: b.g.Document.ID, Section: "places.tsv", Text: p + "\t" + sichuan}})
		b.g.Facts = append(b.g.Facts, graph.Fact{From: p, To: region, Relation: graph.RelPartOf, Inferred: true, Rule: "gazetteer",
			Evidence: graph.Evidence{Document: b.g.Document.ID, Section: "regions.tsv", Text: "成德眉资\t" + p}})
	}
}

func chengduReport() *graph.DocumentGraph {
	b := &docBuilder{g: &graph.DocumentGraph{Document: graph.Document{
		ID: docCD, Title: "成都市2022年政府工作报告", Year: 2022, Issuer: "成都市人民政府", Place: chengdu,
		Source: "chengdu-2022.txt", Hash: "cd-2022", Encoding: "UTF-8", Chars: 7000,
		Sections: []graph.Section{
			{Number: "一", Heading: "坚持勇担使命", Index: 0, Parent: -1},
			{Number: "(一)", Heading: "合力谱写“双城记”", Lead: "合力谱写“双城记”", Index: 1, Parent: 0},
		},
	}}}
	b.g.Entities = append(places(),
		graph.Entity{ID: rail, Kind: graph.KindInitiative, Name: "成资市域(郊)铁路", Aliases: []string{"成资市域铁路"}, Category: graph.CategoryRail},
		graph.Entity{ID: zone, Kind: graph.KindInitiative, Name: "成德眉资同城化综合试验区", Category: graph.CategoryZone},
		graph.Entity{ID: belt, Kind: graph.KindInitiative, Name: "成资临空经济产业带", Category: graph.CategoryIndustrialBelt},
		graph.Entity{ID: port, Kind: graph.KindInitiative, Name: "成德临港经济产业带", Category: graph.CategoryIndustrialBelt},
		graph.Entity{ID: prov, Kind: graph.KindInitiative, Name: "全省行动", Category: graph.CategoryAction},
		graph.Entity{ID: station, Kind: graph.KindInitiative, Name: "资阳北站", Category: graph.CategoryFacility},
		graph.Entity{ID: renewal, Kind: graph.KindInitiative, Name: "城市更新行动", Category: graph.CategoryAction},
		graph.Entity{ID: transport, Kind: graph.KindBody, Name: "成都市交通运输局", Aliases: []string{"市交通运输局"}, Type: "agency"},
		graph.Entity{ID: zydrc, Kind: graph.KindBody, Name: "资阳市发展和改革委员会", Aliases: []string{"资阳市发改委"}, Type: "agency"},
		graph.Entity{ID: council, Kind: graph.KindBody, Name: "成德眉资同城化领导小组", Type: "council"},
		graph.Entity{ID: cdgov, Kind: graph.KindBody, Name: "成都市人民政府", Type: "government"},
		graph.Entity{ID: plan, Kind: graph.KindProgramme, Name: "成德眉资同城化", Type: "plan"},
		graph.Entity{ID: target, Kind: graph.KindTarget, Name: "老旧小区改造601个", Metric: "老旧小区改造", Value: 601, Unit: "个", Comparator: ">=", Year: 2022},
	)
	membership(b)
	s1 := "加快建设成资市域(郊)铁路，连接成都与资阳。"
	b.fact(rail, graph.RelConnects, chengdu, "", s1)
	b.fact(rail, graph.RelConnects, ziyang, "", s1)
	b.fact(transport, graph.RelLeads, rail, "", "市交通运输局牵头推进成资市域(郊)铁路建设。")
	b.fact(rail, graph.RelUnderProgramme, plan, "", s1)
	b.mention(rail, graph.StageUnderConstruction, "加快建设", s1)
	s2 := "推动成德眉资同城化综合试验区先行先试。"
	b.fact(zone, graph.RelLocatedIn, region, "", s2)
	for _, m := range []string{chengdu, ziyang, deyang} {
		b.fact(zone, graph.RelLocatedIn, m, region, s2)
	}
	b.fact(zone, graph.RelUnderProgramme, plan, "", s2)
	b.g.Facts = append(b.g.Facts, graph.Fact{From: council, To: zone, Relation: graph.RelCoordinates, Inferred: true,
		Rule: "sector: 同城化 -> 同城化领导小组", Evidence: b.ev(s2)})
	b.mention(zone, graph.StageOngoing, "推动", s2)
	s3 := "加强成德临港经济产业带、成资临空经济产业带建设。"
	b.fact(belt, graph.RelConnects, chengdu, "", s3)
	b.fact(belt, graph.RelConnects, ziyang, "", s3)
	b.fact(zydrc, graph.RelLeads, belt, "", s3)
	b.fact(port, graph.RelConnects, chengdu, "", s3)
	b.fact(port, graph.RelConnects, deyang, "", s3)
	b.mention(belt, graph.StageOngoing, "加强", s3)
	b.mention(port, graph.StageOngoing, "加强", s3)
	s4 := "全省统筹推进全省行动。"
	b.fact(prov, graph.RelLocatedIn, sichuan, "", s4)
	b.mention(prov, graph.StageOngoing, "推进", s4)
	s5 := "建设资阳北站。"
	b.fact(station, graph.RelPartOf, rail, "", s5)
	b.fact(station, graph.RelLocatedIn, ziyang, "", s5)
	b.fact(zydrc, graph.RelLeads, station, "", s5)
	b.mention(station, graph.StagePlanning, "规划", s5)
	s6 := "完成老旧小区改造601个。"
	b.fact(renewal, graph.RelLocatedIn, chengdu, "", s6)
	b.fact(renewal, graph.RelHasTarget, target, "", s6)
	b.mention(renewal, graph.StageCompleted, "完成", s6)
	b.mention(target, "", "", s6)
	b.fact(docCD, graph.RelIssuedBy, cdgov, "", "成都市人民政府")
	b.fact(docCD, graph.RelAbout, chengdu, "", "成都市2022年政府工作报告")
	b.fact(cdgov, graph.RelCooperates, zydrc, "", "成都市人民政府与资阳市发展和改革委员会合作。")
	b.mention(chengdu, "", "", s1)
	return b.g
}

func ziyangReport() *graph.DocumentGraph {
	b := &docBuilder{g: &graph.DocumentGraph{Document: graph.Document{
		ID: docZY, Title: "资阳市2021年政府工作报告", Year: 2021, Issuer: "资阳市人民政府", Place: ziyang,
		Source: "ziyang-2021.txt", Hash: "zy-2021", Encoding: "GB18030", Chars: 5000,
		Sections: []graph.Section{{Number: "一", Heading: "主要任务", Index: 0, Parent: -1}},
	}}}
	b.g.Entities = append(places(),
		graph.Entity{ID: belt, Kind: graph.KindInitiative, Name: "成资临空经济产业带", Category: graph.CategoryIndustrialBelt})
	membership(b)
	s := "规划成资临空经济产业带。"
	b.fact(belt, graph.RelConnects, ziyang, "", s)
	b.mention(belt, graph.StagePlanning, "规划", s)
	return b.g
}

// env is a server over a memory store holding the fixture.
type env struct {
	t   *testing.T
	st  *graph.Store
	srv *httptest.Server
}

func newEnv(t *testing.T, opts resolvers.Options, graphs ...*graph.DocumentGraph) *env {
	t.Helper()
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if graphs == nil {
		graphs = []*graph.DocumentGraph{chengduReport(), ziyangReport()}
	}
	for _, g := range graphs {
		if _, err := st.WriteDocument(ctx, g); err != nil {
			t.Fatalf("write %s: %v", g.Document.ID, err)
		}
	}
	srv := httptest.NewServer(resolvers.NewServer(st, opts).Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
}

func (r response) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// post sends a query as a JSON POST and decodes the response.
func (e *env) post(query string, vars map[string]any) response {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.send(http.MethodPost, "/graphql", "application/json", body)
}

// get sends a query as GET /graphql?query=.
func (e *env) get(query string) response {
	e.t.Helper()
	return e.send(http.MethodGet, "/graphql?query="+url.QueryEscape(query), "", nil)
}

func (e *env) send(method, path, contentType string, body []byte) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		e.t.Fatalf("%s %s: response is not JSON (%v): %.300s", method, path, err, raw)
	}
	r.status = res.StatusCode
	return r
}

// data runs a query that must succeed and decodes its data into out.
func (e *env) data(query string, vars map[string]any, out any) {
	e.t.Helper()
	r := e.post(query, vars)
	if len(r.Errors) > 0 {
		e.t.Fatalf("query %s: errors %+v", query, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		e.t.Fatalf("query %s: decode %s: %v", query, r.Data, err)
	}
}

// fails runs a query that must fail with code and returns the first error.
func (e *env) fails(query string, vars map[string]any, code string) gqlError {
	e.t.Helper()
	r := e.post(query, vars)
	if len(r.Errors) == 0 {
		e.t.Fatalf("query %.200s: no error, want %s; data %s", query, code, r.Data)
	}
	if got := r.codes(); got[0] != code {
		e.t.Fatalf("query %.200s: codes %v (%s), want %s", query, got, r.Errors[0].Message, code)
	}
	return r.Errors[0]
}

// healthy checks that the server still answers an ordinary query.
func (e *env) healthy() {
	e.t.Helper()
	var d struct{ Node struct{ Name string } }
	e.data(`{ node(id: "place/510100") { name } }`, nil, &d)
	if d.Node.Name != "成都" {
		e.t.Fatalf("after that, node(place/510100) = %q, want 成都", d.Node.Name)
	}
}

func names[T interface{ GetName() string }](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.GetName()
	}
	return out
}

type named struct {
	Name string `json:"name"`
}

func (n named) GetName() string { return n.Name }
