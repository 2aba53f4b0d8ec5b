package loaders

import "testing"

func TestStripGlosses(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"tone-marked gloss goes", "推动经(jīng)济发(fā)展", "推动经济发展"},
		{"unmarked gloss between characters goes", "我们的(de)目标", "我们的目标"},
		{"upper-case code stays", "地区生产总值(GDP)增长", "地区生产总值(GDP)增长"},
		{"a county in brackets stays", "中国(绵阳)科技城", "中国(绵阳)科技城"},
		{"a gloss inside a name goes", "创(chuàng)新先行区", "创新先行区"},
		{"a bracket after Latin text stays", "S11(zh)线", "S11(zh)线"},
		{"a word's gloss by syllables goes", "临港经济(jīng jì)示范区", "临港经济示范区"},
		{"unmarked words in brackets stay", "示范区(pilot zone)建设", "示范区(pilot zone)建设"},
	} {
		if got := stripGlosses(c.in); got != c.want {
			t.Errorf("%s: stripGlosses(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestDropFurniture(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"meta line goes",
			"某市政府工作报告\n发布日期:2023-02-01 来源:某市人民政府 浏览次数:12\n加快建设临港物流园。\n",
			"某市政府工作报告\n加快建设临港物流园。\n"},
		{"navigation bar goes",
			"首页 政务公开 政务服务 互动交流 走进某市\n加快建设临港物流园。\n",
			"加快建设临港物流园。\n"},
		{"a table's header row stays",
			"序号\t工作任务\t牵头单位\t责任单位\n",
			"序号\t工作任务\t牵头单位\t责任单位\n"},
		{"photo and reporter credits go from their line",
			"临港物流园开工建设。(本报记者 王五)\n物流园现场。(某集团供图)\n",
			"临港物流园开工建设。\n物流园现场。\n"},
		{"other stories after an editor's credit go",
			"第一段讲临港物流园的建设情况,内容较长。\n第二段继续讲物流园开工以后的安排。\n(完)【编辑:赵六】\n别处新闻标题一则\n别处新闻标题二则\n",
			"第一段讲临港物流园的建设情况,内容较长。\n第二段继续讲物流园开工以后的安排。\n"},
		{"an editor's credit early in a page cuts nothing",
			"【编辑:赵六】\n第一段讲临港物流园的建设情况,内容较长。\n第二段继续讲物流园开工以后的安排。\n",
			"第一段讲临港物流园的建设情况,内容较长。\n第二段继续讲物流园开工以后的安排。\n"},
		{"links to the stories before and after go",
			"临港物流园开工建设。\n上一篇:某区召开安全生产会议\n下一篇:春季招聘会举行\n",
			"临港物流园开工建设。\n"},
		{"a breadcrumb after a position label goes",
			"当前位置:首页 > 要闻 > 区县\n加快建设临港物流园。\n",
			"加快建设临港物流园。\n"},
		{"a footer with copyright and a licence number goes",
			"加快建设临港物流园。\n版权所有 © 某区人民政府 蜀ICP备00000000号\n",
			"加快建设临港物流园。\n"},
		{"a sentence that mentions printing stays",
			"关闭落后产能,推动印刷和打印设备产业升级。\n",
			"关闭落后产能,推动印刷和打印设备产业升级。\n"},
	} {
		if got := dropFurniture(c.in); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestFixPDFPunct(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"Yi syllables become Chinese punctuation", "推动两地融合发展ꎬ加快建设物流园ꎮ", "推动两地融合发展，加快建设物流园。"},
		{"guillemets around a title become title marks", "根据« 某某规划纲要» 要求", "根据《 某某规划纲要》 要求"},
		{"a breadcrumb's » stays", "首页 » 新闻 » 正文", "首页 » 新闻 » 正文"},
		{"text without Han characters stays", "ꎬꎮ", "ꎬꎮ"},
	} {
		if got := fixPDFPunct(c.in); got != c.want {
			t.Errorf("%s: fixPDFPunct(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}
