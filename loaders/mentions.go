package loaders

import (
	"slices"
	"strings"
	"unicode"

	"github.com/policygraph/policygraph/graph"
)

// mentionKind is what a stretch of text names.
type mentionKind int

const (
	mPlace mentionKind = iota
	mProgramme
	mBody
	mInitiative
	mTarget
)

// mention is one name found in a sentence.
type mention struct {
	kind     mentionKind
	span     Span   // runes of Doc.Text that state it
	name     string // the name, after coordination is expanded
	alias    string // another form of the name, such as the text's own 成南高速公路扩容
	head     string // initiative head noun or body ending
	category graph.Category
	places   []*Place // the places a place mention or an initiative's name refers to
	named    *Named   // programme or body from the gazetteer
	generic  bool     // a common noun phrase (重大项目, 标志性工程), not a name
	group    int      // mentions expanded from one coordination share a group
	stage    stageHit // the stage its governing verb gives an initiative
	target   *targetValue
	open     bool   // more name text follows its head (科技城 in 科技城新区)
	whole    string // the line a section or station is part of (成渝中线高铁 for 成渝中线高铁潼南站)
	id       string // the initiative's ID, once the builder has given it one
}

// mentionsIn finds the names of one clause: gazetteer names, 《quoted》
// titles, initiatives by their head nouns and bodies by their endings.
// Nested initiative names keep only the outermost.
func (gz *Gazetteer) mentionsIn(d *Doc, c Span) []mention {
	s := d.Text
	var out []mention
	// 《titles》 are programmes, plans or laws; nothing inside them is matched again.
	covered := make([]bool, c.End-c.Start)
	for i := c.Start; i < c.End; i++ {
		if s[i] != '《' {
			continue
		}
		j := i + 1
		for j < c.End && s[j] != '》' {
			j++
		}
		if j < c.End && j > i+1 {
			out = append(out, mention{kind: mProgramme, span: Span{i, j + 1}, name: string(s[i+1 : j])})
			for k := i; k <= j; k++ {
				covered[k-c.Start] = true
			}
		}
		i = j
	}
	// Gazetteer names, longest first, left to right.
	for i := c.Start; i < c.End; i++ {
		if covered[i-c.Start] {
			continue
		}
		e, ok := gz.names.longest(s[:c.End], i)
		if !ok {
			// no place starts inside a county's short name: 秀山东站 is 秀山, not 山东
			if e, ok := gz.counties.longest(s[:c.End], i); ok {
				i += len(e.text) - 1
			}
			continue
		}
		m := mention{span: Span{i, i + len(e.text)}, name: e.name}
		switch e.kind {
		case namePlace:
			m.kind = mPlace
			m.places = []*Place{bestPlace(e.place, d.Place)}
		case nameProgramme:
			m.kind, m.named, m.name = mProgramme, e.named, e.named.Name
			// a trailing (成渝) names where the programme runs
			m.span.End = skipParen(s, m.span.End, c.End)
		case nameBody:
			m.kind, m.named, m.name = mBody, e.named, e.named.Name
		}
		out = append(out, m)
		i = m.span.End - 1
	}
	out = gz.countiesListed(d, c, out)
	// Initiatives by head noun, bodies by ending.
	var found []mention
	for j := c.Start + 1; j <= c.End; j++ {
		if j < c.End && covered[j-c.Start] {
			continue
		}
		if h, ok := gz.headEndingAt(s, j); ok {
			if m, ok := gz.initiativeAt(d, c, j, h); ok {
				found = append(found, m)
				continue
			}
			// a body may end in a head's word (第六届人民代表大会)
			if _, ok := gz.bodyEndingAt(s, j); !ok {
				continue
			}
		}
		// a line known by its code after a name: 成德S11线, 成眉S5线
		if k := lineCodeEndingAt(s, c.Start, j); k < j {
			h := head{text: string(s[k:j]), runes: s[k:j], category: lineCategory(s[k:j])}
			if m, ok := gz.initiativeAt(d, c, j, h); ok && m.span.Start < k {
				found = append(found, m)
			} else if m, ok := gz.codeLineAt(d, c, k, j); ok {
				found = append(found, m)
			}
			continue
		}
		// a line named by the compound of its ends alone: 璧铜线二期正加快建设
		if j-1 > c.Start && s[j-1] == '线' {
			if m, ok := gz.compoundLineAt(d, c, j); ok {
				found = append(found, m)
				continue
			}
		}
		if end, ok := gz.bodyEndingAt(s, j); ok {
			if m, ok := gz.bodyAt(d, c, j, end); ok {
				found = append(found, m)
			}
		}
	}
	// An initiative inside a body's name stays an initiative: the body
	// (资阳大足文旅融合发展示范区建设领导小组) is about it. Otherwise of nested
	// names only the outermost is kept.
	var inits, bodies []mention
	for _, f := range found {
		if f.kind == mBody {
			bodies = append(bodies, f)
		} else {
			inits = append(inits, f)
		}
	}
	found = outermost(inits)
	for _, bm := range outermost(bodies) {
		inside := false
		for _, f := range found {
			if f.span.Start <= bm.span.Start && bm.span.End <= f.span.End {
				inside = true
				break
			}
		}
		if !inside {
			found = append(found, bm)
		}
	}
	sortMentions(found)
	// an apposition's first part describes the name after its dash:
	// 跨省域产城融合新区——高滩—茨竹产城融合新区
	for i := 0; i+1 < len(found); i++ {
		f, g := found[i], found[i+1]
		if f.kind == mInitiative && g.kind == mInitiative && g.span.Start == f.span.End+2 && hasString(s, f.span.End, "——") {
			found = append(found[:i], found[i+1:]...)
			i--
		}
	}
	// an aside in brackets right after a work's name names a part of it, no
	// work of its own: 配套工程(污水处理厂), 二期工程(中试基地)
	for i := 0; i+1 < len(found); i++ {
		f, g := found[i], found[i+1]
		if f.kind == mInitiative && g.kind == mInitiative && g.span.Start == f.span.End+1 && s[f.span.End] == '(' &&
			g.span.End < c.End && s[g.span.End] == ')' && len(g.places) == 0 {
			found = append(found[:i+1], found[i+2:]...)
			i--
		}
	}
	// A gazetteer name inside an initiative or body name belongs to it; a
	// gazetteer body or programme wins over a suffix guess that covers it.
	var kept []mention
	for _, m := range out {
		inside := false
		for _, f := range found {
			if f.span.Start <= m.span.Start && m.span.End <= f.span.End && f.span != m.span {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, m)
		}
	}
	for _, f := range found {
		dup := false
		for _, m := range kept {
			// a head inside a programme's name is none (加密中欧班列(成渝)开行)
			if m.span == f.span || (m.kind != mPlace && m.span.Start < f.span.End && f.span.End <= m.span.End) {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, f)
		}
	}
	sortMentions(kept)
	return kept
}

// countiesListed adds the counties named by their two-character short
// names (安岳, 铜梁) where the text lists them as places: after the place
// they lie in (重庆永川), or in a 、 list with a place (遂宁、安岳、铜梁).
// Elsewhere such names are ordinary words too (南部, 江北, 长寿).
func (gz *Gazetteer) countiesListed(d *Doc, c Span, ms []mention) []mention {
	s := d.Text
	// A listed county touches a list mark (、, or 与 和 及 同 between names)
	// or follows a place: only those spots are tried.
	var spots []int
	for i := c.Start; i < c.End; i++ {
		if isListMark(s[i]) {
			spots = append(spots, i-2, i+1)
		}
	}
	for k := range ms {
		if ms[k].kind == mPlace {
			spots = append(spots, ms[k].span.End)
		}
	}
	// Everything below is linear in the clause: a fuzzed clause may list
	// thousands of names.
	var covered []bool // runes of the clause inside a mention found already
	county := map[int]*Place{}
	for _, i := range spots {
		if i < c.Start || i+2 > c.End || !gz.mayStartCounty(s[i]) || county[i] != nil {
			continue
		}
		e, ok := gz.counties.longest(s[:c.End], i)
		if !ok {
			continue
		}
		if covered == nil {
			covered = make([]bool, c.End-c.Start)
			for _, m := range ms {
				for k := max(m.span.Start, c.Start); k < min(m.span.End, c.End); k++ {
					covered[k-c.Start] = true
				}
			}
		}
		if !covered[i-c.Start] && !covered[i+1-c.Start] {
			county[i] = e.place[0]
		}
	}
	if len(county) == 0 {
		return ms
	}
	placeStart := map[int]bool{} // place mentions by start and by end
	placeEnd := map[int]*mention{}
	for k := range ms {
		if ms[k].kind == mPlace {
			placeStart[ms[k].span.Start], placeEnd[ms[k].span.End] = true, &ms[k]
		}
	}
	// a county's name stands alone: a list boundary on both sides
	alone := func(a int) bool {
		z := a + 2
		before := a <= c.Start || isBreak(s[a-1]) || placeEnd[a] != nil || strings.ContainsRune("与和及同对", s[a-1]) ||
			gz.verbEndingAt(s, a, c.Start) > 0
		// …、广汉三地, …、广汉等地: a count of places or 等 closes the list
		counted := z+1 < c.End && strings.ContainsRune("两三四五六七八九十等", s[z]) && strings.ContainsRune("地市县区方省", s[z+1])
		// …、荣昌协作: the list's partners, then what they do together
		w := z
		if w < c.End && s[w] == '的' {
			w++ // 与荣昌、永川的合作
		}
		partners := hasString(s[:c.End], w, "合作") || hasString(s[:c.End], w, "协作") || hasString(s[:c.End], w, "联动")
		after := z >= c.End || isBreak(s[z]) || strings.ContainsRune("和与及", s[z]) || counted || partners || gz.endsName(s, z, c.End)
		return before && after
	}
	// listed reports whether the list mark at s[at] joins, on its left or
	// its right, a place or another county standing alone (江北、渝北)
	listed := func(at int, left bool) bool {
		if at < c.Start || at >= c.End || !isListMark(s[at]) {
			return false
		}
		if left {
			return placeEnd[at] != nil || county[at-2] != nil && alone(at-2)
		}
		return placeStart[at+1] || county[at+1] != nil && alone(at+1)
	}
	var starts []int
	for a := range county {
		starts = append(starts, a)
	}
	slices.Sort(starts)
	for _, a := range starts {
		p := county[a]
		if !alone(a) {
			continue
		}
		// after the place it lies in (重庆永川), or listed with a place or county
		if pm := placeEnd[a]; pm != nil && len(pm.places) == 1 && p.within(pm.places[0]) ||
			listed(a-1, true) || listed(a+2, false) {
			ms = append(ms, mention{kind: mPlace, span: Span{a, a + 2}, name: string(s[a : a+2]), places: []*Place{p}})
		}
	}
	sortMentions(ms)
	return ms
}

// isListMark reports whether r joins the items of a list of names: 遂宁、安岳,
// 遂宁与潼南.
func isListMark(r rune) bool {
	switch r {
	case '、', '与', '和', '及', '同':
		return true
	}
	return false
}

// sortMentions orders mentions by where they start, keeping the order of
// those that start together: by insertion for the few of a clause, by a
// stable sort for many.
func sortMentions(ms []mention) {
	if len(ms) > 32 {
		slices.SortStableFunc(ms, func(a, b mention) int { return a.span.Start - b.span.Start })
		return
	}
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].span.Start < ms[j-1].span.Start; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// outermost drops mentions whose span lies inside another's (of two with
// the same span, the later), and a name that does not end where it stops
// (open) when another runs on past it: in 高质量建设科技城新区 the name is
// 科技城新区, not 建设科技城. It sorts instead of comparing every pair: a
// fuzzed clause may hold thousands of names.
func outermost(ms []mention) []mention {
	if len(ms) < 2 {
		return ms
	}
	order := make([]int, len(ms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		if ms[i].span.Start != ms[j].span.Start {
			return ms[i].span.Start - ms[j].span.Start
		}
		return ms[j].span.End - ms[i].span.End // the longer first
	})
	drop := make([]bool, len(ms))
	maxEnd := -1
	for k, i := range order {
		m := ms[i]
		if m.span.End <= maxEnd {
			drop[i] = true // inside one that starts no later and ends no sooner
		}
		maxEnd = max(maxEnd, m.span.End)
		if !m.open || drop[i] {
			continue
		}
		for _, j := range order[k+1:] {
			o := ms[j]
			if o.span.Start >= m.span.End {
				break
			}
			if o.span.Start > m.span.Start && o.span.End > m.span.End {
				drop[i] = true
				break
			}
		}
	}
	var out []mention
	for i, m := range ms {
		if !drop[i] {
			out = append(out, m)
		}
	}
	return out
}

func skipParen(s []rune, i, end int) int {
	if i < end && s[i] == '(' {
		for j := i + 1; j < end && j-i < 12; j++ {
			if s[j] == ')' {
				return j + 1
			}
		}
	}
	return i
}

// headEndingAt returns the longest head noun that ends at s[j-1].
func (gz *Gazetteer) headEndingAt(s []rune, j int) (head, bool) {
	if j <= 0 || j > len(s) || !gz.mayEndHead(s[j-1]) {
		return head{}, false
	}
	for _, h := range gz.headsBy[s[j-1]] {
		if !hasRunes(s, j-len(h.runes), h.runes) {
			continue
		}
		// a head must end a word: 中心 is no head inside 中心城市, whose own
		// head ends further on.
		if j < len(s) {
			hs := j - len(h.runes)
			for _, h2 := range gz.headsBy[s[min(hs+len(h.runes), len(s)-1)]] {
				if len(h2.runes) > len(h.runes) && hasRunes(s, hs, h2.runes) {
					return head{}, false
				}
			}
		}
		return h, true
	}
	return head{}, false
}

// lineCode returns the end of a line code such as S3线 or 18号线 at s[i],
// or i when there is none.
func lineCode(s []rune, i, end int) int {
	k := i
	for k < end && k-i < 6 && (s[k] < 0x80 && (unicode.IsLetter(s[k]) || unicode.IsDigit(s[k]))) {
		k++
	}
	if k == i {
		// 一号线, 十八号线: a number in characters before 号
		for k < end && k-i < 3 && strings.ContainsRune("一二三四五六七八九十", s[k]) {
			k++
		}
		if k == i || k >= end || s[k] != '号' {
			return i
		}
	}
	if k < end && s[k] == '号' {
		k++
	}
	if k < end && s[k] == '线' {
		return k + 1
	}
	return i
}

// lineCodeEndingAt returns where a line code such as S11线 or 18号线 that
// ends at s[j-1] starts, or j when none does.
func lineCodeEndingAt(s []rune, from, j int) int {
	if j-2 < from || j > len(s) || s[j-1] != '线' {
		return j
	}
	k := j - 1
	if s[k-1] == '号' {
		k--
		for k > from && j-k <= 5 && strings.ContainsRune("一二三四五六七八九十", s[k-1]) {
			k--
		}
	}
	for k > from && j-k <= 8 && s[k-1] < 0x80 && (unicode.IsLetter(s[k-1]) || unicode.IsDigit(s[k-1])) {
		k--
	}
	if lineCode(s, k, j) != j {
		return j
	}
	return k
}

// lineCategory tells a road's code from a rail line's: G and S followed by
// three or more digits number national and provincial roads (G318线,
// S106线); other codes (S11线, 18号线) are metro and suburban rail lines.
func lineCategory(code []rune) graph.Category {
	digits := 0
	for _, r := range code {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if len(code) > 0 && (code[0] == 'G' || code[0] == 'S' && digits >= 3) {
		return graph.CategoryRoad
	}
	return graph.CategoryRail
}

// headEndingAtAny reports whether some head noun ends within the next few
// runes after j, so that a head at j is part of a longer name.
func (gz *Gazetteer) headEndingAtAny(s []rune, j, end int) (head, bool) {
	for k := j + 1; k <= end && k-j <= 12; k++ {
		if isBreak(s[k-1]) {
			break
		}
		if h, ok := gz.headEndingAt(s, k); ok && gz.endsName(s, k, end) {
			return h, true
		}
	}
	return head{}, false
}

func (gz *Gazetteer) bodyEndingAt(s []rune, j int) (string, bool) {
	if j <= 0 || j > len(s) {
		return "", false
	}
	for _, e := range gz.bodyBy[s[j-1]] {
		if hasRunes(s, j-len(e), e) {
			return string(e), true
		}
	}
	return "", false
}

// isBreak reports whether r ends a name when scanning left.
func isBreak(r rune) bool {
	switch r {
	case '、', ',', '，', ';', '；', ':', '：', '。', '!', '?', '！', '？', '等', '《', '》', ' ', '【', '】', '→', '↓', '▼', '▲', '|':
		return true
	}
	return unicode.IsSpace(r)
}

// maxName bounds a name's length in runes before its head.
const maxName = 24

// leftEdge scans left from hs (where a head starts) to the start of the
// name: it stops at punctuation, 等, and at a governing verb or preposition
// once the name has two characters before its head.
func (gz *Gazetteer) leftEdge(s []rune, from, hs int, extra string) int {
	b := hs
	for b > from && hs-b < maxName {
		r := s[b-1]
		if isBreak(r) || strings.ContainsRune(extra, r) {
			break
		}
		// an apposition gives the name after its dash: 跨省域产城融合新区——
		// 高滩—茨竹产城融合新区 is 高滩—茨竹产城融合新区 (one dash links places)
		if r == '—' && b-2 >= from && s[b-2] == '—' {
			break
		}
		if b < hs && b-1 > from {
			if h2, ok := gz.headEndingAt(s, b); ok {
				// a class before a name in apposition: 其控制性工程小安溪特大桥 is
				// 小安溪特大桥, 重点工程成渝中线高铁 is 成渝中线高铁 (the name after it
				// has words of its own: 重大项目攻坚大会战 is one name)
				if hs-b >= 3 && gz.genericBefore(s, from, b, h2) {
					break
				}
				// two names run together: in 合作共建园区川渝高竹新区 a head ends
				// right before a place that starts the second name (but a 片区
				// of a zone is part of its name, 西部(重庆)科学城江津片区, and so
				// is a section between places, 川南城际铁路宜宾至西南环线)
				if !hasString(s, hs, "片区") {
					if ps, n := gz.compoundAt(s[b:hs], 0, nil); len(ps) > 0 && n >= 2 && !slices.Contains(s[b:hs], '至') && !slices.Contains(s[b:hs], '到') {
						break
					}
				}
			}
		}
		// an opening bracket never closed before the head starts the name
		// (二期工程(综合服务中心)
		if r == '(' && !strings.ContainsRune(string(s[b:hs]), ')') {
			break
		}
		// a description ends at its particle: in 直达主城区的免费物流黄金大通道
		// the name is 免费物流黄金大通道, in 会上通报了资大示范区 资大示范区
		if r == '的' || r == '了' {
			break
		}
		// 县科技局犍为供水一期工程: a body's name ends before the name
		if _, ok := gz.bodyEndingAt(s, b); ok && b < hs {
			break
		}
		// A产业园和B基地: a conjunction after a name joins two names (but
		// in 探索经济区与行政区适度分离改革 the bare head 经济区 is no name)
		// 纳入…规划纲要和国家铁路: a plan's title word before 和 ends another name
		if strings.ContainsRune("和与及", r) && b-1 > from && endsWithTitleWord(s[from:b-1]) {
			break
		}
		// 依托中欧班列(成渝)和西部陆海新通道: a programme's name before 和
		if strings.ContainsRune("和与及", r) && b-1 > from && gz.programmeEndingAt(s, from, b-1) {
			break
		}
		if strings.ContainsRune("和与及", r) && b-1 > from {
			// 成都至眉山S5线和成都至德阳S11线: a line's code ends a name too,
			// and so does one with places in brackets after it (S3线(成资)和S5线)
			e := b - 1
			if s[e-1] == ')' {
				if o := openBracketBefore(s, from, e-1); o > from {
					e = o
				}
			}
			if k := lineCodeEndingAt(s, from, e); k < e && k >= from {
				break
			}
			if h, ok := gz.headEndingAt(s, b-1); ok {
				// the name before it has text before its head (not a
				// recursive leftEdge: a chain of A园和B园和… would be read
				// again at every link)
				if hs2 := b - 1 - len(h.runes); hs2 > from && !isBreak(s[hs2-1]) &&
					!strings.ContainsRune(extra+"和与及的了并)", s[hs2-1]) && gz.verbEndingAt(s, hs2, from) == 0 {
					break
				}
			}
		}
		if v := gz.verbEndingAt(s, b, from); v > 0 && !gz.inWord(s, from, b-v, b) {
			// 宜泸沿江高速: a one-rune preposition before a one-rune name
			// is part of it, as no name is one rune and a head
			if v == 1 && hs-b == 1 {
				b--
				continue
			}
			// 城市建设行动, 断头路打通行动: a few verbs are nouns right before a head
			if hs-b >= 2 || !nounVerbs[string(s[b-v:b])] {
				b = gz.shiftVerb(s, b, hs, from)
				break
			}
			b -= v
			continue
		}
		b--
	}
	// a name does not start with a particle, a dangling bracket or an
	// opening quote that closes beyond it (“中国—欧洲中心”)
	for b < hs && (strings.ContainsRune("的了和与及并)", s[b]) || s[b] == '“' && !strings.ContainsRune(string(s[b:hs]), '”')) {
		b++
	}
	// nor with a verb that governs a quoted name: 优化“川渝通办”
	if b+2 < hs && s[b+2] == '“' && nounVerbs[string(s[b:b+2])] {
		b += 2
	}
	// nor inside a bracket it does not open: (下称:S11线)项目 starts after it
	for k, depth := b, 0; k < hs; k++ {
		switch s[k] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				b = k + 1
			} else {
				depth--
			}
		}
	}
	// nor with a section's number: (三)共同开辟…
	if b < hs && (s[b] == '(' || s[b] == '第' || strings.ContainsRune("一二三四五六七八九十", s[b])) {
		if _, rest, kind := sectionMarker(string(s[b:hs])); kind != 0 {
			b = hs - len([]rune(rest))
		}
	}
	// nor with a count or an ordinal: 10个毗邻地区合作平台, 第三条市域(郊)铁路
	return countAt(s, b, hs)
}

// genericBefore reports whether the head h that ends at s[b-1] closes a
// generic phrase (a head after only generic modifiers: 控制性工程, 重点项目)
// that starts after a break or a verb.
func (gz *Gazetteer) genericBefore(s []rune, from, b int, h head) bool {
	hs := b - len(h.runes)
	p := hs
	for p > from && hs-p < 8 && !isBreak(s[p-1]) && gz.verbEndingAt(s, p, from) == 0 && !strings.ContainsRune("的了其", s[p-1]) {
		p--
	}
	return p < hs && gz.isGeneric(string(s[p:hs]))
}

// containsWord reports whether the runes of w occur in s, without
// building a string of s.
func containsWord(s []rune, w string) bool {
	rw := []rune(w)
	for i := 0; i+len(rw) <= len(s); i++ {
		if s[i] == rw[0] && hasRunes(s, i, rw) {
			return true
		}
	}
	return false
}

// endsWithTitleWord reports whether text ends with a word a document's title
// ends with (规划, 纲要, 方案 …; see titleWords).
func endsWithTitleWord(text []rune) bool {
	t := string(text)
	for _, w := range titleWords {
		if strings.HasSuffix(t, w) {
			return true
		}
	}
	return false
}

// endsWithTitleWordAt reports whether a word a document's title ends with
// (规划, 方案 …) starts at s[i].
func endsWithTitleWordAt(s []rune, i int) bool {
	for _, w := range titleWords {
		if hasString(s, i, w) {
			return true
		}
	}
	return false
}

// describedByOrdinal reports whether an ordinal of things (第一个, 首个,
// 第三条, 又一座) stands right before b: what follows describes, it does not
// name (第二批 counts a batch of a named task and does not).
func describedByOrdinal(s []rune, b int) bool {
	if b < 2 || !strings.ContainsRune("个条座家所", s[b-1]) {
		return false
	}
	for k := b - 2; k >= 0 && b-k <= 5; k-- {
		if strings.ContainsRune("第首又", s[k]) {
			return true
		}
		if !unicode.IsDigit(s[k]) && !strings.ContainsRune("一二两三四五六七八九十百", s[k]) {
			return false
		}
	}
	return false
}

// classAfterList returns where a class head that starts at hs begins its
// phrase when only a count or a few modifiers stand between it and a list's
// 等 (等5个项目, 等一批项目, 等合作共建项目), or -1.
func classAfterList(s []rune, from, hs int) int {
	k := hs
	for k > from && hs-k <= 8 && !isBreak(s[k-1]) {
		k--
	}
	if k > from && s[k-1] == '等' {
		return k
	}
	return -1
}

// countAt returns where a name that starts at b really starts after a
// count or an ordinal before it (10个, 第三条, 首个, 又一条, 一批), or b.
func countAt(s []rune, b, hs int) int {
	k := b
	if k < hs && (s[k] == '第' || s[k] == '又' || s[k] == '首') {
		k++
	}
	n := k
	for n < hs && (unicode.IsDigit(s[n]) || s[n] == '.' || strings.ContainsRune("一二两三四五六七八九十百千万亿", s[n])) {
		n++
	}
	if (n > k || s[b] == '首') && n < hs && strings.ContainsRune("个项条座家批类所级届次", s[n]) && hs-(n+1) >= 0 {
		return n + 1
	}
	// Arabic digits right before a Han word are a count whose measure word
	// the text dropped (27工业项目), not part of a name
	if k == b && n > k && unicode.IsDigit(s[k]) && n < hs && isHan(s[n]) && !strings.ContainsRune("年月日号届期", s[n]) {
		return n
	}
	return b
}

// endsWithCount reports whether s ends in a number and a measure word (8个,
// 十项, 两批).
func endsWithCount(s []rune) bool {
	n := len(s)
	if n < 2 || !strings.ContainsRune("个项批", s[n-1]) {
		return false
	}
	return unicode.IsDigit(s[n-2]) || strings.ContainsRune("一二两三四五六七八九十百千", s[n-2])
}

// inWord reports whether s[vs:ve] lies inside an ordinary word of
// cues/words.txt or a county's short name that starts before it: 由 is a
// verb, but not in 自由, and 为 not in 犍为.
func (gz *Gazetteer) inWord(s []rune, from, vs, ve int) bool {
	for k := max(from, vs-3); k <= vs; k++ {
		// a word that starts before the verb and reaches its end (自由), or
		// starts with it and runs on (沿 in 沿线)
		if w, ok := gz.words.longest(s, k); ok && k+len(w.text) >= ve && (k < vs || k+len(w.text) > ve) {
			return true
		}
		if k == vs {
			break
		}
		if w, ok := gz.counties.longest(s, k); ok && k+len(w.text) >= ve {
			return true
		}
	}
	return false
}

// verbalHeads are heads that are verbs too: 计划 in 津鹰计划 and in 计划启动建设.
var verbalHeads = map[string]bool{"计划": true}

// verbStartsAt reports whether a cue verb or stage cue starts at s[j].
func (gz *Gazetteer) verbStartsAt(s []rune, j, end int) bool {
	if j >= end {
		return false
	}
	for _, v := range gz.verbsFirst[s[j]] {
		if hasRunes(s[:end], j, v) {
			return true
		}
	}
	for _, c := range gz.stagesBy[s[j]] {
		if hasRunes(s[:end], j, c.runes) {
			return true
		}
	}
	return false
}

// nounVerbs are verbs that may stand inside a name right before its head
// (all of two characters: leftEdge relies on it).
var nounVerbs = map[string]bool{"建设": true, "开发": true, "更新": true, "改造": true, "治理": true, "提升": true,
	"优化": true, "打通": true, "畅通": true, "保护": true, "发展": true}

// shiftVerb moves a name's start b one rune left when the verb that ends at
// b overlaps a place compound: in 共建成渝 the verb is 共建 and the name
// starts with 成渝, not 建成 + 渝.
func (gz *Gazetteer) shiftVerb(s []rune, b, end, from int) int {
	if b-1 > from && gz.verbEndingAt(s, b-1, from) >= 2 {
		if ps, n := gz.compoundAt(s[b-1:end], 0, nil); len(ps) > 0 && n >= 2 {
			return b - 1
		}
	}
	return b
}

// verbInName reports whether the verb s[b-v:b] is a noun inside a name
// (城市建设行动, 工程建设项目, 断头路打通行动): one of a few verbs, preceded by
// more name text rather than by another verb, a break or a head noun.
func (gz *Gazetteer) verbInName(s []rune, b, v, from int) bool {
	if !nounVerbs[string(s[b-v:b])] {
		return false
	}
	k := b - v
	if k <= from || isBreak(s[k-1]) || gz.verbEndingAt(s, k, from) > 0 {
		return false
	}
	_, isHead := gz.headEndingAt(s, k)
	return !isHead
}

// endsName reports whether a name may end before s[j]: at the end of the
// clause, a punctuation mark, a conjunction, a bracket, or a verb or stage
// cue that follows the name (成资临空经济产业带建设, 环线铁路前期工作).
func (gz *Gazetteer) endsName(s []rune, j, end int) bool {
	if j >= end || isBreak(s[j]) || strings.ContainsRune("和与及并(的”", s[j]) {
		return true
	}
	for _, c := range gz.stagesBy[s[j]] {
		if hasRunes(s[:end], j, c.runes) {
			return true
		}
	}
	for _, v := range gz.verbsFirst[s[j]] {
		if hasRunes(s[:end], j, v) {
			return true
		}
	}
	_, ok := gz.followers.longest(s[:end], j)
	return ok
}

// verbEndingAt returns the length of the longest cue verb ending at s[b-1].
func (gz *Gazetteer) verbEndingAt(s []rune, b, from int) int {
	if b <= from || b > len(s) {
		return 0
	}
	for _, v := range gz.verbsLast[s[b-1]] {
		if b-len(v) >= from && hasRunes(s, b-len(v), v) {
			return len(v)
		}
	}
	return 0
}

// headGoesOn reports whether a longer head that ends within max runes after
// i runs through i (城际 at i, 城际铁路 after it).
func (gz *Gazetteer) headGoesOn(s []rune, i, max int) bool {
	for m := 1; m <= max && i+m <= len(s); m++ {
		if h, ok := gz.headEndingAt(s, i+m); ok && len(h.runes) > m {
			return true
		}
	}
	return false
}

// programmeEndingAt reports whether a programme's name from the gazetteer
// ends at s[j], starting at from or later.
func (gz *Gazetteer) programmeEndingAt(s []rune, from, j int) bool {
	for k := max(from, j-16); k < j-1; k++ {
		if e, ok := gz.names.longest(s[:j], k); ok && k+len(e.text) == j && e.kind == nameProgramme {
			return true
		}
	}
	return false
}

// initiativeAt reads the initiative name whose head ends at j.
func (gz *Gazetteer) initiativeAt(d *Doc, c Span, j int, h head) (mention, bool) {
	s := d.Text
	// 城际 inside 城际铁路: the longer head decides, whether it ends a name
	// or runs into a plan's word (…城际铁路规划)
	if gz.headGoesOn(s[:c.End], j, 4) {
		return mention{}, false
	}
	hs := j - len([]rune(h.text))
	end := j
	var short Span // a line's own short name after its head (璧铜线)
	part := -1     // where a section or station of the line named before it starts
	section := func() {
		if part < 0 {
			part = end
		}
	}
	// words that still belong to the name: 一期工程, 扩容, and a bracketed (成都)
	for {
		moved := false
		// 渝西高铁重庆段, 成资渝高速(资阳段): the section in one place
		if e, ok := gz.names.longest(s[:c.End], end); ok && e.kind == namePlace && hasString(s[:c.End], end+len(e.text), "段") {
			section()
			end += len(e.text) + 1
			continue
		}
		// 成渝中线高铁永川段: a county by its two-character short name
		if e, ok := gz.counties.longest(s[:c.End], end); ok && hasString(s[:c.End], end+len(e.text), "段") {
			section()
			end += len(e.text) + 1
			continue
		}
		// 渝湘高铁重庆至黔江段, 川藏铁路雅安至林芝段: the section between two places
		if k := gz.sectionAt(s[:c.End], end); k > end {
			if s[k-1] == '段' {
				section()
			}
			end = k
			continue
		}
		// 成渝中线高铁潼南站: a line's station in a place; 轨道交通资阳线: the
		// line to a place
		if h.category == graph.CategoryRail {
			if k := gz.placeAt(s[:c.End], end); k > end && (hasString(s[:c.End], k, "站") || hasString(s[:c.End], k, "线")) {
				if s[k] == '站' {
					section()
				}
				end = k + 1
				continue
			}
			// 市域快线璧铜线: a line named by the compound of its ends
			if ps, n := gz.compoundAt(s[:c.End], end, nil); len(ps) >= 2 && hasString(s[:c.End], end+n, "线") {
				short = Span{end, end + n + 1}
				end += n + 1
				continue
			}
			// 地铁一号线尖璧段, 隆黄铁路隆叙段: a section named by two to four
			// characters after a line (a shorter head inside a longer one,
			// 城际 in 城际铁路宜泸段, never gets here: see headGoesOn)
			{
				for n := 2; n <= 4 && end+n < c.End && isHan(s[end]) && !isListMark(s[end]) && isHan(s[end+n-1]) && !isBreak(s[end+n-1]); n++ {
					if s[end+n] == '段' {
						section()
						end += n + 1
						break
					}
				}
			}
		}
		if end < c.End && s[end] == '(' {
			if k := skipParen(s, end, c.End); k > end && s[k-2] == '段' {
				end = k
				continue
			}
		}
		// a line's code: 市域铁路S3线, 轨道交通18号线
		if k := lineCode(s, end, c.End); k > end {
			end = k
			continue
		}
		if k := gz.suffixAt(s[:c.End], end); k > end {
			end, moved = k, true
		}
		if !moved {
			break
		}
	}
	// 国家铁路“十四五”规划: a quote right after the head, then a plan's word,
	// names a plan, not this initiative (but 天府国际机场“两场一体”运营 is one)
	if end < c.End && s[end] == '“' {
		for k := end + 1; k < len(s) && k-end <= 10 && s[k] != '。'; k++ {
			if s[k] == '”' {
				if endsWithTitleWordAt(s, k+1) {
					return mention{}, false
				}
				break
			}
		}
	}
	open := !gz.endsName(s, end, c.End)
	if open {
		// a longer name with another head may still end further on
		// (科技城新区); without one, the name ends here unless its head runs
		// into an ordinary word (中心 + 城区, 行动 + 方案) or goes on as a
		// Han word that is no place for a head to end (社区发展治理)
		if _, ok := gz.headEndingAtAny(s, end, c.End); !ok {
			if _, glued := gz.glued.longest(s[:c.End], end); glued {
				return mention{}, false
			}
			open = false
		}
	}
	b := gz.leftEdge(s, c.Start, hs, "")
	if b >= hs && hs > c.Start && !isBreak(s[hs-1]) {
		// 不溶性硫磺、迈科隆二期等5个项目: a counted class after 等 names what
		// the list's items are
		if k := classAfterList(s, c.Start, hs); k >= 0 {
			return mention{kind: mInitiative, span: Span{k, end}, name: string(s[hs:end]), head: h.text,
				category: h.category, generic: true}, true
		}
		return mention{}, false // a head in the middle of a word we cannot read
	}
	if e, ok := gz.names.longest(s[:end], b); ok && b+len(e.text) == end {
		return mention{}, false // the whole name is a gazetteer name: 成都平原经济区 is a region
	}
	// a description is no name: …西南重要陆路交通枢纽, 第一个川渝合作省级园区
	// (but 首条市域快线璧铜线 names its line after the description)
	if containsWord(s[b:end], "重要") || describedByOrdinal(s, b) && short.End <= short.Start {
		return mention{}, false
	}
	// a slogan of a verb and a quoted word (畅“通道”, 强“枢纽”) is a line of
	// rhetoric, not a work
	if end-b <= 7 && b+1 < end && s[b+1] == '“' && isHan(s[b]) {
		return mention{}, false
	}
	// what a place is positioned as (定位于“宜业宜居宜游现代产业新城”, 定位为…中心)
	// describes it; it is no initiative
	if k := b; k >= 2 {
		if s[k-1] == '“' {
			k--
		}
		if hasString(s, k-2, "定位") || hasString(s, k-3, "定位于") || hasString(s, k-3, "定位为") ||
			hasString(s, k-3, "打造为") || hasString(s, k-2, "成为") {
			return mention{}, false
		}
	}
	// a verb and a head (建设示范区, 提升示范区) names nothing
	if nounVerbs[string(s[b:hs])] {
		return mention{}, false
	}
	// 第八届人民代表大会 is the assembly a report is given to, not an event
	if h.text == "大会" && hasString(s, hs-2, "代表") {
		return mention{}, false
	}
	// in 重庆计划启动建设… 计划 is a verb: a head that is also a verb
	// followed by another verb names nothing; a 年度工作计划 is a document's
	// schedule, not an initiative (the park before it is one)
	if verbalHeads[h.text] && (end == j && gz.verbStartsAt(s, end, c.End) ||
		hasString(s, hs-2, "工作") || hasString(s, hs-2, "年度")) {
		return mention{}, false
	}
	// 成资同城化发展“三年行动计划”: a quote opened inside the name closes with it
	if end < c.End && s[end] == '”' && strings.Count(string(s[b:end]), "“") > strings.Count(string(s[b:end]), "”") {
		end++
	}
	m := mention{kind: mInitiative, span: Span{b, end}, name: string(s[b:end]), head: h.text, category: h.category, open: open}
	m.places = gz.placesInName(s[b:end], d.Place)
	if part > hs && part < end {
		m.whole = string(s[b:part]) // 成渝中线高铁潼南站 is part of 成渝中线高铁
	}
	// 市域铁路成都至眉山S5线 is known as S5线: a rail line with a lettered
	// code goes by its code, its places from the words before it
	if h.category == graph.CategoryRail {
		if k := gz.lineCodeStart(s, m.span); k > b && s[k] < 0x80 && isASCIILetter(byte(s[k])) {
			m.alias, m.name = m.name, string(s[k:end])
		}
	}
	if e, ps := gz.bracketCompound(s, end, c.End); len(ps) > 0 && e > end {
		for _, p := range ps {
			m.places = appendPlace(m.places, p)
		}
	}
	if short.End > short.Start && short.End == end {
		m.alias, m.name = m.name, string(s[short.Start:short.End])
		// 川南城际铁路内自泸线 runs between the places of its own compound
		ps, _ := gz.compoundAt(s[short.Start:short.End], 0, d.Place)
		m.places = nil
		for _, p := range ps {
			m.places = appendPlace(m.places, p)
		}
	}
	// 市域(郊)铁路成都至德阳线(下称:S11线): the short name the text gives
	if short := shortNameAfter(s, end, len(s)); short != "" && !gz.isBareHead(short) {
		m.alias, m.name = string(s[b:end]), short
	}
	// 轨道交通资阳线 names a line by the place after its head, 地铁一号线 by its
	// code
	// …的示范区先行区: heads run together after a description name a kind
	// twice, nothing in particular (科技城新区 after a verb is a name)
	pre := string(s[b:hs])
	bare := pre != "" && end == j && b > 0 && s[b-1] == '的' && gz.isBareHead(pre)
	// 广元市交通项目, 成都市重点工程: a place's works of a kind, no one work;
	// 同城化重大项目: works of a kind with any words before
	if (h.text == "项目" || h.text == "工程") && end == j && pre != "" {
		for _, w := range []string{"重大", "重点", "标志性", "一批"} {
			if strings.HasSuffix(pre, w) {
				bare = true
			}
		}
		// 先行区首批8个项目, 园区10项工程: a count of works, no one work
		if endsWithCount(s[b:hs]) {
			bare = true
		}
		if e, ok := gz.names.longest(s[:hs], b); ok && e.kind == namePlace && b+len(e.text) < hs &&
			gz.isGeneric(string(s[b+len(e.text):hs])) {
			bare = true
		}
	}
	// 成都轨道交通, 重庆地铁: a city's network, no one line (its lines name
	// themselves after the head: 成都轨道交通资阳线)
	if (h.text == "轨道交通" || h.text == "地铁") && end == j && pre != "" {
		if e, ok := gz.names.longest(s[:hs], b); ok && e.kind == namePlace && b+len(e.text) == hs {
			bare = true
		}
	}
	m.generic = (bare || gz.isGeneric(pre)) && (end == j || len(gz.placesInName(s[j:end], nil)) == 0 && lineCode(s, j, end) == j)
	return m, true
}

// openBracketBefore returns where the ( that the ) at s[c] closes stands,
// scanning back to from, or -1.
func openBracketBefore(s []rune, from, c int) int {
	depth := 0
	for k := c; k >= from; k-- {
		switch s[k] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// codeLineAt reads a line named only by its lettered code (S3线, S11线),
// standing alone after a break or a verb, with the places of a compound in
// brackets after it (S3线(成资)).
func (gz *Gazetteer) codeLineAt(d *Doc, c Span, k, j int) (mention, bool) {
	s := d.Text
	if s[k] >= 0x80 || !isASCIILetter(byte(s[k])) || lineCategory(s[k:j]) != graph.CategoryRail {
		return mention{}, false
	}
	if k > c.Start && !isBreak(s[k-1]) && !strings.ContainsRune("和与及的了(“", s[k-1]) && gz.verbEndingAt(s, k, c.Start) == 0 {
		return mention{}, false
	}
	if !gz.endsName(s, j, c.End) {
		return mention{}, false
	}
	m := mention{kind: mInitiative, span: Span{k, j}, name: string(s[k:j]), head: string(s[k:j]), category: graph.CategoryRail}
	if _, ps := gz.bracketCompound(s, j, c.End); len(ps) > 0 {
		m.places = ps
	}
	return m, true
}

// compoundLineAt reads a line named by the compound of two or more places
// and 线, ending at s[j] (璧铜线, 渝万线), standing alone: after a break, a
// verb, a conjunction or 的, and before what may end a name. Its phase or
// section may follow (璧铜线二期).
func (gz *Gazetteer) compoundLineAt(d *Doc, c Span, j int) (mention, bool) {
	s := d.Text
	for n := 4; n >= 2; n-- {
		k := j - 1 - n
		if k < c.Start {
			continue
		}
		ps, m := gz.compoundAt(s[k:j-1], 0, d.Place)
		if len(ps) < 2 || m != n {
			continue
		}
		if k > c.Start && !isBreak(s[k-1]) && !strings.ContainsRune("和与及的了“", s[k-1]) && gz.verbEndingAt(s, k, c.Start) == 0 {
			return mention{}, false
		}
		end := gz.suffixAt(s[:c.End], j)
		if !gz.endsName(s, end, c.End) && end == j {
			return mention{}, false
		}
		return mention{kind: mInitiative, span: Span{k, end}, name: string(s[k:end]), head: "线",
			category: graph.CategoryRail, places: ps}, true
	}
	return mention{}, false
}

// bracketCompound reads a bracket right at s[i] that holds only places or a
// compound of them ((成资), (成都至资阳)), returning its end and the places.
func (gz *Gazetteer) bracketCompound(s []rune, i, end int) (int, []*Place) {
	if i >= end || s[i] != '(' {
		return i, nil
	}
	k := skipParen(s, i, end)
	if k == i {
		return i, nil
	}
	inner := s[i+1 : k-1]
	ps, n := gz.compoundAt(inner, 0, nil)
	if len(ps) == 0 || n != len(inner) {
		return i, nil
	}
	return k, ps
}

// shortNameAfter returns the short name an aside right after a name gives
// it: (下称:S11线), (简称示范区), (以下简称“内自同城化”); or "".
func shortNameAfter(s []rune, i, end int) string {
	if i >= end || s[i] != '(' {
		return ""
	}
	k := skipParen(s, i, end)
	if k == i {
		return ""
	}
	inner := string(s[i+1 : k-1])
	for _, lead := range []string{"以下简称", "以下称", "下称", "简称"} {
		if rest, ok := strings.CutPrefix(inner, lead); ok {
			rest = strings.Trim(rest, ":：“”\" ")
			if n := len([]rune(rest)); n >= 2 && n <= 16 {
				return rest
			}
		}
	}
	return ""
}

// isBareHead reports whether a short name is only a head noun, perhaps with
// generic modifiers (示范区, 新区): too vague to stand for the name.
func (gz *Gazetteer) isBareHead(name string) bool {
	r := []rune(name)
	if len(r) == 0 {
		return false
	}
	for _, h := range gz.headsBy[r[len(r)-1]] { // longest first
		if hasRunes(r, len(r)-len(h.runes), h.runes) {
			return gz.isGeneric(string(r[:len(r)-len(h.runes)]))
		}
	}
	return false
}

func appendPlace(ps []*Place, p *Place) []*Place {
	for _, q := range ps {
		if q == p {
			return ps
		}
	}
	return append(ps, p)
}

// suffixAt returns the end of a word of cues/suffixes.txt at s[i] (一期工程,
// 二期, 扩容), or i when none starts there.
func (gz *Gazetteer) suffixAt(s []rune, i int) int {
	for _, suf := range gz.suffixes {
		if hasString(s, i, suf) {
			return i + len([]rune(suf))
		}
	}
	return i
}

// placeNameAt returns the place name, or else the county's two-character
// short name, at s[i].
func (gz *Gazetteer) placeNameAt(s []rune, i int) (nameEntry, bool) {
	if e, ok := gz.names.longest(s, i); ok && e.kind == namePlace {
		return e, true
	}
	return gz.counties.longest(s, i)
}

// placeAt returns the end of a place name, or a county's two-character
// short name, at s[i], or i when there is none.
func (gz *Gazetteer) placeAt(s []rune, i int) int {
	if e, ok := gz.placeNameAt(s, i); ok {
		return i + len(e.text)
	}
	return i
}

// spelledPlaces reads s as full place names one after another (资阳大足,
// 合川广安长寿) and returns them; nothing when s is anything else or names
// fewer than two.
func (gz *Gazetteer) spelledPlaces(s []rune, ctx *Place) []*Place {
	var ps []*Place
	for i := 0; i < len(s); {
		e, ok := gz.placeNameAt(s, i)
		if !ok {
			return nil
		}
		ps = append(ps, bestPlace(e.place, ctx))
		i += len(e.text)
	}
	if len(ps) < 2 {
		return nil
	}
	return ps
}

// sectionAt returns the end of a section between two places at s[i]
// (重庆至黔江段), or i when there is none. The first place must be known;
// the second may lie beyond the gazetteer (雅安至林芝段) if it is two to
// four Han characters before 段.
func (gz *Gazetteer) sectionAt(s []rune, i int) int {
	k := gz.placeAt(s, i)
	if k == i || k >= len(s) || (s[k] != '至' && s[k] != '到') {
		return i
	}
	k++
	if k2 := gz.placeAt(s, k); k2 > k && (hasString(s, k2, "段") || hasString(s, k2, "线")) {
		return k2 + 1
	}
	for n := 2; n <= 4 && k+n < len(s); n++ {
		if !unicode.Is(unicode.Han, s[k+n-1]) || isBreak(s[k+n-1]) {
			break
		}
		if s[k+n] == '段' {
			return k + n + 1
		}
	}
	return i
}

// bodyAt reads the body name whose ending ends at j.
func (gz *Gazetteer) bodyAt(d *Doc, c Span, j int, ending string) (mention, bool) {
	s := d.Text
	hs := j - len([]rune(ending))
	b := gz.leftEdge(s, c.Start, hs, "与和及同")
	if hs-b < 1 || (hs-b < 2 && s[b] != '市' && s[b] != '省' && s[b] != '区' && s[b] != '县') {
		return mention{}, false
	}
	name := string(s[b:j])
	// 简阳市政府 is 简阳市人民政府
	if strings.HasSuffix(ending, "政府") && !strings.HasSuffix(ending, "人民政府") {
		name = string(s[b:hs]) + string([]rune(ending)[0]) + "人民政府"
	}
	// 市交通运输局 in Chengdu's report is 成都市交通运输局
	if d.Place != nil && (s[b] == '市' || s[b] == '省') && !d.Place.isRegion() {
		name = d.Place.Name + string(s[b+1:j])
		if s[b] == '省' && d.Place.Parent != nil {
			name = d.Place.Parent.Name + string(s[b+1:j])
		}
	}
	// 市发展改革委 and 市发改委 are the 发展和改革委员会 the sector table names
	for _, short := range []string{"发展改革委", "发改委"} {
		if k, ok := strings.CutSuffix(name, short); ok && k != "" && !strings.HasSuffix(k, "国家") {
			name = k + "发展和改革委员会"
		}
	}
	return mention{kind: mBody, span: Span{b, j}, name: name, head: ending}, true
}

// isGeneric reports whether the words before a head are only common
// modifiers, so the phrase names a class (重大项目, 城市商圈), not a thing.
func (gz *Gazetteer) isGeneric(prefix string) bool {
	// 国家铁路, 国家公园: a national class; 国家技术创新中心 names a designation
	if prefix == "国家" {
		return true
	}
	for prefix != "" {
		cut := false
		// 新经济 is a sector's name, as 数字经济 is, not 新 and 经济
		if strings.HasPrefix(prefix, "新经济") {
			return false
		}
		for _, w := range genericWords {
			if strings.HasPrefix(prefix, w) {
				prefix = prefix[len(w):]
				cut = true
				break
			}
		}
		if !cut {
			return false
		}
	}
	return true
}

// genericWords are modifiers that do not make a name, longest first (各项
// before 各; sorted in init).
var genericWords = []string{"标志性", "重大", "重点", "一批", "新型", "相关", "各类", "城市", "特色", "区域", "重要",
	"国家级", "省级", "市级", "综合", "新", "大型", "现代", "交叉研究", "研究", "领域", "服务", "合作",
	"这些", "各", "有关", "其他", "等", "该", "本", "全", "农村", "城乡", "各项", "产业化", "产业", "工业", "城建",
	"民生", "招商", "在建", "新建", "续建", "基础设施", "交通", "省市", "挂图作战", "政府投资", "社会投资", "市级重点",
	"省级重点", "优势", "主体", "发展", "规划", "片区", "世界级", "千亿级", "万亿级", "近期", "工作",
	"年度", "省域", "经济", "开放", "高品质", "大", "副", "控制性", "物流", "对外", "跨区域", "公共服务", "公共", "数据", "会展", "文化", "体育",
	"商务", "金融", "科创", "创新", "研发", "教育", "医疗", "养老", "旅游", "商贸", "双创", "孵化", "技术", "政务", "人才",
	"和", "及", "与"}

func init() {
	slices.SortStableFunc(genericWords, func(a, b string) int { return len(b) - len(a) })
}

// placesInName returns the places a name refers to: full place names
// anywhere in it, and an abbreviation compound at its start (成资 is 成都 and
// 资阳, 天眉乐 is 天府新区, 眉山 and 乐山).
func (gz *Gazetteer) placesInName(name []rune, ctx *Place) []*Place {
	var out []*Place
	var add func(p *Place)
	add = func(p *Place) {
		// 川渝 in a name is 四川 and 重庆 themselves: a pair of provinces is
		// no region of its own for an initiative it names
		if gz.provincePair(p) {
			for _, m := range p.Members {
				add(m)
			}
			return
		}
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	// G318川藏公路, G5京昆高速, RCEP成德合作园区: a compound after a road's
	// number or an acronym
	start := 0
	for start < len(name) && start < 6 && name[start] < 0x80 && (unicode.IsLetter(name[start]) || unicode.IsDigit(name[start])) {
		start++
	}
	ps, n := gz.compoundAt(name, start, ctx)
	n += start
	// 成渝副中心, 川渝陕结合部区域现代服务业中心: a centre stands in one place;
	// a compound of several before it names the area it serves, not where
	// it is
	served := false
	if len(ps) > 1 || len(ps) == 1 && gz.provincePair(ps[0]) {
		if h, ok := gz.headEndingAt(name, len(name)); ok && h.category == graph.CategoryCentre {
			pre := string(name[n : len(name)-len(h.runes)])
			served = strings.HasSuffix(string(name), "副中心") || strings.Contains(pre, "结合部") || strings.Contains(pre, "区域")
		}
	}
	for _, p := range ps {
		if !served {
			add(p)
		}
	}
	// 川渝万达开地区: a compound right after the first, of three or more
	// (in 川南渝西融合发展试验区 渝西 is a part of Chongqing, not 重庆-西安)
	for k := 0; k < 2 && len(ps) > 0 && n < len(name); k++ {
		if ps, m := gz.compoundAt(name, n, ctx); len(ps) > 0 && m >= 3 {
			for _, p := range ps {
				if !served {
					add(p)
				}
			}
			n += m
		} else {
			break
		}
	}
	// 川南城际铁路宜泸段, 隆黄铁路隆叙段: a section between the places its
	// own compound names
	if k := len(name) - 1; k-n >= 3 && name[k] == '段' {
		for i := max(n, k-4); i <= k-2; i++ {
			if ps, m := gz.compoundAt(name[:k], i, ctx); len(ps) >= 2 && i+m == k {
				for _, p := range ps {
					add(p)
				}
				break
			}
		}
	}
	for i := n; i < len(name); i++ {
		// 成都外环铁路(成德段): a compound in brackets
		if name[i] == '(' {
			if ps, m := gz.compoundAt(name, i+1, ctx); len(ps) > 0 {
				for _, p := range ps {
					add(p)
				}
				i += m
				continue
			}
		}
		// 嘉陵江 is a river, not 嘉陵 + 江
		w, isWord := gz.words.longest(name, i)
		if e, ok := gz.names.longest(name, i); ok && (!isWord || len(e.text) >= len(w.text)) {
			if e.kind == namePlace {
				add(bestPlace(e.place, ctx))
			}
			i += len(e.text) - 1
			continue
		}
		if isWord {
			i += len(w.text) - 1
			continue
		}
		// inside a name, two-character county names are safe to read: 安岳柠檬产业园, 资阳至简阳
		if e, ok := gz.counties.longest(name, i); ok {
			add(bestPlace(e.place, ctx))
			i += len(e.text) - 1
		}
	}
	return out
}

// compoundAt decodes the place names or abbreviation compound at name[i]:
// a full gazetteer place name wins; otherwise a run of two or more
// one-character abbreviations (or one strong abbreviation such as 渝).
// It returns the places and the runes consumed.
func (gz *Gazetteer) compoundAt(name []rune, i int, ctx *Place) ([]*Place, int) {
	if i >= len(name) {
		return nil, 0
	}
	e, ok := gz.names.longest(name, i)
	if !ok || e.kind != namePlace {
		// 开江至梁平, 营山至达州: a county's short name is a place when 至 links
		// it to another
		if c, cok := gz.counties.longest(name, i); cok && i+len(c.text)+1 < len(name) && strings.ContainsRune("至到", name[i+len(c.text)]) {
			if _, linked := gz.placeNameAt(name, i+len(c.text)+1); linked {
				e, ok = c, true
			}
		}
	}
	if ok && e.kind == namePlace && !gz.compoundNearer(e, ctx) {
		ps, n := []*Place{bestPlace(e.place, ctx)}, len(e.text)
		// 成都至资阳, 德阳到简阳: a link between two places; 重庆至成都至西安:
		// through a third
		for k := i + n; k < len(name) && strings.ContainsRune("至到—–-", name[k]); k = i + n { // 广安—渝北 too
			e2, ok := gz.placeNameAt(name, k+1)
			if !ok {
				break
			}
			ps, n = append(ps, bestPlace(e2.place, ctx)), n+1+len(e2.text)
		}
		return ps, n
	}
	// 渝南黔北: a province's abbreviation and a direction, twice or more,
	// names parts of provinces (southern Chongqing, northern Guizhou), not
	// 南充 between them
	if ps, n := gz.directedProvinces(name, i); n > 0 {
		return ps, n
	}
	j := i
	for j < len(name) {
		if _, ok := gz.abbrevs[name[j]]; !ok || gz.headStartsAt(name, j) {
			break
		}
		// 川渝天然气: the run ends before an ordinary word or a river
		if _, ok := gz.words.longest(name, j); ok {
			break
		}
		// stop before a full place name: 成渝地区 after 成 in 成成渝地区 is unlikely,
		// but 蓉北 should not swallow 北.
		if j > i {
			if e, ok := gz.names.longest(name, j); ok && e.kind == namePlace {
				break
			}
		}
		j++
	}
	run := name[i:j]
	if len(run) == 1 && !gz.abbrevs[run[0]].strong {
		return nil, 0
	}
	if len(run) == 0 || blockedRuns[string(run)] {
		return nil, 0
	}
	// a two-character run that is a county's short name (开江, 南江) is that
	// county, unless the document's place lies far from it and near both
	// places the characters abbreviate: 大安粮药示范园区 in 安岳's text is 大足 and
	// 安岳, not 自贡's 大安
	if len(run) == 2 {
		if e, ok := gz.counties.longest(run, 0); ok && len(e.text) == 2 {
			county := e.place[0]
			if ps := gz.decodeRun(run, ctx); !nearerCompound(ctx, county, ps) {
				return []*Place{county}, 2
			}
		}
	}
	return gz.decodeRun(run, ctx), len(run)
}

// directedProvinces reads pairs of a strong abbreviation and a direction
// (渝南黔北, 川东渝北) at name[i]: two pairs or more give the provinces and the
// runes consumed; otherwise nothing.
func (gz *Gazetteer) directedProvinces(name []rune, i int) ([]*Place, int) {
	var ps []*Place
	k := i
	for k+1 < len(name) && strings.ContainsRune("东南西北", name[k+1]) {
		a, ok := gz.abbrevs[name[k]]
		if !ok || !a.strong {
			break
		}
		ps = append(ps, a.targets[0])
		k += 2
	}
	if len(ps) < 2 {
		return nil, 0
	}
	return ps, k - i
}

// compoundNearer reports whether a two-character county name found in the
// gazetteer reads better as a compound of the two places its characters
// abbreviate (see nearerCompound).
func (gz *Gazetteer) compoundNearer(e nameEntry, ctx *Place) bool {
	if len(e.text) != 2 || ctx == nil {
		return false
	}
	p := bestPlace(e.place, ctx)
	if p.Level != graph.LevelCounty {
		return false
	}
	for _, r := range e.text {
		if _, ok := gz.abbrevs[r]; !ok {
			return false
		}
	}
	return nearerCompound(ctx, p, gz.decodeRun(e.text, ctx))
}

// nearerCompound reports whether the places of a compound lie nearer the
// document's place than a county of the same name, and on average within
// half its distance, so the text means the compound.
func nearerCompound(ctx, county *Place, ps []*Place) bool {
	if ctx == nil || ctx.isRegion() || len(ps) < 2 {
		return false
	}
	d := distanceKm(ctx, county)
	if d < 0 {
		return false
	}
	sum := 0.0
	for _, p := range ps {
		dp := distanceKm(ctx, p)
		if dp < 0 || dp > d {
			return false
		}
		sum += dp
	}
	return sum/float64(len(ps))*2 <= d
}

// headStartsAt reports whether a head noun starts at name[j]: 成资大道 is
// 成资 + 大道, not 成, 资 and 大(足).
func (gz *Gazetteer) headStartsAt(name []rune, j int) bool {
	if j < 0 || j >= len(name) {
		return false
	}
	for _, h := range gz.headsFirst[name[j]] {
		if hasRunes(name, j, h.runes) {
			return true
		}
	}
	return false
}

// blockedRuns are runs of abbreviation characters that are ordinary words.
var blockedRuns = map[string]bool{"西南": true, "达成": true, "开成": true, "内成": true}

// decodeRun picks a place for each abbreviation character, preferring
// candidates at the level and in the province of the unambiguous parts.
func (gz *Gazetteer) decodeRun(run []rune, ctx *Place) []*Place {
	var sure []*Place
	for _, r := range run {
		if a := gz.abbrevs[r]; len(a.targets) == 1 {
			sure = append(sure, a.targets[0])
		}
	}
	var out []*Place
	for _, r := range run {
		a := gz.abbrevs[r]
		best, bestScore := a.targets[0], -1
		spread, evidence := false, false
		for rank, t := range a.targets {
			score := 0
			// the document's place says which province, not which tier:
			// 成巴 in Sichuan's report is still 巴中
			if ctx != nil && ctx != t && prov(ctx) != nil && prov(ctx) == prov(t) {
				score++
			}
			// the document's own city: 广巴 in 广元's report is 广元-巴中
			if ctx == t && t.Level != graph.LevelProvince {
				score += 3
			}
			for _, o := range sure {
				if o == t {
					continue
				}
				if tier(o) == tier(t) {
					score += 2
				}
				if prov(o) != nil && prov(o) == prov(t) {
					score++
				}
			}
			spread = spread || prov(t) != prov(a.targets[0])
			evidence = evidence || score > 0
			// the targets come most likely first: a later one needs more
			// evidence
			if score-rank > bestScore {
				best, bestScore = t, score-rank
			}
		}
		// 渝宜 in Chongqing's text: nothing speaks for 宜宾 (四川) or for 宜昌
		// (湖北), so the compound does not say which; leave the character
		// unread rather than guess
		if !evidence && spread && len(run) > 1 {
			continue
		}
		out = append(out, best)
	}
	return out
}

// tier ranks a place for pairing in a compound: lines and corridors join
// peers. 3: a province-level place or a provincial capital (沪汉蓉 is 武汉,
// 西成 is 西安); 2: a prefecture-level city, or the seat of an autonomous
// prefecture (宜西攀 and 乐西 are 西昌; 汉巴南 is 汉中); 1: another county;
// 0: a region or the country. Capitals and seats are read from their codes
// (xx0100; xxxx01 under a prefecture that is no 市).
func tier(p *Place) int {
	switch p.Level {
	case graph.LevelProvince:
		return 3
	case graph.LevelPrefecture:
		if strings.HasSuffix(p.Code, "0100") {
			return 3
		}
		return 2
	case graph.LevelCounty:
		if q := p.Parent; q != nil && q.Level == graph.LevelPrefecture && !strings.HasSuffix(q.Name, "市") &&
			strings.HasSuffix(p.Code, "01") {
			return 2
		}
		return 1
	}
	return 0
}

// prov returns the province a place lies in.
func prov(p *Place) *Place {
	for x := p; x != nil; x = x.Parent {
		if x.Level == graph.LevelProvince {
			return x
		}
	}
	return nil
}
