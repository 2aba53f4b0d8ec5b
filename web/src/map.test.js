import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitExtent, inside, mapModel, projection, renderMap, zoomed } from './map.js';
import { OUTLINES } from './outlines.js';

// seats reads the gazetteer's places with their seats' coordinates, the
// same files the server embeds.
function seats() {
  const tsv = (name) => readFileSync(new URL(`../../seeds/gazetteer/${name}`, import.meta.url), 'utf8')
    .split('\n').filter((l) => l.trim() && !l.startsWith('#')).slice(1).map((l) => l.split('\t'));
  const at = new Map(tsv('coordinates.tsv').map(([key, lon, lat]) => [key, [Number(lon), Number(lat)]]));
  return tsv('places.tsv').map(([code, name, , level, parent]) => ({ code, name, level, parent, at: at.get(code || name) }));
}

test('every seat of Sichuan and Chongqing lies inside its own outline and outside the other', () => {
  const [sichuan, chongqing] = OUTLINES.map((o) => o.ring);
  let n = 0;
  for (const p of seats()) {
    const province = p.code ? p.code.slice(0, 2) : p.parent.slice(0, 2);
    if (province !== '51' && province !== '50') continue;
    assert.ok(p.at, `${p.name} has no coordinates`);
    const [own, other] = province === '51' ? [sichuan, chongqing] : [chongqing, sichuan];
    assert.ok(inside(p.at, own), `${p.name} at ${p.at} lies outside its province's outline`);
    assert.ok(!inside(p.at, other), `${p.name} at ${p.at} lies inside the other province's outline`);
    n++;
  }
  assert.ok(n > 200, `only ${n} seats checked`);
});

test('each province name is written inside its outline', () => {
  for (const o of OUTLINES) assert.ok(inside(o.label, o.ring), o.name.en);
});

test('a seat of a neighbouring province lies outside both outlines', () => {
  for (const p of seats()) {
    if (!p.code || p.code.startsWith('51') || p.code.startsWith('50') || p.level === 'country') continue;
    for (const o of OUTLINES) assert.ok(!inside(p.at, o.ring), `${p.name} at ${p.at} lies inside ${o.name.en}`);
  }
});

const cd = { id: 'place/510100', name: '成都', kind: 'PLACE', level: 'PREFECTURE', lon: 104.07, lat: 30.67, endpoint: 'a' };
const zy = { id: 'place/512000', name: '资阳', kind: 'PLACE', level: 'PREFECTURE', lon: 104.63, lat: 30.13, endpoint: 'b' };
const dy = { id: 'place/510600', name: '德阳', kind: 'PLACE', level: 'PREFECTURE', lon: 104.40, lat: 31.13 };
const cn = { id: 'place/100000', name: '中国', kind: 'PLACE', level: 'COUNTRY', lon: 116.4, lat: 39.9 };
const region = { id: 'place/region/成德眉资', name: '成德眉资', kind: 'PLACE', level: 'REGION' };
const rail = { id: 'initiative/成资市域铁路', name: '成资市域(郊)铁路', kind: 'INITIATIVE', stage: 'UNDER_CONSTRUCTION' };
const zone = { id: 'initiative/试验区', name: '成德眉资同城化综合试验区', kind: 'INITIATIVE', stage: 'ONGOING' };
const lone = { id: 'initiative/x', name: '<一个>', kind: 'INITIATIVE' };
const body = { id: 'body/b', name: '成都市人民政府', kind: 'BODY' };
const edge = (source, relation, target) => ({ source: source.id, relation, target: target.id });

test('the map model ties initiatives to their located places, through a region to its drawn members', () => {
  const m = mapModel([cd, zy, dy, cn, region, rail, zone, lone, body], [
    edge(rail, 'CONNECTS', cd), edge(rail, 'CONNECTS', zy), edge(rail, 'CONNECTS', cn),
    edge(zone, 'LOCATED_IN', region), edge(cd, 'PART_OF', region), edge(zy, 'PART_OF', region), edge(dy, 'PART_OF', region),
    edge(body, 'LEADS', rail),
  ]);
  assert.deepEqual(m.places.map((p) => p.name), ['成都', '资阳', '德阳', '中国']);
  assert.deepEqual(m.initiatives.map((i) => [i.name, i.places.map((p) => p.name)]),
    [['成资市域(郊)铁路', ['成都', '资阳']], ['成德眉资同城化综合试验区', ['成都', '德阳', '资阳']]]);
  assert.equal(m.unplaced, 1);
});

test('the projection puts east to the right and north up', () => {
  const { at } = projection({ west: 100, east: 110, south: 26, north: 34 }, 1000);
  const [x1, y1] = at([104, 30]);
  const [x2, y2] = at([105, 31]);
  assert.ok(x2 > x1 && y2 < y1);
  assert.deepEqual(at([100, 34]), [0, 0]);
});

test('an extent fitted to a picture fills it, widened about its centre', () => {
  const ext = { west: 100, east: 110, south: 26, north: 34 };
  for (const [w, h] of [[1200, 400], [400, 1200], [1000, 1000]]) {
    const f = fitExtent(ext, w, h);
    const p = projection(f, w);
    assert.ok(Math.abs(p.height - h) < 1e-6, `${w}×${h}: height ${p.height}`);
    assert.ok(f.west <= ext.west && f.east >= ext.east && f.south <= ext.south && f.north >= ext.north);
    assert.ok(Math.abs((f.west + f.east) / 2 - 105) < 1e-9 && Math.abs((f.south + f.north) / 2 - 30) < 1e-9);
  }
});

test('zooming keeps the point under the mouse where it was, and inverts the projection', () => {
  const ext = { west: 100, east: 110, south: 26, north: 34 };
  const p = projection(ext, 1000);
  const [lon, lat] = p.lonLat(p.at([104.07, 30.67]));
  assert.ok(Math.abs(lon - 104.07) < 1e-9 && Math.abs(lat - 30.67) < 1e-9);
  const z = zoomed(ext, 0.5, [104, 30]);
  assert.deepEqual(z, { west: 102, east: 107, south: 28, north: 32 });
  const q = projection(z, 1000);
  const before = p.at([104, 30]).map((v) => v / p.width);
  const after = q.at([104, 30]).map((v) => v / q.width);
  assert.ok(Math.abs(before[0] - after[0]) < 0.02 && Math.abs(before[1] - after[1]) < 0.02);
  assert.deepEqual(zoomed(ext, 1, [0, 0], [1, -1]), { west: 101, east: 111, south: 25, north: 33 });
});

test('the map draws the outlines, the places, a line per two-place initiative, and escapes names', () => {
  const rail2 = { ...rail, id: 'initiative/成资大道', name: '成资大道' };
  const m = mapModel([cd, zy, rail, rail2, lone], [edge(rail, 'CONNECTS', cd), edge(rail, 'CONNECTS', zy),
    edge(rail2, 'CONNECTS', cd), edge(rail2, 'CONNECTS', zy), edge(lone, 'CONNECTS', zy)]);
  const svg = renderMap(m, { note: '边界为近似轮廓', selected: rail.id });
  assert.match(svg, /^<svg [^>]*viewBox="0 0 1000 /);
  assert.equal((svg.match(/<polygon class="outline"/g) || []).length, 2);
  // two initiatives between the same places: one straight, one bowed apart
  const d = (id) => svg.match(new RegExp(`data-id="${id}" d="M([\\d.]+),([\\d.]+)Q([\\d.]+),([\\d.]+) ([\\d.]+),([\\d.]+)"`));
  const [a, b] = [d('initiative/成资市域铁路'), d('initiative/成资大道')];
  assert.ok(a && b, svg);
  assert.match(svg, /<path class="initiative line selected" data-id="initiative\/成资市域铁路"/);
  const mid = (m) => [(Number(m[1]) + Number(m[5])) / 2, (Number(m[2]) + Number(m[6])) / 2];
  assert.deepEqual([Number(a[3]), Number(a[4])].map(Math.round), mid(a).map(Math.round), 'the first line is straight');
  assert.ok(Math.hypot(Number(b[3]) - mid(b)[0], Number(b[4]) - mid(b)[1]) > 20, 'the second line bows out');
  assert.match(svg, /<circle class="initiative ring" data-id="initiative\/x"/);
  assert.match(svg, /<g class="place endpoint" data-id="place\/510100">/);
  assert.match(svg, /&lt;一个&gt;/);
  assert.ok(!svg.includes('<一个>'));
  assert.match(svg, /边界为近似轮廓/);
});
