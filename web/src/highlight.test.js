import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateSpan, splitHighlight } from './highlight.js';

const sentence = '加快建设成资市域(郊)铁路,启动建设成德、成眉市域(郊)铁路。';

test('prefers the name whose length equals the span', () => {
  const ev = { text: sentence, start: 879, end: 888 };
  assert.deepEqual(locateSpan(ev, ['成资市域铁路', '成资市域(郊)铁路']), { start: 4, end: 13 });
});

test('falls back to the longest name found when no length matches', () => {
  const ev = { text: sentence, start: 0, end: 3 };
  assert.deepEqual(locateSpan(ev, ['成资市域(郊)铁路']), { start: 4, end: 13 });
});

test('uses the sentence start when the API gives it', () => {
  const ev = { text: sentence, start: 879, end: 883, sentenceStart: 875 };
  assert.deepEqual(locateSpan(ev, ['成资市域(郊)铁路']), { start: 4, end: 8 });
});

test('no name in the sentence leaves it whole', () => {
  assert.deepEqual(splitHighlight({ text: sentence, start: 1, end: 2 }, ['资阳']), [sentence, '', '']);
});

test('offsets count code points, not UTF-16 units', () => {
  const ev = { text: '𠀋成都', start: 1, end: 3 };
  assert.deepEqual(splitHighlight(ev, ['成都']), ['𠀋', '成都', '']);
});
