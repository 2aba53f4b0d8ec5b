package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// stdin is where query reads a query given as "-" or not at all; tests replace it.
var stdin io.Reader = os.Stdin

// runQuery runs one GraphQL request in process and prints the JSON response.
// GraphQL errors are part of the response, not a failure: the exit status is
// 0 unless the store cannot be opened or the arguments are wrong.
func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("query", "query [--db DSN] [--vars JSON] [--operation NAME] ['QUERY' | -]", stderr)
	db := fs.String("db", defaultDB, "the store: \"memory\", a bbolt file path or a postgres:// URL")
	vars := fs.String("vars", "", "variables as a JSON object, e.g. '{\"a\": \"成都\"}'")
	op := fs.String("operation", "", "the operation to run, when the query has several")
	// Flags may come before or after the query: query 'QUERY' --vars JSON.
	var positional []string
	for rest := args; ; {
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(positional) > 1 {
		return usageError("query takes one query (quote it), got %d arguments", len(positional))
	}
	var query string
	if len(positional) == 1 && positional[0] != "-" {
		query = positional[0]
	} else {
		b, err := io.ReadAll(io.LimitReader(stdin, resolvers.DefaultLimits.MaxBodyBytes+1))
		if err != nil {
			return fmt.Errorf("read query from standard input: %w", err)
		}
		query = string(b)
	}
	if strings.TrimSpace(query) == "" {
		return usageError("no query: give it as an argument or on standard input")
	}
	req := resolvers.Request{Query: query, OperationName: *op}
	if *vars != "" {
		// Numbers stay json.Number, as the HTTP handler reads them: a
		// float64 is no GraphQL Int.
		dec := json.NewDecoder(strings.NewReader(*vars))
		dec.UseNumber()
		if err := dec.Decode(&req.Variables); err != nil {
			return usageError("--vars is not a JSON object: %v", err)
		}
	}

	st, err := graph.Open(ctx, *db)
	if err != nil {
		return err // graph.Open names the store in its error
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	resp := resolvers.NewServer(st, resolvers.Options{Log: log, Introspection: true}).Do(ctx, req)
	out, err := json.Marshal(resp)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	out = append(out, '\n')
	_, err = stdout.Write(out)
	return err
}
