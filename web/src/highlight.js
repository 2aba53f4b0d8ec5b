// highlight.js finds the cited span of an Evidence inside its sentence.
//
// Evidence.start and end are rune offsets from the start of the document,
// and the API does not give the sentence's own start offset, so the span
// cannot be placed by arithmetic alone. locateSpan looks for the entity's
// names in the sentence and prefers an occurrence as long as the span
// (end - start runes); offsets it returns are code-point offsets into text.

// runes splits s into code points (JavaScript strings index UTF-16 units).
export function runes(s) {
  return Array.from(s || '');
}

function occurrences(hay, needle) {
  const found = [];
  if (needle.length === 0) return found;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (hay[i + j] !== needle[j]) continue outer;
    }
    found.push(i);
  }
  return found;
}

// locateSpan returns {start, end} in code points of ev.text, or null when
// none of names occurs in it. With ev.sentenceStart (not yet in the API)
// the span is exact.
export function locateSpan(ev, names) {
  const text = runes(ev.text);
  if (Number.isInteger(ev.sentenceStart) && Number.isInteger(ev.start) && Number.isInteger(ev.end)) {
    const s = ev.start - ev.sentenceStart;
    const e = ev.end - ev.sentenceStart;
    if (s >= 0 && e <= text.length && s < e) return { start: s, end: e };
  }
  const want = Number.isInteger(ev.start) && Number.isInteger(ev.end) ? ev.end - ev.start : -1;
  let fallback = null;
  const seen = new Set();
  for (const name of names) {
    if (!name || seen.has(name)) continue;
    seen.add(name);
    const n = runes(name);
    for (const i of occurrences(text, n)) {
      if (n.length === want) return { start: i, end: i + n.length };
      if (!fallback || n.length > fallback.end - fallback.start) fallback = { start: i, end: i + n.length };
    }
  }
  return fallback;
}

// splitHighlight cuts ev.text into [before, cited, after] strings.
export function splitHighlight(ev, names) {
  const text = runes(ev.text);
  const span = locateSpan(ev, names);
  if (!span) return [ev.text || '', '', ''];
  return [text.slice(0, span.start).join(''), text.slice(span.start, span.end).join(''), text.slice(span.end).join('')];
}
