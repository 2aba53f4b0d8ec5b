package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// serveHeadroom is the least the heap of serve may grow between two
// collections. A server over a small store keeps a heap of a few megabytes
// (100 reports: about 6 MB), and at GOGC=100 the collector then runs after
// every few megabytes of answers: 25-40 times a second under 16 clients,
// each time with two stop-the-world pauses that wait for every thread, so
// that one thread the kernel has put aside stalls every request
// (docs/benchmarks.md, "Where requests wait"). With this headroom it runs a
// few times a second, for at most this much more memory; over a large
// store, whose live heap is larger than the headroom, GOGC=100 applies as
// before.
const serveHeadroom = 64 << 20

// keepHeadroom sets the collector's GOGC after every collection so that the
// next one comes when the heap has grown by the larger of headroom and what
// the GOGC in force before asks (the live heap, at GOGC=100). It returns a
// function that stops it and puts that GOGC back.
func keepHeadroom(headroom uint64) (stop func()) {
	t := &headroomTuner{headroom: headroom, base: debug.SetGCPercent(100)}
	debug.SetGCPercent(t.base)
	if t.base < 0 {
		return func() {} // GOGC=off: nothing to widen
	}
	t.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t.tune()
	t.arm()
	return func() {
		t.stopped.Store(true)
		debug.SetGCPercent(t.base)
	}
}

type headroomTuner struct {
	headroom uint64
	base     int // GOGC before, the least it sets
	sample   []metrics.Sample
	stopped  atomic.Bool
}

// gcSentinel is an object nothing refers to, whose finalizer runs once the
// collection that found it unreachable is done. It holds a pointer so that
// it is not combined with other small objects (the tiny allocator's blocks
// are freed together).
type gcSentinel struct{ _ *int }

// arm sets a finalizer that tunes GOGC after the next collection and arms
// itself again.
func (t *headroomTuner) arm() {
	runtime.SetFinalizer(new(gcSentinel), func(*gcSentinel) {
		if t.stopped.Load() {
			return
		}
		t.tune()
		t.arm()
	})
}

// tune sets GOGC from the live heap the last collection left.
func (t *headroomTuner) tune() {
	metrics.Read(t.sample)
	pct := t.base
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		if live := t.sample[0].Value.Uint64(); live > 0 {
			pct = max(pct, int(min(t.headroom*100/live, 1<<20)))
		}
	}
	debug.SetGCPercent(pct)
}
