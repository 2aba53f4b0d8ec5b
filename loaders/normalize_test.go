package loaders

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/unicode/norm"
)

const seedPath = "../seeds/chengdu-2022-work-report-part1.txt"

// The inputs in testdata/normalize/*.in are written by
// testdata/normalize/mkinputs.py with Python's codecs.
var normalizeCases = map[string]string{ // case name -> detected encoding
	"utf8-plain":         "utf-8",
	"utf8-bom":           "utf-8-bom",
	"utf8-invalid-bytes": "utf-8",
	"utf16le-bom":        "utf-16le",
	"utf16be-bom":        "utf-16be",
	"utf16le-nobom":      "utf-16le",
	"utf16be-nobom":      "utf-16be",
	"gbk":                "gb18030",
	"gb18030":            "gb18030",
	"traditional":        "utf-8",
	"traditional-mixed":  "utf-8",
	"fullwidth":          "utf-8",
	"noisy-web":          "utf-8",
	"crlf":               "utf-8",
}

func TestNormalize(t *testing.T) {
	ins, err := filepath.Glob(filepath.Join("testdata", "normalize", "*.in"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != len(normalizeCases) {
		t.Errorf("found %d .in files, want %d (run mkinputs.py?)", len(ins), len(normalizeCases))
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, enc, err := Normalize(in, raw)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if want, ok := normalizeCases[name]; !ok {
				t.Errorf("no expected encoding for case %s", name)
			} else if enc != want {
				t.Errorf("encoding = %q, want %q", enc, want)
			}
			golden(t, "normalize", name, []byte(got))
			// Normalising normalised text changes nothing, except where
			// decoded entities spell out tags or entities again (&lt;b&gt;,
			// &amp;lt;), as noisy-web has on purpose.
			if name == "noisy-web" {
				return
			}
			again, enc2, err := Normalize(in, []byte(got))
			if err != nil || again != got || enc2 != "utf-8" {
				t.Errorf("second Normalize changed the text: err=%v enc=%q\n%s", err, enc2, firstDiff([]byte(got), []byte(again)))
			}
		})
	}
}

// TestNormalizeGoEncoders cross-checks the Python-made inputs with text
// encoded by Go's own encoders.
func TestNormalizeGoEncoders(t *testing.T) {
	const para = "（一）坚持勇担使命，聚焦重大战略。全面落实《成渝地区双城经济圈建设规划纲要》。\r\n"
	const want = "(一)坚持勇担使命,聚焦重大战略。全面落实《成渝地区双城经济圈建设规划纲要》。\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(para)
	if err != nil {
		t.Fatal(err)
	}
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().String(para + "𠮷\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, raw, enc, want string
	}{
		{"gbk", gbk, "gb18030", want},
		{"gb18030", gb18030, "gb18030", want + "𠮷\n"},
		{"utf8", para, "utf-8", want},
	} {
		got, enc, err := Normalize(tc.name, []byte(tc.raw))
		if err != nil || got != tc.want || enc != tc.enc {
			t.Errorf("%s: got %q, %q, %v; want %q, %q", tc.name, got, enc, err, tc.want, tc.enc)
		}
	}
}

// The seed is simplified, already NFKC and has no stray spaces: Normalize
// must return it unchanged apart from the final newline.
func TestNormalizeSeedUnchanged(t *testing.T) {
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	got, enc, err := Normalize(seedPath, seed)
	if err != nil {
		t.Fatal(err)
	}
	if enc != "utf-8" {
		t.Errorf("encoding = %q, want utf-8", enc)
	}
	want := strings.TrimRight(string(seed), "\n") + "\n"
	if got != want {
		t.Errorf("seed changed:\n%s", firstDiff([]byte(want), []byte(got)))
	}
	// OpenCC itself leaves the seed alone too, so even if the cheap
	// traditional-script test fired it would do no harm.
	cc, err := opencc.New("t2s")
	if err != nil {
		t.Fatal(err)
	}
	if conv, err := cc.Convert(string(seed)); err != nil || conv != string(seed) {
		t.Errorf("opencc t2s changes the seed (err %v)", err)
	}
	// And the cheap test does not fire: no Han character outside GB2312.
	if toSimplifiedCandidate(string(seed)) {
		t.Errorf("seed has Han characters outside GB2312")
	}
}

func toSimplifiedCandidate(s string) bool {
	gb := gb2312Table()
	for _, r := range s {
		if r >= 0x3400 && isHan(r) && !gb.has(r) {
			return true
		}
	}
	return false
}

func TestToSimplified(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"加快建設成資市域(郊)鐵路，啟動建設成德、成眉市域(郊)鐵路\n", "加快建设成资市域(郊)铁路，启动建设成德、成眉市域(郊)铁路\n"},
		{"发展\n", "发展\n"},
		{"发展，髮型，發展\n", "发展，发型，发展\n"},
		{"旋转乾坤，於梨华著\n", "旋转乾坤，於梨华著\n"}, // 乾 and 於 are GB2312: line not traditional
		{"张堃\n", "张堃\n"},               // rare simplified character, OpenCC leaves it
		{"於是乾淨\n", "于是干净\n"},           // 淨 is traditional-only: whole line converted
		{"简体行\n後來\n", "简体行\n后来\n"},
		{"", ""},
	} {
		if got := toSimplified(tc.in); got != tc.want {
			t.Errorf("toSimplified(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStripHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a<br>b<br/>c<BR />d", "a\nb\nc\nd"},
		{"<p>one</p><p>two</p>", "one\ntwo\n"},
		{"line<br>\r\nnext", "line\nnext"},
		{"&amp;lt;", "&lt;"}, // one pass only
		{"&lt;br&gt;", "<br>"},
		{"&#20013;&#x56FD;&#X56fd;", "中国国"},
		{"&#0; &#xD800; &#99999999; &#; &#x;", "&#0; &#xD800; &#99999999; &#; &#x;"},
		{"a&copy=1&b", "a&copy=1&b"},
		{"&NBSP;", "\u00A0"},
		{"x < y and y > z", "x < y and y > z"},
		{"<script>alert(1)</script>", "\n"}, // a page's script is no text
		{"a<SCRIPT type=\"x\">var s = \"<p>成德高铁</p>\";</Script >b", "a\nb"},
		{"<style>p{}</style><noscript>x</noscript>y", "\n\ny"},
		{"<script>never closed<script>", "<script>never closed<script>"},
		{"<html><head><meta charset=\"utf-8\"><title>报告</title></head><body>正文</body></html>", "报告\n\n正文\n\n"},
		{"<!-- c -->x<!-- unterminated", "x<!-- unterminated"},
		{"<td>1</td><td>2</td>", "1 2 "},
		{"《纲要》<span class=\"x\">文本</span>", "《纲要》文本"},
		{"<", "<"}, {"&", "&"}, {"</", "</"}, {"<a", "<a"},
	} {
		if got := stripHTML(tc.in); got != tc.want {
			t.Errorf("stripHTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"成 都", "成都\n"},
		{"成\u3000都 市", "成都市\n"},
		{"GDP 增长 6%", "GDP 增长 6%\n"},
		{"“ 双城记 ” 建设", "“双城记”建设\n"},
		{"a \t b", "a b\n"},
		// a table's row (three cells or more) keeps one tab between cells
		{"1\t成资铁路 \t\t市交通运输局\t2023年", "1\t成资铁路\t市交通运输局\t2023年\n"},
		{"\t成都\t资阳\t", "成都资阳\n"}, // two cells: prose, as before
		{"a\tb\nc\td\te", "a b\nc\td\te\n"},
		{"a\r\nb\rc\n", "a\nb\nc\n"},
		{"a\n\n\n\nb", "a\n\nb\n"},
		{"a\n\nb", "a\n\nb\n"},
		{"\n\n a \n\n", "a\n"},
		{"成\u200b \u200e都", "成都\n"},
		{"a\u202eb\u2066c\u2069\u00ad\ufeffd", "abcd\n"},
		{"x\x01y\x7f\u0085z", "xy\nz\n"},
		{"   \t\u3000\n\u200b", ""},
	} {
		if got := cleanText(tc.in); got != tc.want {
			t.Errorf("cleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNFKC(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"，（）：；！？１２３ＡＢＣ", ",():;!?123ABC"},
		{"。、“”‘’《》【】—·", "。、“”‘’《》【】—·"},
		{"①2022年……②", "①2022年……②"},
		{"１００㎡，２km²", "100㎡,2km²"},
		{"㈠⑴⒈", "(一)(1)1."},
		{"\u3000\u00a0", "  "},
	} {
		if got := nfkc(tc.in); got != tc.want {
			t.Errorf("nfkc(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeRefusals(t *testing.T) {
	oversized := bytes.Repeat([]byte("a"), MaxInputBytes+1)
	// Big5 for 成都市人民政府關於印發國際門戶樞紐城市建設規劃的通知; read as GBK it
	// is mostly kana, Greek, Cyrillic and box drawing.
	big5 := []byte("\xa6\xa8\xb3\xa3\xa5\xab\xa4\x48\xa5\xc1\xac\x46\xa9\xb2\xc3\xf6\xa9\xf3\xa6\x4c\xb5\x6f\xb0\xea\xbb\xda\xaa\xf9\xa4\xe1\xbc\xcf\xaf\xc3\xab\xb0\xa5\xab\xab\xd8\xb3\x5d\xb3\x57\xb9\xba\xaa\xba\xb3\x71\xaa\xbe\r\n")
	for _, tc := range []struct {
		name string
		raw  []byte
		want string // substring of Reason
	}{
		{"empty", nil, "empty document"},
		{"whitespace", []byte(" \t\r\n\u3000\u00a0\n"), "empty document"},
		{"bom-only", []byte{0xEF, 0xBB, 0xBF}, "empty document"},
		{"utf16-bom-only", []byte{0xFF, 0xFE}, "empty document"},
		{"zero-width-only", []byte("\u200b\u200e\ufeff \n"), "empty document"},
		{"tags-only", []byte("<p></p><br>&nbsp;"), "empty document"},
		{"nul-bytes", []byte("abc\x00\x00\x00\x00def\x00\x01\x02\x03"), "binary data, not text: contains NUL bytes"},
		{"nul-in-utf8", []byte("成都市人民政府\x00工作报告"), "NUL"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary data, not text: PNG image"},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "binary data, not text: this is a PDF file; convert it to text first"},
		{"zip", []byte("PK\x03\x04\x14\x00\x06\x00"), "binary data, not text: ZIP archive"},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "binary data, not text: JPEG image"},
		{"controls", []byte("ab\x01\x02\x03\x04cd\x1b\x1b"), "binary data, not text: 6 of 10 characters are control characters"},
		{"utf16-controls", []byte("\xff\xfea\x00\x01\x00\x02\x00"), "binary data, not text"},
		{"utf16-surrogates", []byte("\xff\xfe\x00\xd8\x00\xd8a\x00"), "unpaired surrogates"},
		{"utf32", []byte("\xff\xfe\x00\x00a\x00\x00\x00"), "not valid UTF-8, UTF-16 or GB18030 text: looks like UTF-32"},
		{"undecodable", bytes.Repeat([]byte{0xFF, 'A'}, 100), "not valid UTF-8, UTF-16 or GB18030 text"},
		{"big5", big5, "not valid UTF-8, UTF-16 or GB18030 text"},
		{"oversized", oversized, "document is 20971521 bytes, over the 20 MiB limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := "seeds/" + tc.name + ".txt"
			text, enc, err := Normalize(file, tc.raw)
			if err == nil {
				t.Fatalf("no error; got %q (%s)", text, enc)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v is not *InputError", err, err)
			}
			if ie.File != file {
				t.Errorf("File = %q, want %q", ie.File, file)
			}
			if !strings.Contains(ie.Reason, tc.want) {
				t.Errorf("Reason = %q, want it to contain %q", ie.Reason, tc.want)
			}
			if err.Error() != file+": "+ie.Reason {
				t.Errorf("Error() = %q", err.Error())
			}
			if text != "" || enc != "" {
				t.Errorf("got text %q, encoding %q with an error", text, enc)
			}
		})
	}
}

func TestNormalizeConcurrent(t *testing.T) {
	inputs := [][]byte{
		[]byte("加快建設成資市域(郊)鐵路，啟動建設成德、成眉市域(郊)鐵路\n"),
		[]byte("\xb3\xc9\xb6\xbc\xca\xd0\xa3\xac\xa1\xa3\r\n"),
		seedText(t),
	}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		want[i], _, _ = Normalize("x", in)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				k := (g + i) % len(inputs)
				if got, _, err := Normalize("x", inputs[k]); err != nil || got != want[k] {
					t.Errorf("input %d: got %q, %v", k, got, err)
				}
			}
		})
	}
	wg.Wait()
}

func TestInputErrorNoFile(t *testing.T) {
	if got := (&InputError{Reason: "empty document"}).Error(); got != "empty document" {
		t.Errorf("Error() = %q", got)
	}
}

func TestNormalizeAtLimit(t *testing.T) {
	raw := bytes.Repeat([]byte("成都 "), MaxInputBytes/7)
	raw = append(raw, bytes.Repeat([]byte("a"), MaxInputBytes-len(raw))...)
	if len(raw) != MaxInputBytes {
		t.Fatalf("len %d", len(raw))
	}
	if _, _, err := Normalize("limit.txt", raw); err != nil {
		t.Errorf("document of exactly MaxInputBytes refused: %v", err)
	}
}

// checkNormalized checks the invariants of every successful Normalize result.
func checkNormalized(t *testing.T, out, enc string) {
	t.Helper()
	switch enc {
	case "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "gb18030":
	default:
		t.Errorf("unknown encoding %q", enc)
	}
	if out == "" {
		t.Fatal("no error but empty output")
	}
	if !utf8.ValidString(out) {
		t.Fatalf("output is not valid UTF-8: %q", out)
	}
	if strings.ContainsAny(out, "\r\x00") {
		t.Fatalf("output has \\r or NUL: %q", out)
	}
	if !strings.HasSuffix(out, "\n") || strings.HasPrefix(out, "\n") || strings.Contains(out, "\n\n\n") {
		t.Fatalf("bad blank lines: %q", out)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.HasPrefix(line, " ") || strings.HasSuffix(line, " ") || strings.Contains(line, "  ") {
			t.Fatalf("bad spaces in line %q", line)
		}
		// a table row's cells are one tab apart, with nothing blank around it
		if strings.HasPrefix(line, "\t") || strings.HasSuffix(line, "\t") || strings.Contains(line, "\t\t") ||
			strings.Contains(line, " \t") || strings.Contains(line, "\t ") {
			t.Fatalf("bad tabs in line %q", line)
		}
	}
	for _, r := range out {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Fatalf("output has control or format character %U: %q", r, out)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add([]byte("成都市2022年政府工作报告\n"))
	f.Add([]byte("\xef\xbb\xbf（一）坚持勇担使命，聚焦重大战略。\r\n"))
	f.Add([]byte("\xff\xfe\x10bZ\x8fN\x00\x0a\x00"))              // UTF-16LE BOM
	f.Add([]byte("\xfe\xffb\x10\x8fZ\x00a"))                      // UTF-16BE BOM
	f.Add([]byte("a\x00b\x00\xd0\x63\x00"))                       // UTF-16LE, no BOM
	f.Add([]byte("\xb3\xc9\xb6\xbc\xca\xd0\xa3\xac\xa1\xa3\r\n")) // GBK 成都市，。
	f.Add([]byte("\x95\x34\xb2\x35\x81\x30\x85\x33"))             // GB18030 four-byte
	f.Add([]byte("加快建設成資市域(郊)鐵路，啟動建設"))
	f.Add([]byte("<p>成 都&nbsp;市</p><br>&#20013;&ldquo;\u200b\u202e&amp;lt;<!-- x -->"))
	f.Add([]byte("２０２２年，ＡＢＣ①……㎡\u3000\u3000"))
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("\x00\x00\x00\x00"))
	f.Add([]byte("\xd8\x00\xdc\x00\xff"))
	f.Add([]byte("mostly ascii \xff\xfe\xe6\x88 text"))
	f.Add([]byte(" \t\r\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, enc, err := Normalize("fuzz.txt", raw)
		out2, enc2, err2 := Normalize("fuzz.txt", raw)
		if out != out2 || enc != enc2 || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("not deterministic")
		}
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.File != "fuzz.txt" || ie.Reason == "" {
				t.Fatalf("bad error %T %v", err, err)
			}
			if out != "" || enc != "" {
				t.Fatalf("output with error")
			}
			return
		}
		checkNormalized(t, out, enc)
	})
}

func seedText(tb testing.TB) []byte {
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		tb.Fatal(err)
	}
	return seed
}

// repeatTo repeats text, separated by blank lines, to about n bytes.
func repeatTo(text []byte, n int) []byte {
	var b bytes.Buffer
	for b.Len() < n {
		b.Write(text)
		b.WriteString("\n\n")
	}
	return b.Bytes()
}

func benchNormalize(b *testing.B, raw []byte) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Normalize("bench.txt", raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalize: the simplified seed repeated to about 1 MB.
// BenchmarkStripHTMLUnclosedScripts strips a page of unclosed <script>
// tags: each looks for its closing tag, and the search must not start over
// at every one (ns/op grows with the page, not with its square).
func BenchmarkStripHTMLUnclosedScripts(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		page := strings.Repeat("<script>", n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				stripHTML(page)
			}
		})
	}
}

func BenchmarkNormalize(b *testing.B) {
	benchNormalize(b, repeatTo(seedText(b), 1<<20))
}

func BenchmarkNormalizeSeed(b *testing.B) {
	benchNormalize(b, seedText(b))
}

// BenchmarkNormalizeGBK: the seed encoded as GBK, about 1 MB.
func BenchmarkNormalizeGBK(b *testing.B) {
	raw, err := simplifiedchinese.GBK.NewEncoder().Bytes(repeatTo(seedText(b), 1<<20))
	if err != nil {
		b.Fatal(err)
	}
	benchNormalize(b, raw)
}

// BenchmarkNormalizeTraditional: the seed in traditional script, about 1 MB,
// so that every line goes through OpenCC t2s.
func BenchmarkNormalizeTraditional(b *testing.B) {
	s2t, err := opencc.New("s2t")
	if err != nil {
		b.Fatal(err)
	}
	trad, err := s2t.Convert(string(seedText(b)))
	if err != nil {
		b.Fatal(err)
	}
	benchNormalize(b, repeatTo([]byte(trad), 1<<20))
}

// BenchmarkOpenCCInit is the one-off cost of building the t2s converter.
func BenchmarkOpenCCInit(b *testing.B) {
	for b.Loop() {
		if _, err := opencc.New("t2s"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenCCConvertSeed is what running t2s on the simplified seed
// would cost, which the cheap test avoids.
func BenchmarkOpenCCConvertSeed(b *testing.B) {
	cc, err := opencc.New("t2s")
	if err != nil {
		b.Fatal(err)
	}
	seed := string(seedText(b))
	b.SetBytes(int64(len(seed)))
	for b.Loop() {
		if _, err := cc.Convert(seed); err != nil {
			b.Fatal(err)
		}
	}
}

// TestJoinWrapped checks that text hard-wrapped at a fixed width, as
// pdftotext gives it, is joined back into paragraphs, and that text that is
// not wrapped is left alone.
func TestJoinWrapped(t *testing.T) {
	body := "加快建设川南城际铁路宜宾至西南环线、渝昆高铁宜宾段，推进宜西攀高速前期工作。成自宜高铁建成通车，宜泸沿江高速、宜威高速加快建设，宜宾港志城作业区二期工程开工建设。新建改造农村公路1200公里，完成城镇老旧小区改造231个。"
	var wrapped []string
	rs := []rune(body)
	for i := 0; i < len(rs); i += 30 {
		wrapped = append(wrapped, string(rs[i:min(i+30, len(rs))]))
	}
	text := "宜宾市2023年政府工作报告\n\n一、重点工作\n" + strings.Join(wrapped, "\n") + "\n二、2024年工作安排\n" + strings.Join(wrapped, "\n") + "\n"
	got, _, err := Normalize("wrapped.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	para := strings.NewReplacer("，", ",").Replace(body)
	want := "宜宾市2023年政府工作报告\n\n一、重点工作\n" + para + "\n二、2024年工作安排\n" + para + "\n"
	if got != want {
		t.Errorf("wrapped text:\n got %q\nwant %q", got, want)
	}
	// A page's footer between the halves of a wrapped sentence goes with the
	// blank lines around it; one after a sentence's end stays.
	footer := strings.Join(wrapped[:2], "\n") + "\n\n— 3 —\n\n" + strings.Join(wrapped[2:], "\n") + "\n"
	if got := joinWrapped(footer); got != body+"\n" {
		t.Errorf("a footer inside a sentence:\n got %q\nwant %q", got, body+"\n")
	}
	for _, l := range []string{"3", "- 3 -", "— 12 —", "·7·", "第3页", "第 3 页 共 20 页"} {
		if !isPageNumber(l) {
			t.Errorf("isPageNumber(%q) = false", l)
		}
	}
	for _, l := range []string{"", "—", "2023年", "12345", "第三页", "第3章", "第3页共", "一、重点工作"} {
		if isPageNumber(l) {
			t.Errorf("isPageNumber(%q) = true", l)
		}
	}
	// English words meet with a space, a number broken by the wrap is one.
	block := "aaaa bbbb cccc dddd eeee ab\ncd ffff gggg hhhh iiii j 12\n34 kkkk llll mmmm nnnn oooo\n\n"
	if got := joinWrapped(strings.Repeat(block, 2)); !strings.Contains(got, "eeee ab cd ffff") || !strings.Contains(got, "j 1234 kkkk") {
		t.Errorf("joined English: %q", got)
	}
	// Paragraphs of one line each, whatever their length, stay apart; so do
	// lines that end a sentence, lines much shorter than the width and a
	// line before a section.
	for _, s := range []string{
		"第一段很长很长很长很长很长很长很长很长很长很长很长很长的话\n第二段也很长很长很长很长很长很长很长很长很长很长很长的话\n",
		strings.Repeat("这一行正好有二十五个字而且以句号结束了所以不接。\n", 4),
		strings.Repeat("这一行正好有二十五个字但是没有结束的标点所以会接\n", 3) + "(一)新的一节从这里开始写起来\n",
	} {
		got := joinWrapped(s)
		if strings.Count(got, "\n") == 1 && strings.Count(s, "\n") > 1 && !strings.Contains(s, "会接") {
			t.Errorf("joined what is not wrapped: %q", got)
		}
		if strings.Contains(s, "会接") && got != strings.Repeat("这一行正好有二十五个字但是没有结束的标点所以会接", 3)+"\n(一)新的一节从这里开始写起来\n" {
			t.Errorf("joined across a section: %q", got)
		}
		if !strings.Contains(s, "会接") && got != s {
			t.Errorf("changed text that is not wrapped:\n got %q\nwant %q", got, s)
		}
	}
	// The seed report is not wrapped: nothing changes.
	seed := string(readDoc(t, gazetteer(t), seedPath).Text)
	if joined := joinWrapped(seed); joined != seed {
		t.Errorf("the seed report changed: %s", firstDiff([]byte(seed), []byte(joined)))
	}
}

// TestSoftBreaks checks which <br> tags break a line: one inside a
// sentence of a long line is dropped, others are line breaks.
func TestSoftBreaks(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"成自宜高铁建成通车，宜泸沿江高速、宜威高速<br>加快建设。", "成自宜高铁建成通车,宜泸沿江高速、宜威高速加快建设。\n"},
		{"一、2022年工作回顾<br>过去一年，我们加快建设成资市域铁路。", "一、2022年工作回顾\n过去一年,我们加快建设成资市域铁路。\n"},
		{"成自宜高铁建成通车，宜泸沿江高速加快建设。<br>宜威高速开工建设。", "成自宜高铁建成通车,宜泸沿江高速加快建设。\n宜威高速开工建设。\n"},
		{"成自宜高铁建成通车，宜泸沿江高速、宜威高速<br>　　加快建设。", "成自宜高铁建成通车,宜泸沿江高速、宜威高速\n加快建设。\n"},
		{"成自宜高铁建成通车，宜泸沿江高速、宜威高速<br><br>加快建设。", "成自宜高铁建成通车,宜泸沿江高速、宜威高速\n\n加快建设。\n"},
		{"成自宜高铁建成通车，宜泸沿江高速、宜威高速<BR/>加快建设。", "成自宜高铁建成通车,宜泸沿江高速、宜威高速加快建设。\n"},
	} {
		got, _, err := Normalize("page.html", []byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestNFKCLines checks the line-by-line fast path of NFKC against
// golang.org/x/text/unicode/norm on the test texts and on lines made to
// catch it out: fullwidth forms, the ideographic space, combining marks
// after ASCII and after fullwidth letters, compatibility ideographs,
// pinyin and lines without a final break.
func TestNFKCLines(t *testing.T) {
	inputs := []string{
		"", "\n", "\n\n", "abc", "成都", "成都，资阳。\n", "（一）加快建设成资市域（郊）铁路；\r\n",
		"Ａ\u0301B", "e\u0301\n成都", "A\u030A", "\u3000\u3000第二章\u3000总则\n", "２０２２年ＧＤＰ增长５％",
		"\uF900\uFA10 兼容汉字", "経(jīng)濟", "“一带一路”·【重点】〔2022〕〜", "last line, no break",
		"ﬁ ligature\n成都\n", "㎡ ℃ Ⅻ", "\u1100\u1161\u11A8 한", "a\n\u0301b",
	}
	files, _ := filepath.Glob("testdata/relate/*.txt")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		if !utf8.ValidString(in) {
			continue // a GBK test file: Normalize decodes it first
		}
		if got, want := nfkcLines(in), norm.NFKC.String(in); got != want {
			t.Errorf("nfkcLines(%.40q) = %.60q, NFKC gives %.60q", in, got, want)
		}
	}
}
