package loaders

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/unicode/norm"
)

// MaxInputBytes is the largest document Normalize accepts.
const MaxInputBytes = 20 << 20

// InputError reports a document that cannot be read, naming the file and the reason.
type InputError struct {
	File   string
	Reason string
}

func (e *InputError) Error() string {
	if e.File == "" {
		return e.Reason
	}
	return e.File + ": " + e.Reason
}

// Reasons shared by several checks; tests match on them.
const (
	reasonEmpty        = "empty document"
	reasonBinary       = "binary data, not text: "
	reasonUndecodable  = "not valid UTF-8, UTF-16 or GB18030 text"
	reasonNULBytes     = reasonBinary + "contains NUL bytes"
	encUTF8            = "utf-8"
	encUTF8BOM         = "utf-8-bom"
	encUTF16LE         = "utf-16le"
	encUTF16BE         = "utf-16be"
	encGB18030         = "gb18030"
	replacementRune    = '\uFFFD'
	replacementString  = "\uFFFD"
	pdfHeaderSearchLen = 1024
)

// Normalize decodes raw bytes of a document called name and returns normalised UTF-8 text
// plus the encoding it detected ("utf-8", "utf-8-bom", "utf-16le", "utf-16be", "gb18030").
//
// Steps, in order:
//
//  1. Refuse oversized input, known binary formats (PDF, ZIP/Office, images,
//     archives, executables), NUL bytes that are not UTF-16, and text with
//     more than 1% control characters.
//  2. Detect the encoding and decode (see decode for the heuristics).
//  3. Drop simple HTML tags (<br>, <p>, </p>, <div>, <span>, ...) and decode
//     common HTML entities (&nbsp; &amp; &ldquo; &#20013; &#x4E2D; ...), in a
//     single pass, so "&amp;lt;" becomes "&lt;" and not "<".
//  4. Unicode NFKC, except for a few characters whose compatibility mapping
//     loses meaning (see keepFromNFKC): full-width ASCII becomes ASCII,
//     U+3000 and NBSP become spaces, Chinese punctuation such as 。、“”《》【】
//     is left alone.
//  5. Line endings become \n; zero-width, bidi and other format characters
//     and control characters other than \n and \t are removed; runs of spaces
//     and tabs become one tab when they hold a tab (a table's cell boundary)
//     and one space otherwise, and a space between two CJK characters is
//     removed; lines are trimmed at both ends; runs of blank lines become one
//     blank line; leading and trailing blank lines are dropped and the text
//     ends with a single \n.
//  6. Punctuation a PDF extractor gave as Yi syllables (ꎬ ꎮ) is restored;
//     pinyin glosses after characters and a page's furniture (meta lines,
//     navigation bars, credits, other stories after an article's end) go;
//     see furniture.go.
//  7. Text hard-wrapped at a fixed width (as pdftotext and some web pages
//     give it) is joined back into paragraphs (see joinWrapped).
//  8. Lines written in traditional script are converted to simplified with
//     OpenCC t2s (see toSimplified); simplified lines are never touched.
//
// Normalize is deterministic, safe for concurrent use and does not panic.
// Errors are always *InputError.
func Normalize(name string, raw []byte) (text string, encoding string, err error) {
	fail := func(reason string) (string, string, error) {
		return "", "", &InputError{File: name, Reason: reason}
	}
	if len(raw) > MaxInputBytes {
		return fail(fmt.Sprintf("document is %d bytes, over the %d MiB limit", len(raw), MaxInputBytes>>20))
	}
	if len(raw) == 0 {
		return fail(reasonEmpty)
	}
	if kind := binaryFormat(raw); kind != "" {
		return fail(reasonBinary + kind)
	}
	s, enc, reason := decode(raw)
	if reason != "" {
		return fail(reason)
	}
	if reason := checkControls(s); reason != "" {
		return fail(reason)
	}
	s = stripHTML(s)
	s = fixPDFPunct(s)
	s = nfkc(s)
	s = stripGlosses(s)
	s = cleanText(s)
	s = dropFurniture(s)
	if s == "" {
		return fail(reasonEmpty)
	}
	s = joinWrapped(s)
	s = toSimplified(s)
	return s, enc, nil
}

// binaryFormat recognises magic numbers of common non-text files and returns
// a description, or "" if raw does not start like one of them.
func binaryFormat(raw []byte) string {
	head := raw[:min(len(raw), pdfHeaderSearchLen)]
	// The PDF spec allows junk before the header; look in the first 1 KiB.
	if bytes.Contains(head, []byte("%PDF-")) {
		return "this is a PDF file; convert it to text first (e.g. pdftotext -enc UTF-8)"
	}
	magics := []struct {
		prefix string
		kind   string
	}{
		{"PK\x03\x04", "ZIP archive (or .docx/.xlsx/.odt); extract the text first"},
		{"PK\x05\x06", "ZIP archive (empty)"},
		{"PK\x07\x08", "ZIP archive (spanned)"},
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "OLE2 compound file (.doc/.xls/.wps); convert it to text first"},
		{"\x89PNG\r\n\x1A\n", "PNG image"},
		{"\xFF\xD8\xFF", "JPEG image"},
		{"GIF87a", "GIF image"},
		{"GIF89a", "GIF image"},
		{"\x1F\x8B", "gzip-compressed data"},
		{"\xFD7zXZ\x00", "xz-compressed data"},
		{"7z\xBC\xAF\x27\x1C", "7-Zip archive"},
		{"Rar!\x1A\x07", "RAR archive"},
		{"\x7FELF", "ELF executable"},
	}
	for _, m := range magics {
		if bytes.HasPrefix(raw, []byte(m.prefix)) {
			return m.kind
		}
	}
	return ""
}

// decode detects the encoding of raw and returns valid UTF-8, the encoding
// name, or a refusal reason.
//
// Heuristics:
//   - UTF-32 BOMs are refused; UTF-8 and UTF-16 BOMs are trusted (UTF-16
//     with more than 1% unpaired surrogates is refused).
//   - Without a BOM, NUL bytes never occur in UTF-8 or GB18030 text, so they
//     mean UTF-16 or binary. Both byte orders are decoded and scored (see
//     textStats.problems); the better one (ties go to little-endian) is
//     accepted if it has no U+0000, at most 1% replacement and control
//     characters and at most 10% unlikely characters among non-ASCII ones.
//     Otherwise the input is binary.
//   - Valid UTF-8 is UTF-8.
//   - Otherwise both UTF-8 (invalid bytes replaced by U+FFFD) and GB18030 are
//     candidates. UTF-8 problems are invalid bytes; GB18030 problems are
//     replacement characters, "unlikely" characters (kana, Hangul, Greek,
//     Cyrillic, box drawing, private use, other scripts – what UTF-8 or
//     Big5 bytes turn into when read as GBK) and "rare" Han characters
//     (outside GB2312). GB18030 wins only with strictly fewer problems, at
//     most 1% replacement characters and at most 10% unlikely characters
//     among its non-ASCII characters. So GBK/GB18030 documents, which are
//     nearly all invalid UTF-8, decode as GB18030, while UTF-8 text with a
//     few stray bytes stays UTF-8 (with U+FFFD) – as long as at most 5% of
//     its characters are invalid bytes. Anything else is refused.
func decode(raw []byte) (text, enc, reason string) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(raw, []byte{0, 0, 0xFE, 0xFF}):
		return "", "", reasonUndecodable + ": looks like UTF-32 (byte order mark); re-save it as UTF-8"
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		rest := raw[3:]
		if utf8.Valid(rest) {
			return string(rest), encUTF8BOM, ""
		}
		return decodeUTF8OrGB18030(rest, encUTF8BOM)
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		bigEndian := raw[0] == 0xFE
		text := decodeUTF16(raw[2:], bigEndian)
		if st := statsOf(text); st.invalid*100 > st.runes {
			return "", "", fmt.Sprintf("%s (UTF-16 byte order mark, but %d of %d characters are unpaired surrogates)",
				reasonUndecodable, st.invalid, st.runes)
		}
		if bigEndian {
			return text, encUTF16BE, ""
		}
		return text, encUTF16LE, ""
	case bytes.IndexByte(raw, 0) >= 0:
		le, be := decodeUTF16(raw, false), decodeUTF16(raw, true)
		sle, sbe := statsOf(le), statsOf(be)
		text, enc, st := le, encUTF16LE, sle
		if sbe.problems() < sle.problems() {
			text, enc, st = be, encUTF16BE, sbe
		}
		if st.nul == 0 && st.invalid*100 <= st.runes && st.control*100 <= st.runes && st.unlikely*10 <= st.nonASCII {
			return text, enc, ""
		}
		return "", "", reasonNULBytes
	case utf8.Valid(raw):
		return string(raw), encUTF8, ""
	}
	return decodeUTF8OrGB18030(raw, encUTF8)
}

// decodeUTF8OrGB18030 handles input that is not valid UTF-8; see decode.
func decodeUTF8OrGB18030(raw []byte, utf8Label string) (text, enc, reason string) {
	// Control bytes are the same in UTF-8 and GB18030; report binary data as
	// such rather than as an encoding problem.
	if r := checkControls(string(raw)); r != "" {
		return "", "", r
	}
	u8bad, u8runes := 0, 0
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			u8bad++
		}
		u8runes++
		i += size
	}
	gb, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	var st textStats
	if err == nil {
		st = statsOf(string(gb))
		if st.problems() < u8bad && st.invalid*100 <= st.nonASCII && st.unlikely*10 <= st.nonASCII {
			return string(gb), encGB18030, ""
		}
	}
	if u8bad*20 <= u8runes {
		return strings.ToValidUTF8(string(raw), replacementString), utf8Label, ""
	}
	return "", "", fmt.Sprintf("%s (%d of %d bytes are not UTF-8; as GB18030: %d undecodable and %d unlikely of %d non-ASCII characters)",
		reasonUndecodable, u8bad, len(raw), st.invalid, st.unlikely, st.nonASCII)
}

// decodeUTF16 decodes b as UTF-16 without a BOM. Unpaired surrogates and a
// trailing odd byte become U+FFFD.
func decodeUTF16(b []byte, bigEndian bool) string {
	unit := func(i int) rune {
		if bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i+1])<<8 | rune(b[i])
	}
	out := make([]byte, 0, len(b)*3/2+4)
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		r := unit(i)
		if utf16.IsSurrogate(r) {
			if r < 0xDC00 && i+3 < n {
				if r2 := utf16.DecodeRune(r, unit(i+2)); r2 != replacementRune {
					out = utf8.AppendRune(out, r2)
					i += 2
					continue
				}
			}
			r = replacementRune
		}
		out = utf8.AppendRune(out, r)
	}
	if len(b)%2 == 1 {
		out = utf8.AppendRune(out, replacementRune)
	}
	return string(out)
}

// textStats classifies the characters of a decoded candidate text.
type textStats struct {
	runes    int
	nonASCII int
	invalid  int // U+FFFD
	nul      int
	control  int // C0/C1 controls except \t \n \r \f \v and NEL, and except NUL
	rare     int // Han outside GB2312
	unlikely int // see isUnlikely
}

// problems is the score used to choose between candidate decodings.
func (t textStats) problems() int {
	return t.invalid + t.nul + t.control + t.rare + t.unlikely
}

func statsOf(s string) textStats {
	var t textStats
	gb := gb2312Table()
	for _, r := range s {
		t.runes++
		switch {
		case r == 0:
			t.nul++
		case isControl(r):
			t.control++
		case r < utf8.RuneSelf:
		case r == replacementRune:
			t.nonASCII++
			t.invalid++
		case r >= 0x3400 && isHan(r):
			t.nonASCII++
			if !gb.has(r) {
				t.rare++
			}
		default:
			t.nonASCII++
			if isUnlikely(r) {
				t.unlikely++
			}
		}
	}
	return t
}

// isControl reports C0 and C1 control characters other than the whitespace
// controls \t \n \v \f \r and NEL (U+0085), which are line breaks or spaces.
func isControl(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', '\u0085':
		return false
	}
	return r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F)
}

// isUnlikely reports non-Han characters that are improbable in Chinese policy
// text but typical of text decoded with the wrong encoding: GBK rows A4-A9
// (kana, Greek, Cyrillic, bopomofo, box drawing), private use, Hangul and
// other scripts.
func isUnlikely(r rune) bool {
	switch {
	case r <= 0x024F: // Latin-1, Latin Extended A/B (pinyin tone marks)
		return false
	case r >= 0x02B0 && r <= 0x036F: // modifier letters, combining marks
		return false
	case r >= 0x2000 && r <= 0x24FF: // punctuation, symbols, arrows, maths, enclosed alphanumerics
		return false
	case r >= 0x2500 && r <= 0x259F: // box drawing, block elements
		return true
	case r >= 0x25A0 && r <= 0x2BFF: // shapes, misc symbols, dingbats
		return false
	case r >= 0x3000 && r <= 0x303F: // CJK symbols and punctuation
		return false
	case r >= 0x3200 && r <= 0x33FF: // enclosed CJK, CJK compatibility (units)
		return false
	case r >= 0xFE00 && r <= 0xFE6F: // variation selectors, vertical/compat/small forms
		return false
	case r >= 0xFF00 && r <= 0xFFEF: // full-width and half-width forms
		return false
	case r == 0xFEFF:
		return false
	case r >= 0x1F000 && r <= 0x1FAFF: // emoji and pictographs (web text)
		return false
	}
	return true
}

func isHan(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF {
		return true
	}
	return r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

// gb2312Set is a bitset over U+4E00..U+9FFF of the 6763 GB2312 Han
// characters, which cover nearly all modern simplified Chinese text. Han
// characters outside it are rare characters or traditional-only forms.
type gb2312Set [(0x9FFF - 0x4E00 + 64) / 64]uint64

func (s *gb2312Set) has(r rune) bool {
	if r < 0x4E00 || r > 0x9FFF {
		return false
	}
	i := r - 0x4E00
	return s[i/64]&(1<<(i%64)) != 0
}

// gb2312Table builds the set once, by decoding every code point of the GB2312
// Han rows (lead bytes 0xB0-0xF7) with the GBK decoder; this takes well under
// a millisecond.
var gb2312Table = sync.OnceValue(func() *gb2312Set {
	buf := make([]byte, 0, (0xF7-0xB0+1)*(0xFE-0xA1+1)*2)
	for lead := 0xB0; lead <= 0xF7; lead++ {
		for trail := 0xA1; trail <= 0xFE; trail++ {
			buf = append(buf, byte(lead), byte(trail))
		}
	}
	var set gb2312Set
	dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(buf)
	if err != nil {
		return &set
	}
	for _, r := range string(dec) {
		if r >= 0x4E00 && r <= 0x9FFF {
			i := r - 0x4E00
			set[i/64] |= 1 << (i % 64)
		}
	}
	return &set
})

// checkControls refuses text with NUL characters or with more than 1%
// control characters (other than whitespace controls).
func checkControls(s string) string {
	runes, controls := 0, 0
	for _, r := range s {
		runes++
		if r == 0 {
			return reasonNULBytes
		}
		if isControl(r) {
			controls++
		}
	}
	if controls*100 > runes {
		return fmt.Sprintf("%s%d of %d characters are control characters", reasonBinary, controls, runes)
	}
	return ""
}

// htmlEntities are the named entities decoded by stripHTML. A trailing ';' is
// required, so "a&copy=1" in a URL is left alone.
var htmlEntities = map[string]rune{
	"nbsp": '\u00A0', "amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'',
	"ldquo": '“', "rdquo": '”', "lsquo": '‘', "rsquo": '’', "laquo": '«', "raquo": '»',
	"mdash": '—', "ndash": '–', "hellip": '…', "middot": '·', "bull": '•',
	"times": '×', "divide": '÷', "plusmn": '±', "deg": '°', "permil": '‰',
	"yen": '¥', "copy": '©', "reg": '®', "trade": '™', "sect": '§',
	"ensp": '\u2002', "emsp": '\u2003', "thinsp": '\u2009', "shy": '\u00AD',
	"zwsp": '\u200B', "zwj": '\u200D', "zwnj": '\u200C', "lrm": '\u200E', "rlm": '\u200F',
}

// htmlTags are the tags stripHTML removes, with their replacement: "\n" for
// line and block breaks, " " for table cells, "" otherwise.
var htmlTags = map[string]string{
	"br": "\n", "/br": "\n",
	"/p": "\n", "/div": "\n", "/li": "\n", "/tr": "\n", "/table": "\n",
	"/h1": "\n", "/h2": "\n", "/h3": "\n", "/h4": "\n", "/h5": "\n", "/h6": "\n",
	"/ul": "\n", "/ol": "\n", "/section": "\n", "/article": "\n", "/blockquote": "\n",
	"/td": " ", "/th": " ",
	"/title": "\n", "/head": "\n", "/body": "\n", "/html": "\n", "/header": "\n", "/footer": "\n",
	"/nav": "\n", "/main": "\n", "/aside": "\n", "/dd": "\n", "/dt": "\n",
}

var htmlInlineTags = map[string]bool{
	"p": true, "div": true, "span": true, "font": true, "b": true, "strong": true,
	"i": true, "em": true, "u": true, "a": true, "img": true, "li": true, "ul": true,
	"ol": true, "table": true, "tbody": true, "thead": true, "tr": true, "td": true,
	"th": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"section": true, "article": true, "center": true, "sup": true, "sub": true,
	"blockquote": true, "small": true,
	"html": true, "head": true, "body": true, "title": true, "meta": true, "link": true, "header": true,
	"footer": true, "nav": true, "main": true, "aside": true, "dl": true, "dt": true, "dd": true, "label": true,
}

// htmlDropped are the tags whose content is not text: a page's scripts and
// styles go with their tags.
var htmlDropped = map[string]bool{"script": true, "style": true, "noscript": true}

// stripHTML removes simple HTML tags and comments and decodes common entities
// in one left-to-right pass. Anything it does not recognise is kept as is.
// softBreak reports whether tag, between the text done so far and rest, is
// a <br> inside a sentence: after at least 20 runes of a line that has not
// ended a sentence, and right before more text (宜泸沿江高速、宜威高速<br>加快建设).
// Such a break is dropped. A <br> before an indent, a tag, an entity or a
// line break, or after a short line such as a heading, still breaks the line.
func softBreak(done, tag, rest string) bool {
	if len(tag) < 3 || !strings.EqualFold(tag[:3], "<br") {
		return false
	}
	next, _ := utf8.DecodeRuneInString(rest)
	if rest == "" || next == '<' || next == '&' || unicode.IsSpace(next) {
		return false
	}
	// the line's last 80 bytes at most: a line of 80 bytes has 20 runes,
	// and a page of <br> joined into one line must not be scanned again
	// at every one
	tail := done[max(0, len(done)-80):]
	line := tail[strings.LastIndexByte(tail, '\n')+1:]
	last, _ := utf8.DecodeLastRuneInString(line)
	if utf8.RuneCountInString(line) < 20 || unicode.IsSpace(last) || strings.ContainsRune("。！？!?…；;：:”」』)）】》", last) {
		return false
	}
	return true
}

func stripHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	closing := &closingTags{page: s}
	for i := 0; i < len(s); {
		j := strings.IndexAny(s[i:], "<&")
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		var repl string
		var n int
		isTag := s[i] == '<'
		if isTag {
			repl, n = matchTag(s[i:], i, closing)
		} else {
			repl, n = matchEntity(s[i:])
		}
		if n == 0 {
			b.WriteByte(s[i])
			i++
			continue
		}
		if isTag && softBreak(b.String(), s[i:i+n], s[i+n:]) {
			i += n
			continue
		}
		b.WriteString(repl)
		i += n
		if isTag && repl == "\n" {
			// "<br>\n" is one line break, not two.
			k := i
			for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			if strings.HasPrefix(s[k:], "\r\n") {
				i = k + 2
			} else if k < len(s) && (s[k] == '\n' || s[k] == '\r') {
				i = k + 1
			}
		}
	}
	return b.String()
}

// closingTags finds the closing tags of dropped elements (</script>) in a
// page, remembering the last one found for each name: a page of unclosed
// <script> tags is then scanned once, not once a tag.
type closingTags struct {
	page string
	last map[string]int // the next closing tag at or after an earlier position, or -1 for none
}

// next returns where the first closing tag of name at or after from starts
// in the page, or -1.
func (c *closingTags) next(from int, name string) int {
	if at, ok := c.last[name]; ok && (at < 0 || at >= from) {
		return at
	}
	at := -1
	for i := from; i+2+len(name) <= len(c.page); i++ {
		k := strings.Index(c.page[i:], "</")
		if k < 0 {
			break
		}
		i += k
		if i+2+len(name) <= len(c.page) && strings.EqualFold(c.page[i+2:i+2+len(name)], name) {
			at = i
			break
		}
	}
	if c.last == nil {
		c.last = map[string]int{}
	}
	c.last[name] = at
	return at
}

// matchTag matches a known tag or an HTML comment at the start of s, which
// is the page from at on, and returns its replacement and length, or n == 0.
func matchTag(s string, at int, ct *closingTags) (repl string, n int) {
	const maxTagLen = 512
	if strings.HasPrefix(s, "<!--") {
		if end := strings.Index(s[4:min(len(s), 4096)], "-->"); end >= 0 {
			return "", 4 + end + 3
		}
		return "", 0
	}
	i := 1
	closing := i < len(s) && s[i] == '/'
	if closing {
		i++
	}
	start := i
	for i < len(s) && (isASCIILetter(s[i]) || (i > start && s[i] >= '0' && s[i] <= '9')) {
		i++
	}
	if i == start || i-start > 10 {
		return "", 0
	}
	name := strings.ToLower(s[start:i])
	// The name must end the tag or be followed by attributes or "/>".
	if i < len(s) && s[i] != '>' && s[i] != '/' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' {
		return "", 0
	}
	end := strings.IndexByte(s[i:min(len(s), i+maxTagLen)], '>')
	if end < 0 || strings.IndexByte(s[i:i+end], '<') >= 0 {
		return "", 0
	}
	n = i + end + 1
	if closing {
		name = "/" + name
	}
	if htmlDropped[name] {
		// up to and with the closing tag
		if end := ct.next(at+n, name); end >= 0 {
			if gt := strings.IndexByte(s[end-at:], '>'); gt >= 0 {
				return "\n", end - at + gt + 1
			}
		}
		return "", 0
	}
	if r, ok := htmlTags[name]; ok {
		return r, n
	}
	if htmlInlineTags[strings.TrimPrefix(name, "/")] {
		return "", n
	}
	return "", 0
}

func isASCIILetter(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// matchEntity matches &name; &#NNN; or &#xHHH; at the start of s.
func matchEntity(s string) (repl string, n int) {
	end := strings.IndexByte(s[:min(len(s), 12)], ';')
	if end < 2 {
		return "", 0
	}
	body := s[1:end]
	if body[0] != '#' {
		if r, ok := htmlEntities[strings.ToLower(body)]; ok {
			return string(r), end + 1
		}
		return "", 0
	}
	digits, base := body[1:], 10
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 7 {
		return "", 0
	}
	var r rune
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return "", 0
		}
		r = r*rune(base) + d
	}
	if r == 0 || r > unicode.MaxRune || (r >= 0xD800 && r <= 0xDFFF) {
		return "", 0
	}
	return string(r), end + 1
}

// keepFromNFKC reports characters that NFKC would fold into plain digits or
// letters, changing the meaning of the text: circled numbers used as list
// markers ("①2022年" would become "12022年"), superscripts ("km²" would
// become "km2"), squared units (㎡ would become "m2") and the ellipsis
// (Chinese "……" would become "......", which looks like full stops).
func keepFromNFKC(r rune) bool {
	switch {
	case r == '…', r == '¹', r == '²', r == '³':
		return true
	case r >= 0x2070 && r <= 0x209F: // superscripts and subscripts
		return true
	case r >= 0x2460 && r <= 0x2473: // ①-⑳
		return true
	case r >= 0x24B6 && r <= 0x24EA: // Ⓐ-ⓩ, ⓪
		return true
	case r >= 0x3251 && r <= 0x325F, r >= 0x32B1 && r <= 0x32BF: // ㉑-㊿
		return true
	case r >= 0x3280 && r <= 0x3289: // ㊀-㊉
		return true
	case r >= 0x339F && r <= 0x33A6: // ㎟-㎦ (mm², cm², m², km², cubic)
		return true
	}
	return false
}

func nfkc(s string) string {
	if !strings.ContainsFunc(s, keepFromNFKC) {
		return nfkcLines(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	start := 0
	for i, r := range s {
		if keepFromNFKC(r) {
			b.WriteString(nfkcLines(s[start:i]))
			b.WriteRune(r)
			start = i + utf8.RuneLen(r)
		}
	}
	b.WriteString(nfkcLines(s[start:]))
	return b.String()
}

// nfkcLines is norm.NFKC.String(s), line by line: a line of Han characters,
// ASCII and the punctuation of Chinese text, the most of any report, is
// mapped here (fullwidth forms to ASCII, the ideographic space to a space,
// the rest unchanged, as NFKC does); any other line goes through norm. A
// line break is a starter that nothing composes with, so lines normalise
// alone. TestNFKCLines checks the two agree.
func nfkcLines(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line = s[:i+1]
		}
		s = s[len(line):]
		if b.Cap() == 0 && len(s) == 0 {
			if out, ok := nfkcPlain(line, nil); ok {
				return out
			}
			return norm.NFKC.String(line)
		}
		if b.Cap() == 0 {
			b.Grow(len(line) + len(s))
		}
		if _, ok := nfkcPlain(line, &b); !ok {
			b.WriteString(norm.NFKC.String(line))
		}
	}
	return b.String()
}

// nfkcPlain maps a line whose runes NFKC leaves alone or maps one to one
// (fullwidth ASCII, U+3000), writing it to b, or returning it when b is nil.
// It reports false, having written nothing, for any other line.
func nfkcPlain(line string, b *strings.Builder) (string, bool) {
	mapped := false
	for _, r := range line {
		switch {
		case r < 0x7F && (r >= 0x20 || r == '\n' || r == '\r' || r == '\t'),
			r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF,
			r >= 0x3001 && r <= 0x3003, r >= 0x3008 && r <= 0x3011, r >= 0x3014 && r <= 0x301F,
			r == 0x2014, r >= 0x2018 && r <= 0x201D, r == 0x00B7:
		case r >= 0xFF01 && r <= 0xFF5E, r == 0x3000:
			mapped = true
		default:
			return "", false
		}
	}
	if !mapped {
		if b != nil {
			b.WriteString(line)
		}
		return line, true
	}
	var out strings.Builder
	w := b
	if w == nil {
		out.Grow(len(line))
		w = &out
	}
	for _, r := range line {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			w.WriteByte(byte(r - 0xFEE0))
		case r == 0x3000:
			w.WriteByte(' ')
		default:
			w.WriteRune(r)
		}
	}
	return out.String(), true
}

// cleanText normalises line breaks and spaces and removes invisible
// characters; see Normalize, step 5. The result is "" or ends with "\n".
func cleanText(s string) string {
	s = untabProse(s)
	var b strings.Builder
	b.Grow(len(s) + 1)
	var (
		docHasContent  bool
		lineHasContent bool
		pendingSpace   bool
		pendingTab     bool // the spaces since the last content character hold a tab
		breaks         int  // line breaks since the last content character
		prev           rune // last content character on this line
	)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		plain := r > ' ' && r < 0x7F || r >= 0x4E00 && r <= 0x9FFF
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			fallthrough
		case r == '\n', r == '\v', r == '\f', r == '\u0085', r == '\u2028', r == '\u2029':
			lineHasContent, pendingSpace, pendingTab = false, false, false
			breaks++
		case r == '\t':
			// a table's cell boundary (a task list pasted from a spreadsheet)
			pendingSpace, pendingTab = lineHasContent, lineHasContent
		// ASCII and Han, most of the text, are neither spaces nor controls:
		// the table look-ups below are for the rest
		case !plain && unicode.Is(unicode.Zs, r):
			pendingSpace = lineHasContent
		case !plain && (r < 0x20 || (r >= 0x7F && r <= 0x9F) || unicode.Is(unicode.Cf, r)):
			// Controls, zero-width characters, BOMs, bidi controls, soft
			// hyphens: drop.
		default:
			if !lineHasContent {
				if docHasContent {
					b.WriteByte('\n')
					if breaks >= 2 {
						b.WriteByte('\n')
					}
				}
				docHasContent, lineHasContent = true, true
			} else if pendingTab {
				b.WriteByte('\t')
			} else if pendingSpace && !(isCJK(prev) && isCJK(r)) {
				b.WriteByte(' ')
			}
			pendingSpace, pendingTab = false, false
			b.WriteRune(r)
			prev, breaks = r, 0
		}
	}
	if docHasContent {
		b.WriteByte('\n')
	}
	return b.String()
}

// untabProse turns the tabs of a line into spaces unless the line is a
// table's row: two or more runs of tabs between its text (three cells or
// more). A lone tab in prose is noise (Chengdu Tianfu\tNew Area).
func untabProse(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for line := range strings.SplitAfterSeq(s, "\n") {
		if strings.Contains(line, "\t") && tabRuns(line) < 2 {
			line = strings.ReplaceAll(line, "\t", " ")
		}
		b.WriteString(line)
	}
	return b.String()
}

// tabRuns counts the runs of tabs (with any spaces around them) that have
// text on both sides in a line.
func tabRuns(line string) int {
	line = strings.TrimSpace(line)
	n, inRun := 0, false
	for _, r := range line {
		switch {
		case r == '\t':
			if !inRun {
				n++
			}
			inRun = true
		case r == ' ':
		default:
			inRun = false
		}
	}
	return n
}

// isCJK reports characters between which Chinese text has no spaces: Han,
// kana, bopomofo, CJK and full-width punctuation, and the Chinese use of
// — … “ ” ‘ ’ ·.
func isCJK(r rune) bool {
	switch {
	case isHan(r):
		return true
	case r >= 0x3000 && r <= 0x30FF, r >= 0x3100 && r <= 0x312F: // CJK punctuation, kana, bopomofo
		return true
	case r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFFEF:
		return true
	}
	switch r {
	case '—', '―', '…', '“', '”', '‘', '’', '·':
		return true
	}
	return false
}

// t2s is the OpenCC traditional-to-simplified converter, built on first use
// (about 2 ms: it builds tries from the embedded dictionaries).
var t2s = sync.OnceValues(func() (*opencc.OpenCC, error) {
	return opencc.New("t2s")
})

// toSimplified converts lines written in traditional script to simplified.
//
// The cheap test: a line is a candidate only if it has a Han character outside
// GB2312 (a bitset lookup per character). Simplified text almost never has
// one, so OpenCC is neither built nor run for it. A candidate line is
// converted with OpenCC t2s, and the conversion is kept only if it changed at
// least one of those non-GB2312 characters, that is if the line really holds
// traditional-only characters and not just a rare simplified character. So
// characters that OpenCC would change but that are also valid simplified
// characters (乾 in 乾坤, the surname 於, 後, 徵, 夥, ...) are left alone in
// simplified lines, while whole traditional lines are converted, phrases
// included.
func toSimplified(s string) string {
	gb := gb2312Table()
	hasRare := func(line string) bool {
		for _, r := range line {
			if r >= 0x3400 && isHan(r) && !gb.has(r) {
				return true
			}
		}
		return false
	}
	if !hasRare(s) {
		return s
	}
	cc, err := t2s()
	if err != nil {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		if !hasRare(line) {
			continue
		}
		conv, ok := convertLine(cc, line)
		if !ok || conv == line {
			continue
		}
		before, after := []rune(line), []rune(conv)
		if len(before) != len(after) {
			lines[i] = conv // t2s dictionaries are 1:1 in length; trust OpenCC if not
			continue
		}
		for k, r := range before {
			if r != after[k] && r >= 0x3400 && isHan(r) && !gb.has(r) {
				lines[i] = conv
				break
			}
		}
	}
	return strings.Join(lines, "")
}

// convertLine runs OpenCC, treating any failure, including a panic in the
// library, as "leave the line unchanged".
func convertLine(cc *opencc.OpenCC, line string) (out string, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = "", false
		}
	}()
	out, err := cc.Convert(line)
	if err != nil || !utf8.ValidString(out) {
		return "", false
	}
	return out, true
}

// joinWrapped joins the lines of text hard-wrapped at a fixed width back
// into paragraphs, so that a name or a sentence broken across two lines
// (宜西攀高 / 速前期工作) reads whole. The width is the line length (in runes,
// of lines of 20 or more) that at least 3 lines and a fifth of such lines
// share within one rune; text without one is left as it is. A line of about
// that width (3 runes short at most) that does not end a sentence is joined
// to the next, unless the next is blank or opens a section (一、, (一),
// 第一章). Two ASCII letters meeting at the join get a space.
func joinWrapped(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	lens := make([]int, len(lines))
	count := make(map[int]int)
	long := 0
	for i, l := range lines {
		lens[i] = utf8.RuneCountInString(l)
		if lens[i] >= 20 {
			count[lens[i]]++
			long++
		}
	}
	width, best := 0, 0
	for w := range count {
		if n := count[w-1] + count[w] + count[w+1]; n > best || n == best && w > width {
			width, best = w, n
		}
	}
	if best < 3 || best*5 < long {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		b.WriteString(l)
		if i == len(lines)-1 {
			break
		}
		// a page's footer (— 3 —) between the halves of a wrapped sentence
		// goes, with the blank lines around it
		if lens[i] >= width-3 && !endsParagraph(l) {
			j, footer := i+1, false
			for j < len(lines) && (lines[j] == "" || isPageNumber(lines[j])) {
				footer = footer || lines[j] != ""
				j++
			}
			if footer && j < len(lines) {
				if _, _, kind := sectionMarker(lines[j]); kind == 0 {
					i = j - 1
					continue
				}
			}
		}
		next := lines[i+1]
		if lens[i] < width-3 || next == "" || endsParagraph(l) {
			b.WriteByte('\n')
			continue
		}
		if _, _, kind := sectionMarker(next); kind != 0 || opensItem(next) {
			b.WriteByte('\n')
			continue
		}
		last, _ := utf8.DecodeLastRuneInString(l)
		first, _ := utf8.DecodeRuneInString(next)
		if last < 0x80 && first < 0x80 && isASCIILetter(byte(last)) && isASCIILetter(byte(first)) {
			b.WriteByte(' ') // English words; a number or code broken by the wrap is one
		}
	}
	b.WriteByte('\n')
	return b.String()
}

// isPageNumber reports whether a line is a page's number as printed in a
// report and kept by pdftotext: 3, - 3 -, — 3 —, ·3·, 第3页, 第 3 页 共 20 页.
func isPageNumber(line string) bool {
	t := strings.Trim(strings.ReplaceAll(line, " ", ""), "-—–－·")
	if t == "" || len(t) > 24 {
		return false
	}
	if strings.HasPrefix(t, "第") {
		t = strings.TrimPrefix(t, "第")
		d, rest, ok := strings.Cut(t, "页")
		if !ok || !allDigits(d) {
			return false
		}
		if rest == "" {
			return true
		}
		total, ok := strings.CutPrefix(rest, "共")
		return ok && allDigits(strings.TrimSuffix(total, "页"))
	}
	return allDigits(t) && len(t) <= 4
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// endsParagraph reports whether a line ends a sentence: 。！？!?…；; or one
// of them before a closing quote or bracket.
func endsParagraph(line string) bool {
	// a bracketed aside after the last sentence: …建成通车。(牵头单位:市交通运输局)
	if t := strings.TrimRight(line, " "); strings.HasSuffix(t, ")") || strings.HasSuffix(t, "）") {
		if k := strings.LastIndexAny(t, "(（"); k > 0 {
			r, _ := utf8.DecodeLastRuneInString(t[:k])
			if strings.ContainsRune("。！？!?；;", r) {
				return true
			}
		}
	}
	line = strings.TrimRight(line, "”’」』)）】》")
	r, _ := utf8.DecodeLastRuneInString(line)
	return strings.ContainsRune("。！？!?…；;", r)
}

// opensItem reports whether a line opens a numbered item (1. 2、 3．), which a
// wrapped line never continues into.
func opensItem(line string) bool {
	k := 0
	for k < len(line) && k < 3 && line[k] >= '0' && line[k] <= '9' {
		k++
	}
	if k == 0 || k == len(line) {
		return false
	}
	return line[k] == '.' || strings.HasPrefix(line[k:], "、") || strings.HasPrefix(line[k:], "．")
}
