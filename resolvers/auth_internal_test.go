package resolvers

import (
	"testing"
	"time"
)

func TestLimiterRefills(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newLimiter(2, 4)
	l.now = func() time.Time { return now }
	for i := range 4 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d of a burst of 4 refused", i+1)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Errorf("5th request: ok %v, wait %v; want refused, 500ms", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Error("another client shares the first one's bucket")
	}
	now = now.Add(time.Second) // two tokens back
	for i := range 2 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d after a second refused", i+1)
		}
	}
	if ok, _ := l.allow("a"); ok {
		t.Error("third request after a second allowed; the rate is 2 a second")
	}
	now = now.Add(time.Hour)
	if ok, _ := l.allow("c"); !ok || len(l.clients) != 1 {
		t.Errorf("after an hour the idle clients are still kept: %d", len(l.clients))
	}
}

func TestLimiterChargesRefusedRequests(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newLimiter(10, 20)
	l.now = func() time.Time { return now }
	l.allow("a")
	l.charge("a", refusedCost-1) // 20 - 10 = 10 left
	l.allow("a")
	l.charge("a", refusedCost-1) // 0 left
	ok, wait := l.allow("a")
	if ok || wait != 100*time.Millisecond {
		t.Errorf("after two refused requests: ok %v, wait %v; want refused, 100ms", ok, wait)
	}
	for range 10 {
		l.charge("a", refusedCost-1)
	}
	if _, wait := l.allow("a"); wait != 2100*time.Millisecond {
		t.Errorf("debt is not capped at one burst: wait %v, want 2.1s", wait)
	}
	now = now.Add(2 * time.Minute)
	l.allow("b") // sweeps
	if _, kept := l.clients["a"]; kept {
		t.Error("a client whose bucket has refilled is kept")
	}
}

func TestClientKey(t *testing.T) {
	for _, tc := range []struct {
		addr, key string
		loopback  bool
	}{
		{"203.0.113.9:5555", "203.0.113.9", false},
		{"[2001:db8:1:2:3:4:5:6]:80", "2001:db8:1:2::/64", false},
		{"[2001:db8:1:2:ffff::1]:80", "2001:db8:1:2::/64", false},
		{"[::ffff:198.51.100.7]:80", "198.51.100.7", false},
		{"127.0.0.1:9", "127.0.0.1", true},
		{"[::1]:9", "::1", true},
		{"garbage", "garbage", false},
	} {
		key, lb := clientKey(tc.addr)
		if key != tc.key || lb != tc.loopback {
			t.Errorf("clientKey(%q) = %q, %v; want %q, %v", tc.addr, key, lb, tc.key, tc.loopback)
		}
	}
}
