// map.js draws the current answer on a map, offline: the approximate
// outlines of Sichuan and Chongqing (outlines.js), every drawn place that
// has coordinates as a dot at its seat, and every drawn initiative as a line
// between its places (a ring for one place, a star from their centre for
// more); initiatives between the same two places bow apart, so each stays
// visible and clickable. It is pure: it turns the view's node and edge data into an SVG
// string, so node --test checks it without a browser, and main.js only puts
// the string in the page and handles clicks on [data-id].
import { OUTLINES } from './outlines.js';
import { STAGE_COLOR, KIND_LOOK } from './look.js';

// inside reports whether the point [lon, lat] lies inside ring (even-odd rule).
export function inside([x, y], ring) {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

const located = (d) => typeof d.lon === 'number' && typeof d.lat === 'number' && (d.lon !== 0 || d.lat !== 0);

// mapModel picks from the view's node and edge data what the map draws:
// the located places, and each initiative with the located places it is
// tied to (directly, or through a drawn region's drawn members). unplaced
// counts the initiatives with no located place; they stay off the map.
export function mapModel(nodes, edges) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const members = new Map(); // region -> its drawn member places
  for (const e of edges) {
    if (e.relation !== 'PART_OF') continue;
    const m = byId.get(e.source);
    if (m && m.kind === 'PLACE') {
      if (!members.has(e.target)) members.set(e.target, []);
      members.get(e.target).push(m);
    }
  }
  const placesOf = new Map();
  for (const e of edges) {
    if (e.relation !== 'CONNECTS' && e.relation !== 'LOCATED_IN') continue;
    const i = byId.get(e.source);
    const p = byId.get(e.target);
    if (!i || !p || i.kind !== 'INITIATIVE' || p.kind !== 'PLACE') continue;
    const ps = located(p) ? [p] : (members.get(p.id) || []).filter(located);
    if (!placesOf.has(i.id)) placesOf.set(i.id, []);
    for (const q of ps) if (!placesOf.get(i.id).includes(q) && q.level !== 'COUNTRY') placesOf.get(i.id).push(q);
  }
  const places = nodes.filter((n) => n.kind === 'PLACE' && located(n));
  const initiatives = [];
  let unplaced = 0;
  for (const n of nodes) {
    if (n.kind !== 'INITIATIVE') continue;
    const ps = (placesOf.get(n.id) || []).slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (ps.length) initiatives.push({ ...n, places: ps });
    else unplaced++;
  }
  return { places, initiatives, unplaced };
}

// projection maps [lon, lat] into a width-wide picture of extent
// {west, east, south, north}: equirectangular, with longitudes shrunk by
// the cosine of the middle latitude so that shapes keep their proportions.
export function projection(extent, width) {
  const k = Math.cos(((extent.south + extent.north) / 2) * (Math.PI / 180));
  const scale = width / ((extent.east - extent.west) * k);
  const height = (extent.north - extent.south) * scale;
  const at = ([lon, lat]) => [(lon - extent.west) * k * scale, (extent.north - lat) * scale];
  const lonLat = ([x, y]) => [extent.west + x / (k * scale), extent.north - y / scale];
  return { at, lonLat, width, height };
}

// fitExtent widens extent (east-west or north-south, about its centre) to
// the proportions of a width × height picture, so that the map fills it at
// one picture unit per pixel and its labels keep their size.
export function fitExtent(extent, width, height) {
  const k = Math.cos(((extent.south + extent.north) / 2) * (Math.PI / 180));
  const w = (extent.east - extent.west) * k;
  const h = extent.north - extent.south;
  if (!(width > 0 && height > 0)) return extent;
  if (w / h < width / height) {
    const grow = ((h * width) / height / k - (extent.east - extent.west)) / 2;
    return { ...extent, west: extent.west - grow, east: extent.east + grow };
  }
  const grow = ((w * height) / width - h) / 2;
  return { ...extent, south: extent.south - grow, north: extent.north + grow };
}

// zoomed returns extent scaled by factor around the point [lon, lat] (a
// factor below 1 zooms in), or moved by [dlon, dlat] when factor is 1.
export function zoomed(extent, factor, [lon, lat], [dlon, dlat] = [0, 0]) {
  return {
    west: lon - (lon - extent.west) * factor + dlon, east: lon + (extent.east - lon) * factor + dlon,
    south: lat - (lat - extent.south) * factor + dlat, north: lat + (extent.north - lat) * factor + dlat,
  };
}

// extentOf is the box around the outlines and the places, with a margin.
export function extentOf(points, margin = 0.4) {
  let west = Infinity; let east = -Infinity; let south = Infinity; let north = -Infinity;
  const add = ([lon, lat]) => {
    west = Math.min(west, lon); east = Math.max(east, lon);
    south = Math.min(south, lat); north = Math.max(north, lat);
  };
  for (const o of OUTLINES) o.ring.forEach(add);
  points.forEach(add);
  return { west: west - margin, east: east + margin, south: south - margin, north: north + margin };
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const num = (x) => Math.round(x * 10) / 10;
const pts = (ps) => ps.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');

// renderMap returns the map as an SVG string. opts: lang ('zh' or 'en'),
// names (place and initiative name by node, e.g. English in the English
// interface), reference (other places to show faintly for orientation:
// [{id, name, lon, lat}]), selected (an ID to ring), note (the caption that
// says the outlines are approximate), width (of the viewBox), extent (the
// part of the world to show; by default the outlines and the places).
export function renderMap(model, opts = {}) {
  const { lang = 'zh', reference = [], selected = '', note = '', width = 1000 } = opts;
  const name = opts.name || ((n) => n.name);
  const ll = (n) => [n.lon, n.lat];
  const ext = opts.extent || extentOf(model.places.map(ll));
  const { at, height } = projection(ext, width);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${num(height)}" role="img" class="map" aria-label="${esc(note)}">`);
  out.push('<rect class="sea" x="0" y="0" width="100%" height="100%"/>');
  for (const o of OUTLINES) {
    out.push(`<polygon class="outline" data-code="${o.code}" points="${pts(o.ring.map(at))}"><title>${esc(o.name[lang] || o.name.zh)} (${esc(note)})</title></polygon>`);
  }
  for (const o of OUTLINES) {
    const c = o.label || o.ring.reduce((s, p) => [s[0] + p[0] / o.ring.length, s[1] + p[1] / o.ring.length], [0, 0]);
    const [x, y] = at(c);
    out.push(`<text class="outline-name" x="${num(x)}" y="${num(y)}">${esc(o.name[lang] || o.name.zh)}</text>`);
  }
  const drawn = new Set(model.places.map((p) => p.id));
  for (const r of reference) {
    if (drawn.has(r.id) || !located(r)) continue;
    const [x, y] = at(ll(r));
    if (x < 0 || y < 0 || x > width || y > height) continue;
    out.push(`<g class="ref"><circle cx="${num(x)}" cy="${num(y)}" r="2.5"/><text x="${num(x + 4)}" y="${num(y + 3)}">${esc(name(r))}</text></g>`);
  }
  const seen = new Map(); // initiatives drawn so far at the same places
  for (const i of model.initiatives) {
    const color = STAGE_COLOR[i.stage] || KIND_LOOK.INITIATIVE.color;
    const ps = i.places.map((p) => at(ll(p)));
    const sel = i.id === selected ? ' selected' : '';
    const title = `<title>${esc(name(i))}: ${esc(i.places.map(name).join(' – '))}</title>`;
    const key = i.places.map((p) => p.id).join('|');
    const j = seen.get(key) || 0;
    seen.set(key, j + 1);
    if (ps.length === 1) {
      out.push(`<circle class="initiative ring${sel}" data-id="${esc(i.id)}" cx="${num(ps[0][0])}" cy="${num(ps[0][1])}" r="${11 + 5 * j}" stroke="${color}">${title}</circle>`);
    } else if (ps.length === 2) {
      // the j-th line between the same two places bows out by bend(j):
      // 0, +14, -14, +28, … pixels at its middle
      const bend = (j % 2 ? 1 : -1) * Math.ceil(j / 2) * 14;
      const [[x0, y0], [x1, y1]] = ps;
      const len = Math.hypot(x1 - x0, y1 - y0) || 1;
      const cx = (x0 + x1) / 2 - ((y1 - y0) / len) * bend * 2;
      const cy = (y0 + y1) / 2 + ((x1 - x0) / len) * bend * 2;
      out.push(`<path class="initiative line${sel}" data-id="${esc(i.id)}" d="M${num(x0)},${num(y0)}Q${num(cx)},${num(cy)} ${num(x1)},${num(y1)}" stroke="${color}">${title}</path>`);
    } else {
      const c = ps.reduce((s, p) => [s[0] + p[0] / ps.length, s[1] + p[1] / ps.length], [0, 0]);
      const star = ps.map((p) => `M${num(c[0])},${num(c[1])}L${num(p[0])},${num(p[1])}`).join('');
      out.push(`<path class="initiative star${sel}" data-id="${esc(i.id)}" d="${star}" stroke="${color}">${title}</path>`);
    }
  }
  for (const p of model.places) {
    const [x, y] = at(ll(p));
    const sel = p.id === selected ? ' selected' : '';
    const big = p.endpoint ? ' endpoint' : '';
    out.push(`<g class="place${sel}${big}" data-id="${esc(p.id)}"><circle cx="${num(x)}" cy="${num(y)}" r="${p.endpoint ? 7 : 5}"/>` +
      `<text x="${num(x + 8)}" y="${num(y + 4)}">${esc(name(p))}</text><title>${esc(name(p))}</title></g>`);
  }
  if (note) out.push(`<text class="note" x="8" y="${num(height - 8)}">${esc(note)}</text>`);
  out.push('</svg>');
  return out.join('');
}
