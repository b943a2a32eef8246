import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VERDICT_CODES } from '../../../contracts/src/index.js';
import type { VerdictCheck, VerdictCode } from '../../../contracts/src/index.js';
import { TOKEN_CHECKS, VERDICT_CHECKS } from './checks.js';

/** The order and the codes, restated: a change to either must be made here too, on purpose. */
const EXPECTED: readonly (readonly [VerdictCheck, readonly VerdictCode[]])[] = [
  ['presence', ['TOKEN_MISSING', 'TOKEN_MULTIPLE']],
  ['structure', ['TOKEN_MALFORMED']],
  ['header', ['ALG_NOT_ALLOWED', 'TYP_INVALID']],
  ['key', ['KID_UNKNOWN']],
  ['signature', ['SIGNATURE_INVALID']],
  ['claims', ['CLAIMS_INVALID']],
  ['time', ['TOKEN_FROM_FUTURE', 'TOKEN_STALE', 'TOKEN_EXPIRED', 'TOKEN_NOT_YET_VALID']],
  ['audience', ['ISSUER_INVALID', 'AUDIENCE_INVALID']],
  ['replay', ['TOKEN_REPLAYED']],
];

describe('token checks', () => {
  it('run in the documented order, each with its codes', () => {
    assert.deepEqual(
      TOKEN_CHECKS.map((check) => [check.name, check.codes]),
      EXPECTED,
    );
  });

  for (const [name, codes] of EXPECTED) {
    for (const code of codes) {
      it(`${code} is reported as the ${name} check`, () => {
        assert.equal(VERDICT_CHECKS[code], name);
      });
    }
  }

  it('give every verdict code but TOKEN_VALID to exactly one check', () => {
    const owned = TOKEN_CHECKS.flatMap((check) => check.codes);
    assert.deepEqual([...owned].sort(), VERDICT_CODES.filter((code) => code !== 'TOKEN_VALID').sort());
    assert.equal(VERDICT_CHECKS.TOKEN_VALID, undefined);
  });
});
