// Command policygraph reads Chinese policy documents into a knowledge graph
// and answers relationship questions about it through GraphQL.
//
// Usage:
//
//	policygraph --version                           print the version and the commit it was built from
//	policygraph load   [--db DSN] [flags] FILE...   extract documents into the store
//	policygraph gen    [--reports N] [--seed S] DIR write a synthetic corpus of work reports
//	policygraph stats  [--db DSN]                    count what the store holds
//	policygraph query  [--db DSN | --url URL] 'QUERY' [--vars JSON]
//	                                                 run one GraphQL request in process, or on a server
//	policygraph serve  [--db DSN] [--addr :8080]     serve the explorer at /, /graphql, /graphiql, /healthz
//	policygraph export [--db DSN] --format F [--of NAME --hops N] [--base IRI] [--out FILE|DIR]
//	                                                 write the graph as GraphML, GEXF, Cytoscape JSON, N-Quads or CSV
//
// DSN is "memory", a file path for the embedded store (default ./policygraph.db),
// or a postgres:// URL. Flags may come before or after the arguments. Run
// "policygraph COMMAND -h" for a command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
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
		{"query", "run one GraphQL request (in process, or on a server with --url) and print the JSON response", runQuery},
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
	if args[0] == "--version" || args[0] == "-version" || args[0] == "version" {
		fmt.Fprintln(stdout, versionString())
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

// version is the release, set with -ldflags "-X main.version=v1.2.3"; when
// empty, the module version from the build information is used.
var version = ""

// commit is the commit built from, set with -ldflags "-X main.commit=HASH"
// (make build does) for builds the toolchain stamps no commit into: with
// -buildvcs=false, or in a git worktree, which go build does not recognise.
var commit = ""

// versionString says which policygraph this is: the version, and the commit
// it was built from (with "+dirty" for uncommitted changes) and its time
// when the Go toolchain recorded them, as go build does inside a git
// checkout unless -buildvcs=false. Binaries without them (go run, go test,
// -buildvcs=false, a worktree the toolchain does not recognise) say so.
func versionString() string {
	bi, _ := debug.ReadBuildInfo()
	return versionOf(version, commit, bi)
}

// versionOf is versionString for a given -X version and commit and build
// information (nil when there is none). The toolchain's commit wins over
// the -X one.
func versionOf(v, commit string, bi *debug.BuildInfo) string {
	when, dirty := "", false
	if bi != nil {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	out := "policygraph " + v
	if commit == "" {
		return out + " (commit unknown: built without version control information)"
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if dirty {
		commit += "+dirty"
	}
	out += " (commit " + commit
	if when != "" {
		out += ", " + when
	}
	return out + ")"
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: policygraph COMMAND [flags] [args]")
	fmt.Fprintln(w, "       policygraph --version")
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

// parseFlags parses args and turns flag errors into usage errors. Flags may
// come before, between or after the arguments (load FILE --db y.db): they are
// moved in front of the arguments first, as the flag package wants them. "--"
// ends the flags; everything after it is an argument.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(flagsFirst(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	return nil
}

// flagsFirst returns args with the flags of fs (and their values) before the
// other arguments, each group in its order. A flag that takes a value and is
// written without "=" takes the next argument as its value; an unknown flag
// is kept in front, for fs.Parse to refuse. "-" alone is an argument
// (standard input); "--" and what follows it stay last.
func flagsFirst(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 == len(args) {
			// A value flag at the very end has no value: let fs.Parse
			// say so rather than take "--" for its value.
			return flags
		}
		i++
		flags = append(flags, args[i])
	}
	if len(rest) > 0 && rest[0] != "--" {
		// Keep a "-" or a value that looks like a flag from being read as
		// one: the flag package stops at "--".
		flags = append(flags, "--")
	}
	return append(flags, rest...)
}
