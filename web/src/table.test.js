import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerRows, withAnswer, sortRows, toTSV } from './table.js';

const cd = { id: 'place/510100', name: '成都', kind: 'PLACE' };
const zy = { id: 'place/512000', name: '资阳', kind: 'PLACE' };
const rail = { id: 'initiative/成资市域铁路', name: '成资市域(郊)铁路', kind: 'INITIATIVE', stage: 'UNDER_CONSTRUCTION', category: 'RAIL', docs: ['document/d'] };
const belt = { id: 'initiative/带', name: '成资临空经济产业带', kind: 'INITIATIVE', stage: 'ONGOING', category: 'INDUSTRIAL_BELT' };
const odd = { id: 'initiative/x', name: '甲\t乙', kind: 'INITIATIVE' };
const e = (s, relation, t) => ({ source: s.id, relation, target: t.id });

test('every initiative of the view is a row, with its places and document titles', () => {
  const rows = answerRows([cd, zy, rail, belt, odd], [e(rail, 'CONNECTS', cd), e(rail, 'CONNECTS', zy), e(belt, 'LOCATED_IN', zy), e(cd, 'PART_OF', zy)],
    new Map([['document/d', '成都市2022年政府工作报告']]));
  assert.deepEqual(rows.map((r) => [r.name, r.places, r.documents]), [
    ['成资市域(郊)铁路', ['成都', '资阳'], ['成都市2022年政府工作报告']],
    ['成资临空经济产业带', ['资阳'], []],
    ['甲\t乙', [], []],
  ]);
});

test('places may be named in English', () => {
  const rows = answerRows([{ ...cd, english: 'Chengdu' }, rail], [e(rail, 'CONNECTS', cd)], new Map(), (n) => n.english || n.name);
  assert.deepEqual(rows[0].places, ['Chengdu']);
});

test('rows sort by stage order, none last, and by any column either way', () => {
  const rows = answerRows([rail, belt, odd], []);
  assert.deepEqual(sortRows(rows, 'stage').map((r) => r.stage), ['UNDER_CONSTRUCTION', 'ONGOING', '']);
  assert.deepEqual(sortRows(rows, 'stage', true).map((r) => r.stage), ['', 'ONGOING', 'UNDER_CONSTRUCTION']);
  assert.deepEqual(sortRows(rows, 'category').map((r) => r.category), ['', 'INDUSTRIAL_BELT', 'RAIL']);
  assert.equal(rows[0].name, '成资市域(郊)铁路', 'sorting leaves the rows as they were');
});

test('the table copies as tab-separated text, one line per row', () => {
  const rows = answerRows([cd, zy, rail, odd], [e(rail, 'CONNECTS', cd), e(rail, 'CONNECTS', zy)]);
  const tsv = toTSV(rows, ['名称', '阶段', '类别', '地点', '文档'], { UNDER_CONSTRUCTION: '在建' });
  assert.equal(tsv, '名称\t阶段\t类别\t地点\t文档\n成资市域(郊)铁路\t在建\tRAIL\t成都、资阳\tdocument/d\n甲 乙\t\t\t\t\n');
});

test('a whole answer adds the initiatives whose ties did not come, after the others', () => {
  const far = { id: 'initiative/远', name: '成资远期项目', stage: 'PLANNING', category: 'RAIL' };
  const nodes = withAnswer([cd, zy, rail], [{ id: rail.id, name: rail.name, stage: rail.stage, category: rail.category }, far]);
  const rows = answerRows(nodes, [e(rail, 'CONNECTS', cd), e(rail, 'CONNECTS', zy)]);
  assert.deepEqual(rows.map((r) => [r.name, r.stage, r.places, r.documents]), [
    ['成资市域(郊)铁路', 'UNDER_CONSTRUCTION', ['成都', '资阳'], ['document/d']],
    ['成资远期项目', 'PLANNING', [], []],
  ]);
  assert.equal(withAnswer([cd]).length, 1, 'no whole answer adds nothing');
});
