package resolvers

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/schema"
)

// Connections page by keyset: nodes are ordered by ID and a cursor is the
// opaque (base64) form of the last ID of a page, so a page holds the same
// nodes whatever was added before it.

func encodeCursor(id string) string { return base64.URLEncoding.EncodeToString([]byte("pg:" + id)) }

func decodeCursor(c string) (string, error) {
	b, err := base64.URLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "pg:") {
		return "", invalidf("after is not a cursor this API gave out: pass pageInfo.endCursor (or an edge's cursor) from the previous page")
	}
	return strings.TrimPrefix(string(b), "pg:"), nil
}

// page is one page of a connection.
type page struct {
	ids     []string
	hasNext bool
	hasPrev bool
	total   int
}

// paginate returns the page of the nodes of cands (sorted by ID) that match,
// after the cursor, at most first of them. total is counted only when the
// connection's totalCount is selected: otherwise the scan stops at the page.
func (r *Resolver) paginate(ctx context.Context, cands []graph.NodeRef, match graph.Matcher, first *int, after *string, typeName string) (*page, error) {
	n, err := pageSize("first", first, 50, maxPage)
	if err != nil {
		return nil, err
	}
	x := r.store.Index()
	start := 0
	p := &page{}
	if after != nil {
		last, err := decodeCursor(*after)
		if err != nil {
			return nil, err
		}
		start, _ = slices.BinarySearchFunc(cands, last, func(c graph.NodeRef, id string) int { return strings.Compare(x.Node(c).ID, id) })
		for start < len(cands) && x.Node(cands[start]).ID <= last {
			start++
		}
	}
	wantTotal := selected(ctx, typeName, "totalCount")
	for i, c := range cands {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if i < start && !wantTotal {
			continue
		}
		if !match(c) {
			continue
		}
		p.total++
		switch {
		case i < start:
			p.hasPrev = true
		case len(p.ids) < n:
			p.ids = append(p.ids, x.Node(c).ID)
		default:
			p.hasNext = true
			if !wantTotal {
				return p, nil
			}
		}
	}
	return p, nil
}

// selected reports whether the field being resolved, of type typeName,
// selects field.
func selected(ctx context.Context, typeName, field string) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, []string{typeName}) {
		if f.Name == field {
			return true
		}
	}
	return false
}

func (p *page) info() *schema.PageInfo {
	pi := &schema.PageInfo{HasNextPage: p.hasNext, HasPreviousPage: p.hasPrev}
	if len(p.ids) > 0 {
		s, e := encodeCursor(p.ids[0]), encodeCursor(p.ids[len(p.ids)-1])
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

// initiativeConnection builds the connection of a page of initiatives.
func (r *Resolver) initiativeConnection(ctx context.Context, p *page) (*schema.InitiativeConnection, error) {
	nodes, err := typed(ctx, r, p.ids, graph.KindInitiative, asInitiative)
	if err != nil {
		return nil, err
	}
	c := &schema.InitiativeConnection{Nodes: nodes, PageInfo: p.info(), TotalCount: p.total}
	for _, n := range nodes {
		c.Edges = append(c.Edges, &schema.InitiativeEdge{Cursor: encodeCursor(n.ID), Node: n})
	}
	return c, nil
}

// initiativePage returns the connection of the initiatives among cands that
// match, for a field of type InitiativeConnection.
func (r *Resolver) initiativePage(ctx context.Context, cands []graph.NodeRef, match graph.Matcher, first *int, after *string) (*schema.InitiativeConnection, error) {
	p, err := r.paginate(ctx, cands, match, first, after, "InitiativeConnection")
	if err != nil {
		return nil, err
	}
	return r.initiativeConnection(ctx, p)
}

// refsOf returns the index nodes of IDs, sorted by ID, leaving out unknown IDs.
func (r *Resolver) refsOf(ids []string) []graph.NodeRef {
	x := r.store.Index()
	slices.Sort(ids)
	out := make([]graph.NodeRef, 0, len(ids))
	for _, id := range slices.Compact(ids) {
		if n, ok := x.Lookup(id); ok {
			out = append(out, n)
		}
	}
	return out
}

func matchAll(graph.NodeRef) bool { return true }
