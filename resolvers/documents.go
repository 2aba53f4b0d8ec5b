package resolvers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/schema"
)

// DocumentMeta is what a writer says about a document its text may not say.
type DocumentMeta struct {
	Title  string
	Year   int
	Issuer string
	Place  string // any name form of the place the document governs

	// Replace lets the document replace a stored one with the same ID but
	// another name (Report.txt after report.md). Without it that is a
	// CONFLICT; the same name replaces its earlier version either way.
	Replace bool
}

// LoadReport says what loading one document did. (POST /documents answers
// with the GraphQL LoadReport, as JSON.)
type LoadReport struct {
	Document  string // the document's ID
	Unchanged bool   // the same text was stored already
	Replaced  bool   // another version was stored and has been replaced
	Quads     int    // quads added
	Facts     int
	Counts    map[graph.Kind]int // entities extracted, by kind
	Warnings  []string
}

// LoadFunc extracts raw, the bytes of a document called name, and writes it
// to the store in one transaction. Errors a writer can fix are *Error with
// CodeInvalidInput (or CodeLimitExceeded, for a document whose extraction
// ran past its time budget); anything else is reported as INTERNAL. Package
// cmd wires the loaders in (resolvers and loaders never import each other).
type LoadFunc func(ctx context.Context, name string, raw []byte, meta DocumentMeta) (LoadReport, error)

// loadTimeout bounds one document write over HTTP (POST /documents, and a
// mutation's fields): extraction of a large document takes longer than a
// query may. (The loader may bound extraction tighter: see LoadFunc.)
const loadTimeout = 2 * time.Minute

// maxNameBytes bounds a document's name.
const maxNameBytes = 200

// documentName checks a document's name and keeps only its last element.
// Names become IDs, titles and sources that others display: control
// characters (NUL, CR, LF) and bidi controls, which make a name read as
// another, are refused, and so is a name with nothing left for an ID.
func documentName(name string) (string, error) {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	switch {
	case name == "" || name == "." || name == "/":
		return "", invalidf("a document needs a name (e.g. 成都市2023年政府工作报告.txt): the document's ID derives from it; give meta.name, the upload's file name or ?name=")
	case len(name) > maxNameBytes:
		return "", invalidf("a document's name may be at most %d bytes, got %d", maxNameBytes, len(name))
	}
	if err := plainText("the document's name", name); err != nil {
		return "", err
	}
	if graph.DocumentID(name) == graph.EntityID(graph.KindDocument, "") {
		return "", invalidf("the document's name %q leaves nothing for its ID (the ID is the name without its extension, brackets, quotes and spaces): give it a name such as 成都市2023年政府工作报告.txt", name)
	}
	return name, nil
}

// plainText refuses invalid UTF-8, control characters and bidi controls in
// a name or a field that is shown to others.
func plainText(what, s string) error {
	if !utf8.ValidString(s) {
		return invalidf("%s is not valid UTF-8: send it as UTF-8 (URL-encoded in a query string)", what)
	}
	for i, r := range s {
		switch {
		case unicode.Is(unicode.Cc, r):
			return invalidf("%s holds the control character %U at byte %d: names may not hold NUL, line breaks, tabs or other control characters", what, r, i)
		case isBidiControl(r):
			return invalidf("%s holds the bidi control %U at byte %d, which makes text read as other text: remove it", what, r, i)
		}
	}
	return nil
}

// isBidiControl tells the invisible characters that change the direction
// of the text around them: embeddings and overrides (U+202A–U+202E),
// isolates (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C).
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// load runs the loader after checking write access, and turns its report
// into the GraphQL one.
func (r *Resolver) loadDocument(ctx context.Context, name string, raw []byte, meta DocumentMeta) (*schema.LoadReport, error) {
	if err := writeAccess(ctx, r.load != nil); err != nil {
		return nil, err
	}
	name, err := documentName(name)
	if err != nil {
		return nil, err
	}
	if err := r.mayWrite(ctx, name, graph.DocumentID(name), meta.Replace); err != nil {
		return nil, err
	}
	if len(raw) == 0 || strings.TrimSpace(string(raw)) == "" {
		return nil, invalidf("the document %s is empty: send its text", name)
	}
	rep, err := r.load(ctx, name, raw, meta)
	if err != nil {
		return nil, err
	}
	out := &schema.LoadReport{
		Document: rep.Document, Unchanged: rep.Unchanged, Replaced: rep.Replaced,
		Quads: rep.Quads, Facts: rep.Facts, Warnings: rep.Warnings, Entities: []*schema.KindCount{},
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	for _, k := range graph.Kinds {
		if n := rep.Counts[k]; n > 0 {
			out.Entities = append(out.Entities, &schema.KindCount{Kind: k, Count: n})
		}
	}
	// Read past the request's batch loader: it may hold the old version.
	// The document is written: the answer says so even if the request's
	// time ran out meanwhile.
	if d, err := r.store.Document(context.WithoutCancel(ctx), rep.Document); err == nil {
		out.Stored = &schema.Document{Document: d}
	} else if !errors.Is(err, graph.ErrNotFound) {
		return nil, err
	}
	return out, nil
}

// removeDocument removes a stored document after checking write access.
func (r *Resolver) removeDocument(ctx context.Context, id string) error {
	if err := writeAccess(ctx, true); err != nil {
		return err
	}
	if graph.KindOf(id) != graph.KindDocument {
		return invalidf("%q is not a document ID: document IDs look like document/成都市2023年政府工作报告 (see documents { id })", id)
	}
	if err := r.mayWrite(ctx, "", id, false); err != nil {
		return err
	}
	err := r.store.RemoveDocument(ctx, id)
	if errors.Is(err, graph.ErrNotFound) {
		return errorf(CodeNotFound, "no document %s is stored: documents { id } lists those that are", id)
	}
	return err
}

// mayWrite refuses a write to the document id (from a document called
// name, "" for a removal) before any work is done, if it is protected or,
// unless replace, holds a document of another name. The Store checks again
// when it commits.
func (r *Resolver) mayWrite(ctx context.Context, name, id string, replace bool) error {
	if slices.Contains(r.protected, id) {
		return protectedError(id, name)
	}
	d, err := r.store.Document(ctx, id)
	switch {
	case errors.Is(err, graph.ErrNotFound):
		return nil
	case err != nil:
		return err
	case d.Protected:
		return protectedError(id, name)
	case name != "" && !replace && d.Source != name:
		return conflictError(id, d.Source, name)
	}
	return nil
}

// conflictError says why a document of another name cannot replace one.
func conflictError(id, stored, name string) *Error {
	return errorf(CodeConflict, "the name %q gives the ID %s, which holds the document %q: load it under that name to replace it, send replace=true (replace: true in GraphQL) to replace it anyway, or give the document another name", name, id, stored)
}

// protectedError says why a protected document cannot be written.
func protectedError(id, name string) *Error {
	if name == "" {
		return errorf(CodeForbidden, "%s is protected (it holds what other documents refer to, such as the gazetteer): it can be neither removed nor replaced, so a document whose name gives this ID needs another name", id)
	}
	return errorf(CodeForbidden, "the name %q gives the ID %s, a protected document (it holds what other documents refer to, such as the gazetteer) that cannot be replaced: give the document another name", name, id)
}

// serveDocuments is POST /documents: one document, as a multipart upload
// (a part named "file", with fields name, title, year, issuer and place) or
// as the raw body with ?name= and the same fields as query parameters. It
// answers the LoadReport as JSON: 201 when the document is new, 200 when it
// replaced or matched a stored version.
func (s *Server) serveDocuments(w http.ResponseWriter, r *http.Request) {
	if err := writeAccess(r.Context(), s.resolver.load != nil); err != nil {
		var e *Error
		errors.As(err, &e)
		writeError(w, authStatus(e.Code), e)
		return
	}
	limit := s.limits.MaxDocumentBytes
	if r.ContentLength > limit+multipartSlack {
		writeError(w, http.StatusRequestEntityTooLarge, documentTooBig(limit))
		return
	}
	name, raw, meta, err := s.readUpload(w, r, limit)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = invalidf("could not read the upload: %v", err)
		}
		status := http.StatusBadRequest
		if e.Code == CodeLimitExceeded {
			status = http.StatusRequestEntityTooLarge
		}
		writeError(w, status, e)
		return
	}
	// The answer must go out before the connection's write deadline, which
	// the server sets for queries: move it past the load's own.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(loadTimeout + 10*time.Second))
	ctx, cancel := context.WithTimeout(r.Context(), loadTimeout)
	defer cancel()
	rep, err := s.resolver.loadDocument(ctx, name, raw, meta)
	if err != nil {
		code, msg, _ := classify(err)
		if code == CodeInternal {
			s.log.ErrorContext(ctx, "internal error", "path", r.URL.Path, "document", name, "err", err)
		}
		status := http.StatusUnprocessableEntity
		var tooLarge *graph.TooLargeError
		switch code {
		case CodeInternal:
			status = http.StatusInternalServerError
		case CodeTimeout:
			status = http.StatusServiceUnavailable
		case CodeUnauthenticated, CodeForbidden:
			status = authStatus(code)
		case CodeConflict:
			status = http.StatusConflict
		case CodeLimitExceeded:
			if errors.As(err, &tooLarge) {
				status = http.StatusRequestEntityTooLarge
			}
		}
		writeError(w, status, &Error{Code: code, Message: msg})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if !rep.Replaced && !rep.Unchanged {
		w.WriteHeader(http.StatusCreated)
	}
	json.NewEncoder(w).Encode(rep)
}

// multipartSlack is what a multipart envelope may add to a document's size.
const multipartSlack = 64 << 10

// documentTooLarge says why a document that would write too many quads is
// refused: its size in bytes is within the limit, but what it states is not.
func documentTooLarge(e *graph.TooLargeError) *Error {
	at := ""
	if e.AtLeast {
		at = "at least "
	}
	return limitf("%s would write %s%d quads (its sections, facts and mentions), over the %d one document sent to this server may: split it into smaller documents, or load it with the policygraph load command", e.ID, at, e.Quads, e.Max)
}

func documentTooBig(limit int64) *Error {
	return limitf("the document is larger than %d bytes (%d MiB): split it, or load it with the policygraph load command", limit, limit>>20)
}

// readUpload reads one document from a multipart upload or a raw body,
// reading at most limit bytes of it.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, limit int64) (string, []byte, DocumentMeta, error) {
	var meta DocumentMeta
	body := http.MaxBytesReader(w, r.Body, limit+multipartSlack)
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		q := r.URL.Query()
		if err := setMeta(&meta, q.Get); err != nil {
			return "", nil, meta, err
		}
		raw, err := readLimited(body, limit)
		return q.Get("name"), raw, meta, err
	}
	if params["boundary"] == "" {
		return "", nil, meta, invalidf("the multipart upload has no boundary in its Content-Type")
	}
	mr := multipart.NewReader(body, params["boundary"])
	fields := map[string]string{}
	var raw []byte
	var name string
	seen := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, meta, tooBigOr(err, limit)
		}
		switch p.FormName() {
		case "file":
			if seen {
				return "", nil, meta, invalidf("send one document per request: the upload has more than one part named file")
			}
			seen = true
			name = p.FileName()
			if raw, err = readLimited(p, limit); err != nil {
				return "", nil, meta, err
			}
		case "name", "title", "year", "issuer", "place", "replace":
			v, err := io.ReadAll(io.LimitReader(p, 4096))
			if err != nil {
				return "", nil, meta, tooBigOr(err, limit)
			}
			fields[p.FormName()] = string(v)
		}
		p.Close()
	}
	if !seen {
		return "", nil, meta, invalidf("the upload has no part named file: send the document as -F file=@report.txt")
	}
	if v := fields["name"]; v != "" {
		name = v
	}
	err := setMeta(&meta, func(k string) string { return fields[k] })
	return name, raw, meta, err
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, tooBigOr(err, limit)
	}
	if int64(len(raw)) > limit {
		return nil, documentTooBig(limit)
	}
	return raw, nil
}

func tooBigOr(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return documentTooBig(limit)
	}
	return invalidf("could not read the upload: %v", err)
}

func setMeta(m *DocumentMeta, get func(string) string) error {
	m.Title, m.Issuer, m.Place = strings.TrimSpace(get("title")), strings.TrimSpace(get("issuer")), strings.TrimSpace(get("place"))
	if y := strings.TrimSpace(get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2200 {
			return invalidf("year must be a year such as 2023, got %q", y)
		}
		m.Year = n
	}
	switch v := strings.TrimSpace(get("replace")); v {
	case "", "false", "0":
	case "true", "1":
		m.Replace = true
	default:
		return invalidf("replace must be true or false, got %q", v)
	}
	for k, v := range map[string]string{"title": m.Title, "issuer": m.Issuer, "place": m.Place} {
		if len(v) > maxNameBytes {
			return invalidf("%s may be at most %d bytes, got %d", k, maxNameBytes, len(v))
		}
		if err := plainText(k, v); err != nil {
			return err
		}
	}
	return nil
}

// metaOf turns the GraphQL input into a DocumentMeta and the document's name.
func metaOf(in *schema.DocumentMeta) (string, DocumentMeta, error) {
	var m DocumentMeta
	if in == nil {
		return "", m, nil
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	get := map[string]string{"title": str(in.Title), "issuer": str(in.Issuer), "place": str(in.Place)}
	if in.Year != nil {
		get["year"] = fmt.Sprint(*in.Year)
	}
	err := setMeta(&m, func(k string) string { return get[k] })
	name := str(in.Name)
	if strings.TrimSpace(name) == "" {
		name = m.Title
	}
	return name, m, err
}
