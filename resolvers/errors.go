package resolvers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/policygraph/policygraph/graph"
)

// Code is the stable error code a response gives in extensions.code.
type Code string

// The error codes. Clients may rely on them; messages may change.
const (
	CodeNotFound      Code = "NOT_FOUND"      // a name or ID the store does not know
	CodeInvalidInput  Code = "INVALID_INPUT"  // a malformed query or a bad argument
	CodeLimitExceeded Code = "LIMIT_EXCEEDED" // a request bigger than a limit allows
	CodeTimeout       Code = "TIMEOUT"        // the request ran out of time or was cancelled
	CodeInternal      Code = "INTERNAL"       // a fault of the server; logged, never detailed

	CodeUnauthenticated Code = "UNAUTHENTICATED" // a write without the server's bearer token, or a wrong token
	CodeForbidden       Code = "FORBIDDEN"       // writes are off (no token configured), or an origin or document is not allowed
	CodeConflict        Code = "CONFLICT"        // another document holds the ID a new one would get: HTTP 409 on POST /documents
	CodeRateLimited     Code = "RATE_LIMITED"    // too many requests from one client: HTTP 429 with Retry-After
	CodeBusy            Code = "BUSY"            // a query or a large request waited for its turn past the time limit: HTTP 503 with Retry-After
)

// Error is an error a user can act on: a code and a message that says what
// to change. Resolvers return it; the error presenter turns it into a
// GraphQL error with extensions.code.
type Error struct {
	Code    Code
	Message string
	// Suggestions are close names, for NOT_FOUND errors about names.
	Suggestions []string
}

func (e *Error) Error() string { return e.Message }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalidf(format string, args ...any) *Error { return errorf(CodeInvalidInput, format, args...) }

func limitf(format string, args ...any) *Error { return errorf(CodeLimitExceeded, format, args...) }

// gqlgen's own error codes, and the parser's messages for its limits.
const (
	codeComplexity = "COMPLEXITY_LIMIT_EXCEEDED"
)

var parserLimitMessages = []string{"exceeded token limit", "exceeded maximum nesting depth"}

// classify returns the code for err and the message a user should see.
// It is the one place where errors meet codes.
func classify(err error) (Code, string, []string) {
	var ue *Error
	var unknown *graph.UnknownNameError
	var gqlErr *gqlerror.Error
	var protected *graph.ProtectedError
	var conflict *graph.ConflictError
	var tooLarge *graph.TooLargeError
	switch {
	case errors.As(err, &ue):
		return ue.Code, ue.Message, ue.Suggestions
	case errors.As(err, &unknown):
		return CodeNotFound, unknown.Error() + " (names may be given as 成都, 成都市, Chengdu or an ID such as place/510100; search(text:) finds names)", unknown.Suggestions
	case errors.As(err, &protected):
		return CodeForbidden, protectedError(protected.ID, "").Message, nil
	case errors.As(err, &conflict):
		return CodeConflict, conflictError(conflict.ID, conflict.Stored, conflict.Source).Message, nil
	case errors.As(err, &tooLarge):
		return CodeLimitExceeded, documentTooLarge(tooLarge).Message, nil
	case errors.Is(err, graph.ErrWalkTooLarge):
		return CodeLimitExceeded, fmt.Sprintf("the walk reaches more than %d nodes: lower maxHops or hops, or restrict relations", graph.MaxWalkNodes), nil
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout, "the request ran out of time: ask for fewer results (first), fewer hops (maxHops, hops) or a narrower filter", nil
	case errors.Is(err, context.Canceled):
		return CodeTimeout, "the request was cancelled before it finished", nil
	case strings.HasSuffix(err.Error(), "introspection disabled"): // gqlgen's own error
		return CodeInvalidInput, "introspection is turned off on this server: ask for fields by name (see the schema in the project's schema/ directory)", nil
	case errors.Is(err, graph.ErrNotFound):
		// Without gqlerror's "input:1:12: " prefix.
		if errors.As(err, &gqlErr) && gqlErr.Err != nil {
			err = gqlErr.Err
		}
		return CodeNotFound, err.Error(), nil
	case errors.As(err, &gqlErr) && gqlErr.Err == nil:
		// An error gqlgen or gqlparser made: parsing, validation, limits.
		code, _ := gqlErr.Extensions["code"].(string)
		switch code {
		case codeComplexity:
			return CodeLimitExceeded, gqlErr.Message + ": ask for fewer results (first) or fewer nested lists", nil
		case string(CodeLimitExceeded), string(CodeInvalidInput), string(CodeNotFound), string(CodeTimeout),
			string(CodeUnauthenticated), string(CodeForbidden), string(CodeConflict), string(CodeRateLimited):
			return Code(code), gqlErr.Message, nil
		case errcode.ParseFailed, errcode.ValidationFailed:
			for _, m := range parserLimitMessages {
				if strings.Contains(gqlErr.Message, m) {
					return CodeLimitExceeded, gqlErr.Message + ": send a smaller query", nil
				}
			}
			return CodeInvalidInput, gqlErr.Message, nil
		}
		if gqlErr.Rule != "" || len(gqlErr.Path) == 0 {
			// A validation rule, or an error about the request as a whole
			// (gqlgen's transports report unreadable requests so).
			return CodeInvalidInput, truncate(gqlErr.Message, 300), nil
		}
	}
	return CodeInternal, "internal error: the server could not answer this part of the request; the server log has the details", nil
}

// presentError returns gqlgen's error presenter: it gives every error a
// stable code in extensions.code, logs internal errors and hides their
// detail from users.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		code, msg, suggestions := classify(err)
		var out *gqlerror.Error
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) {
			out = &gqlerror.Error{Message: msg, Path: gqlErr.Path, Locations: gqlErr.Locations, Rule: gqlErr.Rule}
		} else {
			out = &gqlerror.Error{Message: msg}
		}
		if out.Path == nil {
			out.Path = graphql.GetPath(ctx)
		}
		out.Extensions = map[string]any{"code": string(code)}
		if len(suggestions) > 0 {
			out.Extensions["suggestions"] = suggestions
		}
		// The name not found, so that a client can say which of its names
		// it was in its own words (the page does, in Chinese or English).
		var unknown *graph.UnknownNameError
		if errors.As(err, &unknown) {
			out.Extensions["name"] = unknown.Name
		}
		if code == CodeInternal {
			log.ErrorContext(ctx, "internal error", "path", out.Path.String(), "err", err)
		}
		return out
	}
}

// recoverPanic returns gqlgen's recover function: a panic in a resolver is
// logged with its stack and answered as an internal error, and the server
// goes on serving.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errors.New("internal error: panic") // classify makes it INTERNAL
	}
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
