package resolvers

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/schema"
)

// Options configure a Server.
type Options struct {
	Log           *slog.Logger // nil: slog.Default()
	Introspection bool         // answer __schema and __type queries
	Limits        Limits       // zero fields: DefaultLimits

	// Writes (auth.go, documents.go). Token is the bearer token writes need;
	// "" turns writes off. Load extracts and writes a document (nil: writes
	// of documents are off). Protected are documents removeDocument refuses.
	Token       string
	Load        LoadFunc
	Protected   []string
	CORSOrigins []string // origins browsers may call from ("*": any); none: same origin only
}

// Server answers GraphQL requests over a Store, over HTTP (Handler) or in
// process (Do). Both ways share one executable schema and one set of limits.
type Server struct {
	store       *graph.Store
	log         *slog.Logger
	limits      Limits
	http        *handler.Server
	exec        *executor.Executor
	transports  []graphql.Transport
	resolver    *Resolver
	guard       *guard
	large       chan struct{} // a slot per large request being served (Limits.LargeSlots)
	running     chan struct{} // a slot per query being answered (Limits.Running)
	noPlain     bool          // answer every field through gqlgen (plain.go; tests compare the two)
	plainServed atomic.Int64  // root fields plain.go answered
	times       queryTimes    // the phases of queries answered in a turn (timings.go)

	healthMu      sync.Mutex // guards the two below
	healthVersion uint64     // the index version healthEdges was counted at, plus one (0: never)
	healthEdges   int
}

// NewServer returns a Server over st.
func NewServer(st *graph.Store, opts Options) *Server {
	s := &Server{store: st, log: opts.Log, limits: opts.Limits.withDefaults()}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.resolver = &Resolver{store: st, load: opts.Load, protected: opts.Protected}
	s.guard = newGuard(opts, s.limits)
	s.large = make(chan struct{}, s.limits.LargeSlots)
	s.running = make(chan struct{}, s.limits.Running)
	es := schema.NewExecutableSchema(schema.Config{Resolvers: s.resolver, Complexity: complexity(st)})

	s.transports = []graphql.Transport{transport.GET{}, postJSON{s}, transport.POST{}}
	s.http = handler.New(es)
	for _, t := range s.transports {
		s.http.AddTransport(t)
	}
	s.configure(s.http, opts.Introspection)
	s.exec = executor.New(es)
	s.configure(s.exec, opts.Introspection)
	return s
}

// configurable is what handler.Server and executor.Executor have in common.
type configurable interface {
	Use(graphql.HandlerExtension)
	AroundOperations(graphql.OperationMiddleware)
	AroundRootFields(graphql.RootFieldMiddleware)
	AroundResponses(graphql.ResponseMiddleware)
	SetErrorPresenter(graphql.ErrorPresenterFunc)
	SetRecoverFunc(graphql.RecoverFunc)
	SetQueryCache(graphql.Cache[*ast.QueryDocument])
	SetParserTokenLimit(int)
}

func (s *Server) configure(x configurable, introspection bool) {
	cache := lru.New[*ast.QueryDocument](s.limits.QueryCache)
	x.SetQueryCache(cache)
	x.SetParserTokenLimit(s.limits.MaxTokens)
	x.SetErrorPresenter(presentError(s.log))
	x.SetRecoverFunc(recoverPanic(s.log))
	x.Use(shapeLimit{maxTokens: s.limits.MaxTokens, maxDepth: s.limits.MaxDepth, maxFields: s.limits.MaxFields, cache: cache})
	x.Use(extension.FixedComplexityLimit(s.limits.MaxComplexity))
	if introspection {
		x.Use(extension.Introspection{})
		x.AroundResponses(cacheIntrospection())
	}
	x.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(withBatch(ctx, s.store))
	})
	// The time limit runs per root field, which resolves its whole subtree
	// before it returns: a deadline on the operation's context would let
	// gqlgen answer a late request with no response at all. A mutation's
	// fields have the time an upload has (serveGraphQL moves the write
	// deadline to match): a write that commits after the query limit must
	// still say so, not TIMEOUT.
	x.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		timeout := s.limits.Timeout
		if graphql.HasOperationContext(ctx) && graphql.GetOperationContext(ctx).Operation.Operation == ast.Mutation {
			timeout = max(timeout, loadTimeout)
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if !s.noPlain {
			if m, ok := s.resolver.plainRoot(ctx); ok {
				s.plainServed.Add(1)
				return m
			}
		}
		return next(ctx)
	})
}

// Handler returns the HTTP routes: /graphql (GET and POST) and /healthz,
// plus the others registered below (the GraphiQL page at /graphiql is
// bundled with the explorer page and served by package web, so that it
// loads nothing from a CDN), all behind the rate limit, CORS and the
// bearer token check (auth.go). POST /documents is a write (documents.go);
// GET /metrics gives the server's own timings of queries (timings.go).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", s.serveGraphQL)
	mux.HandleFunc("GET /healthz", s.serveHealth)
	mux.HandleFunc("GET /export", s.serveExport)
	mux.HandleFunc("POST /documents", s.serveDocuments)
	mux.HandleFunc("GET /metrics", s.serveMetrics)
	return s.guard.wrap(mux)
}

func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	supported := false
	for _, t := range s.transports {
		if t.Supports(r) {
			supported = true
			break
		}
	}
	if !supported {
		writeError(w, http.StatusBadRequest, invalidf("send a GraphQL request as POST with Content-Type: application/json and a body {\"query\": ...}, or as GET /graphql?query=..."))
		return
	}
	var body []byte
	if r.Body != nil && r.Method == http.MethodPost {
		var ok bool
		if body, ok = s.readBody(w, r); !ok {
			return
		}
	}
	// A large request takes its turn only once it has arrived whole: a
	// client that sends slowly holds no slot, only its own connection.
	large := int64(len(body)) > s.limits.LargeBytes || int64(len(r.URL.RawQuery)) > s.limits.LargeBytes
	if large {
		release, ok := s.enterLarge(w, r)
		if !ok {
			return
		}
		defer release()
	}
	mutation := false
	if body != nil {
		if !json.Valid(body) {
			writeError(w, http.StatusBadRequest, invalidf("the request body is not valid JSON: send {\"query\": \"...\", \"variables\": {...}}"))
			return
		}
		if batchRefusal(w, body) {
			return
		}
		var refused bool
		if refused, mutation = s.mutationRefusal(w, r, body); refused {
			return
		}
		if mutation {
			// A write may take as long as an upload: its answer must
			// still go out (see AroundRootFields).
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(max(s.limits.Timeout, loadTimeout) + 10*time.Second))
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if getRefusal(w, r, s.limits.MaxTokens) {
		return
	}
	// A large request already holds the large lane, one at a time: taking
	// a turn too would put every short query behind it (an attacker's
	// 100 KB of aliases would starve them).
	if mutation || large {
		s.http.ServeHTTP(w, r)
		return
	}
	s.serveInTurn(w, r)
}

// serveInTurn answers a query once one of the Limits.Running turns is free,
// in the order the requests arrived (a channel's waiting senders are served
// first in, first out), and writes the answer after giving the turn back.
//
// Under load this is what keeps the slowest answers near the others: with
// every request running at once, 16 clients on two cores are 16 goroutines
// sharing the CPU, and whichever the scheduler leaves behind waits for all
// the others (docs/benchmarks.md, "Where requests wait"). Waiting here uses
// no CPU, and the CPU is shared by as many requests as there are cores.
// Writing the answer outside the turn keeps a client that reads slowly, or
// the kernel's socket buffer, from holding one.
func (s *Server) serveInTurn(w http.ResponseWriter, r *http.Request) {
	read := time.Now()
	if !s.takeTurn(w, r) {
		return
	}
	turn := time.Now()
	bw := bufferedWriterPool.Get().(*bufferedWriter)
	bw.w, bw.status = w, 0
	func() {
		defer func() { <-s.running }() // also when the handler panics
		s.http.ServeHTTP(bw, r)
	}()
	ran := time.Now()
	bw.send()
	s.times.record(read, turn, ran, time.Now())
	bw.w = nil
	if bw.buf.Cap() <= maxPooledAnswer {
		bw.buf.Reset()
		bufferedWriterPool.Put(bw)
	}
}

// takeTurn waits for a turn to answer a query. A request that waits longer
// than Limits.Timeout gets HTTP 503 with Retry-After; one whose client goes
// away gets nothing. It returns false if it has answered the request.
func (s *Server) takeTurn(w http.ResponseWriter, r *http.Request) bool {
	select {
	case s.running <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(s.limits.Timeout)
	defer t.Stop()
	select {
	case s.running <- struct{}{}:
		return true
	case <-r.Context().Done():
		return false
	case <-t.C:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, errorf(CodeBusy,
			"the server is busy: %d queries are being answered and more are waiting; retry", s.limits.Running))
		return false
	}
}

// bufferedWriter holds an answer, written while the request has its turn,
// until serveInTurn sends it.
type bufferedWriter struct {
	w      http.ResponseWriter
	status int
	buf    bytes.Buffer
}

var bufferedWriterPool = sync.Pool{New: func() any { return new(bufferedWriter) }}

// maxPooledAnswer is the largest answer buffer kept for reuse.
const maxPooledAnswer = 1 << 20

func (b *bufferedWriter) Header() http.Header { return b.w.Header() }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}

// send writes the answer held, with its length.
func (b *bufferedWriter) send() {
	if b.status == 0 && b.buf.Len() == 0 {
		return // nothing written: net/http answers 200 with no body
	}
	b.w.Header().Set("Content-Length", strconv.Itoa(b.buf.Len()))
	b.w.WriteHeader(cmp.Or(b.status, http.StatusOK))
	b.w.Write(b.buf.Bytes())
}

// readBody reads a POST body of at most Limits.MaxBodyBytes, within
// Limits.Timeout of the request's start of reading it whatever other
// requests do: a client that sends slower is answered 408. It returns false
// if it has answered the request.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	limit := s.limits.MaxBodyBytes
	tooBig := func() *Error { // built only when needed: most requests are small
		return limitf("request body is larger than %d bytes: send a smaller query with fewer variables, or split it into several requests", limit)
	}
	if r.ContentLength > limit {
		writeError(w, http.StatusRequestEntityTooLarge, tooBig())
		return nil, false
	}
	// Not every ResponseWriter can (a test's recorder): then the server's
	// ReadTimeout alone bounds the read.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.limits.Timeout))
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestTimeout, errorf(CodeTimeout,
			"the request body did not arrive within %v: send it faster, or send a smaller one", s.limits.Timeout))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, invalidf("could not read the request body: %v", err))
		return nil, false
	case int64(len(body)) > limit:
		writeError(w, http.StatusRequestEntityTooLarge, tooBig())
		return nil, false
	}
	if body == nil {
		body = []byte{}
	}
	return body, true
}

// enterLarge waits for a slot of the large lane, once the body is read.
// A request that waits longer than Limits.Timeout gets HTTP 503 with
// Retry-After; one whose client goes away gets nothing.
func (s *Server) enterLarge(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	release = func() { <-s.large }
	select {
	case s.large <- struct{}{}:
		return release, true
	default:
	}
	t := time.NewTimer(s.limits.Timeout)
	defer t.Stop()
	select {
	case s.large <- struct{}{}:
		return release, true
	case <-r.Context().Done():
		return nil, false
	case <-t.C:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, errorf(CodeBusy,
			"the server is busy with other large requests (over %d bytes, %d at a time): retry, or send a smaller query", s.limits.LargeBytes, s.limits.LargeSlots))
		return nil, false
	}
}

// serveHealth answers /healthz with the counts of the graph: nodes and
// edges as every export counts them (one edge per From-Relation-To), and
// facts, the statements behind the edges.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	ix := s.store.Index()
	json.NewEncoder(w).Encode(map[string]any{"status": "ok", "nodes": ix.Len(), "edges": s.exportEdges(), "facts": ix.EdgeCount()})
}

// exportEdges returns the index's ExportEdgeCount, counted again only when
// the index has changed since the last time.
func (s *Server) exportEdges() int {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	ix := s.store.Index()
	v := ix.Version()
	if s.healthVersion != v+1 {
		s.healthEdges, s.healthVersion = ix.ExportEdgeCount(), v+1
	}
	return s.healthEdges
}

// writeError answers a request refused before GraphQL execution, in the
// shape of a GraphQL response.
func writeError(w http.ResponseWriter, status int, e *Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(graphql.Response{Errors: gqlerror.List{{
		Message:    e.Message,
		Extensions: map[string]any{"code": string(e.Code)},
	}}})
}

// Request is one GraphQL request for Do.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// Do runs one request in process, with the same schema, limits and error
// codes as the HTTP handler (but no body size limit: there is no body).
func (s *Server) Do(ctx context.Context, req Request) *graphql.Response {
	ctx = graphql.StartOperationTrace(ctx)
	params := &graphql.RawParams{Query: req.Query, OperationName: req.OperationName, Variables: req.Variables}
	params.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
	opCtx, errs := s.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		return s.exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
	}
	var resp *graphql.Response
	func() {
		defer func() {
			if p := recover(); p != nil {
				err := s.exec.PresentRecoveredError(ctx, p)
				var gqlErr *gqlerror.Error
				if !errors.As(err, &gqlErr) {
					gqlErr = gqlerror.Errorf("%v", err)
				}
				resp = &graphql.Response{Errors: gqlerror.List{gqlErr}}
			}
		}()
		handle, ctx := s.exec.DispatchOperation(ctx, opCtx)
		resp = handle(ctx)
	}()
	if resp == nil { // gqlgen answers nothing once ctx is done
		resp = &graphql.Response{Errors: gqlerror.List{presentError(s.log)(ctx, ctx.Err())}}
	}
	return resp
}
