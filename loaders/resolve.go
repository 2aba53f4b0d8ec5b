package loaders

import (
	"slices"
	"strings"
	"unicode"

	"github.com/policygraph/policygraph/graph"
)

// expand resolves coordination and ellipsis in one clause's mentions:
//
//	交子公园、蓉北、西博城等城市商圈  -> 交子公园商圈, 蓉北商圈, 西博城商圈
//	成南、成乐、成绵等高速公路扩容    -> 成南高速公路扩容, 成乐..., 成绵...
//	成德、成眉市域(郊)铁路           -> 成德市域(郊)铁路, 成眉市域(郊)铁路
//
// and numbers groups of conjoined initiatives so they share a stage.
func (gz *Gazetteer) expand(d *Doc, c Span, ms []mention, nextGroup *int) []mention {
	s := d.Text
	var out []mention
	for _, m := range ms {
		if m.kind == mBody {
			out = append(out, gz.bodyList(d, c, m)...)
		}
		if m.kind != mInitiative {
			out = append(out, m)
			continue
		}
		*nextGroup++
		group := *nextGroup
		// X、Y、Z等<class>: the class names what the items are (a count may
		// stand between: 等一批产业合作项目).
		if k := listMarkBefore(s, c.Start, m.span.Start); k >= 0 {
			items := gz.listItems(s, c.Start, k)
			// the words the items share: the class after its generic
			// modifiers (城市商圈 gives 商圈, 快速物流通道 all of it)
			headText := gz.classWords(m)
			for _, it := range items {
				if hasInitiativeAt(out, it) {
					markGroup(out, it, group)
					continue
				}
				item := string(s[it.Start:it.End])
				if strings.TrimSpace(item) == "" {
					continue
				}
				// 天府新区、东部新区等国家级新区: a place of the gazetteer whose name
				// ends in the class's head is that place, not an initiative
				if e, ok := gz.names.longest(s[:it.End], it.Start); ok && e.kind == namePlace &&
					it.Start+len(e.text) == it.End && strings.HasSuffix(item, m.head) {
					// a peer of the list's initiatives, not where they are
					for k := range out {
						if out[k].kind == mPlace && out[k].span == it {
							out[k].generic = true
						}
					}
					continue
				}
				places, n := gz.compoundAt(s[it.Start:it.End], 0, d.Place)
				var name, alias string
				if m.category == graph.CategoryIndustrialBelt && len(places) == 0 {
					continue // 汽车、电子信息等世界级产业集群: the items are industries
				}
				if worksClass[m.name] {
					// 福华8万吨甘氨酸、川南减震技改搬迁等项目: each item is a project;
					// in 交通、水利等重大项目 the items are sectors
					if len([]rune(item)) < 3 || gz.isGeneric(item) {
						continue
					}
					name = item
				} else if n == it.End-it.Start && len(places) > 0 {
					// 成南 + 高速公路扩容 is the expressway 成南高速, being expanded
					name, alias = item+gz.shortHead(m.name), item+m.name
				} else {
					name = item + headText // 交子公园 + 商圈
				}
				nm := mention{kind: mInitiative, span: it, name: name, alias: alias, head: m.head, category: m.category, group: group}
				nm.places = gz.placesInName([]rune(name), d.Place)
				out = dropMentionsIn(out, it)
				out = append(out, nm)
			}
			// 石刻文创园、大安粮药示范园区等合作共建项目: joint projects lie between
			// the parties, which the items that name places show
			if class := string(s[m.span.Start:m.span.End]); strings.Contains(class, "合作") || strings.Contains(class, "共建") {
				sharePartners(out, group)
			}
			m.group = group
			m.generic = true
			out = append(out, m)
			continue
		}
		// 地铁3号线、4号线、7号线: line codes after a line share its words
		// before its code
		if k := gz.lineCodeStart(s, m.span); k > m.span.Start {
			prefix := string(s[m.span.Start:k])
			at := m.span.End
			for at < c.End && s[at] == '、' {
				e := lineCode(s, at+1, c.End)
				if e == at+1 {
					break
				}
				e = gz.suffixAt(s[:c.End], e) // 19号线二期
				it := Span{at + 1, e}
				name := prefix + string(s[it.Start:it.End])
				out = append(out, mention{kind: mInitiative, span: it, name: name, head: m.head, category: m.category,
					group: group, places: gz.placesInName([]rune(name), d.Place)})
				at = e
			}
		}
		// 成达万高铁达州段和万州段: sections after a line's section share the
		// line's words
		if k := gz.sectionStart(s, m.span); k > m.span.Start {
			prefix := string(s[m.span.Start:k])
			at := m.span.End
			for at+1 < c.End && strings.ContainsRune("、和及与", s[at]) {
				e := gz.placeAt(s[:c.End], at+1)
				if e == at+1 || !hasString(s[:c.End], e, "段") {
					break
				}
				it := Span{at + 1, e + 1}
				name := prefix + string(s[it.Start:it.End])
				out = append(out, mention{kind: mInitiative, span: it, name: name, head: m.head, category: m.category,
					group: group, places: gz.placesInName([]rune(name), d.Place), whole: m.whole})
				at = it.End
			}
		}
		// X、Y<head> where X is only a place compound: X shares Y's words after
		// Y's own place compound.
		m.group = group
		// Not when Y ends an 等 list (X、Y古镇等重点产业园: the class names the
		// items) or stands inside a list (X、Y古镇、Z等…: Y's head is its own).
		if !m.generic && !(m.span.End < c.End && strings.ContainsRune("等、", s[m.span.End])) {
			// the words X shares: those after Y's place compound, or, when Y
			// has none the gazetteer knows (涪江, a river), from Y's head on
			rest := ""
			if ps, n := gz.compoundAt([]rune(m.name), 0, d.Place); n > 0 && len(ps) > 0 {
				rest = string([]rune(m.name)[n:])
			} else if k := strings.Index(m.name, m.head); k > 0 {
				rest = m.name[k:]
			}
			if rest != "" {
				at := m.span.Start
				for at > c.Start && s[at-1] == '、' {
					it := gz.itemBefore(s, c.Start, at-1)
					if it.Start >= it.End || hasInitiativeAt(out, it) {
						break
					}
					// the item is a place compound, perhaps with a short qualifier: 成渝中线、渝昆、渝万高铁
					ips, in := gz.compoundAt(s[it.Start:it.End], 0, d.Place)
					if len(ips) == 0 || it.End-it.Start-in > 2 {
						break
					}
					name := string(s[it.Start:it.End]) + rest
					nm := mention{kind: mInitiative, span: it, name: name, head: m.head, category: m.category, group: group}
					nm.places = gz.placesInName([]rune(name), d.Place)
					out = dropMentionsIn(out, it)
					out = append(out, nm)
					at = it.Start
				}
			}
		}
		out = append(out, m)
	}
	sortMentions(out)
	out = gz.listNeighbours(d, c, out)
	// Initiatives joined only by 、 (or 和, 及, 与) share a group, hence a stage.
	var prev *mention
	for i := range out {
		m := &out[i]
		if m.kind != mInitiative {
			continue
		}
		if prev != nil && m.span.Start-prev.span.End == 1 && strings.ContainsRune("、和及与", s[prev.span.End]) {
			regroup(out, m.group, prev.group)
		}
		prev = m
	}
	// 建设A、B、C发展定位, “A、B”的三大目标定位: what a place is to become, not
	// works; the whole list goes
	for i := range out {
		m := &out[i]
		if m.kind != mInitiative || m.generic || !positioningAhead(s, m.span.End, c.End) {
			continue
		}
		g := m.group
		for k := range out {
			if out[k].kind == mInitiative && out[k].group == g {
				out[k].generic = true
			}
		}
	}
	return out
}

// positioningAhead reports whether a positioning word follows at, or after
// more items of the list (、山水园林宜居城、总部经济聚集区发展定位).
func positioningAhead(s []rune, at, end int) bool {
	if positioningAfter(s, at, end) {
		return true
	}
	for at < end && s[at] == '、' {
		at++
		for n := 0; at < end && n < 16 && unicode.Is(unicode.Han, s[at]); at, n = at+1, n+1 {
			if positioningAfter(s, at, end) {
				return true
			}
		}
	}
	return false
}

// positioningAfter reports whether s[at:end] opens with a positioning word
// (定位), perhaps after a closing quote, 的, a count (三大) and a kind
// (发展, 目标, 功能, 城市, 战略).
func positioningAfter(s []rune, at, end int) bool {
	for at < end && strings.ContainsRune("”’」』\"", s[at]) {
		at++
	}
	if at < end && s[at] == '的' {
		at++
	}
	for at < end && strings.ContainsRune("一二三四五六七八九十两几", s[at]) {
		at++
	}
	if at < end && strings.ContainsRune("大个项", s[at]) && at > 0 && strings.ContainsRune("一二三四五六七八九十两几", s[at-1]) {
		at++
	}
	for _, w := range []string{"发展", "目标", "功能", "城市", "战略"} {
		if hasString(s[:end], at, w) {
			at += len([]rune(w))
			break
		}
	}
	return hasString(s[:end], at, "定位")
}

// sharePartners gives the items of list group that name no place the places
// its other items connect (two or more), when there is one such set.
func sharePartners(ms []mention, group int) {
	var parties []*Place
	for _, m := range ms {
		if m.kind != mInitiative || m.group != group || len(m.places) < 2 {
			continue
		}
		if parties != nil && !slices.Equal(parties, m.places) {
			return // the items link different parties
		}
		parties = m.places
	}
	if parties == nil {
		return
	}
	for k := range ms {
		if ms[k].kind == mInitiative && ms[k].group == group && len(ms[k].places) == 0 {
			ms[k].places = parties
		}
	}
}

// listNeighbours reads the items of a list that stand beside initiatives
// without a head of their own: 青衣江大道北段、嘉瑞大道、瑞祥路、大渡河大桥加宽改造 lists
// four works. An item between two initiatives is one; an item at a list's
// end is one when it opens with a place (重庆站改造) or closes with a works
// word (渝遂扩能二期). Items are 3 to 16 characters, hold no verb and are no
// place or generic phrase.
func (gz *Gazetteer) listNeighbours(d *Doc, c Span, ms []mention) []mention {
	s := d.Text
	isInit := func(i int) bool { return i >= 0 && i < len(ms) && ms[i].kind == mInitiative && !ms[i].generic }
	covered := func(sp Span) bool {
		for _, m := range ms {
			if m.kind != mPlace && m.span.Start < sp.End && sp.Start < m.span.End {
				return true
			}
		}
		return false
	}
	var add []mention
	try := func(sp Span, both bool, group int) {
		n := sp.End - sp.Start
		if n < 3 || n > 16 || covered(sp) {
			return
		}
		item := s[sp.Start:sp.End]
		for k := sp.Start; k < sp.End; k++ {
			if isBreak(s[k]) || strings.ContainsRune("的了和及与", s[k]) {
				return
			}
			// no verb, but a works verb that ends the item (重庆站改造)
			if v := gz.verbEndingAt(s, k+1, sp.Start); v > 0 && !gz.inWord(s, sp.Start, k+1-v, k+1) &&
				!(k+1 == sp.End && nounVerbs[string(s[k+1-v:k+1])]) {
				return
			}
		}
		if gz.isGeneric(string(item)) {
			return
		}
		// a plan named beside an initiative (…规划纲要和国家铁路) is no work
		if endsWithTitleWord(item) {
			return
		}
		// a place listed beside initiatives (天府新区、两江新区) stays a place
		if e, ok := gz.names.longest(item, 0); ok && len(e.text) == len(item) {
			return
		}
		if !both {
			ps, _ := gz.compoundAt(item, 0, d.Place)
			if len(ps) == 0 && gz.suffixEnding(item) == "" {
				return
			}
		}
		m := mention{kind: mInitiative, span: sp, name: string(item), category: graph.CategoryOther, group: group}
		m.places = gz.placesInName(item, d.Place)
		add = append(add, m)
	}
	for i := range ms {
		if !isInit(i) {
			continue
		}
		m := ms[i]
		// the item before: 、 or a conjunction right before this name
		if at := m.span.Start - 1; at > c.Start && strings.ContainsRune("、和及与", s[at]) {
			it := gz.itemBefore(s, c.Start, at)
			before := it.Start - 1
			both := before >= c.Start && s[before] == '、' && hasInitiativeEndingAt(ms, before)
			try(it, both, m.group)
		}
		// the item after: up to the next list mark or break
		if at := m.span.End; at < c.End && strings.ContainsRune("、和及与", s[at]) {
			e := at + 1
			for e < c.End && !isBreak(s[e]) && !strings.ContainsRune("、和及与等", s[e]) && e-at <= 16 {
				e++
			}
			both := e < c.End && s[e] == '、' && hasInitiativeStartingAt(ms, e+1)
			if e < c.End && s[e] == '等' {
				continue // the 等 list's own rule reads it
			}
			// the last item may end with a stage cue: …和重庆站改造
			if !both && e > at+1 && !(e >= c.End || isBreak(s[e])) {
				continue
			}
			try(Span{at + 1, e}, both, m.group)
		}
	}
	if len(add) == 0 {
		return ms
	}
	for _, m := range add {
		ms = dropMentionsIn(ms, m.span) // its places are the item's own
	}
	ms = append(ms, add...)
	sortMentions(ms)
	return ms
}

// suffixEnding returns the works word (cues/suffixes.txt) a name ends with,
// or "".
func (gz *Gazetteer) suffixEnding(name []rune) string {
	for _, suf := range gz.suffixes {
		if n := len([]rune(suf)); n < len(name) && string(name[len(name)-n:]) == suf {
			return suf
		}
	}
	return ""
}

func hasInitiativeEndingAt(ms []mention, end int) bool {
	for _, m := range ms {
		if m.kind == mInitiative && m.span.End == end {
			return true
		}
	}
	return false
}

func hasInitiativeStartingAt(ms []mention, start int) bool {
	for _, m := range ms {
		if m.kind == mInitiative && m.span.Start == start {
			return true
		}
	}
	return false
}

// worksClass are the classes whose list items are projects named as the
// text gives them: X、Y等项目竣工 is X and Y, not X项目 and Y项目.
var worksClass = map[string]bool{"项目": true, "工程": true, "重大项目": true, "重点项目": true, "重大工程": true,
	"重点工程": true, "产业化项目": true, "产业项目": true, "合作项目": true, "产业合作项目": true, "合作共建项目": true}

// bodyList expands the bodies a body name shares its ending with:
// 德阳市、眉山市、资阳市人民政府 is three people's governments.
func (gz *Gazetteer) bodyList(d *Doc, c Span, m mention) []mention {
	s := d.Text
	name := []rune(m.name)
	ps, n := gz.compoundAt(s[m.span.Start:m.span.End], 0, d.Place)
	if len(ps) != 1 || n == 0 {
		return nil
	}
	// the ending after the body's own place: 市人民政府 after 资阳
	rest := string(s[m.span.Start+n : m.span.End])
	if e, ok := gz.names.longest(s, m.span.Start); ok && e.kind == namePlace {
		rest = string(name[len([]rune(string(s[m.span.Start:m.span.Start+len(e.text)]))):])
	}
	var out []mention
	at := m.span.Start
	for at > c.Start && s[at-1] == '、' {
		it := gz.itemBefore(s, c.Start, at-1)
		e, ok := gz.names.longest(s[:it.End], it.Start)
		if !ok || e.kind != namePlace || it.Start+len(e.text) < it.End-1 {
			break
		}
		p := bestPlace(e.place, d.Place)
		out = append(out, mention{kind: mBody, span: it, name: p.Name + strings.TrimPrefix(rest, "市"), head: m.head})
		at = it.Start
	}
	return out
}

// shortHead is the name a head phrase gives a place compound in prose: the
// works words (扩容, 一期工程) dropped and 高速公路 said as 高速.
func (gz *Gazetteer) shortHead(phrase string) string {
	for _, suf := range gz.suffixes {
		if strings.HasSuffix(phrase, suf) && len(phrase) > len(suf) {
			phrase = strings.TrimSuffix(phrase, suf)
			break
		}
	}
	if strings.HasPrefix(phrase, "高速公路") {
		phrase = "高速" + strings.TrimPrefix(phrase, "高速公路")
	}
	return phrase
}

func regroup(ms []mention, from, to int) {
	for i := range ms {
		if ms[i].group == from {
			ms[i].group = to
		}
	}
}

// listMarkBefore returns where the 等 that ends a list stands before a class
// starting at start, with perhaps a count between (等5个, 等一批), or -1.
func listMarkBefore(s []rune, from, start int) int {
	for k := start - 1; k >= from && start-k <= 5; k-- {
		if s[k] == '等' {
			if k+1 == start || countAt(s, k+1, start+1) == start {
				return k
			}
			return -1
		}
	}
	return -1
}

// classWords returns the words of a list's class (m, after 等) that its
// items share: all of them but the generic modifiers in front.
func (gz *Gazetteer) classWords(m mention) string {
	name := []rune(m.name)
	hs := strings.Index(m.name, m.head)
	if hs < 0 {
		return m.name
	}
	pre := []rune(m.name[:hs])
	for k := len(pre); k > 0; k-- {
		if gz.isGeneric(string(pre[:k])) {
			return string(name[k:])
		}
	}
	return m.name
}

// listItems returns the items of a 、-separated list ending at end (the 等).
// An item of two place compounds joined by 和, 及 or 与 is two items: 渝万和
// 成达万等高铁 lists 渝万 and 成达万.
func (gz *Gazetteer) listItems(s []rune, from, end int) []Span {
	var items []Span
	at := end
	for {
		it := gz.itemBefore(s, from, at)
		if it.Start >= it.End {
			break
		}
		items = append(gz.splitJoined(s, splitQuoted(s, it)), items...)
		if it.Start > from && s[it.Start-1] == '、' {
			at = it.Start - 1
			continue
		}
		break
	}
	return items
}

// splitJoined splits items made of two place compounds joined by 和, 及 or
// 与 (渝万和成达万).
func (gz *Gazetteer) splitJoined(s []rune, items []Span) []Span {
	var out []Span
	for _, it := range items {
		split := false
		for k := it.Start + 2; k < it.End-1; k++ {
			if !strings.ContainsRune("和及与", s[k]) {
				continue
			}
			lps, ln := gz.compoundAt(s[it.Start:k], 0, nil)
			rps, rn := gz.compoundAt(s[k+1:it.End], 0, nil)
			if len(lps) > 0 && ln == k-it.Start && len(rps) > 0 && rn == it.End-k-1 {
				out = append(out, Span{it.Start, k}, Span{k + 1, it.End})
				split = true
				break
			}
		}
		if !split {
			out = append(out, it)
		}
	}
	return out
}

// itemBefore returns the list item that ends at end: back to a 、, a
// punctuation mark, a particle or a governing verb.
func (gz *Gazetteer) itemBefore(s []rune, from, end int) Span {
	b := end
	for b > from && end-b < maxName {
		r := s[b-1]
		if isBreak(r) || r == '的' || r == '了' {
			break
		}
		if v := gz.verbEndingAt(s, b, from); v > 0 && !gz.inWord(s, from, b-v, b) {
			if !gz.verbInName(s, b, v, from) {
				b = gz.shiftVerb(s, b, end, from)
				break
			}
			b -= v
			continue
		}
		b--
	}
	return Span{b, end}
}

// splitQuoted splits an item made of several quoted names (“蓉易办”“蓉易享”)
// into one item per name.
func splitQuoted(s []rune, it Span) []Span {
	var out []Span
	start := -1
	for i := it.Start; i < it.End; i++ {
		switch s[i] {
		case '“':
			start = i
		case '”':
			if start >= 0 {
				out = append(out, Span{start, i + 1})
				start = -1
			}
		}
	}
	if len(out) < 2 || out[0].Start != it.Start || out[len(out)-1].End != it.End {
		return []Span{it}
	}
	return out
}

// lineCodeStart returns where the line code that ends the name in sp, or
// comes before its last suffix, starts (3号线 in 地铁3号线, S11线 in 成德S11线,
// 18号线 in 地铁18号线三期), or sp.Start when there is none.
func (gz *Gazetteer) lineCodeStart(s []rune, sp Span) int {
	// most names hold no line at all: look for its 线 first
	if !slices.Contains(s[sp.Start:sp.End], '线') {
		return sp.Start
	}
	end := sp.End
	for _, suf := range gz.suffixes {
		if n := len([]rune(suf)); end-n > sp.Start && hasString(s, end-n, suf) {
			end -= n
			break
		}
	}
	if k := lineCodeEndingAt(s, sp.Start, end); k < end && k > sp.Start {
		return k
	}
	return sp.Start
}

// sectionStart returns where the section in one place that ends the name
// in sp starts (达州段 in 成达万高铁达州段), or sp.Start when there is none.
func (gz *Gazetteer) sectionStart(s []rune, sp Span) int {
	if sp.End-sp.Start < 4 || s[sp.End-1] != '段' {
		return sp.Start
	}
	for k := sp.End - 3; k > sp.Start+1 && sp.End-k <= 8; k-- {
		if gz.placeAt(s[:sp.End], k) == sp.End-1 {
			return k
		}
	}
	return sp.Start
}

// hasInitiativeAt reports whether an initiative ends where list item it does.
func hasInitiativeAt(ms []mention, it Span) bool { return hasInitiativeEndingAt(ms, it.End) }

func markGroup(ms []mention, it Span, group int) {
	for i := range ms {
		if ms[i].kind == mInitiative && ms[i].span.End == it.End {
			regroup(ms, ms[i].group, group)
		}
	}
}

// dropMentionsIn removes mentions inside it (places found in a list item
// become part of the expanded initiative).
func dropMentionsIn(ms []mention, it Span) []mention {
	out := ms[:0]
	for _, m := range ms {
		if it.Start <= m.span.Start && m.span.End <= it.End {
			continue
		}
		out = append(out, m)
	}
	return out
}

// stageOf returns the stage of each group of initiatives in a clause and the
// cue that gave it: a cue right after the group's last name (前期工作,
// 开工建设) wins over the nearest cue before its first name (加快建设).
func (gz *Gazetteer) stageOf(d *Doc, c Span, ms []mention) map[int]stageHit {
	s := d.Text
	first := map[int]int{}
	last := map[int]int{}
	for _, m := range ms {
		if m.kind != mInitiative {
			continue
		}
		if v, ok := first[m.group]; !ok || m.span.Start < v {
			first[m.group] = m.span.Start
		}
		if m.span.End > last[m.group] {
			last[m.group] = m.span.End
		}
	}
	out := map[int]stageHit{}
	for g, start := range first {
		if h, ok := gz.cueAfter(s, last[g], c.End); ok {
			h = gz.aspired(s, c.Start, last[g], h)
			// a bare 建设 after the name leaves the stage to the verb before it,
			// and 加快…建设 is construction under way
			if h.cue == "建设" {
				if strings.Contains(string(s[c.Start:start]), "加快") {
					h = stageHit{graph.StageUnderConstruction, "加快…建设"}
				} else if before, ok := gz.cueBefore(s, c.Start, start); ok {
					h = before
				}
			}
			out[g] = h
			continue
		}
		if h, ok := gz.cueBefore(s, c.Start, start); ok {
			out[g] = gz.aspired(s, c.Start, start, h)
		}
	}
	return out
}

// stageCells gives the initiatives of a table's row the stage its stage
// column states (建设阶段: 续建, 新开工, 竣工): a cell that is a stage cue and
// nothing else.
func (gz *Gazetteer) stageCells(d *Doc, st *Sentence, ms []mention) {
	s := d.Text
	for _, c := range st.Clauses {
		cell := strings.TrimSpace(string(s[c.Start:c.End]))
		if cell == "" {
			continue
		}
		for _, cue := range gz.stages {
			if cue.cue != cell {
				continue
			}
			for i := range ms {
				if ms[i].kind == mInitiative && ms[i].stage.stage == "" {
					ms[i].stage = stageHit{cue.stage, cue.cue}
				}
			}
			break
		}
	}
}

// aspired reads a stage cue in the light of the words before it in the
// clause (from to at): what a text seeks (争取早日开工建设, 争取…纳入) is BIDDING,
// and a completion it aims for (力争建成, 到2025年基本建成, 建成后将) is not yet
// done: the work is under way.
func (gz *Gazetteer) aspired(s []rune, from, at int, h stageHit) stageHit {
	before := s[max(from, at-16):at]
	switch {
	case h.stage == graph.StageStarting || h.stage == graph.StageCompleted || h.stage == graph.StageUnderConstruction:
		for _, w := range []string{"争取", "争创"} {
			if containsWord(before, w) {
				return stageHit{graph.StageBidding, w + "…" + h.cue}
			}
		}
		if h.stage != graph.StageCompleted {
			return h
		}
		// a target year (到2025年基本建成) is a goal: no stage
		for _, w := range []string{"到20", "目标"} {
			if containsWord(before, w) {
				return stageHit{}
			}
		}
		for _, w := range []string{"力争", "确保", "将", "计划", "预计", "推动"} {
			if containsWord(before, w) {
				return stageHit{graph.StageUnderConstruction, w + "…" + h.cue}
			}
		}
		// 年内建成, 明年建成: a date ahead (but 已于今年6月建成 is done)
		if !slices.Contains(before, '已') && !containsWord(before, "去年") && !containsWord(before, "以来") {
			for _, w := range []string{"年内", "今年", "明年", "本年"} {
				if containsWord(before, w) {
					return stageHit{graph.StageUnderConstruction, w + "…" + h.cue}
				}
			}
		}
	}
	return h
}

type stageHit struct {
	stage graph.Stage
	cue   string
}

func (gz *Gazetteer) cueAfter(s []rune, at, end int) (stageHit, bool) {
	if at < end && s[at] == '的' {
		at++
	}
	if h, ok := gz.cueAt(s, at, end); ok {
		return h, true
	}
	// adverbs and a time may stand between a name and its cue: 正式封关运行,
	// 已建成通车, 正在加快建设中, 已于今年6月建成通车, 顺利通过竣工验收
	for steps := 0; steps < 4; steps++ {
		next := at
		for _, adv := range cueAdverbs {
			if hasString(s[:end], at, adv) {
				next = at + len([]rune(adv))
				break
			}
		}
		if next == at {
			next = timeAt(s, at, end)
		}
		// an aside in brackets: 二期工程(综合服务中心)启动建设
		if next == at && at < end && s[at] == '(' {
			for k := at + 1; k < end && k < at+16; k++ {
				if s[k] == ')' {
					next = k + 1
					break
				}
			}
		}
		if next == at {
			return stageHit{}, false
		}
		at = next
		if h, ok := gz.cueAt(s, at, end); ok {
			return h, true
		}
	}
	return stageHit{}, false
}

// timeAt returns where a time phrase at s[at] ends (于今年6月, 2024年底, 年内):
// digits, numerals and time words with 年, 月 or 底 among them; at if none.
func timeAt(s []rune, at, end int) int {
	k := at
	if k < end && s[k] == '于' {
		k++
	}
	dated := false
	for n := 0; k < end && n < 12 && strings.ContainsRune("0123456789一二三四五六七八九十〇今明去年月日底前内上下半季度初中旬", s[k]); k, n = k+1, n+1 {
		if strings.ContainsRune("年月底", s[k]) {
			dated = true
		}
	}
	if !dated {
		return at
	}
	return k
}

// cueAt returns the after-cue that starts at s[at], if any.
func (gz *Gazetteer) cueAt(s []rune, at, end int) (stageHit, bool) {
	if at >= end {
		return stageHit{}, false
	}
	for _, c := range gz.stagesBy[s[at]] {
		if c.after && hasRunes(s[:end], at, c.runes) {
			if afterward(s, at+len(c.runes)) {
				return stageHit{}, false
			}
			return stageHit{c.stage, c.cue}, true
		}
	}
	return stageHit{}, false
}

// cueAdverbs may stand between a name and the stage cue after it.
var cueAdverbs = []string{"已经", "已", "正式", "顺利", "成功", "正在", "目前", "均已", "全部", "基本", "全面", "全线", "将于", "年内", "今年", "明年",
	"即将", "开展", "通过", "日前", "近日", "此前", "正", "也", "还"}

// afterward reports whether a stage cue ending at s[i] opens a clause about
// what follows it (建成后将成为…, 开工以后): it states no stage.
func afterward(s []rune, i int) bool {
	return hasString(s, i, "后") || hasString(s, i, "以后") || hasString(s, i, "之后")
}

// cueBefore finds the cue nearest before at; the longest wins at one position.
func (gz *Gazetteer) cueBefore(s []rune, from, at int) (stageHit, bool) {
	for j := at; j > from; j-- {
		for _, c := range gz.stages {
			if c.after {
				continue
			}
			if k := j - len(c.runes); k >= from && hasRunes(s, k, c.runes) && !afterward(s, j) {
				return stageHit{c.stage, c.cue}, true
			}
		}
	}
	return stageHit{}, false
}
