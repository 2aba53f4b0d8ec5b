package resolvers

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policygraph/policygraph/graph"
)

// Plain answers: gqlgen resolves every element of an object list in a
// goroutine of its own and every scalar field through its field machinery
// (a field context, the middleware chain, a marshaler): for connect { id
// name } with 400 answers that is 400 goroutines and 800 field resolutions,
// about ten times the index's work (docs/benchmarks.md). The root fields
// below, when everything a request selects under them is plain data the
// index holds (IDs, names, kinds, stages, categories; a subgraph's nodes and
// edges; paths with their nodes' IDs, names and kinds and their edges' ends
// and relations), are answered here instead: one call to the same resolver code,
// then the JSON written straight from the index in one pass. Anything else
// (a nested entity, evidence, an argument below the root, @defer, an error)
// goes to gqlgen as before, so the answer is the same either way
// (TestPlainAnswersAreGqlgens). Limits are checked before either runs.

// plainRoot returns the answer to the root field of ctx when it is one the
// plain path knows and the selection under it is plain; ok is false when
// gqlgen must answer it.
func (r *Resolver) plainRoot(ctx context.Context) (m graphql.Marshaler, ok bool) {
	rfc := graphql.GetRootFieldContext(ctx)
	if rfc == nil || !graphql.HasOperationContext(ctx) || ctx.Value(plainTriedKey{}) != nil {
		return nil, false
	}
	var buf bytes.Buffer
	if !r.plainAnswer(ctx, graphql.GetOperationContext(ctx), rfc.Field, &buf) {
		return nil, false
	}
	return rawJSON(buf.Bytes()), true
}

// plainTriedKey marks the context of an operation whose only root field
// writePlain tried and left to gqlgen: plainRoot need not try it again.
type plainTriedKey struct{}

// plainAnswer appends the JSON answer of root field f of operation oc to
// buf when the field is one the plain path knows and the selection under
// it is plain. It returns false, with buf holding anything, when gqlgen
// must answer it.
func (r *Resolver) plainAnswer(ctx context.Context, oc *graphql.OperationContext, f graphql.CollectedField, buf *bytes.Buffer) (ok bool) {
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return false
	}
	if len(f.Directives) > 0 && !onlySkipInclude(f) {
		return false
	}
	// Whatever goes wrong here (a panic included) is gqlgen's to answer:
	// it runs the field again and reports it the usual way.
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	switch f.Name {
	case "connect":
		sel, plain := plainInitiativeFields(oc, f.Selections)
		if !plain {
			return false
		}
		args := f.ArgumentMap(oc.Variables)
		a, err1 := graphql.UnmarshalString(args["a"])
		b, err2 := graphql.UnmarshalString(args["b"])
		kinds, err3 := enumList[graph.Kind](args["kinds"])
		broad, err4 := optBool(args["broad"])
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			return false
		}
		w := getPlainWork()
		defer putPlainWork(w)
		cs, err := r.connectInto(ctx, w.cs, a, b, kinds, broad, 0)
		if err != nil || ctx.Err() != nil {
			return false
		}
		w.cs = cs
		// One read of the index for all answers; one that is gone since
		// the walk, or no longer an initiative, is left out as typed()
		// leaves it out.
		w.ns, w.infos = slices.Grow(w.ns, len(cs)), slices.Grow(w.infos, len(cs))
		for i := range cs {
			w.ns = append(w.ns, cs[i].Node())
		}
		w.infos = r.store.Index().NodesInto(w.infos, w.ns)
		buf.Grow(answerSize(len(w.infos), len(sel)))
		buf.WriteByte('[')
		first := true
		for i := range w.infos {
			if w.infos[i].Kind != graph.KindInitiative {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			writeInitiative(buf, sel, &w.infos[i])
		}
		buf.WriteByte(']')
		return true
	case "neighbourhood":
		top, nodeSel, edgeSel, plain := plainSubgraphFields(oc, f.Selections)
		if !plain {
			return false
		}
		args := f.ArgumentMap(oc.Variables)
		of, err1 := graphql.UnmarshalString(args["of"])
		hops, err2 := optInt(args["hops"])
		rels, err3 := enumList[graph.Relation](args["relations"])
		first, err4 := optInt(args["first"])
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			return false
		}
		sg, err := (&queryResolver{r}).Neighbourhood(ctx, of, hops, rels, first)
		if err != nil || sg == nil || ctx.Err() != nil {
			return false
		}
		buf.Grow(answerSize(len(sg.Nodes), len(nodeSel)) + answerSize(len(sg.Edges), len(edgeSel)))
		writeSubgraph(buf, top, nodeSel, edgeSel, sg)
		return true
	case "paths":
		top, nodeSel, edgeSel, plain := plainPathFields(oc, f.Selections)
		if !plain {
			return false
		}
		args := f.ArgumentMap(oc.Variables)
		from, err1 := graphql.UnmarshalString(args["from"])
		to, err2 := graphql.UnmarshalString(args["to"])
		hops, err3 := optInt(args["maxHops"])
		first, err4 := optInt(args["first"])
		rels, err5 := enumList[graph.Relation](args["relations"])
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil {
			return false
		}
		ps, err := r.shortestPaths(ctx, from, to, hops, first, rels)
		if err != nil || ctx.Err() != nil {
			return false
		}
		// The nodes' names from the index, where Paths reads every node's
		// entity from the store: the most of a cold answer's time. A node
		// gone since the walk, or a document (its fields are not an
		// entity's), is gqlgen's to answer.
		x := r.store.Index()
		w := getPlainWork()
		defer putPlainWork(w)
		if len(nodeSel) > 0 {
			for _, p := range ps {
				for _, id := range p.Nodes {
					n, ok := x.Lookup(id)
					if !ok {
						return false
					}
					w.ns = append(w.ns, n)
				}
			}
			w.infos = x.NodesInto(w.infos, w.ns)
			for i := range w.infos {
				if entityType[w.infos[i].Kind] == "" {
					return false
				}
			}
		}
		writePaths(buf, top, nodeSel, edgeSel, ps, w.infos)
		return true
	}
	return false
}

// plainWork is connect's working space for writing an answer: the answers,
// their nodes and what the index holds of each, reused from a pool (about
// 250 bytes an answer that the collector would otherwise have to find).
type plainWork struct {
	cs    []graph.Connected
	ns    []graph.NodeRef
	infos []graph.NodeInfo
}

var plainWorkPool = sync.Pool{New: func() any { return new(plainWork) }}

// maxPooledWork is the most answers whose working space is kept for reuse.
const maxPooledWork = 4096

func getPlainWork() *plainWork {
	w := plainWorkPool.Get().(*plainWork)
	w.cs, w.ns, w.infos = w.cs[:0], w.ns[:0], w.infos[:0]
	return w
}

func putPlainWork(w *plainWork) {
	if cap(w.cs) > maxPooledWork || cap(w.infos) > maxPooledWork {
		return
	}
	clear(w.cs) // keeps nothing of the index alive
	clear(w.infos)
	plainWorkPool.Put(w)
}

// answerSize is about the bytes of n objects of so many fields: IDs and
// names average 20-30 bytes with their keys (a connect answer { id name }
// is 78 bytes an initiative), so that the buffer grows once, not ten times.
func answerSize(n, fields int) int { return n * 28 * (fields + 1) }

// rawJSON is an answer already written.
type rawJSON []byte

func (j rawJSON) MarshalGQL(w io.Writer) { w.Write(j) }

// plainField is one selected field: the key it is answered under and the
// field it names.
type plainField struct{ key, name string }

func onlySkipInclude(f graphql.CollectedField) bool {
	for _, d := range f.Directives {
		if d.Name != "skip" && d.Name != "include" {
			return false
		}
	}
	return true
}

// collectPlain collects the fields of sel for an object of the types in
// satisfies, and reports whether each is one of allowed with no arguments,
// no selection below it and no directive but @skip/@include (which
// CollectFields has applied).
func collectPlain(oc *graphql.OperationContext, sel []graphql.CollectedField, allowed map[string]bool) ([]plainField, bool) {
	out := make([]plainField, 0, len(sel))
	for _, f := range sel {
		if len(f.Deferrables) > 0 || len(f.Arguments) > 0 || len(f.Selections) > 0 || !onlySkipInclude(f) {
			return nil, false
		}
		if f.Name != "__typename" && !allowed[f.Name] {
			return nil, false
		}
		out = append(out, plainField{f.Alias, f.Name})
	}
	return out, true
}

var plainInitiative = map[string]bool{"id": true, "name": true, "kind": true, "category": true, "stage": true}

func plainInitiativeFields(oc *graphql.OperationContext, sel ast.SelectionSet) ([]plainField, bool) {
	return collectPlain(oc, graphql.CollectFields(oc, sel, []string{"Initiative", "Entity"}), plainInitiative)
}

func writeInitiative(buf *bytes.Buffer, sel []plainField, n *graph.NodeInfo) {
	writeObject(buf, sel, func(name string) {
		switch name {
		case "__typename":
			writeString(buf, "Initiative")
		case "id":
			writeString(buf, n.ID)
		case "name":
			writeString(buf, n.Name)
		case "kind":
			writeString(buf, string(n.Kind))
		case "category":
			optJSONString(buf, string(n.Category))
		case "stage":
			optJSONString(buf, string(n.Stage))
		}
	})
}

// writeObject writes a JSON object of the fields in sel, by their keys,
// with value writing the value of each field by its name.
func writeObject(buf *bytes.Buffer, sel []plainField, value func(name string)) {
	buf.WriteByte('{')
	for i, f := range sel {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, f.key)
		buf.WriteByte(':')
		value(f.name)
	}
	buf.WriteByte('}')
}

// writeList writes a JSON array of n elements, with elem writing the i-th.
func writeList(buf *bytes.Buffer, n int, elem func(i int)) {
	buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		elem(i)
	}
	buf.WriteByte(']')
}

var (
	plainNode = map[string]bool{"id": true, "label": true, "kind": true, "depth": true}
	plainEdge = map[string]bool{"id": true, "source": true, "target": true, "relation": true}
)

// plainSubgraphFields returns the selections of a Subgraph (top), of its
// nodes and of its edges, when all are plain.
func plainSubgraphFields(oc *graphql.OperationContext, sel ast.SelectionSet) (top, nodes, edges []plainField, ok bool) {
	return plainNodesEdges(oc, sel, "Subgraph", "truncated",
		func(s ast.SelectionSet) ([]plainField, bool) {
			return collectPlain(oc, graphql.CollectFields(oc, s, []string{"SubgraphNode"}), plainNode)
		},
		func(s ast.SelectionSet) ([]plainField, bool) {
			return collectPlain(oc, graphql.CollectFields(oc, s, []string{"SubgraphEdge"}), plainEdge)
		})
}

// plainNodesEdges returns the selections of an object of type typ (top)
// that has lists nodes and edges and one scalar field, and of the lists'
// elements (read by nodeFields and edgeFields), when all are plain. A list
// asked for twice, under two aliases, would need a selection each: that is
// gqlgen's to answer.
func plainNodesEdges(oc *graphql.OperationContext, sel ast.SelectionSet, typ, scalar string,
	nodeFields, edgeFields func(ast.SelectionSet) ([]plainField, bool)) (top, nodes, edges []plainField, ok bool) {
	for _, f := range graphql.CollectFields(oc, sel, []string{typ}) {
		if len(f.Deferrables) > 0 || len(f.Arguments) > 0 || !onlySkipInclude(f) {
			return nil, nil, nil, false
		}
		switch f.Name {
		case "nodes":
			ok = nodes == nil
			if ok {
				nodes, ok = nodeFields(f.Selections)
			}
		case "edges":
			ok = edges == nil
			if ok {
				edges, ok = edgeFields(f.Selections)
			}
		case scalar, "__typename":
			ok = len(f.Selections) == 0
		default:
			ok = false
		}
		if !ok {
			return nil, nil, nil, false
		}
		top = append(top, plainField{f.Alias, f.Name})
	}
	return top, nodes, edges, true
}

// entityType is the GraphQL type of an entity of each kind (schema.Wrap's).
var entityType = map[graph.Kind]string{
	graph.KindPlace: "Place", graph.KindBody: "Body", graph.KindInitiative: "Initiative",
	graph.KindProgramme: "Programme", graph.KindTarget: "Target",
}

var (
	plainPathNode = map[string]bool{"id": true, "name": true, "kind": true}
	plainPathEdge = map[string]bool{"from": true, "to": true, "relation": true}
)

// plainPathFields returns the selections of a Path (top), of its nodes and
// of its edges, when all are plain. The nodes are entities of any kind: the
// selection must be the same plain fields for every type they may be.
func plainPathFields(oc *graphql.OperationContext, sel ast.SelectionSet) (top, nodes, edges []plainField, ok bool) {
	return plainNodesEdges(oc, sel, "Path", "length",
		func(s ast.SelectionSet) (fs []plainField, ok bool) {
			for _, t := range []string{"Place", "Body", "Initiative", "Programme", "Target"} {
				ts, plain := collectPlain(oc, graphql.CollectFields(oc, s, []string{t, "Entity"}), plainPathNode)
				if !plain || (fs != nil && !slices.Equal(ts, fs)) {
					return nil, false
				}
				fs = ts
			}
			return fs, true
		},
		func(s ast.SelectionSet) ([]plainField, bool) {
			return collectPlain(oc, graphql.CollectFields(oc, s, []string{"PathEdge"}), plainPathEdge)
		})
}

// writePaths writes paths, the nodes' index entries in infos, path after
// path (none when no node field is asked for).
func writePaths(buf *bytes.Buffer, top, nodeSel, edgeSel []plainField, ps []graph.Path, infos []graph.NodeInfo) {
	at := 0 // the first of the path's nodes in infos
	writeList(buf, len(ps), func(i int) {
		p := &ps[i]
		writeObject(buf, top, func(name string) {
			switch name {
			case "__typename":
				writeString(buf, "Path")
			case "length":
				buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(p.Length()), 10))
			case "nodes":
				writeList(buf, len(p.Nodes), func(k int) { writePathNode(buf, nodeSel, &infos[at+k]) })
			case "edges":
				writeList(buf, len(p.Edges), func(k int) { writePathEdge(buf, edgeSel, &p.Edges[k]) })
			}
		})
		if len(nodeSel) > 0 {
			at += len(p.Nodes)
		}
	})
}

func writePathNode(buf *bytes.Buffer, sel []plainField, n *graph.NodeInfo) {
	writeObject(buf, sel, func(name string) {
		switch name {
		case "__typename":
			writeString(buf, entityType[n.Kind])
		case "id":
			writeString(buf, n.ID)
		case "name":
			writeString(buf, n.Name)
		case "kind":
			writeString(buf, string(n.Kind))
		}
	})
}

func writePathEdge(buf *bytes.Buffer, sel []plainField, e *graph.PathEdge) {
	writeObject(buf, sel, func(name string) {
		switch name {
		case "__typename":
			writeString(buf, "PathEdge")
		case "from":
			writeString(buf, e.From)
		case "to":
			writeString(buf, e.To)
		case "relation":
			writeString(buf, string(e.Relation))
		}
	})
}

func writeSubgraph(buf *bytes.Buffer, top, nodeSel, edgeSel []plainField, sg *graph.Subgraph) {
	writeObject(buf, top, func(name string) {
		switch name {
		case "__typename":
			writeString(buf, "Subgraph")
		case "truncated":
			graphql.MarshalBoolean(sg.Truncated).MarshalGQL(buf)
		case "nodes":
			writeList(buf, len(sg.Nodes), func(j int) { writeNode(buf, nodeSel, &sg.Nodes[j]) })
		case "edges":
			writeList(buf, len(sg.Edges), func(j int) { writeEdge(buf, edgeSel, &sg.Edges[j]) })
		}
	})
}

func writeNode(buf *bytes.Buffer, sel []plainField, n *graph.SubgraphNode) {
	writeObject(buf, sel, func(name string) {
		switch name {
		case "__typename":
			writeString(buf, "SubgraphNode")
		case "id":
			writeString(buf, n.ID)
		case "label":
			writeString(buf, n.Label)
		case "kind":
			writeString(buf, string(n.Kind))
		case "depth":
			buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(n.Depth), 10))
		}
	})
}

func writeEdge(buf *bytes.Buffer, sel []plainField, e *graph.SubgraphEdge) {
	writeObject(buf, sel, func(name string) {
		switch name {
		case "__typename":
			writeString(buf, "SubgraphEdge")
		case "id":
			writeString(buf, e.ID)
		case "source":
			writeString(buf, e.Source)
		case "target":
			writeString(buf, e.Target)
		case "relation":
			writeString(buf, string(e.Relation))
		}
	})
}

// writeString writes s as a JSON string, byte for byte as gqlgen's
// MarshalString does: control characters, " and \ escaped, everything else
// (invalid UTF-8 included) as it is. gqlgen goes rune by rune; bytes will
// do, since no byte of a multi-byte UTF-8 sequence is below 0x80.
func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		buf.WriteString(s[start:i])
		switch c {
		case '\t':
			buf.WriteString(`\t`)
		case '\r':
			buf.WriteString(`\r`)
		case '\n':
			buf.WriteString(`\n`)
		case '\\':
			buf.WriteString(`\\`)
		case '"':
			buf.WriteString(`\"`)
		default:
			buf.WriteString(`\u00`)
			buf.WriteByte(hexDigits[c>>4])
			buf.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

const hexDigits = "0123456789ABCDEF" // as gqlgen writes them

func optJSONString(buf *bytes.Buffer, s string) {
	if s == "" {
		buf.WriteString("null")
		return
	}
	writeString(buf, s)
}

func enumList[T ~string](v any) ([]T, error) {
	if v == nil {
		return nil, nil
	}
	out := []T{}
	for _, e := range graphql.CoerceList(v) {
		s, err := graphql.UnmarshalString(e)
		if err != nil {
			return nil, err
		}
		out = append(out, T(s))
	}
	return out, nil
}

func optInt(v any) (*int, error) {
	if v == nil {
		return nil, nil
	}
	n, err := graphql.UnmarshalInt(v)
	return &n, err
}

func optBool(v any) (*bool, error) {
	if v == nil {
		return nil, nil
	}
	b, err := graphql.UnmarshalBoolean(v)
	return &b, err
}

// writePlain answers, over HTTP, a query whose only root field plain.go
// answers: it writes {"data":{"field":...}} itself, without dispatching the
// operation through gqlgen's executor. That executor would resolve the field
// in a goroutine of its own, copy the answer into a buffer grown from
// nothing, and wrap it in a graphql.Response; for connect { id name } that
// and the index read were most of a request's garbage (docs/benchmarks.md,
// "Answers over HTTP").
// The operation has been parsed, validated and checked against every limit
// by then (CreateOperationContext); the field has the time limit
// AroundRootFields gives it. It returns false, having written nothing, when
// gqlgen must answer: another root field or several, an error, or an
// answer json.Marshal would escape differently (writeResponse); ctx then
// tells plainRoot not to try again.
func (s *Server) writePlain(ctx context.Context, w io.Writer, oc *graphql.OperationContext) (context.Context, bool) {
	if s.noPlain || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return ctx, false
	}
	fields := graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"})
	if len(fields) != 1 || (fields[0].Name != "connect" && fields[0].Name != "neighbourhood" && fields[0].Name != "paths") {
		return ctx, false
	}
	f := fields[0]
	buf := plainAnswerPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledAnswer {
			plainAnswerPool.Put(buf)
		}
	}()
	buf.Reset()
	buf.WriteString(`{"data":{`)
	writeString(buf, f.Alias)
	buf.WriteByte(':')
	start := buf.Len()
	fctx, cancel := context.WithTimeout(graphql.WithOperationContext(ctx, oc), s.limits.Timeout)
	ok := s.resolver.plainAnswer(fctx, oc, f, buf)
	cancel()
	if !ok || needsEscape(buf.Bytes()[start:]) {
		return context.WithValue(ctx, plainTriedKey{}, true), false
	}
	buf.WriteString("}}")
	s.plainServed.Add(1)
	w.Write(buf.Bytes())
	return ctx, true
}

// plainAnswerPool holds writePlain's buffers.
var plainAnswerPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
