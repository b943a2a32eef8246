// RFC 9110 §15.5.14: MAX_BODY_BYTES (unset = no limit) caps request bodies. A declared
// Content-Length over the cap is answered 413 before anything is forwarded; a chunked body
// that grows past it is cut off and never forwarded complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { request } from '../support/client.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 413 PAYLOAD_TOO_LARGE given a Content-Length over MAX_BODY_BYTES, forwarding nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { MAX_BODY_BYTES: '100' } });
  const exchange = await rawExchange(`POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 101\r\n\r\n${'a'.repeat(101)}`, {
    port: proxy.port,
    untilClose: true,
  });
  assertRefusedAndClosed(exchange, 413, 'PAYLOAD_TOO_LARGE');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('answers 413 PAYLOAD_TOO_LARGE without 100 Continue given Expect: 100-continue and a Content-Length over the limit', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { MAX_BODY_BYTES: '100' } });
  const exchange = await rawExchange(`POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n`, {
    port: proxy.port,
    untilClose: true,
  });
  assertRefusedAndClosed(exchange, 413, 'PAYLOAD_TOO_LARGE');
  assert.deepEqual(exchange.response?.interim, [], 'no 100 Continue for a body that will be refused');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('forwards a body of exactly MAX_BODY_BYTES', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { MAX_BODY_BYTES: '100' } });
  const response = await request(proxy.port, { method: 'POST', path: '/fits', body: 'a'.repeat(100) });
  assert.equal(response.status, 200);
  const seen = await upstream.nthRequest(0);
  await upstream.settled(seen);
  assert.equal(seen.body.length, 100);
});

test('never forwards complete a chunked body that grows past MAX_BODY_BYTES', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    env: { MAX_BODY_BYTES: '100' },
    handler: (req, res) => req.on('end', () => res.end('complete')),
  });
  const chunk = `40\r\n${'a'.repeat(64)}\r\n`;
  const exchange = await rawExchange(`POST /grows HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}${chunk}0\r\n\r\n`, {
    port: proxy.port,
    untilClose: true,
  });
  if (exchange.response !== undefined) assert.equal(exchange.response.status, 413);
  assert.equal(exchange.closedByPeer, true);
  for (const seen of upstream.requests) {
    await upstream.settled(seen);
    assert.equal(seen.complete, false, 'the upstream never sees the oversized body complete');
    assert.ok(seen.body.length <= 100, `at most MAX_BODY_BYTES reach the upstream, got ${seen.body.length}`);
  }
});
