package graph

import (
	"context"
	"fmt"
	"slices"
)

// ChangeKind is what happened to an initiative between two years.
type ChangeKind string

// The change kinds. Their string values are the GraphQL ChangeKind values.
const (
	ChangeNew       ChangeKind = "NEW"       // mentioned in the later year only
	ChangeAdvanced  ChangeKind = "ADVANCED"  // a later stage (加快建设 -> 建成)
	ChangeSame      ChangeKind = "SAME"      // the same stage, or a stage missing on one side
	ChangeRegressed ChangeKind = "REGRESSED" // an earlier stage
	ChangeDropped   ChangeKind = "DROPPED"   // mentioned in the earlier year only
)

// Change is what happened to one initiative between the documents of two
// years.
type Change struct {
	Initiative string // ID
	Kind       ChangeKind
	Before     Stage // the latest stage in the documents of year From; "" if none
	After      Stage // the latest stage in the documents of year To; "" if none
	// Evidence is the sentences that mention the initiative in the
	// documents of year To (of year From when it is DROPPED), in document
	// order.
	Evidence []Evidence
}

// Changes compares the documents of year from with those of year to: each
// initiative f matches (nil: every one; Place, Programme and Body narrow as
// in MatchInitiatives) that a document of either year mentions is NEW (in to
// only), DROPPED (in from only), or ADVANCED, REGRESSED or SAME by the latest
// stage of each year (see latestStage; the order of Stages). When one year
// gives no stage the two are SAME: there is nothing to compare. Changes are
// ordered by initiative ID.
func Changes(ctx context.Context, st *Store, f *InitiativeFilter, from, to int) ([]Change, error) {
	if from == to {
		return nil, fmt.Errorf("compare two different years, got %d twice", from)
	}
	years := &InitiativeFilter{Or: []*InitiativeFilter{{Year: &from}, {Year: &to}}}
	if f != nil {
		years = &InitiativeFilter{And: []*InitiativeFilter{f, years}}
	}
	match, err := MatchInitiatives(ctx, st, years)
	if err != nil {
		return nil, err
	}
	x := st.Index()
	var ids []string
	for i, n := range x.NodesOfKind(KindInitiative) {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if match(n) {
			ids = append(ids, x.Node(n).ID)
		}
	}
	mentions, err := st.Mentions(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []Change
	for i, id := range ids {
		var before, after mentionRec
		var inFrom, inTo bool
		var evFrom, evTo []Evidence
		for _, m := range mentions[i] {
			rec := mentionRec{doc: m.Evidence.Document, year: m.Year, stage: m.Stage}
			switch m.Year {
			case from:
				inFrom, before = true, laterMention(before, rec)
				evFrom = appendEvidence(evFrom, m.Evidence)
			case to:
				inTo, after = true, laterMention(after, rec)
				evTo = appendEvidence(evTo, m.Evidence)
			}
		}
		c := Change{Initiative: id, Before: before.stage, After: after.stage, Evidence: evTo}
		switch {
		case !inFrom && !inTo:
			continue
		case !inFrom:
			c.Kind = ChangeNew
		case !inTo:
			c.Kind, c.Evidence = ChangeDropped, evFrom
		case c.Before == "" || c.After == "" || c.Before == c.After:
			c.Kind = ChangeSame
		case StageRank(c.After) > StageRank(c.Before):
			c.Kind = ChangeAdvanced
		default:
			c.Kind = ChangeRegressed
		}
		out = append(out, c)
	}
	return out, nil
}

// appendEvidence appends ev to evs unless it is there already.
func appendEvidence(evs []Evidence, ev Evidence) []Evidence {
	if ev.Text == "" || slices.Contains(evs, ev) {
		return evs
	}
	return append(evs, ev)
}
