package resolvers

import (
	"context"
	"github.com/99designs/gqlgen/graphql"
	"slices"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/schema"
)

// Helpers the resolvers of every entity type share.

// Relation groups the resolvers use.
var (
	placeRelations = []graph.Relation{graph.RelLocatedIn, graph.RelConnects}
	roleRelations  = []graph.Relation{graph.RelLeads, graph.RelCoBuilds, graph.RelCoordinates}
)

// entities returns the entities with these IDs through the request's loader,
// in order, leaving out those the store does not have.
func (r *Resolver) entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	b := r.batchOf(ctx)
	var ents []*graph.Entity
	var err error
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Object == "Query" {
		// A top-level field runs once per request: its list is a batch
		// already, so read it now rather than wait for more keys, and let
		// the fields below find these entities in the loader's cache.
		ents, err = r.store.Entities(ctx, ids)
		if err == nil {
			for i, e := range ents {
				if e != nil {
					b.entities.Prime(ids[i], e)
				}
			}
		}
	} else if cached, ok := r.store.CachedEntities(ids); ok {
		// Nothing to read: no need to wait for a batch.
		ents = cached
	} else {
		ents, err = b.entities.LoadAll(ctx, ids)
	}
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ents, func(e *graph.Entity) bool { return e == nil }), nil
}

// prefetch reads, from a top-level field, the entities that the fields
// below it will ask for one by one (the nodes of paths), so that those find
// them in the loader's cache instead of each level waiting for a batch.
func (r *Resolver) prefetch(ctx context.Context, ids []string) error {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return graph.KindOf(id) == graph.KindDocument })
	slices.Sort(ids)
	_, err := r.entities(ctx, slices.Compact(ids))
	return err
}

// nodes returns the GraphQL values of the entities and documents with these
// IDs, in order, leaving out those the store does not have.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]schema.Entity, error) {
	var entIDs, docIDs []string
	for _, id := range ids {
		if graph.KindOf(id) == graph.KindDocument {
			docIDs = append(docIDs, id)
		} else {
			entIDs = append(entIDs, id)
		}
	}
	ents, err := r.entities(ctx, entIDs)
	if err != nil {
		return nil, err
	}
	docs, err := r.documents(ctx, docIDs)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]schema.Entity, len(ents)+len(docs))
	for _, e := range ents {
		if w := schema.Wrap(e); w != nil {
			byID[e.ID] = w
		}
	}
	for _, d := range docs {
		byID[d.ID] = d
	}
	out := make([]schema.Entity, 0, len(ids))
	for _, id := range ids {
		if v, ok := byID[id]; ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// node returns the GraphQL value of one entity or document, or nil.
func (r *Resolver) node(ctx context.Context, id string) (schema.Entity, error) {
	ns, err := r.nodes(ctx, []string{id})
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	return ns[0], nil
}

// documents returns the documents with these IDs, in order, leaving out
// those the store does not have.
func (r *Resolver) documents(ctx context.Context, ids []string) ([]*schema.Document, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	docs, ok := r.store.CachedDocuments(ids)
	if !ok { // read them in a batch
		var err error
		if docs, err = r.batchOf(ctx).documents.LoadAll(ctx, ids); err != nil {
			return nil, err
		}
	}
	out := make([]*schema.Document, 0, len(docs))
	for _, d := range docs {
		if d != nil {
			out = append(out, &schema.Document{Document: d})
		}
	}
	return out, nil
}

// document returns one document, or nil.
func (r *Resolver) document(ctx context.Context, id string) (*schema.Document, error) {
	ds, err := r.documents(ctx, []string{id})
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	return ds[0], nil
}

// typed returns the entities with these IDs that are of kind k, wrapped as T.
func typed[T any](ctx context.Context, r *Resolver, ids []string, k graph.Kind, wrap func(*graph.Entity) *T) ([]*T, error) {
	ents, err := r.entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(ents))
	for _, e := range ents {
		if e.Kind == k {
			out = append(out, wrap(e))
		}
	}
	return out, nil
}

func asInitiative(e *graph.Entity) *schema.Initiative { return &schema.Initiative{Entity: e} }
func asPlace(e *graph.Entity) *schema.Place           { return &schema.Place{Entity: e} }
func asBody(e *graph.Entity) *schema.Body             { return &schema.Body{Entity: e} }
func asProgramme(e *graph.Entity) *schema.Programme   { return &schema.Programme{Entity: e} }
func asTarget(e *graph.Entity) *schema.Target         { return &schema.Target{Entity: e} }

// ref returns the index node of an entity ID; ok is false when the index
// does not have it (it was removed since the entity was read).
func (r *Resolver) ref(id string) (graph.NodeRef, bool) { return r.store.Index().Lookup(id) }

// linked returns the IDs of the distinct nodes one edge of rels away from
// the entity id in direction dir, sorted by ID, only of kind k when k is set.
func (r *Resolver) linked(id string, dir graph.Direction, k graph.Kind, rels ...graph.Relation) []string {
	n, ok := r.ref(id)
	if !ok {
		return nil
	}
	x := r.store.Index()
	var out []string
	for _, m := range x.Neighbours(n, dir, rels) {
		info := x.Node(m)
		if k == "" || info.Kind == k {
			out = append(out, info.ID)
		}
	}
	return out
}

// find returns the nodes a name (any form) or ID refers to, or a NOT_FOUND
// error with suggestions.
func (r *Resolver) find(arg, name string) ([]graph.NodeRef, error) {
	name, err := nonEmpty(arg, name)
	if err != nil {
		return nil, err
	}
	return r.store.Index().Find(name)
}

// findKinds is find, keeping only nodes of kinds when kinds is not empty.
func (r *Resolver) findKinds(arg, name string, kinds []graph.Kind) ([]graph.NodeRef, error) {
	ns, err := r.find(arg, name)
	if err != nil || len(kinds) == 0 {
		return ns, err
	}
	x := r.store.Index()
	kept := slices.DeleteFunc(slices.Clone(ns), func(n graph.NodeRef) bool { return !slices.Contains(kinds, x.Node(n).Kind) })
	if len(kept) == 0 {
		return nil, errorf(CodeNotFound, "%s %q names no entity of kind %v: it names %s", arg, name, kinds, describe(x, ns))
	}
	return kept, nil
}

// describe lists nodes as "成都 (PLACE), …" for messages.
func describe(x *graph.Index, ns []graph.NodeRef) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += ", "
		}
		info := x.Node(n)
		s += info.Name + " (" + string(info.Kind) + ")"
	}
	return s
}

// idsOf returns the IDs of index nodes.
func (r *Resolver) idsOf(ns []graph.NodeRef) []string {
	x := r.store.Index()
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = x.Node(n).ID
	}
	return out
}

// evidence returns the sentences that mention entity id, in document order,
// at most first; an entity no sentence mentions shows the evidence of its
// facts instead.
func (r *Resolver) evidence(ctx context.Context, id string, first *int) ([]*graph.Evidence, error) {
	n, err := pageSize("first", first, 10, maxPage)
	if err != nil || n == 0 {
		return nil, err
	}
	ms, err := r.batchOf(ctx).mentions.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []*graph.Evidence
	seen := make(map[graph.Evidence]bool)
	add := func(ev graph.Evidence) bool {
		if ev.Text == "" || seen[ev] {
			return len(out) < n
		}
		seen[ev] = true
		out = append(out, &ev)
		return len(out) < n
	}
	for _, m := range ms {
		if !add(m.Evidence) {
			return out, nil
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	facts, err := r.facts(ctx, id, nil, graph.DirectionBoth, n)
	if err != nil {
		return nil, err
	}
	for _, f := range facts {
		if !add(f.Evidence) {
			break
		}
	}
	return out, nil
}

// facts returns up to limit facts of entity id in direction dir, only of
// rels when given, in the order of their IDs.
func (r *Resolver) facts(ctx context.Context, id string, rels []graph.Relation, dir graph.Direction, limit int) ([]*graph.Fact, error) {
	n, ok := r.ref(id)
	if !ok || limit == 0 {
		return nil, nil
	}
	x := r.store.Index()
	var ids []string
	for _, s := range x.Steps(n, dir, rels) {
		ids = append(ids, x.FactID(s.Edge))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return r.factsByID(ctx, ids)
}

// factsByID returns the facts with these IDs through the request's loader,
// in order, leaving out those the store does not have.
func (r *Resolver) factsByID(ctx context.Context, ids []string) ([]*graph.Fact, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	fs, ok := r.store.CachedFacts(ids)
	if !ok { // read them in a batch
		var err error
		if fs, err = r.batchOf(ctx).facts.LoadAll(ctx, ids); err != nil {
			return nil, err
		}
	}
	return slices.DeleteFunc(fs, func(f *graph.Fact) bool { return f == nil }), nil
}

// entityFacts answers an Entity.facts field: it checks the arguments and
// returns the facts.
func (r *Resolver) entityFacts(ctx context.Context, id string, rels []graph.Relation, dir *graph.Direction, first *int) ([]*graph.Fact, error) {
	n, err := pageSize("first", first, 50, maxPage)
	if err != nil {
		return nil, err
	}
	d := graph.DirectionBoth
	if dir != nil {
		d = *dir
	}
	return r.facts(ctx, id, rels, d, n)
}

// factEvidence returns the evidence of facts, leaving out inferred facts
// that no sentence states.
func factEvidence(fs []*graph.Fact) []*graph.Evidence {
	var out []*graph.Evidence
	for _, f := range fs {
		if f.Evidence.Text != "" || f.Evidence.Document != "" {
			ev := f.Evidence
			out = append(out, &ev)
		}
	}
	return out
}

// place returns the place with this ID, or nil.
func (r *Resolver) place(ctx context.Context, id string) (*schema.Place, error) {
	if id == "" {
		return nil, nil
	}
	ps, err := typed(ctx, r, []string{id}, graph.KindPlace, asPlace)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

// body returns the body with this ID, or nil.
func (r *Resolver) body(ctx context.Context, id string) (*schema.Body, error) {
	if id == "" {
		return nil, nil
	}
	bs, err := typed(ctx, r, []string{id}, graph.KindBody, asBody)
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	return bs[0], nil
}

// initiative returns the initiative with this ID, or nil.
func (r *Resolver) initiative(ctx context.Context, id string) (*schema.Initiative, error) {
	if id == "" {
		return nil, nil
	}
	is, err := typed(ctx, r, []string{id}, graph.KindInitiative, asInitiative)
	if err != nil || len(is) == 0 {
		return nil, err
	}
	return is[0], nil
}

// pointers returns pointers to the elements of s.
func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// connect answers connect and connections: the initiatives tied to both a
// and b, in order. Their ties are filled for the first withTies of them.
func (r *Resolver) connect(ctx context.Context, a, b string, kinds []graph.Kind, broad *bool, withTies int) ([]graph.Connected, error) {
	return r.connectInto(ctx, nil, a, b, kinds, broad, withTies)
}

// connectInto is connect appending the answers to dst (graph.ConnectedToInto).
func (r *Resolver) connectInto(ctx context.Context, dst []graph.Connected, a, b string, kinds []graph.Kind, broad *bool, withTies int) ([]graph.Connected, error) {
	as, err := r.findKinds("a", a, kinds)
	if err != nil {
		return nil, err
	}
	bs, err := r.findKinds("b", b, kinds)
	if err != nil {
		return nil, err
	}
	x, br := r.store.Index(), broad != nil && *broad
	cs, err := graph.ConnectedToInto(ctx, x, as, bs, br, dst)
	if err != nil || withTies == 0 {
		return cs, err
	}
	cs = cs[:min(withTies, len(cs))]
	return cs, graph.FillTies(ctx, x, cs, as, bs, br)
}

// sideEvidence answers Dependency.aEvidence and bEvidence: the sentences
// that state facts (an initiative's ties to what it shares), or, when none
// does (the ties are inferred), the sentences that mention initiative id.
func (r *Resolver) sideEvidence(ctx context.Context, id string, facts []string, first *int) ([]*graph.Evidence, error) {
	n, err := pageSize("first", first, 3, maxPage)
	if err != nil || n == 0 {
		return nil, err
	}
	fs, err := r.factsByID(ctx, facts)
	if err != nil {
		return nil, err
	}
	var out []*graph.Evidence
	seen := make(map[graph.Evidence]bool)
	for _, ev := range factEvidence(fs) {
		if !seen[*ev] && len(out) < n {
			seen[*ev] = true
			out = append(out, ev)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	return r.evidence(ctx, id, &n)
}

// optionalStage returns s, or nil when there is none.
func optionalStage(s graph.Stage) *graph.Stage {
	if s == "" {
		return nil
	}
	return &s
}
