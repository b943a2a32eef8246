// Issue #16 (Medium 2) / RFC 9112 §6.1: a Transfer-Encoding with a coding other than chunked
// (`gzip, chunked`) is answered 501 TRANSFER_CODING_NOT_IMPLEMENTED and never silently dropped
// (dropping it would hand the upstream gzip bytes as if they were the body); chunked applied twice
// is 400 (llhttp's own refusal; transfer-coding.ts says BAD_FRAMING should a parser let it
// through); an HTTP/1.0 request with any Transfer-Encoding is faulty framing, 400, and
// the connection is closed. Nothing is forwarded in any case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

const BODY = '5\r\nhello\r\n0\r\n\r\n';

for (const coding of ['gzip, chunked', 'deflate, chunked', 'x-custom, chunked']) {
  test(`answers 501 TRANSFER_CODING_NOT_IMPLEMENTED and closes given Transfer-Encoding: ${coding}`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t);
    const exchange = await rawExchange(`POST /te HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: ${coding}\r\n\r\n${BODY}`, {
      port: proxy.port,
      untilClose: true,
    });
    assertRefusedAndClosed(exchange, 501, 'TRANSFER_CODING_NOT_IMPLEMENTED');
    assert.equal(upstream.requests.length, 0, 'nothing forwarded');
  });
}

test('answers 501 given the coding on a separate Transfer-Encoding line', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(
    `POST /te HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n${BODY}`,
    { port: proxy.port, untilClose: true },
  );
  assertRefusedAndClosed(exchange, 501, 'TRANSFER_CODING_NOT_IMPLEMENTED');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('answers 400 and closes given chunked applied twice (llhttp refuses it before the pipeline)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(`POST /te HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n${BODY}`, {
    port: proxy.port,
    untilClose: true,
  });
  assertRefusedAndClosed(exchange, 400, 'BAD_REQUEST');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('answers 400 BAD_FRAMING and closes given an HTTP/1.0 request with Transfer-Encoding, forwarding nothing after it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(
    `POST /te10 HTTP/1.0\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n${BODY}` +
      'GET /after HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n',
    { port: proxy.port, untilClose: true },
  );
  assertRefusedAndClosed(exchange, 400, 'BAD_FRAMING');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
