package main

import "testing"

func TestMemTotal(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int64
	}{
		{"MemTotal:       24684084 kB\nMemFree:        16463972 kB\n", 24684084 << 10},
		{"MemFree:        16463972 kB\nMemTotal:        4000000 kB\n", 4000000 << 10},
		{"MemTotal: 12 MB\n", 0},
		{"MemTotal: lots kB\n", 0},
		{"", 0},
	} {
		if got := memTotal([]byte(tc.text)); got != tc.want {
			t.Errorf("memTotal(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

func TestCgroupLimit(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int64
	}{
		{"max\n", 0},
		{"2147483648\n", 2 << 30},
		{"9223372036854771712\n", 0}, // cgroup v1: no limit
		{"", 0},
		{"-1", 0},
	} {
		if got := cgroupLimit([]byte(tc.text)); got != tc.want {
			t.Errorf("cgroupLimit(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

func TestLoadMemoryLimit(t *testing.T) {
	l := loadMemoryLimit()
	if l <= 0 || l > maxLoadMemory {
		t.Fatalf("loadMemoryLimit() = %d, want in (0, %d]", l, int64(maxLoadMemory))
	}
	if m := memTotal(readFile("/proc/meminfo")); m > 0 && l > m/2 {
		t.Errorf("loadMemoryLimit() = %d, more than half of MemTotal %d", l, m)
	}
}
