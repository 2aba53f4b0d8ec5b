// changes.js turns the answers of the changes and dependencies queries into
// lists and Cytoscape elements. Pure functions: the node tests run them.
import { Collector } from './elements.js';

// CHANGE_KINDS is the order the page lists changes in, as the schema's
// ChangeKind enum gives it.
export const CHANGE_KINDS = ['NEW', 'ADVANCED', 'SAME', 'REGRESSED', 'DROPPED'];

// groupChanges returns the changes grouped by kind, in CHANGE_KINDS order,
// leaving out kinds with none; within a group, in the answer's order.
export function groupChanges(changes) {
  const by = new Map(CHANGE_KINDS.map((k) => [k, []]));
  for (const c of changes) {
    if (!by.has(c.kind)) by.set(c.kind, []);
    by.get(c.kind).push(c);
  }
  return [...by].filter(([, items]) => items.length).map(([kind, items]) => ({ kind, items }));
}

// changeNodeId is the ID of the box that holds the initiatives of one kind.
export function changeNodeId(kind) {
  return `change/${kind}`;
}

// fromChanges draws a changes answer: the place asked about, one box per
// kind of change and in each its initiatives, coloured by the stage they
// have now (the stage they had when they were dropped).
export function fromChanges(place, changes) {
  const c = new Collector();
  c.node(place, { endpoint: 'a' });
  for (const { kind, items } of groupChanges(changes)) {
    c.node({ id: changeNodeId(kind), name: kind, kind: 'CHANGE' }, { change: kind });
    for (const ch of items) {
      const stage = ch.after || ch.before || undefined;
      c.node({ ...ch.initiative, stage }, { parent: changeNodeId(kind), change: kind, before: ch.before || '', after: ch.after || '' });
    }
  }
  return c.elements();
}

// dependenciesOf reads a dependencies answer from the side of one body: for
// each pair it owns one side of, its own initiative, the other one, the
// other's owners and what the two share. Pairs it owns no side of (the
// answer names pairs involving the body's initiatives in any way) are left
// out.
export function dependenciesOf(bodyId, deps) {
  const out = [];
  for (const d of deps) {
    const ownsA = d.aBodies.some((b) => b.id === bodyId);
    const ownsB = d.bBodies.some((b) => b.id === bodyId);
    if (ownsA === ownsB) continue;
    out.push(ownsA
      ? { own: d.a, other: d.b, otherBodies: d.bBodies, shared: d.shared, ownRelation: d.sharedRelation, otherRelation: d.bRelation, sharedBy: d.sharedBy }
      : { own: d.b, other: d.a, otherBodies: d.aBodies, shared: d.shared, ownRelation: d.bRelation, otherRelation: d.sharedRelation, sharedBy: d.sharedBy });
  }
  return out;
}

// fromDependencies draws the dependencies of one body: the body, its
// initiatives, the initiatives of other bodies they depend on with those
// bodies, and the shared things between them. An initiative that is itself
// the shared thing (the other is part of it) is not drawn twice.
export function fromDependencies(body, deps) {
  const c = new Collector();
  c.node(body, { endpoint: 'a' });
  for (const d of dependenciesOf(body.id, deps)) {
    c.node(d.own, { side: 'own' });
    c.node(d.other, { side: 'other' });
    c.node(d.shared);
    c.edge(body.id, 'OWNS', d.own.id, { derived: true });
    for (const b of d.otherBodies) {
      c.node(b);
      c.edge(b.id, 'OWNS', d.other.id, { derived: true });
    }
    if (d.own.id !== d.shared.id) c.edge(d.own.id, d.ownRelation, d.shared.id);
    if (d.other.id !== d.shared.id) c.edge(d.other.id, d.otherRelation, d.shared.id);
  }
  return c.elements();
}
