import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../contracts/src/index.js';
import { createKeyFolder, jwkSetText, publicOnly, vectorJwk } from '../../../contracts/testing/key-fixtures.js';
import { parseConfig } from './config.js';

const folder = createKeyFolder();

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => `${p.variable}: ${p.constraint}`);
  }
  assert.fail('expected a ConfigError');
}

describe('parseConfig: token profile verification (issue #12)', () => {
  it('reads MOCK_KEYS_FILE (public-only keys allowed), MOCK_JWKS_URL, MOCK_ISSUER and a MOCK_AUDIENCE list', () => {
    const path = folder.write('mock.json', jwkSetText([vectorJwk('vector-hs256'), publicOnly(vectorJwk('vector-es256'))]));
    const { profile } = parseConfig({
      MOCK_KEYS_FILE: path,
      MOCK_JWKS_URL: 'http://proxy:8080/.well-known/jwks.json',
      MOCK_JWKS_COOLDOWN_MS: '0',
      MOCK_ISSUER: ' https://proxy.example ',
      MOCK_AUDIENCE: 'orders-api, billing-api',
    });
    assert.deepEqual(profile.fileKeys.map((k) => `${k.kid}/${k.alg}`), ['vector-hs256/HS256', 'vector-es256/ES256']);
    assert.equal(profile.jwksUrl?.href, 'http://proxy:8080/.well-known/jwks.json');
    assert.equal(profile.jwksCooldownMs, 0);
    assert.equal(profile.issuer, 'https://proxy.example');
    assert.deepEqual(profile.audiences, ['orders-api', 'billing-api']);
  });

  it('names each bad variable: unreadable or invalid key file, bad JWKS URL, empty audience list', () => {
    const bad = folder.write('bad.json', jwkSetText([{ ...vectorJwk('vector-hs512'), alg: 'HS1' }]));
    assert.deepEqual(problems({ MOCK_KEYS_FILE: bad, MOCK_JWKS_URL: 'ftp://x/jwks', MOCK_AUDIENCE: ' , ' }), [
      'MOCK_AUDIENCE: must name at least one audience (comma-separated)',
      `MOCK_KEYS_FILE: must be a valid JWK Set: ${bad}: keys[0] (kid "vector-hs512"): alg "HS1" is not supported; it must be one of HS256, HS384, HS512, RS256, PS256, ES256, ES384`,
      'MOCK_JWKS_URL: must be an absolute http:// or https:// URL, got "ftp://x/jwks"',
    ]);
    assert.match(problems({ MOCK_KEYS_FILE: `${folder.dir}/none.json` })[0]!, /^MOCK_KEYS_FILE: must be a readable JWK Set file: cannot read .*none\.json \(ENOENT\)$/);
    assert.match(problems({ MOCK_JWKS_URL: 'not a url' })[0]!, /MOCK_JWKS_URL: must be an absolute/);
  });

  it('refuses a FIFO or a directory as MOCK_KEYS_FILE at start instead of hanging on it (issue #21)', () => {
    const fifo = `${folder.dir}/keys.fifo`;
    execFileSync('mkfifo', [fifo]);
    assert.match(problems({ MOCK_KEYS_FILE: fifo })[0]!, /^MOCK_KEYS_FILE: must be a readable JWK Set file: .*keys\.fifo is a FIFO; a key file must be a regular file$/);
    assert.match(problems({ MOCK_KEYS_FILE: folder.dir })[0]!, /a key file must be a regular file$/);
  });

  it('suggests http:// for a MOCK_JWKS_URL without a scheme (issue #23)', () => {
    assert.deepEqual(problems({ MOCK_JWKS_URL: 'proxy:8080/.well-known/jwks.json' }), [
      'MOCK_JWKS_URL: must be an absolute http:// or https:// URL, got "proxy:8080/.well-known/jwks.json"; did you mean "http://proxy:8080/.well-known/jwks.json"?',
    ]);
  });
});
