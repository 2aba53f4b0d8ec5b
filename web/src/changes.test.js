import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupChanges, fromChanges, dependenciesOf, fromDependencies, changeNodeId } from './changes.js';

const cd = { id: 'place/510100', name: '成都', kind: 'PLACE', level: 'PREFECTURE' };
const ini = (key, name) => ({ id: `initiative/${key}`, name, kind: 'INITIATIVE' });
const rail = ini('成资市域铁路', '成资市域(郊)铁路');
const water = ini('张老引水一期工程', '张老引水一期工程');
const hall = ini('会展中心', '东部新区国际会展中心');
const city = ini('西部科学城', '西部科学城');
const changes = [
  { initiative: hall, kind: 'NEW', before: null, after: 'STARTING' },
  { initiative: rail, kind: 'ADVANCED', before: 'UNDER_CONSTRUCTION', after: 'COMPLETED' },
  { initiative: water, kind: 'DROPPED', before: 'COMPLETED', after: null },
  { initiative: city, kind: 'SAME', before: 'ONGOING', after: 'ONGOING' },
];

test('changes are grouped by kind in the order of the schema, empty kinds left out', () => {
  const groups = groupChanges(changes);
  assert.deepEqual(groups.map((g) => g.kind), ['NEW', 'ADVANCED', 'SAME', 'DROPPED']);
  assert.deepEqual(groups[1].items.map((c) => c.initiative.name), ['成资市域(郊)铁路']);
});

test('a changes answer draws the place, a box per kind, and each initiative in its box with its stage now', () => {
  const els = fromChanges(cd, changes);
  const byId = Object.fromEntries(els.map((e) => [e.data.id, e.data]));
  assert.equal(byId[cd.id].endpoint, 'a');
  assert.deepEqual(['NEW', 'ADVANCED', 'SAME', 'DROPPED'].map((k) => byId[changeNodeId(k)].kind), ['CHANGE', 'CHANGE', 'CHANGE', 'CHANGE']);
  assert.deepEqual([byId[rail.id].parent, byId[rail.id].stage, byId[rail.id].before], [changeNodeId('ADVANCED'), 'COMPLETED', 'UNDER_CONSTRUCTION']);
  // a dropped initiative keeps the colour of the stage it was last seen at
  assert.deepEqual([byId[water.id].parent, byId[water.id].stage, byId[water.id].after], [changeNodeId('DROPPED'), 'COMPLETED', '']);
  assert.equal(els.filter((e) => e.group === 'edges').length, 0);
});

const jt = { id: 'body/成都市交通运输局', name: '成都市交通运输局', kind: 'BODY' };
const jx = { id: 'body/成都市经济和信息化局', name: '成都市经济和信息化局', kind: 'BODY' };
const fg = { id: 'body/成都市发展和改革委员会', name: '成都市发展和改革委员会', kind: 'BODY' };
const zy = { id: 'place/512000', name: '资阳', kind: 'PLACE' };
const belt = ini('成资临空经济产业带', '成资临空经济产业带');
const corridor = ini('成资协同开放走廊', '成资协同开放走廊');
const deps = [
  { a: belt, aBodies: [jx], b: rail, bBodies: [jt], shared: zy, sharedRelation: 'CONNECTS', bRelation: 'CONNECTS', sharedBy: 4 },
  { a: corridor, aBodies: [fg], b: rail, bBodies: [jt], shared: zy, sharedRelation: 'CONNECTS', bRelation: 'CONNECTS', sharedBy: 4 },
  { a: belt, aBodies: [jx], b: corridor, bBodies: [fg], shared: zy, sharedRelation: 'CONNECTS', bRelation: 'CONNECTS', sharedBy: 4 },
];

test('a department depends on the initiatives of others that share something with its own', () => {
  const mine = dependenciesOf(jt.id, deps);
  assert.deepEqual(mine.map((d) => `${d.own.name} <- ${d.other.name} (${d.otherBodies.map((b) => b.name)}) @ ${d.shared.name}`), [
    '成资市域(郊)铁路 <- 成资临空经济产业带 (成都市经济和信息化局) @ 资阳',
    '成资市域(郊)铁路 <- 成资协同开放走廊 (成都市发展和改革委员会) @ 资阳',
  ]);
});

test('the dependencies view draws the department, its initiative, the others with their owners and the shared place', () => {
  const els = fromDependencies(jt, deps);
  const nodes = els.filter((e) => e.group === 'nodes').map((e) => e.data.id);
  const edges = els.filter((e) => e.group === 'edges').map((e) => e.data.id);
  assert.deepEqual(nodes, [jt.id, rail.id, belt.id, zy.id, jx.id, corridor.id, fg.id]);
  assert.deepEqual(edges, [
    `${jt.id}|OWNS|${rail.id}`, `${jx.id}|OWNS|${belt.id}`, `${rail.id}|CONNECTS|${zy.id}`, `${belt.id}|CONNECTS|${zy.id}`,
    `${fg.id}|OWNS|${corridor.id}`, `${corridor.id}|CONNECTS|${zy.id}`,
  ]);
  assert.equal(els.find((e) => e.data.id === rail.id).data.side, 'own');
});
