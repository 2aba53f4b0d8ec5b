package graph

import (
	"path/filepath"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kind is the kind of an entity in the graph.
type Kind string

// The entity kinds. Their string values are the GraphQL EntityKind values.
const (
	KindInitiative Kind = "INITIATIVE"
	KindPlace      Kind = "PLACE"
	KindBody       Kind = "BODY"
	KindProgramme  Kind = "PROGRAMME"
	KindTarget     Kind = "TARGET"
	KindDocument   Kind = "DOCUMENT"
)

// Kinds lists every entity kind in a stable order.
var Kinds = []Kind{KindInitiative, KindPlace, KindBody, KindProgramme, KindTarget, KindDocument}

// Stage is how far an initiative has come, as one mention states it.
type Stage string

// The stages, from the earliest to the latest.
const (
	StageProposed          Stage = "PROPOSED"           // 谋划, 储备, 研究
	StageBidding           Stage = "BIDDING"            // 争创, 争取, 申报, 创建
	StagePlanning          Stage = "PLANNING"           // 前期工作, 规划
	StageStarting          Stage = "STARTING"           // 启动建设, 开工
	StageUnderConstruction Stage = "UNDER_CONSTRUCTION" // 加快建设, 推进建设, 续建
	StageOngoing           Stage = "ONGOING"            // 深化, 持续, 推进, 实施
	StageCompleted         Stage = "COMPLETED"          // 建成, 完成, 投运
)

// Stages lists every stage in order of progress.
var Stages = []Stage{StageProposed, StageBidding, StagePlanning, StageStarting, StageUnderConstruction, StageOngoing, StageCompleted}

// Category is the sort of thing an initiative is.
type Category string

// The initiative categories.
const (
	CategoryRail           Category = "RAIL"
	CategoryRoad           Category = "ROAD"
	CategoryAviation       Category = "AVIATION"
	CategoryWater          Category = "WATER"
	CategoryCorridor       Category = "CORRIDOR"
	CategoryIndustrialBelt Category = "INDUSTRIAL_BELT"
	CategoryZone           Category = "ZONE"
	CategoryCentre         Category = "CENTRE"
	CategoryPlatform       Category = "PLATFORM"
	CategoryAction         Category = "ACTION"
	CategoryEvent          Category = "EVENT"
	CategoryReform         Category = "REFORM"
	CategoryPilot          Category = "PILOT"
	CategoryFacility       Category = "FACILITY"
	CategoryDistrict       Category = "DISTRICT"
	CategoryOther          Category = "OTHER"
)

// PlaceLevel is the administrative level of a place.
type PlaceLevel string

// The place levels.
const (
	LevelCountry    PlaceLevel = "COUNTRY"
	LevelProvince   PlaceLevel = "PROVINCE"
	LevelPrefecture PlaceLevel = "PREFECTURE"
	LevelCounty     PlaceLevel = "COUNTY"
	LevelNewArea    PlaceLevel = "NEW_AREA"
	LevelRegion     PlaceLevel = "REGION"
)

// Relation is the kind of an edge between two entities.
type Relation string

// The relations. Edges are directed From -> To as commented.
const (
	RelLocatedIn      Relation = "LOCATED_IN"      // initiative -> place it lies in
	RelConnects       Relation = "CONNECTS"        // initiative -> a place it links to others
	RelPartOf         Relation = "PART_OF"         // place -> place that contains it; initiative -> initiative
	RelUnderProgramme Relation = "UNDER_PROGRAMME" // initiative -> programme
	RelLeads          Relation = "LEADS"           // body -> initiative
	RelCoBuilds       Relation = "CO_BUILDS"       // body -> initiative
	RelCoordinates    Relation = "COORDINATES"     // body -> initiative
	RelHasTarget      Relation = "HAS_TARGET"      // initiative or body -> target
	RelCooperates     Relation = "COOPERATES_WITH" // body -> body
	RelIssuedBy       Relation = "ISSUED_BY"       // document -> body
	RelAbout          Relation = "ABOUT"           // document -> place it governs
)

// Relations lists every relation in a stable order.
var Relations = []Relation{RelLocatedIn, RelConnects, RelPartOf, RelUnderProgramme, RelLeads, RelCoBuilds,
	RelCoordinates, RelHasTarget, RelCooperates, RelIssuedBy, RelAbout}

// IsBodyRole reports whether r is one of the roles a body plays for an initiative.
func (r Relation) IsBodyRole() bool {
	return r == RelLeads || r == RelCoBuilds || r == RelCoordinates
}

// Entity is one node of the graph. Which fields are set depends on Kind; the
// zero value of a field that does not apply is left alone.
type Entity struct {
	ID      string   // stable, readable identifier, see EntityID
	Kind    Kind     //
	Name    string   // canonical name
	Aliases []string // other surface forms, without Name

	// Initiative
	Category Category
	Stage    Stage // latest stage over all mentions, filled on read

	// Place
	Level   PlaceLevel
	Code    string // GB/T 2260 code
	Pinyin  string
	English string
	Parent  string   // ID of the containing place
	Members []string // IDs of member places, for regions
	Lon     float64  // WGS 84 longitude of the place's seat (east); Lon and Lat are 0 when unknown
	Lat     float64  // WGS 84 latitude of the place's seat (north)

	// Body and Programme
	Type string // e.g. "agency", "council", "international", "agreement", "plan"

	// Target
	Metric     string
	Value      float64
	Unit       string
	Comparator string // ">=", ">", "=", "<=", "<"
	Year       int
}

// Located reports whether the entity has coordinates (a place whose seat
// the gazetteer locates). No place of the gazetteer lies at 0° N 0° E.
func (e *Entity) Located() bool { return e.Lon != 0 || e.Lat != 0 }

// Document is one loaded policy document.
type Document struct {
	ID       string
	Title    string
	Year     int
	Issuer   string // name of the issuing body
	Place    string // ID of the place the document governs
	Source   string // file name it was loaded from
	Hash     string // sha256 of the normalised text
	Encoding string // encoding detected on read
	Chars    int    // length of the normalised text in runes
	Sections []Section
	// Protected documents (the gazetteer) hold what others refer to: the
	// Store neither removes them nor lets an unprotected graph replace them.
	Protected bool
}

// Section is a numbered part of a document.
type Section struct {
	Number  string // "一", "(二)", "第三章"
	Heading string
	Lead    string // lead phrase of a paragraph, when the section is a paragraph group
	Index   int    // order in the document, from 0
	Parent  int    // Index of the enclosing section, -1 at top level
}

// Evidence is the text that backs a fact: a sentence of a document and the
// character span (in runes, end exclusive, counted from the start of the
// normalised document) of the words that state it.
type Evidence struct {
	Document  string // document ID
	Section   string // section label, e.g. "(一) 合力谱写“双城记”"
	Paragraph int
	Sentence  int
	Start     int    // the cited span, in characters (runes) of the document's normalised text
	End       int    //
	Text      string // the whole sentence
	// SentenceStart is where Text starts in the document's text, so that
	// the span is Text[Start-SentenceStart : End-SentenceStart] (in runes).
	SentenceStart int
}

// Fact is one edge with its evidence. Facts of the same From, Relation and
// To from different sentences or documents are different facts of one edge.
type Fact struct {
	ID       string // filled by the Store
	From     string
	To       string
	Relation Relation
	Via      string // ID of the region through which the edge holds, if any
	Inferred bool   // true when no sentence states it, e.g. a sector rule
	Rule     string // the rule or table row that inferred it
	Evidence Evidence
}

// Mention is one appearance of an entity in a document, with the stage the
// governing verb gives it there.
type Mention struct {
	Entity   string
	Stage    Stage
	Cue      string // the verb that gave the stage
	Year     int    // year of the document
	Evidence Evidence
}

// DocumentGraph is everything loaders extract from one document: it is
// written to the Store whole, in one transaction.
type DocumentGraph struct {
	Document Document
	Entities []Entity // every entity the facts and mentions refer to
	Facts    []Fact
	Mentions []Mention
	Warnings []string
}

// DocumentID returns the ID a document loaded from a file with this name
// gets: its last element without the extension, as a Key. It is "document/"
// alone when nothing of the name is left. (The loaders build the ID this way;
// cmd/policygraph's tests check that they agree.)
func DocumentID(name string) string {
	base := filepath.Base(name)
	return EntityID(KindDocument, Key(strings.TrimSuffix(base, filepath.Ext(base))))
}

// Key returns the form of a name used to tell whether two names are the same
// thing: NFKC, no spaces, quotes or brackets, and optional bracketed words
// such as (郊) dropped, so 成资市域(郊)铁路 and 成资市域铁路 share a key.
func Key(name string) string {
	s := name
	if !nfkcStable(name) {
		s = norm.NFKC.String(name)
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[', '【', '〔':
			depth++
			continue
		case ')', ']', '】', '〕':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth > 0 {
			continue
		}
		if unicode.IsSpace(r) || strings.ContainsRune("\"'“”‘’「」『』《》〈〉·・", r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	if b.Len() == 0 { // a name that is all brackets keeps its content
		return strings.ToLower(strings.Join(strings.Fields(s), ""))
	}
	return b.String()
}

// EntityID returns the stable ID of an entity of kind k whose identity is key
// (a GB/T 2260 code for coded places, otherwise the Key of its name). IDs are
// readable: "place/510100", "initiative/成资市域铁路".
func EntityID(k Kind, key string) string {
	return strings.ToLower(string(k)) + "/" + key
}

// KindOf returns the kind encoded in an entity ID, or "" if id is not one.
func KindOf(id string) Kind {
	i := strings.IndexByte(id, '/')
	if i < 0 {
		return ""
	}
	k := Kind(strings.ToUpper(id[:i]))
	for _, known := range Kinds {
		if k == known {
			return k
		}
	}
	return ""
}

// StageRank orders stages by progress; unknown stages rank lowest.
func StageRank(s Stage) int {
	for i, x := range Stages {
		if x == s {
			return i + 1
		}
	}
	return 0
}

// nfkcStable reports whether NFKC leaves s as it is for certain: every rune
// is printable ASCII or a CJK unified ideograph, which NFKC neither
// decomposes nor composes (most names; Key skips the normalisation then).
func nfkcStable(s string) bool {
	for _, r := range s {
		if !(r >= 0x20 && r < 0x7F || r >= 0x4E00 && r <= 0x9FFF) {
			return false
		}
	}
	return true
}
