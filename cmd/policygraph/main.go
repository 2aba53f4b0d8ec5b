// Command policygraph reads Chinese policy documents into a knowledge graph
// and answers relationship questions about it through GraphQL.
//
// Usage:
//
//	policygraph load   [--db DSN] [flags] FILE...   extract documents into the store
//	policygraph gen    [--reports N] [--seed S] DIR write a synthetic corpus of work reports
//	policygraph stats  [--db DSN]                    count what the store holds
//	policygraph query  [--db DSN] 'QUERY' [--vars JSON]  run one GraphQL request in-process
//	policygraph serve  [--db DSN] [--addr :8080]     serve the explorer at /, /graphql, /graphiql, /healthz
//	policygraph export [--db DSN] --format F [--of NAME --hops N] [--out FILE|DIR]
//	                                                 write the graph as GraphML, GEXF, Cytoscape JSON, N-Quads or CSV
//
// DSN is "memory", a file path for the embedded store (default ./policygraph.db),
// or a postgres:// URL. Run "policygraph COMMAND -h" for a command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// defaultDB is the store used when --db is not given.
const defaultDB = "./policygraph.db"

// command is one subcommand: Run parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"load", "extract documents into the store", runLoad},
		{"gen", "write a synthetic corpus of work reports", runGen},
		{"stats", "count what the store holds", runStats},
		{"query", "run one GraphQL request in-process and print the JSON response", runQuery},
		{"serve", "serve /graphql, /graphiql and /healthz", runServe},
		{"export", "write the graph or a neighbourhood as GraphML, GEXF, Cytoscape JSON, N-Quads or CSV", runExport},
	}
}

// errUsage marks errors caused by bad command-line usage (exit status 2).
var errUsage = errors.New("usage")

// usageError wraps a message so that main exits with status 2.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Main runs the command line args and returns the exit status: 0 on success,
// 1 on failure, 2 on bad usage.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "policygraph %s: %s\n", c.name, strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
			return 2
		default:
			fmt.Fprintf(stderr, "policygraph: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "policygraph: unknown command %q\n", args[0])
	printUsage(stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: policygraph COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-6s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The store (--db) is \"memory\", a file path for the embedded store (default ./policygraph.db),")
	fmt.Fprintln(w, "or a postgres:// URL. Run 'policygraph COMMAND -h' for a command's flags.")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("policygraph "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: policygraph %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	return nil
}
