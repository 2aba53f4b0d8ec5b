#!/usr/bin/env python3
"""Writes the raw inputs (*.in) for TestNormalize.

The bytes are produced with Python's own codecs, independently of the Go
decoders under test. Run from this directory: python3 mkinputs.py
Then refresh the expected outputs: go test ./loaders -run TestNormalize -update
"""

PLAIN = (
    "成都市2022年政府工作报告(节选)\n"
    "\n"
    "重点做好十个方面的工作:\n"
    "(一)坚持勇担使命,聚焦重大战略。全面落实《成渝地区双城经济圈建设规划纲要》,"
    "合力谱写“双城记”。加快建设成渝中线高铁等标志性工程,做强中欧班列(成渝)品牌。\n"
)

# Typical of Windows-made documents: full-width punctuation, CRLF line ends,
# full-width-space paragraph indent.
WINDOWS = (
    "　　二、2022年重点工作\r\n"
    "　　加快建设践行新发展理念的公园城市示范区，推动成渝地区双城经济圈建设走深走实。"
    "全市地区生产总值增长６％左右，城镇调查失业率控制在５．５％以内。\r\n"
)

GBK = (
    "成都市人民政府关于印发《成都市“十四五”综合交通运输规划》的通知\r\n"
    "各区（市）县政府，市政府各部门：\r\n"
    "　　现将《成都市“十四五”综合交通运输规划》印发给你们，请认真组织实施。\r\n"
    "　　成都市人民政府\r\n"
    "　　2022年1月10日\r\n"
)

# 𠮷 (U+20BB7) and ® (U+00AE) need GB18030 four-byte sequences; they are
# not in GBK.
GB18030 = (
    "支持“𠮷野家”等外资餐饮品牌在蓉设立区域总部。\n"
    "注册商标®保护和知识产权运用，GB18030编码。\n"
)

TRADITIONAL = (
    "加快建設成資市域(郊)鐵路，啟動建設成德、成眉市域(郊)鐵路。\n"
    "推動成渝地區雙城經濟圈建設，打造國際門戶樞紐城市。\n"
)

# Simplified lines that must stay as they are although OpenCC t2s would change
# some of their characters (乾 in 乾坤, the surname 於), or although they hold
# a rare character outside GB2312 (堃); plus one traditional line.
TRADITIONAL_MIXED = (
    "旋转乾坤，於梨华著，张堃发言，发展后劲。\n"
    "乾坤湾發展規劃，後續工作。\n"
    "发展新动能。\n"
)

FULLWIDTH = (
    "２０２２年，地区生产总值增长（预计）：５．６％；目标！？ＡＢＣ－ｘｙｚ\n"
    "【重点】“双城记”、‘公园城市’《纲要》。\n"
    "①2022年完成……②推进；新增绿地１００㎡，面积２km²。\n"
    "　　首行缩进　用全角空格\n"
    "破折号——保留，间隔号·保留，~～〜。\n"
)

NOISY_WEB = (
    "<p>成 都&nbsp;市&nbsp;&nbsp;人民政府</p><p>&ldquo;双 城 记&rdquo;&#8203;建设<br>"
    "继续\u200b推进\u200f公园\u202e城市\u202c 示范区<br/>\n"
    "\n"
    "GDP  增长 &amp; 发展 &lt;b&gt; &#20013;&#x56FD; &amp;lt;</p>\n"
    "<!-- 统计代码 -->\n"
    "<div class=\"footer\">Chengdu   Tianfu\tNew  Area &copy; 2022</div>\n"
    "\ufeff版权所有\u2066\u2069\u2060 \u200d\n"
)

CRLF = (
    "\r\n\r\n"
    "第一行  \r\n"
    "第二行\t\t尾部空格   \r\n"
    "\r\n\r\n\r\n\r\n"
    "第三段\r旧式Mac换行\r\n"
    "  \t \r\n"
    "最后一行 \r\n\r\n\r\n"
)

# Mostly valid UTF-8 with a few bad bytes, as in scraped web pages: a stray
# 0xFF, a truncated character (first two bytes of 成) and a Latin-1 é.
INVALID_UTF8 = (
    PLAIN.encode("utf-8")
    + b"\xffnoise \xe6\x88 truncated, caf\xe9 latin-1\n"
    + "完善现代化基础设施体系。\n".encode("utf-8")
)

FILES = {
    "utf8-plain.in": PLAIN.encode("utf-8"),
    "utf8-bom.in": b"\xef\xbb\xbf" + PLAIN.encode("utf-8"),
    "utf16le-bom.in": b"\xff\xfe" + WINDOWS.encode("utf-16-le"),
    "utf16be-bom.in": b"\xfe\xff" + WINDOWS.encode("utf-16-be"),
    "utf16le-nobom.in": WINDOWS.encode("utf-16-le"),
    "utf16be-nobom.in": WINDOWS.encode("utf-16-be"),
    "gbk.in": GBK.encode("gbk"),
    "gb18030.in": GB18030.encode("gb18030"),
    "traditional.in": TRADITIONAL.encode("utf-8"),
    "traditional-mixed.in": TRADITIONAL_MIXED.encode("utf-8"),
    "fullwidth.in": FULLWIDTH.encode("utf-8"),
    "noisy-web.in": NOISY_WEB.encode("utf-8"),
    "crlf.in": CRLF.encode("utf-8"),
    "utf8-invalid-bytes.in": INVALID_UTF8,
}

if __name__ == "__main__":
    for name, data in FILES.items():
        with open(name, "wb") as f:
            f.write(data)
