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
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
	"github.com/policygraph/policygraph/seeds"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// runLoad extracts documents into the store: a pool of workers extracts
// files in parallel, and one writer commits their graphs in batches, each
// document whole or not at all.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlagSet("load", "load [--db DSN] [-j N] [--title T --year Y --issuer I --place P] FILE...", stderr)
	db := fs.String("db", defaultDB, "the store: \"memory\", a bbolt file path or a postgres:// URL")
	var meta loaders.Meta
	fs.StringVar(&meta.Title, "title", "", "the document's title, when the text does not give it")
	fs.IntVar(&meta.Year, "year", 0, "the document's year, when the title and file name do not give it")
	fs.StringVar(&meta.Issuer, "issuer", "", "the issuing body (default: the place's people's government)")
	fs.StringVar(&meta.Place, "place", "", "the place the document governs, in any name form (成都, Chengdu)")
	quiet := fs.Bool("q", false, "print only the summary line: no line per file, no progress bar, no statistics (errors still go to stderr)")
	workers := fs.Int("j", runtime.GOMAXPROCS(0), "how many files to extract at once")
	nquads := fs.String("nquads", "", "load an N-Quads file written by 'export --format nquads' (a backup) instead of documents")
	base := fs.String("base", "", "with --nquads: the base IRI the backup was exported with, when its first line does not name it")
	assignments := fs.String("assignments", "", "a task-assignment CSV (initiative, lead body, co-bodies) loaded after the documents; its roles win over inferred ones")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *base != "" && *nquads == "" {
		return usageError("--base goes with --nquads")
	}
	if *nquads != "" {
		if fs.NArg() > 0 {
			return usageError("--nquads loads a backup and takes no FILE")
		}
		return loadNQuads(ctx, *db, *nquads, *base, *quiet, stdout)
	}
	if fs.NArg() == 0 && *assignments == "" {
		return usageError("load needs at least one FILE")
	}
	if *assignments != "" {
		defer func() {
			if err == nil {
				err = loadAssignmentTable(ctx, *db, *assignments, meta.Place, *quiet, stdout)
			}
		}()
		if fs.NArg() == 0 {
			return nil
		}
	}
	if *workers < 1 {
		return usageError("-j must be at least 1")
	}
	if os.Getenv("GOGC") == "" {
		// A load allocates fast and keeps little (the index and caches): a
		// collection per 5× growth instead of 2× took 1,000 reports on bolt
		// from 166-176 s to 165-168 s, at 1.7-1.9× the peak memory. The soft
		// limit, at most half the machine's or container's memory, keeps
		// the heap in bounds. GOGC and GOMEMLIMIT set by the user win.
		defer debug.SetGCPercent(debug.SetGCPercent(loadGCPercent))
		if os.Getenv("GOMEMLIMIT") == "" {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(loadMemoryLimit()))
		}
	}
	start := time.Now()
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		return err
	}
	files := fs.Args()
	st, created, err := openForLoad(ctx, *db)
	if err != nil {
		return err
	}
	var failed []string
	defer func() {
		// A store this command created and put nothing in is removed: a
		// load whose every file was refused leaves no empty store behind.
		if created && len(failed) == len(files) {
			removeCreatedStore(st, *db)
		}
		st.Close()
	}()
	if err := loaders.EnsureGazetteer(ctx, st, gz); err != nil {
		failed = files
		return err
	}
	var warnings int
	progress := newProgress(stderr, len(files), *quiet)
	done := 0
	report := func(rep loaders.Report, err error) {
		done++
		if err != nil {
			progress.clear()
			fmt.Fprintf(stderr, "policygraph: %v\n", err)
			failed = append(failed, rep.File)
		} else {
			warnings += len(rep.Warnings)
			if !*quiet {
				progress.clear()
				fmt.Fprintln(stdout, rep)
				for _, w := range rep.Warnings {
					fmt.Fprintf(stdout, "  warning: %s\n", w)
				}
			}
		}
		progress.step(done)
	}
	if err := loadFiles(ctx, st, gz, files, meta, *workers, report); err != nil {
		// The store failed, or the load was cancelled: a batch may have
		// been committed before its documents were reported, so the store
		// stays, whatever this command reported.
		progress.clear()
		return err
	}
	progress.finish()
	took := time.Since(start) // the load, not the count below (minutes on tens of millions of quads)
	fmt.Fprintf(stdout, "loaded %d of %d documents in %.2fs, %d warnings\n", len(files)-len(failed), len(files), took.Seconds(), warnings)
	if !*quiet && len(failed) < len(files) {
		stats, err := st.Stats(ctx)
		if err != nil {
			return err
		}
		printStats(stdout, stats)
	}
	if created && len(failed) == len(files) {
		return fmt.Errorf("no document loaded, so no store was created at %s", *db)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d documents failed: %s", len(failed), len(files), strings.Join(failed, ", "))
	}
	return nil
}

// extracted is one file's graph, or why there is none.
type extracted struct {
	file string
	g    *graph.DocumentGraph
	err  error
}

// loadFiles extracts files with a pool of workers and writes their graphs
// with one writer, in batches of up to writeBatch documents (the store packs
// them into transactions of about graph.BatchQuads quads). It calls report
// once per file, in the order of files, so that a later file with the same
// document ID replaces an earlier one as a sequential load would. A file
// that fails does not stop the others; only a failure of the store or the
// end of ctx does, and is returned.
func loadFiles(ctx context.Context, st *graph.Store, gz *loaders.Gazetteer, files []string, meta loaders.Meta,
	workers int, report func(loaders.Report, error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// window bounds how far extraction runs ahead of writing. It lets a
	// transaction of graph.BatchQuads fill (about 20 reports) while the
	// previous one commits.
	window := max(4*workers, 48)
	slots := make(chan struct{}, window)
	jobs := make(chan int)
	out := make([]chan extracted, len(files))
	for i := range out {
		out[i] = make(chan extracted, 1)
	}
	go func() {
		defer close(jobs)
		for i := range files {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for i := range jobs {
				g, err := extractFile(ctx, gz, files[i], meta)
				out[i] <- extracted{file: files[i], g: g, err: err}
			}
		}()
	}
	var pending []extracted
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		gs := make([]*graph.DocumentGraph, len(pending))
		for k, e := range pending {
			gs[k] = e.g
		}
		res, err := st.WriteDocuments(ctx, gs)
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		for k, e := range pending {
			r := res[k]
			if r.Err != nil {
				report(loaders.Report{File: e.file}, fmt.Errorf("write %s: %w", e.file, r.Err))
				continue
			}
			report(documentReport(e.file, e.g, r), nil)
		}
		pending = pending[:0]
		return err
	}
	for i := range files {
		var e extracted
		select {
		case e = <-out[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-slots
		if e.err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := flush(); err != nil { // keep reports in file order
				return err
			}
			report(loaders.Report{File: e.file}, e.err)
			continue
		}
		pending = append(pending, e)
		// Write when a batch is full or nothing else is ready: the writer
		// never waits for extraction while it has work.
		ready := i+1 < len(files) && len(out[i+1]) > 0
		if len(pending) >= writeBatch || !ready {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// loadGCPercent is the garbage collector's GOGC during a load (see
// loadMemoryLimit for its GOMEMLIMIT).
const loadGCPercent = 400

// writeBatch is the most documents loadFiles hands WriteDocuments at once.
const writeBatch = 128

// extractFile reads and extracts one file, refusing oversized input before
// reading it.
func extractFile(ctx context.Context, gz *loaders.Gazetteer, file string, meta loaders.Meta) (*graph.DocumentGraph, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if info.Size() > loaders.MaxInputBytes {
		return nil, &loaders.InputError{File: file, Reason: fmt.Sprintf("document is %d bytes, over the %d MiB limit", info.Size(), loaders.MaxInputBytes>>20)}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return loaders.Extract(ctx, gz, file, raw, meta)
}

// documentReport is what loading g did, as loaders.Load reports it.
func documentReport(file string, g *graph.DocumentGraph, r graph.WriteResult) loaders.Report {
	rep := loaders.Report{File: file, Document: g.Document.ID, Unchanged: r.Unchanged, Replaced: r.Replaced,
		Quads: r.QuadsAdded, Counts: map[graph.Kind]int{}, Facts: len(g.Facts), Warnings: g.Warnings}
	for _, e := range g.Entities {
		rep.Counts[e.Kind]++
	}
	return rep
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
		return err // graph.Open names the store in its error
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

// openForLoad opens the store dsn for a load and tells whether the load
// creates it: a bbolt file that did not exist.
func openForLoad(ctx context.Context, dsn string) (st *graph.Store, created bool, err error) {
	if dsn != "memory" && !strings.Contains(dsn, "://") {
		_, statErr := os.Stat(dsn)
		created = errors.Is(statErr, os.ErrNotExist)
	}
	st, err = graph.Open(ctx, dsn)
	if err != nil {
		return nil, false, err // graph.Open names the store in its error
	}
	return st, created, nil
}

// removeCreatedStore closes st and removes the bbolt file path that a load
// created but put no document in, with the index snapshot Close writes
// beside it.
func removeCreatedStore(st *graph.Store, path string) {
	st.Close()
	os.Remove(path)
	os.Remove(path + ".index")
}

// manyFiles is the number of files from which a load reports its progress
// even when stderr is not a terminal (a log file, a CI job).
const manyFiles = 100

// progress shows how a load of several files goes, on stderr: on a terminal
// a bar (schollz/progressbar) with the count done of all, the rate and the
// time left; elsewhere, for manyFiles or more, a line at each tenth. It
// shows nothing for one file, or with -q.
type progress struct {
	bar   *progressbar.ProgressBar // on a terminal
	w     io.Writer                // the lines elsewhere; nil for none
	total int
	start time.Time
	tenth int // the last tenth reported as a line
}

func newProgress(w io.Writer, total int, quiet bool) *progress {
	p := &progress{total: total, start: time.Now()}
	if quiet || total < 2 {
		return p
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = newBar(w, total)
	} else if total >= manyFiles {
		p.w = w
	}
	return p
}

// newBar returns the bar drawn on a terminal: "loading  40% |████    |
// (40/100, 12 files/s) [3s:5s]", the last two being the time taken and left.
func newBar(w io.Writer, total int) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("loading"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("files"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionClearOnFinish(),
	)
}

// step records that n files are done.
func (p *progress) step(n int) {
	switch {
	case p.bar != nil:
		p.bar.Set(n)
	case p.w != nil:
		if tenth := 10 * n / p.total; tenth > p.tenth || n == p.total {
			p.tenth = tenth
			elapsed := time.Since(p.start)
			rate := float64(n) / max(elapsed.Seconds(), 1e-3)
			left := time.Duration(float64(p.total-n) / rate * float64(time.Second))
			fmt.Fprintf(p.w, "load: %d/%d files (%d%%), %.1f files/s, %v taken, about %v left\n",
				n, p.total, 100*n/p.total, rate, elapsed.Round(time.Second), left.Round(time.Second))
		}
	}
}

// clear takes the bar off the terminal's line before other output; the next
// step draws it again.
func (p *progress) clear() {
	if p.bar != nil {
		p.bar.Clear()
	}
}

// finish takes the bar away at the end of the load.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar.Clear()
	}
}

// loadAssignmentTable imports a task-assignment table as its own document.
// place names the place that relative body names (市交通运输局) belong to.
func loadAssignmentTable(ctx context.Context, dsn, file, place string, quiet bool, stdout io.Writer) (err error) {
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		return err
	}
	st, created, err := openForLoad(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil && created {
			removeCreatedStore(st, dsn)
		}
		st.Close()
	}()
	res, err := loaders.LoadAssignments(ctx, st, gz, file, place)
	if err != nil {
		return err
	}
	switch {
	case quiet:
	case res.Unchanged:
		fmt.Fprintf(stdout, "%s: assignments unchanged\n", file)
	default:
		fmt.Fprintf(stdout, "%s: loaded assignments, %d quads\n", file, res.QuadsAdded)
	}
	return nil
}
