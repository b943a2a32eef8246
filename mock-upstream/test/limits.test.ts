/** Issue 16, Medium 5: the mock's own limits. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { defaultAllowedHosts, hostAllowed, hostName } from '../src/http/host-guard.js';
import { until } from '../../contracts/testing/wait.js';
import { getJson, rawRequest, startMock } from './helpers.js';
import type { Mock } from './helpers.js';

describe('mock limits', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock({ MOCK_SSE_BUFFER_BYTES: '65536' });
  });
  after(() => mock.close());

  it('every JSON answer of the API sends X-Content-Type-Options: nosniff', async () => {
    for (const path of ['/__mock/requests', '/__mock/stats', '/__mock/info', '/__mock/stubs', '/__mock/requests/nope', '/__mock/requests.har', '/healthz', '/echoed']) {
      const response = await fetch(`${mock.base}${path}`);
      await response.arrayBuffer();
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  it('GET /__mock/requests streams its answer (chunked, no Content-Length) instead of building it whole', async () => {
    await fetch(`${mock.base}/streamed`, { method: 'POST', body: 'x' });
    const response = await rawRequest(mock.port, 'GET /__mock/requests HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    assert.equal(response.status, 200);
    assert.equal(response.headers['transfer-encoding'], 'chunked');
    assert.equal(response.headers['content-length'], undefined);
  });

  for (const host of ['evil.example', 'evil.example:8081', '127.0.0.1.evil.example', 'localhost.evil.example']) {
    it(`refuses the /__mock API and page with 403 HOST_NOT_ALLOWED given Host: ${host} (DNS rebinding)`, async () => {
      for (const path of ['/__mock/requests', '/__mock/', '/__mock/events', '/__mock']) {
        const response = await rawRequest(mock.port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
        assert.equal(response.status, 403, `${path} with Host ${host}`);
        assert.equal((JSON.parse(response.body) as { error: { code: string } }).error.code, 'HOST_NOT_ALLOWED');
      }
    });
  }

  for (const host of ['localhost:8081', '127.0.0.1', '[::1]:8081', 'mock-upstream:8081', 'MOCK-UPSTREAM', 'localhost.']) {
    it(`answers the API given Host: ${host}`, async () => {
      const response = await rawRequest(mock.port, `GET /__mock/stats HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.equal(response.status, 200);
    });
  }

  it('still records requests whatever their Host (only the API is guarded)', async () => {
    const response = await rawRequest(mock.port, 'POST /api HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx');
    assert.equal(response.status, 200);
  });

  it('MOCK_ALLOWED_HOSTS replaces the list; * allows any Host', async () => {
    const custom = await startMock({ MOCK_ALLOWED_HOSTS: 'mock.test, other.test:9' });
    const any = await startMock({ MOCK_ALLOWED_HOSTS: '*' });
    try {
      const ask = (port: number, host: string) => rawRequest(port, `GET /__mock/stats HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.equal((await ask(custom.port, 'mock.test:1')).status, 200);
      assert.equal((await ask(custom.port, 'other.test')).status, 200);
      assert.equal((await ask(custom.port, 'localhost')).status, 403);
      assert.equal((await ask(any.port, 'evil.example')).status, 200);
    } finally {
      await custom.close();
      await any.close();
    }
  });

  it('the default list is loopback, the compose service names and a specific listen address', () => {
    assert.deepEqual(defaultAllowedHosts('0.0.0.0'), ['localhost', '127.0.0.1', '::1', 'mock-upstream', 'mock-strict']);
    assert.deepEqual(defaultAllowedHosts('10.1.2.3'), ['localhost', '127.0.0.1', '::1', 'mock-upstream', 'mock-strict', '10.1.2.3']);
    assert.equal(hostName('[::1]:80'), '::1');
    assert.equal(hostAllowed(undefined, new Set()), true, 'no Host (HTTP/1.0): no browser, no rebinding');
  });

  it('drops an SSE subscriber that stops reading once MOCK_SSE_BUFFER_BYTES are queued for it', async () => {
    // A raw client that subscribes and never reads: the kernel buffers fill, then the mock's.
    const socket = connect(mock.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /__mock/events HTTP/1.1\r\nHost: localhost\r\n\r\n');
    socket.pause();
    const closed = once(socket, 'close');
    await until(async () => (await getJson<{ subscribers: number }>(`${mock.base}/__mock/info`)).body.subscribers === 1, 'the subscriber');
    const body = 'b'.repeat(60_000);
    let sent = 0;
    // Bounded: 400 entries of 60 kB (24 MB) is far past any loopback buffer plus the 64 KiB limit.
    while (sent < 400 && (await getJson<{ subscribersDropped: number }>(`${mock.base}/__mock/info`)).body.subscribersDropped === 0) {
      await Promise.all(Array.from({ length: 10 }, () => fetch(`${mock.base}/flood`, { method: 'POST', body }).then((r) => r.arrayBuffer())));
      sent += 10;
    }
    const info = await getJson<{ subscribers: number; subscribersDropped: number }>(`${mock.base}/__mock/info`);
    assert.equal(info.body.subscribersDropped, 1, `dropped after ${sent} entries`);
    assert.equal(info.body.subscribers, 0);
    socket.resume();
    await closed;
    assert.ok(mock.logs.some((line) => line.level === 'warn' && /stopped reading/.test(line.message ?? '')), 'logged');
  });
});
