// Package web serves the network explorer page: a Cytoscape.js client of the
// public /graphql API, built from web/src into web/dist by `make web` (npm ci
// and esbuild) and embedded in the binary. It serves files only; it holds no
// graph logic and calls no Go API, so the page doubles as an example for
// other front ends.
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
<p>The GraphQL API works without it: <a href="graphql">/graphql</a>, <a href="graphiql">/graphiql</a>.</p>
`

// csp lets the page load its own files and talk to its own server only: no
// CDN, no other origin.
const csp = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// Handler serves the page at / and its files under /static/.
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
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(notBuilt))
		})
		return mux
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		w.Write(index)
	})
	files := http.FileServerFS(fsys)
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
	return mux
}

// Mount returns a handler that serves the page at / and /static/ and passes
// every other request to api, whatever routes api has.
func Mount(api http.Handler) http.Handler {
	return mount(api, Handler())
}

func mount(api, page http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", api)
	mux.Handle("GET /{$}", page)
	mux.Handle("GET /static/", page)
	return mux
}
