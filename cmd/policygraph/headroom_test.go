package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// TestKeepHeadroom checks that GOGC is raised for a small live heap, is kept
// up after collections, and comes back when stopped.
func TestKeepHeadroom(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	stop := keepHeadroom(64 << 20)
	runtime.GC()
	runtime.GC() // the finalizer of the first collection has run by now, or runs after this one
	pct := debug.SetGCPercent(-1)
	debug.SetGCPercent(pct)
	if pct <= 100 {
		t.Errorf("GOGC with 64 MiB of headroom over a test's heap = %d, want more than 100", pct)
	}
	stop()
	if pct := debug.SetGCPercent(100); pct != 100 {
		t.Errorf("GOGC after stop = %d, want 100 back", pct)
	}
	// GOGC=off stays off.
	debug.SetGCPercent(-1)
	keepHeadroom(64 << 20)()
	if pct := debug.SetGCPercent(100); pct != -1 {
		t.Errorf("GOGC after keepHeadroom with GOGC=off = %d, want -1", pct)
	}
}
