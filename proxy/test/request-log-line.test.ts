// Issue #10: one function writes the request log line on every path (forwarded, own
// endpoints, 505, CONNECT); it never carries the query, and a forwarded signed request's
// line carries the jti of the token the proxy added, so it matches the mock's journal entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../contracts/testing/raw-http.js';
import { until } from '../../contracts/testing/wait.js';
import { request } from './support/client.js';
import { TEST_TIMEOUT_MS } from './support/proxy.js';
import { startRig } from './support/rig.js';

function requestLines(records: Record<string, unknown>[]): Record<string, unknown>[] {
  return records.filter((record) => record.msg === 'request');
}

function jtiOf(token: string): unknown {
  const claims = token.split('.')[1] as string;
  return (JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { jti: unknown }).jti;
}

test('logs a forwarded POST without its query and with the jti the upstream received', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const response = await request(proxy.port, { method: 'POST', path: '/orders?card=4111&secret=x', body: '{}' });
  assert.equal(response.status, 200);
  const token = (await upstream.nthRequest(0)).headers['x-my-jwt'];
  assert.equal(typeof token, 'string');
  await until(() => requestLines(proxy.logRecords()).length === 1, 'the request log line', { timeoutMs: 2_000 });
  const [line] = requestLines(proxy.logRecords());
  assert.equal(line?.url, '/orders');
  assert.equal(line?.method, 'POST');
  assert.equal(line?.status, 200);
  assert.equal(line?.jti, jtiOf(token as string));
  assert.doesNotMatch(proxy.logLines.join('\n'), /card=|secret=x|4111/);
});

test('logs an unsigned GET with no jti', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy } = await startRig(t);
  assert.equal((await request(proxy.port, { path: '/plain?q=1' })).status, 200);
  await until(() => requestLines(proxy.logRecords()).length === 1, 'the request log line', { timeoutMs: 2_000 });
  const [line] = requestLines(proxy.logRecords());
  assert.equal(line?.url, '/plain');
  assert.equal('jti' in (line ?? {}), false);
});

// /status, not /healthz: health probes are logged at debug (issue #23 item 4; observe/request-log.test.ts).
test('logs the own endpoints, a 505 and a CONNECT through the same line, never with a query', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy } = await startRig(t);
  assert.equal((await request(proxy.port, { path: '/status?token=abc' })).status, 200);
  await rawExchange(`GET /v?token=abc HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n`, { port: proxy.port, untilClose: true });
  await rawExchange(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`, { port: proxy.port, untilClose: true });
  await until(() => requestLines(proxy.logRecords()).length === 3, 'three request log lines', { timeoutMs: 2_000 });
  const lines = requestLines(proxy.logRecords()).map(({ method, url, status, code }) => ({ method, url, status, code }));
  assert.deepEqual(lines, [
    { method: 'GET', url: '/status', status: 200, code: undefined },
    { method: 'GET', url: '/v', status: 505, code: 'HTTP_VERSION_NOT_SUPPORTED' },
    { method: 'CONNECT', url: 'example.com:443', status: 405, code: 'CONNECT_NOT_SUPPORTED' },
  ]);
  assert.doesNotMatch(proxy.logLines.join('\n'), /token=abc/);
});
