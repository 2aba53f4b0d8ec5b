// Package seeds holds policygraph's data files, embedded into the binary: the
// seed reports loaded into an empty store, the gazetteer of places, regions,
// abbreviations, programmes and bodies, the cue words the extractor reads
// (initiative head nouns, stage verbs, units) and the sector -> department
// table. It holds knowledge, never answers: nothing here lists the
// initiatives of a particular report.
package seeds

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed *.txt *.tsv gazetteer/*.tsv cues/*
var files embed.FS

// FS returns the embedded data files.
func FS() fs.FS { return files }

// Reports returns the names of the embedded seed reports, in order.
func Reports() []string {
	entries, _ := fs.ReadDir(files, ".")
	var out []string
	for _, e := range entries {
		if !e.IsDir() && path.Ext(e.Name()) == ".txt" {
			out = append(out, e.Name())
		}
	}
	return out
}

// Table reads a tab-separated data file: it skips blank lines and lines
// starting with #, and returns the rows, the header row first when the file
// has one. Each row keeps its line number for error messages and evidence.
func Table(name string) ([]Row, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rows = append(rows, Row{Line: i + 1, Fields: strings.Split(line, "\t")})
	}
	return rows, nil
}

// Row is one line of a data file.
type Row struct {
	Line   int
	Fields []string
}

// Get returns field i, or "" when the row is shorter.
func (r Row) Get(i int) string {
	if i < len(r.Fields) {
		return strings.TrimSpace(r.Fields[i])
	}
	return ""
}
