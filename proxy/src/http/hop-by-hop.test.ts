import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOP_BY_HOP_HEADERS, connectionListed, endToEndCopy, stripHopByHop } from './hop-by-hop.js';

test('removes every standard hop-by-hop field', () => {
  const headers: Record<string, string> = { 'x-end': '1' };
  for (const name of HOP_BY_HOP_HEADERS) headers[name] = 'v';
  assert.deepEqual(stripHopByHop(headers), { 'x-end': '1' });
});

test('removes the names Connection lists, in any case and across repeated lines', () => {
  const headers = { connection: ['Keep-Alive, X-A', 'x-b ,,'], 'x-a': '1', 'x-b': '2', 'x-c': '3' };
  assert.deepEqual(stripHopByHop(headers), { 'x-c': '3' });
});

test('never removes Content-Length because Connection lists it (the body would go unframed)', () => {
  const headers = { connection: 'content-length, x-a', 'content-length': '5', 'x-a': '1' };
  assert.deepEqual(stripHopByHop(headers), { 'content-length': '5' });
});

test('leaves end-to-end headers untouched given no Connection', () => {
  const headers = { 'content-type': 'text/plain', 'x-my-jwt': 't' };
  assert.deepEqual(stripHopByHop(headers), { 'content-type': 'text/plain', 'x-my-jwt': 't' });
});

test('endToEndCopy returns a new object without hop-by-hop or listed fields', () => {
  const headers = { connection: 'X-A, content-length', 'x-a': '1', 'keep-alive': 'timeout=5', 'x-b': '2', 'content-length': '3', 'set-cookie': ['a', 'b'] };
  const copy = endToEndCopy(headers);
  assert.deepEqual(copy, { 'x-b': '2', 'content-length': '3', 'set-cookie': ['a', 'b'] });
  assert.notEqual(copy, headers);
  assert.deepEqual(endToEndCopy({ 'x-c': '1', te: 'x' }), { 'x-c': '1' });
});

test('endToEndCopy also drops the names it is given', () => {
  assert.deepEqual(endToEndCopy({ 'x-my-jwt': 'forged', expect: '100-continue', 'x-keep': '1' }, new Set(['x-my-jwt', 'expect'])), { 'x-keep': '1' });
});

test('connectionListed parses a Connection value once: lower-case, any count, no empties, never Content-Length', () => {
  assert.deepEqual(connectionListed(undefined), []);
  assert.deepEqual(connectionListed('Keep-Alive, X-Foo ,,x-bar'), ['keep-alive', 'x-foo', 'x-bar']);
  assert.deepEqual(connectionListed(['close, X-A', 'Content-Length, x-b']), ['close', 'x-a', 'x-b']);
});
