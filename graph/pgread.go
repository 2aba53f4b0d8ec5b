package graph

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/refs"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"
)

// On PostgreSQL, Cayley reads the quads of a node with one query per node
// (QuadStore.QuadIterator) and resolves each node's value with one more
// (QuadStore.NameOf, behind a small cache): refreshing the index after a
// transaction of about 20 generated reports took 0.3-0.7 s of such round
// trips, 40% of a load of 25 (docs/benchmarks.md). pgQuadsOf and pgValuesOf read the same rows of
// Cayley's own tables with one query per batch of nodes instead; reader
// uses them when it has the database (readerOf).

// pgChunk is the most hashes one query names.
const pgChunk = 5000

// readerOf is a reader over be's quad store, with the batched PostgreSQL
// reads where be is a PostgreSQL store.
func readerOf(be backend) reader {
	r := reader{qs: be.quadStore()}
	if pb, ok := be.(*pgBackend); ok && pb.db != nil {
		r.db = pb.db
	}
	return r
}

// pgHashColumn is the quads column of a direction.
var pgHashColumn = map[quad.Direction]string{
	quad.Subject: "subject_hash", quad.Predicate: "predicate_hash", quad.Object: "object_hash", quad.Label: "label_hash",
}

// pgHashes returns the hashes of Cayley SQL node references, as stored.
func pgHashes(ns []cgraph.Ref) ([][]byte, error) {
	out := make([][]byte, 0, len(ns))
	for _, n := range ns {
		h, ok := n.(csql.NodeHash)
		if !ok {
			return nil, fmt.Errorf("unexpected node reference %T", n)
		}
		if h.Valid() {
			out = append(out, h.ValueHash[:])
		}
	}
	return out, nil
}

// pgQuadsOf returns references to the quads with one of nodes in direction
// dir and, if preds is not nil, one of preds as predicate: the quads
// Cayley's QuadIterator gives for each node, in the order of nodes and, for
// each node, in the order they were stored.
func pgQuadsOf(ctx context.Context, db *sql.DB, dir quad.Direction, nodes, preds []cgraph.Ref) ([]cgraph.Ref, error) {
	col, ok := pgHashColumn[dir]
	if !ok {
		return nil, fmt.Errorf("unexpected direction %v", dir)
	}
	hs, err := pgHashes(nodes)
	if err != nil {
		return nil, err
	}
	var ps [][]byte
	if preds != nil {
		if ps, err = pgHashes(preds); err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, nil
		}
	}
	var out []cgraph.Ref
	for len(hs) > 0 {
		chunk := hs[:min(pgChunk, len(hs))]
		hs = hs[len(chunk):]
		// ord numbers the nodes, so that the quads come grouped in their order.
		q := `SELECT q.subject_hash, q.predicate_hash, q.object_hash, q.label_hash
			FROM unnest($1::bytea[]) WITH ORDINALITY AS n(hash, ord)
			JOIN quads q ON q.` + col + ` = n.hash`
		args := []any{pq.ByteaArray(chunk)}
		if ps != nil {
			q += ` WHERE q.predicate_hash = ANY($2)`
			args = append(args, pq.ByteaArray(ps))
		}
		q += ` ORDER BY n.ord, q.horizon`
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s, p, o, l csql.NodeHash
			if err := rows.Scan(&s, &p, &o, &l); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, csql.QuadHashes{QuadHash: refs.QuadHash{
				Subject: s.ValueHash, Predicate: p.ValueHash, Object: o.ValueHash, Label: l.ValueHash}})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pgValuesOf returns the values of Cayley SQL node references (nil for one
// not stored), as Cayley's QuadStore.NameOf reads them from its nodes table,
// with one query per pgChunk nodes. A value stored in Cayley's own encoding
// (a type with no column of its own; policygraph writes none) is left to
// NameOf.
func pgValuesOf(ctx context.Context, db *sql.DB, qs cgraph.QuadStore, ns []cgraph.Ref) ([]quad.Value, error) {
	out := make([]quad.Value, len(ns))
	at := make(map[refs.ValueHash][]int, len(ns))
	var hs [][]byte
	for i, n := range ns {
		h, ok := n.(csql.NodeHash)
		if !ok {
			return nil, fmt.Errorf("unexpected node reference %T", n)
		}
		if !h.Valid() {
			continue
		}
		if _, ok := at[h.ValueHash]; !ok {
			hs = append(hs, h.ValueHash[:])
		}
		at[h.ValueHash] = append(at[h.ValueHash], i)
	}
	for len(hs) > 0 {
		chunk := hs[:min(pgChunk, len(hs))]
		hs = hs[len(chunk):]
		rows, err := db.QueryContext(ctx, `SELECT hash, value IS NOT NULL, value_string, datatype, language, iri, bnode,
			value_int, value_bool, value_float, value_time FROM nodes WHERE hash = ANY($1)`, pq.ByteaArray(chunk))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var (
				h              csql.NodeHash
				encoded        bool
				str, typ, lang sql.NullString
				iri, bnode, vb sql.NullBool
				vi             sql.NullInt64
				vf             sql.NullFloat64
				vt             sql.NullTime
			)
			if err := rows.Scan(&h, &encoded, &str, &typ, &lang, &iri, &bnode, &vi, &vb, &vf, &vt); err != nil {
				rows.Close()
				return nil, err
			}
			// Cayley escapes NUL in strings as \x00 (csql.NodeValues).
			text := func() quad.String { return quad.String(strings.ReplaceAll(str.String, `\x00`, "\x00")) }
			var v quad.Value
			switch {
			case str.Valid && iri.Bool:
				v = quad.IRI(str.String)
			case str.Valid && bnode.Bool:
				v = quad.BNode(str.String)
			case str.Valid && lang.Valid:
				v = quad.LangString{Value: text(), Lang: lang.String}
			case str.Valid && typ.Valid:
				v = quad.TypedString{Value: text(), Type: quad.IRI(typ.String)}
			case str.Valid:
				v = text()
			case vi.Valid:
				v = quad.Int(vi.Int64)
			case vb.Valid:
				v = quad.Bool(vb.Bool)
			case vf.Valid:
				v = quad.Float(vf.Float64)
			case vt.Valid:
				v = quad.Time(vt.Time.UTC())
			case encoded:
				if v, err = qs.NameOf(h); err != nil {
					rows.Close()
					return nil, err
				}
			}
			for _, i := range at[h.ValueHash] {
				out[i] = v
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
