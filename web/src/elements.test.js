import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromConnect, synthetic } from './elements.js';

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

test('a synthetic graph has exactly the nodes and edges asked for', () => {
  let x = 1;
  const rand = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  const els = synthetic(2000, 5000, rand);
  assert.equal(els.filter((e) => e.group === 'nodes').length, 2000);
  assert.equal(els.filter((e) => e.group === 'edges').length, 5000);
});
