package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
	"github.com/policygraph/policygraph/seeds"
)

// writer talks to a serve command started with the token "tok-123".
type writer struct {
	t    *testing.T
	base string
}

// call sends one request, with the token when bearer is set, and decodes
// its JSON answer.
func (w writer) call(method, path, contentType string, body []byte, bearer bool) (int, map[string]any) {
	w.t.Helper()
	req, _ := http.NewRequest(method, w.base+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer {
		req.Header.Set("Authorization", "Bearer tok-123")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		w.t.Fatalf("%s %s: %d, not JSON: %.300s", method, path, res.StatusCode, raw)
	}
	return res.StatusCode, out
}

// gql runs a GraphQL request with the token.
func (w writer) gql(query string, vars map[string]any) (int, map[string]any) {
	w.t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return w.call(http.MethodPost, "/graphql", "application/json", b, true)
}

// nodes is what /healthz counts.
func (w writer) nodes() float64 {
	w.t.Helper()
	_, out := w.call(http.MethodGet, "/healthz", "", nil, false)
	n, _ := out["nodes"].(float64)
	return n
}

// errorCode is the first error's extensions.code in out.
func errorCode(out map[string]any) string {
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	c, _ := ext["code"].(string)
	return c
}

// stores are the stores the write tests run against: memory and a bbolt file.
func stores(t *testing.T) map[string]string {
	return map[string]string{"memory": "memory", "bolt": filepath.Join(t.TempDir(), "graph.db")}
}

const smallReport = "资阳市2023年政府工作报告\n一、主要任务\n加快建设成资市域(郊)铁路，启动建设资阳临空经济区。\n"

// The gazetteer can be neither replaced nor removed, whatever name form
// reaches its ID, over HTTP, GraphQL or the load command (issue 16, case 1).
func TestGazetteerCannotBeReplaced(t *testing.T) {
	t.Setenv("POLICYGRAPH_TOKEN", "tok-123")
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			base, stop := startServe(t, "--db", db)
			w := writer{t: t, base: base}
			before := w.nodes()
			for _, n := range []string{"Gazetteer(1).txt", "gazetteer", "GAZETTEER.md", "dir/gazetteer.txt", `C:\x\Gazetteer [2].txt`} {
				status, out := w.call(http.MethodPost, "/documents?name="+url.QueryEscape(n), "text/plain", []byte(smallReport), true)
				if status != http.StatusForbidden || errorCode(out) != "FORBIDDEN" || !strings.Contains(mustMarshal(out), "document/gazetteer") {
					t.Errorf("POST /documents?name=%s: got %d %v, want 403 FORBIDDEN naming document/gazetteer", n, status, out)
				}
			}
			_, out := w.gql(`mutation($t: String!) { loadDocument(text: $t, meta: {name: "GAZETTEER.md"}) { document replaced } }`, map[string]any{"t": smallReport})
			if errorCode(out) != "FORBIDDEN" {
				t.Errorf("loadDocument named GAZETTEER.md: got %v, want FORBIDDEN", out)
			}
			_, out = w.gql(`mutation($t: String!) { loadDocument(text: $t, meta: {title: "Gazetteer"}) { document replaced } }`, map[string]any{"t": smallReport})
			if errorCode(out) != "FORBIDDEN" {
				t.Errorf("loadDocument titled Gazetteer: got %v, want FORBIDDEN", out)
			}
			if _, out := w.gql(`mutation { removeDocument(id: "document/gazetteer") }`, nil); errorCode(out) != "FORBIDDEN" {
				t.Errorf("removeDocument(document/gazetteer): got %v, want FORBIDDEN", out)
			}
			if after := w.nodes(); after != before {
				t.Errorf("nodes after the refused writes: got %v, want %v", after, before)
			}
			if _, out := w.gql(`{ resolve(name: "资阳") { id } }`, nil); errorCode(out) != "" || !strings.Contains(mustMarshal(out), "place/512000") {
				t.Errorf("resolve(资阳) after the refused writes: %v", out)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if db == "memory" {
				return
			}
			// The load command refuses it too, and loads the other files.
			dir := t.TempDir()
			gz, other := filepath.Join(dir, "Gazetteer.txt"), filepath.Join(dir, "ziyang-2023.txt")
			for _, f := range []string{gz, other} {
				if err := os.WriteFile(f, []byte(smallReport), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), []string{"load", "--db", db, gz, other}, &stdout, &stderr); code != 1 ||
				!strings.Contains(stderr.String(), "document/gazetteer is protected") || !strings.Contains(stdout.String(), "document/ziyang-2023") {
				t.Errorf("load Gazetteer.txt: status %d, stdout %s, stderr %s; want 1, the gazetteer refused and the other loaded", code, &stdout, &stderr)
			}
			stdout.Reset()
			if code := Main(context.Background(), []string{"query", "--db", db, `{ resolve(name: "资阳") { id } }`}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "place/512000") {
				t.Errorf("resolve(资阳) after load Gazetteer.txt: status %d, %s %s", code, &stdout, &stderr)
			}
		})
	}
}

// graph.DocumentID, which the API checks names with, gives the ID the
// loaders give a document of that name.
func TestDocumentIDAgreesWithTheLoader(t *testing.T) {
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Gazetteer(1).txt", "GAZETTEER.md", "资阳市2023年政府工作报告.txt", "dir/成资 “报告”.txt", "report", "a.b.txt", "(1).txt"} {
		g, err := loaders.Extract(context.Background(), gz, name, []byte(smallReport), loaders.Meta{})
		if err != nil {
			t.Fatalf("Extract(%s): %v", name, err)
		}
		if got, want := graph.DocumentID(name), g.Document.ID; got != want {
			t.Errorf("DocumentID(%q): got %s, want %s as the loader gives", name, got, want)
		}
	}
}

// Document names are cleaned, and two names that give one ID do not replace
// each other silently (issue 16, case 6).
func TestDocumentNames(t *testing.T) {
	t.Setenv("POLICYGRAPH_TOKEN", "tok-123")
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			base, stop := startServe(t, "--db", db)
			defer func() {
				if err := stop(); err != nil {
					t.Error(err)
				}
			}()
			w := writer{t: t, base: base}
			post := func(query string, text string) (int, map[string]any) {
				t.Helper()
				return w.call(http.MethodPost, "/documents?"+query, "text/plain", []byte(text), true)
			}
			before := w.nodes()
			for _, n := range []string{"a\x00b.txt", "a\r\nb.txt", "a\nX-Evil: 1.txt", "report\u202etxt.exe", "a\u2066b.txt", ".txt", " .md", "\xff\xfe.txt"} {
				status, out := post("name="+url.QueryEscape(n), smallReport)
				if status/100 != 4 || errorCode(out) != "INVALID_INPUT" {
					t.Errorf("POST /documents?name=%q: got %d %v, want INVALID_INPUT", n, status, out)
				}
				if !utf8.ValidString(n) {
					continue // JSON carries no invalid UTF-8
				}
				_, out = w.gql(`mutation($t: String!, $n: String) { loadDocument(text: $t, meta: {name: $n}) { document } }`, map[string]any{"t": smallReport, "n": n})
				if errorCode(out) != "INVALID_INPUT" {
					t.Errorf("loadDocument named %q: got %v, want INVALID_INPUT", n, out)
				}
			}
			if status, out := post("name=ok.txt&title="+url.QueryEscape("资阳\u202e报告"), smallReport); status/100 != 4 || errorCode(out) != "INVALID_INPUT" {
				t.Errorf("a title with U+202E: got %d %v, want INVALID_INPUT", status, out)
			}
			if after := w.nodes(); after != before {
				t.Errorf("nodes after refused names: got %v, want %v", after, before)
			}

			if status, out := post("name=ziyang-2023.txt", smallReport); status != http.StatusCreated || out["document"] != "document/ziyang-2023" {
				t.Fatalf("first upload: got %d %v", status, out)
			}
			changed := smallReport + "推进资阳临空经济区建设。\n"
			for _, n := range []string{"Ziyang-2023.txt", "ziyang-2023.md", "ziyang-2023(1).txt", "ziyang- 2023.txt", "dir/ZIYANG-2023.TXT"} {
				status, out := post("name="+url.QueryEscape(n), changed)
				if status != http.StatusConflict || errorCode(out) != "CONFLICT" || !strings.Contains(mustMarshal(out), "ziyang-2023.txt") {
					t.Errorf("POST %s over ziyang-2023.txt: got %d %v, want 409 CONFLICT naming the stored file", n, status, out)
				}
			}
			_, out := w.gql(`mutation($t: String!) { loadDocument(text: $t, meta: {name: "ZIYANG-2023.txt"}) { document } }`, map[string]any{"t": changed})
			if errorCode(out) != "CONFLICT" {
				t.Errorf("loadDocument named ZIYANG-2023.txt: got %v, want CONFLICT", out)
			}
			// The same name replaces as before; another replaces with replace=true.
			if status, out := post("name=ziyang-2023.txt", changed); status != http.StatusOK || out["replaced"] != true {
				t.Errorf("the same name, changed: got %d %v, want 200 replaced", status, out)
			}
			if status, out := post("name=ziyang-2023.md&replace=true", smallReport); status != http.StatusOK || out["replaced"] != true {
				t.Errorf("another name with replace=true: got %d %v, want 200 replaced", status, out)
			}
			_, out = w.gql(`mutation($t: String!) { loadDocument(text: $t, meta: {name: "Ziyang-2023.txt"}, replace: true) { document replaced } }`, map[string]any{"t": changed})
			if errorCode(out) != "" || !strings.Contains(mustMarshal(out), `"replaced":true`) {
				t.Errorf("loadDocument with replace: true: got %v", out)
			}
			_, out = w.gql(`{ node(id: "document/ziyang-2023") { ... on Document { source } } }`, nil)
			if !strings.Contains(mustMarshal(out), `"source":"Ziyang-2023.txt"`) {
				t.Errorf("the document after the replacements: %v, want source Ziyang-2023.txt", out)
			}
		})
	}
}

// A damaged bbolt store makes stats and serve fail with exit status 1 and a
// message that names the file and what to do, not a panic or a signal
// (issue 16, case 7).
func TestDamagedStore(t *testing.T) {
	for name, damage := range map[string]func(path string, size int64) error{
		"cut to half its size": func(path string, size int64) error { return os.Truncate(path, size/2) },
		"meta pages overwritten": func(path string, size int64) error {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt(bytes.Repeat([]byte("garbage!"), 1024), 0)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			db, report := filepath.Join(dir, "graph.db"), filepath.Join(dir, "ziyang-2023.txt")
			if err := os.WriteFile(report, []byte(smallReport), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), []string{"load", "-q", "--db", db, report}, &stdout, &stderr); code != 0 {
				t.Fatalf("load: status %d: %s", code, &stderr)
			}
			info, err := os.Stat(db)
			if err != nil {
				t.Fatal(err)
			}
			if err := damage(db, info.Size()); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"stats", "--db", db}, {"serve", "--db", db, "--addr", "127.0.0.1:0"}} {
				stderr.Reset()
				code := Main(context.Background(), args, &stdout, &stderr)
				msg := stderr.String()
				if code != 1 || !strings.Contains(msg, db+" is damaged") || !strings.Contains(msg, "--nquads") || strings.Contains(msg, "goroutine") {
					t.Errorf("%s on a damaged store: status %d, stderr %q; want 1 and a message naming the file and --nquads", args[0], code, msg)
				}
			}
		})
	}
}

// A request whose header is over the server's limit gets 431 with an error
// code, like every other refusal (issue 16).
func TestOversizedHeaderHasACode(t *testing.T) {
	base, stop := startServe(t, "--db", "memory")
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 2<<20))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || json.Unmarshal(raw, &out) != nil || errorCode(out) != "LIMIT_EXCEEDED" {
		t.Errorf("a 2 MiB header: %d %q, want 431 with LIMIT_EXCEEDED", res.StatusCode, raw)
	}
	// The server goes on answering.
	w := writer{t: t, base: base}
	if w.nodes() == 0 {
		t.Error("no nodes after the oversized header")
	}
}

// A document whose extraction runs past serve's --extract-budget is refused
// with LIMIT_EXCEEDED, and nothing of it is written (issue 16, case 2).
func TestExtractionBudget(t *testing.T) {
	t.Setenv("POLICYGRAPH_TOKEN", "tok-123")
	seed, err := fs.ReadFile(seeds.FS(), seeds.Reports()[0])
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat(append(seed, '\n'), 8)
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			base, stop := startServe(t, "--db", db, "--extract-budget", "1ms")
			defer func() {
				if err := stop(); err != nil {
					t.Error(err)
				}
			}()
			w := writer{t: t, base: base}
			before := w.nodes()
			start := time.Now()
			status, out := w.call(http.MethodPost, "/documents?name=big-2023.txt", "text/plain", big, true)
			if status != http.StatusUnprocessableEntity || errorCode(out) != "LIMIT_EXCEEDED" || !strings.Contains(mustMarshal(out), "budget") {
				t.Errorf("a document over the budget: got %d %v, want 422 LIMIT_EXCEEDED", status, out)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("refused after %v", took)
			}
			if after := w.nodes(); after != before {
				t.Errorf("nodes after the refused document: got %v, want %v", after, before)
			}
			if _, out := w.gql(`{ node(id: "document/big-2023") { id } }`, nil); !strings.Contains(mustMarshal(out), `"node":null`) {
				t.Errorf("the refused document is stored: %v", out)
			}
		})
	}
}

// A document that would write more quads than serve's --max-document-quads
// is refused with 413 LIMIT_EXCEEDED, over HTTP and GraphQL, and nothing of
// it is written: one far over the bound while it is read, one just over it
// when the store counts its quads (issue 16, case 2, for text that does not
// repeat).
func TestDocumentQuadBound(t *testing.T) {
	t.Setenv("POLICYGRAPH_TOKEN", "tok-123")
	seed, err := fs.ReadFile(seeds.FS(), seeds.Reports()[0])
	if err != nil {
		t.Fatal(err)
	}
	var many bytes.Buffer // 40 generated reports, 400 KB, about 150k quads
	for i := range 40 {
		r, err := loaders.SynthesizeReport(5, i)
		if err != nil {
			t.Fatal(err)
		}
		many.Write(r.Text)
		many.WriteByte('\n')
	}
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			// The seed writes about 2,100 quads from some 400 sections,
			// facts and mentions: over 1,000, but not by the count it is
			// read with.
			base, stop := startServe(t, "--db", db, "--max-document-quads", "1000")
			defer func() {
				if err := stop(); err != nil {
					t.Error(err)
				}
			}()
			w := writer{t: t, base: base}
			before := w.nodes()
			for _, c := range []struct {
				doc     string
				text    []byte
				atLeast bool
			}{{"many-2023", many.Bytes(), true}, {"seed-2023", seed, false}} {
				start := time.Now()
				status, out := w.call(http.MethodPost, "/documents?name="+c.doc+".txt", "text/plain", c.text, true)
				msg := mustMarshal(out)
				if status != http.StatusRequestEntityTooLarge || errorCode(out) != "LIMIT_EXCEEDED" || !strings.Contains(msg, "quads") ||
					!strings.Contains(msg, "over the 1000") || strings.Contains(msg, "at least") != c.atLeast {
					t.Errorf("%s over the bound: got %d %s, want 413 LIMIT_EXCEEDED naming the quads (at least: %v)", c.doc, status, msg, c.atLeast)
				}
				if took := time.Since(start); took > 10*time.Second {
					t.Errorf("%s refused after %v", c.doc, took)
				}
				_, out = w.gql(`mutation($t: String!, $n: String) { loadDocument(text: $t, meta: {name: $n}) { document } }`, map[string]any{"t": string(c.text), "n": c.doc + ".md"})
				if errorCode(out) != "LIMIT_EXCEEDED" {
					t.Errorf("loadDocument of %s: got %v, want LIMIT_EXCEEDED", c.doc, out)
				}
				if _, out := w.gql(`{ node(id: "document/`+c.doc+`") { id } }`, nil); !strings.Contains(mustMarshal(out), `"node":null`) {
					t.Errorf("the refused document %s is stored: %v", c.doc, out)
				}
			}
			if after := w.nodes(); after != before {
				t.Errorf("nodes after the refused documents: got %v, want %v", after, before)
			}
			if status, out := w.call(http.MethodPost, "/documents?name=ziyang-2023.txt", "text/plain", []byte(smallReport), true); status != http.StatusCreated {
				t.Errorf("a small document under the bound: got %d %v, want 201", status, out)
			}
		})
	}
}

// The seed repeated to 1 MiB, posted to /documents, is answered at once
// with the facts of one copy (issue 16, case 2: the full 19 MiB is measured
// in docs/reliability.md).
func TestRepeatedUploadAnswers(t *testing.T) {
	t.Setenv("POLICYGRAPH_TOKEN", "tok-123")
	seed, err := fs.ReadFile(seeds.FS(), seeds.Reports()[0])
	if err != nil {
		t.Fatal(err)
	}
	seed = append(bytes.TrimRight(seed, "\n"), '\n')
	big := bytes.Repeat(seed, (1<<20)/len(seed))
	base, stop := startServe(t, "--db", filepath.Join(t.TempDir(), "graph.db"))
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	w := writer{t: t, base: base}
	status, out := w.call(http.MethodPost, "/documents?name=once-2023.txt", "text/plain", seed, true)
	once, _ := out["facts"].(float64)
	if status != http.StatusCreated || once == 0 {
		t.Fatalf("the seed once: got %d %.300s", status, mustMarshal(out))
	}
	start := time.Now()
	status, out = w.call(http.MethodPost, "/documents?name=repeated-2023.txt", "text/plain", big, true)
	took := time.Since(start)
	facts, _ := out["facts"].(float64)
	if status != http.StatusCreated || facts == 0 || facts > once*1.1 {
		t.Errorf("the seed repeated to %d bytes: got %d, %v facts (one copy: %v), %.300s", len(big), status, facts, once, mustMarshal(out))
	}
	if took > 60*time.Second {
		t.Errorf("answered after %v", took)
	}
	t.Logf("%d copies, %d bytes: %v, %v facts", len(big)/len(seed), len(big), took.Round(time.Millisecond), facts)
}
