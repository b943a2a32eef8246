/**
 * Each fault of issue 13 through the real proxy (its createApp and the mock's, both on port 0):
 * the client sees what the README's "Failures" row promises. The proxy forwards x-mock-* like
 * any end-to-end header.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { JournalEntry } from '../src/record/journal.js';
import { exchange, getJson, startMock } from './helpers.js';
import type { Mock, Outcome } from './helpers.js';

/**
 * The proxy's own createApp and parseConfig, loaded from the build at run time: a static import
 * would make this project reference proxy/, and the mock's image compiles mock-upstream/ without
 * proxy/'s sources. Only the proxy's public entry points are used (not its test helpers).
 */
interface ProxyApp {
  readonly server: Server;
  close(graceMs: number): Promise<void>;
}
type ProxyModule = { createApp(deps: { config: unknown; now: () => number; randomId: () => string; logger: unknown; defaultMetrics: boolean }): ProxyApp };
type ProxyConfigModule = { parseConfig(env: Readonly<Record<string, string>>): unknown };
const proxyModule = (await import(new URL('../../proxy/src/app.js', import.meta.url).href)) as ProxyModule;
const configModule = (await import(new URL('../../proxy/src/config/config.js', import.meta.url).href)) as ProxyConfigModule;

interface StartedProxy {
  readonly port: number;
  close(): Promise<void>;
}

async function startProxy(env: Readonly<Record<string, string>>, now: () => number): Promise<StartedProxy> {
  let counter = 0;
  const app = proxyModule.createApp({
    config: configModule.parseConfig({ LOG_LEVEL: 'silent', ...env }),
    now,
    randomId: () => `fault-jti-${String(++counter).padStart(12, '0')}`,
    logger: pino({ level: 'silent' }),
    defaultMetrics: false,
  });
  app.server.listen(0, '127.0.0.1');
  await once(app.server, 'listening');
  return {
    port: (app.server.address() as AddressInfo).port,
    close: async () => {
      app.server.closeAllConnections();
      await app.close(0);
    },
  };
}

/** The proxy's UPSTREAM_TIMEOUT_MS here: long enough for a loaded machine, short enough for the delay case. */
const UPSTREAM_TIMEOUT_MS = 1_500;

describe('faults through the proxy', () => {
  let mock: Mock;
  let proxy: StartedProxy;
  before(async () => {
    mock = await startMock({ MOCK_FAULT_SEED: '7' });
    proxy = await startProxy({ UPSTREAM_URL: mock.base, UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) }, () => mock.clock.nowMs);
  });
  after(async () => {
    await proxy.close();
    await mock.close();
  });

  const post = (path: string, fault: string): Promise<Outcome> =>
    exchange(proxy.port, { path, headers: { 'x-mock-fault': fault, 'content-type': 'text/plain' }, body: 'payload through the proxy' });

  const proxyError = (outcome: Outcome): unknown => JSON.parse(outcome.body.toString('utf8'));

  const recorded = async (path: string): Promise<JournalEntry> => {
    const { body } = await getJson<{ requests: JournalEntry[] }>(`${mock.base}/__mock/requests/wait?path=${encodeURIComponent(path)}&timeoutMs=5000`);
    assert.equal(body.requests.length, 1, `one entry for ${path}`);
    return body.requests[0]!;
  };

  it('reset: 502 UPSTREAM_RESET (the upstream reset before the head), and the request was recorded signed', async () => {
    const outcome = await post('/fault/reset', 'reset');
    assert.equal(outcome.status, 502);
    assert.deepEqual(proxyError(outcome), { error: { code: 'UPSTREAM_RESET', message: 'the upstream closed the connection' } });
    const entry = await recorded('/fault/reset');
    assert.equal(entry.token.code, 'TOKEN_VALID');
    assert.deepEqual(entry.fault, { type: 'reset' });
  });

  it('reset-mid-body: the client gets the head, then an aborted body, never a complete one', async () => {
    const outcome = await post('/fault/reset-mid-body', 'reset-mid-body');
    assert.equal(outcome.status, 200);
    assert.equal(outcome.complete, false, `aborted, got ${outcome.error ?? 'a complete body'}`);
    assert.ok(outcome.body.length < Number(outcome.headers['content-length']), 'fewer bytes than Content-Length');
  });

  it('malformed-chunk: the relayed response is aborted at the bad chunk, never ended as complete', async () => {
    const outcome = await post('/fault/malformed-chunk', 'malformed-chunk');
    // The mock sends the bad chunk 20 ms after the head; on a loaded machine the proxy may read both
    // at once and abort before relaying the head. Either way the client never sees a complete answer.
    assert.ok(outcome.status === 200 || outcome.status === 0, `head relayed or none, got ${outcome.status}`);
    assert.equal(outcome.complete, false, 'aborted, not complete');
    assert.notEqual(outcome.error, undefined);
  });

  it('random-then-close: 502 UPSTREAM_BAD_RESPONSE, no upstream bytes relayed', async () => {
    const outcome = await post('/fault/random', 'random-then-close; bytes=200');
    assert.equal(outcome.status, 502);
    assert.deepEqual(proxyError(outcome), { error: { code: 'UPSTREAM_BAD_RESPONSE', message: 'the upstream sent an invalid HTTP response' } });
  });

  it('dribble: the whole echo arrives intact, slowly, within the timeout (each byte resets the idle watchdog)', async () => {
    const outcome = await post('/fault/dribble', 'dribble; bytes=256; intervalMs=5');
    assert.equal(outcome.status, 200);
    assert.equal(outcome.complete, true);
    const echo = JSON.parse(outcome.body.toString('utf8')) as JournalEntry;
    assert.equal(echo.path, '/fault/dribble');
    assert.deepEqual(echo.fault, { type: 'dribble', bytes: 256, intervalMs: 5 });
  });

  for (const status of [102, 103]) {
    it(`interim ${status}: relayed to the client before the final 200`, async () => {
      const outcome = await post(`/fault/interim-${status}`, `interim; status=${status}`);
      assert.deepEqual(outcome.interim, [status]);
      assert.equal(outcome.status, 200);
      assert.equal(outcome.complete, true);
    });
  }

  it('delay past UPSTREAM_TIMEOUT_MS: 504 UPSTREAM_TIMEOUT', async () => {
    const outcome = await post('/fault/delay-long', `delay; ms=${UPSTREAM_TIMEOUT_MS + 1_000}; jitterMs=200`);
    assert.equal(outcome.status, 504);
    assert.deepEqual(proxyError(outcome), { error: { code: 'UPSTREAM_TIMEOUT', message: 'the upstream did not answer in time' } });
    const entry = await recorded('/fault/delay-long');
    const ms = Number(entry.fault?.ms);
    assert.ok(ms >= UPSTREAM_TIMEOUT_MS + 1_000 && ms <= UPSTREAM_TIMEOUT_MS + 1_200, `jittered delay recorded: ${ms}`);
  });

  it('delay within the timeout: 200, the echo after the delay', async () => {
    const outcome = await post('/fault/delay-short', 'delay; ms=20; jitterMs=10');
    assert.equal(outcome.status, 200);
    assert.equal(outcome.complete, true);
  });

  it('a fault with rate=0 never applies: the echo answers', async () => {
    const outcome = await post('/fault/never', 'reset; rate=0');
    assert.equal(outcome.status, 200);
    assert.equal((JSON.parse(outcome.body.toString('utf8')) as JournalEntry).fault, undefined);
  });

  it('a stub fault applies through the proxy like the header (reset -> 502)', async () => {
    const created = await getJson<{ id: string }>(`${mock.base}/__mock/stubs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/fault/stubbed', fault: { type: 'reset' }, times: 1 }),
    });
    assert.equal(created.status, 201);
    const outcome = await exchange(proxy.port, { path: '/fault/stubbed', body: 'x' });
    assert.equal(outcome.status, 502);
    assert.equal((await recorded('/fault/stubbed')).stubId, created.body.id);
  });
});
