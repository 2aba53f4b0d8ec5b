package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the server's logger and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs the serve command on a free port and returns its base URL
// and a function that stops it and returns its error.
func startServe(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	base, stop, _ := startServeLogs(t, args...)
	return base, stop
}

// startServeLogs is startServe, with the server's log.
func startServeLogs(t *testing.T, args ...string) (string, func() error, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := new(lockedBuffer)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), io.Discard, logs)
	}()
	addr := regexp.MustCompile(`msg=serving addr=(\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := addr.FindStringSubmatch(logs.String()); m != nil {
			return "http://" + m[1], func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(10 * time.Second):
					t.Fatal("serve did not stop within 10 s of cancellation")
					return nil
				}
			}, logs
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped early: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", logs.String())
		}
	}
}

func TestServeLoadsSeedsIntoAnEmptyStore(t *testing.T) {
	base, stop := startServe(t, "--db", "memory")

	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct {
		Status string
		Nodes  int
	}
	json.NewDecoder(res.Body).Decode(&health)
	res.Body.Close()
	if res.StatusCode != 200 || health.Status != "ok" || health.Nodes == 0 {
		t.Errorf("healthz: %d %+v (want the seeds loaded)", res.StatusCode, health)
	}

	body := `{"query": "{ connect(a: \"Chengdu\", b: \"Ziyang\") { name } }"}`
	res, err = http.Post(base+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "成资市域(郊)铁路") {
		t.Errorf("POST /graphql: %s", b)
	}

	res, err = http.Get(base + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(strings.ToLower(string(b)), "graphiql") {
		t.Errorf("GET /graphiql: %d", res.StatusCode)
	}

	if err := stop(); err != nil {
		t.Errorf("serve returned %v after cancellation, want nil", err)
	}
}

// TestServeRestartsFromTheSnapshot stops a server on a bbolt file and
// starts it again: the second start reads the index snapshot the first
// wrote when it stopped, and answers as before.
func TestServeRestartsFromTheSnapshot(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pg.db")
	ask := func(base string) string {
		body := `{"query": "{ connect(a: \"成都\", b: \"资阳\") { name } }"}`
		res, err := http.Post(base+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	base, stop, logs := startServeLogs(t, "--db", db)
	first := ask(base)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "how=\"scanned the store\"") || !strings.Contains(first, "成资市域(郊)铁路") {
		t.Fatalf("first start: %s\n%s", first, logs.String())
	}
	base, stop, logs = startServeLogs(t, "--db", db)
	second := ask(base)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "how=\"read the snapshot") {
		t.Errorf("the second start did not read the snapshot:\n%s", logs.String())
	}
	if second != first {
		t.Errorf("after the restart connect answers\n%s\nnot\n%s", second, first)
	}
}

func TestServeIntrospectionFlag(t *testing.T) {
	base, stop := startServe(t, "--db", "memory", "--introspection=false")
	defer stop()
	res, err := http.Get(base + "/graphql?query=" + "%7B__schema%7BqueryType%7Bname%7D%7D%7D")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "INVALID_INPUT") || !strings.Contains(string(b), "introspection is turned off") {
		t.Errorf("introspection with --introspection=false: %s", b)
	}
}

func TestServeUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"serve", "extra"}, &out, &errOut); code != 2 {
		t.Errorf("serve extra: exit %d (%s), want 2", code, errOut.String())
	}
}
