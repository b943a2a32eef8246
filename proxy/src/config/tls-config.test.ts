// Issue #24: the TLS variables and files, checked at start with every problem naming its variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EnvReader } from '../../../contracts/src/index.js';
import { createTlsFixtures, writeFixtureFile } from '../../../contracts/testing/tls-fixtures.js';
import { parseConfig } from './config.js';
import { startWarnings } from './start-warnings.js';
import { MAX_TLS_FILE_BYTES, clientCaUnused, loadTlsMaterial, loadTlsMaterialSync, readTlsSetting } from './tls-config.js';
import type { TlsLoad } from './tls-config.js';
import { problemsOf } from '../../test/support/config-problems.js';

const fixtures = createTlsFixtures();
const server = fixtures.server('server');
const other = fixtures.server('other');
const alice = fixtures.client('alice', 'alice');

const problemsText = (load: TlsLoad): string => ('problems' in load ? load.problems.map((p) => `${p.variable}: ${p.constraint}`).join('\n') : '');

test('without TLS_CERT_FILE and TLS_KEY_FILE the proxy speaks HTTP and the config has no tls', () => {
  const config = parseConfig({}, 4);
  assert.equal(config.tls, undefined);
  assert.equal('tls' in config, false);
  assert.equal(config.clientCaUnused, false);
});

test('TLS_CERT_FILE and TLS_KEY_FILE give tls with the paths; TLS_CLIENT_CA_FILE adds the CA', () => {
  const config = parseConfig({ TLS_CERT_FILE: server.certFile, TLS_KEY_FILE: server.keyFile, TLS_CLIENT_CA_FILE: fixtures.ca.certFile }, 4);
  assert.deepEqual(config.tls, { certFile: server.certFile, keyFile: server.keyFile, clientCaFile: fixtures.ca.certFile });
  assert.ok(Object.isFrozen(config.tls));
  const plain = parseConfig({ TLS_CERT_FILE: server.certFile, TLS_KEY_FILE: server.keyFile }, 4);
  assert.deepEqual(plain.tls, { certFile: server.certFile, keyFile: server.keyFile });
});

test('one of TLS_CERT_FILE and TLS_KEY_FILE without the other stops the start naming the missing one', () => {
  assert.match(problemsOf({ TLS_CERT_FILE: server.certFile }).get('TLS_KEY_FILE') ?? '', /must be set with TLS_CERT_FILE/);
  assert.match(problemsOf({ TLS_KEY_FILE: server.keyFile }).get('TLS_CERT_FILE') ?? '', /must be set with TLS_KEY_FILE/);
  assert.match(problemsOf({ TLS_CLIENT_CA_FILE: fixtures.ca.certFile }).get('TLS_CLIENT_CA_FILE') ?? '', /needs TLS_CERT_FILE and TLS_KEY_FILE/);
});

test('a missing file names its variable and path, with the others collected in the same error', () => {
  const missing = join(fixtures.dir, 'nope.pem');
  const problems = problemsOf({ TLS_CERT_FILE: missing, TLS_KEY_FILE: missing, TLS_CLIENT_CA_FILE: missing, HTTP_PORT: 'x' });
  assert.deepEqual([...problems.keys()].sort(), ['HTTP_PORT', 'TLS_CERT_FILE', 'TLS_CLIENT_CA_FILE', 'TLS_KEY_FILE']);
  assert.match(problems.get('TLS_CERT_FILE') ?? '', /cannot read .*nope\.pem \(ENOENT\)/);
  assert.match(problems.get('TLS_KEY_FILE') ?? '', /\| \/etc\/jwt-proxy\/tls\/key\.pem$/);
});

test('a file that is not PEM names its variable, never its content', () => {
  const junk = writeFixtureFile(fixtures, 'junk.txt', 'secret-looking junk\n');
  const problems = problemsOf({ TLS_CERT_FILE: junk, TLS_KEY_FILE: junk, TLS_CLIENT_CA_FILE: junk });
  assert.match(problems.get('TLS_CERT_FILE') ?? '', /holds no PEM certificate/);
  assert.match(problems.get('TLS_KEY_FILE') ?? '', /holds no PEM private key/);
  assert.match(problems.get('TLS_CLIENT_CA_FILE') ?? '', /holds no PEM certificate/);
  assert.doesNotMatch([...problems.values()].join('\n'), /secret-looking/);
});

test('a PEM header over garbage is refused as unreadable', () => {
  const badCert = writeFixtureFile(fixtures, 'bad-cert.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  const badKey = writeFixtureFile(fixtures, 'bad-key.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  const problems = problemsOf({ TLS_CERT_FILE: badCert, TLS_KEY_FILE: badKey, TLS_CLIENT_CA_FILE: badCert });
  assert.match(problems.get('TLS_CERT_FILE') ?? '', /no readable PEM certificate/);
  assert.match(problems.get('TLS_KEY_FILE') ?? '', /no readable unencrypted PEM private key/);
  assert.match(problems.get('TLS_CLIENT_CA_FILE') ?? '', /not a readable PEM bundle/);
});

test('a key that is not the certificate\'s stops the start naming TLS_KEY_FILE and both paths', () => {
  const problems = problemsOf({ TLS_CERT_FILE: server.certFile, TLS_KEY_FILE: other.keyFile });
  assert.deepEqual([...problems.keys()], ['TLS_KEY_FILE']);
  assert.match(problems.get('TLS_KEY_FILE') ?? '', /other-key\.pem is not the private key of the certificate in TLS_CERT_FILE \(.*server\.pem\)/);
});

test('an encrypted key is refused: the proxy has no passphrase to give', () => {
  const encrypted = join(fixtures.dir, 'encrypted-key.pem');
  const run = spawnSync('openssl', ['pkey', '-in', server.keyFile, '-aes256', '-passout', 'pass:x', '-out', encrypted]);
  assert.equal(run.status, 0);
  assert.match(problemsOf({ TLS_CERT_FILE: server.certFile, TLS_KEY_FILE: encrypted }).get('TLS_KEY_FILE') ?? '', /unencrypted/);
});

test('a chain (server certificate then its CA) is accepted; the first certificate must match the key', () => {
  const chain = writeFixtureFile(fixtures, 'chain.pem', server.cert + fixtures.ca.cert);
  const loaded = loadTlsMaterialSync({ certFile: chain, keyFile: server.keyFile });
  assert.ok('material' in loaded, problemsText(loaded));
  const reversed = writeFixtureFile(fixtures, 'reversed.pem', fixtures.ca.cert + server.cert);
  assert.match(problemsText(loadTlsMaterialSync({ certFile: reversed, keyFile: server.keyFile })), /TLS_KEY_FILE: .* is not the private key/);
});

test('a directory or a file over the cap is refused before it is read', async () => {
  const big = writeFixtureFile(fixtures, 'big.pem', 'x'.repeat(MAX_TLS_FILE_BYTES + 1));
  assert.match(problemsText(loadTlsMaterialSync({ certFile: big, keyFile: server.keyFile })), /TLS_CERT_FILE: .*larger than the 1048576-byte cap/);
  assert.match(problemsText(await loadTlsMaterial({ certFile: server.certFile, keyFile: fixtures.dir })), /TLS_KEY_FILE: .* is a directory/);
});

test('loadTlsMaterial reads the same material as at start, the CA included', async () => {
  const setting = { certFile: server.certFile, keyFile: server.keyFile, clientCaFile: fixtures.ca.certFile };
  const loaded = await loadTlsMaterial(setting);
  assert.deepEqual(loaded, { material: { cert: server.cert, key: server.key, ca: fixtures.ca.cert } });
  assert.deepEqual(loadTlsMaterialSync(setting), loaded);
  assert.match(problemsText(await loadTlsMaterial({ certFile: alice.certFile, keyFile: server.keyFile })), /not the private key/);
});

test('TLS_CLIENT_CA_FILE without mtls in PROXY_AUTH is accepted with a start warning', () => {
  const tls = { TLS_CERT_FILE: server.certFile, TLS_KEY_FILE: server.keyFile, TLS_CLIENT_CA_FILE: fixtures.ca.certFile };
  const config = parseConfig(tls, 4);
  assert.equal(config.clientCaUnused, true);
  assert.deepEqual(startWarnings(config).map((w) => w.code), ['PUBLISHED_SECRET', 'CLIENT_CA_UNUSED']);
  const setting = { certFile: 'c', keyFile: 'k', clientCaFile: 'ca' };
  assert.equal(clientCaUnused(new EnvReader({ PROXY_AUTH: 'basic, MTLS' }), setting), false);
  assert.equal(clientCaUnused(new EnvReader({ PROXY_AUTH: 'basic' }), setting), true);
  assert.equal(clientCaUnused(new EnvReader({}), { certFile: 'c', keyFile: 'k' }), false);
  assert.equal(readTlsSetting(new EnvReader({ TLS_CERT_FILE: ' ', TLS_KEY_FILE: '' })), undefined);
});
