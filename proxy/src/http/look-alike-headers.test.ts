import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookAlikeFilter, withLookAlikes } from './look-alike-headers.js';

test('flags names that read as the token, framing, hop-by-hop or proxy-added fields once _ and . are -', () => {
  const isLookAlike = lookAlikeFilter('X-My-JWT');
  for (const name of [
    'x_my_jwt',
    'x.my.jwt',
    'x_my.jwt',
    'content_length',
    'transfer_encoding',
    'proxy_authorization',
    'keep_alive',
    'x_forwarded_for',
    'x.forwarded.host',
    'x_forwarded_proto',
  ]) {
    assert.equal(isLookAlike(name), true, name);
  }
});

test('leaves the real names and unrelated names with _ or . alone', () => {
  const isLookAlike = lookAlikeFilter('x-my-jwt');
  for (const name of ['x-my-jwt', 'content-length', 'transfer-encoding', 'x_request_id', 'x.trace.id', 'content_type', 'accept']) {
    assert.equal(isLookAlike(name), false, name);
  }
});

test('follows a configured JWT_HEADER', () => {
  const isLookAlike = lookAlikeFilter('authorization-token');
  assert.equal(isLookAlike('authorization_token'), true);
  assert.equal(isLookAlike('x_my_jwt'), false);
});

test('withLookAlikes keeps the exact names and adds every look-alike to has()', () => {
  const dropped = withLookAlikes(['x-my-jwt', 'expect'], 'x-my-jwt');
  assert.equal(dropped.has('expect'), true);
  assert.equal(dropped.has('x-my-jwt'), true);
  assert.equal(dropped.has('x_my_jwt'), true);
  assert.equal(dropped.has('content_length'), true);
  assert.equal(dropped.has('accept'), false);
  assert.equal(dropped.size, 2);
});
