package loaders

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/policygraph/policygraph/graph"
)

// TestReadAheadSameGraph extracts a document long enough to be read ahead
// on other goroutines and the same document in line (one core): the graphs
// are the same, fact for fact and in the same order.
func TestReadAheadSameGraph(t *testing.T) {
	gz := gazetteer(t)
	doc := corpus(t, 200<<10)
	meta := Meta{Place: "成都", Year: 2022}
	prev := runtime.GOMAXPROCS(1)
	inLine, err := Extract(context.Background(), gz, "long.txt", doc, meta)
	runtime.GOMAXPROCS(4)
	ahead, err2 := Extract(context.Background(), gz, "long.txt", doc, meta)
	runtime.GOMAXPROCS(prev)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if len(ahead.Facts) < 1000 {
		t.Fatalf("only %d facts: the document is too short to test reading ahead", len(ahead.Facts))
	}
	if !reflect.DeepEqual(inLine, ahead) {
		t.Errorf("read ahead: %d entities, %d facts, %d mentions; in line: %d, %d, %d",
			len(ahead.Entities), len(ahead.Facts), len(ahead.Mentions),
			len(inLine.Entities), len(inLine.Facts), len(inLine.Mentions))
	}
}

// TestReadAheadStops cancels a long extraction and an over-size one: both
// return their error and leave no reader running.
func TestReadAheadStops(t *testing.T) {
	gz := gazetteer(t)
	doc := corpus(t, 400<<10)
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, err := Extract(ctx, gz, "long.txt", doc, Meta{Place: "成都"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
	var tooLarge *graph.TooLargeError
	if _, err := ExtractAtMost(context.Background(), gz, "long.txt", doc, Meta{Place: "成都"}, 2000); !errors.As(err, &tooLarge) {
		t.Errorf("over the bound: got %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running after the extractions stopped (%d before)", n-before, before)
	}
}
