import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VerdictCode } from '../../../contracts/src/index.js';
import { Journal } from './journal.js';
import type { JournalEntry } from './journal.js';

function entry(id: string, overrides: { method?: string; path?: string; code?: VerdictCode } = {}): JournalEntry {
  const code = overrides.code ?? 'TOKEN_VALID';
  const path = overrides.path ?? '/api/x';
  return {
    id,
    receivedAt: '2026-11-29T12:00:00.000Z',
    method: overrides.method ?? 'POST',
    url: path,
    path,
    query: '',
    httpVersion: '1.1',
    headers: {},
    rawHeaders: [],
    body: { bytes: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', text: '', truncated: false },
    token: { present: true, valid: code === 'TOKEN_VALID', code, message: 'm' },
    replayed: code === 'TOKEN_REPLAYED',
  };
}

const ids = (entries: readonly JournalEntry[]) => entries.map((e) => e.id);
const warnings: string[] = [];
const warn = (_details: Record<string, unknown>, message: string) => void warnings.push(message);

describe('Journal in memory', () => {
  it('lists entries newest first', () => {
    const journal = new Journal({ size: 10, warn });
    for (const id of ['1', '2', '3']) journal.record(entry(id));
    assert.deepEqual(ids(journal.list()), ['3', '2', '1']);
    assert.equal(journal.length, 3);
  });

  it('keeps only the newest `size` entries and forgets the evicted ids', () => {
    const journal = new Journal({ size: 3, warn });
    for (let i = 1; i <= 10; i++) journal.record(entry(String(i)));
    assert.deepEqual(ids(journal.list()), ['10', '9', '8']);
    assert.equal(journal.length, 3);
    assert.equal(journal.get('7'), undefined);
    assert.equal(journal.get('8')?.id, '8');
  });

  it('stays bounded over many entries (compaction keeps order)', () => {
    const journal = new Journal({ size: 5, warn });
    for (let i = 1; i <= 1003; i++) journal.record(entry(String(i)));
    assert.deepEqual(ids(journal.list()), ['1003', '1002', '1001', '1000', '999']);
  });

  it('filters by method (any case), path prefix, validity, code and limit', () => {
    const journal = new Journal({ size: 10, warn });
    journal.record(entry('1', { method: 'GET', path: '/a/1', code: 'TOKEN_MISSING' }));
    journal.record(entry('2', { method: 'POST', path: '/a/2' }));
    journal.record(entry('3', { method: 'POST', path: '/b/3', code: 'TOKEN_STALE' }));
    journal.record(entry('4', { method: 'POST', path: '/a/4' }));
    assert.deepEqual(ids(journal.list({ method: 'get' })), ['1']);
    assert.deepEqual(ids(journal.list({ path: '/a/' })), ['4', '2', '1']);
    assert.deepEqual(ids(journal.list({ valid: false })), ['3', '1']);
    assert.deepEqual(ids(journal.list({ valid: true })), ['4', '2']);
    assert.deepEqual(ids(journal.list({ code: 'TOKEN_STALE' })), ['3']);
    assert.deepEqual(ids(journal.list({ method: 'POST', limit: 2 })), ['4', '3']);
    assert.deepEqual(ids(journal.list({ method: 'POST', path: '/a', valid: true, limit: 1 })), ['4']);
  });

  it('counts entries by verdict code and resets on clear', () => {
    const journal = new Journal({ size: 2, warn });
    journal.record(entry('1'));
    journal.record(entry('2', { code: 'TOKEN_REPLAYED' }));
    journal.record(entry('3'));
    const stats = journal.stats();
    assert.equal(stats.total, 3, 'counts every entry recorded, not only those still kept');
    assert.equal(stats.byCode.TOKEN_VALID, 2);
    assert.equal(stats.byCode.TOKEN_REPLAYED, 1);
    assert.equal(stats.byCode.TOKEN_MISSING, 0);
    journal.clear();
    assert.deepEqual(journal.list(), []);
    assert.equal(journal.get('3'), undefined);
    assert.equal(journal.stats().total, 0);
    assert.equal(journal.stats().byCode.TOKEN_VALID, 0);
    journal.record(entry('4'));
    assert.deepEqual(ids(journal.list()), ['4']);
  });

  // Issue #21, item 3: 8,000 distinct 12 KB session names used to stay indexed forever (+227 MB).
  it('prunes the session index with the journal: many distinct sessions, at most `size` names kept', () => {
    const journal = new Journal({ size: 10, warn });
    for (let i = 0; i < 1_000; i++) journal.record({ ...entry(`e${i}`), session: `s${i}-${'x'.repeat(100)}` });
    assert.equal(journal.sessions, 10);
    assert.equal(journal.stats(`s999-${'x'.repeat(100)}`).total, 1, 'a kept session still counts');
    assert.equal(journal.stats(`s0-${'x'.repeat(100)}`).total, 0, 'an evicted session is forgotten');
  });

  it("keeps a session's counts while any of its entries is kept, including its evicted ones", () => {
    const journal = new Journal({ size: 3, warn });
    for (const [id, session] of [['a', 'one'], ['b', 'two'], ['c', 'one'], ['d', 'two'], ['e', 'two']] as const) journal.record({ ...entry(id), session });
    assert.equal(journal.stats('two').total, 3, 'b was evicted, d and e are kept: all three counted');
    assert.equal(journal.stats('one').total, 2, 'c is kept');
    journal.record({ ...entry('f'), session: 'two' });
    assert.equal(journal.stats('one').total, 0, 'c evicted: the last of session one');
    assert.equal(journal.sessions, 1);
    journal.clear('two');
    assert.equal(journal.sessions, 0);
  });

  it('keeps the newest entry under a repeated id', () => {
    const journal = new Journal({ size: 1, warn });
    journal.record(entry('same', { path: '/old' }));
    journal.record(entry('same', { path: '/new' }));
    assert.equal(journal.get('same')?.path, '/new');
  });
});

/** The running test's folder and journal file (set before each test of the file suite). */
let dir: string;
let file: string;
const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('Journal with a file', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mock-journal-'));
    file = join(dir, 'nested', 'journal.jsonl');
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the folder and file, and appends one JSON line per entry as it is recorded', () => {
    const journal = new Journal({ size: 10, file, warn });
    journal.record(entry('1'));
    assert.deepEqual(lines().map((l) => (JSON.parse(l) as JournalEntry).id), ['1'], 'written before record() returns');
    journal.record(entry('2'));
    assert.equal(lines().length, 2);
    journal.close();
    journal.close();
  });

  it('loads the file at start, so recordings survive a restart', survivesRestart);

  it('keeps only the newest `size` entries on load and rewrites the file with them', () => {
    const first = new Journal({ size: 100, file, warn });
    for (let i = 1; i <= 6; i++) first.record(entry(String(i)));
    first.close();
    const second = new Journal({ size: 3, file, warn });
    assert.deepEqual(ids(second.list()), ['6', '5', '4']);
    assert.equal(lines().length, 3);
    second.close();
  });

  it('skips a torn last line with a warning, and appends cleanly after it', skipsTornLastLine);

  it('skips lines that are not journal entries, with a warning each', skipsForeignLines);

  it('clear() truncates the file, and later entries append to the empty file', () => {
    const journal = new Journal({ size: 10, file, warn });
    journal.record(entry('1'));
    journal.record(entry('2'));
    journal.clear();
    assert.equal(readFileSync(file, 'utf8'), '');
    journal.record(entry('3'));
    assert.deepEqual(lines().map((l) => (JSON.parse(l) as JournalEntry).id), ['3']);
    journal.close();
  });

  it('fails to start when the file cannot be read (not a missing file)', () => {
    mkdirSync(file, { recursive: true });
    assert.throws(() => new Journal({ size: 10, file, warn }), /EISDIR/);
  });
});

function survivesRestart(): void {
  const first = new Journal({ size: 10, file, warn });
  first.record(entry('1'));
  first.record(entry('2', { code: 'TOKEN_STALE' }));
  // no close(): a kill -9 does not close either
  const second = new Journal({ size: 10, file, warn });
  assert.deepEqual(ids(second.list()), ['2', '1']);
  assert.deepEqual(second.list()[0], entry('2', { code: 'TOKEN_STALE' }));
  assert.equal(second.stats().byCode.TOKEN_STALE, 1);
  second.record(entry('3'));
  assert.equal(lines().length, 3);
  assert.deepEqual(warnings, []);
  second.close();
}

function skipsTornLastLine(): void {
  const first = new Journal({ size: 10, file, warn });
  first.record(entry('1'));
  first.close();
  appendFileSync(file, JSON.stringify(entry('2')).slice(0, 40));
  const second = new Journal({ size: 10, file, warn });
  assert.deepEqual(ids(second.list()), ['1']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /torn last line/);
  second.record(entry('3'));
  second.close();
  const third = new Journal({ size: 10, file, warn });
  assert.deepEqual(ids(third.list()), ['3', '1']);
  assert.equal(warnings.length, 1, 'the rewrite removed the torn line');
  third.close();
}

function skipsForeignLines(): void {
  mkdirSync(join(dir, 'nested'));
  writeFileSync(file, ['{"not":"an entry"}', 'garbage', '', JSON.stringify(entry('1')), '{"id":"x","path":"/","method":"GET","token":{},"body":{}}', ''].join('\n'));
  const journal = new Journal({ size: 10, file, warn });
  assert.deepEqual(ids(journal.list()), ['1']);
  assert.equal(warnings.length, 3);
  assert.ok(warnings.every((w) => /not a journal entry/.test(w)));
  journal.close();
}
