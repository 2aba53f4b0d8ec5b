package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/policygraph/policygraph/loaders"
)

// runGen writes a synthetic corpus of government work reports.
func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gen", "gen [--reports N] [--seed S] DIR", stderr)
	n := fs.Int("reports", 100, "how many reports to write (about 10 KB each)")
	seed := fs.Int64("seed", 1, "the corpus seed: the same seed gives the same reports")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("gen needs one DIR")
	}
	if *n < 0 {
		return usageError("--reports must not be negative")
	}
	dir := fs.Arg(0)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	var bytes int64
	err := loaders.Synthesize(*seed, *n, func(name string, text []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		bytes += int64(len(text))
		return os.WriteFile(filepath.Join(dir, name), text, 0o644)
	})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %d reports (%s bytes) to %s\n", *n, strconv.FormatInt(bytes, 10), dir)
	return nil
}
