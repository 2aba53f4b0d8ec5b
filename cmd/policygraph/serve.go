package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// runServe serves /graphql, /graphiql and /healthz until ctx is cancelled.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [--db DSN] [--addr :8080] [--introspection=true] [--timeout 10s]", stderr)
	db := fs.String("db", defaultDB, "the store: \"memory\", a bbolt file path or a postgres:// URL")
	addr := fs.String("addr", ":8080", "the address to listen on")
	introspection := fs.Bool("introspection", true, "answer GraphQL introspection queries (__schema, __type)")
	timeout := fs.Duration("timeout", resolvers.DefaultLimits.Timeout, "the time one request may take")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("serve takes no arguments, got %q", fs.Args())
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	st, err := graph.Open(ctx, *db)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	if st.Index().Len() == 0 {
		log.Info("store is empty: loading the embedded seeds", "db", *db)
		if err := loadSeeds(ctx, st, log); err != nil {
			return fmt.Errorf("load seeds: %w", err)
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	gql := resolvers.NewServer(st, resolvers.Options{
		Log:           log,
		Introspection: *introspection,
		Limits:        resolvers.Limits{Timeout: *timeout},
	})
	srv := &http.Server{
		Handler:           gql.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      *timeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	return serve(ctx, srv, ln, log)
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
