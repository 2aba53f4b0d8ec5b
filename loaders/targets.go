package loaders

import (
	"strconv"
	"strings"
	"unicode"
)

// targetValue is a numeric target: 完成老旧小区改造601个 -> 老旧小区改造, 601, 个, =.
type targetValue struct {
	metric     string
	value      float64
	unit       string
	comparator string
}

// Words before a number that say how the value compares.
var (
	atLeastBefore = []string{"不少于", "不低于", "超过", "突破", "达到", "提升至", "提高到", "提高至", "增长到", "达"}
	trailingVerbs = []string{"提升至", "提高到", "提高至", "增长到", "达到", "超过", "突破", "不少于", "不低于", "控制在",
		"稳定在", "保持在", "下降到", "下降至", "降低到", "降至", "提高", "达", "至"}
	leadingVerbs = []string{"力争", "确保", "争取", "实现", "完成", "支持", "推动", "新启动", "启动", "新增", "累计", "全年",
		"落地建设", "落地", "建设", "改造", "提升", "实施", "引进", "培育", "孵化", "新建", "新开工", "建成", "开工"}
)

// targetsIn finds numeric targets in a clause. The clause is cut at 、 and
// the last number with a unit in each piece is its value; earlier numbers
// (50亿及以上重大产业项目100个以上) belong to the metric.
func (gz *Gazetteer) targetsIn(d *Doc, c Span) []mention {
	s := d.Text
	var out []mention
	prevSubject := ""
	segStart := c.Start
	for i := c.Start; i <= c.End; i++ {
		if i < c.End && s[i] != '、' {
			continue
		}
		seg := Span{segStart, i}
		segStart = i + 1
		m, ok := gz.targetInSegment(s, seg)
		if !ok {
			continue
		}
		t := m.target
		// 占固定资产投资比重 after 工业投资增长9%: the share is of the previous subject
		if strings.HasPrefix(t.metric, "占") && prevSubject != "" {
			t.metric = prevSubject + t.metric
		}
		prevSubject = strings.TrimSuffix(t.metric, "增长")
		out = append(out, m)
	}
	return out
}

func (gz *Gazetteer) targetInSegment(s []rune, seg Span) (mention, bool) {
	type num struct {
		start, end int // number
		unitEnd    int
		value      float64
		unit       string
	}
	var nums []num
	for i := seg.Start; i < seg.End; i++ {
		if !isDigit(s[i]) || (i > seg.Start && (isDigit(s[i-1]) || s[i-1] == '.' || unicode.IsLetter(s[i-1]) && s[i-1] < 0x80)) {
			continue
		}
		j := i
		for j < seg.End && (isDigit(s[j]) || (s[j] == '.' && j+1 < seg.End && isDigit(s[j+1]))) {
			j++
		}
		if i > seg.Start && s[i-1] == '第' { // ordinals: 第31届
			i = j - 1
			continue
		}
		v, err := strconv.ParseFloat(string(s[i:j]), 64)
		if err != nil {
			i = j - 1
			continue
		}
		for _, u := range gz.units {
			if hasString(s[:seg.End], j, u) {
				nums = append(nums, num{start: i, end: j, unitEnd: j + len([]rune(u)), value: v, unit: u})
				break
			}
		}
		i = j - 1
	}
	if len(nums) == 0 {
		return mention{}, false
	}
	n := nums[len(nums)-1]
	after := n.unitEnd
	comparator := "="
	switch {
	case hasString(s, after, "以上"), hasString(s, after, "及以上"):
		comparator = ">="
	case hasString(s, after, "以下"), hasString(s, after, "以内"):
		comparator = "<="
	case hasString(s, after, "左右"):
		comparator = "~"
	}
	if comparator != "=" {
		after += 2
		if s[after-2] == '及' {
			after++
		}
	}
	before := strings.TrimSpace(string(s[seg.Start:n.start]))
	for _, w := range atLeastBefore {
		if strings.HasSuffix(before, w) {
			if comparator == "=" {
				comparator = ">="
				if w == "超过" || w == "突破" {
					comparator = ">"
				}
			}
			break
		}
	}
	if strings.HasSuffix(before, "不超过") || strings.HasSuffix(before, "控制在") ||
		strings.HasSuffix(before, "下降到") || strings.HasSuffix(before, "下降至") || strings.HasSuffix(before, "降低到") || strings.HasSuffix(before, "降至") {
		comparator = "<="
	}
	// 城乡居民人均可支配收入分别增长9%和10%: the metric is what comes before 分别
	if i := strings.Index(before, "分别"); i > 0 {
		before = before[:i]
	}
	metric := trimWords(before, leadingVerbs, trailingVerbs)
	spanEnd := max(after, n.unitEnd)
	if metric == "" || len([]rune(metric)) <= 1 {
		// 新启动30个片区更新项目: the metric follows the number
		metric = trimWords(strings.TrimSpace(string(s[after:seg.End])), leadingVerbs, trailingVerbs)
		spanEnd = seg.End
	}
	metric = quoteStripper.Replace(metric)
	// 新建(改扩建)中小学: a bracketed aside after a verb is not the metric
	if strings.HasPrefix(metric, "(") {
		if k := strings.IndexRune(metric, ')'); k > 0 {
			metric = trimWords(metric[k+1:], leadingVerbs, trailingVerbs)
		}
	}
	if len([]rune(metric)) < 2 {
		return mention{}, false
	}
	t := &targetValue{metric: metric, value: n.value, unit: n.unit, comparator: comparator}
	return mention{kind: mTarget, span: Span{seg.Start, spanEnd}, name: string(s[seg.Start:spanEnd]), target: t}, true
}

var quoteStripper = strings.NewReplacer("“", "", "”", "", "\"", "", "‘", "", "’", "")

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// trimWords strips leading and trailing verbs and adverbs, repeatedly.
func trimWords(s string, lead, trail []string) string {
	for changed := true; changed; {
		changed = false
		for _, w := range lead {
			if strings.HasPrefix(s, w) {
				s, changed = s[len(w):], true
			}
		}
		for _, w := range trail {
			if strings.HasSuffix(s, w) {
				s, changed = s[:len(s)-len(w)], true
			}
		}
	}
	return s
}
