import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { contractsFile } from '../testing/contract-files.js';
import { loadGoldenVectors } from '../testing/golden-vectors.js';

const schema = JSON.parse(readFileSync(contractsFile('token.schema.json'), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ strict: false }).compile(schema);

interface ProfileVector {
  readonly name: string;
  readonly expectedHeader: object;
  readonly expectedClaims: object;
}
const profileVectors = (JSON.parse(readFileSync(contractsFile('profile-vectors.json'), 'utf8')) as { vectors: ProfileVector[] }).vectors;

test('token.schema.json accepts the header and claims of every golden vector', () => {
  for (const vector of loadGoldenVectors()) {
    assert.ok(validate({ header: { alg: 'HS512', typ: 'JWT' }, claims: vector.expectedClaims }), `${vector.name}: ${JSON.stringify(validate.errors)}`);
  }
});

test('token.schema.json accepts every token profile vector: key-ring headers with kid, opt-in claims', () => {
  for (const vector of profileVectors) {
    assert.ok(validate({ header: vector.expectedHeader, claims: vector.expectedClaims }), `${vector.name}: ${JSON.stringify(validate.errors)}`);
  }
  assert.ok(profileVectors.some((vector) => 'kid' in vector.expectedHeader), 'at least one profile vector has a kid');
});

test('token.schema.json refuses alg none, an empty kid, an extra claim and a missing jti', () => {
  const claims = loadGoldenVectors()[0]!.expectedClaims;
  assert.equal(validate({ header: { alg: 'none', typ: 'JWT' }, claims }), false);
  assert.equal(validate({ header: { alg: 'HS512', typ: 'JWT', kid: '' }, claims }), false);
  assert.equal(validate({ header: { alg: 'HS512', typ: 'JWT' }, claims: { ...claims, admin: true } }), false);
  const { jti: _jti, ...withoutJti } = claims;
  assert.equal(validate({ header: { alg: 'HS512', typ: 'JWT' }, claims: withoutJti }), false);
});
