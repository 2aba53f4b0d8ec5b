package resolvers_test

import (
	"encoding/json"
	"testing"
)

// TestSeedSearchInEnglish searches the seed in English. "railway" used to
// give 台湾, 大连, 太原, 盐边, 威远, 万源 and 雅江: no name holds it, so the
// search fell back to close names, and Taiwan is three edits from railway,
// Yanbian shares four of its letters. Latin names are now close only one
// edit in four apart, and an English word for a category finds the
// initiatives of that category.
func TestSeedSearchInEnglish(t *testing.T) {
	e := seedEnv(t)
	search := func(q string) []struct{ Name, Kind, Category string } {
		t.Helper()
		r := e.post(`query($q: String!) { search(text: $q, first: 50) { name kind ... on Initiative { category } } }`, map[string]any{"q": q})
		if len(r.Errors) > 0 {
			t.Fatalf("search %q: %v", q, r.Errors)
		}
		var d struct {
			Search []struct{ Name, Kind, Category string }
		}
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		return d.Search
	}
	got := search("railway")
	found := false
	for _, s := range got {
		if s.Kind != "INITIATIVE" || s.Category != "RAIL" {
			t.Errorf("search railway gave %s (%s %s): want railways only", s.Name, s.Kind, s.Category)
		}
		found = found || s.Name == "成资市域(郊)铁路"
	}
	if !found {
		t.Errorf("search railway = %v, want 成资市域(郊)铁路 among them", got)
	}
	for q, want := range map[string]string{"Chengdu": "成都", "chengdo": "成都", "Ziyang": "资阳"} {
		if got := search(q); len(got) == 0 || got[0].Name != want {
			t.Errorf("search %s = %v, want %s first", q, got, want)
		}
	}
	if got := search("xyzzy"); len(got) != 0 {
		t.Errorf("search xyzzy = %v, want nothing", got)
	}
}
