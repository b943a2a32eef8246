// Issue #16 (High) / RFC 9110 §7.6: the loop check also knows the proxy's own address in its
// IPv4-mapped IPv6 spellings and its host names. Without it such a target was forwarded to
// ourselves and only the second hop noticed (by Via): one signed request more, and a second
// log line. Here the first hop answers, so exactly one request is logged and no Via comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { until } from '../../../contracts/testing/wait.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 508 LOOP_DETECTED at the first hop given an IPv4-mapped spelling or a host name of the proxy', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_ALLOWED_HOSTS: '*' } });
  const names = ['[::ffff:127.0.0.1]', '[0:0:0:0:0:ffff:7f00:1]', '[::ffff:0.0.0.0]', '[::ffff:7f00:2]', hostname(), 'ip6-localhost'];
  for (const name of names) {
    const before = proxy.logRecords().filter((record) => record.msg === 'request').length;
    const authority = `${name}:${proxy.port}`;
    const exchange = await rawExchange(`GET http://${authority}/again HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, { port: proxy.port });
    const response = assertRawProxyError(exchange, 508, 'LOOP_DETECTED');
    assert.equal(header(response, 'via'), undefined, `${name}: answered here, not relayed from a second hop`);
    // The client's own request is logged last (a second hop would have logged before it).
    const requests = (): Record<string, unknown>[] => proxy.logRecords().filter((record) => record.msg === 'request').slice(before);
    await until(() => requests().some((record) => String(record.url).startsWith('http://')), `${name} logged`, { timeoutMs: 2_000 });
    assert.equal(requests().length, 1, `${name}: one request, not a second trip through the proxy`);
  }
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
