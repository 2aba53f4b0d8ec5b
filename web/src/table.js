// table.js lists the answer as text beside the picture: every initiative of
// the view with its stage, category, places and documents, in a table that
// sorts by any column and copies as tab-separated text. Text is what a
// screen reader reads, a browser's find finds and a spreadsheet takes; the
// canvas is none of those.
import { STAGES } from './i18n.js';

export const COLUMNS = ['name', 'stage', 'category', 'places', 'documents'];

// answerRows returns one row per initiative among nodes, with the places
// it is tied to (LOCATED_IN, CONNECTS) among edges and the titles of its
// documents (docTitles maps a document ID to its title); nameOf names a
// place (its English name in the English interface, say).
export function answerRows(nodes, edges, docTitles = new Map(), nameOf = (n) => n.name) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const places = new Map();
  for (const e of edges) {
    if (e.relation !== 'LOCATED_IN' && e.relation !== 'CONNECTS') continue;
    const p = byId.get(e.target);
    if (!p || p.kind !== 'PLACE') continue;
    if (!places.has(e.source)) places.set(e.source, []);
    if (!places.get(e.source).includes(nameOf(p))) places.get(e.source).push(nameOf(p));
  }
  return nodes.filter((n) => n.kind === 'INITIATIVE').map((n) => ({
    id: n.id,
    name: n.name,
    stage: n.stage || '',
    category: n.category || '',
    places: places.get(n.id) || [],
    documents: (n.docs || []).map((d) => docTitles.get(d) || d),
  }));
}

// withAnswer returns nodes followed by the initiatives of all (a whole
// answer's {id, name, stage, category}) that are not among them: a connect
// answer brings the ties of its first 200 initiatives only, and the table
// lists every one, the others with their stage and category.
export function withAnswer(nodes, all = []) {
  const have = new Set(nodes.map((n) => n.id));
  return [...nodes, ...all.filter((n) => !have.has(n.id)).map((n) => ({ ...n, kind: 'INITIATIVE' }))];
}

// sortRows sorts rows by column key, ascending unless desc: stages in their
// order (proposed before completed, none last), lists by their first item,
// the name breaking ties. It returns a new array.
export function sortRows(rows, key, desc = false) {
  const value = (r) => {
    if (key === 'stage') return r.stage ? STAGES.indexOf(r.stage) : STAGES.length;
    const v = r[key];
    return Array.isArray(v) ? v.join('、') : v;
  };
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const out = rows.slice().sort((a, b) => cmp(value(a), value(b)) || cmp(a.name, b.name));
  return desc ? out.reverse() : out;
}

// toTSV writes rows as tab-separated text under header (one label per
// column), with stage names from stageNames; tabs and line breaks in a
// value become spaces.
export function toTSV(rows, header, stageNames = {}) {
  const clean = (v) => String(v).replace(/[\t\r\n]+/g, ' ');
  const cell = (r, k) => (k === 'stage' ? stageNames[r.stage] || r.stage : Array.isArray(r[k]) ? r[k].join('、') : r[k]);
  return [header.map(clean).join('\t'), ...rows.map((r) => COLUMNS.map((k) => clean(cell(r, k))).join('\t'))].join('\n') + '\n';
}
