/**
 * The negative vectors judged by a second, independent verifier: jsonwebtoken's
 * `verify` (signature, algorithm pinned to HS512, max age at the file's fixed
 * clock), plus the checks jsonwebtoken leaves to its caller, written here from
 * the contract's prose rather than from contracts' zod schema: typ (RFC 7519
 * §5.1), an iat not beyond the clock skew, the claims' shape, and replay.
 * It must agree with every step's expected verdict on valid or invalid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { loadNegativeVectors, renderToken, shiftClaims, vectorKeys, type NegativeVector, type VectorStep } from '../testing/negative-vectors.js';
import { VERDICT_CODES } from '../src/verdict.js';

const file = loadNegativeVectors();
const keys = vectorKeys(file);
const contractKey = keys.contract!;

/** The key and algorithm a verifier of this case picks for the token: by kid in the profile's ring, else the contract secret with HS512. */
function keyFor(vector: NegativeVector, token: string): { key: Buffer; algorithms: jwt.Algorithm[] } | undefined {
  let kid: unknown;
  try {
    kid = (jwt.decode(token, { complete: true })?.header as { kid?: unknown } | undefined)?.kid;
  } catch {
    kid = undefined; // undecodable: verify refuses it under any key
  }
  if (kid === undefined) return { key: contractKey, algorithms: ['HS512'] };
  const ring = vector.profile === undefined ? [] : file.profiles[vector.profile]!.keys;
  const name = ring.find((keyName) => file.keys[keyName]?.kid === kid);
  const entry = name === undefined ? undefined : file.keys[name];
  return entry?.alg === undefined ? undefined : { key: keys[name!]!, algorithms: [entry.alg] };
}

function jsonwebtokenAccepts(vector: NegativeVector, tokens: readonly string[], seen: Set<string>): boolean {
  if (tokens.length !== 1) return false;
  const chosen = keyFor(vector, tokens[0]!);
  if (chosen === undefined) return false;
  const profile = vector.profile === undefined ? undefined : file.profiles[vector.profile];
  try {
    const { header, payload } = jwt.verify(tokens[0]!, chosen.key, {
      algorithms: chosen.algorithms,
      clockTimestamp: file.clock.now,
      // exp and nbf get the clock skew as their tolerance, as iat does.
      clockTolerance: file.clock.clockSkewS,
      maxAge: file.clock.maxAgeS,
      complete: true,
      ...(profile !== undefined && { issuer: profile.issuer, audience: profile.audience }),
    });
    if (header.typ !== 'JWT' || typeof payload !== 'object') return false;
    const { iat, jti, payload: inner } = payload as { iat?: unknown; jti?: unknown; payload?: { user?: unknown; date?: unknown } };
    if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > file.clock.now + file.clock.clockSkewS) return false;
    if (typeof jti !== 'string' || jti.length < 16 || seen.has(jti)) return false;
    if (typeof inner !== 'object' || inner === null || typeof inner.user !== 'string' || inner.user === '') return false;
    if (inner.date !== new Date(iat * 1000).toISOString().slice(0, 10)) return false;
    seen.add(jti);
    return true;
  } catch {
    return false;
  }
}

for (const vector of file.cases) {
  test(`jsonwebtoken agrees with vector ${vector.name} (${vector.steps.map((s: VectorStep) => s.expected).join(', ')}) on valid or invalid`, () => {
    const seen = new Set<string>();
    for (const [index, step] of vector.steps.entries()) {
      const tokens = step.send.map((name) => vector.tokens[name]?.token ?? assert.fail(`step ${index} names the unknown token ${name}`));
      assert.equal(jsonwebtokenAccepts(vector, tokens, seen), step.expected === 'TOKEN_VALID', `step ${index + 1} of ${vector.name}: ${vector.description}`);
    }
  });
}

test('the vectors cover the cases issue 14 names, and only use verdict codes of the contract', () => {
  const names = new Set(file.cases.map((vector) => vector.name));
  for (const name of ['tampered-claims', 'alg-none', 'hs256', 'wrong-secret', 'hex-utf8-mix-up', 'secret-with-stray-space', 'stale', 'future', 'replayed', 'payload-malformed', 'date-mismatch']) {
    assert.ok(names.has(name), `no vector ${name}`);
  }
  assert.equal(names.size, file.cases.length, 'vector names are unique');
  const replay = file.cases.find((vector) => vector.name === 'replayed')!;
  assert.deepEqual(replay.steps, [{ send: ['t'], expected: 'TOKEN_VALID' }, { send: ['t'], expected: 'TOKEN_REPLAYED' }]);
  for (const step of file.cases.flatMap((vector) => vector.steps)) assert.ok(VERDICT_CODES.includes(step.expected), step.expected);
});

test('the keys are the bytes their descriptions name', () => {
  assert.equal(keys.contract!.length, 128);
  assert.equal(keys['contract-as-hex']!.toString('hex'), keys.contract!.toString('utf8'));
  assert.equal(keys['stray-space']!.toString('utf8').replace(' ', ''), keys.contract!.toString('utf8'));
  assert.equal(keys.other!.length, 64);
});

test('renderToken at another instant moves iat, keeps the date offset and the jti length, and keeps raw tokens', () => {
  const options = { keys, shiftS: 86_400 * 3 + 5, jti: (fixed: string) => 'x'.repeat(fixed.length) };
  const moved = shiftClaims({ iat: 86_399, exp: 86_500, jti: 'abcdefghijklmnopq', payload: { user: 'u', date: '1969-12-31' } }, options);
  assert.deepEqual(moved, { iat: 345_604, exp: 345_705, jti: 'xxxxxxxxxxxxxxxxx', payload: { user: 'u', date: '1970-01-04' } });
  assert.equal(shiftClaims('{"iat": oops', options), '{"iat": oops');
  const valid = file.cases.find((vector) => vector.name === 'valid')!.tokens.t!;
  assert.notEqual(renderToken(valid, options), valid.token);
  assert.equal(renderToken({ raw: 'a.b', token: 'a.b' }, options), 'a.b');
  assert.throws(() => renderToken({ token: '' }, options), /needs claims or raw/);
  assert.throws(() => renderToken({ claims: {}, key: 'nope', token: '' }, options), /unknown key "nope"/);
});
