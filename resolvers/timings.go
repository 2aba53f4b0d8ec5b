package resolvers

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// The server's own clock on the queries it answers in a turn, served at
// GET /metrics in Prometheus' text format: how long each waited for its turn,
// held it (parsing, checks, the answer) and took to send its answer, and all
// three from the moment the handler had read the body. What a client sees
// and these do not show is everything outside the handler: the kernel and
// the Go scheduler between the bytes arriving and the handler running, and
// the answer's way back. Comparing the two says where a slow answer waited
// (docs/benchmarks.md, "Where requests wait").

// Phases of a query's answer, in the order they happen.
const (
	phaseWait  = iota // from the body read to the turn taken
	phaseRun          // the turn held
	phaseSend         // the answer written to the connection
	phaseTotal        // all three
	nPhases
)

var phaseNames = [nPhases]string{"wait", "run", "send", "total"}

// Buckets are log-spaced, four to a doubling, from 8 µs to about 8.6 s: an
// estimate of a percentile read from them is within 19% of the time.
const (
	bucketBase   = 8 * time.Microsecond
	bucketsPerX2 = 4
	nBuckets     = 20*bucketsPerX2 + 1 // the last holds everything longer
)

// histogram counts durations into the buckets above. It is safe for
// concurrent use and costs an atomic add or three per observation.
type histogram struct {
	counts [nBuckets]atomic.Uint64
	sumNs  atomic.Int64
}

// bucketBound returns the upper bound of bucket k (k < nBuckets-1).
func bucketBound(k int) time.Duration {
	return time.Duration(float64(bucketBase) * math.Exp2(float64(k)/bucketsPerX2))
}

// bucketOf returns the first bucket whose bound is at least d.
func bucketOf(d time.Duration) int {
	if d <= bucketBase {
		return 0
	}
	k := int(math.Ceil(math.Log2(float64(d)/float64(bucketBase)) * bucketsPerX2))
	if k > 0 && bucketBound(k-1) >= d { // rounding at a bound
		k--
	}
	return min(k, nBuckets-1)
}

func (h *histogram) observe(d time.Duration) {
	h.counts[bucketOf(d)].Add(1)
	h.sumNs.Add(int64(d))
}

// queryTimes holds a histogram per phase.
type queryTimes [nPhases]histogram

// record adds one query's phases, given the times it was read, took its
// turn, gave it back and had its answer written.
func (q *queryTimes) record(read, turn, ran, sent time.Time) {
	q[phaseWait].observe(turn.Sub(read))
	q[phaseRun].observe(ran.Sub(turn))
	q[phaseSend].observe(sent.Sub(ran))
	q[phaseTotal].observe(sent.Sub(read))
}

// serveMetrics answers GET /metrics with the histograms, cumulative as
// Prometheus expects, and the count of root fields answered without gqlgen's
// executor.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	fmt.Fprintln(bw, "# HELP policygraph_query_seconds Time a query answered in a turn spent waiting for it (wait), holding it (run), sending its answer (send), and in all three (total), by the server's clock from the moment its body was read.")
	fmt.Fprintln(bw, "# TYPE policygraph_query_seconds histogram")
	for p := range nPhases {
		h := &s.times[p]
		var cum uint64
		for k := range nBuckets {
			cum += h.counts[k].Load()
			le := "+Inf"
			if k < nBuckets-1 {
				le = strconv.FormatFloat(bucketBound(k).Seconds(), 'g', 6, 64)
			}
			fmt.Fprintf(bw, "policygraph_query_seconds_bucket{phase=%q,le=%q} %d\n", phaseNames[p], le, cum)
		}
		fmt.Fprintf(bw, "policygraph_query_seconds_sum{phase=%q} %g\n", phaseNames[p], time.Duration(h.sumNs.Load()).Seconds())
		fmt.Fprintf(bw, "policygraph_query_seconds_count{phase=%q} %d\n", phaseNames[p], cum)
	}
	fmt.Fprintln(bw, "# HELP policygraph_plain_fields_total Root fields answered from the index without gqlgen's executor.")
	fmt.Fprintln(bw, "# TYPE policygraph_plain_fields_total counter")
	fmt.Fprintf(bw, "policygraph_plain_fields_total %d\n", s.plainServed.Load())
}
