package loaders

import (
	"context"
	"fmt"
	"testing"

	"github.com/policygraph/policygraph/graph"
)

func TestSynthProbe(t *testing.T) {
	gz := gazetteer(t)
	miss, total, extra, size, facts := 0, 0, 0, 0, 0
	missed := map[string]int{}
	for i := 0; i < 30; i++ {
		r, err := SynthesizeReport(1, i)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			fmt.Println(string(r.Text))
		}
		size += len(r.Text)
		g, err := Extract(context.Background(), gz, r.Name, r.Text, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		facts += len(g.Facts)
		got := map[string]bool{}
		for _, e := range g.Entities {
			if e.Kind == graph.KindInitiative {
				got[e.Name] = true
			}
		}
		want := map[string]bool{}
		for _, n := range r.Initiatives {
			want[n] = true
			total++
			if !got[n] {
				miss++
				missed[n]++
			}
		}
		for n := range got {
			if !want[n] {
				extra++
				if i < 3 {
					fmt.Println("EXTRA", n)
				}
			}
		}
	}
	k := 0
	for n := range missed {
		if k++; k < 60 {
			fmt.Println("MISS", n)
		}
	}
	fmt.Printf("recall %d/%d = %.3f extra %d avg size %d facts/report %d\n", total-miss, total, float64(total-miss)/float64(total), extra, size/30, facts/30)
}
