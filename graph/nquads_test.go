package graph_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/policygraph/policygraph/graph"
)

// The N-Quads grammar (W3C RDF 1.1 N-Quads, section 5), term by term, for
// checking exports the way strict RDF parsers (rdflib, Jena's riot) read
// them. rdflib is not installed on the build machines and PyPI cannot be
// reached from them, so this is the check: every subject and predicate an
// absolute IRI, every object an absolute IRI or a literal whose datatype is
// an absolute IRI, every graph name an absolute IRI or a blank node.
var (
	nqUCHAR   = `\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}`
	nqIRIREF  = `<(?:[^\x00-\x20<>"{}|^` + "`" + `\\]|` + nqUCHAR + `)*>`
	nqBNODE   = `_:[\p{L}\p{N}_](?:[\p{L}\p{N}_.\-]*[\p{L}\p{N}_\-])?`
	nqSTRING  = `"(?:[^"\\\n\r]|\\[tbnrf"'\\]|` + nqUCHAR + `)*"`
	nqLANGTAG = `@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*`
	nqLiteral = nqSTRING + `(?:\^\^` + nqIRIREF + `|` + nqLANGTAG + `)?`
	nqLine    = regexp.MustCompile(`^[ \t]*(` + nqIRIREF + `|` + nqBNODE + `)[ \t]*(` + nqIRIREF + `)[ \t]*(` +
		nqIRIREF + `|` + nqBNODE + `|` + nqLiteral + `)[ \t]*(` + nqIRIREF + `|` + nqBNODE + `)?[ \t]*\.[ \t]*(?:#.*)?$`)
	nqDatatype = regexp.MustCompile(`\^\^(` + nqIRIREF + `)$`)
	// An absolute IRI starts with a scheme (RFC 3987): a letter, then
	// letters, digits, + - ., then a colon.
	nqAbsolute = regexp.MustCompile(`^<[A-Za-z][A-Za-z0-9+.\-]*:`)
)

// checkNQuads fails t for every line of doc that is not a quad of absolute
// IRIs and IRI graph names, and returns the quads by line.
func checkNQuads(t *testing.T, doc string) [][]string {
	t.Helper()
	var quads [][]string
	for i, line := range strings.Split(strings.TrimSuffix(doc, "\n"), "\n") {
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		m := nqLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d is not an N-Quads statement: %s", i+1, line)
			continue
		}
		s, p, o, g := m[1], m[2], m[3], m[4]
		absolute := func(what, iri string) {
			if !nqAbsolute.MatchString(iri) {
				t.Errorf("line %d: the %s %s is not an absolute IRI", i+1, what, iri)
			}
			// rdflib splits IRIs on any Unicode white space.
			if strings.ContainsFunc(iri, unicode.IsSpace) {
				t.Errorf("line %d: the %s %s holds white space", i+1, what, iri)
			}
		}
		if !strings.HasPrefix(s, "_:") {
			absolute("subject", s)
		}
		absolute("predicate", p)
		switch {
		case strings.HasPrefix(o, "<"):
			absolute("object", o)
		case strings.HasPrefix(o, `"`):
			if dt := nqDatatype.FindStringSubmatch(o); dt != nil {
				absolute("datatype", dt[1])
			}
		}
		switch {
		case g == "":
			t.Errorf("line %d has no graph name: every quad belongs to a document", i+1)
		case strings.HasPrefix(g, "<"):
			absolute("graph name", g)
		}
		quads = append(quads, []string{s, p, o, g})
	}
	return quads
}

func TestNQuadsAreStrictRDF(t *testing.T) {
	st := exportStore(t, "memory")
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		scope graph.ExportScope
		base  string
	}{
		{"the whole store", graph.ExportScope{}, graph.DefaultBase},
		{"a neighbourhood", graph.ExportScope{Of: "成资市域铁路", Hops: 1}, graph.DefaultBase},
		{"an http base", graph.ExportScope{Base: "https://example.org/pg/"}, "https://example.org/pg/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := st.ExportNQuads(ctx, &buf, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if first, _, _ := strings.Cut(buf.String(), "\n"); !strings.HasPrefix(first, "# ") || !strings.HasSuffix(first, "base <"+tc.base+">") {
				t.Errorf("first line %q: want a comment naming the base %s", first, tc.base)
			}
			quads := checkNQuads(t, buf.String())
			if len(quads) != n {
				t.Errorf("%d statements, ExportNQuads said %d", len(quads), n)
			}
			var odd, typed bool
			for _, q := range quads {
				for _, term := range q {
					if strings.HasPrefix(term, "<") && !strings.HasPrefix(term, "<"+tc.base) && !strings.HasPrefix(term, "<http://www.w3.org/2001/XMLSchema#") {
						t.Errorf("%s is not under the base %s", term, tc.base)
					}
				}
				// The document's quads are in the graph named by its IRI.
				if !strings.HasPrefix(q[3], "<"+tc.base+"document/") {
					t.Errorf("graph name %s: want the IRI of a document", q[3])
				}
				odd = odd || q[0] == "<"+tc.base+"initiative/%3C&%22奇怪'%3E>"
				typed = typed || strings.HasSuffix(q[2], `"^^<http://www.w3.org/2001/XMLSchema#integer>`)
			}
			if !odd && tc.scope.Of == "" {
				t.Errorf("no subject <%sinitiative/%%3C&%%22奇怪'%%3E>: the ID with < \" > is not percent-encoded", tc.base)
			}
			if !typed && tc.scope.Of == "" {
				t.Errorf("no integer literal with the full XML Schema datatype")
			}
		})
	}
	// The check refuses what the export wrote before: relative IRIs and a
	// string as the graph name.
	old, err := os.ReadFile(filepath.Join("testdata", "export-relative-iris.nq"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(old), "\n")
	if nqLine.MatchString(first) || nqAbsolute.MatchString("<body/成都市人民政府>") {
		t.Errorf("the grammar check takes the old form's %s", first)
	}
	if !nqLine.MatchString(strings.Replace(first, `"document/x1"`, "<document/x1>", 1)) {
		t.Errorf("the grammar check does not read a statement: %s", first)
	}
}

// TestNQuadsOldExportsRestore loads an export written before IRIs were
// absolute (testdata/export-relative-iris.nq, written from exportStore by
// commit 3f49e84): backups made then still restore, into memory and bolt, as
// the same graph.
func TestNQuadsOldExportsRestore(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "export-relative-iris.nq"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	src := exportStore(t, "memory")
	var want bytes.Buffer
	if _, err := src.ExportNQuads(ctx, &want, graph.ExportScope{}); err != nil {
		t.Fatal(err)
	}
	for _, dsn := range []string{"memory", "bolt"} {
		t.Run(dsn, func(t *testing.T) {
			if dsn == "bolt" {
				dsn = filepath.Join(t.TempDir(), "restored.db")
			}
			dst := openStore(t, dsn)
			res, err := dst.ImportNQuads(ctx, bytes.NewReader(old))
			if err != nil {
				t.Fatal(err)
			}
			if lines := bytes.Count(old, []byte("\n")); res.Read != lines || res.Added != lines {
				t.Errorf("read %d, added %d quads; want all %d lines", res.Read, res.Added, lines)
			}
			sameStores(t, src, dst)
			var got bytes.Buffer
			if _, err := dst.ExportNQuads(ctx, &got, graph.ExportScope{}); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("the restored store exports other N-Quads than the original")
			}
		})
	}
}

func TestNQuadsBase(t *testing.T) {
	ctx := context.Background()
	src := exportStore(t, "memory")
	const base = "https://example.org/policygraph/"
	var buf bytes.Buffer
	if _, err := src.ExportNQuads(ctx, &buf, graph.ExportScope{Base: base}); err != nil {
		t.Fatal(err)
	}
	// The first line names the base: a plain import reads it.
	dst := openStore(t, "memory")
	if _, err := dst.ImportNQuads(ctx, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	sameStores(t, src, dst)

	// Without that line (a file another tool rewrote), the base is given.
	_, body, _ := strings.Cut(buf.String(), "\n")
	if _, err := openStore(t, "memory").ImportNQuads(ctx, strings.NewReader(body)); err == nil {
		t.Errorf("import of a file under %s without its header, taking the default base: want an error", base)
	} else if !strings.Contains(err.Error(), "give the base") {
		t.Errorf("import without the base: %v, want it to say to give the base", err)
	}
	dst = openStore(t, "memory")
	if _, err := dst.ImportNQuadsBase(ctx, strings.NewReader(body), base); err != nil {
		t.Fatal(err)
	}
	sameStores(t, src, dst)

	// A quad outside the base, or with a literal graph name, in an absolute file.
	for _, line := range []string{
		"<" + base + "place/1> <" + base + "pg:kind> \"PLACE\" <https://elsewhere.org/document/x1> .",
		"<" + base + "place/1> <" + base + "pg:kind> \"PLACE\" \"document/x1\" .",
		"<" + base + "place/1%ZZ> <" + base + "pg:kind> \"PLACE\" <" + base + "document/x1> .",
	} {
		st := openStore(t, "memory")
		if _, err := st.ImportNQuadsBase(ctx, strings.NewReader(line+"\n"), base); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("import of %s: err = %v, want an error on line 1", line, err)
		}
	}

	for _, tc := range []struct {
		base string
		ok   bool
	}{
		{"", true},
		{"urn:policygraph:", true},
		{"https://example.org/pg/", true},
		{"tag:example.org,2026:", true},
		{"example.org/", false},
		{"/relative/", false},
		{"1http://x/", false},
		{"http://x/a b/", false},
		{"http://x/<a>/", false},
		{"http://x/%41/", false},
	} {
		err := graph.CheckBase(tc.base)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, graph.ErrBadExport)) {
			t.Errorf("CheckBase(%q) = %v, want ok %v", tc.base, err, tc.ok)
		}
	}
	if _, err := src.ExportNQuads(ctx, &buf, graph.ExportScope{Base: "relative/"}); !errors.Is(err, graph.ErrBadExport) {
		t.Errorf("export with a relative base: err = %v, want ErrBadExport", err)
	}
}
