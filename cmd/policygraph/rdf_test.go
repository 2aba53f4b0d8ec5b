package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testPython returns a Python 3 that has rdflib and networkx:
// POLICYGRAPH_TEST_PYTHON, else python3 on PATH or Debian's /usr/bin/python3.
// The test skips, saying how to get one, when there is none.
func testPython(t *testing.T) string {
	t.Helper()
	candidates := []string{"python3", "/usr/bin/python3"}
	if p := os.Getenv("POLICYGRAPH_TEST_PYTHON"); p != "" {
		candidates = []string{p}
	}
	for _, p := range candidates {
		if exec.Command(p, "-c", "import rdflib, networkx").Run() == nil {
			return p
		}
	}
	t.Skip("needs Python 3 with rdflib and networkx: apt-get install python3-rdflib python3-networkx (.ci/setup-python.sh; make test sets POLICYGRAPH_TEST_PYTHON)")
	return ""
}

// TestExportsReadByRDFlibAndNetworkx loads the seed report and reads its
// exports with the tools users read them with: rdflib parses the N-Quads
// (every quad, graph names being the documents), networkx builds the same
// graph from the Cytoscape JSON and the GraphML, with the counts /healthz
// gives.
func TestExportsReadByRDFlibAndNetworkx(t *testing.T) {
	py := testPython(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "seed.db")
	seed := filepath.Join(moduleRoot, "seeds", "chengdu-2022-work-report-part1.txt")
	if r := runMain(t, "", "load", "-q", "--db", db, seed); r.code != 0 {
		t.Fatalf("load: exit %d: %s", r.code, r.stderr)
	}
	for _, f := range []string{"nquads", "cytoscape", "graphml"} {
		if r := runMain(t, "", "export", "--db", db, "--format", f, "--out", filepath.Join(dir, "seed."+f)); r.code != 0 {
			t.Fatalf("export %s: exit %d: %s", f, r.code, r.stderr)
		}
	}
	if r := runMain(t, "", "export", "--db", db, "--format", "nquads", "--of", "成都", "--hops", "2", "--base", "https://example.org/pg/", "--out", filepath.Join(dir, "chengdu.nquads")); r.code != 0 {
		t.Fatalf("export nquads --of: exit %d: %s", r.code, r.stderr)
	}
	base, stop := startServe(t, "--db", db)
	resp, err := http.Get(base + "/healthz")
	var healthz []byte
	if err == nil {
		healthz, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err := stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
	if err != nil {
		t.Fatalf("healthz: %v", err)
	}

	script := `
import json, sys
import rdflib, networkx as nx
d = sys.argv[1]
health = json.loads(sys.argv[2])
for name in ["seed.nquads", "chengdu.nquads"]:
    lines = [l for l in open(d + "/" + name, encoding="utf-8") if l.strip() and not l.startswith("#")]
    g = rdflib.ConjunctiveGraph()
    g.parse(d + "/" + name, format="nquads")
    quads = list(g.quads((None, None, None, None)))
    assert len(quads) == len(lines), (name, len(quads), len(lines))
    for s, p, o, c in quads:
        assert isinstance(s, rdflib.URIRef) and isinstance(p, rdflib.URIRef), (s, p)
        assert isinstance(c.identifier, rdflib.URIRef), c.identifier
        assert "/document/" in str(c.identifier) or ":document/" in str(c.identifier), c.identifier
print("rdflib", len(quads))
cy = nx.cytoscape_graph(json.load(open(d + "/seed.cytoscape", encoding="utf-8")))
assert isinstance(cy, nx.MultiDiGraph), type(cy)
assert (cy.number_of_nodes(), cy.number_of_edges()) == (health["nodes"], health["edges"]), (cy.number_of_nodes(), cy.number_of_edges(), health)
assert cy.nodes["place/510100"]["name"] == "成都"
gm = nx.read_graphml(d + "/seed.graphml")
assert (gm.number_of_nodes(), gm.number_of_edges()) == (health["nodes"], health["edges"]), (gm.number_of_nodes(), gm.number_of_edges(), health)
print("networkx", cy.number_of_nodes(), cy.number_of_edges())
`
	out, err := exec.Command(py, "-c", script, dir, string(healthz)).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", py, err, out)
	}
	if !strings.Contains(string(out), "networkx") {
		t.Errorf("script output: %s", out)
	}
	t.Logf("%s", out)
}
