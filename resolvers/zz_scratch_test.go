package resolvers

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loaders"
)

func TestScratch(t *testing.T) {
	ctx := context.Background()
	st, err := graph.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gz, err := loaders.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile("../seeds/chengdu-2022-work-report-part1.txt")
	if _, err := loaders.Load(ctx, st, gz, "chengdu-2022-work-report-part1.txt", raw, loaders.Meta{}); err != nil {
		t.Fatal(err)
	}
	s := NewServer(st, Options{Introspection: true})
	for _, q := range []string{
		`{ connections(a: "Chengdu", b: "Ziyang") { initiative { name } reach a { target { name } via { name } relation reach } b { target { name } via { name } relation reach } } }`,
		`{ connect(a: "Chengdu", b: "Ziyang", broad: true) { name } }`,
		`{ search(text: "成资市域(郊)铁路", first: 5) { name ... on Initiative { stage } } }`,
		`{ search(text: "张老引水一期工程", first: 5) { name ... on Initiative { stage timeline { stage cue year } } } }`,
		`{ targets(first: 500) { totalCount nodes { name metric value unit } pageInfo { hasNextPage endCursor } } }`,
		`{ initiatives(first: 500) { totalCount nodes { name } } }`,
		`{ resolve(name: "成度") { name } }`,
		`{ paths(from: "成资市域(郊)铁路", to: "成眉高新技术产业带") { length nodes { name } edges { relation from to } } }`,
	} {
		resp := s.Do(ctx, Request{Query: q})
		b, _ := json.MarshalIndent(resp, "", " ")
		os.WriteFile("/tmp/scratch/out.txt", append(readOr("/tmp/scratch/out.txt"), append([]byte(q+"\n"), append(b, '\n')...)...), 0o644)
	}
}

func readOr(p string) []byte { b, _ := os.ReadFile(p); return b }
