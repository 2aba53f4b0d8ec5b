package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq" // the test's own connection, to make and drop its schema
)

// TestReplicasFollowWrites runs two real `policygraph serve` processes on one
// PostgreSQL database, loads documents with `policygraph load` (another
// process), and checks that both replicas answer with them within 2 s, also
// after every database connection was dropped. It skips unless
// POLICYGRAPH_TEST_POSTGRES is set (make test sets it; .ci/setup-postgres.sh
// starts the server).
func TestReplicasFollowWrites(t *testing.T) {
	base := os.Getenv("POLICYGRAPH_TEST_POSTGRES")
	if base == "" {
		t.Skip("POLICYGRAPH_TEST_POSTGRES is not set: run `make deps` (as root) then " +
			"`POLICYGRAPH_TEST_POSTGRES='postgres://policygraph:policygraph@127.0.0.1:5432/policygraph_test?sslmode=disable' go test ./cmd/policygraph -run Replicas`")
	}
	if testing.Short() {
		t.Skip("builds the binary and starts three processes")
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the schema is dropped
	var b [6]byte
	rand.Read(b[:])
	schema := "replicatest_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v (is PostgreSQL running? make deps starts it)", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema) // dropping connections below drops only this test's
	u.RawQuery = q.Encode()
	dsn := u.String()

	dir := t.TempDir()
	bin := filepath.Join(dir, "policygraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The first replica loads the seeds into the empty database; the second
	// starts once it is serving.
	r1 := startReplica(t, bin, dsn)
	r2 := startReplica(t, bin, dsn)

	const seedQuery = `{ connect(a: "Chengdu", b: "Ziyang") { name } }`
	if a, b := r1.query(t, seedQuery), r2.query(t, seedQuery); a != b || !strings.Contains(a, "成资市域") {
		t.Fatalf("replicas disagree on the seeds:\n r1 %s\n r2 %s", a, b)
	}

	load := func(name, text string) (took time.Duration) {
		t.Helper()
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := exec.Command(bin, "load", "-q", "--db", dsn, file).CombinedOutput()
		if err != nil {
			t.Fatalf("policygraph load: %v\n%s", err, out)
		}
		return time.Since(start)
	}
	// waitBoth polls both replicas until each answers q with want in it and
	// returns how long each took after the load process exited.
	waitBoth := func(what, q, want string) {
		t.Helper()
		start := time.Now()
		var wg sync.WaitGroup
		lag := make([]time.Duration, 2)
		for i, r := range []*replica{r1, r2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					if strings.Contains(r.query(t, q), want) {
						lag[i] = time.Since(start)
						return
					}
					if time.Since(start) > 10*time.Second {
						lag[i] = -1
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
		}
		wg.Wait()
		for i, l := range lag {
			switch {
			case l < 0:
				t.Errorf("%s: replica %d does not answer with %s after 10 s", what, i+1, want)
			case l > 2*time.Second:
				t.Errorf("%s: replica %d took %v, want ≤ 2s", what, i+1, l)
			}
		}
		t.Logf("%s: replicas answered %v and %v after the load process exited", what, lag[0], lag[1])
	}

	const q1 = `{ connect(a: "遂宁", b: "资阳") { name stage } }`
	if got := r1.query(t, q1); strings.Contains(got, "遂宁至资阳城际铁路") {
		t.Fatalf("the new initiative is there before the load: %s", got)
	}
	took := load("suining-2024-work-report.txt",
		"遂宁市2024年政府工作报告\n\n一、2024年重点工作\n\n加快建设遂宁至资阳城际铁路，连接遂宁与资阳。推进遂资临空产业带建设。\n")
	t.Logf("policygraph load (a process: open, extract, write, exit) took %v", took)
	waitBoth("load", q1, "遂宁至资阳城际铁路")

	// A changed version replaces the first: the stage follows.
	load("suining-2024-work-report.txt",
		"遂宁市2024年政府工作报告\n\n一、2024年重点工作\n\n建成遂宁至资阳城际铁路，连接遂宁与资阳。\n")
	waitBoth("replace", q1, `"stage":"COMPLETED"`)
	if a, b := r1.query(t, q1), r2.query(t, q1); a != b || strings.Contains(a, "遂资临空产业带") {
		t.Errorf("after the replacement:\n r1 %s\n r2 %s", a, b)
	}

	// Drop every connection the replicas hold (as a database restart
	// would); the next change still reaches both.
	var dropped int
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`, schema).Scan(&dropped); err != nil {
		t.Fatal(err)
	} else if dropped == 0 {
		t.Fatal("no connection of this test to drop: are its sessions named by application_name?")
	}
	load("neijiang-2024-work-report.txt",
		"内江市2024年政府工作报告\n\n一、2024年重点工作\n\n加快建设内江至自贡城际铁路，连接内江与自贡。\n")
	waitBoth("after dropped connections", `{ connect(a: "内江", b: "自贡") { name } }`, "内江至自贡城际铁路")

	for _, r := range []*replica{r1, r2} {
		if err := r.stop(); err != nil {
			t.Errorf("replica exited with %v\n%s", err, r.logs.String())
		}
	}
}

type replica struct {
	base string
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan error
}

// startReplica starts `policygraph serve` on a free port and waits until it
// serves.
func startReplica(t *testing.T, bin, dsn string) *replica {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`msg=serving addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.logs.Write(append(sc.Bytes(), '\n'))
			if m := re.FindSubmatch(sc.Bytes()); m != nil {
				select {
				case addr <- string(m[1]):
				default:
				}
			}
		}
		r.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
	select {
	case a := <-addr:
		r.base = "http://" + a
	case err := <-r.done:
		t.Fatalf("serve exited early: %v\n%s", err, r.logs.String())
	case <-time.After(120 * time.Second):
		t.Fatalf("serve did not start within 120 s:\n%s", r.logs.String())
	}
	return r
}

// query posts a GraphQL query and returns the response body.
func (r *replica) query(t *testing.T, q string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": q})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", r.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("query %s: %v", r.base, err)
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// stop sends SIGINT and waits for the process to exit.
func (r *replica) stop() error {
	r.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-r.done:
		return err
	case <-time.After(15 * time.Second):
		r.cmd.Process.Kill()
		return <-r.done
	}
}
