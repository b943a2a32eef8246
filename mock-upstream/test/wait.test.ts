import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../src/record/journal.js';
import { until } from '../../contracts/testing/wait.js';
import { getJson, startMock } from './helpers.js';
import type { Mock } from './helpers.js';

type WaitBody = { requests: JournalEntry[]; error?: { code: string; message: string } };

describe('GET /__mock/requests/wait', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.close());
  beforeEach(async () => {
    await fetch(`${mock.base}/__mock/requests`, { method: 'DELETE' });
  });

  const post = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${mock.base}${path}`, { method: 'POST', body: 'x', headers });
  const waitFor = (query: string): Promise<{ status: number; body: WaitBody }> => getJson<WaitBody>(`${mock.base}/__mock/requests/wait?${query}`);
  const openWaiters = async (): Promise<number> => (await getJson<{ waiters: number }>(`${mock.base}/__mock/info`)).body.waiters;

  it('answers at once when the journal already holds count matching entries (they count)', async () => {
    await post('/w/a');
    await post('/w/a');
    const { status, body } = await waitFor('path=/w/a&count=2&timeoutMs=1000');
    assert.equal(status, 200);
    assert.deepEqual(body.requests.map((e) => e.path), ['/w/a', '/w/a']);
  });

  it('answers when the Nth matching request is recorded, not before, driven by the recording', async () => {
    const waiting = waitFor('path=/w/b&method=POST&count=2&timeoutMs=20000');
    await until(async () => (await openWaiters()) === 1, 'the waiter to be open');
    await post('/w/b');
    await post('/w/other');
    assert.equal(await openWaiters(), 1, 'one of two: still waiting');
    await post('/w/b');
    const { status, body } = await waiting;
    assert.equal(status, 200);
    assert.deepEqual(body.requests.map((e) => e.path), ['/w/b', '/w/b']);
    assert.equal(await openWaiters(), 0);
  });

  it('since=<id> counts only entries recorded after that one', async () => {
    const first = (await (await post('/w/c')).json()) as JournalEntry;
    const waiting = waitFor(`path=/w/c&since=${first.id}&timeoutMs=20000`);
    await until(async () => (await openWaiters()) === 1, 'the waiter to be open');
    const second = (await (await post('/w/c')).json()) as JournalEntry;
    const { status, body } = await waiting;
    assert.equal(status, 200);
    assert.deepEqual(body.requests.map((e) => e.id), [second.id]);
  });

  it('filters by valid and code like the list', async () => {
    await post('/w/d');
    const { body } = await waitFor('path=/w/d&valid=false&code=TOKEN_MISSING&timeoutMs=0');
    assert.equal(body.requests.length, 1);
  });

  it('answers 408 WAIT_TIMEOUT with the matches so far at timeoutMs', async () => {
    await post('/w/e');
    const { status, body } = await waitFor('path=/w/e&count=3&timeoutMs=50');
    assert.equal(status, 408);
    assert.deepEqual(body.error, { code: 'WAIT_TIMEOUT', message: '1 of 3 matching requests arrived within 50 ms' });
    assert.equal(body.requests.length, 1);
  });

  it('refuses a timeoutMs over the 60 s cap with 400, not a silent clamp', async () => {
    const { status, body } = await waitFor('timeoutMs=60001');
    assert.equal(status, 400);
    assert.equal(body.error?.code, 'BAD_QUERY');
    assert.match(body.error?.message ?? '', /at most 60000/);
  });

  it('refuses since= naming no kept entry with 400', async () => {
    const { status, body } = await waitFor('since=nope');
    assert.equal(status, 400);
    assert.equal(body.error?.code, 'BAD_QUERY');
  });

  it('forgets a waiter whose client went away', async () => {
    const controller = new AbortController();
    const waiting = fetch(`${mock.base}/__mock/requests/wait?path=/w/gone&timeoutMs=20000`, { signal: controller.signal }).catch(() => 'aborted');
    await until(async () => (await openWaiters()) === 1, 'the waiter to be open');
    controller.abort();
    assert.equal(await waiting, 'aborted');
    await until(async () => (await openWaiters()) === 0, 'the waiter to be released');
  });

  it('releases open waiters with 503 SHUTTING_DOWN and the matches so far when the server closes', async () => {
    const other = await startMock();
    await fetch(`${other.base}/w/s`, { method: 'POST', body: 'x' });
    const waiting = getJson<WaitBody>(`${other.base}/__mock/requests/wait?path=/w/s&count=2&timeoutMs=20000`);
    await until(async () => (await getJson<{ waiters: number }>(`${other.base}/__mock/info`)).body.waiters === 1, 'the waiter to be open');
    const closed = new Promise<void>((resolve) => other.server.close(() => resolve()));
    const { status, body } = await waiting;
    assert.equal(status, 503);
    assert.equal(body.error?.code, 'SHUTTING_DOWN');
    assert.equal(body.requests.length, 1);
    other.server.closeAllConnections();
    await closed;
  });
});
