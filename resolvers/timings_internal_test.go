package resolvers

import (
	"testing"
	"time"
)

// TestBucketOf checks that a duration falls in the first bucket whose bound
// holds it, at and around the bounds, and that the ends are open.
func TestBucketOf(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want int
	}{
		{0, 0},
		{time.Nanosecond, 0},
		{8 * time.Microsecond, 0},
		{8*time.Microsecond + 1, 1},
		{16 * time.Microsecond, 4},
		{16*time.Microsecond + 1, 5},
		{time.Millisecond, 28}, // 8 µs × 2^7 = 1.024 ms, the bound of bucket 28
		{time.Hour, nBuckets - 1},
	} {
		if got := bucketOf(c.d); got != c.want {
			t.Errorf("bucketOf(%v) = %d, want %d", c.d, got, c.want)
		}
	}
	for k := range nBuckets - 1 {
		b := bucketBound(k)
		if got := bucketOf(b); got != k {
			t.Errorf("bucketOf(bound %d = %v) = %d", k, b, got)
		}
		if got := bucketOf(b + 1); got != k+1 {
			t.Errorf("bucketOf(bound %d + 1ns) = %d, want %d", k, got, k+1)
		}
	}
}
