package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/resolvers"
)

// stdin is where query reads a query given as "-" or not at all; tests replace it.
var stdin io.Reader = os.Stdin

// maxResponseBytes bounds the answer query reads from a server.
const maxResponseBytes = 256 << 20

// runQuery runs one GraphQL request, in process against a store or over
// HTTP against a running server (--url, or POLICYGRAPH_URL), and prints the
// JSON response. A response with errors is printed too, and its messages
// go to stderr: the exit status is 1, so that scripts notice.
func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("query", "query [--db DSN | --url URL] [--vars JSON] [--operation NAME] ['QUERY' | -]", stderr)
	db := fs.String("db", defaultDB, "the store: \"memory\", a bbolt file path or a postgres:// URL")
	server := fs.String("url", os.Getenv("POLICYGRAPH_URL"), "ask the server at this URL (http://localhost:8080 or its /graphql) instead of opening a store,\nwhich works while serve holds the store; default $POLICYGRAPH_URL. Writes send $POLICYGRAPH_TOKEN as the bearer token")
	vars := fs.String("vars", "", "variables as a JSON object, e.g. '{\"a\": \"成都\"}'")
	op := fs.String("operation", "", "the operation to run, when the query has several")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["db"] && set["url"]:
		return usageError("give --db (open a store) or --url (ask a server), not both")
	case set["db"]:
		*server = "" // an explicit store wins over POLICYGRAPH_URL
	}
	positional := fs.Args()
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

	var out []byte
	var err error
	if *server != "" {
		out, err = queryServer(ctx, *server, req)
	} else {
		out, err = queryLocal(ctx, *db, req, stderr)
	}
	if err != nil {
		return err
	}
	out = append(bytes.TrimRight(out, "\n"), '\n')
	if _, err := stdout.Write(out); err != nil {
		return err
	}
	return responseError(out)
}

// queryLocal runs req in process on the store dsn and returns the JSON
// response.
func queryLocal(ctx context.Context, dsn string, req resolvers.Request, stderr io.Writer) ([]byte, error) {
	st, err := graph.Open(ctx, dsn)
	if err != nil && strings.Contains(err.Error(), "store is in use") {
		return nil, fmt.Errorf("%w\nask the server that holds it instead: policygraph query --url http://HOST:PORT (or set POLICYGRAPH_URL)", err)
	} else if err != nil {
		return nil, err // graph.Open names the store in its error
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	resp := resolvers.NewServer(st, resolvers.Options{Log: log, Introspection: true}).Do(ctx, req)
	out, err := json.Marshal(resp)
	if err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	return out, nil
}

// queryServer posts req to the GraphQL endpoint of the server at base (its
// root or its /graphql) and returns the JSON response. Any answer with a
// GraphQL response body is returned whatever its status (a NOT_FOUND comes
// with 200, a bad query with 400); anything else is an error.
func queryServer(ctx context.Context, base string, req resolvers.Request) ([]byte, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageError("--url must be an http:// or https:// URL such as http://localhost:8080, got %q", base)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/graphql"
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", u, err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	if tok := os.Getenv("POLICYGRAPH_TOKEN"); tok != "" {
		hreq.Header.Set("Authorization", "Bearer "+tok)
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	resp, err := client.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w (is policygraph serve running there?)", u, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("query %s: read the answer: %w", u, err)
	}
	if len(out) > maxResponseBytes {
		return nil, fmt.Errorf("query %s: the answer is over %d MiB: ask for less (first, fewer fields)", u, maxResponseBytes>>20)
	}
	var probe struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(out, &probe) != nil || (probe.Data == nil && probe.Errors == nil) {
		return nil, fmt.Errorf("query %s: %s, not a GraphQL answer: %.200s", u, resp.Status, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// responseError returns an error carrying the messages of a GraphQL
// response's errors (with their codes), or nil when it has none.
func responseError(resp []byte) error {
	var r struct {
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(resp, &r); err != nil || len(r.Errors) == 0 {
		return nil
	}
	msgs := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		m := e.Message
		if c := e.Extensions.Code; c != "" {
			m = c + ": " + m
		}
		msgs[i] = m
	}
	return errors.New(strings.Join(msgs, "\npolicygraph: "))
}
