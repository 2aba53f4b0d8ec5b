package resolvers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
)

// TestQueriesTakeTurns holds every turn and sends queries: one waits, and is
// answered, with its length, once a turn is free; one that waits past the
// time limit gets 503 BUSY with Retry-After; a mutation takes no turn; and
// one whose client goes away leaves without an answer.
func TestQueriesTakeTurns(t *testing.T) {
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := NewServer(st, Options{Limits: Limits{Running: 2, Timeout: 200 * time.Millisecond}})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	post := func(ctx context.Context, query string) (*http.Response, map[string]any, error) {
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer res.Body.Close()
		var out map[string]any
		err = json.NewDecoder(res.Body).Decode(&out)
		return res, out, err
	}
	const query = `{ documents { id } }`

	if res, out, err := post(ctx, query); err != nil || res.StatusCode != 200 || out["data"] == nil || res.ContentLength <= 0 {
		t.Fatalf("a query with the turns free: %v, %v, %v; want 200 with data and a Content-Length", res, out, err)
	}

	// Both turns taken: a query waits, and is answered once one is free.
	s.running <- struct{}{}
	s.running <- struct{}{}
	done := make(chan *http.Response, 1)
	go func() {
		res, _, _ := post(ctx, query)
		done <- res
	}()
	select {
	case res := <-done:
		t.Fatalf("a query was answered while every turn was taken: %v", res)
	case <-time.After(50 * time.Millisecond):
	}
	<-s.running
	if res := <-done; res == nil || res.StatusCode != 200 {
		t.Fatalf("the waiting query, once a turn was free: %v; want 200", res)
	}

	// Past the time limit: 503 BUSY.
	s.running <- struct{}{}
	start := time.Now()
	res, out, err := post(ctx, query)
	if err != nil || res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(asJSON(out), `"BUSY"`) {
		t.Fatalf("a query waiting past the time limit: %v %s %v; want 503 BUSY with Retry-After", res, asJSON(out), err)
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("refused after %v, before the 200 ms time limit", waited)
	}

	// A mutation takes no turn (writes are off here: it is refused, at once).
	res, out, err = post(ctx, `mutation { removeDocument(id: "document/x") }`)
	if err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("a mutation while every turn was taken: %v %s %v; want 403 at once", res, asJSON(out), err)
	}

	// A client that gives up leaves its place.
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, _, err := post(cctx, query); err == nil {
		t.Errorf("a query whose client gave up was answered")
	}
	<-s.running
	<-s.running
	// The server may see the client go only after a turn came free: then
	// it runs the query and gives the turn back.
	for deadline := time.Now().Add(2 * time.Second); len(s.running) != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d turns still taken after every request ended", len(s.running))
		}
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
