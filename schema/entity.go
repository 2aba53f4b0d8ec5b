// Package schema is policygraph's GraphQL schema: the *.graphqls files,
// written by hand, gqlgen's generated executor (*.generated.go, never edited
// by hand; run go generate ./schema), and the few Go types that let the
// generated code bind to package graph's model (this file).
//
// It holds no resolver logic: package resolvers implements ResolverRoot.
package schema

//go:generate go tool gqlgen generate

import "github.com/policygraph/policygraph/graph"

// Entity is the Go side of the GraphQL Entity interface: one of *Initiative,
// *Place, *Body, *Programme, *Target or *Document. Each wraps graph's model
// so that gqlgen can tell the GraphQL object types apart.
type Entity interface {
	// EntityID returns the entity's ID.
	EntityID() string
}

// Initiative is a graph.Entity of kind INITIATIVE.
type Initiative struct{ *graph.Entity }

// Place is a graph.Entity of kind PLACE.
type Place struct{ *graph.Entity }

// Body is a graph.Entity of kind BODY.
type Body struct{ *graph.Entity }

// Programme is a graph.Entity of kind PROGRAMME.
type Programme struct{ *graph.Entity }

// Target is a graph.Entity of kind TARGET.
type Target struct{ *graph.Entity }

// Document is a loaded document, the entity of kind DOCUMENT.
type Document struct{ *graph.Document }

// Wrap returns e as the GraphQL type of its kind, or nil when e is nil or of
// no entity kind.
func Wrap(e *graph.Entity) Entity {
	if e == nil {
		return nil
	}
	switch e.Kind {
	case graph.KindInitiative:
		return &Initiative{e}
	case graph.KindPlace:
		return &Place{e}
	case graph.KindBody:
		return &Body{e}
	case graph.KindProgramme:
		return &Programme{e}
	case graph.KindTarget:
		return &Target{e}
	}
	return nil
}

func (x *Initiative) EntityID() string { return x.ID }
func (x *Place) EntityID() string      { return x.ID }
func (x *Body) EntityID() string       { return x.ID }
func (x *Programme) EntityID() string  { return x.ID }
func (x *Target) EntityID() string     { return x.ID }
func (x *Document) EntityID() string   { return x.ID }

// Category returns the initiative's category, or nil when it has none.
func (x *Initiative) Category() *string { return optString(string(x.Entity.Category)) }

// Stage returns the initiative's latest stage, or nil when no mention gives one.
func (x *Initiative) Stage() *graph.Stage {
	if x.Entity.Stage == "" {
		return nil
	}
	s := x.Entity.Stage
	return &s
}

// Lon returns the longitude of the place's seat, or nil when it has none.
func (x *Place) Lon() *float64 {
	if !x.Entity.Located() {
		return nil
	}
	return &x.Entity.Lon
}

// Lat returns the latitude of the place's seat, or nil when it has none.
func (x *Place) Lat() *float64 {
	if !x.Entity.Located() {
		return nil
	}
	return &x.Entity.Lat
}

// Code returns the place's GB/T 2260 code, or nil when it has none.
func (x *Place) Code() *string { return optString(x.Entity.Code) }

// Pinyin returns the place's name in pinyin, or nil.
func (x *Place) Pinyin() *string { return optString(x.Entity.Pinyin) }

// English returns the place's English name, or nil.
func (x *Place) English() *string { return optString(x.Entity.English) }

// Type returns what sort of body x is, or nil.
func (x *Body) Type() *string { return optString(x.Entity.Type) }

// Type returns what sort of programme x is, or nil.
func (x *Programme) Type() *string { return optString(x.Entity.Type) }

// Comparator returns the target's comparator, or nil when the text gives none.
func (x *Target) Comparator() *string { return optString(x.Entity.Comparator) }

// Year returns the year the target is for, or nil.
func (x *Target) Year() *int { return optInt(x.Entity.Year) }

// Name returns the document's title: a document's name is its title.
func (x *Document) Name() string { return x.Title }

// Kind returns KindDocument.
func (x *Document) Kind() graph.Kind { return graph.KindDocument }

// Aliases returns no aliases: documents have none.
func (x *Document) Aliases() []string { return nil }

// Year returns the document's year, or nil.
func (x *Document) Year() *int { return optInt(x.Document.Year) }

// Issuer returns the issuer's name as the document gives it, or nil.
func (x *Document) Issuer() *string { return optString(x.Document.Issuer) }

// Source returns the file the document was loaded from, or nil.
func (x *Document) Source() *string { return optString(x.Document.Source) }

// Hash returns the sha256 of the normalised text, or nil.
func (x *Document) Hash() *string { return optString(x.Document.Hash) }

// Encoding returns the encoding detected on read, or nil.
func (x *Document) Encoding() *string { return optString(x.Document.Encoding) }

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}
