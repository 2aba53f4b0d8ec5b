package graph

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/cayleygraph/quad"
)

// The merge rule, spelled out: the smallest label that has a scalar gives
// it, aliases and members are unions, the name is not an alias, a value of
// 0 counts and a year of 0 does not, and only the entity's own label gives a
// title as its name.
func TestMergeRule(t *testing.T) {
	id := "initiative/x"
	s := quad.IRI(id)
	q := func(l string, p quad.IRI, o quad.Value) quad.Quad {
		return quad.Quad{Subject: s, Predicate: p, Object: o, Label: quad.String(l)}
	}
	qs := []quad.Quad{
		q("document/c", pKind, quad.String("INITIATIVE")),
		q("document/c", pName, quad.String("成资市域铁路")),
		q("document/c", pCategory, quad.String("RAIL")),
		q("document/c", pAlias, quad.String("成资S3线")),
		q("document/c", pValue, quad.Float(7)),
		q("document/c", pYear, quad.Int(2025)),
		q("document/b", pKind, quad.String("INITIATIVE")),
		q("document/b", pName, quad.String("成资市域(郊)铁路")),
		q("document/b", pAlias, quad.String("成资市域铁路")),
		q("document/b", pValue, quad.Float(0)),
		q("document/b", pYear, quad.Int(0)),
		q("document/b", pTitle, quad.String("not a name: label is not the entity")),
		q("document/d", pAlias, quad.String("资阳线")), // no kind: does not list it
	}
	e, docs := mergeEntity(id, qs)
	want := &Entity{ID: id, Kind: KindInitiative, Name: "成资市域(郊)铁路", Category: CategoryRail,
		Aliases: []string{"成资S3线", "成资市域铁路", "资阳线"}, Value: 0, Year: 2025}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("merged\n%+v\nwant\n%+v", e, want)
	}
	if !reflect.DeepEqual(docs, []string{"document/b", "document/c"}) {
		t.Errorf("docs %v, want the two labels with a kind", docs)
	}

	doc := "document/x"
	e, _ = mergeEntity(doc, []quad.Quad{
		{Subject: quad.IRI(doc), Predicate: pKind, Object: quad.String("DOCUMENT"), Label: quad.String(doc)},
		{Subject: quad.IRI(doc), Predicate: pTitle, Object: quad.String("成都市2022年政府工作报告"), Label: quad.String(doc)},
	})
	if e == nil || e.Name != "成都市2022年政府工作报告" {
		t.Errorf("a document's title is its name: %+v", e)
	}
}

// The entity cache adds documents to a merge in the order they are written,
// not in label order: any order must give what merging every quad at once
// gives.
func TestMergeInAnyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	preds := []quad.IRI{pKind, pName, pAlias, pCategory, pLevel, pCode, pParent, pMember, pType, pValue, pYear, pTitle}
	vals := []string{"", "成都", "资阳", "德阳", "RAIL", "0", "2022", "成德眉资"}
	for round := range 500 {
		id := "place/x"
		if round%5 == 0 {
			id = "document/d1"
		}
		var qs []quad.Quad
		for range 1 + r.IntN(30) {
			l := []string{"document/d1", "document/d2", "document/d3", "document/d4", "gazetteer"}[r.IntN(5)]
			p := preds[r.IntN(len(preds))]
			var o quad.Value = quad.String(vals[r.IntN(len(vals))])
			switch p {
			case pParent, pMember:
				o = quad.IRI("place/" + vals[r.IntN(len(vals))])
			case pValue:
				o = quad.Float(r.IntN(3))
			case pYear:
				o = quad.Int(r.IntN(2) * 2022)
			}
			qs = append(qs, quad.Quad{Subject: quad.IRI(id), Predicate: p, Object: o, Label: quad.String(l)})
		}
		want, wantDocs := mergeEntity(id, qs)
		labels, groups := byLabel(qs)
		r.Shuffle(len(labels), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
		m := newMerge(id)
		for _, l := range labels {
			m.add(l, groups[l])
		}
		got, gotDocs := m.entity()
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotDocs, wantDocs) {
			t.Fatalf("round %d, labels in order %v:\n got %+v %v\nwant %+v %v", round, labels, got, gotDocs, want, wantDocs)
		}
	}
}
