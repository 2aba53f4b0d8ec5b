// errors.js turns a failed request into what the page says: one message in
// the interface's language, however many errors the answer holds (a query
// that fails in two fields, or a thousand, says it once), the names the
// server suggests as buttons that fix the question, and the server's own
// words for whoever wants the detail.
import { text } from './i18n.js';

// errorsOf returns the distinct GraphQL errors behind err (by code, name
// and message), or one made from err itself (a network failure, say).
export function errorsOf(err) {
  const list = err && Array.isArray(err.errors) && err.errors.length ? err.errors
    : [{ message: String((err && err.message) || err), extensions: { code: (err && err.code) || 'NETWORK' } }];
  const seen = new Set();
  const out = [];
  for (const e of list) {
    const x = e.extensions || {};
    const key = `${x.code}\u0000${x.name ?? ''}\u0000${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ code: x.code || 'INTERNAL', name: x.name, suggestions: x.suggestions || [], message: e.message || '' });
  }
  return out;
}

// describeError returns {text, suggestions: [{name, side}], detail} for err
// in lang. asked holds the names the question used ({a, b, focus}), so that
// a suggestion replaces the name it corrects.
export function describeError(err, lang, asked = {}) {
  const t = (k) => text(lang, k);
  const errs = errorsOf(err);
  const lines = [];
  const suggestions = [];
  const notFound = errs.filter((e) => e.code === 'NOT_FOUND');
  const names = [...new Set(notFound.map((e) => e.name).filter(Boolean))];
  for (const name of names) {
    lines.push(t('errNotFound')(name));
    const side = ['a', 'b', 'focus'].find((k) => (asked[k] || '').trim() === name) || 'a';
    const seen = new Set(suggestions.map((s) => `${s.side}\u0000${s.name}`));
    for (const e of notFound.filter((x) => x.name === name)) {
      for (const s of e.suggestions) {
        if (!seen.has(`${side}\u0000${s}`)) {
          seen.add(`${side}\u0000${s}`);
          suggestions.push({ name: s, side });
        }
      }
    }
  }
  if (notFound.length && !names.length) lines.push(t('errNotFoundAny'));
  const codes = [...new Set(errs.filter((e) => e.code !== 'NOT_FOUND').map((e) => e.code))];
  for (const code of codes) lines.push(t('errCodes')[code] || t('errCodes').INTERNAL);
  const detail = [...new Set(errs.map((e) => e.message))].join('\n');
  return { text: lines.join(' '), suggestions, detail: detail.length > 600 ? `${detail.slice(0, 600)}…` : detail };
}
