// Issue #2: upstream 4xx/5xx are relayed unchanged (status, reason, headers, body). The
// failure cases (refused, reset, garbage, cut body, timeout) live in conformance/upstream-*.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { startUpstream } from './support/upstreams.js';

test('relays upstream 4xx and 5xx statuses and bodies unchanged', async (t) => {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    const status = Number(req.url!.slice(1));
    res.writeHead(status, 'Custom Reason', { 'content-type': 'text/plain', 'x-upstream': 'yes' });
    res.end(`upstream says ${status}`);
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  for (const status of [400, 401, 404, 418, 500, 502, 503]) {
    const res = await request(proxy.port, { method: 'POST', path: `/${status}`, body: 'x' });
    assert.equal(res.status, status);
    assert.equal(res.text, `upstream says ${status}`);
    assert.equal(res.headers['x-upstream'], 'yes');
  }
});
