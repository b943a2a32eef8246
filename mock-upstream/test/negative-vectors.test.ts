/**
 * The mock's verifier at the negative vectors' fixed clock and windows gives
 * exactly each step's verdict code (issue 14), configured as the case's
 * verifier profile says (key ring, issuer, audience); the consumer suite runs
 * the same vectors against a live mock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJwkSet } from '../../contracts/src/jwk-set.js';
import { loadNegativeVectors, profileJwkSet, vectorKeys, type NegativeVector } from '../../contracts/testing/negative-vectors.js';
import { ReplayCache } from '../src/verify/replay-cache.js';
import { createVerifier, type VerifierOptions } from '../src/verify/verify.js';

const file = loadNegativeVectors();
const { now, maxAgeS, clockSkewS } = file.clock;

function profileOptions(vector: NegativeVector): Partial<VerifierOptions> {
  if (vector.profile === undefined) return {};
  const profile = file.profiles[vector.profile]!;
  const ring = parseJwkSet(JSON.stringify(profileJwkSet(file, vector.profile)), { signing: false });
  assert.ok('keys' in ring, JSON.stringify(ring));
  return { fileKeys: ring.keys, issuer: profile.issuer, audiences: [profile.audience] };
}

for (const vector of file.cases) {
  test(`the mock's verifier gives vector ${vector.name} the codes ${vector.steps.map((s) => s.expected).join(', ')}`, async () => {
    const replay = new ReplayCache({ ttlMs: (maxAgeS + clockSkewS) * 1000 });
    const verify = createVerifier({ key: vectorKeys(file).contract!, maxAgeS, clockSkewS, replay, ...profileOptions(vector) });
    const codes = [];
    for (const step of vector.steps) {
      const verdict = await verify(step.send.map((name) => vector.tokens[name]!.token), now * 1000);
      codes.push(verdict.code);
    }
    assert.deepEqual(codes, vector.steps.map((step) => step.expected), vector.description);
  });
}
