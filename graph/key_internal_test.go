package graph

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestNFKCStable checks the shortcut Key takes: every string nfkcStable
// accepts is one NFKC leaves alone, over all ASCII and CJK runes and names
// of both mixed with runes NFKC changes.
func TestNFKCStable(t *testing.T) {
	var all []rune
	for r := rune(0x20); r < 0x7F; r++ {
		all = append(all, r)
	}
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		all = append(all, r)
	}
	for _, r := range all {
		if s := string(r); nfkcStable(s) && norm.NFKC.String(s) != s {
			t.Errorf("%q: NFKC changes it, but nfkcStable accepts it", s)
		}
	}
	for _, s := range []string{"成资市域(郊)铁路", "S11线", "成都ＳＬ", "e\u0301成都", "\uF900成都", "成都\u3000资阳", "G318川藏公路"} {
		stable := nfkcStable(s)
		if stable && norm.NFKC.String(s) != s {
			t.Errorf("%q: NFKC changes it, but nfkcStable accepts it", s)
		}
		if !utf8.ValidString(s) {
			t.Fatal("bad test string")
		}
	}
	if !nfkcStable("成渝中线高铁S5") || nfkcStable("成都（郊）") {
		t.Error("nfkcStable misreads plain or full-width text")
	}
}
