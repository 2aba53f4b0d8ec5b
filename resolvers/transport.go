package resolvers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// postJSON is gqlgen's POST transport for the common case, a request that
// accepts application/json, with one difference: an answer without errors
// is written as {"data":...} around the bytes gqlgen produced, where
// gqlgen's json.Marshal parses and compacts the whole answer again (a fifth
// of the CPU of a large connect, docs/benchmarks.md). Answers with errors or
// extensions, and answers json.Marshal would escape differently (<, >, &,
// U+2028, U+2029 inside strings), are written by json.Marshal as before, so
// the bytes sent are the same either way. Requests it does not support fall
// to transport.POST.
type postJSON struct{ s *Server }

var _ graphql.Transport = postJSON{}

func (p postJSON) Supports(r *http.Request) bool {
	return !p.s.noPlain && transport.POST{}.Supports(r) && acceptsJSON(r.Header.Get("Accept"))
}

// acceptsJSON reports whether gqlgen's POST transport would answer a request
// with this Accept header as application/json (not
// application/graphql-response+json, whose status codes differ).
func acceptsJSON(accept string) bool {
	if accept == "" {
		return true
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", "application/json":
			return true
		case "application/graphql-response+json":
			return false
		}
	}
	return false
}

func (p postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	fallback := func() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		transport.POST{}.Do(w, r, exec)
	}
	if err != nil {
		fallback()
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		fallback()
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	ctx := r.Context()
	rc, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		fallback() // the error answer and its status are gqlgen's
		return
	}
	w.Header().Add("Content-Type", "application/json")
	ctx, done := p.s.writePlain(ctx, w, rc)
	if done {
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
}

// writeResponse writes resp as json.Marshal would; direct is true when it
// did so without json.Marshal.
func writeResponse(w io.Writer, resp *graphql.Response) (direct bool) {
	if resp != nil && len(resp.Errors) == 0 && resp.Label == "" && len(resp.Path) == 0 && resp.HasNext == nil &&
		len(resp.Extensions) == 0 && len(resp.Data) > 0 && !needsEscape(resp.Data) {
		// gqlgen writes compact JSON; the check above leaves out only what
		// json.Marshal would rewrite.
		w.Write([]byte(`{"data":`))
		w.Write(resp.Data)
		w.Write([]byte{'}'})
		return true
	}
	b, err := json.Marshal(resp)
	if err != nil { // as gqlgen's transport does: handler.Server recovers
		panic(fmt.Errorf("unable to marshal %s: %w", string(resp.Data), err))
	}
	w.Write(b)
	return false
}

// needsEscape reports whether json.Marshal would escape something in data:
// it writes <, > and & as \u003c, \u003e, \u0026 and U+2028, U+2029 as
// \u2028, \u2029. It looks for bytes: bytes.ContainsAny with those two in
// its set decodes every rune of an answer that is mostly Chinese, which
// took a sixth of the CPU of a connect answer (docs/benchmarks.md).
func needsEscape(data []byte) bool {
	if bytes.IndexByte(data, '<') >= 0 || bytes.IndexByte(data, '>') >= 0 || bytes.IndexByte(data, '&') >= 0 {
		return true
	}
	// U+2028 and U+2029 are E2 80 A8 and E2 80 A9; E2 also starts other
	// punctuation (“ ” are E2 80 9C and 9D).
	for i := 0; ; i++ {
		j := bytes.IndexByte(data[i:], 0xE2)
		if j < 0 {
			return false
		}
		i += j
		if i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9) {
			return true
		}
	}
}
