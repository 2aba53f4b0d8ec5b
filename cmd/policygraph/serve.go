package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
	"github.com/policygraph/policygraph/resolvers"
	"github.com/policygraph/policygraph/web"
)

// runServe serves /graphql, /graphiql and /healthz until ctx is cancelled.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [--db DSN] [--addr :8080] [--introspection=true] [--timeout 10s] [--running N] [--token T] [--cors-origin URL] [--rate 50 --burst 200] [--extract-budget 90s] [--max-document-quads 250000] [--snapshot FILE]", stderr)
	db := fs.String("db", defaultDB, "the store: \"memory\", a bbolt file path or a postgres:// URL")
	addr := fs.String("addr", ":8080", "the address to listen on")
	introspection := fs.Bool("introspection", true, "answer GraphQL introspection queries (__schema, __type)")
	timeout := fs.Duration("timeout", resolvers.DefaultLimits.Timeout, "the time one request may take")
	running := fs.Int("running", resolvers.DefaultRunning(), "queries answered at once; more wait their turn in the order they came, for at most --timeout (then 503 BUSY).\nThe default, one fewer than the cores Go uses, keeps answer times even under load; raise it when queries wait on a remote PostgreSQL")
	token := fs.String("token", os.Getenv("POLICYGRAPH_TOKEN"), "the bearer token writes need (loadDocument, removeDocument, POST /documents); empty: writes are off.\nPrefer the environment variable POLICYGRAPH_TOKEN, which other users cannot see in ps")
	var origins stringList
	fs.Var(&origins, "cors-origin", "an origin browsers may call the API from (https://example.org), repeatable or comma-separated; * for any")
	rate := fs.Float64("rate", 50, "requests a second one client IP may send on average (0: no limit; loopback clients are not limited)")
	burst := fs.Int("burst", 200, "requests one client IP may send at once")
	budget := fs.Duration("extract-budget", defaultExtractBudget, "the time extracting one document sent to POST /documents or loadDocument may take; past it the document is refused with LIMIT_EXCEEDED and nothing is written")
	maxQuads := fs.Int("max-document-quads", defaultMaxDocumentQuads, "the quads one document sent to POST /documents or loadDocument may write (its sections, facts and mentions; about 3 KB of memory each while it is written); a larger one is refused with LIMIT_EXCEEDED and nothing is written")
	snapshot := fs.String("snapshot", "", "the file the index is kept in between runs (default: beside a bbolt file, as FILE.index; none for PostgreSQL).\nA PostgreSQL replica given one starts from it and catches up from the change log instead of scanning the database")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *rate < 0 || *burst < 0 {
		return usageError("--rate and --burst must not be negative")
	}
	if *running < 1 {
		return usageError("--running must be at least 1, got %d", *running)
	}
	if *budget <= 0 {
		return usageError("--extract-budget must be positive")
	}
	if *maxQuads <= 0 {
		return usageError("--max-document-quads must be positive")
	}
	if fs.NArg() > 0 {
		return usageError("serve takes no arguments, got %q", fs.Args())
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	start := time.Now()
	st, err := graph.OpenWith(ctx, *db, graph.OpenOptions{Snapshot: *snapshot})
	if err != nil {
		return err // graph.Open names the store in its error
	}
	defer st.Close()
	how := "scanned the store"
	if st.IndexFromSnapshot() {
		how = "read the snapshot " + cmp.Or(*snapshot, *db+".index")
	}
	log.Info("index ready", "db", *db, "nodes", st.Index().Len(), "edges", st.Index().EdgeCount(), "how", how, "took", time.Since(start).Round(time.Millisecond))
	if os.Getenv("GOGC") == "" {
		// Answers are garbage at once; a small store's heap is a few
		// megabytes. GOGC set by the user wins.
		defer keepHeadroom(serveHeadroom)()
	}
	if st.Index().Len() == 0 {
		log.Info("store is empty: loading the embedded seeds", "db", *db)
		if err := loadSeeds(ctx, st, log); err != nil {
			return fmt.Errorf("load seeds: %w", err)
		}
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		readDocumentsAhead(ctx, st, log)
	}()
	defer func() { <-read }() // runs before st.Close
	if st.Shared() {
		// Other replicas (or policygraph load) write to the same database:
		// follow its change log to keep the index in step.
		followCtx, stopFollow := context.WithCancel(ctx)
		followed := make(chan struct{})
		go func() {
			defer close(followed)
			st.Follow(followCtx, graph.FollowOptions{Log: log, Applied: func(v int64, rebuilt bool) {
				if rebuilt {
					log.Info("change log: rebuilt the index", "version", v)
				}
			}})
		}()
		defer func() { stopFollow(); <-followed }() // runs before st.Close
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	gql := resolvers.NewServer(st, resolvers.Options{
		Log:           log,
		Introspection: *introspection,
		Limits:        resolvers.Limits{Timeout: *timeout, Rate: *rate, Burst: *burst, MaxDocumentBytes: loaders.MaxInputBytes, Running: *running},
		Token:         *token,
		Load:          loadHook(st, *budget, *maxQuads),
		Protected:     []string{loaders.GazetteerID},
		CORSOrigins:   origins,
	})
	if *token == "" {
		log.Info("writes are off: set POLICYGRAPH_TOKEN (or --token) to allow loadDocument, removeDocument and POST /documents")
	}
	srv := &http.Server{
		Handler:           web.Mount(gql.Handler()), // the page at /, the API routes as they are
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      *timeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	return serve(ctx, srv, resolvers.Listener(ln), log)
}

// readDocumentsAhead reads every document into the store's cache while
// the server starts listening, so that the first request that needs them
// does not read them itself: the explorer's first connect answer asks for
// each initiative's documents, then the page lists them all.
func readDocumentsAhead(ctx context.Context, st *graph.Store, log *slog.Logger) {
	start := time.Now()
	docs, err := st.Documents(ctx)
	if err != nil {
		if ctx.Err() == nil && !errors.Is(err, graph.ErrClosed) {
			log.Warn("documents not read ahead: the first request reads them", "err", err)
		}
		return
	}
	// Reading them maps most of a bbolt file (RssFile 171 MB of 100
	// reports' 255 MB file, where a snapshot start has 17 MB): the documents
	// are decoded in the cache now, so the pages can go.
	st.ReleaseMemory()
	log.Info("documents read ahead", "documents", len(docs), "took", time.Since(start).Round(time.Millisecond))
}

// serve runs srv on ln until ctx is cancelled, then shuts it down, letting
// requests in flight finish for a few seconds.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
	log.Info("serving", "addr", ln.Addr().String(), "graphql", "/graphql", "graphiql", "/graphiql", "health", "/healthz")
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// loadHook lets the API's writes run the loaders over st: resolvers and
// loaders never import each other. Errors a writer can fix become
// INVALID_INPUT. Unlike the load command, a write over the API replaces a
// stored document only when it has the same name, unless the writer says
// replace (m.Replace): another name that gives the same ID is a conflict.
//
// Extraction has a time budget of its own, and a document may write at most
// maxQuads quads (extraction stops once it is sure to give more): a
// document over either is refused with LIMIT_EXCEEDED, and nothing of it is
// written.
func loadHook(st *graph.Store, budget time.Duration, maxQuads int) resolvers.LoadFunc {
	load := func(ctx context.Context, name string, raw []byte, m resolvers.DocumentMeta) (resolvers.LoadReport, error) {
		gz, err := loaders.DefaultGazetteer()
		if err != nil {
			return resolvers.LoadReport{}, err
		}
		if err := loaders.EnsureGazetteer(ctx, st, gz); err != nil {
			return resolvers.LoadReport{}, err
		}
		ectx, cancel := context.WithTimeout(ctx, budget)
		g, err := loaders.ExtractAtMost(ectx, gz, name, raw, loaders.Meta{Title: m.Title, Year: m.Year, Issuer: m.Issuer, Place: m.Place}, maxQuads)
		overBudget := errors.Is(ectx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if err != nil && overBudget {
			return resolvers.LoadReport{}, &resolvers.Error{Code: resolvers.CodeLimitExceeded, Message: fmt.Sprintf(
				"extracting %s took longer than its budget of %v (%d bytes): split it into smaller documents, or load it with the policygraph load command", name, budget, len(raw))}
		}
		var ie *loaders.InputError
		if errors.As(err, &ie) {
			return resolvers.LoadReport{}, &resolvers.Error{Code: resolvers.CodeInvalidInput, Message: ie.Error()}
		} else if err != nil {
			return resolvers.LoadReport{}, err
		}
		res, err := st.WriteDocumentWith(ctx, g, graph.WriteOptions{SameSourceOnly: !m.Replace, MaxQuads: maxQuads})
		if err != nil {
			return resolvers.LoadReport{}, fmt.Errorf("write %s: %w", name, err)
		}
		rep := documentReport(name, g, res)
		return resolvers.LoadReport{Document: rep.Document, Unchanged: rep.Unchanged, Replaced: rep.Replaced,
			Quads: rep.Quads, Facts: rep.Facts, Counts: rep.Counts, Warnings: rep.Warnings}, nil
	}
	// What reading a large document leaves behind (its text, structure and
	// graph: hundreds of MB for a few MiB of text, whether it was written or
	// refused) is garbage once load returns; the runtime would give it back
	// to the system only over minutes.
	return func(ctx context.Context, name string, raw []byte, m resolvers.DocumentMeta) (resolvers.LoadReport, error) {
		if len(raw) >= releaseBytes {
			defer debug.FreeOSMemory()
		}
		return load(ctx, name, raw, m)
	}
}

// releaseBytes is the size from which an uploaded document's memory is
// given back as soon as it is loaded or refused.
const releaseBytes = 1 << 20

// defaultExtractBudget is serve's --extract-budget: well inside the two
// minutes a document upload may take, so that the answer says why.
const defaultExtractBudget = 90 * time.Second

// defaultMaxDocumentQuads is serve's --max-document-quads. A write of 213k
// quads (512 KB of generated reports) peaked at 726 MB resident and took
// 11 s into bbolt on 2 busy cores, 419k quads at 1.3 GB and 42 s, so this
// keeps one upload under the goal of 1 GB above idle. Text as dense as the
// seed's (290 quads a KB) passes up to about 860 KB, past the size of a
// five-year plan's full text.
const defaultMaxDocumentQuads = 250_000

// stringList is a repeatable flag whose values may also be comma-separated.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}
