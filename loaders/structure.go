package loaders

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policygraph/policygraph/graph"
)

// Meta is what the command line may say about a document; empty fields are
// taken from the text or the file name.
type Meta struct {
	Title  string
	Year   int
	Issuer string
	Place  string // any name form of the place the document governs
}

// Doc is a document's structure: its metadata, sections, paragraphs,
// sentences and clauses, with rune offsets into the normalised text.
type Doc struct {
	Text       []rune
	Title      string
	Year       int
	Issuer     string
	Place      *Place
	Subjects   []*Place // the places the title is about, when it names several
	Sections   []graph.Section
	Paragraphs []Paragraph
	// Columns are the headings of a task table's columns (序号, 工作任务,
	// 牵头单位, 责任单位, 完成时限), from its header row; rows below it are
	// read cell by cell.
	Columns []string

	// str is Text as a string and off the byte offset in it of each rune
	// (and of the end), so that a span's text is a substring, not a copy
	str string
	off []int32
}

// span returns the text of d.Text[a:b]: a substring of the document's
// string without a copy when Structure made the document.
func (d *Doc) span(a, b int) string {
	if d.off == nil || len(d.off) != len(d.Text)+1 {
		return string(d.Text[a:b])
	}
	return d.str[d.off[a]:d.off[b]]
}

// Paragraph is one line of text.
type Paragraph struct {
	Index     int
	Section   int    // index into Doc.Sections of the innermost section, -1 before the first
	Lead      string // lead phrase, such as 合力谱写"双城记"
	Start     int
	End       int
	Sentences []Sentence
}

// Sentence is a run of text ending in 。！？ or the end of the paragraph.
type Sentence struct {
	Index   int // in the document
	Start   int
	End     int
	Clauses []Span // split at ，；：
}

// Span is a half-open range of runes of Doc.Text.
type Span struct{ Start, End int }

var (
	// Section markers at the start of a paragraph.
	reSectionParen   = regexp.MustCompile(`^\(([一二三四五六七八九十]+)\)`)
	reSectionDun     = regexp.MustCompile(`^([一二三四五六七八九十]+)、`)
	reSectionChapter = regexp.MustCompile(`^(第[一二三四五六七八九十百]+[章节篇])\s*`)
	reYear           = regexp.MustCompile(`(19[5-9]\d|20\d\d)`)
	titleWords       = []string{"报告", "规划", "纲要", "方案", "意见", "通知", "计划", "决定", "办法", "清单", "分解表", "任务表", "一览表", "要点", "工作安排", "公报"}
)

// Structure splits normalised text into sections, paragraphs, sentences and
// clauses, and finds the title, year, issuer and place from meta, the text's
// first line and the file name, in that order.
func Structure(gz *Gazetteer, file, text string, meta Meta) *Doc {
	d := &Doc{str: text}
	if len(text) < 1<<31-1 {
		// the runes and their offsets in one pass
		n := utf8.RuneCountInString(text)
		d.Text, d.off = make([]rune, 0, n), make([]int32, 0, n+1)
		for i, r := range text {
			d.Text = append(d.Text, r)
			d.off = append(d.off, int32(i))
		}
		d.off = append(d.off, int32(len(text)))
	} else {
		d.Text = []rune(text)
	}
	sentence := 0
	section := -1
	para := 0
	var level1 = -1 // index of the current top-level section
	start := 0
	for start <= len(d.Text) {
		end := start
		for end < len(d.Text) && d.Text[end] != '\n' {
			end++
		}
		lineStart, lineEnd := trimSpan(d.Text, start, end)
		if lineStart < lineEnd {
			line := d.span(lineStart, lineEnd)
			// the title is the first line, or one of the first three when a
			// web page puts a breadcrumb trail or a site name before it
			if strings.Contains(line, "\t") && isTableHeader(line) {
				d.Columns = strings.Split(line, "\t")
			}
			if para < 3 && d.Title == "" && section == -1 && looksLikeTitle(line) {
				d.Title = withoutSiteName(line)
			} else {
				p := Paragraph{Index: para, Start: lineStart, End: lineEnd}
				if num, rest, kind := sectionMarker(line); kind != 0 {
					heading := firstSentence(rest)
					s := graph.Section{Number: num, Heading: heading, Index: len(d.Sections), Parent: -1}
					if kind == 2 && level1 >= 0 { // (一) inside 一、 or 第一章
						s.Parent = level1
					}
					d.Sections = append(d.Sections, s)
					section = s.Index
					if kind == 1 {
						level1 = s.Index
					}
				} else if lead := firstSentence(line); isLead(lead, line) {
					p.Lead = strings.TrimRight(lead, "。.!！")
					parent := section
					d.Sections = append(d.Sections, graph.Section{Number: "", Heading: "", Lead: p.Lead,
						Index: len(d.Sections), Parent: parent})
					section = len(d.Sections) - 1
				}
				p.Section = section
				p.Sentences = splitSentences(d.Text, lineStart, lineEnd, &sentence)
				d.Paragraphs = append(d.Paragraphs, p)
				// a lead phrase opens a group of one paragraph: the next paragraph
				// returns to the enclosing numbered section.
				if p.Lead != "" {
					section = d.Sections[section].Parent
				}
			}
			para++
		}
		start = end + 1
	}
	d.meta(gz, file, meta)
	return d
}

func trimSpan(s []rune, i, j int) (int, int) {
	for i < j && unicode.IsSpace(s[i]) {
		i++
	}
	for j > i && unicode.IsSpace(s[j-1]) {
		j--
	}
	return i, j
}

func looksLikeTitle(line string) bool {
	if utf8.RuneCountInString(line) > 60 || strings.ContainsAny(line, "。，,；;") || isNavigation(line) {
		return false
	}
	for _, w := range titleWords {
		if strings.Contains(line, w) {
			return true
		}
	}
	return false
}

// isTableHeader reports whether a tab-separated line heads a task table: a
// cell names the body that leads or shares the work.
func isTableHeader(line string) bool {
	for cell := range strings.SplitSeq(line, "\t") {
		if columnRole(cell) != "" {
			return true
		}
	}
	return false
}

// columnRole is what a task table's column heading says of the bodies in
// its cells: lead (牵头单位), share (责任单位, 配合单位) or nothing.
func columnRole(heading string) graph.Relation {
	switch {
	case strings.Contains(heading, "牵头"), strings.Contains(heading, "主责"):
		return graph.RelLeads
	case strings.Contains(heading, "单位") || strings.Contains(heading, "部门"):
		for _, w := range []string{"责任", "配合", "协同", "参与", "协办"} {
			if strings.Contains(heading, w) {
				return graph.RelCoBuilds
			}
		}
	}
	return ""
}

// withoutSiteName drops the site name a web page's title carries after a
// separator: 2022年成都市政府工作报告_成都市人民政府 is 2022年成都市政府工作报告.
func withoutSiteName(title string) string {
	for _, sep := range []string{"_", "|", "｜", " - ", " — ", "——"} {
		if i := strings.Index(title, sep); i > 0 {
			before := strings.TrimSpace(title[:i])
			for _, w := range titleWords {
				if strings.Contains(before, w) {
					return before
				}
			}
		}
	}
	return title
}

// isNavigation reports whether a line is a web page's breadcrumb trail
// (首页 > 政务公开 > 政府工作报告, 当前位置：…), not a title.
func isNavigation(line string) bool {
	if strings.ContainsAny(line, ">»›→") {
		return true
	}
	for _, p := range []string{"首页", "当前位置", "您的位置", "您现在的位置", "位置:", "位置："} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// sectionMarker returns the section number at the start of line, the rest of
// the line, and the marker's level: 1 for 一、 and 第一章, 2 for (一).
func sectionMarker(line string) (num, rest string, level int) {
	if m := reSectionParen.FindStringSubmatch(line); m != nil {
		return "(" + m[1] + ")", line[len(m[0]):], 2
	}
	if m := reSectionDun.FindStringSubmatch(line); m != nil {
		return m[1] + "、", line[len(m[0]):], 1
	}
	if m := reSectionChapter.FindStringSubmatch(line); m != nil {
		return m[1], line[len(m[0]):], 1
	}
	return "", line, 0
}

func firstSentence(s string) string {
	if i := strings.IndexAny(s, "。!?！？"); i >= 0 {
		_, n := utf8.DecodeRuneInString(s[i:])
		return s[:i+n]
	}
	return s
}

// isLead reports whether the first sentence of a paragraph is a lead phrase:
// short, with no comma, and followed by more text.
func isLead(first, line string) bool {
	n := utf8.RuneCountInString(first)
	return n >= 3 && n <= 20 && len(first) < len(line) && !strings.ContainsAny(first, ",，;；:：")
}

// splitSentences splits text[start:end] into sentences and clauses.
func splitSentences(text []rune, start, end int, counter *int) []Sentence {
	var out []Sentence
	pieces, rest := splitOutsideBrackets(text, start, end, endsSentence)
	for _, p := range pieces {
		out = append(out, newSentence(text, p.Start, p.End+1, counter)) // with its terminator
	}
	if s0, e0 := trimSpan(text, rest, end); s0 < e0 {
		out = append(out, newSentence(text, s0, e0, counter))
	}
	return out
}

func newSentence(text []rune, start, end int, counter *int) Sentence {
	st := Sentence{Index: *counter, Start: start, End: end}
	*counter++
	pieces, rest := splitOutsideBrackets(text, start, end, endsClause)
	for _, p := range pieces {
		if p.Start < p.End {
			st.Clauses = append(st.Clauses, p)
		}
	}
	if rest < end {
		st.Clauses = append(st.Clauses, Span{rest, end})
	}
	// A clause of a report is a few dozen characters; one of thousands
	// (a list without commas, or a hostile input) is read in pieces cut
	// after a 、 where it can be, so that no step of reading it grows with
	// the square of its length.
	var cut []Span
	for _, c := range st.Clauses {
		for c.End-c.Start > maxClause {
			k := c.Start + maxClause
			for j := k; j > c.Start+maxClause/2; j-- {
				if text[j-1] == '、' {
					k = j
					break
				}
			}
			cut = append(cut, Span{c.Start, k})
			c.Start = k
		}
		cut = append(cut, c)
	}
	st.Clauses = cut
	return st
}

// maxClause bounds the runes of a clause read at once.
const maxClause = 1000

// splitOutsideBrackets cuts text[start:end] at each rune stop accepts that
// is not inside brackets or quotes (《》, “”, (), 【】). It returns the pieces
// before each stop (the stop excluded) and where the text after the last stop
// begins.
func splitOutsideBrackets(text []rune, start, end int, stop func(rune) bool) ([]Span, int) {
	var pieces []Span
	s, depth := start, 0
	for i := start; i < end; i++ {
		switch text[i] {
		case '(', '《', '“', '【':
			depth++
		case ')', '》', '”', '】':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 && stop(text[i]) {
				pieces = append(pieces, Span{s, i})
				s = i + 1
			}
		}
	}
	return pieces, s
}

func endsSentence(r rune) bool {
	switch r {
	case '。', '!', '?', '！', '？':
		return true
	}
	return false
}

func endsClause(r rune) bool {
	switch r {
	case ',', '，', ';', '；', ':', '：', '\t': // a tab ends a table's cell
		return true
	}
	return endsSentence(r)
}

// meta fills the document's title, year, issuer and place.
func (d *Doc) meta(gz *Gazetteer, file string, m Meta) {
	if m.Title != "" {
		d.Title = m.Title
	}
	d.Year = m.Year
	base := filepath.Base(file)
	if d.Year == 0 {
		for _, s := range []string{d.Title, base} {
			if y := reYear.FindString(s); y != "" {
				d.Year, _ = strconv.Atoi(y)
				break
			}
		}
	}
	if d.Year == 0 {
		d.Year = fiveYearPlan(d.Title)
	}
	if m.Place != "" {
		d.Place = gz.Lookup(m.Place)
	}
	if d.Place == nil && d.Title != "" {
		d.Place = gz.titlePlace(d.Title)
	}
	if d.Place == nil {
		d.Place = gz.placeInFileName(base, d.str)
	}
	if m.Place == "" && d.Title != "" {
		d.Subjects = gz.titleSubjects(d.Title)
	}
	d.Issuer = m.Issuer
	if d.Issuer == "" && d.Place != nil && d.Place.Level != graph.LevelRegion {
		d.Issuer = d.Place.Name + "人民政府"
	}
	// a page with no title, or one that names no place or region, is about
	// the place it names most; no issuer follows from that
	if d.Place == nil && !gz.namesPlace(d.Title) {
		d.Place = gz.datelinePlace(d.Text)
	}
	if d.Place == nil && !gz.namesPlace(d.Title) {
		d.Place = gz.mostNamedPlace(d.Text)
	}
}

// namesPlace reports whether s names a place or region of the gazetteer.
func (gz *Gazetteer) namesPlace(s string) bool {
	rs := []rune(s)
	for i := range rs {
		if e, ok := gz.names.longest(rs, i); ok && e.kind == namePlace {
			return true
		}
	}
	return false
}

// Lookup returns the place for any name form: 成都, 成都市, Chengdu, chengdu, 蓉.
func (gz *Gazetteer) Lookup(name string) *Place {
	name = strings.TrimSpace(name)
	if ps := gz.byName[name]; len(ps) > 0 {
		return bestPlace(ps, nil)
	}
	low := strings.ToLower(name)
	var found []*Place
	for _, p := range gz.Places {
		if strings.EqualFold(p.English, name) || strings.ToLower(p.Pinyin) == low {
			found = append(found, p)
		}
	}
	if len(found) > 0 {
		return bestPlace(found, nil)
	}
	if r, n := utf8.DecodeRuneInString(name); n == len(name) {
		if a, ok := gz.abbrevs[r]; ok && a.strong {
			return a.targets[0]
		}
	}
	return nil
}

// fiveYearPlans are the five-year plans a title may name instead of a
// year, with their first years: "十四五"综合交通运输发展规划 is of 2021.
var fiveYearPlans = []struct {
	name string
	year int
}{{"十一五", 2006}, {"十二五", 2011}, {"十三五", 2016}, {"十四五", 2021}, {"十五五", 2026}}

// fiveYearPlan returns the first year of the first five-year plan title
// names, or 0.
func fiveYearPlan(title string) int {
	year, at := 0, len(title)
	for _, p := range fiveYearPlans {
		if i := strings.Index(title, p.name); i >= 0 && i < at {
			year, at = p.year, i
		}
	}
	return year
}

// titlePlace returns the place a title is about: its first place, or a
// place inside it named right after it (重庆市永川区2023年政府工作报告 is about
// 永川, 四川省成都市… about 成都, but 四川省人民政府关于支持成都… about 四川).
// mostNamedPlace returns the city or county a text without a title or file
// name that says names most, when it names it at least three times and half
// again as often as any other (a news page about 广安 that mentions 重庆 and
// 渝北 in passing); provinces and regions do not count. nil if none.
func (gz *Gazetteer) mostNamedPlace(text []rune) *Place {
	count := map[*Place]int{}
	for i := 0; i < len(text); i++ {
		e, ok := gz.names.longest(text, i)
		if !ok {
			continue
		}
		if e.kind == namePlace {
			if p := bestPlace(e.place, nil); p.Level == graph.LevelPrefecture || p.Level == graph.LevelCounty {
				count[p]++
			}
		}
		i += len(e.text) - 1
	}
	var best *Place
	first, second := 0, 0
	for p, n := range count {
		if n > first || n == first && p.ID < best.ID {
			best, first, second = p, n, max(second, first)
		} else {
			second = max(second, n)
		}
	}
	if first >= 3 && first*2 >= second*3 {
		return best
	}
	return nil
}

// datelinePlace reads a news headline that opens with a place and a colon
// (荣昌:渝昆高铁荣昌段铺轨完成, 黔江:…): the city or county the page is from.
// A county's two-character short name counts here, where nothing else can
// stand before the colon. nil if the first line is not of that shape.
func (gz *Gazetteer) datelinePlace(text []rune) *Place {
	i := 0
	for i < len(text) && unicode.IsSpace(text[i]) {
		i++
	}
	e, ok := gz.placeNameAt(text, i)
	if !ok {
		return nil
	}
	if k := i + len(e.text); k < len(text) && (text[k] == ':' || text[k] == '：') {
		if p := bestPlace(e.place, nil); p.Level == graph.LevelPrefecture || p.Level == graph.LevelCounty {
			return p
		}
	}
	return nil
}

// titleSubjects returns the places a title is about, outside its 《quoted
// titles》 and after its issuer (the words before 关于): 南充 and 达州 in
// 中共四川省委…关于支持南充达州组团培育川东北省域经济副中心的意见, 重庆 and 贵州 in
// 重庆·贵州《渝黔合作先行示范区建设实施方案》印发实施. Regions are left out.
func (gz *Gazetteer) titleSubjects(title string) []*Place {
	if _, after, ok := strings.Cut(title, "关于"); ok {
		title = after
	}
	rs := []rune(title)
	var out []*Place
	for i := 0; i < len(rs); i++ {
		if rs[i] == '《' {
			for i < len(rs) && rs[i] != '》' {
				i++
			}
			continue
		}
		e, ok := gz.names.longest(rs, i)
		if !ok {
			continue
		}
		if e.kind == namePlace {
			if p := bestPlace(e.place, nil); !p.isRegion() && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		i += len(e.text) - 1
	}
	// 重庆市永川区 is about 永川: a place that holds another subject is none
	return slices.DeleteFunc(out, func(p *Place) bool {
		return slices.ContainsFunc(out, func(q *Place) bool { return q != p && q.within(p) })
	})
}

func (gz *Gazetteer) titlePlace(title string) *Place {
	rs := []rune(title)
	var cur *Place
	end := -1 // where cur's name ends
	for i := 0; i < len(rs); i++ {
		e, ok := gz.names.longest(rs, i)
		if !ok {
			continue
		}
		if e.kind == namePlace {
			p := bestPlace(e.place, cur)
			switch {
			case cur == nil:
				cur = p
			case i == end && p != cur && p.within(cur):
				cur = p // 重庆市永川区: right after the place it lies in
			default:
				return cur // 四川省人民政府关于支持成都…: the issuer's place
			}
			end = i + len(e.text)
		}
		i += len(e.text) - 1
	}
	return cur
}

// placeInFileName finds a place named in a file name, in Chinese or pinyin:
// 资阳市2023年政府工作报告.txt, chengdu-2022-work-report.txt,
// guang-an-2023.txt. As in a title, a place right after the place it lies
// in is the one meant: 重庆市永川区….txt and chongqing-yongchuan-2023.txt are
// about 永川.
func (gz *Gazetteer) placeInFileName(base, text string) *Place {
	if p := gz.titlePlace(base); p != nil {
		return p
	}
	toks := strings.FieldsFunc(strings.ToLower(base), func(r rune) bool { return !unicode.IsLetter(r) })
	var cur *Place
	for i := 0; i < len(toks); i++ {
		// a token, or two joined when the name was split (guang-an)
		for _, tok := range []string{toks[i], strings.Join(toks[i:min(i+2, len(toks))], "")} {
			if len(tok) < 3 {
				continue
			}
			var found []*Place
			for _, p := range gz.Places {
				if pinyinKey(p.Pinyin) == tok || pinyinKey(p.English) == tok {
					found = append(found, p)
				}
			}
			if len(found) == 0 {
				continue
			}
			// qianjiang is 黔江 and 潜江: the one the text names, or none
			if len(found) > 1 {
				found = namedMost(found, text)
				if len(found) != 1 {
					break
				}
			}
			if p := bestPlace(found, cur); cur == nil || p != cur && p.within(cur) {
				cur = p
			}
			if tok != toks[i] {
				i++ // both tokens read
			}
			break
		}
	}
	return cur
}

// pinyinKey is a pinyin or English name as a file name spells it: lower
// case, without apostrophes, hyphens or spaces (Guang'an is guangan).
func pinyinKey(s string) string {
	return strings.ToLower(strings.NewReplacer("'", "", "’", "", "-", "", " ", "").Replace(s))
}

// SectionLabel returns how evidence names the section of paragraph p:
// the numbered section and the lead phrase, e.g. (一) 合力谱写“双城记”.
func (d *Doc) SectionLabel(p *Paragraph) string {
	var parts []string
	for i := p.Section; i >= 0; i = d.Sections[i].Parent {
		s := d.Sections[i]
		label := s.Lead
		if s.Number != "" {
			label = s.Number
			if label2 := shortHeading(s.Heading); label2 != "" && s.Lead == "" && len(parts) == 0 {
				label += " " + label2
			}
		}
		parts = append([]string{label}, parts...)
	}
	return strings.Join(parts, " ")
}

// shortHeading returns a heading up to its first comma.
func shortHeading(h string) string {
	if i := strings.IndexAny(h, ",，"); i > 0 {
		return h[:i]
	}
	return strings.TrimRight(h, "。")
}

// namedMost returns the places of ps whose names the text gives most often
// (none when it names none of them).
func namedMost(ps []*Place, text string) []*Place {
	var out []*Place
	most := 0
	for _, p := range ps {
		n := strings.Count(text, p.Short)
		if p.Name != p.Short {
			n += strings.Count(text, p.Name) // counted twice: a full name is surer
		}
		switch {
		case n > most:
			out, most = []*Place{p}, n
		case n == most && n > 0:
			out = append(out, p)
		}
	}
	return out
}
