package resolvers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/policygraph/policygraph/resolvers"
)

// TestPlainAnswersAreGqlgens proves that the requests plain.go answers
// itself get, byte for byte, the answer gqlgen gives: aliases, fragments,
// __typename, @skip/@include, variables, nulls, errors and the fields it
// leaves to gqlgen included.
func TestPlainAnswersAreGqlgens(t *testing.T) {
	e := seedEnv(t)
	fast := resolvers.NewServer(e.st, resolvers.Options{})
	slow := resolvers.WithoutPlain(resolvers.NewServer(e.st, resolvers.Options{}))
	type q struct {
		query string
		vars  map[string]any
	}
	qs := []q{
		{`{ connect(a: "Chengdu", b: "Ziyang") { id name } }`, nil},
		{`{ connect(a: "成都", b: "资阳") { name stage category kind __typename id } }`, nil},
		{`{ connect(a: "成都", b: "资阳", broad: true) { n: name s: stage, ...F } } fragment F on Initiative { id category }`, nil},
		{`{ connect(a: "成都", b: "资阳") { ... on Entity { id name } name @include(if: false) stage @skip(if: true) } }`, nil},
		{`query($a: String!, $b: String!, $k: [EntityKind!], $br: Boolean) { connect(a: $a, b: $b, kinds: $k, broad: $br) { id name stage } }`,
			map[string]any{"a": "成都", "b": "资阳", "k": []any{"PLACE"}, "br": true}},
		{`{ connect(a: "成都", b: "资阳", kinds: []) { id } }`, nil},
		{`{ connect(a: "成都", b: "资阳") { id aliases } }`, nil},         // aliases: gqlgen's
		{`{ connect(a: "成都", b: "资阳") { id places { name } } }`, nil}, // nested: gqlgen's
		{`{ connect(a: "Chengdoo", b: "资阳") { id name } }`, nil},      // NOT_FOUND
		{`{ connect(a: "", b: "资阳") { id name } }`, nil},              // INVALID_INPUT
		{`{ a: connect(a: "成都", b: "资阳") { id } b: connect(a: "资阳", b: "成都") { name } }`, nil},
		{`{ neighbourhood(of: "资阳") { nodes { id label kind depth } edges { id source target relation } truncated } }`, nil},
		{`{ neighbourhood(of: "资阳", hops: 2, first: 30) { __typename t: truncated edges { relation target source id __typename } nodes { depth label } } }`, nil},
		{`query($of: String!, $h: Int, $r: [RelationKind!], $f: Int) { neighbourhood(of: $of, hops: $h, relations: $r, first: $f) { nodes { id } edges { id } } }`,
			map[string]any{"of": "成都", "h": 2, "r": []any{"LOCATED_IN", "CONNECTS"}, "f": 50}},
		{`{ neighbourhood(of: "资阳", hops: 9) { nodes { id } } }`, nil}, // LIMIT_EXCEEDED
		{`{ neighbourhood(of: "nowhere") { nodes { id } } }`, nil},     // NOT_FOUND
		{`{ neighbourhood(of: "资阳") { nodes { id } } connect(a: "成都", b: "资阳") { stage } }`, nil},
		{`{ neighbourhood(of: "资阳") { a: nodes { id } b: nodes { label } } }`, nil}, // two selections: gqlgen's
		{`{ paths(from: "资阳", to: "德阳") { length nodes { id name } edges { from to relation } } }`, nil},
		{`{ paths(from: "成都", to: "成德眉资同城化", maxHops: 3, first: 20) { __typename l: length edges { __typename relation to from } nodes { kind __typename name id } } }`, nil},
		{`query($f: String!, $t: String!, $h: Int, $n: Int, $r: [RelationKind!]) { paths(from: $f, to: $t, maxHops: $h, first: $n, relations: $r) { nodes { ... on Entity { id } name } } }`,
			map[string]any{"f": "资阳", "t": "成都", "h": 3, "n": 10, "r": []any{"LOCATED_IN", "CONNECTS", "PART_OF"}}},
		{`{ paths(from: "资阳", to: "德阳") { length } }`, nil},
		{`{ paths(from: "资阳", to: "德阳") { nodes { id ... on Place { level } } } }`, nil},          // a field of one type: gqlgen's
		{`{ paths(from: "资阳", to: "德阳") { a: nodes { id } b: nodes { name } } }`, nil},            // two selections: gqlgen's
		{`{ paths(from: "资阳", to: "德阳") { edges { from inferred evidence { text } } } }`, nil},    // evidence: gqlgen's
		{`{ paths(from: "资阳", to: "资阳") { length nodes { id name } edges { from } } }`, nil},      // one node
		{`{ paths(from: "资阳", to: "德阳", maxHops: 1) { length nodes { id } } }`, nil},              // none within a hop
		{`{ paths(from: "资阳", to: "德阳", maxHops: 99) { length } }`, nil},                          // LIMIT_EXCEEDED
		{`{ paths(from: "nowhere", to: "德阳") { length } }`, nil},                                  // NOT_FOUND
		{`{ paths(from: "资阳", to: "德阳", relations: [], first: 0) { length nodes { id } } }`, nil}, // empty lists
		{`{ paths(from: "资阳", to: "德阳", first: -1) { length } }`, nil},                            // INVALID_INPUT
	}
	for _, c := range []string{"成都", "资阳", "德阳", "眉山", "四川", "成渝地区双城经济圈"} {
		for _, d := range []string{"资阳", "成都", "重庆", "德阳"} {
			qs = append(qs, q{fmt.Sprintf(`{ connect(a: %q, b: %q) { id name stage category } }`, c, d), nil})
		}
		qs = append(qs, q{fmt.Sprintf(`{ neighbourhood(of: %q, hops: 2) { nodes { id label kind depth } edges { id source target relation } truncated } }`, c), nil})
		for _, d := range []string{"德阳", "川渝党政联席会议", "一带一路", "成资市域(郊)铁路"} {
			qs = append(qs, q{fmt.Sprintf(`{ paths(from: %q, to: %q, first: 10) { length nodes { id name kind } edges { from to relation } } }`, c, d), nil})
		}
	}
	ctx := context.Background()
	for _, c := range qs {
		got, err := json.Marshal(fast.Do(ctx, resolvers.Request{Query: c.query, Variables: c.vars}))
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(slow.Do(ctx, resolvers.Request{Query: c.query, Variables: c.vars}))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s\n got %.600s\nwant %.600s", c.query, got, want)
		}
	}
	if n := resolvers.PlainServed(fast); n < int64(len(qs))/2 {
		t.Errorf("plain.go answered %d root fields of %d requests, want most", n, len(qs))
	}
	if n := resolvers.PlainServed(slow); n != 0 {
		t.Errorf("the server without it answered %d", n)
	}
}

// TestPlainHTTPIsGqlgens proves that over HTTP the status, Content-Type and
// body are those gqlgen alone gives, for answers, errors and each Accept.
func TestPlainHTTPIsGqlgens(t *testing.T) {
	e := seedEnv(t)
	fast := httptest.NewServer(resolvers.NewServer(e.st, resolvers.Options{}).Handler())
	defer fast.Close()
	slow := httptest.NewServer(resolvers.WithoutPlain(resolvers.NewServer(e.st, resolvers.Options{})).Handler())
	defer slow.Close()
	bodies := []string{
		`{"query":"{ connect(a: \"成都\", b: \"资阳\") { id name stage } }"}`,
		`{"query":"{ neighbourhood(of: \"资阳\", hops: 2) { nodes { id label } edges { id relation } } }"}`,
		`{"query":"{ connect(a: \"成都\", b: \"资阳\") { places { name } } }"}`,
		`{"query":"{ connect(a: \"Chengdoo\", b: \"资阳\") { id } }"}`,
		`{"query":"{ connect(a: \"成都\" { id } }"}`,
		`{"query":"{ nosuchfield }"}`,
		`{"query":"query($a: String!) { connect(a: $a, b: \"资阳\") { id } }"}`,
		`{"query":"{ connect(a: \"成都\", b: \"资阳\") { id } }", "variables": 5}`,
		// writePlain answers these itself, or leaves them to gqlgen.
		`{"query":"{ c: connect(a: \"成都\", b: \"资阳\") { n: name ...F __typename } } fragment F on Initiative { id stage category }"}`,
		`{"query":"query Q($a: String!, $b: String!, $s: Boolean!) { connect(a: $a, b: $b) { id name @skip(if: $s) } }", "operationName": "Q", "variables": {"a": "成都", "b": "资阳", "s": true}}`,
		`{"query":"{ connect(a: \"成都\", b: \"资阳\") { id } __typename }"}`,
		`{"query":"{ x: connect(a: \"成都\", b: \"资阳\") { id } y: connect(a: \"资阳\", b: \"成都\") { name } }"}`,
		`{"query":"{ connect(a: \"成都\", b: \"资阳\") @include(if: false) { id } }"}`,
		`{"query":"{ neighbourhood(of: \"资阳\", hops: 2, first: 20) { truncated nodes { depth label } } }"}`,
		`{"query":"{ neighbourhood(of: \"资阳\", hops: 9) { nodes { id } } }"}`,
		`{"query":"{ paths(from: \"成都\", to: \"一带一路\", first: 10) { length nodes { id name __typename } edges { from to relation } } }"}`,
		`{"query":"{ paths(from: \"成都\", to: \"一带一路\") { edges { fact { id } } } }"}`,
		`{"query":"{ paths(from: \"成都\", to: \"nowhere\") { length } }"}`,
		`{"query":"mutation { removeDocument(id: \"document/x\") }"}`,
	}
	for _, accept := range []string{"", "*/*", "application/json", "application/graphql-response+json", "text/html"} {
		for _, b := range bodies {
			get := func(url string) (int, string, string) {
				req, _ := http.NewRequest("POST", url+"/graphql", strings.NewReader(b))
				req.Header.Set("Content-Type", "application/json")
				if accept != "" {
					req.Header.Set("Accept", accept)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				out, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, resp.Header.Get("Content-Type"), string(out)
			}
			fs, fc, fb := get(fast.URL)
			ss, sc, sb := get(slow.URL)
			if fs != ss || fc != sc || fb != sb {
				t.Errorf("Accept %q, %s:\n got %d %s %.300s\nwant %d %s %.300s", accept, b, fs, fc, fb, ss, sc, sb)
			}
		}
	}
}

// TestPlainHTTPConcurrent asks different plain questions from many clients
// at once, each many times, and checks every answer against the one asked
// alone: the answers' buffers and working space are reused from pools.
func TestPlainHTTPConcurrent(t *testing.T) {
	e := seedEnv(t)
	srv := httptest.NewServer(resolvers.NewServer(e.st, resolvers.Options{Limits: resolvers.Limits{Running: 2}}).Handler())
	defer srv.Close()
	bodies := []string{
		`{"query":"{ connect(a: \"成都\", b: \"资阳\") { id name } }"}`,
		`{"query":"{ connect(a: \"资阳\", b: \"成都\") { name stage } }"}`,
		`{"query":"{ x: connect(a: \"成都\", b: \"资阳\") { id } y: connect(a: \"资阳\", b: \"成都\") { name } }"}`,
		`{"query":"{ neighbourhood(of: \"资阳\", hops: 2) { nodes { id label } edges { id relation } } }"}`,
		`{"query":"{ neighbourhood(of: \"成都\", hops: 1) { nodes { id kind depth } edges { source target } } }"}`,
	}
	post := func(b string) (string, error) {
		resp, err := srv.Client().Post(srv.URL+"/graphql", "application/json", strings.NewReader(b))
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		return string(out), err
	}
	want := make([]string, len(bodies))
	for i, b := range bodies {
		var err error
		if want[i], err = post(b); err != nil || !strings.HasPrefix(want[i], `{"data":`) {
			t.Fatalf("%s: %v %.200s", b, err, want[i])
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*20)
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 20 {
				i := (c + k) % len(bodies)
				if got, err := post(bodies[i]); err != nil || got != want[i] {
					errs <- fmt.Sprintf("%s: %v\n got %.200s\nwant %.200s", bodies[i], err, got, want[i])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
