// Package web serves the network explorer page, a Cytoscape.js client of the
// public /graphql API, and the GraphiQL page at /graphiql, both built from
// web/src into web/dist by `make web` (npm ci and esbuild) and embedded in
// the binary, so neither loads anything from another host. It serves files
// only; it holds no graph logic and calls no Go API, so the page doubles as
// an example for other front ends.
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

// dist always holds .keep, so the package compiles before the first build.
//
//go:embed all:dist
var dist embed.FS

// notBuilt is the page served at / when the bundle is missing.
const notBuilt = `<!doctype html>
<meta charset="utf-8">
<title>policygraph: page not built</title>
<h1>The network explorer page is not built</h1>
<p>This binary was compiled without the page bundle (web/dist is empty).
Build it with <code>make web</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>)
and compile again, or start the server with <code>make run</code>, which does both.</p>
<p>The GraphiQL page at /graphiql is part of the same bundle. The GraphQL API works without it:
POST <code>{"query": "…"}</code> to <a href="graphql">/graphql</a>.</p>
`

// csp lets the page load its own files and talk to its own server only: no
// CDN, no other origin.
const csp = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// graphiqlCSP is csp plus the fonts GraphiQL's style sheet inlines as data: URLs.
const graphiqlCSP = csp + "; font-src 'self' data:"

// Handler serves the page at /, GraphiQL at /graphiql and their files under /static/.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path: fs.Sub cannot fail
	}
	return newHandler(sub)
}

// Built reports whether the binary embeds the page bundle.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

func newHandler(fsys fs.FS) http.Handler {
	mux := http.NewServeMux()
	servePage(mux, fsys, "GET /{$}", "index.html", csp)
	servePage(mux, fsys, "GET /graphiql", "graphiql.html", graphiqlCSP)
	files := http.FileServerFS(fsys)
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
	return mux
}

// servePage serves the HTML file name of fsys at pattern with the policy
// csp, or, when the bundle lacks it, a 503 page that says how to build it.
func servePage(mux *http.ServeMux, fsys fs.FS, pattern, name, csp string) {
	page, err := fs.ReadFile(fsys, name)
	if err != nil {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(notBuilt))
		})
		return
	}
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		w.Write(page)
	})
}

// Mount returns a handler that serves the page at /, /graphiql and /static/
// and passes every other request to api, whatever routes api has.
func Mount(api http.Handler) http.Handler {
	return mount(api, Handler())
}

func mount(api, page http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", api)
	mux.Handle("GET /{$}", page)
	mux.Handle("GET /graphiql", page)
	mux.Handle("GET /static/", page)
	return mux
}
