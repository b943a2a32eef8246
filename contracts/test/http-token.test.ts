import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHttpToken } from '../src/index.js';

test('accepts every tchar of RFC 9110 §5.6.2', () => {
  for (const value of ['POST', 'x-my-jwt', "!#$%&'*+-.^_`|~", 'a0Z9', 'jwt-proxy']) assert.equal(isHttpToken(value), true, value);
});

test('refuses the empty string, separators, spaces, controls and non-ASCII', () => {
  for (const value of ['', 'a b', 'a,b', 'a:b', '"a"', '(a)', 'a/b', 'a;b', 'a=b', '[a]', '{a}', 'a\tb', 'a\r\nb', 'ä', 'a\u0000']) {
    assert.equal(isHttpToken(value), false, JSON.stringify(value));
  }
});
