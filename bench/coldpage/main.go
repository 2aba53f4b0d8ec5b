// Command coldpage measures the explorer page at corpus scale, as a user
// meets it: it starts a policygraph server on a store of generated reports,
// opens the page's default connect view (成都, 资阳) in a fresh headless
// Chromium as the server's first visitor, and records how long the view took
// to be ready (the answer listed as text in the table under the picture and
// the canvas drawn), how many nodes were drawn (the page draws at most 80)
// and how many initiatives the table lists. Then it opens the page again
// (warm server, warm browser) as the baseline of the same run.
//
//	go build -o /tmp/pg ./cmd/policygraph
//	go run ./bench/coldpage -reports 200,1000 -rounds 3 /tmp/pg [other=/tmp/pg-old ...]
//
// Each store is DIR/gN.db (-dir; made with the first binary's gen and load
// when missing, which takes about 30 s for 200 reports and several minutes
// for 1,000). Each run starts serve twice over, once with the store's index
// snapshot (DIR/gN.db.index) and once with it moved away, so that the
// server scans the store (-starts); the binaries take turns in every round
// (A, B, A, B, ...), so that they share the machine's load. The bbolt file
// stays in the operating system's page cache between runs: "cold" is the
// process, not the disk.
//
// It needs a Chromium (-chromium, or POLICYGRAPH_TEST_CHROMIUM; Debian's
// is installed by .ci/setup-chromium.sh) and binaries built with the page
// bundle (make web). Chromium reaches only loopback. It is a benchmark
// tool, not part of policygraph.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	reports := flag.String("reports", "200,1000", "store sizes, in generated reports, comma-separated")
	seed := flag.Int("seed", 1, "the corpus seed of gen")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "policygraph-coldpage"), "where the corpora and stores are kept between runs")
	rounds := flag.Int("rounds", 3, "rounds; each runs every size, start and binary once")
	starts := flag.String("starts", "snapshot,scan", "how the server gets its index: snapshot (read DB.index), scan (DB.index moved away)")
	chromium := flag.String("chromium", cmp.Or(os.Getenv("POLICYGRAPH_TEST_CHROMIUM"), "/usr/bin/chromium"), "the Chromium binary")
	query := flag.String("query", "a=成都&b=资阳", "the page's URL query")
	timeout := flag.Duration("timeout", 3*time.Minute, "the time a server start or a page may take")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: coldpage [flags] [NAME=]BINARY...\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	var bins []binary
	for _, a := range flag.Args() {
		name, path, ok := strings.Cut(a, "=")
		if !ok {
			name, path = filepath.Base(a), a
		}
		bins = append(bins, binary{name, path})
	}
	var sizes []int
	for _, s := range strings.Split(*reports, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fail("bad -reports %q", *reports)
		}
		sizes = append(sizes, n)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail("%v", err)
	}
	stores := map[int]string{}
	for _, n := range sizes {
		stores[n] = prepare(bins[0].path, *dir, n, *seed)
	}
	fmt.Printf("# %s, load average %s, %d CPUs seen by Go\n", time.Now().UTC().Format(time.RFC3339), loadavg(), runtime.NumCPU())

	// An interrupt stops the run in progress, its server and browser, and
	// puts the index snapshot back where a scanned start moved it from.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var results []result
	for r := 1; r <= *rounds && ctx.Err() == nil; r++ {
		for _, n := range sizes {
			for _, start := range strings.Split(*starts, ",") {
				for _, b := range bins {
					if ctx.Err() != nil {
						break
					}
					res, err := run(ctx, b, stores[n], start, *chromium, *query, *timeout)
					res.round, res.reports, res.start, res.bin = r, n, start, b.name
					if err != nil {
						fmt.Printf("round %d %s %d reports %s start: %v\n", r, b.name, n, start, err)
						continue
					}
					fmt.Println(res.line())
					results = append(results, res)
				}
			}
		}
	}
	summary(results)
}

type binary struct{ name, path string }

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "coldpage: "+format+"\n", args...)
	os.Exit(1)
}

// prepare returns the store of n generated reports in dir, generating and
// loading it first when it is missing.
func prepare(bin, dir string, n, seed int) string {
	db := filepath.Join(dir, fmt.Sprintf("g%d.db", n))
	if _, err := os.Stat(db); err == nil {
		if _, err := os.Stat(db + ".index"); err != nil {
			fail("%s has no index snapshot (%v): start and stop serve on it once, or delete it to load it again", db, err)
		}
		return db
	}
	corpus := filepath.Join(dir, fmt.Sprintf("g%d", n))
	if err := os.RemoveAll(corpus); err != nil {
		fail("%v", err)
	}
	t0 := time.Now()
	if out, err := exec.Command(bin, "gen", "--reports", strconv.Itoa(n), "--seed", strconv.Itoa(seed), corpus).CombinedOutput(); err != nil {
		fail("gen: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(corpus, "*.txt"))
	cmd := exec.Command(bin, append([]string{"load", "-q", "--db", db}, files...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(db)
		fail("load: %v\n%s", err, out)
	}
	fi, _ := os.Stat(db)
	fmt.Printf("# loaded %d reports into %s (%d MB) in %v\n", n, db, fi.Size()>>20, time.Since(t0).Round(time.Second))
	return db
}

// result is one run: a cold server's first page view, then a second one.
type result struct {
	round, reports int
	start, bin     string

	serverStart time.Duration // serve's own figure: opening the store and building or reading the index
	how         string        // how serve got its index, from its log
	load        string        // the load average when the page was opened
	serverCPU   time.Duration // the CPU time serve used for the cold view
	majorFaults int64         // pages serve read from disk for it (not the page cache)
	page
	warm page
}

// page is what one view of the page measured, read from the page itself:
// readyMs counts from the navigation's start (the HTML, the bundle, the
// connect answer, the table and the drawn layout); connectAt, connectMs and
// connectBytes are the connect question's request (resource timing): when
// it was sent, how long its answer took, its size.
type page struct {
	ReadyMs      float64 `json:"readyMs"`
	ConnectAt    float64 `json:"connectAt"` // when the page sent the connect question
	ConnectMs    float64 `json:"connectMs"`
	ConnectBytes int     `json:"connectBytes"`
	LayoutMs     float64 `json:"layoutMs"`
	Drawn        int     `json:"drawn"`
	Listed       int     `json:"listed"`
	Undrawn      int     `json:"undrawn"`
	HasRail      bool    `json:"hasRail"`
	Error        string  `json:"error"`
}

func (r result) line() string {
	return fmt.Sprintf("round %d %s %d reports, %s start (%v, %s; load %s): cold %s; server CPU %v, %d major faults | warm %s",
		r.round, r.bin, r.reports, r.start, r.serverStart, r.how, r.load, r.page, r.serverCPU, r.majorFaults, r.warm)
}

func (p page) String() string {
	s := fmt.Sprintf("ready %.0f ms (connect sent at %.0f ms, answered in %.0f ms, %.1f MB; layout %.0f ms); %d nodes drawn, %d listed, %d undrawn, 成资市域(郊)铁路 in the DOM: %v",
		p.ReadyMs, p.ConnectAt, p.ConnectMs, float64(p.ConnectBytes)/1e6, p.LayoutMs, p.Drawn, p.Listed, p.Undrawn, p.HasRail)
	if p.Error != "" {
		s += fmt.Sprintf(", error %q", p.Error)
	}
	return s
}

var (
	servingRe = regexp.MustCompile(`msg=serving addr=(\S+)`)
	indexRe   = regexp.MustCompile(`msg="index ready".* how="?([a-z]+).* took=(\S+)`)
)

// run starts a browser and a server, opens the page twice and stops both.
func run(ctx context.Context, b binary, db, start, chromium, query string, timeout time.Duration) (res result, err error) {
	switch start {
	case "snapshot":
	case "scan":
		kept := db + ".index.kept"
		if err := os.Rename(db+".index", kept); err != nil {
			return res, err
		}
		// A scan start writes a snapshot when serve stops; the one kept is
		// put back, as it was.
		defer func() {
			if rerr := os.Rename(kept, db+".index"); rerr != nil && err == nil {
				err = rerr
			}
		}()
	default:
		return res, fmt.Errorf("unknown start %q (snapshot, scan)", start)
	}

	// The browser starts first, so that its start is no part of the figures.
	profile, err := os.MkdirTemp("", "coldpage-chromium-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(profile)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		return res, fmt.Errorf("start chromium: %w", err)
	}

	srv := exec.Command(b.path, "serve", "--db", db, "--addr", "127.0.0.1:0")
	stderr, err := srv.StderrPipe()
	if err != nil {
		return res, err
	}
	if err := srv.Start(); err != nil {
		return res, err
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := indexRe.FindStringSubmatch(line); m != nil {
				res.how = m[1]
				res.serverStart, _ = time.ParseDuration(m[2])
			}
			if m := servingRe.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(timeout):
		return res, errors.New("serve did not start")
	case <-ctx.Done():
		return res, ctx.Err()
	}
	if want := map[string]string{"snapshot": "read", "scan": "scanned"}[start]; res.how != want {
		return res, fmt.Errorf("serve's index: %q, want %q (is DB.index stale?)", res.how, want)
	}

	tab, cancel := context.WithTimeout(browser, timeout)
	defer cancel()
	res.load = loadavg()
	u := base + "/?" + (&url.URL{RawQuery: query}).Query().Encode()
	before := procStat(srv.Process.Pid)
	if res.page, err = open(tab, u); err != nil {
		return res, fmt.Errorf("cold: %w", err)
	}
	after := procStat(srv.Process.Pid)
	res.serverCPU = after.cpu - before.cpu
	res.majorFaults = after.majflt - before.majflt
	if res.warm, err = open(tab, u); err != nil {
		return res, fmt.Errorf("warm: %w", err)
	}
	return res, nil
}

// ready is true once the page has drawn its first view (or said an
// error); it notes the time it first saw so, on the page's clock. It is
// polled on every change of the DOM, so the time is the change's.
const ready = `(() => {
	const p = window.__pg;
	const done = !!p && (p.status === 'ready' || p.status === 'error') && p.renders + (p.status === 'error' ? 1 : 0) >= 1;
	if (done && window.__readyAt === undefined) window.__readyAt = performance.now();
	return done;
})()`

const measure = `(() => {
	const gql = performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('/graphql'))
		.sort((x, y) => x.startTime - y.startTime);
	const c = gql[0] || {};
	return {
		readyMs: window.__readyAt,
		connectAt: c.startTime || 0,
		connectMs: c.responseEnd - c.startTime || 0,
		connectBytes: c.encodedBodySize || 0,
		layoutMs: __pg.lastLayoutMs,
		drawn: __pg.cy.nodes().length,
		listed: document.querySelectorAll('#answer tbody tr').length,
		undrawn: document.querySelectorAll('#answer tbody tr.undrawn').length,
		hasRail: document.body.innerText.includes('成资市域(郊)铁路'),
		error: __pg.error,
	};
})()`

// open navigates to u and measures the view once it is ready.
func open(ctx context.Context, u string) (page, error) {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(u)); err != nil {
		return page{}, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](ready, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(0))); err != nil {
		return page{}, fmt.Errorf("the view was not ready: %w", err)
	}
	return chromedp.Run(ctx, chromedp.Evaluate[page](measure))
}

// summary prints, for each size, start and binary, the median and range of
// the rounds.
func summary(results []result) {
	type key struct {
		reports    int
		start, bin string
	}
	var keys []key
	groups := map[key][]result{}
	for _, r := range results {
		k := key{r.reports, r.start, r.bin}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	fmt.Printf("\n| reports | start | binary | server start | cold: ready | connect sent at | connect request | server CPU | nodes drawn | listed (undrawn) | warm: ready | rounds (cold errors) |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, k := range keys {
		g := groups[k]
		f := func(get func(result) float64) string {
			xs := make([]float64, len(g))
			for i, r := range g {
				xs[i] = get(r)
			}
			slices.Sort(xs)
			return fmt.Sprintf("%.2f s (%.2f–%.2f)", xs[len(xs)/2]/1000, xs[0]/1000, xs[len(xs)-1]/1000)
		}
		// The counts of a run whose cold view was an answer, not an error.
		errs, last := 0, g[len(g)-1]
		for _, r := range slices.Backward(g) {
			if r.Error != "" {
				errs++
			} else {
				last = r
			}
		}
		fmt.Printf("| %d | %s | %s | %s | **%s** | %s | %s, %.1f MB | %s | %d | %d (%d) | %s | %d (%d) |\n", k.reports, k.start, k.bin,
			f(func(r result) float64 { return float64(r.serverStart.Milliseconds()) }),
			f(func(r result) float64 { return r.ReadyMs }),
			f(func(r result) float64 { return r.ConnectAt }),
			f(func(r result) float64 { return r.ConnectMs }), float64(last.ConnectBytes)/1e6,
			f(func(r result) float64 { return float64(r.serverCPU.Milliseconds()) }),
			last.Drawn, last.Listed, last.Undrawn,
			f(func(r result) float64 { return r.warm.ReadyMs }), len(g), errs)
	}
}

type stat struct {
	cpu    time.Duration
	majflt int64
}

// procStat reads a process's CPU time and major page faults from
// /proc/PID/stat (zero where there is none).
func procStat(pid int) stat {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return stat{}
	}
	num := func(i int) int64 { n, _ := strconv.ParseInt(f[i], 10, 64); return n }
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return stat{cpu: time.Duration(num(11)+num(12)) * tick, majflt: num(9)}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}
