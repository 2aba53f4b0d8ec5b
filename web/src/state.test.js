import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, emptyState } from './state.js';

test('a state survives encode then decode', () => {
  const s = { ...emptyState(), lang: 'en', a: '成都', b: '资阳', exp: ['initiative/成资市域铁路', 'place/510100'],
    sel: 'initiative/成资市域铁路', hideKinds: ['BODY'], hideRels: ['LEADS'], hideStages: ['PLANNING'], doc: 'document/x', year: '2022', view: 'map', more: 2 };
  assert.deepEqual(decode(encode(s)), s);
});

test('the default state is an empty query string', () => {
  assert.equal(encode(emptyState()), '');
});

test('explore mode keeps focus and drops a and b', () => {
  const s = { ...emptyState(), mode: 'explore', focus: 'place/510100', a: 'x' };
  assert.equal(encode(s), '?mode=explore&focus=place%2F510100');
});

test('an unknown mode falls back to connect', () => {
  assert.equal(decode('?mode=nope').mode, 'connect');
});

test('changes mode keeps the place and the two years, dependencies mode the department', () => {
  const s = { ...emptyState(), mode: 'changes', a: '成都', from: '2022', to: '2023', b: 'x' };
  assert.equal(encode(s), '?mode=changes&a=%E6%88%90%E9%83%BD&from=2022&to=2023');
  assert.deepEqual(decode(encode(s)), { ...s, b: '' });
  const d = { ...emptyState(), mode: 'dependencies', a: '成都市交通运输局', from: '2022' };
  assert.deepEqual(decode(encode(d)), { ...d, from: '' });
});
