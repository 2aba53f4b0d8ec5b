package loaders

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/policygraph/policygraph/seeds"
)

// Synthetic is one generated report: its file name, its UTF-8 text, and the
// initiatives the generator wrote into it.
type Synthetic struct {
	Name        string
	Text        []byte
	Initiatives []SynthInitiative
}

// SynthInitiative is an initiative a synthetic report states, by the name
// the extractor should give it (coordination already expanded: 成德、成眉市域(郊)铁路
// gives 成德市域(郊)铁路 and 成眉市域(郊)铁路), with the stage cue written before
// or after it and the sentence form it was written in: simple, pair (成德、成眉…),
// listing (X、Y等…), body (由…牵头) or programme (深入落实…部署).
type SynthInitiative struct {
	Name string
	Cue  string
	Form string
}

// Synthesize writes n synthetic government work reports, calling w with
// each file name and text in order. Report i depends only on seed and i, so
// a corpus of 10 reports is the first 10 of a corpus of 1,000.
//
// The reports are built from the gazetteer and the cue words in seeds/:
// sections (一) to (十) with lead phrases, initiatives named over real
// place pairs and regions with abbreviation compounds (成资, 成德眉资) or
// full names (成都至资阳), head nouns from cues/heads.tsv, stage verbs from
// cues/stages.tsv, coordination (X、Y等…, 成德、成眉…), numeric targets with
// units from cues/units.txt, and responsible bodies. Each is about 10 KB.
func Synthesize(seed int64, n int, w func(name string, text []byte) error) error {
	for i := range n {
		r, err := SynthesizeReport(seed, i)
		if err != nil {
			return err
		}
		if err := w(r.Name, r.Text); err != nil {
			return err
		}
	}
	return nil
}

// SynthesizeReport returns report i of the synthetic corpus for seed.
func SynthesizeReport(seed int64, i int) (Synthetic, error) {
	v, err := synthVocabulary()
	if err != nil {
		return Synthetic{}, err
	}
	g := &synthWriter{v: v, rng: rand.New(rand.NewPCG(uint64(seed), uint64(i)*0x9e3779b97f4a7c15+1)), seen: map[string]bool{}}
	return g.report(i), nil
}

// ---- vocabulary, read from seeds/ ----

type synthPlace struct {
	name, short, pinyin string
	level               string
	abbr                rune // a one-character abbreviation that names only this place, or 0
	county              bool
	parent              *synthPlace
}

type synthRegion struct {
	name    string
	members []*synthPlace
}

type synthVocab struct {
	cities   []*synthPlace // prefectures of Sichuan, and Chongqing
	counties []*synthPlace // counties and districts of those
	abbr     []*synthPlace // places in Sichuan and Chongqing with an abbreviation
	outside  []*synthPlace // neighbouring capitals with an abbreviation (成昆, 成贵)
	regions  []synthRegion // regions whose members all have abbreviations (成德眉资)
	named    []string      // every region name
	heads    map[string]bool
	cues     map[string][]string // stage -> "before" cues
	after    map[string][]string // stage -> "after" cues
	units    map[string]bool
	agencies []string // agency names without the 市/区/县 prefix
	progs    []string // programme names
}

var (
	synthOnce sync.Once
	synthV    *synthVocab
	synthErr  error
)

func synthVocabulary() (*synthVocab, error) {
	synthOnce.Do(func() { synthV, synthErr = readSynthVocab() })
	return synthV, synthErr
}

// blockedCompounds are abbreviation runs the resolver refuses to read as
// places (西南 is a direction, 达成 a verb): the generator does not write them.
var blockedCompounds = []string{"西南", "达成", "开成", "内成"}

func readSynthVocab() (*synthVocab, error) {
	v := &synthVocab{heads: map[string]bool{}, cues: map[string][]string{}, after: map[string][]string{},
		units: map[string]bool{}}
	table := func(name string) ([]seeds.Row, error) {
		rows, err := seeds.Table(name)
		if err != nil {
			return nil, fmt.Errorf("synthesize: %w", err)
		}
		if len(rows) > 0 {
			rows = rows[1:] // header
		}
		return rows, nil
	}
	rows, err := table("gazetteer/places.tsv")
	if err != nil {
		return nil, err
	}
	byCode := map[string]*synthPlace{}
	byShort := map[string]*synthPlace{}
	parentOf := map[*synthPlace]string{}
	var all []*synthPlace
	for _, r := range rows {
		p := &synthPlace{name: r.Get(1), short: r.Get(2), level: r.Get(3), pinyin: r.Get(5)}
		if c := r.Get(0); c != "" {
			byCode[c] = p
		}
		if byShort[p.short] == nil {
			byShort[p.short] = p
		}
		parentOf[p] = r.Get(4)
		all = append(all, p)
	}
	inHome := func(p *synthPlace) bool {
		for q := p; q != nil; q = q.parent {
			if q.short == "四川" || q.short == "重庆" {
				return true
			}
		}
		return false
	}
	for _, p := range all {
		p.parent = byCode[parentOf[p]]
	}
	for _, p := range all {
		switch {
		case p.level == "prefecture" && inHome(p), p.short == "重庆":
			v.cities = append(v.cities, p)
		case p.level == "county" && inHome(p):
			p.county = true
			v.counties = append(v.counties, p)
		}
	}
	for _, a := range synthAbbrevs {
		p := byShort[a.place]
		if p == nil {
			return nil, fmt.Errorf("synth: the gazetteer has no place %s for the abbreviation %c", a.place, a.ch)
		}
		p.abbr = a.ch
		if inHome(p) {
			v.abbr = append(v.abbr, p)
		} else {
			v.outside = append(v.outside, p)
		}
	}
	rows, err = table("gazetteer/regions.tsv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if !slices.Contains(synthRegions, r.Get(0)) {
			continue
		}
		v.named = append(v.named, r.Get(0))
		var ms []*synthPlace
		ok := true
		for _, m := range strings.Split(r.Get(2), "|") {
			p := byShort[m]
			if p == nil || p.abbr == 0 {
				ok = false
				break
			}
			ms = append(ms, p)
		}
		if ok && len(ms) >= 2 && len(ms) <= 4 {
			v.regions = append(v.regions, synthRegion{name: r.Get(0), members: ms})
		}
	}
	rows, err = table("cues/heads.tsv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		v.heads[r.Get(0)] = true
	}
	rows, err = table("cues/stages.tsv")
	if err != nil {
		return nil, err
	}
	known := make(map[synthCue]bool, len(rows))
	for _, r := range rows {
		known[synthCue{r.Get(0), r.Get(1), r.Get(2)}] = true
	}
	for _, c := range synthStageCues {
		if !known[c] {
			return nil, fmt.Errorf("synthesize: stage cue %q (%s, %s) is not in cues/stages.tsv", c.cue, c.stage, c.where)
		}
		if c.where == "after" {
			v.after[c.stage] = append(v.after[c.stage], c.cue)
		} else {
			v.cues[c.stage] = append(v.cues[c.stage], c.cue)
		}
	}
	units, err := seeds.Table("cues/units.txt")
	if err != nil {
		return nil, fmt.Errorf("synthesize: %w", err)
	}
	for _, r := range units {
		v.units[r.Get(0)] = true
	}
	rows, err = table("gazetteer/bodies.tsv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.Get(1) == "suffix" && r.Get(2) == "agency" && r.Get(0) != "管委会" && r.Get(0) != "口岸物流办" {
			name := r.Get(0)
			if name == "运输局" {
				name = "交通运输局"
			}
			v.agencies = append(v.agencies, name)
		}
	}
	rows, err = table("gazetteer/programmes.tsv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		v.progs = append(v.progs, r.Get(0))
	}
	for _, c := range synthCheck {
		if !v.heads[c.head] {
			return nil, fmt.Errorf("synthesize: head %q is not in cues/heads.tsv", c.head)
		}
	}
	for _, t := range synthTargets {
		if !v.units[t.unit] {
			return nil, fmt.Errorf("synthesize: unit %q is not in cues/units.txt", t.unit)
		}
	}
	if len(v.cities) == 0 || len(v.abbr) < 4 || len(v.agencies) == 0 {
		return nil, fmt.Errorf("synthesize: the gazetteer is too small to build reports from")
	}
	return v, nil
}

// ---- patterns ----

// A namePattern builds an initiative name. kind says which places fill it:
// pair (an abbreviation compound or 甲至乙 of two places), city (the
// report's place or a county), region (a named region or its compound).
type namePattern struct {
	kind    string
	themes  []string // words between the places and the head
	head    string
	stages  []string // stages that suit it
	listing string   // a class noun for X、Y等<class>, when the items may be bare compounds
}

var (
	stBuild = []string{"UNDER_CONSTRUCTION", "STARTING", "PLANNING", "COMPLETED", "ONGOING", "PROPOSED"}
	stZone  = []string{"ONGOING", "BIDDING", "ONGOING", "PROPOSED"}
	stEvent = []string{"ONGOING", "BIDDING"}
)

var synthCheck = []namePattern{
	{kind: "pair", head: "市域(郊)铁路", stages: stBuild},
	{kind: "pair", head: "城际铁路", stages: stBuild, listing: "城际铁路"},
	{kind: "pair", head: "铁路", stages: stBuild},
	{kind: "pair", head: "高铁", stages: stBuild},
	{kind: "pair", head: "高速", stages: stBuild},
	{kind: "pair", head: "高速公路", stages: stBuild, listing: "高速公路扩容"},
	{kind: "pair", head: "快速通道", stages: stBuild, listing: "快速通道"},
	{kind: "pair", themes: []string{"协同开放", "科创", "文化旅游", "生态", "现代物流", "绿色发展"}, head: "走廊", stages: stZone},
	{kind: "pair", themes: []string{"临空经济", "临港经济", "高新技术", "电子信息", "装备制造", "现代农业", "医药健康", "新能源"}, head: "产业带", stages: stZone},
	{kind: "pair", themes: []string{"同城化", "协同发展", "产业合作", "一体化发展"}, head: "示范区", stages: stZone},
	{kind: "pair", themes: []string{"产业协作", "毗邻地区", "高竹"}, head: "合作区", stages: stZone},
	{kind: "region", themes: []string{"同城化综合", "协同发展", "一体化"}, head: "试验区", stages: stZone},
	{kind: "region", head: "环线铁路", stages: stBuild},
	{kind: "region", themes: []string{"科技创新", "生态保护", "数字经济"}, head: "走廊", stages: stZone},
	{kind: "city", themes: []string{"临空经济", "高新技术", "现代农业", "文化创意", "数字经济", "绿色食品", "电子信息"}, head: "产业园", stages: stZone},
	{kind: "city", themes: []string{"国际陆港物流", "综合物流", "公铁联运"}, head: "枢纽", stages: stBuild},
	{kind: "city", themes: []string{"高新技术", "经济技术"}, head: "开发区", stages: stZone},
	{kind: "city", themes: []string{"供水", "引水", "抗旱应急"}, head: "一期工程", stages: stBuild},
	{kind: "city", themes: []string{"西部", "中部", "北部"}, head: "灌区", stages: stBuild},
	{kind: "city", themes: []string{"国际", "农业", "文化旅游"}, head: "博览会", stages: stEvent},
	{kind: "city", themes: []string{"城市更新", "乡村振兴", "低碳发展"}, head: "试点", stages: stZone},
	{kind: "city", themes: []string{"现代农业", "先进制造", "健康养老"}, head: "基地", stages: stZone},
	{kind: "city", themes: []string{"国家检验检测", "区域医疗", "数据"}, head: "中心", stages: stZone},
	{kind: "city", themes: []string{"临空", "滨江", "东部"}, head: "新城", stages: stZone},
	{kind: "city", head: "机场", stages: stBuild},
	{kind: "city", themes: []string{"城乡环境综合治理", "农村人居环境整治", "污染防治"}, head: "攻坚行动", stages: stZone},
}

// leads are paragraph lead phrases, by section theme.
var synthLeads = [][]string{
	{"合力推进区域协同", "加快建强都市圈", "深度融入双城经济圈", "全面深化同城化发展"},
	{"扩大有效投资", "着力促进消费提质", "稳住外贸外资基本盘", "全力抓好项目建设"},
	{"构建现代交通体系", "加快补齐基础设施短板", "织密综合交通网络"},
	{"做强主导产业", "培育壮大新兴产业", "推动制造业高端化发展"},
	{"增强科技创新能力", "激发人才创新活力", "建设创新平台体系"},
	{"扎实推进乡村振兴", "提升农业综合效益", "建设宜居宜业和美乡村"},
	{"深化重点领域改革", "持续优化营商环境", "扩大高水平对外开放"},
	{"持续改善生态环境", "推动绿色低碳转型", "筑牢长江上游生态屏障"},
	{"提升城市功能品质", "推进城市有机更新", "完善公共服务设施"},
	{"保障和改善民生", "守住安全发展底线", "办好民生实事"},
}

var synthHeadings = []string{
	"坚持区域协同,聚焦重大战略,推动%s在双城经济圈建设中展现新作为",
	"坚持稳中求进,扩大有效需求,推动%s经济持续回升向好",
	"坚持交通先行,完善基础设施,提升%s通达能力",
	"坚持产业兴市,壮大实体经济,加快构建%s现代化产业体系",
	"坚持创新驱动,集聚创新资源,增强%s发展新动能",
	"坚持农业农村优先发展,全面推进%s乡村振兴",
	"坚持改革开放,激发市场活力,打造%s一流营商环境",
	"坚持生态优先,推动绿色发展,建设美丽%s",
	"坚持人民城市理念,提升城市能级,塑造%s城市新形态",
	"坚持以人民为中心,增进民生福祉,让%s群众生活更加美好",
}

// filler clauses carry no initiative: the connective tissue of real reports.
var synthFillers = []string{
	"统筹推进项目前期、要素保障和建设管理",
	"健全重大项目全生命周期服务机制",
	"强化用地、资金、能耗等要素保障",
	"完善协同推进机制,形成工作合力",
	"落实落细各项惠企政策",
	"建立常态化政企沟通机制",
	"加大财政金融支持力度",
	"坚持一张蓝图绘到底",
	"推动更多优质资源向基层延伸",
	"确保各项任务落地见效",
	"提升公共服务均等化水平",
	"守牢不发生规模性返贫底线",
}

type targetPattern struct {
	text string // %s is the value
	unit string
	min  int
	max  int
	frac bool
}

var synthTargets = []targetPattern{
	{"力争地区生产总值增长%s%%左右", "%", 5, 9, true},
	{"新增城镇就业%s万人", "万人", 2, 30, false},
	{"完成老旧小区改造%s个", "个", 20, 600, false},
	{"新建改造城市道路%s公里", "公里", 10, 200, false},
	{"建设高标准农田%s万亩", "万亩", 2, 60, false},
	{"新增规模以上工业企业%s家以上", "家", 20, 300, false},
	{"力争实现外贸进出口总额%s亿元", "亿元", 50, 900, false},
	{"接待游客%s万人次", "万人次", 300, 9000, false},
	{"新建5G基站%s个", "个", 300, 5000, false},
	{"力争固定资产投资增长%s%%以上", "%", 6, 12, true},
	{"新增绿道%s公里", "公里", 20, 500, false},
	{"新增公办幼儿园学位%s个", "个", 500, 8000, false},
}

// ---- writing ----

type synthWriter struct {
	v     *synthVocab
	rng   *rand.Rand
	place *synthPlace // the report's place
	city  *synthPlace // its prefecture (itself for a city)
	b     strings.Builder
	inits []SynthInitiative
	seen  map[string]bool
}

func (g *synthWriter) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *synthWriter) report(i int) Synthetic {
	v := g.v
	if g.rng.IntN(10) < 6 {
		g.place = v.cities[g.rng.IntN(len(v.cities))]
		g.city = g.place
	} else {
		g.place = v.counties[g.rng.IntN(len(v.counties))]
		g.city = g.place.parent
		if g.city == nil || g.city.level != "prefecture" {
			g.city = v.cities[g.rng.IntN(len(v.cities))]
		}
	}
	year := 2005 + g.rng.IntN(20)
	pin := strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, g.place.pinyin)
	name := fmt.Sprintf("%s-%d-work-report-%d.txt", pin, year, i)
	fmt.Fprintf(&g.b, "%s%d年政府工作报告\n", g.place.name, year)
	fmt.Fprintf(&g.b, "%d年是全面落实发展规划的关键之年。重点做好十个方面的工作:\n", year)
	numbers := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	for s, num := range numbers {
		fmt.Fprintf(&g.b, "(%s)%s。%s。\n", num, fmt.Sprintf(synthHeadings[s], g.place.short), g.filler())
		leads := slices.Clone(synthLeads[s])
		g.rng.Shuffle(len(leads), func(a, b int) { leads[a], leads[b] = leads[b], leads[a] })
		for p := 0; p < 2; p++ {
			g.paragraph(leads[p%len(leads)])
		}
	}
	return Synthetic{Name: name, Text: []byte(g.b.String()), Initiatives: g.inits}
}

func (g *synthWriter) filler() string { return g.pick(synthFillers) }

// paragraph writes a lead phrase and four to six sentences.
func (g *synthWriter) paragraph(lead string) {
	g.b.WriteString(lead + "。")
	n := 4 + g.rng.IntN(3)
	for k := 0; k < n; k++ {
		switch x := g.rng.IntN(20); {
		case x < 7:
			g.simple()
		case x < 10:
			g.pair()
		case x < 12:
			g.listing()
		case x < 14:
			g.body()
		case x < 17:
			g.target()
		default:
			g.programme()
		}
	}
	g.b.WriteString("\n")
}

// expect records an initiative name the text states, the first time.
func (g *synthWriter) expect(name, cue, form string) {
	if !g.seen[name] {
		g.seen[name] = true
		g.inits = append(g.inits, SynthInitiative{Name: name, Cue: cue, Form: form})
	}
}

// compound returns an abbreviation compound of n places starting with the
// report's city when it has an abbreviation, and the places.
func (g *synthWriter) compound(n int) (string, []*synthPlace) {
	v := g.v
	for try := 0; try < 20; try++ {
		var ps []*synthPlace
		if g.city.abbr != 0 && g.rng.IntN(4) > 0 {
			ps = append(ps, g.city)
		} else if g.rng.IntN(3) == 0 {
			ps = append(ps, v.abbr[0]) // the capital pairs with everyone: 成X
		}
		for len(ps) < n {
			pool := v.abbr
			if n == 2 && len(v.outside) > 0 && g.rng.IntN(8) == 0 {
				pool = v.outside
			}
			p := pool[g.rng.IntN(len(pool))]
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		var b strings.Builder
		for _, p := range ps {
			b.WriteRune(p.abbr)
		}
		s := b.String()
		blocked := false
		for _, x := range blockedCompounds {
			blocked = blocked || strings.Contains(s, x)
		}
		if !blocked {
			return s, ps
		}
	}
	return string(g.city.abbr) + string(v.abbr[1].abbr), nil
}

// name builds one initiative name from pattern c.
func (g *synthWriter) name(c namePattern) string {
	theme := ""
	if len(c.themes) > 0 {
		theme = g.pick(c.themes)
	}
	switch c.kind {
	case "pair":
		if g.rng.IntN(5) == 0 && !strings.Contains(c.head, "区") {
			a, b := g.city, g.v.abbr[g.rng.IntN(len(g.v.abbr))]
			if a != b && a.level == b.level {
				return a.short + "至" + b.short + theme + c.head
			}
		}
		n := 2
		if g.rng.IntN(6) == 0 {
			n = 3
		}
		s, _ := g.compound(n)
		return s + theme + c.head
	case "region":
		if len(g.v.regions) > 0 && g.rng.IntN(2) == 0 {
			r := g.v.regions[g.rng.IntN(len(g.v.regions))]
			var b strings.Builder
			for _, m := range r.members {
				b.WriteRune(m.abbr)
			}
			return b.String() + theme + c.head
		}
		if c.head == "环线铁路" {
			return g.city.short + "都市圈" + c.head
		}
		return g.pick(g.v.named) + theme + c.head
	default:
		where := g.place
		if g.rng.IntN(3) == 0 && len(g.v.counties) > 0 {
			where = g.v.counties[g.rng.IntN(len(g.v.counties))]
			if g.place.county {
				where = g.place
			}
		}
		return where.short + theme + c.head
	}
}

// synthAbbrevs are the abbreviations the reports are written with, each
// naming one place: those gazetteer/abbreviations.tsv gave on 2026-11-27,
// when the benchmarks' corpora were generated, in its order. The extractor
// may learn more, or read one differently (西 is 西昌 in 乐西高速), without
// changing what gen writes for a seed.
var synthAbbrevs = []struct {
	ch    rune
	place string
}{
	{'成', "成都"}, {'德', "德阳"}, {'眉', "眉山"}, {'资', "资阳"}, {'绵', "绵阳"}, {'乐', "乐山"}, {'南', "南充"},
	{'达', "达州"}, {'万', "万州"}, {'开', "开州"}, {'自', "自贡"}, {'宜', "宜宾"}, {'泸', "泸州"}, {'遂', "遂宁"},
	{'雅', "雅安"}, {'内', "内江"}, {'昆', "昆明"}, {'贵', "贵阳"}, {'汶', "汶川"}, {'天', "天府新区"}, {'攀', "攀枝花"},
	{'西', "西安"}, {'兰', "兰州"}, {'涪', "涪陵"}, {'永', "永川"}, {'江', "江津"}, {'合', "合川"}, {'綦', "綦江"},
	{'荣', "荣昌"}, {'大', "大足"}, {'潼', "潼南"}, {'铜', "铜梁"}, {'璧', "璧山"},
}

// synthRegions are the regions the reports are written with, as
// synthAbbrevs: those gazetteer/regions.tsv had on 2026-11-27.
var synthRegions = []string{"成德眉资", "成都都市圈", "成都平原经济区", "川南经济区", "川东北经济区", "攀西经济区",
	"川西北生态示范区", "重庆都市圈", "成渝地区双城经济圈", "川渝", "长江经济带", "西部地区"}

// synthCue is a row of cues/stages.tsv.
type synthCue struct{ cue, stage, where string }

// synthStageCues are the stage cues the reports are written with: the rows
// cues/stages.tsv had when the benchmarks' corpora were generated, in that
// order. The extractor's list may grow without changing what gen writes for
// a seed; each must still be in cues/stages.tsv.
var synthStageCues = []synthCue{
	{"谋划", "PROPOSED", "before"},
	{"储备", "PROPOSED", "before"},
	{"策划", "PROPOSED", "before"},
	{"研究", "PROPOSED", "before"},
	{"争创", "BIDDING", "before"},
	{"争取", "BIDDING", "before"},
	{"申报", "BIDDING", "before"},
	{"申建", "BIDDING", "before"},
	{"创建", "BIDDING", "before"},
	{"积极争取", "BIDDING", "before"},
	{"前期工作", "PLANNING", "after"},
	{"前期", "PLANNING", "after"},
	{"规划建设", "PLANNING", "before"},
	{"启动建设", "STARTING", "before"},
	{"开工建设", "STARTING", "before"},
	{"新开工", "STARTING", "before"},
	{"开工", "STARTING", "before"},
	{"启动", "STARTING", "before"},
	{"开工建设", "STARTING", "after"},
	{"开工", "STARTING", "after"},
	{"加快建设", "UNDER_CONSTRUCTION", "before"},
	{"推进建设", "UNDER_CONSTRUCTION", "before"},
	{"加快推进", "UNDER_CONSTRUCTION", "before"},
	{"续建", "UNDER_CONSTRUCTION", "before"},
	{"在建", "UNDER_CONSTRUCTION", "before"},
	{"加快建设", "UNDER_CONSTRUCTION", "after"},
	{"建成", "COMPLETED", "before"},
	{"完成", "COMPLETED", "before"},
	{"建成投用", "COMPLETED", "before"},
	{"投运", "COMPLETED", "before"},
	{"开通", "COMPLETED", "before"},
	{"竣工", "COMPLETED", "after"},
	{"建成投运", "COMPLETED", "after"},
	{"深化", "ONGOING", "before"},
	{"持续", "ONGOING", "before"},
	{"推进", "ONGOING", "before"},
	{"推动", "ONGOING", "before"},
	{"实施", "ONGOING", "before"},
	{"开展", "ONGOING", "before"},
	{"建设", "ONGOING", "before"},
	{"打造", "ONGOING", "before"},
	{"共建", "ONGOING", "before"},
	{"加强", "ONGOING", "before"},
	{"强化", "ONGOING", "before"},
	{"办好", "ONGOING", "before"},
	{"建设", "ONGOING", "after"},
	{"先行先试", "ONGOING", "after"},
	{"建成通车", "COMPLETED", "after"},
	{"建成投用", "COMPLETED", "after"},
	{"建成开放", "COMPLETED", "after"},
	{"投入使用", "COMPLETED", "after"},
	{"通车", "COMPLETED", "after"},
	{"开通运营", "COMPLETED", "after"},
	{"主体完工", "UNDER_CONSTRUCTION", "after"},
}

// ongoingCues are the ONGOING cues that read well before a name.
var ongoingCues = []string{"推进", "推动", "实施", "建设", "打造", "共建"}

// cue returns a stage cue suited to c and whether it follows the name.
func (g *synthWriter) cue(c namePattern) (string, bool) {
	st := c.stages[g.rng.IntN(len(c.stages))]
	if as := g.v.after[st]; len(as) > 0 && g.rng.IntN(3) == 0 {
		return as[g.rng.IntN(len(as))], true
	}
	bs := g.v.cues[st]
	if st == "ONGOING" || len(bs) == 0 {
		bs = ongoingCues
	}
	return bs[g.rng.IntN(len(bs))], false
}

func (g *synthWriter) pattern() namePattern { return synthCheck[g.rng.IntN(len(synthCheck))] }

// phrase returns "cue name" or "name after-cue" (推进…前期工作, 推动…开工建设),
// and the cue.
func (g *synthWriter) phrase(c namePattern, name string) (string, string) {
	cue, after := g.cue(c)
	if !after {
		return cue + name, cue
	}
	switch cue {
	case "前期工作", "前期":
		return g.pick([]string{"推进", "加快", "深化", "开展"}) + name + "前期工作", cue
	case "开工建设", "开工":
		return g.pick([]string{"推动", "确保", "力争"}) + name + cue, cue
	case "竣工", "建成投运":
		return g.pick([]string{"确保", "力争", ""}) + name + cue, cue
	}
	return name + cue, cue
}

// simple writes one or two initiatives with their cues.
func (g *synthWriter) simple() {
	c := g.pattern()
	n := g.name(c)
	s, cue := g.phrase(c, n)
	g.expect(n, cue, "simple")
	if g.rng.IntN(2) == 0 {
		c2 := g.pattern()
		n2 := g.name(c2)
		s2, cue2 := g.phrase(c2, n2)
		g.expect(n2, cue2, "simple")
		s += "," + s2
	}
	g.b.WriteString(s + "," + g.filler() + "。")
}

// pair writes 成德、成眉<head>: compounds sharing the words after them.
func (g *synthWriter) pair() {
	var c namePattern
	for c = g.pattern(); c.kind != "pair"; c = g.pattern() {
	}
	theme := ""
	if len(c.themes) > 0 {
		theme = g.pick(c.themes)
	}
	k := 2 + g.rng.IntN(2)
	var items []string
	for len(items) < k {
		s, _ := g.compound(2)
		if !slices.Contains(items, s) {
			items = append(items, s)
		}
	}
	cue, _ := g.cue(namePattern{stages: c.stages[:1]})
	if cue == "" {
		cue = "推进"
	}
	for _, it := range items {
		g.expect(it+theme+c.head, cue, "pair")
	}
	fmt.Fprintf(&g.b, "%s%s%s%s。", cue, strings.Join(items, "、"), theme, c.head)
}

// listing writes X、Y、Z等<class>.
func (g *synthWriter) listing() {
	var items []string
	var class, suffix string
	if g.rng.IntN(2) == 0 {
		var lists []namePattern
		for _, c := range synthCheck {
			if c.listing != "" {
				lists = append(lists, c)
			}
		}
		class = lists[g.rng.IntN(len(lists))].listing
		for len(items) < 3 {
			s, _ := g.compound(2)
			if !slices.Contains(items, s) {
				items = append(items, s)
			}
		}
		suffix = class
	} else {
		class = g.pick([]string{"城市商圈", "特色街区", "重点产业园"})
		suffix = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(class, "城市"), "特色"), "重点")
		for len(items) < 3 {
			p := g.v.counties[g.rng.IntN(len(g.v.counties))]
			s := p.short + g.pick([]string{"滨江", "老城", "东站", "古镇", "湖畔", "北岸"})
			if !slices.Contains(items, s) {
				items = append(items, s)
			}
		}
	}
	cue := g.pick([]string{"加快建设", "推进", "规划建设", "打造"})
	for _, it := range items {
		g.expect(it+suffix, cue, "listing")
	}
	fmt.Fprintf(&g.b, "%s%s等%s,%s。", cue, strings.Join(items, "、"), class, g.filler())
}

// body writes a body leading or co-building an initiative.
func (g *synthWriter) body() {
	c := g.pattern()
	n := g.name(c)
	prefix := "市"
	if g.place.county {
		prefix = string([]rune(g.place.name)[len([]rune(g.place.name))-1:])
	}
	a := prefix + g.pick(g.v.agencies)
	s, cue := g.phrase(c, n)
	g.expect(n, cue, "body")
	if g.rng.IntN(2) == 0 {
		fmt.Fprintf(&g.b, "由%s牵头%s,%s。", a, s, g.filler())
	} else {
		a2 := prefix + g.pick(g.v.agencies)
		fmt.Fprintf(&g.b, "%s配合%s%s。", a, a2, s)
	}
}

// target writes one or two numeric targets.
func (g *synthWriter) target() {
	var parts []string
	first := -1
	for k := 0; k < 1+g.rng.IntN(2); k++ {
		j := g.rng.IntN(len(synthTargets))
		if j == first {
			continue
		}
		first = j
		t := synthTargets[j]
		val := strconv.Itoa(t.min + g.rng.IntN(t.max-t.min+1))
		if t.frac && g.rng.IntN(2) == 0 {
			val += ".5"
		}
		parts = append(parts, fmt.Sprintf(t.text, val))
	}
	g.b.WriteString(strings.Join(parts, "、") + "。")
}

// programme writes a sentence under a named programme, with an initiative.
func (g *synthWriter) programme() {
	c := g.pattern()
	n := g.name(c)
	s, cue := g.phrase(c, n)
	g.expect(n, cue, "programme")
	fmt.Fprintf(&g.b, "深入落实%s部署,%s。", g.pick(g.v.progs), s)
}
