package resolvers

import (
	"mime"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

func TestExportFileNames(t *testing.T) {
	for _, tc := range []struct {
		name   string
		e      graph.Entity
		ascii  string
		header string
	}{
		{"a place with an English name", graph.Entity{ID: "place/510100", Kind: graph.KindPlace, Name: "成都", English: "Chengdu"},
			"Chengdu", `attachment; filename*=utf-8''policygraph-%E6%88%90%E9%83%BD-2hops.graphml; filename="policygraph-Chengdu-2hops.graphml"`},
		{"pinyin when there is no English", graph.Entity{ID: "place/512000", Kind: graph.KindPlace, Name: "资阳", Pinyin: "Ziyang Shi"},
			"Ziyang-Shi", `attachment; filename*=utf-8''policygraph-%E8%B5%84%E9%98%B3-2hops.graphml; filename="policygraph-Ziyang-Shi-2hops.graphml"`},
		{"the ASCII part of the ID", graph.Entity{ID: "body/发改委", Kind: graph.KindBody, Name: "发改委"},
			"body", `attachment; filename*=utf-8''policygraph-%E5%8F%91%E6%94%B9%E5%A7%94-2hops.graphml; filename="policygraph-body-2hops.graphml"`},
		{"an ASCII ID", graph.Entity{ID: "target/t-01", Kind: graph.KindTarget, Name: "目标"},
			"target-t-01", `attachment; filename*=utf-8''policygraph-%E7%9B%AE%E6%A0%87-2hops.graphml; filename="policygraph-target-t-01-2hops.graphml"`},
		{"an ASCII name needs no filename*", graph.Entity{ID: "place/x", Kind: graph.KindPlace, Name: "Lhasa", English: "Lhasa"},
			"Lhasa", `attachment; filename=policygraph-Lhasa-2hops.graphml`},
		{"quotes, slashes and percent signs are dropped", graph.Entity{ID: "x/y", Name: "甲", English: `A "B"/C% D`},
			"A-B-C-D", `attachment; filename*=utf-8''policygraph-%E7%94%B2-2hops.graphml; filename="policygraph-A-B-C-D-2hops.graphml"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := asciiName(&tc.e); got != tc.ascii {
				t.Errorf("asciiName = %q, want %q", got, tc.ascii)
			}
			got := contentDisposition("policygraph-"+tc.e.Name+"-2hops.graphml", "policygraph-"+asciiName(&tc.e)+"-2hops.graphml")
			if got != tc.header {
				t.Errorf("got %s\nwant %s", got, tc.header)
			}
			if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != "policygraph-"+tc.e.Name+"-2hops.graphml" {
				t.Errorf("%s parses as %v (%v)", got, params, err)
			}
		})
	}
}
