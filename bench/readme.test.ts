import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PERFORMANCE_DOC, README, updateReadmeAndDocs } from './readme.js';
import type { BenchResults } from './lib/results.js';

const results: BenchResults = {
  machine: { date: '2026-12-01T23:00:00.000Z', cpuModel: 'CPU', cores: 2, memoryGb: 4, os: 'Linux', node: 'v24.0.0', wrk: 'wrk 4.1.0', autocannon: '9.0.0', nginx: undefined, taskset: true, commit: 'abc1234' },
  quick: false,
  setup: ['setup line'],
  summary: [],
  targets: [{ id: 'peak-rss', target: 'peak RSS', measured: '90.0 MB', verdict: 'PASS' }],
  leaks: { ours: undefined, obvious: undefined },
  workers: [],
  crossCheck: [],
  notes: [],
  runs: [],
  options: {},
};

test('updateReadmeAndDocs rewrites the marked blocks of copies of the real README and docs/performance.md, and nothing else', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-readme-'));
  try {
    const files = { readme: path.join(dir, 'README.md'), docs: path.join(dir, 'performance.md') };
    writeFileSync(files.readme, readFileSync(README));
    writeFileSync(files.docs, readFileSync(PERFORMANCE_DOC));
    updateReadmeAndDocs(results, files);
    const readme = readFileSync(files.readme, 'utf8');
    const docs = readFileSync(files.docs, 'utf8');
    assert.match(readme, /<!-- bench:readme:begin -->\nRun 2026-12-01T23:00:00\.000Z on CPU[^\n]*\n[\s\S]*\| PASS \| peak RSS \| 90\.0 MB \|\n<!-- bench:readme:end -->/);
    assert.match(docs, /<!-- bench:results:begin -->\nRun 2026-12-01T23:00:00\.000Z[\s\S]*- setup line[\s\S]*\| PASS \| peak RSS \| 90\.0 MB \|\n<!-- bench:results:end -->/);
    const outside = (text: string, name: string) => text.replace(new RegExp(`<!-- bench:${name}:begin -->[\\s\\S]*<!-- bench:${name}:end -->`), '');
    assert.equal(outside(readme, 'readme'), outside(readFileSync(README, 'utf8'), 'readme'));
    assert.equal(outside(docs, 'results'), outside(readFileSync(PERFORMANCE_DOC, 'utf8'), 'results'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
