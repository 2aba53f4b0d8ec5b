package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"strings"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
	"github.com/policygraph/policygraph/seeds"
)

// runLoad extracts documents into the store, each in its own transaction.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", "load [--db DSN] [--title T --year Y --issuer I --place P] FILE...", stderr)
	db := fs.String("db", defaultDB, "the store: \"memory\", a bbolt file path or a postgres:// URL")
	var meta loaders.Meta
	fs.StringVar(&meta.Title, "title", "", "the document's title, when the text does not give it")
	fs.IntVar(&meta.Year, "year", 0, "the document's year, when the title and file name do not give it")
	fs.StringVar(&meta.Issuer, "issuer", "", "the issuing body (default: the place's people's government)")
	fs.StringVar(&meta.Place, "place", "", "the place the document governs, in any name form (成都, Chengdu)")
	quiet := fs.Bool("q", false, "print only the summary")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("load needs at least one FILE")
	}
	start := time.Now()
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		return err
	}
	st, err := graph.Open(ctx, *db)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	var failed []string
	var warnings int
	progress := newProgress(stderr, fs.NArg())
	for i, file := range fs.Args() {
		rep, err := loaders.LoadFile(ctx, st, gz, file, meta)
		progress.step(i + 1)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			fmt.Fprintf(stderr, "policygraph: %v\n", err)
			failed = append(failed, file)
			continue
		}
		warnings += len(rep.Warnings)
		if !*quiet {
			progress.clear()
			fmt.Fprintln(stdout, rep)
			for _, w := range rep.Warnings {
				fmt.Fprintf(stdout, "  warning: %s\n", w)
			}
		}
	}
	progress.clear()
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d of %d documents in %.2fs, %d warnings\n", fs.NArg()-len(failed), fs.NArg(), time.Since(start).Seconds(), warnings)
	printStats(stdout, stats)
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d documents failed: %s", len(failed), fs.NArg(), strings.Join(failed, ", "))
	}
	return nil
}

// runStats prints what the store holds.
func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("stats", "stats [--db DSN]", stderr)
	db := fs.String("db", defaultDB, "the store: \"memory\", a bbolt file path or a postgres:// URL")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("stats takes no arguments")
	}
	if *db != "memory" && !strings.Contains(*db, "://") {
		if _, err := os.Stat(*db); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no store at %s: load documents first (policygraph load --db %s FILE...)", *db, *db)
		}
	}
	st, err := graph.Open(ctx, *db)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	printStats(stdout, stats)
	return nil
}

func printStats(w io.Writer, s graph.Stats) {
	fmt.Fprintf(w, "documents: %d\n", s.Documents)
	fmt.Fprint(w, "nodes:")
	for _, k := range graph.Kinds {
		fmt.Fprintf(w, " %s %d", strings.ToLower(string(k)), s.Nodes[k])
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "facts:")
	for _, r := range graph.Relations {
		if n := s.Facts[r]; n > 0 {
			fmt.Fprintf(w, " %s %d", r, n)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "quads: %d\n", s.Quads)
}

// loadSeeds loads the embedded seed reports into st.
func loadSeeds(ctx context.Context, st *graph.Store, log *slog.Logger) error {
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		return err
	}
	for _, name := range seeds.Reports() {
		raw, err := fs.ReadFile(seeds.FS(), name)
		if err != nil {
			return err
		}
		rep, err := loaders.Load(ctx, st, gz, path.Join("seeds", name), raw, loaders.Meta{})
		if err != nil {
			return err
		}
		log.Info("loaded seed", "report", rep.String())
	}
	return nil
}

// progress draws a one-line progress bar on a terminal, and nothing
// otherwise.
type progress struct {
	w     io.Writer
	total int
	on    bool
}

func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	on := false
	if ok && total > 1 {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progress{w: w, total: total, on: on}
}

func (p *progress) step(n int) {
	if !p.on {
		return
	}
	const width = 30
	done := width * n / p.total
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("=", done), strings.Repeat(" ", width-done), n, p.total)
}

func (p *progress) clear() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
