// Command ctecompare times connect over HTTP against the same question as a
// recursive CTE over a PostgreSQL connection, end to end on both sides as a
// user would run them: a GraphQL POST to a policygraph server, and
// connect.sql sent over a connection to a database holding the server's
// graph as exported (load.sql). It rotates over place pairs and alternates
// the two sides question by question, so that both meet the same load.
//
//	ctecompare -url http://127.0.0.1:18090 -pg "$DSN" -rounds 200      # warm
//	ctecompare -url http://127.0.0.1:18090 -pg "$DSN" -cold 成都,德阳   # one question each
//
// With -rounds it first compares the answers pair by pair (IDs in order),
// then asks every pair -rounds times on each side and prints, per pair, p50
// and p99 of each side and their ratios, and the geometric means of the
// ratios over the pairs. The HTTP side is timed twice: to the whole answer
// received, and to the answer decoded by encoding/json (which takes about
// 0.3 ms for 200 answers, slower on text that is mostly Chinese than the
// server is at writing it); the CTE side to every row read into strings. With -cold it asks one pair once on each side, on
// a new connection to each (not counted in the time), and prints one line:
// bench/ctecompare.sh restarts both servers before each such question.
//
// The CTE is a prepared statement on the warm side (parsed and planned once
// per connection, as a Go program using database/sql would do); the cold
// side prepares and runs it once, the time of both counted.
//
// Warm, each round also asks each side the least it can be asked, an empty
// GraphQL query ({ __typename }) over the same HTTP client and SELECT 1 over
// the same PostgreSQL connection, after the connect questions, and prints
// their p50 and p99: what each transport costs before any answer.
//
// It is a benchmark tool, not part of policygraph.
package main

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	_ "github.com/lib/pq"
)

//go:embed connect.sql
var connectSQL string

// pairs are the place pairs asked, in rotation (those of bench/httpload).
var pairs = [][2]string{
	{"成都", "资阳"}, {"成都", "德阳"}, {"绵阳", "乐山"}, {"重庆", "达州"}, {"成都", "眉山"},
	{"德阳", "绵阳"}, {"自贡", "内江"}, {"宜宾", "泸州"}, {"南充", "广安"}, {"遂宁", "南充"},
	{"成都", "绵阳"}, {"乐山", "眉山"}, {"重庆", "广安"}, {"资阳", "内江"}, {"雅安", "成都"},
}

// answer is one connect answer: IDs and names in order.
type answer struct{ ids, names []string }

type gqlClient struct {
	url    string
	client *http.Client
}

// empty sends { __typename } and reads the whole answer.
func (g *gqlClient) empty(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(raw, []byte(`"Query"`)) {
		return fmt.Errorf("GraphQL answer: status %d: %.300s", resp.StatusCode, raw)
	}
	return nil
}

func (g *gqlClient) connect(ctx context.Context, a, b string) (answer, error) {
	raw, err := g.fetch(ctx, a, b)
	if err != nil {
		return answer{}, err
	}
	return decode(raw)
}

// fetch sends the question and reads the whole answer.
func (g *gqlClient) fetch(ctx context.Context, a, b string) ([]byte, error) {
	body, _ := json.Marshal(map[string]any{
		"query":     `query($a: String!, $b: String!) { connect(a: $a, b: $b) { id name } }`,
		"variables": map[string]string{"a": a, "b": b},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(raw, []byte(`"errors"`)) {
		return nil, fmt.Errorf("GraphQL answer: status %d: %.300s", resp.StatusCode, raw)
	}
	return raw, nil
}

// decode reads a connect answer with encoding/json.
func decode(raw []byte) (answer, error) {
	var out struct {
		Data struct {
			Connect []struct{ ID, Name string }
		}
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return answer{}, fmt.Errorf("GraphQL answer: %w: %.200s", err, raw)
	}
	if len(out.Errors) > 0 {
		return answer{}, fmt.Errorf("GraphQL answer: %.300s", raw)
	}
	var ans answer
	for _, c := range out.Data.Connect {
		ans.ids = append(ans.ids, c.ID)
		ans.names = append(ans.names, c.Name)
	}
	return ans, nil
}

type querier interface {
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
}

func sqlConnect(ctx context.Context, q querier, a, b string) (answer, error) {
	rows, err := q.QueryContext(ctx, a, b)
	if err != nil {
		return answer{}, err
	}
	defer rows.Close()
	var ans answer
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return answer{}, err
		}
		ans.ids = append(ans.ids, id)
		ans.names = append(ans.names, name)
	}
	return ans, rows.Err()
}

// stmtQuerier runs a prepared statement.
type stmtQuerier struct{ s *sql.Stmt }

func (q stmtQuerier) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return q.s.QueryContext(ctx, args...)
}

// onceQuerier prepares and runs the statement on one connection.
type onceQuerier struct{ c *sql.Conn }

func (q onceQuerier) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	s, err := q.c.PrepareContext(ctx, connectSQL)
	if err != nil {
		return nil, err
	}
	// Closed with the connection: the rows are read first.
	return s.QueryContext(ctx, args...)
}

func main() {
	url := flag.String("url", "http://127.0.0.1:18090", "the policygraph server")
	dsn := flag.String("pg", os.Getenv("POLICYGRAPH_TEST_POSTGRES"), "the PostgreSQL database holding load.sql's tables")
	rounds := flag.Int("rounds", 100, "times each pair is asked on each side (warm)")
	cold := flag.String("cold", "", "ask this pair (A,B) once on each side, on new connections, and print the times")
	flag.Parse()
	if *dsn == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: ctecompare -url URL -pg DSN [-rounds N | -cold A,B]")
		os.Exit(2)
	}
	ctx := context.Background()
	db, err := sql.Open("postgres", *dsn)
	if err != nil {
		fail(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	g := &gqlClient{url: strings.TrimRight(*url, "/"), client: &http.Client{Timeout: time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}}
	if *cold != "" {
		a, b, ok := strings.Cut(*cold, ",")
		if !ok {
			fail(fmt.Errorf("-cold wants A,B, got %q", *cold))
		}
		coldOnce(ctx, db, g, a, b)
		return
	}
	warm(ctx, db, g, *rounds)
}

// coldOnce asks a, b once each way, each on a connection opened before the
// clock starts, and prints "cold A,B graphql MS sql MS answers N M".
func coldOnce(ctx context.Context, db *sql.DB, g *gqlClient, a, b string) {
	conn, err := db.Conn(ctx) // a new connection: connects and authenticates
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	if err := conn.PingContext(ctx); err != nil {
		fail(err)
	}
	// The HTTP connection: opened with a request that is not a question.
	if resp, err := g.client.Get(g.url + "/healthz"); err != nil {
		fail(err)
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	t0 := time.Now()
	raw, err := g.fetch(ctx, a, b)
	if err != nil {
		fail(err)
	}
	tg := time.Since(t0)
	ga, err := decode(raw)
	if err != nil {
		fail(err)
	}
	td := time.Since(t0)
	t0 = time.Now()
	sa, err := sqlConnect(ctx, onceQuerier{conn}, a, b)
	if err != nil {
		fail(err)
	}
	ts := time.Since(t0)
	fmt.Printf("cold %s,%s received %.3f ms decoded %.3f ms sql %.3f ms answers %d %d\n", a, b, ms(tg), ms(td), ms(ts), len(ga.ids), len(sa.ids))
}

func warm(ctx context.Context, db *sql.DB, g *gqlClient, rounds int) {
	stmt, err := db.PrepareContext(ctx, connectSQL)
	if err != nil {
		fail(fmt.Errorf("prepare connect.sql: %w", err))
	}
	defer stmt.Close()
	q := stmtQuerier{stmt}
	one, err := db.PrepareContext(ctx, "SELECT 1")
	if err != nil {
		fail(fmt.Errorf("prepare SELECT 1: %w", err))
	}
	defer one.Close()

	// The answers, pair by pair.
	same, sameSet := 0, 0
	for _, p := range pairs {
		ga, err := g.connect(ctx, p[0], p[1])
		if err != nil {
			fail(err)
		}
		sa, err := sqlConnect(ctx, q, p[0], p[1])
		if err != nil {
			fail(err)
		}
		onlyG, onlyS := setDiff(ga.ids, sa.ids)
		switch {
		case slices.Equal(ga.ids, sa.ids):
			same++
			sameSet++
			fmt.Printf("answers %s/%s: %d, the same in the same order\n", p[0], p[1], len(ga.ids))
		case len(onlyG) == 0 && len(onlyS) == 0:
			sameSet++
			fmt.Printf("answers %s/%s: %d, the same in another order\n", p[0], p[1], len(ga.ids))
		default:
			fmt.Printf("answers %s/%s: GraphQL %d, CTE %d; only in GraphQL %v, only in the CTE %v\n",
				p[0], p[1], len(ga.ids), len(sa.ids), head(onlyG), head(onlyS))
		}
	}
	fmt.Printf("answers: %d of %d pairs the same in the same order, %d the same set\n", same, len(pairs), sameSet)

	gl := make([][]time.Duration, len(pairs)) // HTTP, the answer received
	gd := make([][]time.Duration, len(pairs)) // HTTP, the answer received and decoded by encoding/json
	sl := make([][]time.Duration, len(pairs)) // the CTE, every row read
	var emptyHTTP, selectOne []time.Duration  // the floors
	start := time.Now()
	for r := range rounds {
		for i, p := range pairs {
			// Alternate which side goes first.
			sides := []func(){
				func() {
					t0 := time.Now()
					raw, err := g.fetch(ctx, p[0], p[1])
					if err != nil {
						fail(err)
					}
					t1 := time.Now()
					if _, err := decode(raw); err != nil {
						fail(err)
					}
					gl[i] = append(gl[i], t1.Sub(t0))
					gd[i] = append(gd[i], time.Since(t0))
				},
				func() {
					t0 := time.Now()
					if _, err := sqlConnect(ctx, q, p[0], p[1]); err != nil {
						fail(err)
					}
					sl[i] = append(sl[i], time.Since(t0))
				},
			}
			if (r+i)%2 == 1 {
				sides[0], sides[1] = sides[1], sides[0]
			}
			sides[0]()
			sides[1]()
			floors := []func(){
				func() {
					t0 := time.Now()
					if err := g.empty(ctx); err != nil {
						fail(err)
					}
					emptyHTTP = append(emptyHTTP, time.Since(t0))
				},
				func() {
					t0 := time.Now()
					var v int
					if err := one.QueryRowContext(ctx).Scan(&v); err != nil {
						fail(fmt.Errorf("SELECT 1: %w", err))
					}
					selectOne = append(selectOne, time.Since(t0))
				},
			}
			if (r+i)%2 == 1 {
				floors[0], floors[1] = floors[1], floors[0]
			}
			floors[0]()
			floors[1]()
		}
	}
	fmt.Printf("warm: %d rounds over %d pairs in %v\n", rounds, len(pairs), time.Since(start).Round(time.Second))
	fmt.Printf("%-10s %21s %21s %21s %15s %15s\n", "", "HTTP, received", "HTTP, decoded", "CTE", "CTE ÷ received", "CTE ÷ decoded")
	fmt.Printf("%-10s %10s %10s %10s %10s %10s %10s %7s %7s %7s %7s\n", "pair", "p50", "p99", "p50", "p99", "p50", "p99", "p50", "p99", "p50", "p99")
	var lr50, lr99, ld50, ld99 float64
	var allG, allD, allS []time.Duration
	for i, p := range pairs {
		g50, g99 := pct(gl[i], 50), pct(gl[i], 99)
		d50, d99 := pct(gd[i], 50), pct(gd[i], 99)
		s50, s99 := pct(sl[i], 50), pct(sl[i], 99)
		fmt.Printf("%-10s %8.3fms %8.3fms %8.3fms %8.3fms %8.3fms %8.3fms %6.1f× %6.1f× %6.1f× %6.1f×\n", p[0]+"/"+p[1],
			ms(g50), ms(g99), ms(d50), ms(d99), ms(s50), ms(s99),
			ratio(s50, g50), ratio(s99, g99), ratio(s50, d50), ratio(s99, d99))
		lr50 += math.Log(ratio(s50, g50))
		lr99 += math.Log(ratio(s99, g99))
		ld50 += math.Log(ratio(s50, d50))
		ld99 += math.Log(ratio(s99, d99))
		allG = append(allG, gl[i]...)
		allD = append(allD, gd[i]...)
		allS = append(allS, sl[i]...)
	}
	n := float64(len(pairs))
	fmt.Printf("geometric mean over %d pairs, CTE ÷ HTTP received: p50 %.1f×, p99 %.1f×; CTE ÷ HTTP decoded: p50 %.1f×, p99 %.1f×\n",
		len(pairs), math.Exp(lr50/n), math.Exp(lr99/n), math.Exp(ld50/n), math.Exp(ld99/n))
	fmt.Printf("all questions: HTTP received p50 %.3f ms p99 %.3f ms; decoded p50 %.3f ms p99 %.3f ms; CTE p50 %.3f ms p99 %.3f ms\n",
		ms(pct(allG, 50)), ms(pct(allG, 99)), ms(pct(allD, 50)), ms(pct(allD, 99)), ms(pct(allS, 50)), ms(pct(allS, 99)))
	fmt.Printf("floors: HTTP { __typename } p50 %.3f ms p99 %.3f ms; SQL SELECT 1 p50 %.3f ms p99 %.3f ms\n",
		ms(pct(emptyHTTP, 50)), ms(pct(emptyHTTP, 99)), ms(pct(selectOne, 50)), ms(pct(selectOne, 99)))
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func setDiff(a, b []string) (onlyA, onlyB []string) {
	in := func(xs []string) map[string]bool {
		m := make(map[string]bool, len(xs))
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	for _, x := range a {
		if !mb[x] {
			onlyA = append(onlyA, x)
		}
	}
	for _, x := range b {
		if !ma[x] {
			onlyB = append(onlyB, x)
		}
	}
	return onlyA, onlyB
}

func head(xs []string) []string { return xs[:min(len(xs), 3)] }

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ctecompare:", err)
	os.Exit(1)
}
