package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The writes, end to end through the serve command with the real loader:
// POST /documents and the mutations need the token; the loader's refusals
// are INVALID_INPUT; the gazetteer cannot be removed.
func TestServeWrites(t *testing.T) {
	t.Setenv("POLICYGRAPH_TOKEN", "tok-123")
	base, stop := startServe(t, "--db", "memory", "--cors-origin", "https://a.example,https://b.example")
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	call := func(method, path, contentType string, body []byte, bearer bool) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if bearer {
			req.Header.Set("Authorization", "Bearer tok-123")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: not JSON: %.300s", method, path, raw)
		}
		return res.StatusCode, out
	}
	gql := func(query string, vars map[string]any) map[string]any {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		_, out := call(http.MethodPost, "/graphql", "application/json", b, true)
		return out
	}
	code := func(out map[string]any) string {
		errs, _ := out["errors"].([]any)
		if len(errs) == 0 {
			return ""
		}
		ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
		c, _ := ext["code"].(string)
		return c
	}

	report := "资阳市2023年政府工作报告\n一、主要任务\n加快建设成资市域(郊)铁路，启动建设资阳临空经济区。\n"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(report))
	if status, out := call(http.MethodPost, "/documents?name=ziyang-2023.txt", "", gbk, false); status != http.StatusUnauthorized || code(out) != "UNAUTHENTICATED" {
		t.Fatalf("upload without the token: %d %v", status, out)
	}
	status, out := call(http.MethodPost, "/documents?name=ziyang-2023.txt", "text/plain", gbk, true)
	if status != http.StatusCreated || out["document"] != "document/ziyang-2023" {
		t.Fatalf("upload: %d %v", status, out)
	}
	d := gql(`{ node(id: "document/ziyang-2023") { ... on Document { title encoding } } }`, nil)
	if !strings.Contains(mustMarshal(d), `"encoding":"gb18030"`) || !strings.Contains(mustMarshal(d), "资阳市2023年政府工作报告") {
		t.Errorf("the uploaded document reads back as %v", d)
	}

	m := gql(`mutation($t: String!) { loadDocument(text: $t, meta: {name: "ziyang-2023.txt"}) { document unchanged } }`, map[string]any{"t": report})
	if !strings.Contains(mustMarshal(m), `"unchanged":true`) {
		t.Errorf("loadDocument of the same text: %v", m)
	}
	if m := gql(`mutation { loadDocument(text: "%PDF-1.4 成都", meta: {name: "x.txt"}) { document } }`, nil); code(m) != "INVALID_INPUT" || !strings.Contains(mustMarshal(m), "PDF") {
		t.Errorf("loadDocument of a PDF: %v", m)
	}
	if m := gql(`mutation { removeDocument(id: "document/gazetteer") }`, nil); code(m) != "FORBIDDEN" {
		t.Errorf("removing the gazetteer: %v", m)
	}
	if m := gql(`mutation { removeDocument(id: "document/ziyang-2023") }`, nil); !strings.Contains(mustMarshal(m), `"removeDocument":true`) {
		t.Errorf("removeDocument: %v", m)
	}

	// CORS: both configured origins pass a preflight.
	for _, origin := range []string{"https://a.example", "https://b.example"} {
		req, _ := http.NewRequest(http.MethodOptions, base+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("preflight from %s: %d %v", origin, res.StatusCode, res.Header)
		}
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
