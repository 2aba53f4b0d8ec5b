package resolvers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Listener wraps ln, the listener an http.Server serving Handler accepts
// on, so that the refusal net/http writes by itself before any handler
// runs, 431 for a request whose header is over the server's MaxHeaderBytes,
// carries an error code like every other refusal: the same status, with a
// JSON body in the shape of a GraphQL response and code LIMIT_EXCEEDED.
func Listener(ln net.Listener) net.Listener { return codedListener{ln} }

type codedListener struct{ net.Listener }

func (l codedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return codedConn{c}, nil
}

type codedConn struct{ net.Conn }

// headerTooLarge is how net/http's own answer to an oversized header starts.
var headerTooLarge = []byte("HTTP/1.1 431 ")

// headerTooLargeAnswer is what is sent in its place.
var headerTooLargeAnswer = func() []byte {
	body, _ := json.Marshal(graphql.Response{Errors: gqlerror.List{{
		Message:    "the request's header is too large: send a shorter one (the limit counts every header line, cookies included)",
		Extensions: map[string]any{"code": string(CodeLimitExceeded)},
	}}})
	return fmt.Appendf(nil, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
}()

func (c codedConn) Write(p []byte) (int, error) {
	// net/http writes that answer in one call, straight to the connection,
	// and closes it; handlers' responses never start with status 431.
	if bytes.HasPrefix(p, headerTooLarge) {
		if _, err := c.Conn.Write(headerTooLargeAnswer); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}
