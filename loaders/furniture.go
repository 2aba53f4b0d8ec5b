package loaders

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file removes what a web page or a mirror puts around and inside the
// text of a document that is not the document: pinyin glosses after
// characters (發(fā)展), bylines and page meta lines (发布时间：… 来源：…),
// navigation bars, share and font-size widgets, photo credits, editor lines
// and the headlines of other stories after an article's end. Left in, they
// become names (中国特色社会主义科技创(chuàng)新先行区) or split them.

// toneVowels are the pinyin vowels with tone marks (and ü).
const toneVowels = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"

// stripGlosses removes pinyin glosses in brackets right after a Han
// character: 發(fā)展 → 發展, 报(bào)告 → 报告. A gloss is one to six lower
// case Latin letters with at least one tone mark, or unmarked letters between
// two Han characters (的(de)). Codes and abbreviations in brackets (GDP,
// S11) are upper case and stay.
func stripGlosses(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b, or nothing was cut yet
	for from := 0; ; {
		i := strings.IndexByte(s[from:], '(')
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if !isHan(prev) {
			continue
		}
		end, ok := glossAt(s, i)
		if !ok {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[done:i])
		done, from = end, end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// glossAt reports whether s[i] opens a pinyin gloss, and where it ends.
//
// A gloss of a word gives its syllables apart (經濟(jīng jì)): up to four,
// each of up to six letters, and then a tone mark is needed.
func glossAt(s string, i int) (int, bool) {
	j, letters, marked, syllables := i+1, 0, false, 1
	for j < len(s) && letters <= 6 {
		r, n := utf8.DecodeRuneInString(s[j:])
		switch {
		case r >= 'a' && r <= 'z':
		case strings.ContainsRune(toneVowels, r):
			marked = true
		case r == ' ' && letters > 0 && syllables < 4:
			syllables++
			letters = 0
			j += n
			continue
		case r == ')':
			if letters == 0 {
				return 0, false
			}
			next, _ := utf8.DecodeRuneInString(s[j+1:])
			if marked || syllables == 1 && isHan(next) {
				return j + 1, true
			}
			return 0, false
		default:
			return 0, false
		}
		letters++
		j += n
	}
	return 0, false
}

// pdfPunct maps what some PDF extractors give for Chinese punctuation in
// fonts whose glyphs they cannot name: Yi syllables (ꎬ ꎮ ꎻ ꎭ) and guillemets
// around a title (« 成渝地区双城经济圈建设规划纲要»).
var (
	pdfPunct  = strings.NewReplacer("ꎬ", "，", "ꎮ", "。", "ꎻ", "；", "ꎭ", "：")
	pdfTitles = strings.NewReplacer("«", "《", "»", "》")
)

// fixPDFPunct restores Chinese punctuation in text that uses the Yi
// syllables for it, and title marks given as guillemets (a » alone is a
// breadcrumb's separator). Text with no Han character is left alone.
func fixPDFPunct(s string) string {
	// ꎬ ꎮ ꎻ ꎭ all start with the bytes EA 8E: one byte search finds them
	yi := strings.Contains(s, "\xea\x8e")
	if !yi && !strings.Contains(s, "«") || !strings.ContainsFunc(s, isHan) {
		return s
	}
	if yi {
		s = pdfPunct.Replace(s)
	}
	if strings.Contains(s, "«") {
		s = pdfTitles.Replace(s)
	}
	return s
}

// metaWords are the labels of a page's meta line: date, source, author,
// reads, font size, print and share widgets.
var metaWords = []string{"发布时间", "发布日期", "发布于", "日期:", "时间:", "来源:", "作者:", "浏览次数", "阅读次数",
	"点击数", "点击量", "字号", "放大字体", "缩小字体", "打印", "关闭", "分享到", "收藏", "语音播报", "语音阅读",
	"编辑:", "责任编辑", "刊发日期", "访问量", "手机看新闻", "扫一扫", "无障碍", "官方微博", "版次:",
	"發布時間", "發佈時間", "來源:", "閱讀次數", "字號", "關閉", "編輯:", "責任編輯",
	// breadcrumbs and footers
	"当前位置", "您的位置", "你的位置", "您现在的位置", "當前位置", "您當前的位置", "版权所有", "版權所有", "ICP备",
	"ICP備", "公网安备", "公網安備", "网站标识码", "網站標識碼", "主办单位", "主辦單位", "承办单位", "技术支持",
	"阅读量", "閱讀量"}

// endMarkers are lines after which a page lists other stories.
var endMarkers = []string{"新闻推荐", "相关新闻", "相关阅读", "延伸阅读", "推荐阅读", "热点推荐", "相关文章", "上一篇",
	"下一篇", "热门文章", "猜你喜欢", "相關新聞", "相關閱讀"}

// dropFurniture removes a page's furniture lines from normalised text (one
// paragraph a line) and cuts the text after an article's end: an editor's
// credit or a "related stories" heading in its second half. Inline credits
// (【编辑:…】, (记者 …), (…供图), (完)) go from the lines they end.
func dropFurniture(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	total := len(s)
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	blank := false
	for _, line := range lines {
		at += len(line) + 1
		if strings.TrimSpace(line) == "" {
			if !blank && b.Len() > 0 {
				b.WriteByte('\n')
			}
			blank = true
			continue
		}
		line, end := stripCredits(line)
		if line != "" && !isFurniture(line) {
			blank = false
			b.WriteString(line)
			b.WriteByte('\n')
		}
		if (end || isEndMarker(line)) && at*2 > total {
			break
		}
	}
	out := strings.TrimRight(b.String(), "\n")
	if out == "" {
		return ""
	}
	return out + "\n"
}

// isFurniture reports a line that is page furniture: a meta line (two or
// more labels such as 发布时间 and 来源, or one in a short line without a
// sentence), a navigation bar (several short items and no punctuation) or
// a lone widget label.
func isFurniture(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	// a sentence is no furniture (meta lines and bars have no full stop)
	if strings.ContainsAny(t, "。；！？;") {
		return false
	}
	n := utf8.RuneCountInString(t)
	sentence := false
	labels := 0
	for _, w := range metaWords {
		if strings.Contains(t, w) {
			labels++
		}
	}
	if labels >= 2 && !sentence {
		return true
	}
	if labels == 1 && !sentence && n <= 40 && !strings.ContainsAny(t, "，,") && !looksLikeHeading(t) {
		return true
	}
	if isNavBar(t) {
		return true
	}
	// links to the page before and after (上一篇:…, 下一篇:…)
	for _, w := range []string{"上一篇", "下一篇", "上一条", "下一条"} {
		if strings.HasPrefix(t, w) {
			return true
		}
	}
	return false
}

// looksLikeHeading reports a line that may be a title or heading: it ends
// in a word a document's title ends with (报告, 方案) or opens a section.
func looksLikeHeading(t string) bool {
	if _, _, kind := sectionMarker(t); kind != 0 {
		return true
	}
	for _, w := range titleWords {
		if strings.HasSuffix(t, w) {
			return true
		}
	}
	return false
}

// isNavBar reports a line of four or more short items separated by spaces
// or bars, with no sentence punctuation: 首页 政务公开 政务服务 互动交流.
func isNavBar(t string) bool {
	// a table's row keeps its tabs; English text is no bar of links
	if strings.ContainsAny(t, "，。；！？,;:：\t") || !strings.ContainsFunc(t, isHan) {
		return false
	}
	items := strings.FieldsFunc(t, func(r rune) bool { return unicode.IsSpace(r) || r == '|' || r == '｜' || r == '»' })
	if len(items) < 4 {
		return false
	}
	for _, it := range items {
		if utf8.RuneCountInString(it) > 8 {
			return false
		}
	}
	return true
}

func isEndMarker(line string) bool {
	t := strings.Trim(strings.TrimSpace(line), "【】[]:：")
	for _, w := range endMarkers {
		if t == w || strings.HasPrefix(t, w) && utf8.RuneCountInString(t) <= len([]rune(w))+4 {
			return true
		}
	}
	return false
}

// creditOpen and creditClose bracket an inline credit.
var creditPairs = [][2]string{{"【", "】"}, {"(", ")"}, {"[", "]"}}

// creditWords mark a bracketed aside as a credit: the editor, the reporter,
// the photographer, the end of a wire story.
var creditWords = []string{"编辑", "记者", "供图", "摄", "图片来源", "资料图", "仅供参考", "通讯员", "本报讯", "完", "責任編輯", "編輯", "記者"}

// stripCredits removes bracketed credits from a line (【编辑:钱姣姣】,
// (本报记者 谭楚甲), (中铁十一局集团有限公司供图), (完)) and reports whether one
// of them credits an editor or ends a wire story, which closes an article.
func stripCredits(line string) (string, bool) {
	end := false
	for _, p := range creditPairs {
		for from := 0; ; {
			i := strings.Index(line[from:], p[0])
			if i < 0 {
				break
			}
			i += from
			j := strings.Index(line[i+len(p[0]):], p[1])
			if j < 0 {
				break
			}
			j += i + len(p[0])
			inner := strings.TrimSpace(line[i+len(p[0]) : j])
			if isCredit(inner) {
				if strings.Contains(inner, "编辑") || strings.Contains(inner, "編輯") || inner == "完" {
					end = true
				}
				line = line[:i] + line[j+len(p[1]):]
				from = i
				continue
			}
			from = j + len(p[1])
		}
	}
	return strings.TrimSpace(line), end
}

func isCredit(inner string) bool {
	if inner == "" || utf8.RuneCountInString(inner) > 30 || strings.ContainsAny(inner, "，。；,;") {
		return false
	}
	if inner == "完" {
		return true
	}
	for _, w := range creditWords {
		if w == "完" || w == "摄" {
			continue
		}
		if strings.Contains(inner, w) {
			return true
		}
	}
	// (记者 张三 摄), (张三/摄)
	return strings.HasSuffix(inner, "摄") || strings.HasSuffix(inner, "摄影")
}
