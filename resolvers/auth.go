package resolvers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Who may do what, checked in front of every route:
//
//   - a per-client token bucket (Limits.Rate, Limits.Burst) answers HTTP 429
//     RATE_LIMITED with Retry-After when a client sends too fast;
//   - CORS lets browsers on the configured origins (Options.CORSOrigins) call
//     the API, and refuses other origins' preflights;
//   - a bearer token (Options.Token) guards the writes: loadDocument,
//     removeDocument and POST /documents. Reads stay public. Without a token
//     configured, writes are off (FORBIDDEN); with one, a write without it is
//     UNAUTHENTICATED, and any request carrying a wrong one is refused with 401.

// access is what the request's credentials allow, carried in its context.
type access struct {
	configured bool // the server has a token: writes are possible
	writer     bool // the request carries it
}

type accessKey struct{}

// writeAccess returns nil if the request may write, or the error saying why
// not. enabled is false when the server has no way to write (no loader).
func writeAccess(ctx context.Context, enabled bool) error {
	a, _ := ctx.Value(accessKey{}).(access)
	switch {
	case !a.configured || !enabled:
		return errorf(CodeForbidden, "writes are turned off on this server: start it with --token (or POLICYGRAPH_TOKEN) and send Authorization: Bearer <token>")
	case !a.writer:
		return errorf(CodeUnauthenticated, "writes need the header Authorization: Bearer <token>; reads need no token")
	}
	return nil
}

// authStatus is the HTTP status of an access error outside GraphQL.
func authStatus(c Code) int {
	if c == CodeUnauthenticated {
		return http.StatusUnauthorized
	}
	return http.StatusForbidden
}

// guard holds the checks in front of the routes.
type guard struct {
	tokenSum  [32]byte // sha256 of the token, so comparisons take constant time
	hasToken  bool
	origins   map[string]bool
	anyOrigin bool
	limiter   *limiter // nil: no rate limit
	loopback  bool     // limit loopback clients too
}

func newGuard(opts Options, l Limits) *guard {
	g := &guard{origins: map[string]bool{}}
	if opts.Token != "" {
		g.hasToken, g.tokenSum = true, sha256.Sum256([]byte(opts.Token))
	}
	for _, o := range opts.CORSOrigins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		switch o {
		case "":
		case "*":
			g.anyOrigin = true
		default:
			g.origins[strings.ToLower(o)] = true
		}
	}
	if l.Rate > 0 {
		g.limiter = newLimiter(l.Rate, l.Burst)
		g.loopback = l.LimitLoopback
	}
	return g
}

// wrap returns next behind the rate limit, CORS and the token check.
func (g *guard) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, loopback := clientKey(r.RemoteAddr)
		limited := g.limiter != nil && (g.loopback || !loopback)
		if limited {
			if ok, wait := g.limiter.allow(key); !ok {
				secs := int(math.Ceil(wait.Seconds()))
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				writeError(w, http.StatusTooManyRequests, errorf(CodeRateLimited,
					"too many requests from your address: the limit is %g a second, in bursts of up to %d; retry after %d s",
					g.limiter.rate, int(g.limiter.burst), secs))
				return
			}
		}
		if !g.cors(w, r) {
			return
		}
		a := access{configured: g.hasToken}
		if h := r.Header.Get("Authorization"); h != "" && g.hasToken {
			scheme, tok, _ := strings.Cut(h, " ")
			sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], g.tokenSum[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="policygraph", error="invalid_token"`)
				writeError(w, http.StatusUnauthorized, errorf(CodeUnauthenticated,
					"the Authorization header does not carry this server's token: send Authorization: Bearer <token>, or no Authorization header for reads"))
				return
			}
			a.writer = true
		}
		r = r.WithContext(context.WithValue(r.Context(), accessKey{}, a))
		if !limited {
			next.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		switch sw.status {
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
			// A request refused for its shape or size costs more: a
			// client sending hostile queries runs out of tokens sooner.
			g.limiter.charge(key, refusedCost-1)
		}
	})
}

// refusedCost is the tokens a request refused as malformed or over a limit
// takes from its client's bucket (an ordinary request takes one).
const refusedCost = 10

// statusWriter records the status a handler answers with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// cors sets the CORS headers for an allowed origin and answers preflight
// requests. It returns false when it has answered the request itself.
func (g *guard) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	allowed := g.anyOrigin || g.origins[strings.ToLower(strings.TrimRight(origin, "/"))]
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	w.Header().Add("Vary", "Origin")
	if !allowed {
		if preflight {
			writeError(w, http.StatusForbidden, errorf(CodeForbidden,
				"origin %s may not call this API from a browser: the server allows %s (set with --cors-origin)", truncate(origin, 100), g.allowedList()))
			return false
		}
		// Same-origin pages and non-browser clients need no CORS headers;
		// without them a browser on another origin cannot read the answer.
		return true
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Expose-Headers", "Retry-After")
	if preflight {
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		w.Header().Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return false
	}
	return true
}

func (g *guard) allowedList() string {
	if len(g.origins) == 0 {
		return "no other origin"
	}
	var l []string
	for o := range g.origins {
		l = append(l, o)
	}
	if len(l) > 5 {
		return fmt.Sprintf("%d origins", len(l))
	}
	return strings.Join(l, ", ")
}

// clientKey is what the rate limit counts by: the remote IP address, or its
// /64 network for IPv6 (one host usually holds a whole /64). Proxies'
// X-Forwarded-For is not trusted: put the limit in the proxy instead.
func clientKey(remoteAddr string) (key string, loopback bool) {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host, false
	}
	ip = ip.Unmap()
	if ip.Is6() && !ip.IsLoopback() {
		if p, err := ip.Prefix(64); err == nil {
			return p.String(), false
		}
	}
	return ip.String(), ip.IsLoopback()
}

// limiter is a token bucket per client: each holds up to burst tokens and
// gains rate a second; a request takes one.
type limiter struct {
	rate, burst float64
	now         func() time.Time

	mu        sync.Mutex
	clients   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxClients bounds the limiter's memory: past it, full buckets are dropped
// at once rather than once a minute.
const maxClients = 100_000

func newLimiter(rate float64, burst int) *limiter {
	if burst < 1 {
		burst = max(1, int(math.Ceil(rate)))
	}
	return &limiter{rate: rate, burst: float64(burst), now: time.Now, clients: map[string]*bucket{}}
}

// allow takes a token from key's bucket. If there is none, it returns false
// and the time until there will be one.
func (l *limiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if since := now.Sub(l.lastSweep); since > time.Minute || (len(l.clients) >= maxClients && since > time.Second) {
		l.sweep(now)
	}
	b := l.clients[key]
	if b == nil && len(l.clients) >= maxClients {
		key = "overflow" // too many clients at once: the new ones share a bucket
		b = l.clients[key]
	}
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.clients[key] = b
	} else if d := now.Sub(b.last); d > 0 {
		b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// charge takes n more tokens from key's bucket, down to at most one
// burst in debt.
func (l *limiter) charge(key string, n float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.clients[key]; b != nil {
		b.tokens = max(b.tokens-n, -l.burst)
	}
}

// sweep forgets clients whose buckets have filled up again: they are as
// good as new.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.clients {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.clients, k)
		}
	}
}

// getRefusal answers a GET request whose query holds a mutation or a
// subscription: gqlgen's GET transport refuses them too, but without an
// error code (found by FuzzGraphQL). It returns false if it has not answered.
func getRefusal(w http.ResponseWriter, r *http.Request, maxTokens int) bool {
	if r.Method != http.MethodGet {
		return false
	}
	q := r.URL.Query().Get("query")
	if !strings.Contains(q, "mutation") && !strings.Contains(q, "subscription") {
		return false
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: q}, maxTokens)
	if err != nil {
		return false // gqlgen reports it
	}
	for _, op := range doc.Operations {
		if op.Operation != ast.Query {
			w.Header().Set("Allow", "POST")
			writeError(w, http.StatusMethodNotAllowed, invalidf("GET requests may only read: send %s operations as POST with Content-Type: application/json", op.Operation))
			return true
		}
	}
	return false
}

// batchRefusal answers a POST body that is a JSON array of operations, which
// gqlgen's POST transport cannot read, with an error that says what to do.
func batchRefusal(w http.ResponseWriter, body []byte) bool {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return false
	}
	writeError(w, http.StatusBadRequest, invalidf("batched requests (a JSON array of operations) are not supported: send one operation per request, or ask for several fields in one query"))
	return true
}

// mutationRefusal answers a POST whose operation is a mutation the request
// may not make with the HTTP status the README's table gives (401
// UNAUTHENTICATED without the token, 403 FORBIDDEN when writes are off),
// before gqlgen runs it. It says whether the operation is a mutation, and
// whether it has answered the request.
func (s *Server) mutationRefusal(w http.ResponseWriter, r *http.Request, body []byte) (mutation, refused bool) {
	if !bytes.Contains(body, []byte("mutation")) {
		return false, false
	}
	var p struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName"`
	}
	if json.Unmarshal(body, &p) != nil {
		return false, false // gqlgen reports it
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, s.limits.MaxTokens)
	if err != nil {
		return false, false
	}
	op := doc.Operations.ForName(p.OperationName)
	if op == nil || op.Operation != ast.Mutation {
		return false, false
	}
	err = writeAccess(r.Context(), true)
	if err == nil {
		return true, false
	}
	e := err.(*Error)
	if e.Code == CodeUnauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="policygraph"`)
	}
	writeError(w, authStatus(e.Code), e)
	return true, true
}
