package resolvers

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/policygraph/policygraph/graph"
)

// serveExport answers GET /export?format=graphml|gexf|cytoscape|nquads|csv
// [&of=NAME&hops=N][&base=IRI]: the whole graph, or the neighbourhood of NAME (any
// name form, resolved as GraphQL resolves names) within N hops (default 1,
// at most graph.MaxExportHops, at most graph.MaxExportNodes nodes), as a
// download. CSV comes as a zip of nodes.csv and edges.csv. Errors are JSON
// in the shape of GraphQL errors, with extensions.code INVALID_INPUT,
// NOT_FOUND (with suggestions) or LIMIT_EXCEEDED.
func (s *Server) serveExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format, err := graph.ParseExportFormat(q.Get("format"))
	if err != nil {
		s.exportError(w, r, err)
		return
	}
	scope := graph.ExportScope{Of: strings.TrimSpace(q.Get("of")), Base: q.Get("base")}
	if err := graph.CheckBase(scope.Base); err != nil {
		s.exportError(w, r, err)
		return
	}
	if _, given := q["of"]; given {
		if _, err := nonEmpty("of", scope.Of); err != nil {
			s.exportError(w, r, err)
			return
		}
	}
	if h := q.Get("hops"); h != "" {
		if scope.Of == "" {
			s.exportError(w, r, invalidf("hops needs of: give the name whose neighbourhood to export, e.g. of=成都&hops=2"))
			return
		}
		n, err := strconv.Atoi(h)
		if err != nil {
			s.exportError(w, r, invalidf("hops must be a whole number from 1 to %d, got %q", graph.MaxExportHops, h))
			return
		}
		if scope.Hops, err = hopCount("hops", &n, 1, graph.MaxExportHops); err != nil {
			s.exportError(w, r, err)
			return
		}
	}

	// Build the whole answer first, so that a failure is an error
	// response rather than a truncated download.
	ctx, cancel := context.WithTimeout(r.Context(), s.limits.Timeout)
	defer cancel()
	var body bytes.Buffer
	var centre *graph.Entity
	if format == graph.FormatNQuads {
		_, err = s.store.ExportNQuads(ctx, &body, scope)
		if err == nil && scope.Of != "" {
			if ns, ferr := s.store.Index().Find(scope.Of); ferr == nil {
				if es, eerr := s.store.Entities(ctx, []string{s.store.Index().Node(ns[0]).ID}); eerr == nil {
					centre = es[0]
				}
			}
		}
	} else {
		var g *graph.ExportGraph
		if g, err = s.store.ExportGraph(ctx, scope); err == nil {
			if c := g.Centre; c != nil {
				centre = &graph.Entity{ID: c.ID, Name: c.Name, English: c.English}
			}
			err = g.Write(&body, format)
		}
	}
	if err != nil {
		s.exportError(w, r, err)
		return
	}
	// The file name says what it holds: policygraph-成都-2hops.graphml, with
	// policygraph-Chengdu-2hops.graphml as the plain ASCII name that
	// clients without RFC 5987 filename* (curl -OJ) use.
	name, ascii := "policygraph", "policygraph"
	if centre != nil {
		name += "-" + centre.Name
		ascii += "-" + asciiName(centre)
	}
	if scope.Of != "" {
		hops := "-" + strconv.Itoa(max(scope.Hops, 1)) + "hops"
		name += hops
		ascii += hops
	}
	h := w.Header()
	h.Set("Content-Type", format.ContentType())
	h.Set("Content-Disposition", contentDisposition(name+format.Ext(), ascii+format.Ext()))
	h.Set("Content-Length", strconv.Itoa(body.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body.Bytes())
	}
}

// asciiName returns a name for e in printable ASCII, for a file name: its
// English name or pinyin when it has one (Chengdu), else the ASCII part of
// its ID (place-510100), else its kind.
func asciiName(e *graph.Entity) string {
	clean := func(s string) string {
		s = strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
				return r
			case r == ' ' || r == '/':
				return '-'
			}
			return -1
		}, s)
		for strings.Contains(s, "--") {
			s = strings.ReplaceAll(s, "--", "-")
		}
		return strings.Trim(s, "-.")
	}
	if c := cmp.Or(clean(e.English), clean(e.Pinyin)); c != "" {
		return c
	}
	kind, rest, _ := strings.Cut(e.ID, "/")
	if c := clean(rest); c != "" {
		return clean(kind) + "-" + c
	}
	return cmp.Or(clean(kind), "node")
}

// contentDisposition returns an attachment header for a file name, with the
// name in filename* (RFC 6266, RFC 5987 encoding) when it is not plain ASCII,
// and ascii as the plain filename that older clients read.
func contentDisposition(name, ascii string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
	ascii = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '%' || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, ascii)
	if ascii == name {
		return mime.FormatMediaType("attachment", map[string]string{"filename": name})
	}
	// mime.FormatMediaType writes a non-ASCII value as filename* alone;
	// older clients want a plain filename too.
	star := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	return star + `; filename="` + ascii + `"`
}

// exportError answers an export request that failed, with the code and
// status that fit, in the shape of a GraphQL error response.
func (s *Server) exportError(w http.ResponseWriter, r *http.Request, err error) {
	var code Code
	var msg string
	var suggestions []string
	switch {
	case errors.Is(err, graph.ErrBadExport):
		code, msg = CodeInvalidInput, strings.TrimPrefix(strings.TrimPrefix(err.Error(), "export: "), graph.ErrBadExport.Error()+": ")
	case errors.Is(err, graph.ErrExportTooLarge):
		code = CodeLimitExceeded
		msg = strings.TrimPrefix(strings.TrimPrefix(err.Error(), "export: "), graph.ErrExportTooLarge.Error()+": ")
		msg += fmt.Sprintf(" (an export of a neighbourhood may have at most %d hops and %d nodes; leave out of= for the whole graph)", graph.MaxExportHops, graph.MaxExportNodes)
	default:
		var unknown *graph.UnknownNameError
		if errors.As(err, &unknown) {
			code, suggestions = CodeNotFound, unknown.Suggestions
			msg = "of: " + unknown.Error() + " (names may be given as 成都, 成都市, Chengdu or an ID such as place/510100)"
		} else {
			code, msg, suggestions = classify(err)
		}
	}
	if code == CodeInternal {
		s.log.ErrorContext(r.Context(), "export failed", "url", r.URL.String(), "err", err)
	}
	status := map[Code]int{CodeInvalidInput: http.StatusBadRequest, CodeNotFound: http.StatusNotFound,
		CodeLimitExceeded: http.StatusUnprocessableEntity, CodeTimeout: http.StatusServiceUnavailable}[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	ext := map[string]any{"code": string(code)}
	if len(suggestions) > 0 {
		ext["suggestions"] = suggestions
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": ext}}})
}
