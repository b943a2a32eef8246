import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, NOW_S, startMock } from './helpers.js';
import { validToken } from './tokens.js';

type List = { requests: JournalEntry[] };

describe('MOCK_JOURNAL_FILE', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mock-persist-'));
    file = join(dir, 'journal.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps recordings across a restart, and a replay after the restart is still caught', async () => {
    const token = validToken(NOW_S);
    const first = await startMock({ MOCK_JOURNAL_FILE: file });
    const echo = (await getJson<JournalEntry>(`${first.base}/persist`, { method: 'POST', headers: { 'x-my-jwt': token }, body: 'kept' })).body;
    assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 1, 'on disk before the answer');
    await first.close();

    const second = await startMock({ MOCK_JOURNAL_FILE: file });
    try {
      assert.deepEqual((await getJson<List>(`${second.base}/__mock/requests`)).body.requests, [echo]);
      const replay = await getJson<JournalEntry>(`${second.base}/persist`, { method: 'POST', headers: { 'x-my-jwt': token } });
      assert.equal(replay.body.token.code, 'TOKEN_REPLAYED');
      assert.equal((await getJson<{ info: unknown; journalFile: boolean }>(`${second.base}/__mock/info`)).body.journalFile, true);
    } finally {
      await second.close();
    }
  });

  it('starts despite a torn last line, warning about it', async () => {
    const first = await startMock({ MOCK_JOURNAL_FILE: file });
    await fetch(`${first.base}/one`);
    await first.close();
    appendFileSync(file, '{"id":"torn","meth');
    const second = await startMock({ MOCK_JOURNAL_FILE: file });
    try {
      const list = (await getJson<List>(`${second.base}/__mock/requests`)).body.requests;
      assert.deepEqual(list.map((e) => e.path), ['/one']);
      assert.ok(second.logs.some((l) => l.level === 'warn' && /torn last line/.test(l.message ?? '')));
    } finally {
      await second.close();
    }
  });

  it('DELETE truncates the file', async () => {
    const mock = await startMock({ MOCK_JOURNAL_FILE: file });
    try {
      await fetch(`${mock.base}/one`);
      await fetch(`${mock.base}/__mock/requests`, { method: 'DELETE' });
      assert.equal(readFileSync(file, 'utf8'), '');
    } finally {
      await mock.close();
    }
  });
});
