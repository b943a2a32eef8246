import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { ProxyErrorCode } from './errors.js';
import { PROXY_ERRORS, PROXY_ERROR_MESSAGES, PROXY_ERROR_STATUS, ProxyError, errorBody, rawErrorResponse, sendError, statusForUpstreamError } from './errors.js';

const TABLE: ReadonlyArray<[string | undefined, string, number]> = [
  ['ETIMEDOUT', 'UPSTREAM_TIMEOUT', 504],
  ['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 504],
  ['ECONNREFUSED', 'UPSTREAM_UNREACHABLE', 502],
  ['EHOSTUNREACH', 'UPSTREAM_UNREACHABLE', 502],
  ['ECONNRESET', 'UPSTREAM_RESET', 502],
  ['EPIPE', 'UPSTREAM_RESET', 502],
  ['ENOTFOUND', 'UPSTREAM_DNS', 502],
  ['EAI_AGAIN', 'UPSTREAM_DNS', 502],
  ['HPE_INVALID_CONSTANT', 'UPSTREAM_BAD_RESPONSE', 502],
  ['HPE_UNEXPECTED_CONTENT_LENGTH', 'UPSTREAM_BAD_RESPONSE', 502],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'UPSTREAM_TLS', 502],
  ['CERT_HAS_EXPIRED', 'UPSTREAM_TLS', 502],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'UPSTREAM_TLS', 502],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UPSTREAM_TLS', 502],
  ['ESOMETHINGELSE', 'UPSTREAM_ERROR', 502],
  [undefined, 'UPSTREAM_ERROR', 502],
];

for (const [errCode, code, status] of TABLE) {
  test(`maps ${errCode ?? 'an error without code'} to ${status} ${code}`, () => {
    const err = errCode === undefined ? new Error('x') : Object.assign(new Error('x'), { code: errCode });
    assert.deepEqual(statusForUpstreamError(err), { code, status });
  });
}

test('maps our own timeout, a ProxyError, to 504 through the same table', () => {
  assert.deepEqual(statusForUpstreamError(new ProxyError('UPSTREAM_TIMEOUT')), { code: 'UPSTREAM_TIMEOUT', status: 504 });
});

test('maps non-error values to UPSTREAM_ERROR', () => {
  assert.equal(statusForUpstreamError('boom').code, 'UPSTREAM_ERROR');
  assert.equal(statusForUpstreamError({ code: 42 }).code, 'UPSTREAM_ERROR');
  assert.equal(statusForUpstreamError(null).code, 'UPSTREAM_ERROR');
});

test('every code has a status and a message', () => {
  for (const code of Object.keys(PROXY_ERROR_STATUS) as (keyof typeof PROXY_ERROR_STATUS)[]) {
    assert.ok(PROXY_ERROR_MESSAGES[code].length > 0);
    const err = new ProxyError(code, { cause: new Error('inner') });
    assert.equal(err.status, PROXY_ERROR_STATUS[code]);
    assert.equal(err.code, code);
    assert.ok(err.cause instanceof Error);
  }
});

test('errorBody is exactly {"error":{"code","message"}}', () => {
  assert.deepEqual(JSON.parse(errorBody('LOOP_DETECTED')), {
    error: { code: 'LOOP_DETECTED', message: PROXY_ERROR_MESSAGES.LOOP_DETECTED },
  });
  assert.equal(errorBody('BAD_REQUEST', 'custom'), '{"error":{"code":"BAD_REQUEST","message":"custom"}}');
});

test('sendError writes the JSON body, closes when the table says so, skips HEAD bodies and never writes twice', async (t) => {
  const server = http.createServer((req, res) => {
    sendError(res, req.url === '/close' ? 'PAYLOAD_TOO_LARGE' : 'UPSTREAM_TIMEOUT', { headers: { 'x-extra': '1' } });
    sendError(res, 'INTERNAL_ERROR');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const closing = await fetch(`http://127.0.0.1:${port}/close`);
  assert.equal(closing.status, 413);
  assert.equal(closing.headers.get('connection'), 'close');
  assert.equal(closing.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await closing.json(), { error: { code: 'PAYLOAD_TOO_LARGE', message: PROXY_ERRORS.PAYLOAD_TOO_LARGE.message } });
  const get = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(get.status, 504);
  assert.equal(get.headers.get('connection'), 'keep-alive');
  assert.equal(get.headers.get('x-extra'), '1');
  assert.deepEqual(await get.json(), { error: { code: 'UPSTREAM_TIMEOUT', message: PROXY_ERROR_MESSAGES.UPSTREAM_TIMEOUT } });
  const head = await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD' });
  assert.equal(head.status, 504);
  assert.equal(await head.text(), '');
});

test('sendError on a raw socket writes one complete response that closes, with the extra headers', () => {
  const socket = new PassThrough();
  sendError(socket, 'TOO_MANY_CONNECTIONS', { headers: { 'retry-after': '1' } });
  const raw = String(socket.read());
  const [head, body] = raw.split('\r\n\r\n') as [string, string];
  assert.equal(head.split('\r\n')[0], 'HTTP/1.1 503 Service Unavailable');
  assert.match(head, /\r\nConnection: close/);
  assert.match(head, /\r\nRetry-After: 1/);
  assert.match(head, /\r\nCache-Control: no-store/);
  assert.match(head, new RegExp(`\r\nContent-Length: ${Buffer.byteLength(body)}`));
  assert.deepEqual(JSON.parse(body), { error: { code: 'TOO_MANY_CONNECTIONS', message: PROXY_ERRORS.TOO_MANY_CONNECTIONS.message } });
  assert.equal(socket.writableEnded, true);
});

test('the table closes the connection exactly for the codes whose request body may be unread or misframed', () => {
  const closing = (Object.keys(PROXY_ERRORS) as ProxyErrorCode[]).filter((code) => PROXY_ERRORS[code].close).sort();
  assert.deepEqual(closing, [
    'BAD_FRAMING',
    'BAD_REQUEST',
    'BAD_REQUEST_TARGET',
    'BODY_TOO_SLOW',
    'CONNECT_NOT_SUPPORTED',
    'DUPLICATE_HOST',
    'EXPECTATION_FAILED',
    'HEADERS_TOO_LARGE',
    'HTTP_VERSION_NOT_SUPPORTED',
    'PAYLOAD_TOO_LARGE',
    'REQUEST_TIMEOUT',
    'TOO_MANY_CONNECTIONS',
    'TRANSFER_CODING_NOT_IMPLEMENTED',
    'UNSUPPORTED_SCHEME',
  ]);
});

test('writes a complete raw response that closes the connection', () => {
  const raw = rawErrorResponse('HEADERS_TOO_LARGE');
  assert.match(raw, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  assert.match(raw, /\r\nConnection: close\r\n\r\n\{"error":\{"code":"HEADERS_TOO_LARGE"/);
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  assert.match(raw, new RegExp(`Content-Length: ${Buffer.byteLength(body)}\r\n`));
});
