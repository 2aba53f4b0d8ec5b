package loaders

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/policygraph/policygraph/graph"
)

// AssignmentRule starts the Rule of every fact imported from a task
// assignment table. Such facts are stated (not inferred), and readers let
// them win over the roles the extractor inferred for the same initiative.
const AssignmentRule = "assignment table"

// Assignments reads a task-assignment table (CSV, UTF-8 or GBK, header row
// optional) whose columns are: initiative, lead body, co-bodies (separated
// by 、 ; or |). It returns the table as one document whose facts are LEADS
// and CO_BUILDS edges citing their row. place, when not nil, expands
// relative body names such as 市交通运输局.
func Assignments(gz *Gazetteer, file string, raw []byte, place *Place) (*graph.DocumentGraph, error) {
	text, _, err := Normalize(file, raw)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	sum := sha256.Sum256([]byte(text))
	doc := graph.Document{ID: graph.EntityID(graph.KindDocument, "assignments-"+graph.Key(base)), Title: "任务分工 " + base,
		Source: filepath.Base(file), Hash: hex.EncodeToString(sum[:])}
	b := &builder{gz: gz, d: &Doc{Place: place}, g: &graph.DocumentGraph{Document: doc},
		entities: map[string]*graph.Entity{}, place: place}
	line := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			return nil, &InputError{File: file, Reason: fmt.Sprintf("line %d: %v", line, err)}
		}
		if len(rec) < 2 || strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if line == 1 && isHeader(rec) {
			continue
		}
		name := strings.TrimSpace(rec[0])
		id := graph.EntityID(graph.KindInitiative, graph.Key(name))
		cat := graph.CategoryOther
		if h, ok := gz.headEndingAt([]rune(name), len([]rune(name))); ok {
			cat = h.category
		}
		b.entity(graph.Entity{ID: id, Kind: graph.KindInitiative, Name: name, Category: cat})
		ev := graph.Evidence{Document: doc.ID, Section: filepath.Base(file), Paragraph: line, Sentence: line,
			Text: strings.Join(rec, ",")}
		rule := fmt.Sprintf("%s %s:%d", AssignmentRule, filepath.Base(file), line)
		if lead := strings.TrimSpace(rec[1]); lead != "" {
			b.fact(b.addBody(b.bodyName(lead), "agency"), id, graph.RelLeads, "", false, rule, ev)
		}
		if len(rec) > 2 {
			for _, co := range strings.FieldsFunc(rec[2], func(r rune) bool { return strings.ContainsRune("、;；|,，", r) }) {
				if co = strings.TrimSpace(co); co != "" {
					b.fact(b.addBody(b.bodyName(co), "agency"), id, graph.RelCoBuilds, "", false, rule, ev)
				}
			}
		}
	}
	if len(b.g.Facts) == 0 {
		return nil, &InputError{File: file, Reason: "no assignments: want rows of initiative, lead body, co-bodies"}
	}
	return b.graph(), nil
}

// bodyName expands a body name relative to the table's place: 市交通运输局
// in Chengdu's table is 成都市交通运输局.
func (b *builder) bodyName(name string) string {
	if b.place != nil && !b.place.isRegion() && strings.HasPrefix(name, "市") {
		return b.place.Name + strings.TrimPrefix(name, "市")
	}
	return name
}

func isHeader(rec []string) bool {
	h := strings.ToLower(strings.Join(rec, ","))
	for _, w := range []string{"initiative", "lead", "任务", "牵头", "项目", "事项"} {
		if strings.Contains(h, w) {
			return true
		}
	}
	return false
}

// LoadAssignments reads the assignment table in file and writes it as its
// own document, in one transaction. place names the place relative body
// names belong to ("" for none).
func LoadAssignments(ctx context.Context, st *graph.Store, gz *Gazetteer, file, place string) (graph.WriteResult, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return graph.WriteResult{}, fmt.Errorf("read %s: %w", file, err)
	}
	var p *Place
	if place != "" {
		if p = gz.Lookup(place); p == nil {
			return graph.WriteResult{}, fmt.Errorf("unknown place %q", place)
		}
	}
	g, err := Assignments(gz, file, raw, p)
	if err != nil {
		return graph.WriteResult{}, err
	}
	if err := EnsureGazetteer(ctx, st, gz); err != nil {
		return graph.WriteResult{}, err
	}
	return st.WriteDocument(ctx, g)
}
