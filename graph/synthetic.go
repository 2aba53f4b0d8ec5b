package graph

import (
	"fmt"
	"math/rand/v2"
)

// SyntheticGraph returns document i of a synthetic corpus over nPlaces
// places and nInits initiatives: nFacts facts from initiatives to places
// (LOCATED_IN and CONNECTS in turn) and one mention for every fourth fact.
// Entity IDs are shared across documents, so documents overlap as real ones
// do. It makes the same documents as the test helper SyntheticDocument, for
// benchmarks and load tests outside package graph (resolvers, docs/loadtest.sh).
func SyntheticGraph(i, nFacts, nPlaces, nInits int) *DocumentGraph {
	rng := rand.New(rand.NewPCG(uint64(i), 42))
	doc := fmt.Sprintf("document/synthetic-%05d", i)
	g := &DocumentGraph{Document: Document{
		ID: doc, Title: fmt.Sprintf("合成文件%d", i), Year: 2015 + i%10, Hash: fmt.Sprintf("h%d", i),
		Sections: []Section{{Number: "一", Heading: "总体要求", Index: 0, Parent: -1}},
	}}
	listed := make(map[string]bool)
	list := func(e Entity) {
		if !listed[e.ID] {
			listed[e.ID] = true
			g.Entities = append(g.Entities, e)
		}
	}
	rels := []Relation{RelLocatedIn, RelConnects}
	for f := 0; f < nFacts; f++ {
		ini := rng.IntN(nInits)
		pl := rng.IntN(nPlaces)
		from := fmt.Sprintf("initiative/合成项目%d", ini)
		to := fmt.Sprintf("place/%06d", 100000+pl)
		list(Entity{ID: from, Kind: KindInitiative, Name: fmt.Sprintf("合成项目%d", ini), Category: CategoryRail})
		list(Entity{ID: to, Kind: KindPlace, Name: fmt.Sprintf("合成地%d", pl), Level: LevelCounty,
			Pinyin: fmt.Sprintf("hecheng%d", pl)})
		sent := f / 3
		ev := Evidence{Document: doc, Section: "一", Paragraph: sent / 5, Sentence: sent,
			Start: f * 10, End: f*10 + 6, Text: fmt.Sprintf("第%d句：推进合成项目%d建设。", sent, ini)}
		g.Facts = append(g.Facts, Fact{From: from, To: to, Relation: rels[f%2], Evidence: ev})
		if f%4 == 0 {
			g.Mentions = append(g.Mentions, Mention{Entity: from, Stage: Stages[rng.IntN(len(Stages))],
				Cue: "推进", Year: g.Document.Year, Evidence: ev})
		}
	}
	return g
}
