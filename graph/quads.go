package graph

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cayleygraph/quad"
)

// The quad layout (version 2). Every quad a document writes carries the
// document ID as its label (a quad.String). Nodes are full IRIs built from
// stable keys:
//
//	<document/k> pg:kind "DOCUMENT"; pg:title, pg:year, pg:issuer, pg:place <place/..>,
//	             pg:source, pg:hash, pg:encoding, pg:chars, pg:protected 1; pg:section <section/k/i>;
//	             pg:has <node> for every other node the document wrote quads for
//	<section/k/i> pg:number, pg:heading, pg:lead, pg:index, pg:parent
//	<entity>     pg:kind, pg:name, pg:alias*, pg:category, pg:level, pg:code, pg:pinyin,
//	             pg:english, pg:parent <place>, pg:member <place>*, pg:type, pg:metric,
//	             pg:value, pg:unit, pg:comparator, pg:year
//	<entity>     <pg:rel/RELATION> <entity>   (one direct edge per stated From-Relation-To)
//	<fact/h>     pg:to <entity>; pg:factRecord "from⇥RELATION⇥to⇥via⇥inferred⇥rule⇥<sentence>⇥start⇥end"
//	<mention/h>  pg:entity <entity>; pg:mentionRecord "entity⇥stage⇥cue⇥year⇥<sentence>⇥start⇥end"
//	<sentence/k/p/s> pg:sentenceRecord "document⇥section⇥paragraph⇥sentence⇥text⇥sentenceStart"
//
// A fact, a mention and an evidence sentence are each one record literal
// (tab-separated fields, see record) rather than a quad per attribute: a fact
// costs four quads (its record, pg:to, the direct edge and the document's
// pg:has) instead of about ten, which is what loading and opening a store
// cost in proportion to. The links a walk in Cayley needs stay quads: the
// direct edges between entities, pg:to from a fact to its To, pg:entity from
// a mention to its entity. Layout 1 (a quad per attribute, pg:from) is
// refused at Open with ErrOldLayout.
//
// Zero values are not written; aliases and members are sets (read back
// sorted). An entity a document refers to without listing it gets its
// pg:kind under the document's label, so it lives as long as the document.
// A document's quads are found without a label scan: its node lists every
// subject it wrote (pg:has), and each subject's quads are read through the
// [S,P] index and filtered by label.
var (
	pKind       = quad.IRI("pg:kind")
	pName       = quad.IRI("pg:name")
	pAlias      = quad.IRI("pg:alias")
	pCategory   = quad.IRI("pg:category")
	pLevel      = quad.IRI("pg:level")
	pCode       = quad.IRI("pg:code")
	pPinyin     = quad.IRI("pg:pinyin")
	pEnglish    = quad.IRI("pg:english")
	pLonLat     = quad.IRI("pg:lonlat") // "lon lat", WGS 84 degrees
	pParent     = quad.IRI("pg:parent")
	pMember     = quad.IRI("pg:member")
	pType       = quad.IRI("pg:type")
	pMetric     = quad.IRI("pg:metric")
	pValue      = quad.IRI("pg:value")
	pUnit       = quad.IRI("pg:unit")
	pComparator = quad.IRI("pg:comparator")
	pYear       = quad.IRI("pg:year")

	pTitle    = quad.IRI("pg:title")
	pIssuer   = quad.IRI("pg:issuer")
	pPlace    = quad.IRI("pg:place")
	pSource   = quad.IRI("pg:source")
	pHash     = quad.IRI("pg:hash")
	pEncoding = quad.IRI("pg:encoding")
	pChars    = quad.IRI("pg:chars")
	pProtect  = quad.IRI("pg:protected")
	pSection  = quad.IRI("pg:section")
	pHas      = quad.IRI("pg:has")

	pNumber  = quad.IRI("pg:number")
	pHeading = quad.IRI("pg:heading")
	pLead    = quad.IRI("pg:lead")
	pIndex   = quad.IRI("pg:index")

	pTo         = quad.IRI("pg:to")
	pFactRec    = quad.IRI("pg:factRecord")
	pEntity     = quad.IRI("pg:entity")
	pMentionRec = quad.IRI("pg:mentionRecord")
	pSentRec    = quad.IRI("pg:sentenceRecord")

	// pOldFrom is a predicate only layout 1 wrote (one per fact).
	pOldFrom = quad.IRI("pg:from")
)

// entityPreds are the predicates of entity attributes (and a document's
// title, its name as an entity).
var entityPreds = []quad.Value{pKind, pName, pAlias, pCategory, pLevel, pCode, pPinyin, pEnglish, pParent,
	pMember, pType, pMetric, pValue, pUnit, pComparator, pYear, pTitle, pLonLat}

// isEntityPred tells the predicates of entityPreds.
var isEntityPred = func() map[quad.Value]bool {
	m := make(map[quad.Value]bool, len(entityPreds))
	for _, p := range entityPreds {
		m[p] = true
	}
	return m
}()

// RelationPredicate returns the IRI of the direct edge predicate written for
// every fact of relation r, e.g. "pg:rel/LOCATED_IN". Walks through Cayley's
// own path API follow these.
func RelationPredicate(r Relation) string { return "pg:rel/" + string(r) }

const (
	factPrefix    = "fact/"
	mentionPrefix = "mention/"
)

// hashID returns prefix followed by 16 hex digits of the SHA-256 of parts.
func hashID(prefix string, parts ...string) string {
	return prefix + fmt.Sprintf("%016x", hash64(parts...))
}

func hash64(parts ...string) uint64 {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var sum [sha256.Size]byte
	return binary.BigEndian.Uint64(h.Sum(sum[:0]))
}

// parseHashID returns the 64-bit hash of an ID made by hashID.
func parseHashID(prefix, id string) (uint64, bool) {
	h, ok := strings.CutPrefix(id, prefix)
	if !ok || len(h) != 16 {
		return 0, false
	}
	n, err := strconv.ParseUint(h, 16, 64)
	return n, err == nil
}

func factID(doc string, f *Fact) string {
	return hashID(factPrefix, doc, f.From, string(f.Relation), f.To, f.Via,
		strconv.Itoa(f.Evidence.Start), strconv.Itoa(f.Evidence.End))
}

func mentionID(doc string, m *Mention) string {
	return hashID(mentionPrefix, doc, m.Entity, string(m.Stage), m.Cue,
		strconv.Itoa(m.Evidence.Start), strconv.Itoa(m.Evidence.End))
}

// docKey is the part of a document ID after "document/", used in the IDs of
// the nodes that belong to it.
func docKey(id string) string {
	if k, ok := strings.CutPrefix(id, "document/"); ok {
		return k
	}
	return id
}

func sectionIRI(doc string, index int) quad.IRI {
	return quad.IRI("section/" + docKey(doc) + "/" + strconv.Itoa(index))
}

// encoded is a DocumentGraph turned into quads.
type encoded struct {
	doc      string
	label    quad.String
	quads    []quad.Quad
	facts    []factEdge // the facts, with their IDs
	external []extRef   // IDs referred to that the graph does not list: must be stored already
}

// extRef is a reference from a document graph to an entity it does not list.
type extRef struct {
	id, what string // what refers to it, for error messages
}

// factEdge is what the index needs to know of a fact.
type factEdge struct {
	id            string
	from, to, via string
	relation      Relation
	hash          uint64
}

// encode validates g on its own and returns its quads. References to IDs the
// graph does not list are returned in external for the caller to check.
func encode(g *DocumentGraph) (*encoded, error) {
	if g == nil {
		return nil, fmt.Errorf("nil document graph")
	}
	d := &g.Document
	if d.ID == "" {
		return nil, fmt.Errorf("document has no ID")
	}
	if d.Hash == "" {
		return nil, fmt.Errorf("document %s has no hash", d.ID)
	}
	e := &encoded{doc: d.ID, label: quad.String(d.ID)}
	seen := make(map[quad.Quad]struct{})
	subjects := make(map[quad.IRI]struct{})
	var order []quad.IRI // subjects in first-written order, for pg:has
	add := func(s quad.IRI, p quad.IRI, o quad.Value) {
		q := quad.Quad{Subject: s, Predicate: p, Object: o, Label: e.label}
		if _, ok := seen[q]; ok {
			return
		}
		seen[q] = struct{}{}
		e.quads = append(e.quads, q)
		if _, ok := subjects[s]; !ok {
			subjects[s] = struct{}{}
			order = append(order, s)
		}
	}
	str := func(s, p quad.IRI, v string) {
		if v != "" {
			add(s, p, quad.String(v))
		}
	}
	num := func(s, p quad.IRI, v int) {
		if v != 0 {
			add(s, p, quad.Int(v))
		}
	}

	// The document node.
	dn := quad.IRI(d.ID)
	add(dn, pKind, quad.String(KindDocument))
	str(dn, pTitle, d.Title)
	num(dn, pYear, d.Year)
	str(dn, pIssuer, d.Issuer)
	if d.Place != "" {
		add(dn, pPlace, quad.IRI(d.Place))
	}
	str(dn, pSource, d.Source)
	str(dn, pHash, d.Hash)
	str(dn, pEncoding, d.Encoding)
	num(dn, pChars, d.Chars)
	if d.Protected {
		add(dn, pProtect, quad.Int(1))
	}
	sectionSeen := make(map[int]bool)
	for _, s := range d.Sections {
		if sectionSeen[s.Index] {
			return nil, fmt.Errorf("document %s: section index %d used twice", d.ID, s.Index)
		}
		sectionSeen[s.Index] = true
		sn := sectionIRI(d.ID, s.Index)
		add(dn, pSection, sn)
		str(sn, pNumber, s.Number)
		str(sn, pHeading, s.Heading)
		str(sn, pLead, s.Lead)
		add(sn, pIndex, quad.Int(s.Index))
		add(sn, pParent, quad.Int(s.Parent))
	}

	// Entities.
	// Documents listed as entities are not written from the list: this
	// document is written from g.Document, others must be stored already.
	listed := make(map[string]Kind, len(g.Entities)+1)
	listed[d.ID] = KindDocument
	var ents []*Entity
	var otherDocs []string
	for i := range g.Entities {
		en := &g.Entities[i]
		if en.ID == "" {
			return nil, fmt.Errorf("document %s: entity %d (%q) has no ID", d.ID, i, en.Name)
		}
		k := en.Kind
		if k == "" {
			k = KindOf(en.ID)
		}
		if !knownKind(k) {
			return nil, fmt.Errorf("document %s: entity %s has unknown kind %q", d.ID, en.ID, en.Kind)
		}
		if k == KindDocument {
			if en.ID != d.ID {
				otherDocs = append(otherDocs, en.ID)
			}
			continue
		}
		if _, dup := listed[en.ID]; dup {
			return nil, fmt.Errorf("document %s: entity %s listed twice", d.ID, en.ID)
		}
		listed[en.ID] = k
		ents = append(ents, en)
	}
	var external []extRef
	externalSeen := make(map[string]bool)
	ref := func(what, id string) {
		if _, ok := listed[id]; ok || externalSeen[id] {
			return
		}
		externalSeen[id] = true
		external = append(external, extRef{id: id, what: what})
	}
	for _, id := range otherDocs {
		ref("the entity list", id)
	}
	for _, en := range ents {
		s := quad.IRI(en.ID)
		add(s, pKind, quad.String(listed[en.ID]))
		str(s, pName, en.Name)
		for _, a := range en.Aliases {
			if a != en.Name {
				str(s, pAlias, a)
			}
		}
		str(s, pCategory, string(en.Category))
		str(s, pLevel, string(en.Level))
		str(s, pCode, en.Code)
		str(s, pPinyin, en.Pinyin)
		str(s, pEnglish, en.English)
		if en.Located() {
			str(s, pLonLat, formatLonLat(en.Lon, en.Lat))
		}
		if en.Parent != "" {
			ref("parent of "+en.ID, en.Parent)
			add(s, pParent, quad.IRI(en.Parent))
		}
		for _, m := range en.Members {
			if m == "" {
				return nil, fmt.Errorf("document %s: entity %s has an empty member", d.ID, en.ID)
			}
			ref("member of "+en.ID, m)
			add(s, pMember, quad.IRI(m))
		}
		str(s, pType, en.Type)
		str(s, pMetric, en.Metric)
		if en.Value != 0 || listed[en.ID] == KindTarget {
			add(s, pValue, quad.Float(en.Value))
		}
		str(s, pUnit, en.Unit)
		str(s, pComparator, en.Comparator)
		num(s, pYear, en.Year)
	}

	// Evidence sentences: one node per (paragraph, sentence) of this
	// document, shared by the facts and mentions that cite it.
	type sentKey struct{ p, s int }
	sentences := make(map[sentKey]Evidence)
	sentenceNode := func(ev *Evidence) (quad.IRI, bool) {
		if ev.Document == "" && ev.Section == "" && ev.Text == "" && ev.Paragraph == 0 && ev.Sentence == 0 {
			return "", false
		}
		base := "sentence/" + docKey(d.ID) + "/" + strconv.Itoa(ev.Paragraph) + "/" + strconv.Itoa(ev.Sentence)
		k := sentKey{ev.Paragraph, ev.Sentence}
		n := quad.IRI(base)
		if prev, ok := sentences[k]; ok && !sameSentence(&prev, ev) {
			// Two different sentences under one number: keep them apart.
			n = quad.IRI(base + "~" + fmt.Sprintf("%08x", uint32(hash64(ev.Document, ev.Section, ev.Text, strconv.Itoa(ev.SentenceStart)))))
		} else if !ok {
			sentences[k] = *ev
		}
		add(n, pSentRec, quad.String(record(ev.Document, ev.Section, itoa(ev.Paragraph), itoa(ev.Sentence), ev.Text,
			itoa(ev.SentenceStart))))
		return n, true
	}
	// sentenceOf returns the IRI of the sentence node for ev, "" if none.
	sentenceOf := func(ev *Evidence) string {
		n, _ := sentenceNode(ev)
		return string(n)
	}

	// Facts.
	factSeen := make(map[string]bool)
	for i := range g.Facts {
		f := &g.Facts[i]
		if f.From == "" || f.To == "" {
			return nil, fmt.Errorf("document %s: fact %d (%s) has an empty end", d.ID, i, f.Relation)
		}
		if relCode(f.Relation) == 0 {
			return nil, fmt.Errorf("document %s: fact %d has unknown relation %q", d.ID, i, f.Relation)
		}
		what := fmt.Sprintf("fact %d (%s %s %s)", i, f.From, f.Relation, f.To)
		ref(what, f.From)
		ref(what, f.To)
		if f.Via != "" {
			ref(what+" via", f.Via)
		}
		id := factID(d.ID, f)
		if factSeen[id] {
			continue // the same fact stated twice at the same place
		}
		factSeen[id] = true
		h, _ := parseHashID(factPrefix, id)
		e.facts = append(e.facts, factEdge{id: id, from: f.From, to: f.To, via: f.Via, relation: f.Relation, hash: h})
		s := quad.IRI(id)
		add(s, pTo, quad.IRI(f.To))
		add(s, pFactRec, quad.String(record(f.From, string(f.Relation), f.To, f.Via, boolField(f.Inferred), f.Rule,
			sentenceOf(&f.Evidence), itoa(f.Evidence.Start), itoa(f.Evidence.End))))
		add(quad.IRI(f.From), quad.IRI(RelationPredicate(f.Relation)), quad.IRI(f.To))
	}

	// Mentions.
	for i := range g.Mentions {
		m := &g.Mentions[i]
		if m.Entity == "" {
			return nil, fmt.Errorf("document %s: mention %d has no entity", d.ID, i)
		}
		if m.Stage != "" && StageRank(m.Stage) == 0 {
			return nil, fmt.Errorf("document %s: mention of %s has unknown stage %q", d.ID, m.Entity, m.Stage)
		}
		ref(fmt.Sprintf("mention %d", i), m.Entity)
		s := quad.IRI(mentionID(d.ID, m))
		add(s, pEntity, quad.IRI(m.Entity))
		add(s, pMentionRec, quad.String(record(m.Entity, string(m.Stage), m.Cue, itoa(m.Year),
			sentenceOf(&m.Evidence), itoa(m.Evidence.Start), itoa(m.Evidence.End))))
	}

	// Entities referred to but not listed keep at least their kind under
	// this label, so they live as long as this document does.
	for _, r := range external {
		if k := KindOf(r.id); k != "" && k != KindDocument {
			add(quad.IRI(r.id), pKind, quad.String(k))
		}
	}
	e.external = external

	// pg:has lists every subject but the document itself.
	for _, s := range order {
		if s != dn {
			add(dn, pHas, s)
		}
	}
	return e, nil
}

func sameSentence(a, b *Evidence) bool {
	return a.Document == b.Document && a.Section == b.Section && a.Text == b.Text && a.SentenceStart == b.SentenceStart
}

func knownKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// ---- decoding ----

// byLabel splits the quads of one subject by label, labels sorted.
func byLabel(qs []quad.Quad) (labels []string, groups map[string][]quad.Quad) {
	groups = make(map[string][]quad.Quad)
	for _, q := range qs {
		l := labelOf(q)
		if _, ok := groups[l]; !ok {
			labels = append(labels, l)
		}
		groups[l] = append(groups[l], q)
	}
	sort.Strings(labels)
	return labels, groups
}

func labelOf(q quad.Quad) string {
	if s, ok := q.Label.(quad.String); ok {
		return string(s)
	}
	if q.Label == nil {
		return ""
	}
	return quad.ToString(q.Label)
}

func valString(v quad.Value) string {
	switch v := v.(type) {
	case quad.String:
		return string(v)
	case quad.IRI:
		return string(v)
	case nil:
		return ""
	}
	return quad.ToString(v)
}

func valInt(v quad.Value) int {
	switch v := v.(type) {
	case quad.Int:
		return int(v)
	case quad.Float:
		return int(v)
	}
	n, _ := strconv.Atoi(valString(v))
	return n
}

// formatLonLat writes a point as pg:lonlat stores it: "lon lat", with
// the fewest digits that read back the same float64s.
func formatLonLat(lon, lat float64) string {
	return strconv.FormatFloat(lon, 'f', -1, 64) + " " + strconv.FormatFloat(lat, 'f', -1, 64)
}

// parseLonLat reads a pg:lonlat value; anything else gives 0, 0 (not located).
func parseLonLat(s string) (lon, lat float64) {
	a, b, ok := strings.Cut(s, " ")
	if !ok {
		return 0, 0
	}
	lon, err1 := strconv.ParseFloat(a, 64)
	lat, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return 0, 0
	}
	return lon, lat
}

func valFloat(v quad.Value) float64 {
	switch v := v.(type) {
	case quad.Float:
		return float64(v)
	case quad.Int:
		return float64(v)
	}
	f, _ := strconv.ParseFloat(valString(v), 64)
	return f
}

// mergeEntity builds the entity id from the quads that have it as subject,
// merging documents in label order: aliases and members are unioned (and
// sorted), the first non-empty value wins for scalars. It returns nil if no
// label gives the entity a kind, and the labels that do.
func mergeEntity(id string, qs []quad.Quad) (*Entity, []string) {
	return mergeOf(id, qs).entity()
}

// mergeOf merges the quads that have id as subject, label by label.
func mergeOf(id string, qs []quad.Quad) *merge {
	m := newMerge(id)
	labels, groups := byLabel(qs)
	for _, l := range labels {
		m.add(l, groups[l])
	}
	return m
}

// The scalar fields a merge keeps, each with the label that gave it.
const (
	mKind = iota
	mName
	mCategory
	mLevel
	mCode
	mPinyin
	mEnglish
	mParent
	mType
	mMetric
	mUnit
	mComparator
	mValue // vals[mValue] unused: value holds it
	mYear  // likewise: year
	mLonLat
	nMerged
)

// merge is an entity's merged state, built one label at a time in any
// order: a scalar comes from the smallest label that has it (within a label,
// from its first quad), aliases and members are unions, docs are the labels
// that list the entity. It gives the same entity as merging every quad at
// once, so the entity cache keeps a merge instead of the quads: adding a
// document costs its own quads, not the entity's whole history.
type merge struct {
	id      string
	vals    [nMerged]string
	from    [nMerged]string // label that gave vals[f]
	has     [nMerged]bool
	value   float64
	year    int
	aliases map[string]bool // Name included: entity leaves it out
	members map[string]bool
	docs    []string // sorted
}

func newMerge(id string) *merge { return &merge{id: id} }

// add merges the quads of label l (all with l as label). l must not have
// been added before.
func (m *merge) add(l string, qs []quad.Quad) {
	var p merge
	listed := false
	setS := func(f int, v quad.Value) {
		if !p.has[f] {
			if s := valString(v); s != "" {
				p.vals[f], p.has[f] = s, true
			}
		}
	}
	for _, q := range qs {
		pr, _ := q.Predicate.(quad.IRI)
		switch pr {
		case pKind:
			listed = true
			setS(mKind, q.Object)
		case pName:
			setS(mName, q.Object)
		case pTitle:
			if l == m.id { // a document's name is its title
				setS(mName, q.Object)
			}
		case pAlias:
			if m.aliases == nil {
				m.aliases = make(map[string]bool)
			}
			m.aliases[valString(q.Object)] = true
		case pCategory:
			setS(mCategory, q.Object)
		case pLevel:
			setS(mLevel, q.Object)
		case pCode:
			setS(mCode, q.Object)
		case pPinyin:
			setS(mPinyin, q.Object)
		case pEnglish:
			setS(mEnglish, q.Object)
		case pLonLat:
			setS(mLonLat, q.Object)
		case pParent:
			if _, ok := q.Object.(quad.IRI); ok {
				setS(mParent, q.Object)
			}
		case pMember:
			if m.members == nil {
				m.members = make(map[string]bool)
			}
			m.members[valString(q.Object)] = true
		case pType:
			setS(mType, q.Object)
		case pMetric:
			setS(mMetric, q.Object)
		case pValue:
			if !p.has[mValue] {
				p.value, p.has[mValue] = valFloat(q.Object), true
			}
		case pUnit:
			setS(mUnit, q.Object)
		case pComparator:
			setS(mComparator, q.Object)
		case pYear:
			if !p.has[mYear] {
				if y := valInt(q.Object); y != 0 {
					p.year, p.has[mYear] = y, true
				}
			}
		}
	}
	for f := range nMerged {
		if p.has[f] && (!m.has[f] || l < m.from[f]) {
			m.vals[f], m.from[f], m.has[f] = p.vals[f], l, true
			switch f {
			case mValue:
				m.value = p.value
			case mYear:
				m.year = p.year
			}
		}
	}
	if listed {
		i, _ := slices.BinarySearch(m.docs, l)
		m.docs = slices.Insert(m.docs, i, l)
	}
}

// entity returns the merged entity, or nil if no label gave it a kind, and
// the labels that list it (none for a document).
func (m *merge) entity() (*Entity, []string) {
	if !m.has[mKind] {
		return nil, nil
	}
	e := &Entity{ID: m.id, Kind: canonKind(Kind(m.vals[mKind])), Name: m.vals[mName],
		Category: Category(intern(m.vals[mCategory])), Level: PlaceLevel(intern(m.vals[mLevel])),
		Code: m.vals[mCode], Pinyin: m.vals[mPinyin], English: m.vals[mEnglish], Parent: m.vals[mParent],
		Type: m.vals[mType], Metric: m.vals[mMetric], Value: m.value, Unit: m.vals[mUnit],
		Comparator: m.vals[mComparator], Year: m.year}
	e.Lon, e.Lat = parseLonLat(m.vals[mLonLat])
	e.Aliases = sortedKeysExcept(m.aliases, e.Name)
	e.Members = sortedKeys(m.members)
	if e.Kind == KindDocument {
		return e, nil
	}
	return e, slices.Clone(m.docs)
}

// size is what the merge counts against the entity cache's bound.
func (m *merge) size() int { return 1 + len(m.aliases) + len(m.members) + len(m.docs) }

func sortedKeysExcept(m map[string]bool, skip string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != skip {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// interned holds the enumerated strings so that values decoded from the
// store share their bytes.
var interned = func() map[string]string {
	m := make(map[string]string)
	for _, k := range Kinds {
		m[string(k)] = string(k)
	}
	for _, s := range Stages {
		m[string(s)] = string(s)
	}
	for _, r := range Relations {
		m[string(r)] = string(r)
	}
	for _, c := range []Category{CategoryRail, CategoryRoad, CategoryAviation, CategoryWater, CategoryCorridor,
		CategoryIndustrialBelt, CategoryZone, CategoryCentre, CategoryPlatform, CategoryAction, CategoryEvent,
		CategoryReform, CategoryPilot, CategoryFacility, CategoryDistrict, CategoryOther} {
		m[string(c)] = string(c)
	}
	for _, l := range []PlaceLevel{LevelCountry, LevelProvince, LevelPrefecture, LevelCounty, LevelNewArea, LevelRegion} {
		m[string(l)] = string(l)
	}
	return m
}()

func intern(s string) string {
	if c, ok := interned[s]; ok {
		return c
	}
	return s
}

func canonKind(k Kind) Kind { return Kind(intern(string(k))) }

// mentionRec is what stage computation needs of a mention.
type mentionRec struct {
	doc   string
	year  int
	stage Stage
}

// latestStage returns the stage of the latest mention: greatest year, then
// greatest document ID, then greatest StageRank. Mentions without a stage
// are ignored.
func latestStage(ms []mentionRec) Stage {
	var best mentionRec
	for _, m := range ms {
		best = laterMention(best, m)
	}
	return Stage(intern(string(best.stage)))
}

// laterMention returns whichever of a and b gives an initiative its stage:
// a mention with a stage over one without, then greatest year, then
// greatest document, then most advanced stage.
func laterMention(a, b mentionRec) mentionRec {
	if b.stage != "" && (a.stage == "" || b.year > a.year || b.year == a.year &&
		(b.doc > a.doc || b.doc == a.doc && StageRank(b.stage) > StageRank(a.stage))) {
		return b
	}
	return a
}

// ---- records ----

// record joins fields into one record literal: fields separated by tabs,
// with backslash, tab, line feed and carriage return escaped in each.
func record(fields ...string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('\t')
		}
		if !strings.ContainsAny(f, "\\\t\n\r") {
			b.WriteString(f)
			continue
		}
		for i := 0; i < len(f); i++ {
			switch c := f[i]; c {
			case '\\':
				b.WriteString(`\\`)
			case '\t':
				b.WriteString(`\t`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// fields splits a record into n fields; it returns false if the record
// does not have n.
func fields(rec string, n int) ([]string, bool) {
	fs := strings.SplitN(rec, "\t", n+1)
	if len(fs) != n {
		return nil, false
	}
	for i, f := range fs {
		if strings.IndexByte(f, '\\') >= 0 {
			fs[i] = unescapeField(f)
		}
	}
	return fs, true
}

func unescapeField(f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '\\' || i+1 == len(f) {
			b.WriteByte(c)
			continue
		}
		i++
		switch f[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// recordOf returns the record literal of the first quad of qs with
// predicate p, and that quad's label.
func recordOf(qs []quad.Quad, p quad.IRI) (rec, label string, ok bool) {
	for _, q := range qs {
		if q.Predicate == p {
			return valString(q.Object), labelOf(q), true
		}
	}
	return "", "", false
}

// decodeFact reads a fact node's quads. The evidence sentence is returned as
// an IRI for the caller to resolve.
func decodeFact(id string, qs []quad.Quad) (*Fact, quad.IRI, string) {
	rec, doc, ok := recordOf(qs, pFactRec)
	if !ok {
		return nil, "", ""
	}
	f, sent, ok := parseFactRecord(id, rec)
	if !ok {
		return nil, "", ""
	}
	return f, sent, doc
}

// parseFactRecord decodes a pg:factRecord literal.
func parseFactRecord(id, rec string) (*Fact, quad.IRI, bool) {
	fs, ok := fields(rec, 9)
	if !ok || fs[0] == "" {
		return nil, "", false
	}
	f := &Fact{ID: id, From: fs[0], Relation: Relation(intern(fs[1])), To: fs[2], Via: fs[3],
		Inferred: fs[4] == "1", Rule: fs[5]}
	f.Evidence.Start, f.Evidence.End = atoi(fs[7]), atoi(fs[8])
	return f, quad.IRI(fs[6]), true
}

// decodeMention reads a mention node's quads.
func decodeMention(qs []quad.Quad) (*Mention, quad.IRI, string) {
	rec, doc, ok := recordOf(qs, pMentionRec)
	if !ok {
		return nil, "", ""
	}
	fs, ok := fields(rec, 7)
	if !ok || fs[0] == "" {
		return nil, "", ""
	}
	m := &Mention{Entity: fs[0], Stage: Stage(intern(fs[1])), Cue: fs[2], Year: atoi(fs[3])}
	m.Evidence.Start, m.Evidence.End = atoi(fs[5]), atoi(fs[6])
	return m, quad.IRI(fs[4]), doc
}

// recordSentence returns the sentence IRI a fact or mention record cites,
// "" if none or if q is not such a record.
func recordSentence(q quad.Quad) quad.IRI {
	var n, at int
	switch q.Predicate {
	case pFactRec:
		n, at = 9, 6
	case pMentionRec:
		n, at = 7, 4
	default:
		return ""
	}
	fs, ok := fields(valString(q.Object), n)
	if !ok {
		return ""
	}
	return quad.IRI(fs[at])
}

// fillSentence copies a sentence node's fields into ev.
func fillSentence(ev *Evidence, qs []quad.Quad) {
	rec, _, ok := recordOf(qs, pSentRec)
	if !ok {
		return
	}
	fs, ok := fields(rec, 6)
	if !ok {
		return
	}
	ev.Document, ev.Section, ev.Paragraph, ev.Sentence, ev.Text = fs[0], fs[1], atoi(fs[2]), atoi(fs[3]), fs[4]
	ev.SentenceStart = atoi(fs[5])
}

// documentPreds are the predicates decodeDocument reads. A document is the
// subject of many more quads (one per sentence and mention it holds, on a
// report of the generated corpus thousands); reading only these skips
// resolving the others' values, which made the first document list on a
// cold store of 200 reports take seconds.
var documentPreds = []quad.Value{pKind, pTitle, pYear, pIssuer, pPlace, pSource, pHash, pEncoding, pChars, pProtect, pSection}

// sectionPreds are the predicates decodeSection reads.
var sectionPreds = []quad.Value{pNumber, pHeading, pLead, pIndex, pParent}

// decodeDocument reads a document node's own quads (those under its label).
// It returns nil if they do not make a document; sections are the IRIs of
// its section nodes.
func decodeDocument(id string, qs []quad.Quad) (*Document, []quad.Value) {
	d := &Document{ID: id}
	var sections []quad.Value
	found := false
	for _, q := range qs {
		if labelOf(q) != id {
			continue
		}
		p, _ := q.Predicate.(quad.IRI)
		switch p {
		case pKind:
			found = valString(q.Object) == string(KindDocument)
		case pTitle:
			d.Title = valString(q.Object)
		case pYear:
			d.Year = valInt(q.Object)
		case pIssuer:
			d.Issuer = valString(q.Object)
		case pPlace:
			d.Place = valString(q.Object)
		case pSource:
			d.Source = valString(q.Object)
		case pHash:
			d.Hash = valString(q.Object)
		case pEncoding:
			d.Encoding = valString(q.Object)
		case pChars:
			d.Chars = valInt(q.Object)
		case pProtect:
			d.Protected = valInt(q.Object) != 0
		case pSection:
			sections = append(sections, q.Object)
		}
	}
	if !found {
		return nil, nil
	}
	return d, sections
}

func decodeSection(qs []quad.Quad) Section {
	var s Section
	for _, q := range qs {
		p, _ := q.Predicate.(quad.IRI)
		switch p {
		case pNumber:
			s.Number = valString(q.Object)
		case pHeading:
			s.Heading = valString(q.Object)
		case pLead:
			s.Lead = valString(q.Object)
		case pIndex:
			s.Index = valInt(q.Object)
		case pParent:
			s.Parent = valInt(q.Object)
		}
	}
	return s
}
