import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkResponsesOf, ContractResponseError } from '../suites/contract-responses.js';
import { sendRaw } from '../testing/raw-http.js';
import { listen } from '../testing/listen.js';

/** A server on port 0 whose /healthz answers `body`. */
async function healthServer(body: string): Promise<{ server: Server; url: URL }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await listen(server);
  return { server, url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

test('a stack server whose response differs from openapi.yaml fails the request that got it', async (t) => {
  const bad = await healthServer('{"status":"fine"}');
  t.after(() => bad.server.close());
  checkResponsesOf({ mockUrl: bad.url });
  await assert.rejects(sendRaw(bad.url, { method: 'GET', target: '/healthz' }), (error: unknown) => {
    assert.ok(error instanceof ContractResponseError);
    assert.match(error.message, /the mock's response differs from contracts\/openapi.yaml:\n {2}✗ GET \/healthz \(mock, getHealth\) 200 body: \/status must be equal to constant/);
    return true;
  });
});

test('a conforming response passes, and servers outside the stack are not checked', async (t) => {
  const good = await healthServer('{"status":"ok"}');
  const other = await healthServer('{"status":"fine"}');
  t.after(() => {
    good.server.close();
    other.server.close();
  });
  checkResponsesOf({ mockUrl: new URL('http://127.0.0.1:9'), proxyUrl: good.url });
  assert.equal((await sendRaw(good.url, { method: 'GET', target: '/healthz' })).status, 200);
  assert.equal((await sendRaw(other.url, { method: 'GET', target: '/healthz' })).body.toString(), '{"status":"fine"}');
});
