package resolvers

import (
	"context"
	"runtime"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits bounds what one request may ask of the server. The zero value of a
// field means its default; see DefaultLimits.
type Limits struct {
	MaxBodyBytes  int64         // request body size (default 1 MiB)
	MaxTokens     int           // lexical tokens of a query (default 15 000)
	MaxDepth      int           // nesting of fields, introspection excluded (default 12)
	MaxFields     int           // field selections, each alias counted, fragments expanded (default 1 000)
	MaxComplexity int           // gqlgen complexity, lists weighted by first (default 50 000)
	Timeout       time.Duration // per request (default 10 s)
	QueryCache    int           // parsed queries kept (default 1 000)

	// MaxDocumentBytes bounds a document sent to POST /documents (default 20 MiB).
	MaxDocumentBytes int64
	// Rate is the requests a second one client (IP address, or IPv6 /64) may
	// send on average, and Burst how many it may send at once; past them it
	// gets HTTP 429 and Retry-After. Zero Rate means no limit (the default
	// here; policygraph serve sets one with --rate and --burst). Burst
	// defaults to one second's worth.
	Rate  float64
	Burst int
	// LimitLoopback applies Rate to clients on 127.0.0.1 and ::1 too. By
	// default they are not limited: behind a reverse proxy on the same host
	// every client looks like loopback, so limit per client in the proxy.
	LimitLoopback bool

	// LargeBytes is the size from which a GraphQL request (POST body or GET
	// query string) takes the large lane, and LargeSlots how many such
	// requests are parsed and answered at once (defaults 8 KiB and half the
	// cores, at least one). Parsing cost grows with size, so a flood of big
	// requests queues for its slots, without the CPU, while small ones go
	// on. A request takes its slot once its body has arrived whole (read
	// within Timeout, or refused with 408), so a slow sender holds none.
	LargeBytes int64
	LargeSlots int

	// Running is how many GraphQL queries are answered at once (default
	// one fewer than the cores the Go runtime uses, GOMAXPROCS, and at
	// least one); the others wait for a turn in the order they arrived,
	// without using the CPU, for at most Timeout (then 503 BUSY with
	// Retry-After). A turn covers parsing, checking and resolving; the
	// answer is written after it. The core left over reads requests,
	// writes answers and runs the collector, so that a turn is not held
	// up by them. Mutations take no turn: they are few, and a document's
	// extraction may take a minute.
	Running int
}

// DefaultLimits are the limits the server applies unless told otherwise.
var DefaultLimits = Limits{
	MaxBodyBytes:  1 << 20,
	MaxTokens:     15000,
	MaxDepth:      12,
	MaxFields:     1000,
	MaxComplexity: 50000,
	Timeout:       10 * time.Second,
	QueryCache:    1000,

	MaxDocumentBytes: 20 << 20,
	LargeBytes:       8 << 10,
}

// DefaultRunning is Limits.Running's default: one fewer than GOMAXPROCS, at
// least one.
func DefaultRunning() int { return max(1, runtime.GOMAXPROCS(0)-1) }

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBodyBytes > 0 {
		d.MaxBodyBytes = l.MaxBodyBytes
	}
	if l.MaxTokens > 0 {
		d.MaxTokens = l.MaxTokens
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxFields > 0 {
		d.MaxFields = l.MaxFields
	}
	if l.MaxComplexity > 0 {
		d.MaxComplexity = l.MaxComplexity
	}
	if l.Timeout > 0 {
		d.Timeout = l.Timeout
	}
	if l.QueryCache > 0 {
		d.QueryCache = l.QueryCache
	}
	if l.MaxDocumentBytes > 0 {
		d.MaxDocumentBytes = l.MaxDocumentBytes
	}
	if l.LargeBytes > 0 {
		d.LargeBytes = l.LargeBytes
	}
	d.LargeSlots = max(1, runtime.GOMAXPROCS(0)/2)
	if l.LargeSlots > 0 {
		d.LargeSlots = l.LargeSlots
	}
	d.Running = DefaultRunning()
	if l.Running > 0 {
		d.Running = l.Running
	}
	d.Rate, d.Burst, d.LimitLoopback = l.Rate, l.Burst, l.LimitLoopback
	return d
}

// The bounds on arguments, checked by the resolvers.
const (
	maxPage              = 500  // first of connections and lists
	maxPathHops          = 6    // paths(maxHops)
	maxPaths             = 50   // paths(first)
	maxNeighbourhoodHops = 6    // neighbourhood(hops)
	maxNeighbourhood     = 2000 // neighbourhood(first)
)

func init() {
	// Requests refused by a limit or for bad input answer HTTP 422, like
	// gqlgen's own parse and validation errors.
	errcode.RegisterErrorType(string(CodeLimitExceeded), errcode.KindProtocol)
	errcode.RegisterErrorType(codeComplexity, errcode.KindProtocol)
}

// shapeLimit is a gqlgen extension that refuses queries nested deeper than
// MaxDepth or selecting more than MaxFields fields, before gqlgen validates
// them (validation cost grows with the square of the fields).
type shapeLimit struct {
	maxTokens, maxDepth, maxFields int
	cache                          graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                          { return "ShapeLimit" }
func (shapeLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (s shapeLimit) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if s.cache != nil {
		if _, ok := s.cache.Get(ctx, raw.Query); ok {
			return nil // cached queries passed these checks before
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: raw.Query}, s.maxTokens)
	if err != nil {
		for _, m := range parserLimitMessages {
			if strings.Contains(err.Error(), m) {
				// Refuse now: letting gqlgen parse a query this big
				// again doubles what an attacker costs us.
				return limitError("%s: send a smaller query", strings.TrimPrefix(err.Error(), "input: "))
			}
		}
		return nil // gqlgen parses again and reports the error
	}
	sh := measure(doc)
	if sh.depth > s.maxDepth {
		return limitError("query nests fields %d deep; the limit is %d: ask for fewer nested levels and follow the rest with node(id:)", sh.depth, s.maxDepth)
	}
	if sh.fields > s.maxFields {
		return limitError("query selects more than %d fields (aliases, fragments and introspection counted); split it into several requests", s.maxFields)
	}
	if sh.schemas > maxSchemaFields || sh.types > maxTypeFields {
		return limitError("query asks for __schema %d times and __type %d times; the limits are %d and %d per request: ask once, and keep the answer", sh.schemas, sh.types, maxSchemaFields, maxTypeFields)
	}
	return nil
}

// Introspection's own limits, per request: a whole-schema answer costs
// about as much as a page of the graph, and aliases would multiply it.
const (
	maxSchemaFields = 1  // __schema selections (aliases and fragments counted)
	maxTypeFields   = 20 // __type selections
)

func limitError(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	errcode.Set(err, string(CodeLimitExceeded))
	return err
}

// shape is what measure finds in a query: the greatest nesting depth of
// fields (introspection fields __schema and __type count as leaves: the
// introspection types bound their own depth, and GraphiQL's query nests
// TypeRef deep), the number of field selections, introspection's included,
// with fragment spreads expanded, and the __schema and __type selections.
// Counts saturate rather than overflow on fragments that multiply.
type shape struct {
	depth, fields, schemas, types int
}

func (a shape) plus(b shape) shape {
	return shape{depth: max(a.depth, b.depth), fields: satAdd(a.fields, b.fields),
		schemas: satAdd(a.schemas, b.schemas), types: satAdd(a.types, b.types)}
}

// measure returns the shape of doc's operations.
func measure(doc *ast.QueryDocument) shape {
	m := measurer{frags: map[string]*ast.FragmentDefinition{}, memo: map[string]shape{}, busy: map[string]bool{}}
	for _, f := range doc.Fragments {
		m.frags[f.Name] = f
	}
	var sh shape
	for _, op := range doc.Operations {
		sh = sh.plus(m.set(op.SelectionSet))
	}
	return sh
}

type measurer struct {
	frags map[string]*ast.FragmentDefinition
	memo  map[string]shape
	busy  map[string]bool // fragments being measured: cycles are left to validation
}

func (m *measurer) set(ss ast.SelectionSet) shape {
	var sh shape
	for _, sel := range ss {
		var x shape
		switch sel := sel.(type) {
		case *ast.Field:
			c := m.set(sel.SelectionSet)
			switch sel.Name {
			case "__schema", "__type":
				// A leaf for depth; every field inside counts.
				x = shape{depth: 1, fields: satAdd(1, c.fields), schemas: c.schemas, types: c.types}
				if sel.Name == "__schema" {
					x.schemas = satAdd(x.schemas, 1)
				} else {
					x.types = satAdd(x.types, 1)
				}
			default:
				x = c
				x.depth, x.fields = 1+c.depth, satAdd(1, c.fields)
			}
		case *ast.InlineFragment:
			x = m.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			x = m.fragment(sel.Name)
		}
		sh = sh.plus(x)
	}
	return sh
}

func (m *measurer) fragment(name string) shape {
	if r, ok := m.memo[name]; ok {
		return r
	}
	f := m.frags[name]
	if f == nil || m.busy[name] {
		return shape{}
	}
	m.busy[name] = true
	sh := m.set(f.SelectionSet)
	delete(m.busy, name)
	m.memo[name] = sh
	return sh
}

func satAdd(a, b int) int {
	const ceiling = 1 << 30
	if a+b > ceiling {
		return ceiling
	}
	return a + b
}

// pageSize checks a first argument against the page limit and returns it,
// or def when first is nil.
func pageSize(arg string, first *int, def, limit int) (int, error) {
	if first == nil {
		return def, nil
	}
	switch n := *first; {
	case n < 0:
		return 0, invalidf("%s must not be negative, got %d", arg, n)
	case n > limit:
		return 0, limitf("%s may be at most %d, got %d: page through the rest with after: pageInfo.endCursor, or narrow the question", arg, limit, n)
	default:
		return n, nil
	}
}

// hopCount checks a hop argument (maxHops, hops) against its limit.
func hopCount(arg string, hops *int, def, limit int) (int, error) {
	if hops == nil {
		return def, nil
	}
	switch n := *hops; {
	case n < 1:
		return 0, invalidf("%s must be at least 1, got %d", arg, n)
	case n > limit:
		return 0, limitf("%s may be at most %d, got %d: ask for fewer hops, and walk on from a node of the answer if you need to", arg, limit, n)
	default:
		return n, nil
	}
}

// nonEmpty checks that a name argument says something.
func nonEmpty(arg, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalidf("%s must not be empty: give a name (成都, Chengdu) or an ID (place/510100)", arg)
	}
	if len(s) > 200 {
		return "", invalidf("%s is %d bytes long; names are shorter than 200 bytes", arg, len(s))
	}
	return s, nil
}
