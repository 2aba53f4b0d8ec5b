package graph

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	graphlog "github.com/cayleygraph/cayley/graph/log"
	"github.com/cayleygraph/cayley/graph/refs"
	csql "github.com/cayleygraph/cayley/graph/sql"
	cpg "github.com/cayleygraph/cayley/graph/sql/postgres"
	"github.com/lib/pq"
)

// pgRunTx writes the added nodes and quads of one Cayley transaction on
// PostgreSQL into Cayley's own tables, with the rows Cayley's
// postgres.RunTxPostgres writes, in bulk instead of a statement per row
// (which kept loads near 4-5k quads/s): nodes in multi-row INSERT ... ON
// CONFLICT (hash) DO UPDATE statements, which add to the reference count of
// a node that exists as Cayley's do, and quads with COPY. Cayley computes
// the node reference changes (graphlog.SplitDeltas) and runs the deletions
// itself, in the same SQL transaction, so a document is still written whole
// or not at all, and Cayley reads what this writes like its own rows
// (TestPostgresBulkWriteReadsBack).
func pgRunTx(tx *sql.Tx, nodes []graphlog.NodeUpdate, quads []graphlog.QuadUpdate, opts cgraph.IgnoreOpts) error {
	if opts.IgnoreDup {
		// COPY cannot skip a quad that exists; policygraph never asks to.
		return cpg.RunTxPostgres(tx, nodes, quads, opts)
	}
	groups := make(map[csql.ValueType][][]any)
	for _, n := range nodes {
		if n.RefInc < 0 {
			return fmt.Errorf("unexpected node update: reference count %d in an insert", n.RefInc)
		}
		key, values, err := csql.NodeValues(csql.NodeHash{ValueHash: n.Hash}, n.Val)
		if err != nil {
			return err
		}
		groups[key] = append(groups[key], append([]any{n.RefInc}, values...))
	}
	keys := make([]csql.ValueType, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same statements in the same order every time
	for _, k := range keys {
		cols := append([]string{"refs", "hash"}, k.Columns()...)
		rows := groups[k]
		per := min(pgRowsPerInsert, pgMaxParams/len(cols))
		for len(rows) > 0 {
			chunk := rows[:min(per, len(rows))]
			rows = rows[len(chunk):]
			var q strings.Builder
			q.WriteString("INSERT INTO nodes(" + strings.Join(cols, ", ") + ") VALUES ")
			args := make([]any, 0, len(chunk)*len(cols))
			for i, r := range chunk {
				if i > 0 {
					q.WriteByte(',')
				}
				q.WriteByte('(')
				for j := range r {
					if j > 0 {
						q.WriteByte(',')
					}
					q.WriteString("$" + strconv.Itoa(len(args)+j+1))
				}
				q.WriteByte(')')
				args = append(args, r...)
			}
			q.WriteString(" ON CONFLICT (hash) DO UPDATE SET refs = nodes.refs + EXCLUDED.refs")
			if _, err := tx.Exec(q.String(), args...); err != nil {
				return fmt.Errorf("insert nodes: %w", err)
			}
		}
	}
	if len(quads) == 0 {
		return nil
	}
	for _, d := range quads {
		if d.Del {
			return errors.New("unexpected quad deletion in an insert")
		}
	}
	stmt, err := tx.Prepare(pq.CopyIn("quads", "subject_hash", "predicate_hash", "object_hash", "label_hash", "ts"))
	if err != nil {
		return fmt.Errorf("copy quads: %w", err)
	}
	now := time.Now()
	for _, d := range quads {
		h := d.Quad.Dirs()
		if _, err := stmt.Exec(sqlHash(h[0]), sqlHash(h[1]), sqlHash(h[2]), sqlHash(h[3]), now); err != nil {
			stmt.Close()
			return pgQuadError(err)
		}
	}
	if _, err := stmt.Exec(); err != nil { // the COPY ends, and its rows are checked, here
		stmt.Close()
		return pgQuadError(err)
	}
	return stmt.Close()
}

const (
	pgRowsPerInsert = 1000  // rows per multi-row INSERT
	pgMaxParams     = 65535 // PostgreSQL's limit on a statement's parameters
)

// sqlHash is a hash as Cayley stores it: NULL for none (a quad without a
// label).
func sqlHash(h refs.ValueHash) any { return csql.NodeHash{ValueHash: h}.SQLValue() }

// pgQuadError is Cayley's error for a quad that exists: a unique violation.
func pgQuadError(err error) error {
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23505" {
		return &cgraph.DeltaError{Err: cgraph.ErrQuadExists}
	}
	return fmt.Errorf("copy quads: %w", err)
}
