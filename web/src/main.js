// main.js is the network explorer: a reference client of the public
// /graphql API. It draws a connect question (or shortest paths, or one
// entity's neighbourhood) with Cytoscape.js, explains a clicked node in the
// side panel with its evidence, and keeps the whole view in the URL. Two
// more modes answer planners' questions: what changed in a place between
// the reports of two years, and which initiatives of other departments a
// department's own depend on; both also list their answer in the side bar.
// The map view draws the same answer over approximate province outlines
// (map.js), with no tile server.
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import * as api from './api.js';
import { fromConnect, connectSubset, fromPaths, fromNeighbourhood, synthetic } from './elements.js';
import { fromChanges, fromDependencies, groupChanges, dependenciesOf } from './changes.js';
import { splitHighlight } from './highlight.js';
import { KINDS, STAGES, RELATIONS, text } from './i18n.js';
import { runLayout, mulberry32 } from './layout.js';
import { KIND_LOOK, STAGE_COLOR, RELATION_COLOR, stylesheet, kindSwatch } from './look.js';
import { decode, encode } from './state.js';
import { mapModel, renderMap, extentOf, fitExtent, projection, zoomed } from './map.js';
import { describeError } from './errors.js';
import { COLUMNS, answerRows, withAnswer, sortRows, toTSV } from './table.js';

cytoscape.use(fcose);

const EXPAND_FIRST = 40;
// A connect answer draws at most DRAW_STEP initiatives and DRAW_NODES nodes
// at first, each "draw more" as many again; the table lists them all.
const DRAW_STEP = 25;
const DRAW_NODES = 80;
const state = decode(location.search);
const $ = (sel) => document.querySelector(sel);
const t = (key) => text(state.lang, key);
let documents = [];
let expansions = []; // [{id, added: [element ids]}], in the order of state.exp
let answerEls = null; // the whole connect answer, when the picture draws part of it
let answerAll = null; // every initiative of a connect answer, those without their ties too
let generation = 0; // bumps on every rebuild, so stale answers are dropped
const pg = { status: 'loading', renders: 0, lastLayoutMs: 0, error: '', mapRenders: 0 };
window.__pg = pg;

const cy = cytoscape({
  container: $('#cy'),
  style: stylesheet(),
  wheelSensitivity: 0.3,
  minZoom: 0.05,
  maxZoom: 4,
  boxSelectionEnabled: false,
});
pg.cy = cy;

// ---------- status and URL ----------

function setStatus(kind, msg = '') {
  pg.status = kind;
  document.body.dataset.status = kind;
  const el = $('#status');
  el.classList.toggle('error', kind === 'error');
  if (kind !== 'error') {
    $('#error').hidden = true;
    pg.error = '';
  }
  if (kind === 'error') {
    pg.error = msg;
    el.textContent = t('error');
  } else if (kind === 'loading') {
    el.textContent = t('loading');
  } else if (state.view === 'map' && !msg && pg.map) {
    el.textContent = t('mapCount')(pg.map.places.length, pg.map.initiatives.length, pg.map.unplaced);
  } else {
    const n = cy.nodes(':visible').length;
    const m = cy.edges(':visible').length;
    el.textContent = msg || `${n} ${t('nodes')} · ${m} ${t('edges')}`;
  }
}

function saveURL(push = false) {
  const url = location.pathname + encode(state);
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

// ---------- labels and language ----------

// shownName is a node's name in the page's language: places have English
// names in the store; other entities have only their Chinese ones.
const shownName = (d) => (state.lang === 'en' && d.english ? d.english : d.name);

function nodeLabel(d) {
  if (d.kind === 'CHANGE') return `${t('changeKinds')[d.change] || d.change}`;
  return d.stage ? `${shownName(d)}\n${t('stages')[d.stage]}` : shownName(d);
}

function refreshLabels() {
  cy.batch(() => {
    cy.nodes().forEach((n) => n.data('label', nodeLabel(n.data())));
    cy.edges().forEach((e) => e.data('label', t('relations')[e.data('relation')] || e.data('relation')));
  });
}

function applyLanguage() {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  document.title = `${t('title')} · policygraph`;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll('[data-tp]')) el.placeholder = t(el.dataset.tp);
  for (const el of document.querySelectorAll('[data-ta]')) el.title = t(el.dataset.ta);
  syncForm();
  $('#lang').textContent = t('lang');
  buildFilters();
  buildLegend();
  refreshLabels();
  drawMap();
  $('#more').textContent = t('drawMore')(pg.undrawn || 0);
  if (!['changes', 'dependencies'].includes(state.mode) && pg.status !== 'loading') showAnswer();
  if (state.sel) showPanel(state.sel);
  if (pg.status === 'ready') setStatus('ready');
  if (pg.status === 'error' && lastError) showError(lastError);
}

// ---------- filters and legend ----------

function checkboxes(box, values, labels, hidden, onChange) {
  box.replaceChildren();
  for (const v of values) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = v;
    input.checked = !hidden.includes(v);
    input.addEventListener('change', () => onChange(v, input.checked));
    label.append(input, ' ', labels[v] || v);
    box.append(label);
  }
}

function toggle(list, v, shown) {
  const i = list.indexOf(v);
  if (shown && i >= 0) list.splice(i, 1);
  if (!shown && i < 0) list.push(v);
}

function buildFilters() {
  const changed = () => { saveURL(); applyFilters(); };
  checkboxes($('#f-kind'), KINDS, t('kinds'), state.hideKinds, (v, on) => { toggle(state.hideKinds, v, on); changed(); });
  checkboxes($('#f-stage'), [...STAGES, 'NONE'], { ...t('stages'), NONE: t('noStage') }, state.hideStages,
    (v, on) => { toggle(state.hideStages, v, on); changed(); });
  checkboxes($('#f-rel'), RELATIONS, t('relations'), state.hideRels, (v, on) => { toggle(state.hideRels, v, on); changed(); });
  const doc = $('#f-doc');
  doc.replaceChildren(new Option(t('all'), ''));
  for (const d of documents) doc.append(new Option(d.title || d.name, d.id));
  doc.value = state.doc;
  const year = $('#f-year');
  year.replaceChildren(new Option(t('all'), ''));
  for (const y of [...new Set(documents.map((d) => d.year).filter((y) => y != null))].sort()) year.append(new Option(String(y), String(y)));
  year.value = state.year;
}

$('#f-doc').addEventListener('change', (e) => { state.doc = e.target.value; saveURL(); applyFilters(); });
$('#f-year').addEventListener('change', (e) => { state.year = e.target.value; saveURL(); applyFilters(); });

function hiddenNode(d) {
  if (state.hideKinds.includes(d.kind)) return true;
  if (d.kind !== 'INITIATIVE') return false;
  if (state.hideStages.includes(d.stage || 'NONE')) return true;
  if (state.doc && !(d.docs || []).includes(state.doc)) return true;
  if (state.year && !(d.years || []).map(String).includes(state.year)) return true;
  return false;
}

function applyFilters() {
  cy.batch(() => {
    cy.nodes().forEach((n) => n.toggleClass('filtered', hiddenNode(n.data())));
    cy.edges().forEach((e) => e.toggleClass('filtered',
      state.hideRels.includes(e.data('relation')) || e.source().hasClass('filtered') || e.target().hasClass('filtered')));
  });
  drawMap();
  if (pg.status === 'ready') setStatus('ready');
}

function buildLegend() {
  const box = $('#legend-body');
  const rows = [];
  rows.push(`<div class="muted">${t('kind')}</div>`);
  for (const k of KINDS) rows.push(`<div class="legend-row">${kindSwatch(k)}<span>${t('kinds')[k]}</span></div>`);
  rows.push(`<div class="muted">${t('stage')}</div>`);
  for (const s of STAGES) rows.push(`<div class="legend-row"><span class="ring" style="border-color:${STAGE_COLOR[s]}"></span><span>${t('stages')[s]}</span></div>`);
  rows.push(`<div class="muted">${t('relation')}</div>`);
  for (const r of RELATIONS) rows.push(`<div class="legend-row"><span class="line" style="border-color:${RELATION_COLOR[r]}"></span><span>${t('relations')[r]}</span></div>`);
  rows.push(`<div class="legend-row"><span class="line dashed" style="border-color:#666"></span><span>${t('inferred')}</span></div>`);
  box.innerHTML = rows.join('');
}

// ---------- drawing ----------

function addElements(els) {
  const fresh = els.filter((e) => cy.getElementById(e.data.id).empty());
  for (const e of els) {
    const old = cy.getElementById(e.data.id);
    if (old.nonempty() && e.group === 'nodes') {
      const d = { ...e.data };
      delete d.endpoint; // a later answer never takes away the sides' mark
      old.data({ ...old.data(), ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) });
    }
  }
  const added = cy.add(fresh);
  return added.map((e) => e.id());
}

// expandElements fetches a node's neighbourhood with the drawn fields of its
// initiatives.
async function expandElements(id) {
  const d = await api.gql(api.NEIGHBOURHOOD, { of: id, first: EXPAND_FIRST });
  const sub = d.neighbourhood;
  const ids = sub.nodes.filter((n) => n.kind === 'INITIATIVE' || n.kind === 'PLACE').map((n) => n.id);
  const details = {};
  if (ids.length) {
    const q = api.nodesQuery(ids);
    const nd = await api.gql(q.query, q.variables);
    for (const v of Object.values(nd)) if (v) details[v.id] = v;
  }
  return { els: fromNeighbourhood(sub, details), truncated: sub.truncated };
}

function pins() {
  const a = cy.nodes('[endpoint = "a"]');
  const b = cy.nodes('[endpoint = "b"]');
  if (a.empty() || b.empty()) return [];
  // A fixed distance, not one from the window's size, so that a shared link
  // gives the same positions in any window.
  const w = 300;
  return [{ nodeId: a.id(), position: { x: -w, y: 0 } }, { nodeId: b.id(), position: { x: w, y: 0 } }];
}

async function layout() {
  pg.lastLayoutMs = await runLayout(cy, { fixed: pins() });
  drawMap();
  pg.renders++;
}

// ---------- the map view ----------

let reference = null; // prefecture seats, fetched once for the map's background
let mapExtent = null; // the part of the map shown after a zoom or a drag; null shows it all
let mapShown = null; // the extent drawn last

// drawMap draws the shown (unfiltered) part of the view on the map, when
// the map view is on.
function drawMap() {
  const on = state.view === 'map';
  $('#stage-area').classList.toggle('map-view', on);
  $('#map').hidden = !on;
  const button = $('#view');
  button.textContent = on ? t('showGraph') : t('showMap');
  button.setAttribute('aria-pressed', String(on));
  if (!on) return;
  if (reference === null) {
    reference = [];
    api.gql(api.MAP_PLACES).then((d) => { reference = d.places.nodes; drawMap(); }).catch(() => {});
  }
  const shown = cy.elements().not('.filtered');
  pg.map = mapModel(shown.nodes().map((n) => n.data()), shown.edges().map((e) => e.data()));
  const name = shownName;
  // one picture unit per pixel, so labels keep their size whatever the window
  const box = $('#map');
  const width = Math.max(320, Math.round(box.clientWidth)) || 1000;
  const height = Math.max(240, Math.round(box.clientHeight)) || 700;
  mapShown = fitExtent(mapExtent || extentOf(pg.map.places.map((p) => [p.lon, p.lat])), width, height);
  box.innerHTML = renderMap(pg.map, { lang: state.lang, name, reference, selected: state.sel, note: t('mapNote'), extent: mapShown, width });
  pg.mapRenders++;
}

// mapPoint is the [lon, lat] under a mouse event on the map, with the
// projection of the map drawn last.
function mapPoint(ev) {
  const svg = $('#map svg');
  const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(svg.getScreenCTM().inverse());
  return projection(mapShown, svg.viewBox.baseVal.width).lonLat([p.x, p.y]);
}

// The wheel zooms around the mouse; a drag moves the map; fit shows it all.
$('#map').addEventListener('wheel', (ev) => {
  if (!$('#map svg')) return;
  ev.preventDefault();
  mapExtent = zoomed(mapShown, Math.exp(ev.deltaY * 0.0015), mapPoint(ev));
  drawMap();
}, { passive: false });
let drag = null;
$('#map').addEventListener('pointerdown', (ev) => {
  if ($('#map svg')) drag = { from: mapPoint(ev), x: ev.clientX, y: ev.clientY, moved: false };
});
$('#map').addEventListener('pointermove', (ev) => {
  if (!drag || (!drag.moved && Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) < 4)) return;
  drag.moved = true;
  const [lon, lat] = mapPoint(ev);
  mapExtent = zoomed(mapShown, 1, [0, 0], [drag.from[0] - lon, drag.from[1] - lat]);
  drawMap();
});
window.addEventListener('pointerup', () => { setTimeout(() => { drag = null; }, 0); });

window.addEventListener('resize', () => { if (state.view === 'map') drawMap(); });
$('#view').addEventListener('click', () => {
  state.view = state.view === 'map' ? '' : 'map';
  saveURL(true);
  drawMap();
  if (state.view !== 'map') refit();
  if (pg.status === 'ready') setStatus('ready');
});
$('#map').addEventListener('click', (ev) => {
  if (drag && drag.moved) return; // the end of a drag is no click
  const hit = ev.target.closest('[data-id]');
  if (hit) select(hit.dataset.id);
  else closePanel();
});

// rebuild draws the view the state describes from nothing: the question,
// then each expansion in order, then the filters and the selection.
async function rebuild() {
  const gen = ++generation;
  setStatus('loading');
  $('#a').value = state.a;
  $('#b').value = state.b;
  $('#mode').value = ['paths', 'changes', 'dependencies'].includes(state.mode) ? state.mode : 'connect';
  $('#from').value = state.from;
  $('#to').value = state.to;
  syncForm();
  showList(null);
  $('#answer').hidden = true;
  answerEls = null;
  answerAll = null;
  pg.undrawn = 0;
  $('#more').hidden = true;
  cy.elements().remove();
  expansions = [];
  $('#undo').disabled = true;
  let truncated = false;
  try {
    let els = [];
    if (state.mode === 'explore' && state.focus) {
      const r = await expandElements(state.focus);
      els = r.els;
      truncated = r.truncated;
    } else if (state.mode === 'changes') {
      if (state.a && state.from && state.to) {
        const d = await api.gql(api.CHANGES, { place: state.a, from: Number(state.from), to: Number(state.to) });
        if (gen !== generation) return;
        const place = d.place.find((e) => e.kind === 'PLACE') || d.place[0];
        els = fromChanges(place, d.changes);
        showList(listChanges(d.changes));
      }
    } else if (state.mode === 'dependencies') {
      if (state.a) {
        const d = await api.gql(api.DEPENDENCIES, { body: state.a });
        if (gen !== generation) return;
        const body = d.body.find((e) => e.kind === 'BODY') || d.body[0];
        els = fromDependencies(body, d.dependencies);
        showList(listDependencies(body, d.dependencies));
      }
    } else if (state.a && state.b) {
      const d = await api.gql(state.mode === 'paths' ? api.PATHS : api.CONNECT, { a: state.a, b: state.b });
      if (state.mode === 'paths') {
        els = fromPaths(d);
      } else {
        const cut = connectSubset(d, DRAW_STEP * (1 + state.more), DRAW_NODES * (1 + state.more));
        els = fromConnect(cut.data);
        if (cut.shown < cut.total) answerEls = fromConnect(d);
        answerAll = d.all;
        pg.undrawn = cut.total - cut.shown;
      }
    }
    if (gen !== generation) return;
    addElements(els);
    for (const id of state.exp) {
      const r = await expandElements(id);
      if (gen !== generation) return;
      expansions.push({ id, added: addElements(r.els) });
      truncated ||= r.truncated;
    }
    refreshLabels();
    applyFilters();
    showAnswer(); // before the layout: the table takes its room from the canvas
    await layout();
    $('#undo').disabled = expansions.length === 0;
    $('#hint').hidden = cy.nodes().length > 0;
    $('#more').hidden = !pg.undrawn;
    $('#more').textContent = t('drawMore')(pg.undrawn);
    if (state.sel && cy.getElementById(state.sel).nonempty()) cy.getElementById(state.sel).select();
    const empty = cy.nodes().length > 0 && state.mode !== 'explore' && cy.nodes('[kind = "INITIATIVE"]').empty();
    const none = { changes: t('noChanges'), dependencies: t('noDependencies') }[state.mode] || t('empty');
    setStatus('ready', empty ? none : truncated ? `${cy.nodes().length} ${t('nodes')} ${t('truncated')}` : '');
    if (state.sel) await showPanel(state.sel);
  } catch (err) {
    if (gen === generation) showError(err);
  }
}

// expand adds a node's neighbourhood and records it for undo and the URL.
async function expand(id) {
  setStatus('loading');
  try {
    const r = await expandElements(id);
    state.exp.push(id);
    expansions.push({ id, added: addElements(r.els) });
    refreshLabels();
    applyFilters();
    showAnswer();
    await layout();
    $('#undo').disabled = false;
    saveURL(true);
    setStatus('ready', r.truncated ? `${cy.nodes().length} ${t('nodes')} ${t('truncated')}` : '');
  } catch (err) {
    showError(err);
  }
}

async function undo() {
  const last = expansions.pop();
  if (!last) return;
  state.exp.pop();
  cy.remove(cy.collection(last.added.map((id) => cy.getElementById(id))));
  drawMap();
  showAnswer();
  if (state.sel && cy.getElementById(state.sel).empty()) closePanel(false);
  $('#undo').disabled = expansions.length === 0;
  saveURL(true);
  await layout();
  setStatus('ready');
}

// ---------- errors ----------

let lastError = null;

// showError says what went wrong once, in the page's language, with the
// server's suggestions as buttons that put the name in its box and ask again.
function showError(err) {
  lastError = err;
  const d = describeError(err, state.lang, { a: state.a, b: state.b, focus: state.focus });
  pg.errorInfo = d;
  const box = $('#error');
  const parts = [el('span', { class: 'message' }, d.text)];
  if (d.suggestions.length) {
    parts.push(' ', el('span', {}, t('didYouMean')), ' ',
      ...d.suggestions.map((s) => el('button', { type: 'button', class: 'suggestion', 'data-side': s.side,
        onclick: () => useSuggestion(s) }, s.name)));
  }
  if (d.detail) parts.push(el('details', {}, el('summary', {}, t('errDetail')), el('pre', {}, d.detail)));
  box.replaceChildren(...parts);
  box.hidden = false;
  setStatus('error', d.text);
}

function useSuggestion({ name, side }) {
  if (side === 'focus') {
    Object.assign(state, { focus: name, exp: [], sel: '' });
  } else {
    state[side] = name;
    $(`#${side}`).value = name;
    state.sel = '';
  }
  lastError = null;
  state.more = 0;
  saveURL(true);
  rebuild();
}

// ---------- the answer as a table (connect, paths and explore modes) ----------

let tableSort = { key: '', desc: false }; // '' keeps the answer's order

// showAnswer lists every initiative of the view, whatever the filters hide,
// under the picture: sortable by column, a row opens its panel, and the
// table copies as text.
function showAnswer() {
  const box = $('#answer');
  if (['changes', 'dependencies'].includes(state.mode)) {
    box.hidden = true;
    cy.resize();
    return;
  }
  const docTitles = new Map(documents.map((d) => [d.id, d.title || d.name]));
  // the whole answer when the picture draws part of it, and what expansions added
  const nodes = new Map();
  const edges = new Map();
  for (const e of answerEls || []) (e.group === 'nodes' ? nodes : edges).set(e.data.id, e.data);
  cy.nodes().forEach((n) => { nodes.set(n.id(), { ...nodes.get(n.id()), ...n.data() }); });
  cy.edges().forEach((e) => { edges.set(e.id(), e.data()); });
  const rows = answerRows(withAnswer([...nodes.values()], answerAll || []), [...edges.values()], docTitles, shownName);
  pg.answerRows = rows;
  box.hidden = rows.length === 0;
  $('#answer-count').textContent = t('answerCount')(rows.length);
  if (!rows.length) {
    $('#answer-body').replaceChildren();
    cy.resize();
    return;
  }
  const sorted = tableSort.key ? sortRows(rows, tableSort.key, tableSort.desc) : rows;
  const cols = t('columns');
  const head = COLUMNS.map((k) => {
    const on = tableSort.key === k;
    return el('th', { scope: 'col', 'aria-sort': on ? (tableSort.desc ? 'descending' : 'ascending') : 'none' },
      el('button', { type: 'button', title: t('sortBy'), onclick: () => {
        tableSort = { key: k, desc: on && !tableSort.desc };
        showAnswer();
      } }, cols[k] + (on ? (tableSort.desc ? ' ▼' : ' ▲') : '')));
  });
  const drawn = (id) => cy.getElementById(id).nonempty();
  const body = sorted.map((r) => el('tr', { 'data-id': r.id, onclick: () => select(r.id),
    class: [r.id === state.sel ? 'selected' : '', drawn(r.id) ? '' : 'undrawn'].join(' ').trim(), title: drawn(r.id) ? '' : t('notDrawn') },
    el('td', {}, r.name), el('td', {}, stageName(r.stage)), el('td', {}, r.category),
    el('td', {}, r.places.join('、')), el('td', {}, r.documents.join('；'))));
  const table = el('table', { class: 'answer' }, el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...body));
  const tsv = () => toTSV(sorted, COLUMNS.map((k) => cols[k]), t('stages'));
  pg.answerTSV = tsv;
  const copy = el('button', { type: 'button', class: 'copy', title: t('copyTitle'), onclick: async (ev) => {
    ev.stopPropagation();
    try {
      await navigator.clipboard.writeText(tsv());
    } catch {
      // No clipboard API (a page over plain HTTP from another host): copy the selected table.
      const range = document.createRange();
      range.selectNode(table);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.execCommand('copy');
    }
    copy.textContent = t('copied');
    setTimeout(() => { copy.textContent = t('copy'); }, 1500);
  } }, t('copy'));
  $('#answer-body').replaceChildren(el('div', { class: 'answer-tools' }, copy), table);
  cy.resize(); // the canvas gave the table its room
}

$('#answer').addEventListener('toggle', () => cy.resize());
$('#more').addEventListener('click', () => {
  state.more++;
  saveURL(true);
  rebuild();
});

// ---------- the answer's list (changes and dependencies modes) ----------

function showList(content) {
  $('#list').hidden = !content;
  $('#list-body').replaceChildren(...(content ? [content] : []));
}

function stageName(s) {
  return s ? t('stages')[s] : '—';
}

// listChanges lists the changes grouped by kind, each with its stages.
function listChanges(changes) {
  const box = el('div', {});
  for (const g of groupChanges(changes)) {
    box.append(el('h4', {}, `${t('changeKinds')[g.kind]} (${g.items.length})`),
      el('ul', {}, ...g.items.map((c) => el('li', { 'data-id': c.initiative.id, onclick: () => select(c.initiative.id),
        title: c.evidence.length ? c.evidence[0].text : '' },
      el('span', { class: 'stage-dot', style: `background:${STAGE_COLOR[c.after || c.before] || '#ccc'}` }),
      `${c.initiative.name}: ${stageName(c.before)} → ${stageName(c.after)}`))));
  }
  return box;
}

// listDependencies lists, for each of the department's initiatives, those
// of other departments it depends on and what they share.
function listDependencies(body, deps) {
  const box = el('div', {});
  const byOwn = new Map();
  for (const d of dependenciesOf(body.id, deps)) {
    if (!byOwn.has(d.own.id)) byOwn.set(d.own.id, { own: d.own, items: [] });
    byOwn.get(d.own.id).items.push(d);
  }
  for (const { own, items } of byOwn.values()) {
    box.append(el('h4', { onclick: () => select(own.id) }, `${own.name} ${t('dependsOn')}`),
      el('ul', {}, ...items.map((d) => el('li', { 'data-id': d.other.id, onclick: () => select(d.other.id) },
        `${d.other.name}（${d.otherBodies.map((b) => b.name).join('、')}）@ ${d.shared.name}`))));
  }
  return box;
}

// syncForm shows the inputs the chosen mode asks for.
function syncForm() {
  const mode = $('#mode').value;
  const years = mode === 'changes';
  const one = years || mode === 'dependencies';
  $('#b').parentElement.hidden = one;
  $('#from').hidden = !years;
  $('#to').hidden = !years;
  $('#a').placeholder = mode === 'dependencies' ? t('placeBody') : t('placeA');
}

$('#mode').addEventListener('change', syncForm);

// ---------- the side panel ----------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null && c !== false) e.append(c);
  return e;
}

function chip(ent, extra = '') {
  return el('span', { class: 'chip', title: ent.id, 'data-id': ent.id, onclick: () => select(ent.id) },
    ent.name + (extra ? ` · ${extra}` : ''));
}

function section(title, ...content) {
  const items = content.flat().filter((c) => c != null && c !== false);
  if (!items.length) return null;
  return el('div', { class: 'sec' }, el('h3', {}, title), ...items);
}

function evidenceBlock(ev, names) {
  const [before, cited, after] = splitHighlight(ev, names);
  const doc = ev.document ? ev.document.title || ev.document.name : '';
  const where = [doc, ev.document && ev.document.year, ev.section && `${t('section')}: ${ev.section}`].filter(Boolean).join(' · ');
  return el('div', { class: 'evidence' },
    el('span', { class: 'sentence' }, before, cited ? el('mark', {}, cited) : null, after),
    el('span', { class: 'where' }, where));
}

let panelFor = '';
async function showPanel(id) {
  panelFor = id;
  const panel = $('#panel');
  if (panel.hidden) {
    panel.hidden = false;
    $('main').classList.remove('nopanel');
    // Keep the picture still (a double-click may be under way); bring the
    // node back only when the panel now covers it.
    cy.resize();
    requestAnimationFrame(() => { cy.resize(); cy.forceRender(); });
    const n = cy.getElementById(id);
    const bb = cy.extent();
    if (n.nonempty()) {
      const p = n.position();
      if (p.x < bb.x1 || p.x > bb.x2 || p.y < bb.y1 || p.y > bb.y2) cy.center(n);
    }
  }
  panel.dataset.id = id;
  panel.dataset.ready = '';
  const body = $('#panel-body');
  body.replaceChildren(el('p', { class: 'muted' }, t('loading')));
  let n;
  try {
    n = (await api.gql(api.DETAIL, { id })).node;
  } catch (err) {
    body.replaceChildren(el('p', { class: 'muted' }, err.message));
    return;
  }
  if (panelFor !== id) return;
  if (!n) {
    body.replaceChildren(el('p', { class: 'muted' }, `${t('notFound')}: ${id}`));
    return;
  }
  const names = [n.name, ...n.aliases];
  const T = t('stages');
  const R = t('relations');
  const kindLine = el('div', {}, el('span', { class: 'badge', style: `background:${KIND_LOOK[n.kind].color}33` }, t('kinds')[n.kind]),
    n.category ? ' ' : null, n.category ? el('span', { class: 'badge' }, n.category) : null,
    n.stage ? ' ' : null, n.stage ? el('span', { class: 'badge', style: `background:${STAGE_COLOR[n.stage]};color:#fff` }, T[n.stage]) : null,
    n.level ? ' ' : null, n.level ? el('span', { class: 'badge' }, n.level) : null);
  const parts = [el('h2', {}, n.name), kindLine, el('div', { class: 'muted' }, n.id)];
  if (n.aliases.length) parts.push(section(t('aliases'), el('div', {}, n.aliases.join('、'))));
  if (n.timeline) {
    parts.push(section(t('timeline'), el('ul', {}, ...n.timeline.map((m) => el('li', {},
      el('span', { class: 'stage-dot', style: `background:${STAGE_COLOR[m.stage] || '#ccc'}` }),
      `${m.year ?? ''} ${m.stage ? T[m.stage] : t('noStage')}${m.cue ? `（${m.cue}）` : ''} · ${m.document.title || m.document.name}`)))));
  }
  // Evidence: the entity's sentences, each once, with the cited span marked.
  const seen = new Set();
  const evs = [];
  const key = (ev) => `${ev.document && ev.document.id}#${ev.sentence}#${ev.start}`;
  for (const ev of n.evidence) if (!seen.has(key(ev))) { seen.add(key(ev)); evs.push(ev); }
  parts.push(section(`${t('evidence')} (${evs.length})`, evs.map((ev) => evidenceBlock(ev, names))));
  if (n.places) parts.push(section(t('places'), n.places.map((p) => chip(p))));
  if (n.bodies) {
    parts.push(section(t('bodies'), n.bodies.map((b) => el('div', {}, chip(b.body, R[b.role]),
      b.inferred ? el('span', { class: 'muted', title: b.rule || '' }, ` ${t('inferred')}${b.rule ? `: ${b.rule}` : ''}`) : null))));
  }
  if (n.programmes) parts.push(section(t('programmes'), n.programmes.map((p) => chip(p))));
  if (n.targets) parts.push(section(t('targets'), n.targets.map((p) => chip(p))));
  if (n.kind === 'TARGET') {
    parts.push(section(t('targets'), el('div', {}, `${n.metric} ${n.comparator || ''} ${n.value} ${n.unit}${n.year ? ` (${n.year})` : ''}`)));
    parts.push(section(t('owners'), (n.owners || []).map((p) => chip(p))));
  }
  if (n.kind === 'PLACE') {
    const facts = [n.code && `${t('code')}: ${n.code}`, n.english && `${t('english')}: ${n.english}`].filter(Boolean).join(' · ');
    if (facts) parts.push(el('div', { class: 'muted' }, facts));
    if (n.parent) parts.push(section(t('parent'), chip(n.parent)));
    if (n.members && n.members.length) parts.push(section(t('members'), n.members.map((p) => chip(p))));
  }
  if (n.kind === 'DOCUMENT') parts.push(el('div', { class: 'muted' }, [n.year, n.issuer].filter(Boolean).join(' · ')));
  if (n.documents) parts.push(section(t('documents'), el('div', {}, n.documents.map((d) => `${d.title || d.name} (${d.year ?? ''})`).join('；'))));
  const factRows = n.facts.map((f) => {
    const other = f.from.id === n.id ? f.to : f.from;
    const arrow = f.from.id === n.id ? '→' : '←';
    return el('li', { title: f.evidence ? f.evidence.text : f.rule || '' }, `${R[f.relation]} ${arrow} `, chip(other),
      f.via ? el('span', { class: 'muted' }, ` via ${f.via.name}`) : null,
      f.inferred ? el('span', { class: 'muted' }, ` ${t('inferred')}`) : null);
  });
  parts.push(section(`${t('facts')} (${n.facts.length})`, el('ul', {}, ...factRows)));
  body.replaceChildren(...parts.filter(Boolean));
  panel.dataset.ready = id;
}

// refit fits the view to the graph area after the panel opened or closed.
function refit() {
  cy.resize();
  requestAnimationFrame(() => { cy.resize(); cy.forceRender(); });
  if (cy.nodes().length) cy.fit(cy.elements(':visible'), 30);
}

function closePanel(save = true) {
  const was = !$('#panel').hidden;
  $('#panel').hidden = true;
  $('main').classList.add('nopanel');
  if (was) refit();
  panelFor = '';
  state.sel = '';
  cy.elements().unselect();
  if (state.view === 'map') drawMap();
  if (save) saveURL();
}

function select(id) {
  state.sel = id;
  cy.elements().unselect();
  const n = cy.getElementById(id);
  if (n.nonempty()) {
    n.select();
    if (!n.visible() || !cy.extent()) cy.center(n);
  }
  saveURL();
  if (state.view === 'map') drawMap();
  for (const tr of document.querySelectorAll('#answer tr[data-id]')) tr.classList.toggle('selected', tr.dataset.id === id);
  showPanel(id);
}

// ---------- search suggestions ----------

function combo(input, onPick) {
  const list = input.parentElement.querySelector('.suggest');
  let items = [];
  let active = -1;
  let timer = 0;
  let asked = '';
  const close = () => { list.hidden = true; active = -1; };
  const render = () => {
    list.replaceChildren(...items.map((e, i) => {
      const alias = e.aliases.find((a) => a.toLowerCase().includes(input.value.trim().toLowerCase()) && a !== e.name);
      return el('li', { class: i === active ? 'active' : '', 'data-id': e.id,
        onmousedown: (ev) => { ev.preventDefault(); pick(i); } },
      el('span', { class: 'badge', style: `background:${KIND_LOOK[e.kind].color}44` }, t('kinds')[e.kind]),
      e.name, alias ? el('span', { class: 'alias' }, alias) : null);
    }));
    list.hidden = items.length === 0;
  };
  const pick = (i) => {
    const e = items[i];
    close();
    if (e) onPick(e);
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    input.dataset.id = '';
    if (!q) { items = []; close(); return; }
    timer = setTimeout(async () => {
      asked = q;
      try {
        const d = await api.gql(api.SEARCH, { text: q });
        if (asked !== q || input.value.trim() !== q) return;
        items = d.search;
        active = -1;
        render();
      } catch {
        items = [];
        close();
      }
    }, 120);
  });
  input.addEventListener('keydown', (ev) => {
    if (list.hidden) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      render();
    } else if (ev.key === 'Enter' && active >= 0) {
      ev.preventDefault();
      pick(active);
    } else if (ev.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
}

combo($('#search'), (e) => {
  $('#search').value = e.name;
  Object.assign(state, { mode: 'explore', focus: e.id, exp: [], sel: e.id, more: 0 });
  saveURL(true);
  rebuild();
});
combo($('#a'), (e) => { $('#a').value = e.name; });
combo($('#b'), (e) => { $('#b').value = e.name; });

$('#connect').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const mode = $('#mode').value;
  const a = $('#a').value.trim();
  const b = $('#b').value.trim();
  const from = $('#from').value.trim();
  const to = $('#to').value.trim();
  if (!a || (mode === 'changes' ? !from || !to : mode !== 'dependencies' && !b)) return;
  Object.assign(state, { mode, a, b: mode === 'changes' || mode === 'dependencies' ? '' : b,
    from: mode === 'changes' ? from : '', to: mode === 'changes' ? to : '', focus: '', exp: [], sel: '', more: 0 });
  closePanel(false);
  saveURL(true);
  rebuild();
});

// ---------- toolbar ----------

function download(name, blob) {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function exportName(ext) {
  const q = state.mode === 'explore' ? state.focus.split('/').pop()
    : state.mode === 'changes' ? `${state.a}-${state.from}-${state.to}` : state.mode === 'dependencies' ? state.a : `${state.a}-${state.b}`;
  return `policygraph-${q || 'view'}.${ext}`;
}

// exportJSON is the current view as Cytoscape.js JSON (elements, style,
// positions), which cytoscape({...json}) or Cytoscape desktop can open.
pg.exportJSON = () => cy.json();
pg.exportPNG = () => cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' });

$('#fit').addEventListener('click', () => {
  if (state.view === 'map') {
    mapExtent = null;
    drawMap();
  } else cy.fit(cy.elements(':visible'), 30);
});
$('#relayout').addEventListener('click', () => layout());
$('#undo').addEventListener('click', () => undo());
$('#png').addEventListener('click', () => download(exportName('png'), pg.exportPNG()));
$('#json').addEventListener('click', () => download(exportName('cyjs.json'),
  new Blob([JSON.stringify(pg.exportJSON())], { type: 'application/json' })));
$('#close').addEventListener('click', () => closePanel());
// The server's /export gives the whole graph, or the focus's neighbourhood
// in explore mode, in the formats other tools read.
$('#server-export').addEventListener('change', (ev) => {
  const format = ev.target.value;
  ev.target.value = '';
  if (!format) return;
  const q = new URLSearchParams({ format });
  if (state.mode === 'explore' && state.focus) {
    q.set('of', state.focus);
    q.set('hops', '2');
  }
  location.href = `export?${q}`;
});
$('#lang').addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'zh' : 'en';
  saveURL();
  applyLanguage();
  // Labels changed size: lay out again, as a link in this language would.
  if (cy.nodes().length) layout();
});

// The boxes of the changes mode are no entities: nothing to show or expand.
cy.on('tap', 'node[kind != "CHANGE"]', (ev) => select(ev.target.id()));
cy.on('dbltap', 'node[kind != "CHANGE"]', (ev) => expand(ev.target.id()));
cy.on('tap', (ev) => { if (ev.target === cy) closePanel(); });
window.addEventListener('popstate', () => {
  Object.assign(state, decode(location.search));
  applyLanguage();
  if (!state.sel) closePanel(false);
  rebuild();
});

// ---------- hooks for tests and benchmarks ----------

pg.state = state;
pg.select = select;
pg.expand = expand;
pg.undo = undo;
// benchLayout replaces the view with a synthetic graph of n nodes and m
// edges and returns the milliseconds to its first drawn layout.
pg.benchLayout = async (n, m, seed = 7) => {
  generation++;
  cy.elements().remove();
  cy.add(synthetic(n, m, mulberry32(seed)));
  refreshLabels();
  return runLayout(cy);
};
// benchSeed draws the seed graph (everything within 6 hops of 成都) and
// returns {nodes, edges, ms}, ms timed from the answer to the drawn layout.
pg.benchSeed = async () => {
  generation++;
  const d = await api.gql(`query { neighbourhood(of: "成都", hops: 6, first: 2000) { truncated nodes { id label kind depth } edges { id source target relation } } }`);
  cy.elements().remove();
  const t0 = performance.now();
  cy.add(fromNeighbourhood(d.neighbourhood));
  refreshLabels();
  await runLayout(cy);
  return { nodes: cy.nodes().length, edges: cy.edges().length, ms: performance.now() - t0 };
};

// ---------- start ----------

if (window.matchMedia('(max-width: 900px)').matches) {
  $('#filters').open = false;
  $('#legend').open = false;
}
$('main').classList.add('nopanel');
applyLanguage();

if (!location.search) {
  // A first visit shows the README's question.
  Object.assign(state, { a: '成都', b: '资阳' });
}
// The documents (for the filters and the table's titles) are asked for once
// the first view is drawn: on a large store listing them costs the server
// seconds, which the first answer should not wait behind.
rebuild().finally(() => api.gql(api.DOCUMENTS).then((d) => {
  documents = d.documents;
  buildFilters();
  if (pg.status === 'ready') showAnswer(); // with the documents' titles
}).catch(() => {}));
