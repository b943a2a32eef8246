import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declaredBodyTooLarge, hasDuplicateHost } from './request-head.js';

test('finds a second Host line in rawHeaders, in any case', () => {
  assert.equal(hasDuplicateHost(['Host', 'a', 'X', 'b']), false);
  assert.equal(hasDuplicateHost(['Host', 'a', 'hOST', 'a']), true);
  assert.equal(hasDuplicateHost(['Hosts', 'a', 'Host', 'b']), false);
  assert.equal(hasDuplicateHost([]), false);
});

test('compares a declared Content-Length with MAX_BODY_BYTES', () => {
  assert.equal(declaredBodyTooLarge({ 'content-length': '11' }, 10), true);
  assert.equal(declaredBodyTooLarge({ 'content-length': '10' }, 10), false);
  assert.equal(declaredBodyTooLarge({}, 10), false);
  assert.equal(declaredBodyTooLarge({ 'content-length': '99' }, undefined), false);
});
