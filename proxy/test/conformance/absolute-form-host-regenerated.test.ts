// RFC 9112 §3.2.2: when the request-target is in absolute-form, the recipient ignores the
// client's Host and uses the target's authority; the proxy sends origin-form upstream with
// exactly one Host, regenerated from the target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('forwards an absolute-form request in origin-form with Host regenerated from the target', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const authority = `127.0.0.1:${upstream.port}`;
  const exchange = await rawExchange(`GET http://${authority}/p/q?x=1&y=%20 HTTP/1.1\r\nHost: evil.example\r\n\r\n`, { port: proxy.port });
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.url, '/p/q?x=1&y=%20');
  const hosts = seen.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1]?.toLowerCase() === 'host');
  assert.deepEqual(hosts, [authority]);
});

test('regenerates Host even when the client sent none (HTTP/1.0 absolute-form)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const authority = `127.0.0.1:${upstream.port}`;
  const exchange = await rawExchange(`GET http://${authority}/ten HTTP/1.0\r\n\r\n`, { port: proxy.port });
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.url, '/ten');
  assert.equal(seen.headers.host, authority);
});

test('names the target, not the ignored client Host, in X-Forwarded-Host and Forwarded host=', {
  timeout: TEST_TIMEOUT_MS,
}, async (t) => {
  // The client's Host is ignored for absolute-form (RFC 9112 §3.2.2); echoing it in
  // X-Forwarded-Host would hand upstream URL builders a forged host (host-header injection).
  const { proxy, upstream } = await startRig(t);
  const authority = `127.0.0.1:${upstream.port}`;
  const exchange = await rawExchange(`GET http://${authority}/links HTTP/1.1\r\nHost: evil.example\r\n\r\n`, { port: proxy.port });
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.headers['x-forwarded-host'], authority);
  assert.match(String(seen.headers.forwarded), new RegExp(`;host="${authority.replace(/\./g, '\\.')}";`));
  assert.doesNotMatch(JSON.stringify(seen.headers), /evil\.example/);
});
