package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/policygraph/policygraph/graph"
)

// runExport writes the whole graph, or the neighbourhood of one name, as
// GraphML, GEXF, Cytoscape JSON, N-Quads, CSV or GeoJSON.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "export [--db DSN] --format graphml|gexf|cytoscape|nquads|csv|geojson [--of NAME [--hops N]] [--base IRI] [--out FILE|DIR]", stderr)
	db := fs.String("db", defaultDB, "the store: \"memory\", a bbolt file path or a postgres:// URL")
	format := fs.String("format", "", "graphml or gexf (Gephi), cytoscape (Cytoscape.js JSON), nquads (RDF N-Quads of the store's quads: loads back with no loss), csv (nodes.csv and edges.csv), geojson (places as points, initiatives as lines between them; QGIS, geopandas)")
	of := fs.String("of", "", "export only the neighbourhood of this name (成都, 成都市, Chengdu or an ID such as place/510100)")
	hops := fs.Int("hops", 1, fmt.Sprintf("with --of: how many edges to walk from it, 1 to %d", graph.MaxExportHops))
	base := fs.String("base", graph.DefaultBase, "nquads: the absolute IRI written before every ID, predicate and graph name (load --nquads reads it back from the file's first line)")
	out := fs.String("out", "", "the file to write (default: standard output); for csv a directory that gets nodes.csv and edges.csv, or a FILE.zip")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("export takes no arguments, got %q: give the name with --of", fs.Args())
	}
	f, err := graph.ParseExportFormat(*format)
	if err != nil {
		return usageError("--format: %s", strings.TrimPrefix(err.Error(), graph.ErrBadExport.Error()+": "))
	}
	hopsSet := false
	fs.Visit(func(fl *flag.Flag) { hopsSet = hopsSet || fl.Name == "hops" })
	if hopsSet && strings.TrimSpace(*of) == "" {
		return usageError("--hops needs --of: give the name whose neighbourhood to export")
	}
	if *hops < 1 || *hops > graph.MaxExportHops {
		return usageError("--hops must be from 1 to %d, got %d", graph.MaxExportHops, *hops)
	}
	csvDir := f == graph.FormatCSV && !strings.HasSuffix(strings.ToLower(*out), ".zip")
	if csvDir && *out == "" {
		return usageError("csv writes two files: give --out DIR for nodes.csv and edges.csv, or --out FILE.zip")
	}
	if err := graph.CheckBase(*base); err != nil {
		return usageError("--base: %s", strings.TrimPrefix(err.Error(), graph.ErrBadExport.Error()+": "))
	}
	scope := graph.ExportScope{Of: strings.TrimSpace(*of), Hops: *hops, Base: *base}

	st, err := graph.Open(ctx, *db)
	if err != nil {
		return err // graph.Open names the store in its error
	}
	defer st.Close()

	if csvDir {
		g, err := st.ExportGraph(ctx, scope)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := writeFile(filepath.Join(*out, "nodes.csv"), g.WriteCSVNodes); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(*out, "edges.csv"), g.WriteCSVEdges); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %d nodes and %d edges to %s\n", len(g.Nodes), len(g.Edges), filepath.Join(*out, "{nodes,edges}.csv"))
		return nil
	}
	write := func(w io.Writer) error { return st.Export(ctx, w, f, scope) }
	if *out == "" || *out == "-" {
		return write(stdout)
	}
	return writeFile(*out, write)
}

// writeFile writes a file through a temporary file in the same directory,
// so that a failed export leaves no partial file behind.
func writeFile(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// loadNQuads adds the quads of an N-Quads file (as "export --format nquads"
// writes it, or wrote it before IRIs were absolute) to the store dsn, in one
// transaction, and prints what it did. base is the IRI the file was
// exported under when its first line does not say ("" for that line's, or
// graph.DefaultBase).
// It is what "load --nquads FILE" runs.
func loadNQuads(ctx context.Context, dsn, file, base string, quiet bool, stdout io.Writer) (err error) {
	in, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("load N-Quads: %w", err)
	}
	defer in.Close()
	st, created, err := openForLoad(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil && created { // a refused backup leaves no new store
			removeCreatedStore(st, dsn)
		}
		st.Close()
	}()
	res, err := st.ImportNQuadsBase(ctx, in, base)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintf(stdout, "%s: read %d quads, added %d (%d were stored already)\n", file, res.Read, res.Added, res.Read-res.Added)
	if quiet {
		return nil
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	printStats(stdout, stats)
	return nil
}
