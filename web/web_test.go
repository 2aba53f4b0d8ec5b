package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, path string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body), rec.Result().Header
}

func TestBuiltBundleIsServed(t *testing.T) {
	h := newHandler(fstest.MapFS{
		"index.html":    {Data: []byte("<title>page</title>")},
		"static/app.js": {Data: []byte("console.log(1)")},
		"graphiql.html": {Data: []byte("<title>GraphiQL</title>")},
	})
	code, body, hdr := get(t, h, "/")
	if code != http.StatusOK || body != "<title>page</title>" {
		t.Errorf("GET / = %d %q, want 200 and the index", code, body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy = %q, want only the page's own origin", csp)
	}
	if code, body, _ := get(t, h, "/static/app.js"); code != http.StatusOK || body != "console.log(1)" {
		t.Errorf("GET /static/app.js = %d %q, want 200 and the script", code, body)
	}
	code, body, hdr = get(t, h, "/graphiql")
	if code != http.StatusOK || body != "<title>GraphiQL</title>" {
		t.Errorf("GET /graphiql = %d %q, want 200 and the bundled GraphiQL page", code, body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("/graphiql Content-Security-Policy = %q, want only the page's own origin", csp)
	}
	if code, _, _ := get(t, h, "/static/missing.js"); code != http.StatusNotFound {
		t.Errorf("GET /static/missing.js = %d, want 404", code)
	}
}

func TestMissingBundleSaysHowToBuildIt(t *testing.T) {
	h := newHandler(fstest.MapFS{".keep": {}})
	code, body, _ := get(t, h, "/")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "make web") {
		t.Errorf("GET / without a bundle = %d %q, want 503 and how to build it", code, body)
	}
	code, body, _ = get(t, h, "/graphiql")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "make web") {
		t.Errorf("GET /graphiql without a bundle = %d %q, want 503 and how to build it", code, body)
	}
}

func TestEmbeddedBundleMatchesBuilt(t *testing.T) {
	code, body, _ := get(t, Handler(), "/")
	switch {
	case Built() && code != http.StatusOK:
		t.Errorf("bundle embedded but GET / = %d", code)
	case !Built() && (code != http.StatusServiceUnavailable || !strings.Contains(body, "make web")):
		t.Errorf("no bundle embedded but GET / = %d %q", code, body)
	}
}

func TestMountKeepsTheAPIRoutes(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "api "+r.URL.Path) })
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page "+r.URL.Path) })
	h := mount(api, page)
	for _, c := range []struct{ path, want string }{
		{"/", "page /"},
		{"/?a=成都&b=资阳", "page /"},
		{"/static/app.js", "page /static/app.js"},
		{"/graphql", "api /graphql"},
		{"/graphiql", "page /graphiql"},
		{"/healthz", "api /healthz"},
		{"/export?format=cytoscape", "api /export"},
		{"/nope", "api /nope"},
	} {
		if _, body, _ := get(t, h, c.path); body != c.want {
			t.Errorf("GET %s = %q, want %q", c.path, body, c.want)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("{}")))
	if rec.Body.String() != "api /graphql" {
		t.Errorf("POST /graphql = %q, want the API", rec.Body.String())
	}
}
