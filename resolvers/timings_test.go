package resolvers_test

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/resolvers"
)

// TestMetricsCountEveryQueryInTurn asks queries over HTTP, plain and
// through gqlgen, and reads GET /metrics: every phase counts each query
// once, the buckets are cumulative, and a phase's sum is no more than the
// total's.
func TestMetricsCountEveryQueryInTurn(t *testing.T) {
	e := newEnv(t, resolvers.Options{})
	queries := []string{
		`{ connect(a: "成都", b: "资阳") { id name } }`,                   // answered by plain.go
		`{ connect(a: "成都", b: "资阳") { name places { name } } }`,      // through gqlgen
		`{ neighbourhood(of: "资阳", hops: 1) { nodes { id label } } }`, // plain
		`{ connect(a: "成度", b: "资阳") { name } }`,                      // an error is answered in a turn too
	}
	for _, q := range queries {
		e.post(q, nil)
	}
	resp, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/plain") {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET /metrics: %d %s %.200s", resp.StatusCode, ct, b)
	}
	counts, sums, last := map[string]int{}, map[string]float64{}, map[string]int{}
	buckets := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, _ := strings.Cut(line, " ")
		phase := ""
		if _, rest, ok := strings.Cut(name, `phase="`); ok {
			phase, _, _ = strings.Cut(rest, `"`)
		}
		switch {
		case strings.HasPrefix(name, "policygraph_query_seconds_bucket"):
			n, _ := strconv.Atoi(value)
			if n < last[phase] {
				t.Errorf("%s: %d after %d: buckets must be cumulative", name, n, last[phase])
			}
			last[phase] = n
			buckets++
		case strings.HasPrefix(name, "policygraph_query_seconds_count"):
			counts[phase], _ = strconv.Atoi(value)
		case strings.HasPrefix(name, "policygraph_query_seconds_sum"):
			sums[phase], _ = strconv.ParseFloat(value, 64)
		case name == "policygraph_plain_fields_total":
			if n, _ := strconv.Atoi(value); n != 2 {
				t.Errorf("plain fields %d, want 2", n)
			}
		}
	}
	for _, phase := range []string{"wait", "run", "send", "total"} {
		if counts[phase] != len(queries) || last[phase] != len(queries) {
			t.Errorf("phase %s: count %d, +Inf bucket %d; want %d", phase, counts[phase], last[phase], len(queries))
		}
		if sums[phase] <= 0 || sums[phase] > sums["total"] {
			t.Errorf("phase %s: sum %g s, total %g s", phase, sums[phase], sums["total"])
		}
	}
	if buckets != 4*81 {
		t.Errorf("%d bucket lines, want 4 phases of 81", buckets)
	}
}
