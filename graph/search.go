package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// UnknownNameError says that no entity has a name, with the closest names
// the store knows.
type UnknownNameError struct {
	Name        string
	Suggestions []string
}

func (e *UnknownNameError) Error() string {
	if len(e.Suggestions) == 0 {
		return fmt.Sprintf("no entity named %q", e.Name)
	}
	return fmt.Sprintf("no entity named %q; did you mean: %s?", e.Name, strings.Join(e.Suggestions, ", "))
}

// Find returns the live nodes a name refers to: the node with that ID when
// name is an ID (place/510100), else the nodes with a name, alias, pinyin or
// English name of the same Key (成都, 成都市, Chengdu, chengdu, 蓉), sorted by
// ID. When there are none it returns an *UnknownNameError with suggestions.
func (x *Index) Find(name string) ([]NodeRef, error) {
	if KindOf(name) != "" {
		if n, ok := x.Lookup(name); ok {
			return []NodeRef{n}, nil
		}
	}
	if ns := x.Resolve(name); len(ns) > 0 {
		return ns, nil
	}
	// Chengdu City, Anyue County, Ziyang Shi: the place without its level
	if short, ok := withoutLevelWord(name); ok {
		if ns := x.Resolve(short); len(ns) > 0 {
			return ns, nil
		}
	}
	return nil, &UnknownNameError{Name: name, Suggestions: x.Suggest(name, 5)}
}

// levelWords are the English and pinyin words for a place's level that may
// follow its name (Chengdu City, Wanzhou District, Sichuan Sheng).
var levelWords = []string{"autonomous prefecture", "municipality", "prefecture", "province", "district",
	"county", "city", "sheng", "shi", "qu", "xian", "zhou"}

// withoutLevelWord returns name without a trailing level word, if it has one
// after a name of its own.
func withoutLevelWord(name string) (string, bool) {
	lower := strings.ToLower(strings.TrimSpace(name))
	for _, w := range levelWords {
		if rest, ok := strings.CutSuffix(lower, " "+w); ok && strings.TrimSpace(rest) != "" {
			return strings.TrimSpace(name[:len(rest)]), true
		}
	}
	return "", false
}

// Suggest returns up to n canonical names close to name: names that contain
// it or that it contains, and names a small edit away or sharing most of its
// characters, closest first.
func (x *Index) Suggest(name string, n int) []string {
	q := Key(name)
	if q == "" || n <= 0 {
		return nil
	}
	best := make(map[NodeRef]float64)
	x.forEachName(func(key string, nodes []NodeRef) {
		s := similarity(q, key)
		if s < 0.4 {
			return
		}
		for _, m := range nodes {
			best[m] = max(best[m], s)
		}
	})
	type cand struct {
		name   string
		score  float64
		degree int // better connected names first among equals
	}
	var cs []cand
	for m, s := range best {
		cs = append(cs, cand{x.Node(m).Name, s, len(x.Out(m)) + len(x.In(m))})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.degree, a.degree), strings.Compare(a.name, b.name))
	})
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.name) {
			out = append(out, c.name)
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// similarity scores how close two keys are, from 0 to 1: containment scores
// by the share of the longer key covered, otherwise the better of the edit
// distance ratio and the share of characters in common (Dice).
func similarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	la, lb := len(ra), len(rb)
	if la == 0 || lb == 0 {
		return 0
	}
	if strings.Contains(a, b) || strings.Contains(b, a) {
		return 0.6 + 0.4*float64(min(la, lb))/float64(max(la, lb))
	}
	edit := 1 - float64(levenshtein(ra, rb))/float64(max(la, lb))
	if latin(a) && latin(b) {
		// Letters in common say nothing about Latin words (railway and
		// yanbian share a, a, i, y): only the edit distance counts.
		return edit
	}
	count := make(map[rune]int)
	for _, r := range ra {
		count[r]++
	}
	common := 0
	for _, r := range rb {
		if count[r] > 0 {
			count[r]--
			common++
		}
	}
	dice := 2 * float64(common) / float64(la+lb)
	return max(edit, 0.9*dice)
}

func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// forEachName calls fn with every name key of the index and the live nodes
// that bear it, under the read lock: fn must not call the index. A key of
// several nodes comes once for each, and nodes is only valid during the call.
func (x *Index) forEachName(fn func(key string, nodes []NodeRef)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	one := make([]NodeRef, 1)
	for n := 1; n < len(x.nodes); n++ {
		if nd := &x.nodes[n]; nd.kind&aliveBit != 0 {
			x.eachKey(nd.text, func(k string) bool {
				one[0] = NodeRef(n)
				fn(k, one)
				return true
			})
		}
	}
}

// nameKeysOf returns the name keys of node n (name, aliases, pinyin, English).
func (x *Index) nameKeysOf(n NodeRef) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if n == NoNode || int(n) >= len(x.nodes) {
		return nil
	}
	return x.keysOf(n)
}

// latin tells a key written in ASCII letters, digits and punctuation:
// English or pinyin.
func latin(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// nearLatin is the similarity a Latin key needs to count as close to a
// query in Search: one edit in four (chengdo for chengdu), not the half
// that two Chinese names sharing a character reach (railway is 0.57 from
// taiwan).
const nearLatin = 0.75

// categoryWords are English words for the categories of initiatives, whose
// names are Chinese: a search for "railway" finds the railways. A word is
// compared in Key form (no spaces, lower case), and also without a plural s.
var categoryWords = map[string]Category{
	"rail": CategoryRail, "railway": CategoryRail, "railroad": CategoryRail, "train": CategoryRail,
	"metro": CategoryRail, "subway": CategoryRail, "tram": CategoryRail, "lightrail": CategoryRail,
	"highspeedrail": CategoryRail, "high-speedrail": CategoryRail, "hsr": CategoryRail,
	"road": CategoryRoad, "highway": CategoryRoad, "expressway": CategoryRoad, "motorway": CategoryRoad,
	"airport": CategoryAviation, "aviation": CategoryAviation,
	"waterway": CategoryWater, "water": CategoryWater, "canal": CategoryWater, "reservoir": CategoryWater,
	"corridor": CategoryCorridor, "industrialbelt": CategoryIndustrialBelt, "belt": CategoryIndustrialBelt,
	"zone": CategoryZone, "centre": CategoryCentre, "center": CategoryCentre, "hub": CategoryCentre,
	"platform": CategoryPlatform, "action": CategoryAction, "campaign": CategoryAction,
	"event": CategoryEvent, "expo": CategoryEvent, "reform": CategoryReform, "pilot": CategoryPilot,
	"facility": CategoryFacility,
}

// categoryOf returns the category a Latin query names, if it names one.
func categoryOf(q string) (Category, bool) {
	if c, ok := categoryWords[q]; ok {
		return c, true
	}
	if s, ok := strings.CutSuffix(q, "s"); ok {
		c, ok := categoryWords[s]
		return c, ok
	}
	return "", false
}

// Search returns up to limit live nodes whose names match text, best first:
// a name equal to text, then names that start with it, then names that
// contain it, then (for an English word for a category, such as railway)
// the initiatives of that category, then names it contains; closer lengths
// first within each, then shorter names and IDs. When no name matches so,
// it returns the names that are close (a small edit away, or for Chinese
// sharing most characters). Only nodes of kinds are returned when kinds is
// not empty.
func (x *Index) Search(text string, kinds []Kind, limit int) []NodeRef {
	q := Key(text)
	if q == "" || limit <= 0 {
		return nil
	}
	ql := utf8.RuneCountInString(q)
	minNear := 0.5
	if latin(q) {
		minNear = nearLatin
	}
	best := make(map[NodeRef]float64)
	near := make(map[NodeRef]float64)
	if c, ok := categoryOf(q); ok && latin(q) {
		for _, n := range x.NodesOfKind(KindInitiative) {
			if x.Node(n).Category == c {
				best[n] = 50
			}
		}
	}
	x.forEachName(func(key string, nodes []NodeRef) {
		kl := utf8.RuneCountInString(key)
		closeness := float64(min(ql, kl)) / float64(max(ql, kl))
		var s float64
		into := best
		switch {
		case key == q:
			s = 100
		case strings.HasPrefix(key, q):
			s = 80 + closeness
		case strings.Contains(key, q):
			s = 60 + closeness
		case kl >= 2 && strings.Contains(q, key):
			s = 40 + closeness
		default:
			if sim := similarity(q, key); sim >= minNear {
				s, into = sim, near
			}
		}
		if s == 0 {
			return
		}
		for _, n := range nodes {
			into[n] = max(into[n], s)
		}
	})
	if !slices.ContainsFunc(mapKeys(best), func(n NodeRef) bool { return len(kinds) == 0 || slices.Contains(kinds, x.Node(n).Kind) }) {
		best = near
	}
	type cand struct {
		n     NodeRef
		info  NodeInfo
		score float64
	}
	var cs []cand
	for n, s := range best {
		info := x.Node(n)
		if len(kinds) > 0 && !slices.Contains(kinds, info.Kind) {
			continue
		}
		cs = append(cs, cand{n, info, s})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		return cmp.Or(cmp.Compare(b.score, a.score),
			cmp.Compare(utf8.RuneCountInString(a.info.Name), utf8.RuneCountInString(b.info.Name)),
			strings.Compare(a.info.ID, b.info.ID))
	})
	out := make([]NodeRef, 0, min(limit, len(cs)))
	for _, c := range cs[:min(limit, len(cs))] {
		out = append(out, c.n)
	}
	return out
}

// StringMatch is a match on a name, compared in Key form against the
// canonical name and every alias. Set fields must all match.
type StringMatch struct {
	Exact    *string
	Prefix   *string
	Contains *string
}

// matches reports whether one of keys satisfies every set field of m.
func (m *StringMatch) matches(keys []string) bool {
	if m == nil {
		return true
	}
	test := func(s *string, f func(k, q string) bool) bool {
		if s == nil {
			return true
		}
		q := Key(*s)
		for _, k := range keys {
			if f(k, q) {
				return true
			}
		}
		return false
	}
	return test(m.Exact, func(k, q string) bool { return k == q }) &&
		test(m.Prefix, strings.HasPrefix) &&
		test(m.Contains, strings.Contains)
}

// Matcher decides whether a node passes a filter.
type Matcher func(NodeRef) bool

func all(NodeRef) bool { return true }

// combine builds the matcher of a filter with and, or and not parts from the
// matcher of its own fields.
func combine[F any](own Matcher, and, or []*F, not *F, compile func(*F) (Matcher, error)) (Matcher, error) {
	ms := []Matcher{own}
	for _, f := range and {
		m, err := compile(f)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	if len(or) > 0 {
		var alts []Matcher
		for _, f := range or {
			m, err := compile(f)
			if err != nil {
				return nil, err
			}
			alts = append(alts, m)
		}
		ms = append(ms, func(n NodeRef) bool {
			for _, m := range alts {
				if m(n) {
					return true
				}
			}
			return false
		})
	}
	if not != nil {
		m, err := compile(not)
		if err != nil {
			return nil, err
		}
		ms = append(ms, func(n NodeRef) bool { return !m(n) })
	}
	return func(n NodeRef) bool {
		for _, m := range ms {
			if !m(n) {
				return false
			}
		}
		return true
	}, nil
}

// fieldMatchers is the conjunction of the matchers of a filter's fields.
type fieldMatchers []Matcher

func (fs fieldMatchers) matcher() Matcher {
	if len(fs) == 0 {
		return all
	}
	return func(n NodeRef) bool {
		for _, m := range fs {
			if !m(n) {
				return false
			}
		}
		return true
	}
}

// filterer compiles filters against one Store, caching what several parts
// of a filter need.
type filterer struct {
	ctx   context.Context
	st    *Store
	x     *Index
	pl    *places
	years map[NodeRef]int     // document years, read on first use
	ents  map[NodeRef]*Entity // entities of a kind, read on first use
}

func newFilterer(ctx context.Context, st *Store) *filterer {
	x := st.Index()
	return &filterer{ctx: ctx, st: st, x: x, pl: newPlaces(x)}
}

// refs finds the nodes a name or ID refers to (see Index.Find).
func (c *filterer) refs(name string) ([]NodeRef, error) { return c.x.Find(name) }

// set returns a membership test for ns.
func set(ns []NodeRef) func(NodeRef) bool {
	m := make(map[NodeRef]bool, len(ns))
	for _, n := range ns {
		m[n] = true
	}
	return func(n NodeRef) bool { return m[n] }
}

// linked returns the nodes one edge of rels away from any of the nodes
// name refers to, in direction dir.
func (c *filterer) linked(name string, dir Direction, rels []Relation) (func(NodeRef) bool, error) {
	rs, err := c.refs(name)
	if err != nil {
		return nil, err
	}
	var ns []NodeRef
	for _, r := range rs {
		ns = append(ns, c.x.Neighbours(r, dir, rels)...)
	}
	return set(ns), nil
}

// documentYear returns a test of whether node n is listed by a document of year y.
func (c *filterer) documentYear(y int) (Matcher, error) {
	if c.years == nil {
		docs := c.x.NodesOfKind(KindDocument)
		ids := make([]string, len(docs))
		for i, d := range docs {
			ids[i] = c.x.Node(d).ID
		}
		ents, err := c.st.Entities(c.ctx, ids)
		if err != nil {
			return nil, err
		}
		c.years = make(map[NodeRef]int, len(docs))
		for i, e := range ents {
			if e != nil {
				c.years[docs[i]] = e.Year
			}
		}
	}
	return func(n NodeRef) bool {
		for _, d := range c.x.Node(n).Documents {
			if c.years[d] == y {
				return true
			}
		}
		return false
	}, nil
}

// inDocument returns a test of whether node n is listed by document id.
func (c *filterer) inDocument(id string) (Matcher, error) {
	d, ok := c.x.Lookup(id)
	if !ok || c.x.Node(d).Kind != KindDocument {
		return nil, &UnknownNameError{Name: id, Suggestions: c.x.documentIDs()}
	}
	return func(n NodeRef) bool { return slices.Contains(c.x.Node(n).Documents, d) }, nil
}

func (x *Index) documentIDs() []string {
	var out []string
	for _, d := range x.NodesOfKind(KindDocument) {
		out = append(out, x.Node(d).ID)
	}
	return out
}

// entity returns the entity of node n, reading every entity of n's kind at
// the first call: filters on attributes the index lacks cost one read.
func (c *filterer) entity(n NodeRef) *Entity {
	return c.ents[n]
}

func (c *filterer) loadKind(k Kind) error {
	if c.ents != nil {
		return nil
	}
	ns := c.x.NodesOfKind(k)
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = c.x.Node(n).ID
	}
	ents, err := c.st.Entities(c.ctx, ids)
	if err != nil {
		return err
	}
	c.ents = make(map[NodeRef]*Entity, len(ns))
	for i, e := range ents {
		c.ents[ns[i]] = e
	}
	return nil
}

// initiativesAt returns the initiatives tied to any of places, directly,
// through a place inside it, or through a region or place containing it that
// is not broad (see Reach).
func initiativesAt(ctx context.Context, x *Index, pl *places, ps []NodeRef) (map[NodeRef]bool, error) {
	t, err := pl.tied(ctx, ps, false)
	if err != nil {
		return nil, err
	}
	out := make(map[NodeRef]bool, len(t.nodes))
	for _, n := range t.nodes {
		out[n] = true
	}
	return out, nil
}

// InitiativeFilter selects initiatives. Set fields must all hold; And, Or and
// Not combine filters. Place, Programme and Body are names in any form or IDs.
type InitiativeFilter struct {
	Name      *StringMatch
	Category  *string
	Stage     *Stage
	Place     *string // tied as Connect ties, without broad regions
	Programme *string
	Body      *string // leads, co-builds or coordinates
	Document  *string // document ID
	Year      *int    // listed by a document of that year
	And       []*InitiativeFilter
	Or        []*InitiativeFilter
	Not       *InitiativeFilter
}

// MatchInitiatives compiles f (nil: every initiative). An unknown name in f
// is an *UnknownNameError.
func MatchInitiatives(ctx context.Context, st *Store, f *InitiativeFilter) (Matcher, error) {
	return newFilterer(ctx, st).initiatives(f)
}

func (c *filterer) initiatives(f *InitiativeFilter) (Matcher, error) {
	if f == nil {
		return all, nil
	}
	var fs fieldMatchers
	x := c.x
	if f.Name != nil {
		fs = append(fs, func(n NodeRef) bool { return f.Name.matches(x.nameKeysOf(n)) })
	}
	if f.Category != nil {
		fs = append(fs, func(n NodeRef) bool { return strings.EqualFold(string(x.Node(n).Category), *f.Category) })
	}
	if f.Stage != nil {
		fs = append(fs, func(n NodeRef) bool { return x.Node(n).Stage == *f.Stage })
	}
	if f.Place != nil {
		ps, err := c.refs(*f.Place)
		if err != nil {
			return nil, err
		}
		at, err := initiativesAt(c.ctx, x, c.pl, ps)
		if err != nil {
			return nil, err
		}
		fs = append(fs, func(n NodeRef) bool { return at[n] })
	}
	if f.Programme != nil {
		m, err := c.linked(*f.Programme, DirectionIn, []Relation{RelUnderProgramme})
		if err != nil {
			return nil, err
		}
		fs = append(fs, m)
	}
	if f.Body != nil {
		m, err := c.linked(*f.Body, DirectionOut, ownerRelations)
		if err != nil {
			return nil, err
		}
		fs = append(fs, m)
	}
	if f.Document != nil {
		m, err := c.inDocument(*f.Document)
		if err != nil {
			return nil, err
		}
		fs = append(fs, m)
	}
	if f.Year != nil {
		m, err := c.documentYear(*f.Year)
		if err != nil {
			return nil, err
		}
		fs = append(fs, m)
	}
	return combine(fs.matcher(), f.And, f.Or, f.Not, c.initiatives)
}

// PlaceFilter selects places.
type PlaceFilter struct {
	Name   *StringMatch
	Level  *PlaceLevel
	Within *string // inside this place or region at any depth, not itself
	And    []*PlaceFilter
	Or     []*PlaceFilter
	Not    *PlaceFilter
}

// MatchPlaces compiles f (nil: every place).
func MatchPlaces(ctx context.Context, st *Store, f *PlaceFilter) (Matcher, error) {
	return newFilterer(ctx, st).places(f)
}

func (c *filterer) places(f *PlaceFilter) (Matcher, error) {
	if f == nil {
		return all, nil
	}
	var fs fieldMatchers
	x := c.x
	if f.Name != nil {
		fs = append(fs, func(n NodeRef) bool { return f.Name.matches(x.nameKeysOf(n)) })
	}
	if f.Level != nil {
		fs = append(fs, func(n NodeRef) bool { return x.Node(n).Level == *f.Level })
	}
	if f.Within != nil {
		rs, err := c.refs(*f.Within)
		if err != nil {
			return nil, err
		}
		var inside []NodeRef
		for _, r := range rs {
			d, err := c.pl.descendants(c.ctx, r)
			if err != nil {
				return nil, err
			}
			inside = append(inside, d...)
		}
		fs = append(fs, set(inside))
	}
	return combine(fs.matcher(), f.And, f.Or, f.Not, c.places)
}

// BodyFilter selects bodies.
type BodyFilter struct {
	Name *StringMatch
	Type *string
	And  []*BodyFilter
	Or   []*BodyFilter
	Not  *BodyFilter
}

// MatchBodies compiles f (nil: every body). A Type condition reads every
// body once.
func MatchBodies(ctx context.Context, st *Store, f *BodyFilter) (Matcher, error) {
	return newFilterer(ctx, st).bodies(f)
}

func (c *filterer) bodies(f *BodyFilter) (Matcher, error) {
	if f == nil {
		return all, nil
	}
	fs, err := c.nameAndType(f.Name, f.Type, KindBody)
	if err != nil {
		return nil, err
	}
	return combine(fs.matcher(), f.And, f.Or, f.Not, c.bodies)
}

// ProgrammeFilter selects programmes.
type ProgrammeFilter struct {
	Name *StringMatch
	Type *string
	And  []*ProgrammeFilter
	Or   []*ProgrammeFilter
	Not  *ProgrammeFilter
}

// MatchProgrammes compiles f (nil: every programme). A Type condition reads
// every programme once.
func MatchProgrammes(ctx context.Context, st *Store, f *ProgrammeFilter) (Matcher, error) {
	return newFilterer(ctx, st).programmes(f)
}

func (c *filterer) programmes(f *ProgrammeFilter) (Matcher, error) {
	if f == nil {
		return all, nil
	}
	fs, err := c.nameAndType(f.Name, f.Type, KindProgramme)
	if err != nil {
		return nil, err
	}
	return combine(fs.matcher(), f.And, f.Or, f.Not, c.programmes)
}

// nameAndType compiles the conditions bodies and programmes share: a name
// match, and a type, which reads every entity of kind k once.
func (c *filterer) nameAndType(name *StringMatch, typ *string, k Kind) (fieldMatchers, error) {
	var fs fieldMatchers
	if name != nil {
		fs = append(fs, func(n NodeRef) bool { return name.matches(c.x.nameKeysOf(n)) })
	}
	if typ != nil {
		if err := c.loadKind(k); err != nil {
			return nil, err
		}
		fs = append(fs, func(n NodeRef) bool {
			e := c.entity(n)
			return e != nil && strings.EqualFold(e.Type, *typ)
		})
	}
	return fs, nil
}

// TargetFilter selects targets.
type TargetFilter struct {
	Metric   *StringMatch // against the metric and the target's names
	Unit     *string
	Year     *int
	Owner    *string // an initiative or body that HAS_TARGET it
	Place    *string // owned by an initiative tied to the place
	Document *string
	And      []*TargetFilter
	Or       []*TargetFilter
	Not      *TargetFilter
}

// MatchTargets compiles f (nil: every target). Metric, Unit and Year
// conditions read every target once.
func MatchTargets(ctx context.Context, st *Store, f *TargetFilter) (Matcher, error) {
	return newFilterer(ctx, st).targets(f)
}

func (c *filterer) targets(f *TargetFilter) (Matcher, error) {
	if f == nil {
		return all, nil
	}
	var fs fieldMatchers
	x := c.x
	if f.Metric != nil || f.Unit != nil || f.Year != nil {
		if err := c.loadKind(KindTarget); err != nil {
			return nil, err
		}
	}
	if f.Metric != nil {
		fs = append(fs, func(n NodeRef) bool {
			keys := x.nameKeysOf(n)
			if e := c.entity(n); e != nil && e.Metric != "" {
				keys = append(slices.Clip(keys), Key(e.Metric))
			}
			return f.Metric.matches(keys)
		})
	}
	if f.Unit != nil {
		fs = append(fs, func(n NodeRef) bool {
			e := c.entity(n)
			return e != nil && Key(e.Unit) == Key(*f.Unit)
		})
	}
	if f.Year != nil {
		fs = append(fs, func(n NodeRef) bool {
			e := c.entity(n)
			return e != nil && e.Year == *f.Year
		})
	}
	if f.Owner != nil {
		m, err := c.linked(*f.Owner, DirectionOut, []Relation{RelHasTarget})
		if err != nil {
			return nil, err
		}
		fs = append(fs, m)
	}
	if f.Place != nil {
		ps, err := c.refs(*f.Place)
		if err != nil {
			return nil, err
		}
		at, err := initiativesAt(c.ctx, x, c.pl, ps)
		if err != nil {
			return nil, err
		}
		fs = append(fs, func(n NodeRef) bool {
			for _, o := range x.Neighbours(n, DirectionIn, []Relation{RelHasTarget}) {
				if at[o] {
					return true
				}
			}
			return false
		})
	}
	if f.Document != nil {
		m, err := c.inDocument(*f.Document)
		if err != nil {
			return nil, err
		}
		fs = append(fs, m)
	}
	return combine(fs.matcher(), f.And, f.Or, f.Not, c.targets)
}

func mapKeys[K comparable, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
