// elements.js turns API answers into Cytoscape elements. Edges are keyed by
// from|relation|to, so the facts of one edge are drawn once.

export function edgeKey(from, relation, to) {
  return `${from}|${relation}|${to}`;
}

// nodeData is the data of a node drawn for an entity.
export function nodeData(e) {
  const d = { id: e.id, name: e.name ?? e.label ?? e.id, kind: e.kind };
  if (e.stage) d.stage = e.stage;
  if (e.category) d.category = e.category;
  if (e.level) d.level = e.level;
  if (typeof e.lon === 'number' && typeof e.lat === 'number') {
    d.lon = e.lon;
    d.lat = e.lat;
  }
  if (e.english) d.english = e.english;
  if (e.documents) {
    d.docs = e.documents.map((x) => x.id);
    d.years = [...new Set(e.documents.map((x) => x.year).filter((y) => y != null))];
  }
  return d;
}

// Collector gathers nodes and edges without duplicates, in first-seen order.
export class Collector {
  constructor() {
    this.nodes = new Map();
    this.edges = new Map();
  }

  node(e, extra = {}) {
    if (!e) return;
    const old = this.nodes.get(e.id);
    const d = { ...nodeData(e), ...extra };
    this.nodes.set(e.id, old ? { ...old, ...d, endpoint: old.endpoint || d.endpoint } : d);
  }

  edge(from, relation, to, { inferred = false, derived = false, fact = '' } = {}) {
    const id = edgeKey(from, relation, to);
    const old = this.edges.get(id);
    if (old) {
      old.inferred = old.inferred && inferred;
      if (fact && !old.facts.includes(fact)) old.facts.push(fact);
      return;
    }
    this.edges.set(id, { id, source: from, target: to, relation, inferred, derived, facts: fact ? [fact] : [] });
  }

  elements() {
    const out = [];
    for (const d of this.nodes.values()) out.push({ group: 'nodes', data: d });
    for (const d of this.edges.values()) {
      if (this.nodes.has(d.source) && this.nodes.has(d.target)) out.push({ group: 'edges', data: d });
    }
    return out;
  }
}

// fromConnect draws a connect answer: both sides, every initiative, and each
// tie's fact; a tie through a region also draws the member PART_OF the region.
export function fromConnect(data) {
  const c = new Collector();
  const a = data.a && data.a[0];
  const b = data.b && data.b[0];
  c.node(a, { endpoint: 'a' });
  c.node(b, { endpoint: 'b' });
  for (const con of data.connections || []) {
    c.node(con.initiative, { reach: con.reach });
    for (const tie of [...con.a, ...con.b]) {
      c.node(tie.target);
      c.node(tie.via);
      c.node(tie.fact.from);
      c.node(tie.fact.to);
      c.edge(tie.fact.from.id, tie.fact.relation, tie.fact.to.id, { inferred: tie.fact.inferred, fact: tie.fact.id });
      if (tie.via && tie.target.id !== tie.via.id) {
        c.edge(tie.target.id, 'PART_OF', tie.via.id, { derived: true });
      }
    }
  }
  return c.elements();
}

const REACH_ORDER = ['DIRECT', 'MEMBER', 'REGION'];

// connectSubset keeps the connect answer's most telling initiatives, so
// that a large answer draws as a readable picture: those that reach both
// sides directly first, then those with more ties, in the server's order
// otherwise; at most limit initiatives and maxNodes drawn nodes. It returns
// {data (the answer with the kept connections), shown, total}; the page
// lists the rest as text and offers to draw more.
export function connectSubset(data, limit, maxNodes = 80) {
  const all = data.connections || [];
  const reach = (c) => { const i = REACH_ORDER.indexOf(c.reach); return i < 0 ? REACH_ORDER.length : i; };
  const ranked = all.map((c, i) => ({ c, i })).sort((x, y) => reach(x.c) - reach(y.c)
    || (y.c.a.length + y.c.b.length) - (x.c.a.length + x.c.b.length) || x.i - y.i).map((x) => x.c);
  const nodes = new Set([data.a && data.a[0], data.b && data.b[0]].filter(Boolean).map((e) => e.id));
  const kept = [];
  for (const c of ranked) {
    if (kept.length >= limit) break;
    const add = new Set([c.initiative.id]);
    for (const tie of [...c.a, ...c.b]) {
      for (const e of [tie.target, tie.via, tie.fact.from, tie.fact.to]) if (e && !nodes.has(e.id)) add.add(e.id);
    }
    if (kept.length > 0 && nodes.size + add.size > maxNodes) break;
    for (const id of add) nodes.add(id);
    kept.push(c);
  }
  return { data: { ...data, connections: kept }, shown: kept.length, total: all.length };
}

// fromPaths draws the union of shortest paths.
export function fromPaths(data) {
  const c = new Collector();
  c.node(data.a && data.a[0], { endpoint: 'a' });
  c.node(data.b && data.b[0], { endpoint: 'b' });
  for (const p of data.paths || []) {
    for (const n of p.nodes) c.node(n);
    for (const e of p.edges) c.edge(e.from, e.relation, e.to, { inferred: e.inferred });
  }
  return c.elements();
}

// fromNeighbourhood draws a Subgraph; details maps IDs to fuller entities.
export function fromNeighbourhood(sub, details = {}) {
  const c = new Collector();
  for (const n of sub.nodes) c.node(details[n.id] || { id: n.id, name: n.label, kind: n.kind });
  for (const e of sub.edges) c.edge(e.source, e.relation, e.target, { fact: e.id });
  return c.elements();
}

// synthetic returns a random connected graph of n nodes and m edges, for
// timing the layout; rand is a function returning numbers in [0, 1).
export function synthetic(n, m, rand) {
  const kinds = ['INITIATIVE', 'PLACE', 'BODY', 'PROGRAMME', 'TARGET'];
  const rels = ['LOCATED_IN', 'CONNECTS', 'LEADS', 'UNDER_PROGRAMME', 'HAS_TARGET'];
  const stages = ['PLANNING', 'UNDER_CONSTRUCTION', 'ONGOING', 'COMPLETED'];
  const c = new Collector();
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length];
    c.node({ id: `n${i}`, name: `节点${i}`, kind, stage: kind === 'INITIATIVE' ? stages[i % stages.length] : undefined });
  }
  for (let i = 1; i < n && c.edges.size < m; i++) {
    c.edge(`n${i}`, rels[i % rels.length], `n${Math.floor(rand() * i)}`);
  }
  while (c.edges.size < m) {
    const s = Math.floor(rand() * n);
    const t = Math.floor(rand() * n);
    if (s !== t) c.edge(`n${s}`, rels[(s + t) % rels.length], `n${t}`);
  }
  return c.elements();
}
