import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromConnect, connectSubset, synthetic } from './elements.js';

const cd = { id: 'place/510100', name: '成都', kind: 'PLACE', level: 'PREFECTURE' };
const zy = { id: 'place/512000', name: '资阳', kind: 'PLACE', level: 'PREFECTURE' };
const region = { id: 'place/region/成德眉资', name: '成德眉资', kind: 'PLACE', level: 'REGION' };
const rail = { id: 'initiative/成资市域铁路', name: '成资市域(郊)铁路', kind: 'INITIATIVE', stage: 'UNDER_CONSTRUCTION',
  documents: [{ id: 'document/d', year: 2022 }] };

test('a connect answer draws both sides, the initiative, its facts and the region membership', () => {
  const fact = (id, to, inferred = false) => ({ id, relation: 'CONNECTS', inferred, from: rail, to });
  const els = fromConnect({
    a: [cd], b: [zy],
    connections: [{ reach: 'DIRECT', initiative: rail,
      a: [{ relation: 'CONNECTS', target: cd, via: null, fact: fact('f1', cd) },
        { relation: 'CONNECTS', target: cd, via: region, fact: fact('f3', region, true) }],
      b: [{ relation: 'CONNECTS', target: zy, via: null, fact: fact('f2', zy) }] }],
  });
  const ids = els.map((e) => e.data.id);
  assert.deepEqual(ids, ['place/510100', 'place/512000', 'initiative/成资市域铁路', 'place/region/成德眉资',
    'initiative/成资市域铁路|CONNECTS|place/510100', 'initiative/成资市域铁路|CONNECTS|place/region/成德眉资',
    'place/510100|PART_OF|place/region/成德眉资', 'initiative/成资市域铁路|CONNECTS|place/512000']);
  const railNode = els.find((e) => e.data.id === rail.id).data;
  assert.deepEqual([railNode.stage, railNode.docs, railNode.years], ['UNDER_CONSTRUCTION', ['document/d'], [2022]]);
  assert.equal(els[0].data.endpoint, 'a');
});

test('a large connect answer draws its most telling initiatives within the node budget', () => {
  const place = (i) => ({ id: `place/${i}`, name: `地${i}`, kind: 'PLACE' });
  const tie = (from, to) => ({ relation: 'CONNECTS', target: to, via: null, fact: { id: `${from.id}>${to.id}`, relation: 'CONNECTS', inferred: false, from, to } });
  const connections = [];
  for (let i = 0; i < 200; i++) {
    const ini = { id: `initiative/${i}`, name: `举措${i}`, kind: 'INITIATIVE' };
    const extra = place(1000 + i); // each initiative brings one more place of its own
    connections.push({ reach: i % 3 === 0 ? 'DIRECT' : 'REGION', initiative: ini,
      a: [tie(ini, cd), ...(i % 5 === 0 ? [tie(ini, extra)] : [])], b: [tie(ini, zy)] });
  }
  const answer = { a: [cd], b: [zy], connections };
  const cut = connectSubset(answer, 25);
  assert.equal(cut.total, 200);
  assert.equal(cut.shown, 25);
  assert.ok(cut.data.connections.every((c) => c.reach === 'DIRECT'), 'direct ties first');
  assert.equal(cut.data.connections[0].initiative.id, 'initiative/0', 'more ties first, then the server order');
  const nodes = fromConnect(cut.data).filter((e) => e.group === 'nodes');
  assert.ok(nodes.length <= 80, `${nodes.length} nodes drawn`);
  const wide = connectSubset(answer, 1000);
  assert.ok(fromConnect(wide.data).filter((e) => e.group === 'nodes').length <= 80);
  assert.ok(wide.shown < 200 && wide.shown > 25);
  assert.equal(connectSubset({ ...answer, connections: connections.slice(0, 3) }, 25).shown, 3);
});

test('a synthetic graph has exactly the nodes and edges asked for', () => {
  let x = 1;
  const rand = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  const els = synthetic(2000, 5000, rand);
  assert.equal(els.filter((e) => e.group === 'nodes').length, 2000);
  assert.equal(els.filter((e) => e.group === 'edges').length, 5000);
});
