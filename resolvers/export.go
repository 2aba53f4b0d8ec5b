package resolvers

import (
	"bytes"
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
	name := "policygraph"
	if format == graph.FormatNQuads {
		_, err = s.store.ExportNQuads(ctx, &body, scope)
		if err == nil && scope.Of != "" {
			if ns, ferr := s.store.Index().Find(scope.Of); ferr == nil {
				name += "-" + s.store.Index().Node(ns[0]).Name
			}
		}
	} else {
		var g *graph.ExportGraph
		if g, err = s.store.ExportGraph(ctx, scope); err == nil {
			if g.Centre != nil {
				name += "-" + g.Centre.Name
			}
			err = g.Write(&body, format)
		}
	}
	if err != nil {
		s.exportError(w, r, err)
		return
	}
	if scope.Of != "" {
		name += "-" + strconv.Itoa(max(scope.Hops, 1)) + "hops"
	}
	h := w.Header()
	h.Set("Content-Type", format.ContentType())
	h.Set("Content-Disposition", contentDisposition(name+format.Ext()))
	h.Set("Content-Length", strconv.Itoa(body.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body.Bytes())
	}
}

// contentDisposition returns an attachment header for a file name, with the
// name's non-ASCII form in filename* (RFC 6266) and an ASCII fallback.
func contentDisposition(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
	ascii := strings.Map(func(r rune) rune {
		if r > 0x7e || r == '"' || r == '%' {
			return -1
		}
		return r
	}, name)
	if ascii == name {
		return mime.FormatMediaType("attachment", map[string]string{"filename": name})
	}
	// mime.FormatMediaType writes a non-ASCII value as filename* alone;
	// older clients want a plain filename too.
	star := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	return star + `; filename="` + strings.Trim(strings.ReplaceAll(ascii, "--", "-"), "-") + `"`
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
