package loaders

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/seeds"
)

// Place is a place of the gazetteer: an administrative division or a named
// region (a set of places).
type Place struct {
	ID      string
	Name    string // full name: 成都市
	Short   string // name used in prose: 成都
	Code    string
	Level   graph.PlaceLevel
	Parent  *Place
	Members []*Place // for regions
	Pinyin  string
	English string
	Aliases []string
	Source  string // data file and line, cited as evidence for its membership facts
	Row     string // the data row itself
}

// Entity returns the graph entity for p.
func (p *Place) Entity() graph.Entity {
	e := graph.Entity{ID: p.ID, Kind: graph.KindPlace, Name: p.Short, Level: p.Level, Code: p.Code,
		Pinyin: p.Pinyin, English: p.English}
	e.Lon, e.Lat = p.seat() // coordinates.go
	seen := map[string]bool{p.Short: true}
	for _, a := range append([]string{p.Name}, p.Aliases...) {
		if a != "" && !seen[a] {
			seen[a] = true
			e.Aliases = append(e.Aliases, a)
		}
	}
	if p.Parent != nil {
		e.Parent = p.Parent.ID
	}
	for _, m := range p.Members {
		e.Members = append(e.Members, m.ID)
	}
	return e
}

// isRegion reports whether p is a named set of places.
func (p *Place) isRegion() bool { return p.Level == graph.LevelRegion }

// provincePair reports whether p is a region of two or three province-level
// places named by their abbreviations, such as 川渝 or 巴蜀 (四川 and 重庆). A
// region of the same members under a name of its own, such as
// 成渝地区双城经济圈 (成 is 成都), is a wider grouping, not the pair. The set is
// read once, when the gazetteer is built (findPairs).
func (gz *Gazetteer) provincePair(p *Place) bool { return gz.pairs[p] }

// findPairs fills gz.pairs from the regions and abbreviations.
func (gz *Gazetteer) findPairs() {
	gz.pairs = map[*Place]bool{}
	for _, p := range gz.Places {
		if !p.isRegion() || len(p.Members) < 2 || len(p.Members) > 3 {
			continue
		}
		provinces := true
		for _, m := range p.Members {
			provinces = provinces && m.Level == graph.LevelProvince
		}
		if !provinces {
			continue
		}
		for _, f := range append([]string{p.Short, p.Name}, p.Aliases...) {
			rs := []rune(strings.TrimSuffix(f, "地区"))
			if len(rs) != len(p.Members) {
				continue
			}
			covered := map[*Place]bool{}
			for _, r := range rs {
				for _, t := range gz.abbrevs[r].targets {
					if slices.Contains(p.Members, t) {
						covered[t] = true
					}
				}
			}
			if len(covered) == len(p.Members) {
				gz.pairs[p] = true
				break
			}
		}
	}
}

// within reports whether p lies inside q (or is q).
func (p *Place) within(q *Place) bool {
	for x := p; x != nil; x = x.Parent {
		if x == q {
			return true
		}
	}
	return false
}

// Named is a programme or a known body of the gazetteer.
type Named struct {
	Name    string
	Aliases []string
	Type    string
	English string
	Region  *Place // the region a programme is about, if any
}

type abbrev struct {
	targets []*Place
	strong  bool
}

type head struct {
	text     string
	runes    []rune
	category graph.Category
}

type stageCue struct {
	cue   string
	runes []rune
	stage graph.Stage
	after bool
}

type sectorRule struct {
	keyword    string
	department string
	source     string
}

// Gazetteer is the knowledge the extractor reads: places, regions,
// abbreviations, programmes, bodies and cue words. It is built once from the
// embedded data files and is safe for concurrent use.
type Gazetteer struct {
	Places     map[string]*Place // by ID
	byName     map[string][]*Place
	abbrevs    map[rune]abbrev
	pairs      map[*Place]bool     // regions that are a pair of provinces by name (provincePair)
	programmes map[string]*Named   // by surface form
	bodies     map[string]*Named   // known bodies by surface form
	bodyEnds   []string            // body-name endings, longest first
	heads      []head              // longest first
	headsBy    map[rune][]head     // by last rune, longest first
	headsFirst map[rune][]head     // heads by their first rune (headStartsAt)
	bodyBy     map[rune][][]rune   // body-name endings by last rune, longest first
	suffixes   []string            // words that may follow a head inside a name
	verbs      map[string]bool     // words that end a name when scanning left
	verbsLast  map[rune][][]rune   // the same by last rune, longest first
	verbsFirst map[rune][][]rune   // the same by first rune, longest first
	stagesBy   map[rune][]stageCue // stage cues by first rune, longest first
	maxVerb    int
	stages     []stageCue // longest first
	units      []string   // longest first
	sectors    []sectorRule
	names      *matcher // places, regions, programmes, known bodies
	counties   *matcher // two-character county short names, read only inside initiative names
	countyHead []uint64 // bit set of the first runes of counties (below U+10000), tested before the map
	headLast   []uint64 // bit set of the last runes of heads (below U+10000), tested before headsBy
	words      *matcher // ordinary words and rivers that abbreviation runs and place reading skip
	followers  *matcher // words that may follow a complete name
	glued      *matcher // words that glue to a head before them (中心 + 城区)
}

var (
	defaultGaz     *Gazetteer
	defaultGazErr  error
	defaultGazOnce sync.Once
)

// DefaultGazetteer returns the gazetteer built from the embedded seeds, built
// on first use.
func DefaultGazetteer() (*Gazetteer, error) {
	defaultGazOnce.Do(func() { defaultGaz, defaultGazErr = NewGazetteer() })
	return defaultGaz, defaultGazErr
}

// NewGazetteer builds a gazetteer from the embedded data files.
func NewGazetteer() (*Gazetteer, error) {
	g := &Gazetteer{
		Places:     map[string]*Place{},
		byName:     map[string][]*Place{},
		abbrevs:    map[rune]abbrev{},
		programmes: map[string]*Named{},
		bodies:     map[string]*Named{},
		verbs:      map[string]bool{},
	}
	for _, step := range []struct {
		file string
		fn   func(string, []seeds.Row) error
	}{
		{"gazetteer/places.tsv", g.readPlaces},
		{"gazetteer/regions.tsv", g.readRegions},
		{"gazetteer/abbreviations.tsv", g.readAbbrevs},
		{"gazetteer/programmes.tsv", g.readProgrammes},
		{"gazetteer/bodies.tsv", g.readBodies},
		{"cues/heads.tsv", g.readHeads},
		{"cues/suffixes.txt", g.readSuffixes},
		{"cues/verbs.txt", g.readVerbs},
		{"cues/stages.tsv", g.readStages},
		{"cues/units.txt", g.readUnits},
		{"cues/words.txt", g.readWords},
		{"cues/followers.txt", g.readFollowers},
		{"cues/glued.txt", g.readGlued},
		{"sectors.tsv", g.readSectors},
	} {
		rows, err := seeds.Table(step.file)
		if err != nil {
			return nil, fmt.Errorf("gazetteer: %w", err)
		}
		if err := step.fn(step.file, rows); err != nil {
			return nil, fmt.Errorf("gazetteer: %s: %w", step.file, err)
		}
	}
	g.names = g.buildMatcher()
	g.findPairs()
	// rune-indexed copies of the cue lists: the scans below test them at
	// every position, and must not build strings to do it
	verbs := make([]string, 0, len(g.verbs))
	for v := range g.verbs {
		verbs = append(verbs, v)
	}
	sort.Strings(verbs)
	sortLongestFirst(verbs)
	g.verbsLast, g.verbsFirst = map[rune][][]rune{}, map[rune][][]rune{}
	for _, v := range verbs {
		r := []rune(v)
		g.verbsLast[r[len(r)-1]] = append(g.verbsLast[r[len(r)-1]], r)
		g.verbsFirst[r[0]] = append(g.verbsFirst[r[0]], r)
	}
	g.stagesBy = map[rune][]stageCue{}
	for _, c := range g.stages {
		g.stagesBy[c.runes[0]] = append(g.stagesBy[c.runes[0]], c)
	}
	g.counties = &matcher{byFirst: map[rune][]nameEntry{}}
	for _, p := range g.sortedPlaces() {
		if p.Level == graph.LevelCounty && utf8.RuneCountInString(p.Short) == 2 {
			r := []rune(p.Short)
			g.counties.byFirst[r[0]] = append(g.counties.byFirst[r[0]], nameEntry{text: r, kind: namePlace, place: []*Place{p}})
			if r[0] < 1<<16 {
				if g.countyHead == nil {
					g.countyHead = make([]uint64, 1<<16/64)
				}
				g.countyHead[r[0]>>6] |= 1 << (r[0] & 63)
			}
		}
	}
	g.counties.seal()
	g.headsBy = map[rune][]head{}
	g.headsFirst = map[rune][]head{}
	g.headLast = make([]uint64, 1<<16/64)
	for _, h := range g.heads {
		g.headsFirst[h.runes[0]] = append(g.headsFirst[h.runes[0]], h)
		last := h.runes[len(h.runes)-1]
		g.headsBy[last] = append(g.headsBy[last], h)
		if last < 1<<16 {
			g.headLast[last>>6] |= 1 << (last & 63)
		}
	}
	g.bodyBy = map[rune][][]rune{}
	for _, e := range g.bodyEnds {
		r := []rune(e)
		g.bodyBy[r[len(r)-1]] = append(g.bodyBy[r[len(r)-1]], r)
	}
	return g, nil
}

// sortedPlaces returns the places by ID. Names shared by several places
// (市中区 is in 内江 and in 乐山) list them in this order, and ties between
// them go to the first: iterating the map instead made the same report
// resolve differently from one process to the next.
func (g *Gazetteer) sortedPlaces() []*Place {
	ps := slices.Collect(maps.Values(g.Places))
	slices.SortFunc(ps, func(a, b *Place) int { return strings.Compare(a.ID, b.ID) })
	return ps
}

func (g *Gazetteer) addName(name string, p *Place) {
	if name == "" {
		return
	}
	for _, q := range g.byName[name] {
		if q == p {
			return
		}
	}
	g.byName[name] = append(g.byName[name], p)
}

func (g *Gazetteer) readPlaces(file string, rows []seeds.Row) error {
	byCode := map[string]*Place{}
	parents := map[*Place]string{}
	levels := map[string]graph.PlaceLevel{"country": graph.LevelCountry, "province": graph.LevelProvince,
		"prefecture": graph.LevelPrefecture, "county": graph.LevelCounty, "new_area": graph.LevelNewArea}
	for _, r := range rows[1:] {
		p := &Place{Code: r.Get(0), Name: r.Get(1), Short: r.Get(2), Pinyin: r.Get(5), English: r.Get(6),
			Source: fmt.Sprintf("seeds/%s:%d", file, r.Line), Row: strings.Join(r.Fields, "\t")}
		lv, ok := levels[r.Get(3)]
		if !ok || p.Name == "" || p.Short == "" {
			return fmt.Errorf("line %d: bad place row", r.Line)
		}
		p.Level = lv
		if a := r.Get(7); a != "" {
			p.Aliases = strings.Split(a, "|")
		}
		if p.Code != "" {
			p.ID = graph.EntityID(graph.KindPlace, p.Code)
			byCode[p.Code] = p
		} else {
			p.ID = graph.EntityID(graph.KindPlace, graph.Key(p.Name))
		}
		parents[p] = r.Get(4)
		g.Places[p.ID] = p
	}
	for p, code := range parents {
		if code != "" {
			p.Parent = byCode[code]
			if p.Parent == nil {
				return fmt.Errorf("%s: unknown parent code %s", p.Name, code)
			}
		}
	}
	for _, p := range g.sortedPlaces() {
		g.addName(p.Name, p)
		// Two-character county names such as 江北 or 长寿 are ordinary words too:
		// counties are found by their full names, or short names of three or more.
		if p.Level != graph.LevelCounty || utf8.RuneCountInString(p.Short) >= 3 {
			g.addName(p.Short, p)
		}
		for _, a := range p.Aliases {
			// One-character aliases (蓉, 渝) are handled as abbreviations.
			if utf8.RuneCountInString(a) >= 2 {
				g.addName(a, p)
			}
		}
	}
	return nil
}

// place returns the place a name or code in a data file refers to,
// preferring the highest level when a name is shared.
func (g *Gazetteer) place(name string) *Place {
	if p := g.Places[graph.EntityID(graph.KindPlace, name)]; p != nil {
		return p
	}
	ps := g.byName[name]
	if len(ps) == 0 {
		for _, p := range g.sortedPlaces() {
			if p.Short == name {
				ps = append(ps, p)
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	best := ps[0]
	for _, p := range ps[1:] {
		if levelRank(p.Level) < levelRank(best.Level) {
			best = p
		}
	}
	return best
}

func levelRank(l graph.PlaceLevel) int {
	switch l {
	case graph.LevelCountry:
		return 0
	case graph.LevelRegion:
		return 1
	case graph.LevelProvince:
		return 2
	case graph.LevelPrefecture:
		return 3
	case graph.LevelNewArea:
		return 4
	}
	return 5
}

func (g *Gazetteer) readRegions(file string, rows []seeds.Row) error {
	for _, r := range rows[1:] {
		p := &Place{Name: r.Get(0), Short: r.Get(0), Level: graph.LevelRegion, English: r.Get(4),
			Source: fmt.Sprintf("seeds/%s:%d", file, r.Line), Row: strings.Join(r.Fields, "\t")}
		p.ID = graph.EntityID(graph.KindPlace, "region/"+graph.Key(p.Name))
		if a := r.Get(1); a != "" {
			p.Aliases = strings.Split(a, "|")
		}
		for _, m := range strings.Split(r.Get(2), "|") {
			mp := g.place(m)
			if mp == nil {
				return fmt.Errorf("line %d: unknown member %q", r.Line, m)
			}
			p.Members = append(p.Members, mp)
		}
		if par := r.Get(3); par != "" {
			if p.Parent = g.place(par); p.Parent == nil {
				return fmt.Errorf("line %d: unknown parent %q", r.Line, par)
			}
		}
		g.Places[p.ID] = p
		g.addName(p.Name, p)
		for _, a := range p.Aliases {
			g.addName(a, p)
		}
	}
	return nil
}

func (g *Gazetteer) readAbbrevs(_ string, rows []seeds.Row) error {
	for _, r := range rows[1:] {
		c, _ := utf8.DecodeRuneInString(r.Get(0))
		a := abbrev{strong: r.Get(2) == "strong"}
		for _, t := range strings.Split(r.Get(1), "|") {
			p := g.place(t)
			if p == nil {
				return fmt.Errorf("line %d: unknown place %q", r.Line, t)
			}
			a.targets = append(a.targets, p)
		}
		g.abbrevs[c] = a
	}
	return nil
}

func (g *Gazetteer) readProgrammes(_ string, rows []seeds.Row) error {
	for _, r := range rows[1:] {
		n := &Named{Name: r.Get(0), Type: r.Get(2), English: r.Get(3)}
		if a := r.Get(1); a != "" {
			n.Aliases = strings.Split(a, "|")
		}
		if pl := r.Get(4); pl != "" {
			if n.Region = g.place(pl); n.Region == nil {
				return fmt.Errorf("line %d: unknown place %q", r.Line, pl)
			}
		}
		for _, s := range append([]string{n.Name}, n.Aliases...) {
			g.programmes[strings.Trim(s, `"“”`)] = n
		}
	}
	return nil
}

func (g *Gazetteer) readBodies(_ string, rows []seeds.Row) error {
	for _, r := range rows[1:] {
		switch r.Get(1) {
		case "known":
			n := &Named{Name: r.Get(0), Type: r.Get(2)}
			if a := r.Get(3); a != "" {
				n.Aliases = strings.Split(a, "|")
			}
			for _, s := range append([]string{n.Name}, n.Aliases...) {
				g.bodies[s] = n
			}
		case "suffix":
			g.bodyEnds = append(g.bodyEnds, r.Get(0))
		default:
			return fmt.Errorf("line %d: kind must be known or suffix", r.Line)
		}
	}
	sortLongestFirst(g.bodyEnds)
	return nil
}

func (g *Gazetteer) readHeads(_ string, rows []seeds.Row) error {
	for _, r := range rows[1:] {
		g.heads = append(g.heads, head{text: r.Get(0), runes: []rune(r.Get(0)), category: graph.Category(r.Get(1))})
	}
	sort.SliceStable(g.heads, func(i, j int) bool {
		return utf8.RuneCountInString(g.heads[i].text) > utf8.RuneCountInString(g.heads[j].text)
	})
	return nil
}

func (g *Gazetteer) readSuffixes(_ string, rows []seeds.Row) error {
	for _, r := range rows {
		g.suffixes = append(g.suffixes, r.Get(0))
	}
	sortLongestFirst(g.suffixes)
	return nil
}

func (g *Gazetteer) readVerbs(_ string, rows []seeds.Row) error {
	for _, r := range rows {
		v := r.Get(0)
		g.verbs[v] = true
		if n := utf8.RuneCountInString(v); n > g.maxVerb {
			g.maxVerb = n
		}
	}
	return nil
}

func (g *Gazetteer) readStages(_ string, rows []seeds.Row) error {
	for _, r := range rows[1:] {
		st := graph.Stage(r.Get(1))
		if graph.StageRank(st) == 0 {
			return fmt.Errorf("line %d: unknown stage %q", r.Line, r.Get(1))
		}
		g.stages = append(g.stages, stageCue{cue: r.Get(0), runes: []rune(r.Get(0)), stage: st, after: r.Get(2) == "after"})
	}
	sort.SliceStable(g.stages, func(i, j int) bool {
		return utf8.RuneCountInString(g.stages[i].cue) > utf8.RuneCountInString(g.stages[j].cue)
	})
	return nil
}

func (g *Gazetteer) readUnits(_ string, rows []seeds.Row) error {
	for _, r := range rows {
		g.units = append(g.units, r.Get(0))
	}
	sortLongestFirst(g.units)
	return nil
}

func (g *Gazetteer) readWords(_ string, rows []seeds.Row) error {
	g.words = wordMatcher(rows)
	return nil
}

func (g *Gazetteer) readFollowers(_ string, rows []seeds.Row) error {
	g.followers = wordMatcher(rows)
	return nil
}

func (g *Gazetteer) readGlued(_ string, rows []seeds.Row) error {
	g.glued = wordMatcher(rows)
	return nil
}

// wordMatcher matches the words of a one-word-a-line list, longest first.
func wordMatcher(rows []seeds.Row) *matcher {
	m := &matcher{byFirst: map[rune][]nameEntry{}}
	for _, r := range rows {
		w := []rune(r.Get(0))
		m.byFirst[w[0]] = append(m.byFirst[w[0]], nameEntry{text: w})
	}
	for _, es := range m.byFirst {
		sort.SliceStable(es, func(i, j int) bool { return len(es[i].text) > len(es[j].text) })
	}
	return m.seal()
}

func (g *Gazetteer) readSectors(file string, rows []seeds.Row) error {
	for _, r := range rows[1:] {
		g.sectors = append(g.sectors, sectorRule{keyword: r.Get(0), department: r.Get(2),
			source: fmt.Sprintf("seeds/%s:%d", file, r.Line)})
	}
	return nil
}

func sortLongestFirst(s []string) {
	sort.SliceStable(s, func(i, j int) bool { return utf8.RuneCountInString(s[i]) > utf8.RuneCountInString(s[j]) })
}

// nameKind says what a gazetteer name stands for.
type nameKind int

const (
	namePlace nameKind = iota
	nameProgramme
	nameBody
)

type nameEntry struct {
	text  []rune
	name  string // text as a string (set by seal)
	kind  nameKind
	place []*Place
	named *Named
}

// matcher finds the longest gazetteer name starting at a position: names are
// grouped by first rune, longest first.
type matcher struct {
	byFirst map[rune][]nameEntry
	// at[r]-1 indexes lists for a rune of the Basic Multilingual Plane, 0
	// when no name starts with it: an array read instead of a map lookup
	// for every rune of the text (sealed once the names are in)
	at    []uint16
	lists [][]nameEntry
}

// seal indexes the names by first rune for longest; a matcher is read-only
// after it.
func (m *matcher) seal() *matcher {
	for _, es := range m.byFirst {
		for i := range es {
			es[i].name = string(es[i].text)
		}
	}
	if len(m.byFirst) >= 1<<16-1 {
		return m // more first runes than uint16 counts: the map answers
	}
	m.at = make([]uint16, 1<<16)
	m.lists = m.lists[:0]
	for r, es := range m.byFirst {
		if r < 1<<16 {
			m.lists = append(m.lists, es)
			m.at[r] = uint16(len(m.lists))
		}
	}
	return m
}

// starting returns the names that start with r, longest first.
func (m *matcher) starting(r rune) []nameEntry {
	if r < 1<<16 && m.at != nil {
		if k := m.at[r]; k != 0 {
			return m.lists[k-1]
		}
		return nil
	}
	return m.byFirst[r]
}

func (g *Gazetteer) buildMatcher() *matcher {
	m := &matcher{byFirst: map[rune][]nameEntry{}}
	add := func(s string, e nameEntry) {
		e.text = []rune(s)
		if len(e.text) == 0 {
			return
		}
		m.byFirst[e.text[0]] = append(m.byFirst[e.text[0]], e)
	}
	for s, ps := range g.byName {
		add(s, nameEntry{kind: namePlace, place: ps})
	}
	for s, n := range g.programmes {
		add(s, nameEntry{kind: nameProgramme, named: n})
	}
	for s, n := range g.bodies {
		add(s, nameEntry{kind: nameBody, named: n})
	}
	for r := range m.byFirst {
		es := m.byFirst[r]
		sort.SliceStable(es, func(i, j int) bool {
			if len(es[i].text) != len(es[j].text) {
				return len(es[i].text) > len(es[j].text)
			}
			return string(es[i].text) < string(es[j].text)
		})
	}
	return m.seal()
}

// mayEndHead reports whether a head noun may end with r.
func (g *Gazetteer) mayEndHead(r rune) bool {
	return r >= 1<<16 || g.headLast[r>>6]&(1<<(r&63)) != 0
}

// mayStartCounty reports whether a county's short name may start with r.
func (g *Gazetteer) mayStartCounty(r rune) bool {
	return r >= 1<<16 || g.countyHead != nil && g.countyHead[r>>6]&(1<<(r&63)) != 0
}

// longest returns the longest name starting at s[i], if any.
func (m *matcher) longest(s []rune, i int) (nameEntry, bool) {
	if i < 0 || i >= len(s) {
		return nameEntry{}, false
	}
	for _, e := range m.starting(s[i]) {
		if hasRunes(s, i, e.text) {
			// 资阳市域铁路 is 资阳 + 市域铁路, not 资阳市 + 域…
			if k := i + len(e.text); k < len(s) && s[k] == '域' && strings.ContainsRune("市县区", e.text[len(e.text)-1]) {
				continue
			}
			return e, true
		}
	}
	return nameEntry{}, false
}

// hasRunes reports whether s[i:] starts with t.
func hasRunes(s []rune, i int, t []rune) bool {
	if i < 0 || i+len(t) > len(s) {
		return false
	}
	for k, r := range t {
		if s[i+k] != r {
			return false
		}
	}
	return true
}

// hasString reports whether s[i:] starts with t.
func hasString(s []rune, i int, t string) bool {
	if i < 0 {
		return false
	}
	for _, r := range t {
		if i >= len(s) || s[i] != r {
			return false
		}
		i++
	}
	return true
}

// bestPlace picks among places sharing a name the one nearest to ctx (the
// document's place): same prefecture, then same province, then highest level.
func bestPlace(ps []*Place, ctx *Place) *Place {
	if len(ps) == 1 || ctx == nil {
		if len(ps) == 0 {
			return nil
		}
		best := ps[0]
		for _, p := range ps[1:] {
			if levelRank(p.Level) < levelRank(best.Level) {
				best = p
			}
		}
		return best
	}
	score := func(p *Place) int {
		s := 10 - levelRank(p.Level)
		for a := ctx; a != nil; a = a.Parent {
			if p.within(a) {
				s += 20
				break
			}
		}
		return s
	}
	best := ps[0]
	for _, p := range ps[1:] {
		if score(p) > score(best) {
			best = p
		}
	}
	return best
}
