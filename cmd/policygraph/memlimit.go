package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// loadMemoryLimit returns the soft memory limit (GOMEMLIMIT) of a load:
// maxLoadMemory, or half the memory the process may use when that is less,
// so that the collector's GOGC of loadGCPercent does not grow the heap past
// a small machine or a container's limit. The memory it may use is the
// least of the machine's (MemTotal in /proc/meminfo) and its cgroup's limit
// (memory.max, or memory.limit_in_bytes under cgroup v1); where neither can
// be read (not Linux), maxLoadMemory.
func loadMemoryLimit() int64 {
	limit := int64(maxLoadMemory)
	for _, m := range []int64{
		memTotal(readFile("/proc/meminfo")),
		cgroupLimit(readFile("/sys/fs/cgroup/memory.max")),
		cgroupLimit(readFile("/sys/fs/cgroup/memory/memory.limit_in_bytes")),
	} {
		if m > 0 && m/2 < limit {
			limit = m / 2
		}
	}
	return limit
}

// maxLoadMemory is the soft memory limit of a load on a large machine.
const maxLoadMemory = 8 << 30

func readFile(path string) []byte {
	b, _ := os.ReadFile(path)
	return b
}

// memTotal returns MemTotal in bytes from the text of /proc/meminfo, or 0.
func memTotal(meminfo []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb <= 0 {
			return 0
		}
		return kb << 10
	}
	return 0
}

// cgroupLimit returns a cgroup's memory limit in bytes from the text of
// memory.max or memory.limit_in_bytes, or 0 for none ("max", or cgroup
// v1's page-rounded largest int64).
func cgroupLimit(b []byte) int64 {
	s := strings.TrimSpace(string(b))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n >= 1<<62 {
		return 0
	}
	return n
}
