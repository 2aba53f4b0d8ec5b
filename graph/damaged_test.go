package graph_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/policygraph/policygraph/graph"
)

// damagedStore writes a bbolt store of a few documents, closes it (which
// writes its index snapshot) and returns its path and size.
func damagedStore(t *testing.T) (string, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policygraph.db")
	s, err := graph.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	gs := make([]*graph.DocumentGraph, 30)
	for i := range gs {
		gs[i] = graph.SyntheticGraph(i, 40, 50, 200)
	}
	if _, err := s.WriteDocuments(context.Background(), gs); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, info.Size()
}

// Opening a damaged bbolt file fails with an error that names the file and
// says what to do; it does not crash (issue 16, case 7).
func TestOpenDamagedBolt(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, path string, size int64)
	}{
		{"cut to half its size", func(t *testing.T, path string, size int64) {
			if err := os.Truncate(path, size/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"cut to 100 bytes", func(t *testing.T, path string, size int64) {
			if err := os.Truncate(path, 100); err != nil {
				t.Fatal(err)
			}
		}},
		{"both meta pages overwritten", func(t *testing.T, path string, size int64) {
			overwrite(t, path, 0, 8192)
		}},
		{"not a bbolt file", func(t *testing.T, path string, size int64) {
			if err := os.WriteFile(path, []byte(strings.Repeat("成都 资阳\n", 2000)), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, size := damagedStore(t)
			tc.damage(t, path, size)
			s, err := graph.Open(ctx, path)
			if err == nil {
				s.Close()
				t.Fatal("Open of a damaged file succeeded")
			}
			if !errors.Is(err, graph.ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--nquads") {
				t.Errorf("Open: got %v, want ErrDamaged naming %s and --nquads", err, path)
			}
		})
	}
}

// A page of garbage in the middle of the file, one the tree uses, is found
// at Open when the index is built from a scan, and otherwise by the read
// that meets it: an error either way, never a crash.
func TestGarbagePageInBolt(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		snapshot bool
		at       float64
	}{{false, 0.5}, {true, 0.5}, {true, 0.1}, {true, 0.9}, {false, 0.9}} {
		snapshot := c.snapshot
		path, _ := damagedStore(t)
		if !snapshot {
			os.Remove(path + ".index")
		}
		page, pageSize := usedPage(t, path, c.at)
		overwrite(t, path, int64(page)*int64(pageSize), int64(pageSize))
		s, err := graph.Open(ctx, path)
		if err != nil {
			if !errors.Is(err, graph.ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--nquads") {
				t.Errorf("page at %.0f%%, snapshot %v: Open: got %v, want ErrDamaged naming %s and --nquads", 100*c.at, snapshot, err, path)
			}
			continue
		}
		// The page was one Open did not need: reads go on, or fail, but
		// do not crash.
		if _, err := s.Stats(ctx); err != nil {
			t.Logf("page at %.0f%%, snapshot %v: Stats: %v", 100*c.at, snapshot, err)
		}
		s.Close()
	}
}

// usedPage returns the page in the middle of those bbolt's tree uses in
// the file at path (leaf or branch pages, not free ones), and the page size.
func usedPage(t *testing.T, path string, at float64) (int, int) {
	t.Helper()
	db, err := bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var used []int
	err = db.View(func(tx *bolt.Tx) error {
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil {
				return err
			}
			if p == nil {
				return nil
			}
			if p.Type == "leaf" || p.Type == "branch" {
				used = append(used, id)
			}
		}
	})
	if err != nil || len(used) == 0 {
		t.Fatalf("no used pages in %s: %v", path, err)
	}
	return used[int(float64(len(used)-1)*at)], db.Info().PageSize
}

// overwrite writes n random bytes at off.
func overwrite(t *testing.T, path string, off, n int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}
