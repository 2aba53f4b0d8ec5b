package loaders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policygraph/policygraph/graph"
)

// Extract reads one document and returns the graph facts it states: the
// whole pipeline, normalise -> structure -> mentions -> resolve -> relate,
// without writing anything.
func Extract(ctx context.Context, gz *Gazetteer, file string, raw []byte, meta Meta) (*graph.DocumentGraph, error) {
	return ExtractAtMost(ctx, gz, file, raw, meta, 0)
}

// ExtractAtMost is Extract for a caller that will write at most maxQuads
// quads of the document (graph.WriteOptions.MaxQuads; none when it is 0).
// It stops with a *graph.TooLargeError as soon as the sections, facts and
// mentions read so far outnumber maxQuads, so that a document far over the
// bound costs the memory of one at it, not of all its text. The count is a
// lower bound on the quads: each section, fact and mention is a node of
// its own with three quads or more (pg:has, and its record or index), and
// the only facts dropped when reading ends are the gazetteer's membership
// facts, a few per place the document names.
func ExtractAtMost(ctx context.Context, gz *Gazetteer, file string, raw []byte, meta Meta, maxQuads int) (*graph.DocumentGraph, error) {
	text, enc, err := Normalize(file, raw)
	if err != nil {
		return nil, err
	}
	d := Structure(gz, file, text, meta)
	b := newBuilder(gz, d, file, enc, text)
	tooLarge := func() error {
		if n := len(d.Sections) + len(b.g.Facts) + len(b.g.Mentions); maxQuads > 0 && n > maxQuads {
			return &graph.TooLargeError{ID: b.g.Document.ID, Quads: n, AtLeast: true, Max: maxQuads}
		}
		return nil
	}
	if err := tooLarge(); err != nil {
		return nil, err
	}
	// a paragraph repeated word for word states nothing new: its facts would
	// only cite the same words again (a page saved twice over, or a hostile
	// upload of one report repeated to the size limit, which multiplied the
	// facts and the write's memory by the repeats)
	seen := map[string]bool{}
	todo := make([]int, 0, len(d.Paragraphs))
	for pi := range d.Paragraphs {
		p := &d.Paragraphs[pi]
		if p.End-p.Start >= minRepeat {
			text := d.span(p.Start, p.End)
			if seen[text] {
				continue
			}
			seen[text] = true
		}
		todo = append(todo, pi)
	}
	var sent []mention // one sentence's mentions, the buffer reused
	for _, pi := range todo {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := tooLarge(); err != nil {
			return nil, err
		}
		p := &d.Paragraphs[pi]
		clauses := gz.readParagraph(d, p)
		pc := paraContext{}
		for si := range p.Sentences {
			st := &p.Sentences[si]
			sent = sent[:0]
			labelled(d.Text, st, clauses[si])
			for ci, c := range st.Clauses {
				ms := clauses[si][ci]
				b.clause(p, st, c, ms) // gives the initiatives their IDs
				sent = append(sent, ms...)
			}
			if len(d.Columns) > 0 {
				gz.stageCells(d, st, sent)
			}
			// the lead phrase and the sentence after it set the paragraph's
			// topic, or the first sentence of a paragraph without a lead; a
			// region is its topic only when the lead names it or the topic
			// sentence opens with it (its first clause), not when a later
			// clause mentions it in passing (承接重庆主城都市区功能疏解)
			if si == 0 || si == 1 && p.Lead != "" {
				topic := Span{st.Start, st.End}
				if si > 0 || p.Lead == "" && len(st.Clauses) > 0 {
					topic = st.Clauses[0]
				}
				pc.learn(sent, si == 0 && p.Lead != "", topic)
			}
			b.sentence(p, st, sent, &pc)
		}
	}
	b.tieRegions()
	b.leaveToGazetteer()
	b.mergeElided()
	return b.graph(), nil
}

// labelled reads a list item that names a work and then says what it is
// (01 成达万高铁:新建成都经遂宁至万州高速铁路, 遂宁境内约60公里): the first
// work of the same kind after the colon is the labelled work, described, so
// it becomes the label's name with its own words as an alias (one node, with
// the stage and places the description gives).
func labelled(s []rune, st *Sentence, clauses [][]mention) {
	if len(st.Clauses) < 2 || len(clauses) < 2 {
		return
	}
	c0 := st.Clauses[0]
	if c0.End >= len(s) || s[c0.End] != ':' {
		return
	}
	var label *mention
	for i := range clauses[0] {
		m := &clauses[0][i]
		if m.kind != mInitiative || m.generic {
			continue
		}
		if label != nil || m.span.End != c0.End {
			return // more than one, or words after the name: no label
		}
		label = m
	}
	if label == nil {
		return
	}
	for i := range clauses[1] {
		m := &clauses[1][i]
		if m.kind != mInitiative || m.generic {
			continue
		}
		if m.category != label.category || m.name == label.name {
			return
		}
		if len(label.places) > 0 && len(m.places) > 0 && !slices.ContainsFunc(m.places, func(p *Place) bool { return slices.Contains(label.places, p) }) {
			return
		}
		m.alias, m.name = m.name, label.name
		return
	}
}

// regionTie is a paragraph's region waiting to tie an initiative that names
// no place.
type regionTie struct {
	id     string
	region *Place
	rule   string
	ev     graph.Evidence
}

// tieRegions ties each initiative to the regions of the paragraphs that
// mention it without naming a place, unless the document states its places
// elsewhere: S5线 in a paragraph about 成德眉资同城化 is still the line from
// 成都 to 眉山 that another sentence names, not a line to 德阳 and 资阳.
func (b *builder) tieRegions() {
	if len(b.regionTies) == 0 {
		return
	}
	stated := map[string]bool{}
	for _, f := range b.g.Facts {
		if !f.Inferred && (f.Relation == graph.RelLocatedIn || f.Relation == graph.RelConnects) {
			stated[f.From] = true
		}
	}
	for _, t := range b.regionTies {
		if !stated[t.id] {
			b.tie(t.id, t.region, graph.RelLocatedIn, true, t.rule, t.ev)
		}
	}
}

// minRepeat is the length in runes from which a repeated paragraph is read
// once: shorter ones are headings and list labels that may recur.
const minRepeat = 24

// leaveToGazetteer drops from the document's graph what the gazetteer
// document (GazetteerGraph, which every load writes first) already states
// in the same words: gazetteer places the text added nothing to (no alias
// of its own) and their membership facts. The document still refers to
// those places, so they stay listed as its places in the store (see
// graph.Store.WriteDocument: an entity referred to gets its kind under the
// document's label). Without this every report restated ~60 places with
// all their attributes and ~80 membership facts, a fifth of its quads, and
// hub places such as 成都 gathered a dozen quads per document, which every
// later write of them re-read.
func (b *builder) leaveToGazetteer() {
	own := make(map[string]bool) // places that must stay listed
	for id, e := range b.entities {
		if e.Kind != graph.KindPlace {
			continue
		}
		p, ok := b.gz.Places[id]
		if !ok || !reflect.DeepEqual(*e, p.Entity()) {
			own[id] = true
			continue
		}
		delete(b.entities, id)
	}
	kept := b.g.Facts[:0]
	for _, f := range b.g.Facts {
		if f.Relation == graph.RelPartOf && f.Inferred && strings.HasPrefix(f.Rule, "gazetteer ") &&
			b.gz.Places[f.From] != nil && b.gz.Places[f.To] != nil && !own[f.From] && !own[f.To] {
			continue
		}
		kept = append(kept, f)
	}
	b.g.Facts = kept
	b.factPrev = b.factPrev[:0] // indexFacts again before the next fact
}

// paraContext is what a paragraph is about, from its lead and first sentence.
type paraContext struct {
	region      *Place
	regionWhy   string
	programmes  []mention
	initiatives []string // IDs of initiatives named in the lead
	lead        bool
	last        []string // IDs of the initiatives of the paragraph's last sentence that named any
}

func (pc *paraContext) learn(ms []mention, lead bool, topic Span) {
	for _, m := range ms {
		switch m.kind {
		case mPlace:
			if pc.region == nil && m.places[0].isRegion() && topic.Start <= m.span.Start && m.span.End <= topic.End {
				pc.region, pc.regionWhy = m.places[0], m.name
			}
		case mProgramme:
			if pc.region == nil && m.named != nil && m.named.Region != nil {
				pc.region, pc.regionWhy = m.named.Region, m.name
			}
			pc.programmes = append(pc.programmes, m)
		}
	}
	pc.lead = pc.lead || lead
}

// builder collects the entities, facts and mentions of one document.
type builder struct {
	gz       *Gazetteer
	d        *Doc
	g        *graph.DocumentGraph
	entities map[string]*graph.Entity
	factLast map[factSlot]int32 // the last fact at each evidence start (see fact)
	factPrev []int32            // the fact before each at its start, or -1
	issuer   string             // body ID of the issuer
	place    *Place

	ids      map[string]string   // initiative name -> ID, since Key is not free
	aliasIDs map[string]string   // Key of every name and alias given an initiative -> its ID
	tails    map[string]string   // Key tails of the names read (see addTails) -> ID
	named    map[kindName]string // body and programme IDs by name (see namedID)

	regionTies []regionTie // paragraph regions, tied at the end (tieRegions)

	evSentence *Sentence // the sentence evText and evSection belong to
	evText     string
	evSection  string
}

func newBuilder(gz *Gazetteer, d *Doc, file, enc, text string) *builder {
	sum := sha256.Sum256([]byte(text))
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	doc := graph.Document{
		ID: graph.EntityID(graph.KindDocument, graph.Key(base)), Title: d.Title, Year: d.Year, Issuer: d.Issuer,
		Source: filepath.Base(file), Hash: hex.EncodeToString(sum[:]), Encoding: enc, Chars: len(d.Text),
		Sections: d.Sections,
	}
	if doc.Title == "" {
		doc.Title = base
	}
	// about one fact per 9 characters in work reports (39,314 in the 368,817
	// of BenchmarkExtract's corpus): size for it once
	b := &builder{gz: gz, d: d, g: &graph.DocumentGraph{Document: doc}, entities: map[string]*graph.Entity{},
		place: d.Place}
	b.g.Facts = make([]graph.Fact, 0, len(d.Text)/8)
	b.g.Mentions = make([]graph.Mention, 0, len(d.Text)/24) // 13,392 there
	if d.Place != nil {
		b.g.Document.Place = b.addPlace(d.Place)
		b.fact(doc.ID, d.Place.ID, graph.RelAbout, "", true, "document place", b.docEvidence())
	} else {
		b.g.Warnings = append(b.g.Warnings, "no place found for the document: give --place to tie its initiatives to one")
	}
	if d.Issuer != "" {
		b.issuer = b.addBody(d.Issuer, "government")
		b.fact(doc.ID, b.issuer, graph.RelIssuedBy, "", true, "document issuer", b.docEvidence())
	}
	return b
}

func (b *builder) docEvidence() graph.Evidence {
	return graph.Evidence{Document: b.g.Document.ID, Section: "", Text: b.g.Document.Title}
}

// evidence cites span sp of sentence st. The sentence's text and section
// label are computed once per sentence: every fact of a sentence shares them.
func (b *builder) evidence(p *Paragraph, st *Sentence, sp Span) graph.Evidence {
	if b.evSentence != st {
		b.evSentence = st
		b.evText = b.d.span(st.Start, st.End)
		b.evSection = b.d.SectionLabel(p)
	}
	return graph.Evidence{Document: b.g.Document.ID, Section: b.evSection, Paragraph: p.Index,
		Sentence: st.Index, Start: sp.Start, End: sp.End, Text: b.evText, SentenceStart: st.Start}
}

func (b *builder) entity(e graph.Entity) *graph.Entity {
	if old, ok := b.entities[e.ID]; ok {
		if e.Name != old.Name && e.Name != "" {
			addAlias(old, e.Name)
		}
		for _, a := range e.Aliases {
			addAlias(old, a)
		}
		return old
	}
	// a copy, so that e itself does not escape: most calls find the entity
	n := new(graph.Entity)
	*n = e
	b.entities[e.ID] = n
	return n
}

func addAlias(e *graph.Entity, a string) {
	if a == e.Name {
		return
	}
	for _, x := range e.Aliases {
		if x == a {
			return
		}
	}
	e.Aliases = append(e.Aliases, a)
}

// addPlace adds p with its parents and members, and their membership facts.
func (b *builder) addPlace(p *Place) string {
	if _, ok := b.entities[p.ID]; ok {
		return p.ID
	}
	b.entity(p.Entity())
	ev := graph.Evidence{Document: b.g.Document.ID, Section: p.Source, Text: p.Row}
	if p.Parent != nil {
		b.addPlace(p.Parent)
		b.fact(p.ID, p.Parent.ID, graph.RelPartOf, "", true, "gazetteer "+p.Source, ev)
	}
	for _, m := range p.Members {
		b.addPlace(m)
		b.fact(m.ID, p.ID, graph.RelPartOf, "", true, "gazetteer "+p.Source, ev)
	}
	return p.ID
}

func (b *builder) addBody(name, typ string) string {
	id := b.namedID(graph.KindBody, name)
	b.entity(graph.Entity{ID: id, Kind: graph.KindBody, Name: name, Type: typ})
	return id
}

// namedID returns the ID of a body or programme by its name, computing
// each name's key once per document: a report names its bodies hundreds of
// times.
func (b *builder) namedID(kind graph.Kind, name string) string {
	k := kindName{kind, name}
	if id, ok := b.named[k]; ok {
		return id
	}
	if b.named == nil {
		b.named = map[kindName]string{}
	}
	id := graph.EntityID(kind, graph.Key(name))
	b.named[k] = id
	return id
}

type kindName struct {
	kind graph.Kind
	name string
}

func (b *builder) addNamed(kind graph.Kind, m mention) string {
	name, typ := m.name, ""
	var aliases []string
	if m.named != nil {
		name, typ, aliases = m.named.Name, m.named.Type, m.named.Aliases
	}
	id := b.namedID(kind, name)
	e := b.entity(graph.Entity{ID: id, Kind: kind, Name: name, Type: typ})
	for _, a := range aliases {
		addAlias(e, strings.Trim(a, `"`))
	}
	if m.name != name {
		addAlias(e, m.name)
	}
	return id
}

// factKey tells one fact of a document from another.
type factKey struct {
	from, to        string
	rel             graph.Relation
	via             string
	start, sentence int
}

// factSlot is where a fact's evidence starts: facts that are the same start
// at the same place, and few facts start at one.
type factSlot struct{ sentence, start int }

// fact adds a fact unless the same one (ends, relation, via and evidence
// start) is in already. The facts at one evidence start are a chain through
// factPrev from factLast, compared field by field: cheaper than a map
// keyed by four strings, which was a tenth of extraction.
func (b *builder) fact(from, to string, rel graph.Relation, via string, inferred bool, rule string, ev graph.Evidence) {
	if from == to {
		return
	}
	if b.factLast == nil || len(b.factPrev) != len(b.g.Facts) {
		b.indexFacts()
	}
	slot := factSlot{ev.Sentence, ev.Start}
	last, ok := b.factLast[slot]
	if ok {
		for i := last; i >= 0; i = b.factPrev[i] {
			f := &b.g.Facts[i]
			if f.From == from && f.To == to && f.Relation == rel && f.Via == via {
				return
			}
		}
	} else {
		last = -1
	}
	b.factLast[slot] = int32(len(b.g.Facts))
	b.factPrev = append(b.factPrev, last)
	b.g.Facts = append(b.g.Facts, graph.Fact{From: from, To: to, Relation: rel, Via: via, Inferred: inferred,
		Rule: rule, Evidence: ev})
}

// indexFacts builds the chains fact reads from b.g.Facts, after the facts
// were filtered or when there are none yet.
func (b *builder) indexFacts() {
	if b.factLast == nil || len(b.factLast) > 0 {
		b.factLast = make(map[factSlot]int32, max(len(b.g.Facts), cap(b.g.Facts)/2))
	}
	b.factPrev = b.factPrev[:0]
	for i, f := range b.g.Facts {
		slot := factSlot{f.Evidence.Sentence, f.Evidence.Start}
		last, ok := b.factLast[slot]
		if !ok {
			last = -1
		}
		b.factPrev = append(b.factPrev, last)
		b.factLast[slot] = int32(i)
	}
}

// initiativeID adds the initiative of mention m and returns its ID.
func (b *builder) initiativeID(m *mention) string {
	name := strings.TrimSpace(m.name)
	id, ok := b.ids[name]
	if !ok {
		if b.ids == nil {
			b.ids = map[string]string{}
			b.aliasIDs = map[string]string{}
		}
		key := graph.Key(name)
		id = b.knownAs(name, key)
		if id == "" {
			id = graph.EntityID(graph.KindInitiative, worksKey(key)+b.homeOf(m, name))
		}
		b.ids[name] = id
		b.remember(key, id)
		b.addTails(key, id)
	}
	// a second name for a known initiative becomes its alias (see entity)
	e := b.entity(graph.Entity{ID: id, Kind: graph.KindInitiative, Name: name, Category: m.category})
	// the form without 项目 is an alias too, so that it finds the node
	if short, ok := strings.CutSuffix(name, "项目"); ok && len(e.Aliases) == 0 && utf8.RuneCountInString(short) >= 3 {
		addAlias(e, short)
	}
	if m.alias != "" && !slices.Contains(e.Aliases, m.alias) {
		addAlias(e, m.alias)
		b.remember(graph.Key(m.alias), id)
	}
	return id
}

// homeOf returns what qualifies the ID of an initiative whose name every
// city may give its own (绕城高速, 地铁3号线: no place, and only generic words
// or cityWords before the head): "@" and the document's place code, so that
// 乐山's 绕城高速 and 铜梁's are two nodes while one city's reports of
// different years still share one. "" for any other name.
func (b *builder) homeOf(m *mention, name string) string {
	if b.place == nil || len(m.places) > 0 || m.head == "" || b.place.isRegion() {
		return ""
	}
	k := strings.LastIndex(name, m.head)
	if k < 0 {
		return ""
	}
	if pre := name[:k]; !cityWords[pre] && !b.gz.isGeneric(pre) {
		return ""
	}
	return "@" + strings.TrimPrefix(b.place.ID, "place/")
}

// cityWords are the words before a head that every city uses for its own
// (绕城高速, 地铁3号线, 滨江路): names made only of them are the document's
// place's.
var cityWords = map[string]bool{"绕城": true, "环城": true, "外环": true, "内环": true, "一环": true, "二环": true,
	"三环": true, "四环": true, "滨江": true, "沿江": true, "滨河": true, "机场": true, "地铁": true, "轨道交通": true,
	"城市轨道交通": true, "火车站": true, "高铁站": true, "北站": true, "南站": true, "东站": true, "西站": true}

// worksKey is the key an initiative's ID is made of: its name's key
// without a trailing 项目 or 建设, so that 渝遂高速扩能项目 in one year's report and
// 渝遂高速扩能 in another's are one node with one timeline (brackets already
// go: X(重庆段) is X).
func worksKey(key string) string {
	for _, w := range []string{"项目", "建设"} {
		if k, ok := strings.CutSuffix(key, w); ok && utf8.RuneCountInString(k) >= 3 {
			return k
		}
	}
	return key
}

// remember records a name's key as standing for an initiative, unless
// another initiative had it first.
func (b *builder) remember(key, id string) {
	if _, taken := b.aliasIDs[key]; !taken {
		b.aliasIDs[key] = id
	}
}

// knownAs returns the ID of an initiative the document already named by
// another form of name: an alias it gave (市域(郊)铁路成都至德阳线 for S11线),
// the same words after a province's or city's name (四川市域(郊)铁路成都至德阳线),
// or without a works word after it (渝遂高速扩能项目 for 渝遂高速扩能). "" if none.
func (b *builder) knownAs(name, key string) string {
	if id := b.aliasIDs[key]; id != "" {
		return id
	}
	r := []rune(name)
	if e, ok := b.gz.names.longest(r, 0); ok && e.kind == namePlace && len(r)-len(e.text) >= 4 {
		if id := b.aliasIDs[graph.Key(string(r[len(e.text):]))]; id != "" {
			return id
		}
	}
	for _, suf := range []string{"项目", "工程", "建设"} {
		if short, ok := strings.CutSuffix(name, suf); ok && len([]rune(short)) >= 4 {
			if id := b.aliasIDs[graph.Key(short)]; id != "" {
				return id
			}
		}
	}
	// the tail of a longer name read before: 高滩园区 after 四川广安川渝合作高滩园区
	if len(r) >= 4 && !b.gz.isBareHead(name) {
		if id := b.tails[key]; id != "" {
			return id
		}
	}
	return ""
}

// addTails records the tails of an initiative's name that may stand for it
// later in the document: four characters or more, two fewer than the name
// at least.
func (b *builder) addTails(key, id string) {
	if b.tails == nil {
		b.tails = map[string]string{}
	}
	// the tails are substrings of key, from its third rune on, of four runes
	// or more
	n := utf8.RuneCountInString(key)
	i := 0
	for off := range key {
		if i >= 2 && n-i >= 4 {
			if t := key[off:]; b.tails[t] == "" {
				b.tails[t] = id
			}
		}
		i++
	}
}

// clause relates the mentions of one clause: places stated beside an
// initiative in the same clause are where it is.
func (b *builder) clause(p *Paragraph, st *Sentence, c Span, ms []mention) {
	var free []*Place
	var at []int          // where each free place's mention ends
	first, last := -1, -1 // where the clause's place mentions start and end
	inits := 0
	for _, m := range ms {
		switch {
		case m.kind == mPlace && m.generic:
			// a peer in a list of new areas (天府新区、东部新区、宜宾三江新区等新区)
		case m.kind == mPlace:
			for _, pl := range m.places {
				free = append(free, pl)
				at = append(at, m.span.End)
			}
			if first < 0 {
				first = m.span.Start
			}
			last = m.span.End
		case m.kind == mInitiative && !m.generic:
			inits++
		}
	}
	respectively := strings.Contains(b.d.span(c.Start, c.End), "分别")
	for i := range ms {
		m := &ms[i]
		if m.kind != mInitiative || m.generic {
			continue
		}
		// a name inside a list of many places (the cities a plan covers:
		// …綦江区(含万盛经济技术开发区)、大足区…) lies in none of them in particular;
		// a list before or after a name (梁平、垫江、达川、大竹等探索建设…) is where it is
		if len(free) > maxClausePlaces && first < m.span.Start && m.span.End < last {
			continue
		}
		id := b.initiativeID(m)
		m.id = id
		ev := b.evidence(p, st, m.span)
		// X、Y分别与Z共建A、B: each work is one pair's, which its own name
		// gives (成德…, 成眉…); the listed places are not all of each
		if respectively && inits > 1 && len(m.places) >= 2 {
			continue
		}
		for k, pl := range free {
			// with several names in a clause, a place says where the names
			// after it are: in 璧山高新区与乐至、射洪两地经开区入选…示范园区 乐至 and
			// 射洪 are not 璧山高新区's
			if inits > 1 && at[k] > m.span.Start {
				continue
			}
			b.tie(id, pl, graph.RelLocatedIn, false, "", ev)
		}
	}
}

// maxClausePlaces is the most places a list may name around an initiative
// and still say where it lies: 在合川区、广安市、长寿区打造…示范区 ties to three.
const maxClausePlaces = 3

// tie links an initiative to a place and, through a region, to each member.
func (b *builder) tie(id string, pl *Place, rel graph.Relation, inferred bool, rule string, ev graph.Evidence) {
	b.addPlace(pl)
	b.fact(id, pl.ID, rel, "", inferred, rule, ev)
	if pl.isRegion() {
		for _, m := range pl.Members {
			b.fact(id, m.ID, rel, pl.ID, inferred, rule, ev)
		}
	}
}

// sentence relates the mentions of one sentence.
func (b *builder) sentence(p *Paragraph, st *Sentence, ms []mention, pc *paraContext) {
	var inits []string
	var initMentions []*mention
	var bodies []string
	var bodyMentions []*mention
	for i := range ms {
		m := &ms[i]
		ev := b.evidence(p, st, m.span)
		switch m.kind {
		case mInitiative:
			if m.generic {
				continue
			}
			id := m.id
			if id == "" {
				id = b.initiativeID(m)
			}
			inits = append(inits, id)
			initMentions = append(initMentions, m)
			h := m.stage
			b.g.Mentions = append(b.g.Mentions, graph.Mention{Entity: id, Stage: h.stage, Cue: h.cue,
				Year: b.d.Year, Evidence: ev})
			b.placesOf(id, m, ev, pc)
			// a section or station is part of its line, one node for the line
			if m.whole != "" {
				wm := mention{name: m.whole, category: m.category}
				whole := b.initiativeID(&wm)
				b.fact(id, whole, graph.RelPartOf, "", false, "", ev)
				// the line lies where its own name says (成达万高铁: 成都, 达州, 万州)
				ps := b.gz.placesInName([]rune(m.whole), b.d.Place)
				rel := graph.RelLocatedIn
				if len(ps) >= 2 {
					rel = graph.RelConnects
				}
				for _, pl := range ps {
					b.tie(whole, pl, rel, false, "", ev)
				}
			}
			if p.Lead != "" && st.Start == p.Start {
				pc.initiatives = append(pc.initiatives, id)
			}
		case mProgramme:
			id := b.addNamed(graph.KindProgramme, *m)
			b.g.Mentions = append(b.g.Mentions, graph.Mention{Entity: id, Year: b.d.Year, Evidence: ev})
		case mBody:
			id := b.addNamed(graph.KindBody, *m)
			bodies = append(bodies, id)
			bodyMentions = append(bodyMentions, m)
			b.g.Mentions = append(b.g.Mentions, graph.Mention{Entity: id, Year: b.d.Year, Evidence: ev})
		case mPlace:
			b.addPlace(m.places[0])
			b.g.Mentions = append(b.g.Mentions, graph.Mention{Entity: m.places[0].ID, Year: b.d.Year, Evidence: ev})
		}
	}
	sentEv := func(m *mention) graph.Evidence { return b.evidence(p, st, m.span) }
	// an address set before the work (在邻水县高滩镇、渝北区茨竹镇等乡镇区域,一体
	// 规划建设…新区): the places of a clause that opens with 在 and names no
	// initiative are where the sentence's initiatives are
	for _, pl := range b.addressPlaces(st, ms) {
		for k, id := range inits {
			b.tie(id, pl, graph.RelLocatedIn, false, "", sentEv(initMentions[k]))
		}
	}
	// a clause that says where a work takes people (…川渝段,实现与泸州、宜宾等地
	// 1小时内可达), and partners named in the clause before a joint work
	// (深化与遂宁、南充合作,共同打造…走廊): their places are ends the work connects
	for _, r := range append(b.reachPlaces(st, ms), b.partnerPlaces(st, ms)...) {
		id := r.init.id
		if id == "" {
			id = b.initiativeID(r.init)
		}
		for _, pl := range r.places {
			b.tie(id, pl, graph.RelConnects, false, "", sentEv(r.init))
		}
	}
	// programmes stated in the sentence, else the paragraph's
	for i := range ms {
		if ms[i].kind != mProgramme {
			continue
		}
		pid := b.addNamed(graph.KindProgramme, ms[i])
		for k, id := range inits {
			b.fact(id, pid, graph.RelUnderProgramme, "", false, "", sentEv(initMentions[k]))
		}
	}
	for _, pm := range pc.programmes {
		pid := b.addNamed(graph.KindProgramme, pm)
		for k, id := range inits {
			b.fact(id, pid, graph.RelUnderProgramme, "", true, "paragraph context: "+pm.name, sentEv(initMentions[k]))
		}
	}
	// bodies: a role cue beside the body says how; otherwise they coordinate
	for k, bid := range bodies {
		role := b.roleOf(bodyMentions[k])
		targets, inferred, rule := inits, false, ""
		switch {
		case len(targets) == 0 && len(pc.last) > 0 && aside(b.d.Text, st):
			// a bracketed aside after a task (…建成通车。(牵头单位:市交通运输局)) says
			// who does the task before it
			targets = pc.last
		case len(targets) == 0 && len(pc.initiatives) > 0:
			targets, inferred, rule = pc.initiatives, true, "paragraph context: "+p.Lead
		}
		for _, id := range targets {
			b.fact(bid, id, role, "", inferred, rule, b.evidence(p, st, Span{st.Start, st.End}))
		}
		for _, other := range bodies {
			if other > bid {
				b.fact(bid, other, graph.RelCooperates, "", false, "", b.evidence(p, st, Span{st.Start, st.End}))
			}
		}
	}
	for k, id := range inits {
		m := initMentions[k]
		ev := sentEv(m)
		if b.issuer != "" {
			b.fact(b.issuer, id, graph.RelLeads, "", true, "document issuer owns its tasks", ev)
		}
		for _, r := range b.gz.sectors {
			if strings.Contains(m.name, r.keyword) && b.place != nil && !b.place.isRegion() {
				dept := b.addBody(b.place.Name+r.department, "agency")
				b.fact(dept, id, graph.RelCoBuilds, "", true, "sector table "+r.source+": "+r.keyword+" -> "+r.department, ev)
				break
			}
		}
	}
	if len(inits) > 0 {
		pc.last = inits
	}
	// targets measure the initiative of their clause, or the sentence's one
	// that shares words with the metric, else the issuer's work
	for i := range ms {
		m := &ms[i]
		if m.kind != mTarget {
			continue
		}
		t := m.target
		tid := graph.EntityID(graph.KindTarget, graph.Key(b.g.Document.ID+"/"+t.metric+strconv.FormatFloat(t.value, 'f', -1, 64)+t.unit))
		b.entity(graph.Entity{ID: tid, Kind: graph.KindTarget, Name: t.metric + strconv.FormatFloat(t.value, 'f', -1, 64) + t.unit,
			Metric: t.metric, Value: t.value, Unit: t.unit, Comparator: t.comparator, Year: b.d.Year})
		ev := b.evidence(p, st, m.span)
		b.g.Mentions = append(b.g.Mentions, graph.Mention{Entity: tid, Year: b.d.Year, Evidence: ev})
		owner := ""
		for k, id := range inits {
			im := initMentions[k]
			if sameClause(st, im.span, m.span) || sharesWords(im.name, t.metric) {
				owner = id
				break
			}
		}
		switch {
		case owner != "":
			b.fact(owner, tid, graph.RelHasTarget, "", false, "", ev)
		case b.issuer != "":
			b.fact(b.issuer, tid, graph.RelHasTarget, "", true, "document issuer owns its targets", ev)
		}
	}
}

// aside reports whether sentence st is a bracketed aside: it opens with a
// bracket that closes at its end.
func aside(s []rune, st *Sentence) bool {
	a, z := st.Start, st.End
	for z > a && unicode.IsSpace(s[z-1]) {
		z--
	}
	return z-a > 2 && (s[a] == '(' || s[a] == '（') && (s[z-1] == ')' || s[z-1] == '）')
}

// addressPlaces returns the places of the clauses of st that hold no
// initiative and open with 在 or are an address (重庆市渝北区茨竹镇), for the
// initiatives of the sentence's other clauses.
func (b *builder) addressPlaces(st *Sentence, ms []mention) []*Place {
	s := b.d.Text
	var out []*Place
	for _, c := range st.Clauses {
		var ps []*Place
		address, named := true, 0
		for _, m := range ms {
			if m.span.Start < c.Start || m.span.End > c.End {
				continue
			}
			switch m.kind {
			case mInitiative:
				address = false
			case mPlace:
				ps = append(ps, m.places...)
				named += m.span.End - m.span.Start
			}
		}
		// a clause that opens with 在, or that is an address and nothing
		// else (重庆市渝北区茨竹镇: a town's few characters after the places)
		opens := c.End > c.Start && s[c.Start] == '在'
		bare := named > 0 && c.End-c.Start-named <= 4 && strings.ContainsAny(string(s[c.End-1]), "镇乡村街")
		// a table's cell of places only (建设地点: 成都、资阳、重庆)
		if named > 0 && len(b.d.Columns) > 0 && onlyListMarks(s, c, ms) {
			bare = true
		}
		if address && (opens || bare) && len(ps) <= maxClausePlaces {
			out = append(out, ps...)
		}
	}
	return out
}

// reachWords say that one place can be reached from another.
var reachWords = []string{"可达", "通达", "直达", "到达", "抵达", "连通", "联通", "互通", "贯通"}

type reach struct {
	init   *mention
	places []*Place
}

// reachPlaces finds the clauses of st that name no initiative but places
// reached (实现与泸州、宜宾等地1小时内可达, 40分钟直达重庆主城), and pairs their
// places with the initiatives of the clause just before.
func (b *builder) reachPlaces(st *Sentence, ms []mention) []reach {
	var out []reach
	for k := 1; k < len(st.Clauses); k++ {
		c := st.Clauses[k]
		text := b.d.span(c.Start, c.End)
		found := false
		for _, w := range reachWords {
			if strings.Contains(text, w) {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		var ps []*Place
		var before []*mention
		prev := st.Clauses[k-1]
		for i := range ms {
			m := &ms[i]
			switch {
			case m.span.Start >= c.Start && m.span.End <= c.End && m.kind == mInitiative && !m.generic:
				found = false
			case m.span.Start >= c.Start && m.span.End <= c.End && m.kind == mPlace && !m.generic:
				ps = append(ps, m.places...)
			case m.span.Start >= prev.Start && m.span.End <= prev.End && m.kind == mInitiative && !m.generic:
				before = append(before, m)
			}
		}
		if !found || len(ps) == 0 || len(ps) > maxClausePlaces {
			continue
		}
		for _, m := range before {
			out = append(out, reach{m, ps})
		}
	}
	return out
}

// partnerPlaces finds a clause that names partners and no work (深化与遂宁、
// 南充合作, 加强同广安的协作) followed by one that does a work jointly
// (共同打造嘉陵江绿色生态走廊, 携手共建…), and pairs the partners' places with
// the works of the second clause.
func (b *builder) partnerPlaces(st *Sentence, ms []mention) []reach {
	s := b.d.Text
	var out []reach
	for k := 1; k < len(st.Clauses); k++ {
		prev, c := st.Clauses[k-1], st.Clauses[k]
		with := partnersIn(s, prev)
		if with < 0 || !jointAt(s, c.Start, c.End) {
			continue
		}
		var ps []*Place
		var works []*mention
		ok := true
		for i := range ms {
			m := &ms[i]
			switch {
			case m.generic:
			case m.span.Start >= prev.Start && m.span.End <= prev.End && m.kind == mInitiative:
				ok = false
			case m.span.Start > with && m.span.End <= prev.End && m.kind == mPlace:
				ps = append(ps, m.places...)
			case m.span.Start >= c.Start && m.span.End <= c.End && m.kind == mInitiative:
				works = append(works, m)
			}
		}
		// 重庆荣昌: the partner is 荣昌, in 重庆
		ps = slices.DeleteFunc(ps, func(p *Place) bool {
			return slices.ContainsFunc(ps, func(q *Place) bool { return q != p && q.within(p) })
		})
		if !ok || len(ps) == 0 || len(ps) > maxClausePlaces {
			continue
		}
		for _, m := range works {
			out = append(out, reach{m, ps})
		}
	}
	return out
}

// jointAt reports whether s[i:end] opens with a word of joint work (共同,
// 携手, 联合, 合力, 一道), after 并, 还, 将 or 要 at most.
func jointAt(s []rune, i, end int) bool {
	if i < end && strings.ContainsRune("并还将要", s[i]) {
		i++
	}
	for _, w := range []string{"共同", "携手", "联合", "合力", "一道", "一起"} {
		if hasString(s[:end], i, w) {
			return true
		}
	}
	return false
}

// partnersIn returns where 与 or 同 stands before the partners of clause c,
// which ends in a word of cooperation (合作, 协作, 联动, 对接), or -1 when it
// names none.
func partnersIn(s []rune, c Span) int {
	with := -1
	for k := c.Start; k < c.End && k < c.Start+8; k++ {
		if s[k] == '与' || s[k] == '同' {
			with = k
			break
		}
	}
	if with < 0 {
		return -1
	}
	end := c.End
	for end > c.Start && (isBreak(s[end-1]) || unicode.IsSpace(s[end-1])) {
		end--
	}
	for _, w := range []string{"合作", "协作", "联动", "对接", "协同"} {
		if hasString(s[:end], end-len([]rune(w)), w) {
			return with
		}
	}
	return -1
}

// onlyListMarks reports whether the runes of clause c outside its place
// mentions are only list marks and spaces.
func onlyListMarks(s []rune, c Span, ms []mention) bool {
	in := make([]bool, c.End-c.Start)
	for _, m := range ms {
		if m.kind == mPlace && m.span.Start >= c.Start && m.span.End <= c.End {
			for k := m.span.Start; k < m.span.End; k++ {
				in[k-c.Start] = true
			}
		}
	}
	for k := c.Start; k < c.End; k++ {
		if !in[k-c.Start] && !isListMark(s[k]) && !unicode.IsSpace(s[k]) {
			return false
		}
	}
	return true
}

// roleOf reads a body's role from the words beside it: 由X牵头 and X负责
// lead; 联合X, 会同X, X配合 build together; otherwise the body coordinates.
func (b *builder) roleOf(m *mention) graph.Relation {
	s := b.d.Text
	// a task table's cell: its column's heading says
	if len(b.d.Columns) > 0 {
		ls := m.span.Start
		for ls > 0 && s[ls-1] != '\n' {
			ls--
		}
		col, row := 0, false
		for k := ls; k < len(s) && s[k] != '\n'; k++ {
			if s[k] == '\t' {
				row = true
				if k < m.span.Start {
					col++
				}
			}
		}
		if row && col < len(b.d.Columns) {
			if r := columnRole(b.d.Columns[col]); r != "" {
				return r
			}
		}
	}
	after := string(s[m.span.End:min(m.span.End+4, len(s))])
	for _, w := range []string{"牵头", "负责", "主导"} {
		if strings.HasPrefix(after, w) {
			return graph.RelLeads
		}
	}
	if strings.HasPrefix(after, "配合") || strings.HasPrefix(after, "协同") {
		return graph.RelCoBuilds
	}
	// look back over a list of bodies (联合德阳市、眉山市、资阳市人民政府)
	j := m.span.Start
	for j > 0 && j > m.span.Start-40 && !strings.ContainsRune("，,。；;", s[j-1]) {
		j--
	}
	before := string(s[j:m.span.Start])
	for _, w := range []string{"联合", "会同", "协同", "配合", "携手"} {
		if strings.Contains(before, w) {
			return graph.RelCoBuilds
		}
	}
	// a label before a list of bodies: (牵头单位:市交通运输局;配合单位:市发展改革委)
	k := m.span.Start
	for k > 0 && k > m.span.Start-40 && !strings.ContainsRune(":：;；。(（", s[k-1]) {
		k--
	}
	if k > 1 && (s[k-1] == ':' || s[k-1] == '：') {
		l := k - 1
		for l > 0 && k-1-l < 6 && !strings.ContainsRune(";；。(（,，", s[l-1]) {
			l--
		}
		if r := columnRole(string(s[l : k-1])); r != "" {
			return r
		}
	}
	return graph.RelCoordinates
}

// placesOf ties an initiative to the places its name gives; without any, to
// the paragraph's region; and, as the document's default, to its place.
func (b *builder) placesOf(id string, m *mention, ev graph.Evidence, pc *paraContext) {
	rel := graph.RelLocatedIn
	if len(m.places) >= 2 {
		rel = graph.RelConnects
	}
	for _, pl := range m.places {
		r := rel
		if pl.isRegion() {
			r = graph.RelLocatedIn
		}
		b.tie(id, pl, r, false, "", ev)
	}
	if len(m.places) == 0 && pc.region != nil {
		b.regionTies = append(b.regionTies, regionTie{id, pc.region, "paragraph context: " + pc.regionWhy, ev})
	}
	// a document about two or more places (关于支持南充达州组团…, 重庆·贵州《…》)
	// ties what names no place to each of them
	if len(b.d.Subjects) >= 2 && len(m.places) == 0 {
		for _, pl := range b.d.Subjects {
			b.tie(id, pl, graph.RelLocatedIn, true, "document subject", ev)
		}
		return
	}
	// a region's plan (成都都市圈发展规划) ties to the region only what names no place
	if b.place != nil && !(b.place.isRegion() && len(m.places) > 0) {
		within := false
		for _, pl := range m.places {
			if pl.within(b.place) {
				within = true
			}
		}
		// (a line to a place, 轨道交通资阳线, still starts at home)
		toPlace := m.category == graph.CategoryRail && strings.HasSuffix(m.name, "线")
		if !within && !linksElsewhere(b.place, m.places) && (toPlace || !elsewhere(b.place, m.places, spansPlaces(m.category))) {
			b.tie(id, b.place, graph.RelLocatedIn, true, "document place", ev)
		}
	}
}

// elsewhere reports whether a name places its initiative in cities or
// counties that neither lie in the document's place nor hold it: 达州金垭机场
// in a 万州 page is 达州's airport, not 万州's, and 南达合作示范区 in a 德阳
// report lies in 南充 and 达州. A work that runs between the places it names
// (spans: a railway, a road) may pass through the document's place, so two
// or more places say nothing of where it is not.
func elsewhere(doc *Place, ps []*Place, spans bool) bool {
	if len(ps) == 0 || len(ps) > 1 && spans || doc.isRegion() {
		return false
	}
	for _, p := range ps {
		if p.isRegion() || p.Level != graph.LevelPrefecture && p.Level != graph.LevelCounty || p.within(doc) || doc.within(p) {
			return false
		}
	}
	return true
}

// spansPlaces reports whether initiatives of a category run between places
// and may pass through others than those they name (a railway, a road, a
// waterway, a corridor).
func spansPlaces(c graph.Category) bool {
	switch c {
	case graph.CategoryRail, graph.CategoryRoad, graph.CategoryAviation, graph.CategoryWater, graph.CategoryCorridor:
		return true
	}
	return false
}

// linksElsewhere reports whether a name links two or more places, all in
// other provinces than the document's place: 渝昆高铁 in Chengdu's report,
// 宝成铁路 in a Chongqing district's. Such a line is not the document place's;
// one through its province (天眉乐高速 in Chengdu's, 郑万高铁重庆段 in 潼南's)
// may pass through it and keeps the document's default.
func linksElsewhere(doc *Place, ps []*Place) bool {
	n := 0
	for _, pl := range ps {
		if pl.isRegion() {
			continue
		}
		if prov(pl) != nil && prov(pl) == prov(doc) {
			return false
		}
		n++
	}
	return n >= 2
}

func sameClause(st *Sentence, a, c Span) bool {
	for _, cl := range st.Clauses {
		if cl.Start <= a.Start && a.End <= cl.End && cl.Start <= c.Start && c.End <= cl.End {
			return true
		}
	}
	return false
}

// sharesWords reports whether two names share a two-character word.
func sharesWords(a, b string) bool {
	ra := []rune(a)
	for i := 0; i+2 <= len(ra); i++ {
		if strings.Contains(b, string(ra[i:i+2])) {
			return true
		}
	}
	return false
}

// mergeElided folds an initiative whose name is a longer name's place
// compound and head with the words between left out (资大示范区 for
// 资大文旅融合发展示范区, 泸永江示范区 for 泸永江融合发展示范区) into the longer
// one's node, whichever the document named first. A short form that fits
// several longer names stays its own node.
func (b *builder) mergeElided() {
	// initiatives by their first two runes, where a longer form is looked up
	var inits []*graph.Entity
	byStart := map[string][]*graph.Entity{}
	for _, e := range b.entities {
		if e.Kind == graph.KindInitiative {
			inits = append(inits, e)
			if r := []rune(e.Name); len(r) >= 2 {
				byStart[string(r[:2])] = append(byStart[string(r[:2])], e)
			}
		}
	}
	into := map[string]string{}
	for _, short := range inits {
		r := []rune(short.Name)
		// a short form is short: a compound and a head
		if len(r) < 4 || len(r) > 9 {
			continue
		}
		h, ok := b.gz.headEndingAt(r, len(r))
		if !ok {
			continue
		}
		pre := r[:len(r)-len(h.runes)]
		if len(pre) < 2 || len(byStart[string(pre[:2])]) < 2 {
			continue // no longer name to be short for
		}
		if ps, n := b.gz.compoundAt(pre, 0, b.place); len(ps) < 2 || n != len(pre) {
			continue
		}
		long := ""
		for _, l := range byStart[string(pre[:2])] {
			if l == short || utf8.RuneCountInString(l.Name) < len(r)+2 ||
				!strings.HasPrefix(l.Name, string(pre)) || !strings.HasSuffix(l.Name, h.text) {
				continue
			}
			if long != "" && long != l.ID {
				long = "-" // more than one
				break
			}
			long = l.ID
		}
		if long != "" && long != "-" {
			into[short.ID] = long
		}
	}
	b.mergeSpelled(inits, into)
	if len(into) == 0 {
		return
	}
	// a short form of a short form (资大示范区 for 资大文旅融合发展示范区,
	// spelled out elsewhere) goes to the end of the chain
	for from, to := range into {
		for hops := 0; hops < 4; hops++ {
			next, ok := into[to]
			if !ok {
				break
			}
			to = next
		}
		if _, ok := into[to]; ok || to == from {
			delete(into, from)
			continue
		}
		into[from] = to
	}
	for from, to := range into {
		e, t := b.entities[from], b.entities[to]
		for _, a := range append([]string{e.Name}, e.Aliases...) {
			if a != t.Name && !slices.Contains(t.Aliases, a) {
				addAlias(t, a)
			}
		}
		delete(b.entities, from)
	}
	rename := func(id string) string {
		if to, ok := into[id]; ok && b.entities[id] == nil {
			return to
		}
		return id
	}
	seen := make(map[factKey]bool, len(b.g.Facts))
	facts := b.g.Facts[:0]
	for _, f := range b.g.Facts {
		f.From, f.To = rename(f.From), rename(f.To)
		k := factKey{f.From, f.To, f.Relation, f.Via, f.Evidence.Start, f.Evidence.Sentence}
		if f.From == f.To || seen[k] {
			continue
		}
		seen[k] = true
		facts = append(facts, f)
	}
	b.g.Facts = facts
	for i := range b.g.Mentions {
		b.g.Mentions[i].Entity = rename(b.g.Mentions[i].Entity)
	}
}

// mergeSpelled folds an initiative named with a place compound (资大文旅融合
// 发展示范区) into one named with the same places spelled out and the same
// words after them (资阳大足文旅融合发展示范区): the spelled-out name is the
// explicit one and becomes the node's name, the compound its alias.
func (b *builder) mergeSpelled(inits []*graph.Entity, into map[string]string) {
	byRest := map[string][]*graph.Entity{}
	for _, e := range inits {
		byRest[lastRunes(e.Name, 4)] = append(byRest[lastRunes(e.Name, 4)], e)
	}
	for _, short := range inits {
		if _, done := into[short.ID]; done {
			continue
		}
		r := []rune(short.Name)
		if len(r) < 6 || len(byRest[lastRunes(short.Name, 4)]) < 2 {
			continue
		}
		ps, n := b.gz.compoundAt(r, 0, b.place)
		if len(ps) < 2 || n < 2 || len(r)-n < 4 {
			continue
		}
		rest := string(r[n:])
		long := ""
		for _, l := range byRest[lastRunes(short.Name, 4)] {
			lr := []rune(l.Name)
			if l == short || len(lr) <= len(r) || !strings.HasSuffix(l.Name, rest) {
				continue
			}
			if !samePlaces(b.gz.spelledPlaces(lr[:len(lr)-len(r)+n], b.place), ps) {
				continue
			}
			if long != "" && long != l.ID {
				long = "-"
				break
			}
			long = l.ID
		}
		if long != "" && long != "-" {
			into[short.ID] = long
		}
	}
}

// lastRunes returns the last n runes of s, or s when it is shorter.
func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[len(r)-n:])
}

// samePlaces reports whether a and b hold the same places in any order.
func samePlaces(a, b []*Place) bool {
	if len(a) != len(b) {
		return false
	}
	for _, p := range a {
		if !slices.Contains(b, p) {
			return false
		}
	}
	return true
}

func (b *builder) graph() *graph.DocumentGraph {
	ids := make([]string, 0, len(b.entities))
	for id := range b.entities {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.g.Entities = append(b.g.Entities, *b.entities[id])
	}
	return b.g
}

// Summary is one line about an extracted graph, for logs and tests.
func Summary(g *graph.DocumentGraph) string {
	counts := map[graph.Kind]int{}
	for _, e := range g.Entities {
		counts[e.Kind]++
	}
	return fmt.Sprintf("%s: %d initiatives, %d places, %d bodies, %d programmes, %d targets, %d facts",
		g.Document.ID, counts[graph.KindInitiative], counts[graph.KindPlace], counts[graph.KindBody],
		counts[graph.KindProgramme], counts[graph.KindTarget], len(g.Facts))
}
