/**
 * Writes the README's performance table and the results block of
 * docs/performance.md from a bench run (issue 11: both come from the same run
 * as bench/results/latest.json). `npm run bench` calls it after a full run;
 * by hand, `node dist/bench/readme.js [bench/results/latest.json]` regenerates
 * both from an existing file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { docsBlock, readmeBlock, replaceBlock, type BenchResults } from './lib/results.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const README = path.join(ROOT, 'README.md');
export const PERFORMANCE_DOC = path.join(ROOT, 'docs/performance.md');

/** Rewrites the marked blocks of README.md and docs/performance.md; returns the files written. */
export function updateReadmeAndDocs(results: BenchResults, files = { readme: README, docs: PERFORMANCE_DOC }): string[] {
  writeFileSync(files.readme, replaceBlock(readFileSync(files.readme, 'utf8'), 'readme', readmeBlock(results)));
  writeFileSync(files.docs, replaceBlock(readFileSync(files.docs, 'utf8'), 'results', docsBlock(results)));
  return [files.readme, files.docs];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = path.resolve(process.argv[2] ?? path.join(ROOT, 'bench/results/latest.json'));
  const written = updateReadmeAndDocs(JSON.parse(readFileSync(source, 'utf8')) as BenchResults);
  console.log(`wrote ${written.map((file) => path.relative(ROOT, file)).join(', ')} from ${path.relative(ROOT, source)}`);
}
