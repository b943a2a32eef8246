import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, startMock, subscribe } from './helpers.js';
import type { Mock } from './helpers.js';

type List = { requests: JournalEntry[] };

describe('sessions (x-mock-session)', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.close());

  const post = (path: string, session?: string): Promise<JournalEntry> =>
    fetch(`${mock.base}${path}`, { method: 'POST', body: 'x', headers: session === undefined ? {} : { 'x-mock-session': session } }).then(
      (r) => r.json() as Promise<JournalEntry>,
    );

  it('an entry records the session header, and none when it was not sent', async () => {
    assert.equal((await post('/s/1', 'alpha')).session, 'alpha');
    assert.equal('session' in (await post('/s/2')), false);
  });

  it('list, stats and wait take session=', async () => {
    await post('/s/3', 'beta');
    await post('/s/4', 'beta');
    await post('/s/5', 'gamma');
    const list = await getJson<List>(`${mock.base}/__mock/requests?session=beta`);
    assert.deepEqual(list.body.requests.map((e) => e.path), ['/s/4', '/s/3']);
    const stats = await getJson<{ total: number; byCode: Record<string, number> }>(`${mock.base}/__mock/stats?session=beta`);
    assert.equal(stats.body.total, 2);
    assert.equal(stats.body.byCode.TOKEN_MISSING, 2);
    const wait = await getJson<List>(`${mock.base}/__mock/requests/wait?session=gamma&count=1&timeoutMs=0`);
    assert.deepEqual(wait.body.requests.map((e) => e.path), ['/s/5']);
  });

  it('DELETE with session= clears only that session; other sessions and the rest stay', async () => {
    await post('/s/6', 'delta');
    await post('/s/7', 'epsilon');
    const response = await fetch(`${mock.base}/__mock/requests?session=delta`, { method: 'DELETE' });
    assert.equal(response.status, 204);
    assert.deepEqual((await getJson<List>(`${mock.base}/__mock/requests?session=delta`)).body.requests, []);
    assert.equal((await getJson<{ total: number }>(`${mock.base}/__mock/stats?session=delta`)).body.total, 0);
    assert.equal((await getJson<List>(`${mock.base}/__mock/requests?session=epsilon`)).body.requests.length, 1);
    assert.ok((await getJson<List>(`${mock.base}/__mock/requests?path=/s/2`)).body.requests.length === 1, 'sessionless entries kept');
  });

  it('the SSE feed with session= carries only that session’s entries', async () => {
    const scoped = await subscribe(mock, '?session=zeta');
    const all = await subscribe(mock);
    await post('/s/8', 'eta');
    await post('/s/9', 'zeta');
    const block = await scoped.next();
    assert.equal(block.event, 'entry');
    assert.equal((JSON.parse(block.data) as JournalEntry).path, '/s/9');
    assert.equal((JSON.parse((await all.next()).data) as JournalEntry).path, '/s/8');
    assert.equal((JSON.parse((await all.next()).data) as JournalEntry).path, '/s/9');
    scoped.response.destroy();
    all.response.destroy();
  });

  it('the session header name is configurable (MOCK_SESSION_HEADER)', async () => {
    const other = await startMock({ MOCK_SESSION_HEADER: 'X-Test-Run' });
    try {
      const entry = (await (await fetch(`${other.base}/s`, { headers: { 'x-test-run': 'run-1', 'x-mock-session': 'ignored' } })).json()) as JournalEntry;
      assert.equal(entry.session, 'run-1');
    } finally {
      await other.close();
    }
  });
});
