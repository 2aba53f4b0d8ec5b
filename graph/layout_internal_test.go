package graph

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/cayleygraph/quad"
)

// A store written with the first quad layout is refused at Open with a
// message that says what to do, and is left as it was.
func TestOpenRefusesTheOldLayout(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	old := []quad.Quad{
		{Subject: quad.IRI("fact/0123456789abcdef"), Predicate: pOldFrom, Object: quad.IRI("place/510100"), Label: quad.String("document/x")},
		{Subject: quad.IRI("place/510100"), Predicate: pKind, Object: quad.String(KindPlace), Label: quad.String("document/x")},
	}
	if _, err := s.commit(ctx, nil, old); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		_, err = Open(ctx, path)
		if !errors.Is(err, ErrOldLayout) {
			t.Fatalf("Open of a layout-1 store (try %d): err = %v, want ErrOldLayout", i+1, err)
		}
	}
}

func TestRecordFieldsRoundTrip(t *testing.T) {
	cases := [][]string{
		{"", "", ""},
		{"a", "b\tc", "d\\e"},
		{"\\", "\\t", "\n\r", "末\\"},
		{"place/510100", "CONNECTS", "place/512000", "", "1", "", "sentence/x/3/7", "124", "126"},
	}
	for _, c := range cases {
		got, ok := fields(record(c...), len(c))
		if !ok || len(got) != len(c) {
			t.Errorf("fields(record(%q)) = %q, %v", c, got, ok)
			continue
		}
		for i := range c {
			if got[i] != c[i] {
				t.Errorf("field %d of %q: got %q", i, c, got[i])
			}
		}
		if _, ok := fields(record(c...), len(c)+1); ok {
			t.Errorf("fields(record(%q), %d) accepted the wrong count", c, len(c)+1)
		}
	}
}
