package graph

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"reflect"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"
)

// TestPostgresBatchedReadsMatchCayley checks the batched reads of pgread.go
// against Cayley's own, on values of every kind Cayley's SQL tables have a
// column for and one they do not: every node's value as QuadStore.NameOf
// gives it, and the quads of each node, by subject and by object, with and
// without a predicate filter.
func TestPostgresBatchedReadsMatchCayley(t *testing.T) {
	admin := os.Getenv("POLICYGRAPH_TEST_POSTGRES")
	if admin == "" {
		t.Skip("POLICYGRAPH_TEST_POSTGRES is not set (see postgres_test.go)")
	}
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "pgtest_" + hex.EncodeToString(b[:])
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	defer db.Exec("DROP SCHEMA " + schema + " CASCADE")
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	ctx := context.Background()
	be, err := openPostgres(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer be.close()

	s, p, l := quad.IRI("urn:s"), quad.IRI("urn:p"), quad.IRI("urn:doc")
	objects := []quad.Value{
		quad.IRI("urn:o"), quad.BNode("b1"), quad.String("成都"), quad.String("nul\x00inside"),
		quad.String(`a literal \x00`), quad.String(""),
		quad.TypedString{Value: "2024", Type: "http://www.w3.org/2001/XMLSchema#gYear"},
		quad.LangString{Value: "Chengdu", Lang: "en"}, quad.Int(-7), quad.Int(0), quad.Bool(true), quad.Bool(false),
		quad.Float(2.5), quad.Time(time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)),
	}
	var add []quad.Quad
	for i, o := range objects {
		pred := p
		if i%2 == 1 {
			pred = quad.IRI("urn:p2")
		}
		add = append(add, quad.Quad{Subject: s, Predicate: pred, Object: o, Label: l})
		add = append(add, quad.Quad{Subject: quad.IRI("urn:other"), Predicate: p, Object: o})
	}
	add = append(add, quad.Quad{Subject: quad.IRI("urn:o"), Predicate: p, Object: s, Label: l})
	if err := be.apply(ctx, nil, add); err != nil {
		t.Fatal(err)
	}

	// Every stored node, and one that is not stored.
	rows, err := be.db.Query(`SELECT hash FROM nodes`)
	if err != nil {
		t.Fatal(err)
	}
	var ns []cgraph.Ref
	for rows.Next() {
		var h csql.NodeHash
		if err := rows.Scan(&h); err != nil {
			t.Fatal(err)
		}
		ns = append(ns, h)
	}
	rows.Close()
	ns = append(ns, csql.HashOf(quad.IRI("urn:absent")), csql.NodeHash{}, ns[0])
	got, err := pgValuesOf(ctx, be.db, be.qs, ns)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range ns {
		want, err := be.qs.NameOf(n)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("node %d: got %#v, want %#v", i, got[i], want)
		}
	}

	batched, cayley := readerOf(be), reader{qs: be.qs}
	if batched.db == nil {
		t.Fatal("readerOf: no batched reads on PostgreSQL")
	}
	vals := append([]quad.Value{s, quad.IRI("urn:other"), quad.IRI("urn:absent")}, objects...)
	for _, dir := range []quad.Direction{quad.Subject, quad.Object} {
		for _, preds := range [][]quad.Value{nil, {p}, {quad.IRI("urn:p2"), quad.IRI("urn:absent")}, {quad.IRI("urn:absent")}} {
			a, err := batched.lookup(ctx, dir, vals, preds)
			if err != nil {
				t.Fatal(err)
			}
			c, err := cayley.lookup(ctx, dir, vals, preds)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, c) {
				t.Errorf("%v, predicates %v: got %v, want %v", dir, preds, a, c)
			}
		}
	}
}
