// Issue #24, item 4: a flood of wrong passwords from many addresses must not keep a client
// whose credential is cached from being served within 1 s. bcrypt runs two at a time with a
// bounded queue; past it the flood gets 503 AUTH_BUSY at once, and an address past its failure
// limit gets 429 before any bcrypt. 127.0.0.0/8 is all loopback on Linux, so each flooding
// client binds its own source address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { EXCHANGE_TIMEOUT_MS, LOOPBACK } from '../../contracts/testing/raw-http.js';
import { until, within } from '../../contracts/testing/wait.js';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { startUpstream } from './support/upstreams.js';
import { basic, usersFile } from './support/users-file.js';

const ADDRESSES = 40;
const PER_ADDRESS = 6;

/** One POST from `localAddress`; resolves with its status (0 when the connection failed). */
function postFrom(port: number, localAddress: string, authorization: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: LOOPBACK, port, localAddress, method: 'POST', path: '/x', headers: { authorization }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end('{}');
  });
}

test('a cached client is served within 1 s while many addresses flood wrong passwords', { timeout: 60_000 }, async (t) => {
  const upstream = await startUpstream();
  // Cost 8 (htpasswd -B writes 5 by default): each wrong password costs a real bcrypt.
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, PROXY_AUTH: 'basic', PROXY_USERS_FILE: usersFile({ alice: 'right' }, 8) });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const credential = basic('alice', 'right');
  assert.equal((await request(proxy.port, { method: 'POST', path: '/x', headers: { authorization: credential } })).status, 200);

  const flood: Promise<number>[] = [];
  for (let a = 0; a < ADDRESSES; a += 1) {
    for (let i = 0; i < PER_ADDRESS; i += 1) flood.push(postFrom(proxy.port, `127.0.${1 + Math.floor(a / 200)}.${2 + (a % 200)}`, basic('alice', `wrong-${a}-${i}`)));
  }
  const busy = (): number => [...proxy.app.metrics.auth.entries()].find(([[, result]]) => result === 'busy')?.[1] ?? 0;
  await until(() => busy() > 0, 'the bcrypt queue to be full', { timeoutMs: EXCHANGE_TIMEOUT_MS });

  const served = await within(
    request(proxy.port, { method: 'POST', path: '/x', headers: { authorization: credential } }),
    1_000,
    'the cached client to be served during the flood',
  );
  assert.equal(served.status, 200);

  const statuses = await within(Promise.all(flood), 45_000, 'the flood to be answered');
  assert.ok(statuses.every((status) => status === 401 || status === 503 || status === 429), `statuses: ${[...new Set(statuses)].join(',')}`);
  assert.ok(statuses.includes(503), 'past the queue the flood is refused at once');
  assert.equal(upstream.requests.length, 2, 'no flooding request was forwarded');
});
