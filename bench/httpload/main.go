// Command httpload compares policygraph servers over HTTP: it sends GraphQL
// POST requests from C concurrent clients for a fixed time, rotating over a
// list of questions so that no answer is the same twice in a row, and
// alternates between the servers given (A, B, A, B, ...) so that both meet
// the same load on the machine. It prints one line per run and, per server
// and question, the median over rounds of requests/s, p50 and p99.
//
//	go run ./bench/httpload -rounds 3 -d 5s -c 1,16 -q connect,neighbourhood \
//	    base=http://127.0.0.1:18081 new=http://127.0.0.1:18082
//
// With -dump FILE it also writes a line per request, for a look at where the
// slow ones fall (by question, or together in time). With -server-times it
// reads each server's GET /metrics before and after a run and prints the
// server's own p50 and p99 of the run's queries next to the client's: from
// the handler's start to the answer written, and the part of it spent
// waiting for a turn (servers without /metrics print none). With -pause D
// each client waits D before each request, as a client that is not asking
// back to back does. Question empty asks { __typename }; bench/emptyserver
// answers anything with as little.
//
// It is a benchmark tool, not part of policygraph; it needs only the
// servers' /graphql endpoints.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// pairs are the place pairs connect asks about, in rotation.
var pairs = [][2]string{
	{"成都", "资阳"}, {"成都", "德阳"}, {"绵阳", "乐山"}, {"重庆", "达州"}, {"成都", "眉山"},
	{"德阳", "绵阳"}, {"自贡", "内江"}, {"宜宾", "泸州"}, {"南充", "广安"}, {"遂宁", "南充"},
	{"成都", "绵阳"}, {"乐山", "眉山"}, {"重庆", "广安"}, {"资阳", "内江"}, {"雅安", "成都"},
}

// centres are the places neighbourhood walks from, in rotation.
var centres = []string{"资阳", "德阳", "乐山", "达州", "眉山", "绵阳", "内江", "泸州", "广安", "遂宁", "雅安", "自贡", "宜宾", "南充"}

func body(question string, i int) []byte {
	var q string
	switch question {
	case "connect":
		p := pairs[i%len(pairs)]
		q = fmt.Sprintf(`{ connect(a: %q, b: %q) { id name } }`, p[0], p[1])
	case "neighbourhood":
		q = fmt.Sprintf(`{ neighbourhood(of: %q, hops: 2) { nodes { id label kind depth } edges { id source target relation } } }`, centres[i%len(centres)])
	case "paths":
		p := pairs[i%len(pairs)]
		q = fmt.Sprintf(`{ paths(from: %q, to: %q) { length nodes { id name } edges { from to relation } } }`, p[0], p[1])
	case "empty":
		q = `{ __typename }`
	case "connectstage":
		p := pairs[i%len(pairs)]
		q = fmt.Sprintf(`{ connect(a: %q, b: %q) { id name stage category } }`, p[0], p[1])
	default:
		fmt.Fprintf(os.Stderr, "httpload: unknown question %q (connect, connectstage, neighbourhood, paths, empty)\n", question)
		os.Exit(2)
	}
	b, _ := json.Marshal(map[string]string{"query": q})
	return b
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int64
}

// pause is how long each client waits before each request, not timed
// (-pause): a client that is not asking back to back finds the server's
// threads, and its own, asleep.
var pause time.Duration

func run(url, question string, clients int, d time.Duration) result {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	var (
		next   atomic.Int64
		errs   atomic.Int64
		mu     sync.Mutex
		lat    []time.Duration
		wg     sync.WaitGroup
		stop   = time.Now().Add(d)
		start  = time.Now()
		failed = func() { errs.Add(1) }
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var buf bytes.Buffer // reused: the tool's own garbage would pause it, and the clock
			for time.Now().Before(stop) {
				if pause > 0 {
					time.Sleep(pause)
				}
				qi := int(next.Add(1))
				b := body(question, qi)
				t0 := time.Now()
				resp, err := client.Post(url+"/graphql", "application/json", bytes.NewReader(b))
				if err != nil {
					failed()
					continue
				}
				buf.Reset()
				_, err = buf.ReadFrom(resp.Body)
				resp.Body.Close()
				el := time.Since(t0)
				out := buf.Bytes()
				if err != nil || resp.StatusCode != 200 || bytes.Contains(out, []byte(`"errors"`)) {
					failed()
					if errs.Load() == 1 {
						fmt.Fprintf(os.Stderr, "httpload: %s: %d %.300s\n", url, resp.StatusCode, out)
					}
					continue
				}
				mine = append(mine, el)
				if dump != nil {
					dumpMu.Lock()
					fmt.Fprintf(dump, "%s %s %d %d %d %d\n", url, question, clients, qi, t0.Sub(start).Microseconds(), el.Microseconds())
					dumpMu.Unlock()
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	slices.Sort(lat)
	r := result{rps: float64(len(lat)) / el.Seconds(), errors: errs.Load()}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return r
}

var (
	dump   *bufio.Writer // -dump
	dumpMu sync.Mutex
)

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

func main() {
	rounds := flag.Int("rounds", 3, "runs per server, question and client count, interleaved")
	d := flag.Duration("d", 5*time.Second, "the length of one run")
	cs := flag.String("c", "1,16", "client counts, comma-separated")
	qs := flag.String("q", "connect,neighbourhood", "questions: connect, connectstage, neighbourhood, paths, empty ({ __typename })")
	warm := flag.Duration("warm", time.Second, "an unmeasured run before each question and client count, per server")
	flag.DurationVar(&pause, "pause", 0, "each client waits this long before each request (not timed)")
	withServer := flag.Bool("server-times", false, "read each server's GET /metrics around a run and print its own p50 and p99 (total, and waiting for a turn)")
	dumpTo := flag.String("dump", "", "write every request (URL, question, clients, its number, start and latency in µs from the run's start) to this file")
	flag.Parse()
	if *dumpTo != "" {
		f, err := os.Create(*dumpTo)
		if err != nil {
			fmt.Fprintln(os.Stderr, "httpload:", err)
			os.Exit(1)
		}
		dump = bufio.NewWriterSize(f, 1<<20)
		defer func() {
			if err := dump.Flush(); err != nil {
				fmt.Fprintln(os.Stderr, "httpload:", err)
			}
			f.Close()
		}()
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: httpload [flags] name=URL...")
		os.Exit(2)
	}
	type server struct{ name, url string }
	var servers []server
	for _, a := range flag.Args() {
		name, url, ok := strings.Cut(a, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "httpload: %q is not name=URL\n", a)
			os.Exit(2)
		}
		servers = append(servers, server{name, url})
	}
	for _, q := range strings.Split(*qs, ",") {
		for _, c := range strings.Split(*cs, ",") {
			n, err := strconv.Atoi(c)
			if err != nil || n < 1 {
				fmt.Fprintf(os.Stderr, "httpload: bad client count %q\n", c)
				os.Exit(2)
			}
			for _, s := range servers {
				run(s.url, q, n, *warm)
			}
			rps := make([][]float64, len(servers))
			p50 := make([][]float64, len(servers))
			p99 := make([][]float64, len(servers))
			sp50 := make([][]float64, len(servers))
			sp99 := make([][]float64, len(servers))
			for r := range *rounds {
				for i, s := range servers {
					var before serverTimes
					if *withServer {
						before = readServerTimes(s.url)
					}
					res := run(s.url, q, n, *d)
					fmt.Printf("round %d %-14s c=%-3d %-6s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d",
						r, q, n, s.name, res.rps, ms(res.p50), ms(res.p99), res.errors)
					if before != nil {
						after := readServerTimes(s.url)
						t50, t99 := quantile(before, after, "total", 0.5), quantile(before, after, "total", 0.99)
						fmt.Printf("  server p50 %.2f p99 %.2f ms (waiting for a turn %.2f / %.2f)",
							ms(t50), ms(t99), ms(quantile(before, after, "wait", 0.5)), ms(quantile(before, after, "wait", 0.99)))
						sp50[i] = append(sp50[i], ms(t50))
						sp99[i] = append(sp99[i], ms(t99))
					}
					fmt.Println()
					rps[i] = append(rps[i], res.rps)
					p50[i] = append(p50[i], ms(res.p50))
					p99[i] = append(p99[i], ms(res.p99))
				}
			}
			for i, s := range servers {
				fmt.Printf("MEDIAN %-14s c=%-3d %-6s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  p99/p50 %.1f  ratio to %s %.2f",
					q, n, s.name, median(rps[i]), median(p50[i]), median(p99[i]), median(p99[i])/median(p50[i]),
					servers[0].name, median(rps[i])/median(rps[0]))
				if len(sp50[i]) > 0 {
					fmt.Printf("  server p50 %.2f p99 %.2f ms", median(sp50[i]), median(sp99[i]))
				}
				fmt.Println()
			}
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// serverTimes are the cumulative bucket counts of GET /metrics'
// policygraph_query_seconds, by phase, in the order served; nil when the
// server has no /metrics.
type serverTimes map[string][]bucket

type bucket struct {
	le  float64 // seconds; +Inf for the last
	cum float64
}

func readServerTimes(url string) serverTimes {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	st := serverTimes{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), `policygraph_query_seconds_bucket{phase="`)
		if !ok {
			continue
		}
		phase, rest, _ := strings.Cut(line, `",le="`)
		le, count, _ := strings.Cut(rest, `"} `)
		l, err1 := strconv.ParseFloat(le, 64) // "+Inf" parses
		c, err2 := strconv.ParseFloat(count, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		st[phase] = append(st[phase], bucket{l, c})
	}
	return st
}

// quantile returns the q-quantile of phase's queries between before and
// after, interpolated geometrically inside its bucket; 0 if there are none.
func quantile(before, after serverTimes, phase string, q float64) time.Duration {
	a, b := after[phase], before[phase]
	if len(a) == 0 {
		return 0
	}
	diff := func(i int) float64 {
		if i < len(b) {
			return a[i].cum - b[i].cum
		}
		return a[i].cum
	}
	n := diff(len(a) - 1)
	if n == 0 {
		return 0
	}
	want := q * n
	lo, below := 0.0, 0.0
	for i := range a {
		c := diff(i)
		if c >= want {
			hi := a[i].le
			if math.IsInf(hi, 1) {
				hi = lo * 2
			}
			if lo == 0 {
				lo = hi / 2
			}
			f := (want - below) / max(c-below, 1)
			return time.Duration(lo * math.Pow(hi/lo, f) * float64(time.Second))
		}
		lo, below = a[i].le, c
	}
	return 0
}
