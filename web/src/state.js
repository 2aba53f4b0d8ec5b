// state.js keeps the view's state in the URL's query string, so a link
// reopens the same picture: the question (mode, a, b or focus), the
// expansions in order, the selected node, the filters and the language.
// The changes mode asks about a place (a) between two years (from, to); the
// dependencies mode about a department (a). view is 'map' when the answer
// is drawn on the map instead of as a network; more counts the times
// "show more" was pressed on a large connect answer.

export const MODES = ['connect', 'paths', 'explore', 'changes', 'dependencies'];

export function emptyState() {
  return { lang: 'zh', mode: 'connect', a: '', b: '', from: '', to: '', focus: '', exp: [], sel: '',
    hideKinds: [], hideRels: [], hideStages: [], doc: '', year: '', view: '', more: 0 };
}

// decode reads a state from a query string such as location.search.
export function decode(search) {
  const p = new URLSearchParams(search);
  const s = emptyState();
  if (p.get('lang') === 'en') s.lang = 'en';
  if (MODES.includes(p.get('mode'))) s.mode = p.get('mode');
  s.a = p.get('a') || '';
  s.b = p.get('b') || '';
  s.from = p.get('from') || '';
  s.to = p.get('to') || '';
  s.focus = p.get('focus') || '';
  s.exp = p.getAll('exp').filter(Boolean);
  s.sel = p.get('sel') || '';
  s.hideKinds = p.getAll('hk');
  s.hideRels = p.getAll('hr');
  s.hideStages = p.getAll('hs');
  s.doc = p.get('doc') || '';
  s.year = p.get('year') || '';
  if (p.get('view') === 'map') s.view = 'map';
  s.more = Math.max(0, Math.min(50, Number.parseInt(p.get('more') || '0', 10) || 0));
  return s;
}

// encode writes s as a query string (with the leading ?), leaving out
// defaults so that links stay short.
export function encode(s) {
  const p = new URLSearchParams();
  if (s.lang === 'en') p.set('lang', 'en');
  if (s.mode !== 'connect') p.set('mode', s.mode);
  if (s.mode === 'explore') {
    if (s.focus) p.set('focus', s.focus);
  } else if (s.mode === 'changes') {
    if (s.a) p.set('a', s.a);
    if (s.from) p.set('from', s.from);
    if (s.to) p.set('to', s.to);
  } else if (s.mode === 'dependencies') {
    if (s.a) p.set('a', s.a);
  } else {
    if (s.a) p.set('a', s.a);
    if (s.b) p.set('b', s.b);
  }
  for (const id of s.exp) p.append('exp', id);
  if (s.sel) p.set('sel', s.sel);
  for (const k of s.hideKinds) p.append('hk', k);
  for (const r of s.hideRels) p.append('hr', r);
  for (const st of s.hideStages) p.append('hs', st);
  if (s.doc) p.set('doc', s.doc);
  if (s.year) p.set('year', s.year);
  if (s.view === 'map') p.set('view', 'map');
  if (s.more > 0) p.set('more', String(s.more));
  const q = p.toString();
  return q ? '?' + q : '';
}
