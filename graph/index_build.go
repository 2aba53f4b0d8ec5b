package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cayleygraph/quad"
)

// ---- building ----

// buildIndex builds an index with one scan of every quad.
func buildIndex(ctx context.Context, r reader) (*Index, error) {
	ents := make(map[quad.Value][]quad.Quad)
	facts := make(map[quad.Value][]quad.Quad)
	mentions := make(map[quad.Value][]quad.Quad)
	preds := []quad.Value{pFrom, pTo, pRelation, pVia, pEntity, pStage, pYear,
		pKind, pName, pAlias, pCategory, pLevel, pPinyin, pEnglish, pTitle}
	err := r.all(ctx, preds, func(batch []quad.Quad) error {
		for _, q := range batch {
			s, ok := q.Subject.(quad.IRI)
			if !ok {
				continue
			}
			p, _ := q.Predicate.(quad.IRI)
			switch {
			case strings.HasPrefix(string(s), factPrefix):
				switch p {
				case pFrom, pTo, pRelation, pVia:
					facts[s] = append(facts[s], q)
				}
			case strings.HasPrefix(string(s), mentionPrefix):
				switch p {
				case pEntity, pStage, pYear:
					mentions[s] = append(mentions[s], q)
				}
			default:
				switch p {
				case pKind, pName, pAlias, pCategory, pLevel, pPinyin, pEnglish, pTitle:
					ents[s] = append(ents[s], q)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	stages := make(map[string][]mentionRec)
	for _, qs := range mentions {
		if m, _, doc := decodeMention(qs); m != nil {
			stages[m.Entity] = append(stages[m.Entity], mentionRec{doc: doc, year: m.Year, stage: m.Stage})
		}
	}
	mentions = nil
	ch := &indexChange{}
	ids := make([]string, 0, len(ents))
	for s := range ents {
		ids = append(ids, valString(s))
	}
	slices.Sort(ids) // number nodes in ID order
	for _, id := range ids {
		e, docs := mergeEntity(id, ents[quad.IRI(id)])
		if e == nil {
			continue
		}
		if e.Kind == KindInitiative {
			e.Stage = latestStage(stages[id])
		}
		ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: e, docs: docs})
	}
	ents = nil
	for s, qs := range facts {
		id := valString(s)
		f, _, _ := decodeFact(id, qs)
		h, ok := parseHashID(factPrefix, id)
		if f == nil || !ok {
			continue
		}
		ch.addFacts = append(ch.addFacts, factEdge{id: id, from: f.From, to: f.To, via: f.Via, relation: f.Relation, hash: h})
	}
	slices.SortFunc(ch.addFacts, func(a, b factEdge) int { return strings.Compare(a.id, b.id) })
	x := newIndex()
	x.apply(ch)
	return x, nil
}
