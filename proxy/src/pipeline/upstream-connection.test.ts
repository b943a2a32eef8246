import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Exchange } from './exchange.js';
import { declaresClose, neverReuseClosedConnection } from './upstream-connection.js';

test('declaresClose finds the close option among Connection options, in any case, in one or several lines', () => {
  assert.equal(declaresClose('close'), true);
  assert.equal(declaresClose('x-some-field, Close'), true);
  assert.equal(declaresClose(['keep-alive', ' CLOSE ']), true);
  assert.equal(declaresClose('keep-alive'), false);
  assert.equal(declaresClose('closed, x-close'), false);
  assert.equal(declaresClose(undefined), false);
  assert.equal(declaresClose(1), false);
});

test('neverReuseClosedConnection takes the socket out of the pool only for a head that says close', () => {
  const agent = new http.Agent({ keepAlive: true });
  try {
    const closing = http.request({ host: '127.0.0.1', port: 9, agent, headers: { connection: 'close' } });
    const keeping = http.request({ host: '127.0.0.1', port: 9, agent });
    for (const req of [closing, keeping]) req.on('error', () => undefined);
    assert.equal(closing.shouldKeepAlive, true, "Node's own flag, before the pass");
    neverReuseClosedConnection({} as Exchange, closing);
    neverReuseClosedConnection({} as Exchange, keeping);
    assert.equal(closing.shouldKeepAlive, false);
    assert.equal(keeping.shouldKeepAlive, true);
    closing.destroy();
    keeping.destroy();
  } finally {
    agent.destroy();
  }
});
