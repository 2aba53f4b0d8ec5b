package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cayleygraph/quad"
)

// ---- building ----

// buildIndex builds an index with one scan of the quads with the
// predicates it needs: entity attributes and the fact and mention records.
func buildIndex(ctx context.Context, r reader) (*Index, error) {
	if old, err := r.hasPredicate(ctx, pOldFrom); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	} else if old {
		return nil, ErrOldLayout
	}
	ents := make(map[quad.Value][]quad.Quad)
	stages := make(map[string][]mentionRec)
	ch := &indexChange{}
	preds := []quad.Value{pFactRec, pMentionRec,
		pKind, pName, pAlias, pCategory, pLevel, pPinyin, pEnglish, pTitle}
	err := r.all(ctx, preds, func(batch []quad.Quad) error {
		for _, q := range batch {
			s, ok := q.Subject.(quad.IRI)
			if !ok {
				continue
			}
			switch q.Predicate {
			case pFactRec:
				id := string(s)
				h, ok := parseHashID(factPrefix, id)
				if !ok {
					continue
				}
				if f, _, ok := parseFactRecord(id, valString(q.Object)); ok {
					ch.addFacts = append(ch.addFacts, factEdge{id: id, from: f.From, to: f.To, via: f.Via, relation: f.Relation, hash: h})
				}
			case pMentionRec:
				if m, _, doc := decodeMention([]quad.Quad{q}); m != nil {
					stages[m.Entity] = append(stages[m.Entity], mentionRec{doc: doc, year: m.Year, stage: m.Stage})
				}
			default:
				if !strings.HasPrefix(string(s), factPrefix) && !strings.HasPrefix(string(s), mentionPrefix) {
					ents[s] = append(ents[s], q)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
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
	slices.SortFunc(ch.addFacts, func(a, b factEdge) int { return strings.Compare(a.id, b.id) })
	x := newIndex()
	x.apply(ch)
	return x, nil
}

// hasPredicate reports whether some quad has predicate p. (The SQL
// backend gives every value a reference, stored or not, so the reference
// alone does not tell.)
func (r reader) hasPredicate(ctx context.Context, p quad.Value) (bool, error) {
	refs, err := r.refsOf(ctx, []quad.Value{p})
	if err != nil || isNilRef(refs[0]) {
		return false, err
	}
	it := r.qs.QuadIterator(quad.Predicate, refs[0]).Iterate()
	defer it.Close()
	found := it.Next(ctx)
	if err := it.Err(); err != nil {
		return false, err
	}
	return found, ctx.Err()
}
