// Issue #16 (Medium 3): CGI, WSGI and PHP upstreams read `x_my_jwt`, `x.my.jwt`,
// `Content_Length` and `Transfer_Encoding` as the real fields (HTTP_X_MY_JWT, ...). Any header
// whose name, with `_` and `.` read as `-`, equals the token header, a framing or hop-by-hop field
// or a field the proxy sets is dropped (nginx drops underscored names by default); other names
// with `_` or `.` pass unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

const LOOK_ALIKES = ['x_my_jwt', 'x.my.jwt', 'X_My.Jwt', 'Content_Length', 'Transfer_Encoding', 'Proxy_Connection', 'Keep.Alive', 'X_Forwarded_For', 'X.Forwarded.Host'];

test('drops look-alikes of the token, framing, hop-by-hop and proxy-set fields and keeps other names', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const lines = LOOK_ALIKES.map((name) => `${name}: forged\r\n`).join('');
  const exchange = await rawExchange(
    `POST /look HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}X_Request_Id: keep-me\r\nx.trace.id: keep-me-too\r\nContent-Length: 2\r\n\r\nhi`,
    { port: proxy.port },
  );
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
  for (const name of LOOK_ALIKES) assert.ok(!names.includes(name.toLowerCase()), `${name} dropped`);
  assert.equal(seen.headers['x_request_id'], 'keep-me');
  assert.equal(seen.headers['x.trace.id'], 'keep-me-too');
  assert.equal(seen.rawHeaders.filter((value) => value === 'forged').length, 0, 'no forged value reached the upstream');
  assert.equal(seen.body.toString(), 'hi');
});
