/** What parseConfig refuses, by variable: `constraint | example` for each problem it names. */
import assert from 'node:assert/strict';
import { ConfigError } from '../../../contracts/src/index.js';
import { parseConfig } from '../../src/config/config.js';

export function problemsOf(env: Record<string, string>): Map<string, string> {
  try {
    parseConfig(env, 4);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return new Map(err.problems.map((p) => [p.variable, `${p.constraint} | ${p.example}`]));
  }
  assert.fail('expected a ConfigError');
}
