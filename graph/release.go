package graph

import (
	"runtime/debug"
)

// releaseQuads is how many quads a call must have read or written before
// it gives memory back when it ends: a bulk load's batch or a scan, not a
// single document.
const releaseQuads = 100_000

// releaseMemory gives back to the operating system what a scan or a bulk
// write leaves behind and the process will not use again: the garbage of
// the Go heap (the decoded quads, Cayley's buffers), which the runtime
// would otherwise return only slowly, and the pages of a bbolt file read
// through its memory map, which stay resident until the kernel needs them
// (they remain in the page cache; a later read maps them again). After a
// start that scanned 100 generated reports this took the resident set from
// 224 MB to 32 MB (26 MB from the snapshot), and after writing those 100
// reports in one call from 500-540 MB to 67-128 MB (docs/benchmarks.md).
// The caller must hold s.writeMu or be Open: bbolt remaps its file only
// in a write.
func (s *Store) releaseMemory() {
	if r, ok := s.be.(interface{ releaseMapped() }); ok {
		r.releaseMapped()
	}
	debug.FreeOSMemory()
}

// ReleaseMemory gives back what a large read left behind (see
// releaseMemory): serve calls it once it has read every document ahead,
// which maps most of a bbolt file's pages. It waits for a write in progress.
func (s *Store) ReleaseMemory() {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.closed {
		s.releaseMemory()
	}
}
