/**
 * The layout as a test (STYLE.md: lower rooms never import upper ones, nothing imports in a
 * circle), so it cannot drift silently. Type-only imports count: they couple the files too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lowest first: a file may import its own room and the rooms of lower layers, never a sibling of its layer. */
const LAYERS: readonly (readonly string[])[] = [
  ['http'], //                     error table and JSON answers, Host guard
  ['config'], //                   the environment, parsed once; the Logger shape
  ['web', 'verify', 'faults'], //  the page's files; token checks; fault plans and sending
  ['stubs'], //                    programmed answers (may carry a fault)
  ['record'], //                   journal, body, SSE, waiters; recording and answering a request
  ['api'], //                      the /__mock routes, query, exports
  ['server'], //                   dispatch by path, the server class
  ['app.ts'], //                   wiring
  ['main.ts'], //                  environment, listen, signals
];

// From dist/mock-upstream/src back to the sources (imports are erased from the compiled type-only lines).
const SRC = fileURLToPath(new URL('../../../mock-upstream/src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [relative(SRC, path)] : [];
  });
}

/** Relative imports inside src, as src-relative .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)].map((match) => match[1] as string);
  return specifiers
    .map((specifier) => normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts'))
    .filter((target) => !target.startsWith('..'));
}

const roomOf = (file: string): string => file.split('/')[0] as string;
const layerOf = (file: string): number => LAYERS.findIndex((rooms) => rooms.includes(roomOf(file)));

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('mock-upstream/src layout', () => {
  it('puts every file in a room of LAYERS', () => {
    assert.deepEqual(
      files.filter((file) => layerOf(file) < 0),
      [],
    );
  });

  it('imports only its own room or lower layers', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => roomOf(target) !== roomOf(file) && layerOf(target) >= layerOf(file)).map((target) => `${file} -> ${target}`),
    );
    assert.deepEqual(upward, []);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (file: string, path: readonly string[]): void => {
      if (path.includes(file)) {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      if (done.has(file)) return;
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      done.add(file);
    };
    for (const file of files) visit(file, []);
    assert.deepEqual([...new Set(cycles)], []);
  });

  it('reads real imports (the check is not vacuous)', () => {
    assert.ok((graph.get('app.ts') ?? []).includes('server/dispatch.ts'));
    assert.ok((graph.get('verify/verify.ts') ?? []).includes('verify/checks.ts'));
  });
});
