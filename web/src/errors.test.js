import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError, errorsOf } from './errors.js';

const notFound = (path) => ({
  message: 'no entity named "成都x"; did you mean: 成都, 成都都市圈? (names may be given as …)', path: [path],
  extensions: { code: 'NOT_FOUND', name: '成都x', suggestions: ['成都', '成都都市圈'] },
});
const err = (errors) => Object.assign(new Error(errors[0].message), { errors });

test('an unknown name is said once, in Chinese, with its suggestions for the side it was typed in', () => {
  const d = describeError(err([notFound('a'), notFound('connections')]), 'zh', { a: '资阳', b: '成都x' });
  assert.equal(d.text, '找不到“成都x”。');
  assert.deepEqual(d.suggestions, [{ name: '成都', side: 'b' }, { name: '成都都市圈', side: 'b' }]);
  assert.equal(d.detail.split('\n').length, 1);
});

test('the same error in English, and a thousand copies still say it once', () => {
  const many = Array.from({ length: 1000 }, () => ({ message: 'the request ran out of time', extensions: { code: 'TIMEOUT' } }));
  const d = describeError(err(many), 'en');
  assert.equal(d.text, 'The question took too long: narrow it or try again later.');
  assert.equal(d.detail, 'the request ran out of time');
  assert.equal(errorsOf(err(many)).length, 1);
  assert.equal(describeError(err([notFound('a')]), 'en', { a: '成都x' }).text, 'Nothing is named “成都x”.');
});

test('a network failure and an unknown code have a message too', () => {
  assert.match(describeError(Object.assign(new Error('Failed to fetch'), { code: 'NETWORK' }), 'zh').text, /无法连接服务器/);
  assert.match(describeError(err([{ message: 'x', extensions: { code: 'WHAT' } }]), 'en').text, /server failed/);
});

test('two unknown names each get their sentence and suggestions', () => {
  const b = { message: 'no entity named "资羊"', extensions: { code: 'NOT_FOUND', name: '资羊', suggestions: ['资阳'] } };
  const d = describeError(err([notFound('a'), b]), 'zh', { a: '成都x', b: '资羊' });
  assert.equal(d.text, '找不到“成都x”。 找不到“资羊”。');
  assert.deepEqual(d.suggestions.map((s) => `${s.side}:${s.name}`), ['a:成都', 'a:成都都市圈', 'b:资阳']);
});
