import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../contracts/src/index.js';
import { createKeyFolder, generateJwk, jwkSetText, publicOnly, vectorJwk } from '../../../contracts/testing/key-fixtures.js';
import { parseConfig } from './config.js';
import { parseAudience } from './signing-config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => `${p.variable}: ${p.constraint} (example: ${p.example})`);
  }
  assert.fail('expected a ConfigError');
}

const folder = createKeyFolder();

test('without any profile variable the profile is empty and JWT_SECRET signs (the assignment token)', () => {
  const config = parseConfig({});
  assert.deepEqual(config.profile, {});
  assert.equal(config.keys.source, 'secret');
});

test('reads every opt-in claim variable; a comma list of audiences becomes an array', () => {
  const config = parseConfig({
    JWT_TTL_S: '300',
    JWT_NOT_BEFORE_SKEW_S: '0',
    JWT_ISSUER: ' https://proxy.example ',
    JWT_SUBJECT: 'jwt-proxy',
    JWT_AUDIENCE: 'orders-api, billing-api,',
  });
  assert.deepEqual(config.profile, { ttlS: 300, notBeforeSkewS: 0, issuer: 'https://proxy.example', subject: 'jwt-proxy', audience: ['orders-api', 'billing-api'] });
  assert.equal(parseConfig({ JWT_AUDIENCE: 'orders-api' }).profile.audience, 'orders-api');
});

test('parseAudience: one name a string, several an array, none undefined', () => {
  assert.equal(parseAudience(' a '), 'a');
  assert.deepEqual(parseAudience('a,b'), ['a', 'b']);
  assert.equal(parseAudience(' , '), undefined);
});

test('names each bad claim variable with its constraint and an example', () => {
  assert.deepEqual(problemsOf({ JWT_TTL_S: '0', JWT_NOT_BEFORE_SKEW_S: '-1', JWT_AUDIENCE: ',' }), [
    'JWT_TTL_S: must be an integer from 1 to 31536000, got "0" (example: 300)',
    'JWT_NOT_BEFORE_SKEW_S: must be an integer from 0 to 86400, got "-1" (example: 5)',
    'JWT_AUDIENCE: must name at least one audience (a comma list becomes an array) (example: orders-api,billing-api)',
  ]);
});

test('JWT_KEYS_FILE: the first key signs with its kid; others are kept for verifiers', () => {
  const path = folder.write('ok.json', jwkSetText([vectorJwk('vector-es256'), vectorJwk('vector-hs512'), publicOnly(vectorJwk('vector-rs256'))]));
  const config = parseConfig({ JWT_KEYS_FILE: path });
  assert.equal(config.keys.source, 'file');
  assert.ok(config.keys.source === 'file');
  assert.deepEqual(config.keys.keys.map((k) => k.kid), ['vector-es256', 'vector-hs512', 'vector-rs256']);
});

test('JWT_KEYS_FILE that cannot be read stops the start with the reason', () => {
  const [problem] = problemsOf({ JWT_KEYS_FILE: `${folder.dir}/missing.json` });
  assert.match(problem!, /^JWT_KEYS_FILE: must be a readable JWK Set file whose first key can sign: cannot read .*missing\.json \(ENOENT\)/);
});

test('JWT_KEYS_FILE with a partial (truncated) file stops the start with the reason', () => {
  const text = jwkSetText([vectorJwk('vector-hs512')]);
  const path = folder.write('partial.json', text.slice(0, text.length / 2));
  assert.match(problemsOf({ JWT_KEYS_FILE: path })[0]!, /partial\.json: is not JSON/);
});

test('JWT_KEYS_FILE problems name each key by index and kid: private key missing, short HMAC key, unknown alg', () => {
  const path = folder.write(
    'bad.json',
    jwkSetText([publicOnly(vectorJwk('vector-ps256')), { ...generateJwk('HS256', 'short'), k: 'AAAA' }, { ...vectorJwk('vector-hs384'), alg: 'HS1024' }]),
  );
  const [problem] = problemsOf({ JWT_KEYS_FILE: path });
  assert.match(problem!, /keys\[0\] \(kid "vector-ps256"\): the first key signs, so it needs its private part \("d"\); a private key is missing/);
  assert.match(problem!, /keys\[1\] \(kid "short"\): the HMAC key is too short for HS256: 3 bytes, at least 32 needed/);
  assert.match(problem!, /keys\[2\] \(kid "vector-hs384"\): alg "HS1024" is not supported/);
  assert.doesNotMatch(problem!, new RegExp(String(vectorJwk('vector-hs384').k)));
});
