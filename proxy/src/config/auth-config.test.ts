import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../contracts/src/index.js';
import { createTlsFixtures } from '../../../contracts/testing/tls-fixtures.js';
import { parseConfig } from './config.js';

const HASH = `$2y$05$${'a'.repeat(53)}`;
const dir = mkdtempSync(join(tmpdir(), 'auth-config-'));
const usersPath = join(dir, 'users');
writeFileSync(usersPath, `alice:${HASH}\n`);

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.variable);
    throw error;
  }
  return [];
}

test('without PROXY_AUTH the config has no auth member at all', () => {
  assert.equal('auth' in parseConfig({}), false);
});

test('PROXY_AUTH=basic,mtls,header reads every setting, in order', () => {
  // mtls needs TLS_CLIENT_CA_FILE, which needs a real certificate and key on the listener.
  const tls = createTlsFixtures();
  const server = tls.server();
  const config = parseConfig({
    TLS_CERT_FILE: server.certFile,
    TLS_KEY_FILE: server.keyFile,
    PROXY_AUTH: 'Header, basic ,mtls',
    PROXY_USERS_FILE: usersPath,
    PROXY_AUTH_REALM: 'team a',
    TLS_CLIENT_CA_FILE: tls.ca.certFile,
    PROXY_IDENTITY_HEADER: 'X-Forwarded-User',
    PROXY_TRUSTED_PEERS: '10.0.0.0/8, ::1',
  });
  assert.deepEqual(config.auth?.methods, ['header', 'basic', 'mtls']);
  assert.equal(config.auth?.realm, 'team a');
  assert.equal(config.auth?.users.get('alice'), HASH);
  assert.equal(config.auth?.identityHeader, 'x-forwarded-user');
  assert.deepEqual(config.auth?.trustedPeers.map((peer) => `${peer.address}/${peer.prefix}`), ['10.0.0.0/8', '::1/128']);
});

test('every missing or bad setting is named, with the variable it belongs to', () => {
  assert.deepEqual(problems({ PROXY_AUTH: 'basic,oauth' }), ['PROXY_AUTH']);
  assert.deepEqual(problems({ PROXY_AUTH: 'basic,basic' }), ['PROXY_AUTH']);
  assert.deepEqual(problems({ PROXY_AUTH: 'basic' }), ['PROXY_USERS_FILE']);
  assert.deepEqual(problems({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: dir }), ['PROXY_USERS_FILE']);
  assert.deepEqual(problems({ PROXY_AUTH: 'mtls' }), ['TLS_CLIENT_CA_FILE']);
  assert.deepEqual(problems({ PROXY_AUTH: 'header' }), ['PROXY_IDENTITY_HEADER', 'PROXY_TRUSTED_PEERS']);
  assert.deepEqual(problems({ PROXY_AUTH: 'header', PROXY_IDENTITY_HEADER: 'X User', PROXY_TRUSTED_PEERS: '10.0.0.0/40' }), ['PROXY_IDENTITY_HEADER', 'PROXY_TRUSTED_PEERS']);
  assert.deepEqual(problems({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: usersPath, PROXY_AUTH_REALM: 'a"b' }), ['PROXY_AUTH_REALM']);
  const bad = join(dir, 'bad');
  writeFileSync(bad, 'alice:plaintext\n');
  assert.deepEqual(problems({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: bad }), ['PROXY_USERS_FILE']);
});
