/**
 * The mock's verifier at the negative vectors' fixed clock and windows gives
 * exactly each step's verdict code (issue 14); the consumer suite runs the
 * same vectors against a live mock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNegativeVectors, vectorKeys } from '../../contracts/src/negative-vectors.js';
import { ReplayCache } from '../src/replay-cache.js';
import { createVerifier } from '../src/verify.js';

const file = loadNegativeVectors();
const { now, maxAgeS, clockSkewS } = file.clock;

for (const vector of file.cases) {
  test(`the mock's verifier gives vector ${vector.name} the codes ${vector.steps.map((s) => s.expected).join(', ')}`, async () => {
    const verify = createVerifier({ key: vectorKeys(file).contract!, maxAgeS, clockSkewS, replay: new ReplayCache({ ttlMs: (maxAgeS + clockSkewS) * 1000 }) });
    const codes = [];
    for (const step of vector.steps) {
      const verdict = await verify(step.send.map((name) => vector.tokens[name]!.token), now * 1000);
      codes.push(verdict.code);
    }
    assert.deepEqual(codes, vector.steps.map((step) => step.expected), vector.description);
  });
}
