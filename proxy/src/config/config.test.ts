import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_JWT_SECRET } from '../../../contracts/src/index.js';
import { parseAllowedHosts, parseConfig, parseUpstreamUrl } from './config.js';
import type { ProxyConfig } from './config.js';
import { problemsOf } from '../../test/support/config-problems.js';

test('applies the documented defaults given an empty environment', () => {
  const config = parseConfig({}, 4);
  assert.equal(config.port, 8080);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.upstream.href, 'http://127.0.0.1:8081/');
  assert.equal(config.upstream.pathPrefix, '');
  assert.equal(config.upstream.port, 8081);
  assert.equal(config.token.header, 'x-my-jwt');
  assert.deepEqual(config.token.key, Buffer.from(DEFAULT_JWT_SECRET, 'utf8'));
  assert.equal(config.user, 'username');
  assert.deepEqual([...config.signedMethods], ['POST']);
  assert.equal(config.upstreamTimeoutMs, 30_000);
  assert.equal(config.proxyName, 'jwt-proxy');
  assert.equal(config.trustForwarded, false);
  assert.equal(config.allowTrace, false);
  assert.equal(config.maxBodyBytes, undefined);
  assert.equal(config.workers, 1);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.shutdownGraceMs, 10_000);
  assert.equal(config.allowedHosts.length, 1);
  assert.ok(Object.isFrozen(config));
});

test('reads every variable when set', () => {
  const config = parseConfig(
    {
      HTTP_PORT: '0',
      HOST: '127.0.0.1',
      UPSTREAM_URL: 'https://[::1]:9443/api/',
      JWT_SECRET_ENCODING: 'hex',
      JWT_USER: 'svc',
      JWT_METHODS: 'post, put',
      UPSTREAM_TIMEOUT_MS: '1500',
      PROXY_ALLOWED_HOSTS: 'a.example.com, *.b.test:8080, [::1]:*',
      PROXY_NAME: 'edge-1',
      PROXY_TRUST_FORWARDED: 'true',
      PROXY_ALLOW_TRACE: 'yes',
      MAX_BODY_BYTES: '1024',
      WORKERS: 'auto',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '250',
      HEADERS_TIMEOUT_MS: '2000',
      REQUEST_TIMEOUT_MS: '3000',
      KEEP_ALIVE_TIMEOUT_MS: '700',
    },
    3,
  );
  assert.equal(config.port, 0);
  assert.equal(config.upstream.protocol, 'https:');
  assert.equal(config.upstream.hostname, '::1');
  assert.equal(config.upstream.host, '[::1]:9443');
  assert.equal(config.upstream.pathPrefix, '/api');
  assert.equal(config.token.key.length, 64);
  assert.deepEqual([...config.signedMethods], ['POST', 'PUT']);
  assert.equal(config.allowedHosts.length, 3);
  assert.equal(config.allowedHosts[1]!.port, 8080);
  assert.equal(config.allowedHosts[2]!.port, undefined);
  assert.equal(config.maxBodyBytes, 1024);
  assert.equal(config.workers, 3);
  assert.equal(config.trustForwarded, true);
  assert.equal(config.allowTrace, true);
  assert.equal(config.keepAliveTimeoutMs, 700);
});

test('names each bad variable, its constraint and an example in one error', () => {
  const problems = problemsOf({
    HTTP_PORT: '70000',
    UPSTREAM_URL: 'ftp://x',
    JWT_SECRET: 'short',
    JWT_SECRET_ENCODING: 'base64',
    JWT_METHODS: 'PO ST',
    UPSTREAM_TIMEOUT_MS: '-1',
    PROXY_ALLOWED_HOSTS: 'a/b,ok.com:99999',
    PROXY_NAME: 'bad name',
    PROXY_TRUST_FORWARDED: 'maybe',
    MAX_BODY_BYTES: 'lots',
    WORKERS: '0',
    LOG_LEVEL: 'loud',
    SHUTDOWN_GRACE_MS: 'soon',
    HEADERS_TIMEOUT_MS: '5000',
    REQUEST_TIMEOUT_MS: '1000',
  });
  for (const variable of [
    'HTTP_PORT',
    'UPSTREAM_URL',
    'JWT_SECRET_ENCODING',
    'JWT_METHODS',
    'UPSTREAM_TIMEOUT_MS',
    'PROXY_ALLOWED_HOSTS',
    'PROXY_NAME',
    'PROXY_TRUST_FORWARDED',
    'MAX_BODY_BYTES',
    'WORKERS',
    'LOG_LEVEL',
    'SHUTDOWN_GRACE_MS',
    'HEADERS_TIMEOUT_MS',
  ]) {
    assert.ok(problems.has(variable), `${variable} reported`);
  }
  assert.match(problems.get('HTTP_PORT')!, /integer from 0 to 65535.*\| 8080/);
  assert.match(problems.get('UPSTREAM_URL')!, /http:\/\/ or https:\/\//);
  assert.match(problems.get('PROXY_ALLOWED_HOSTS')!, /"a\/b", "ok.com:99999"/);
  assert.match(problems.get('WORKERS')!, /"auto"/);
});

test('reports a short key and a bad JWT_HEADER', () => {
  const problems = problemsOf({ JWT_SECRET: 'abcd', JWT_HEADER: 'x my jwt' });
  assert.match(problems.get('JWT_SECRET')!, /at least 64 bytes/);
  assert.ok(problems.has('JWT_HEADER'));
});

test('the ConfigError message lists every variable on its own line with an example', () => {
  try {
    parseConfig({ HTTP_PORT: 'x', WORKERS: 'many' }, 2);
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /HTTP_PORT: .*\(example: HTTP_PORT=8080\)/);
    assert.match(err.message, /WORKERS: .*\(example: WORKERS=auto\)/);
  }
});

test('messages say what to do (issue #23): the bad hex characters, the missing scheme, a command for a fresh key', () => {
  const hex = problemsOf({ JWT_SECRET_ENCODING: 'hex', JWT_SECRET: 'zzzz' }).get('JWT_SECRET')!;
  assert.match(hex, /^must be hex digits \(0-9, a-f\) when JWT_SECRET_ENCODING=hex, but has "z"; is it meant for JWT_SECRET_ENCODING=utf8\?/);
  assert.match(hex, /\| \$\(openssl rand -hex 64\)$/);
  const many = problemsOf({ JWT_SECRET_ENCODING: 'hex', JWT_SECRET: 'ghijklmnopqrstuv' }).get('JWT_SECRET')!;
  assert.match(many, /but has "g" "h" "i" "j" "k" "l" "m" "n" and 8 more;/);
  const odd = problemsOf({ JWT_SECRET_ENCODING: 'hex', JWT_SECRET: 'abc' }).get('JWT_SECRET')!;
  assert.match(odd, /^must be an even number of hex digits when JWT_SECRET_ENCODING=hex, got 3 \(one digit missing or extra\)/);
  const short = problemsOf({ JWT_SECRET: 'abcd' }).get('JWT_SECRET')!;
  assert.match(short, /\| \$\(openssl rand -hex 64\)$/);
  assert.doesNotMatch(short, new RegExp(DEFAULT_JWT_SECRET.slice(0, 16)));
  assert.equal(
    problemsOf({ UPSTREAM_URL: 'localhost:8081' }).get('UPSTREAM_URL'),
    'must start with http:// or https://, got "localhost:8081"; did you mean "http://localhost:8081"? | http://127.0.0.1:8081/api',
  );
});

test('parseUpstreamUrl refuses queries, fragments, user info and non-URLs', () => {
  for (const bad of ['http://h/?q=1', 'http://h/#f', 'http://u:p@h/', 'not a url', 'ws://h/']) {
    assert.ok('problem' in parseUpstreamUrl(bad), bad);
  }
  const ok = parseUpstreamUrl('http://example.com');
  assert.ok(!('problem' in ok));
  assert.equal(ok.port, 80);
  assert.equal(ok.pathPrefix, '');
  const tls = parseUpstreamUrl('https://example.com/base//');
  assert.ok(!('problem' in tls));
  assert.equal(tls.port, 443);
  assert.equal(tls.pathPrefix, '/base');
});

test('parseAllowedHosts compiles wildcards and ports', () => {
  const patterns = parseAllowedHosts('*.example.com,api.test:8443,*');
  assert.ok(!('invalid' in patterns));
  assert.ok(patterns[0]!.host.test('a.example.com'));
  assert.ok(patterns[0]!.host.test('A.B.EXAMPLE.COM'));
  assert.ok(!patterns[0]!.host.test('example.com'));
  assert.equal(patterns[1]!.port, 8443);
  assert.ok(patterns[2]!.host.test('anything'));
  assert.deepEqual(parseAllowedHosts(' , '), { invalid: [' , '] });
  assert.deepEqual(parseAllowedHosts('a.com:0'), { invalid: ['a.com:0'] });
});

test('forward mode defaults to UPSTREAM_URL host and port only; `*` is an explicit opt-in', () => {
  const config = parseConfig({ UPSTREAM_URL: 'http://mock-upstream:8081/api' }, 1);
  assert.deepEqual(config.allowedHosts.map((pattern) => pattern.source), ['mock-upstream:8081']);
  assert.equal(config.allowAnyHost, false);
  assert.equal(parseConfig({ PROXY_ALLOWED_HOSTS: '*' }, 1).allowAnyHost, true);
});

test('flags the published key, and refuses it under NODE_ENV=production unless acknowledged', () => {
  assert.equal(parseConfig({}, 1).publishedKey, true);
  assert.equal(parseConfig({ JWT_SECRET: 'k'.repeat(64) }, 1).publishedKey, false);
  assert.match(problemsOf({ NODE_ENV: 'production' }).get('JWT_SECRET')!, /NODE_ENV=production.*JWT_ALLOW_PUBLISHED_SECRET=true/);
  assert.equal(parseConfig({ NODE_ENV: 'production', JWT_ALLOW_PUBLISHED_SECRET: 'true' }, 1).publishedKey, true);
  assert.equal(parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(64) }, 1).publishedKey, false);
});

test('reads the resource limits with their documented defaults', () => {
  assert.deepEqual(parseConfig({}, 1).limits, {
    maxConnections: 4096,
    maxConnectionsPerClient: 256,
    upstreamMaxSockets: 1024,
    minBodyRateBps: 1024,
    bodyGraceMs: 10_000,
    uploadSockets: 768,
    uploadSocketsPerClient: 96,
    uploadReadAheadBytes: 16_384,
  });
  const set = parseConfig(
    { MAX_CONNECTIONS: '0', MAX_CONNECTIONS_PER_CLIENT: '8', UPSTREAM_MAX_SOCKETS: '16', MIN_BODY_RATE_BPS: '0', BODY_GRACE_MS: '250' },
    1,
  );
  assert.deepEqual(set.limits, {
    maxConnections: 0,
    maxConnectionsPerClient: 8,
    upstreamMaxSockets: 16,
    minBodyRateBps: 0,
    bodyGraceMs: 250,
    uploadSockets: 12,
    uploadSocketsPerClient: 1,
    uploadReadAheadBytes: 16_384,
  });
  // A per-client cap above the total is allowed: the total then applies first.
  assert.equal(parseConfig({ MAX_CONNECTIONS: '10' }, 1).limits.maxConnectionsPerClient, 256);
  const problems = problemsOf({ MAX_CONNECTIONS: '-1', MAX_CONNECTIONS_PER_CLIENT: 'x', UPSTREAM_MAX_SOCKETS: '0', MIN_BODY_RATE_BPS: 'fast', BODY_GRACE_MS: '0' });
  for (const variable of ['MAX_CONNECTIONS', 'MAX_CONNECTIONS_PER_CLIENT', 'UPSTREAM_MAX_SOCKETS', 'MIN_BODY_RATE_BPS', 'BODY_GRACE_MS']) {
    assert.ok(problems.has(variable), variable);
  }
});

test('UPSTREAM_UPLOAD_SOCKETS(_PER_CLIENT) default to their share of the pool and may not exceed the setting above them', () => {
  assert.deepEqual(
    pick(parseConfig({ UPSTREAM_MAX_SOCKETS: '1' }, 1).limits),
    { uploadSockets: 1, uploadSocketsPerClient: 1, uploadReadAheadBytes: 16_384 },
    'at least one socket each',
  );
  const set = parseConfig({ UPSTREAM_MAX_SOCKETS: '8', UPSTREAM_UPLOAD_SOCKETS: '8', UPSTREAM_UPLOAD_SOCKETS_PER_CLIENT: '3', UPLOAD_READ_AHEAD_BYTES: '0' }, 1);
  assert.deepEqual(pick(set.limits), { uploadSockets: 8, uploadSocketsPerClient: 3, uploadReadAheadBytes: 0 });
  assert.throws(
    () => parseConfig({ UPSTREAM_MAX_SOCKETS: '8', UPSTREAM_UPLOAD_SOCKETS: '9' }, 1),
    /UPSTREAM_UPLOAD_SOCKETS: must not exceed UPSTREAM_MAX_SOCKETS \(8\), got "9"/,
  );
  assert.throws(
    () => parseConfig({ UPSTREAM_UPLOAD_SOCKETS: '4', UPSTREAM_UPLOAD_SOCKETS_PER_CLIENT: '5' }, 1),
    /UPSTREAM_UPLOAD_SOCKETS_PER_CLIENT: must not exceed UPSTREAM_UPLOAD_SOCKETS \(4\), got "5"/,
  );
  const problems = problemsOf({ UPSTREAM_UPLOAD_SOCKETS: '0', UPSTREAM_UPLOAD_SOCKETS_PER_CLIENT: 'x', UPLOAD_READ_AHEAD_BYTES: '-1' });
  for (const variable of ['UPSTREAM_UPLOAD_SOCKETS', 'UPSTREAM_UPLOAD_SOCKETS_PER_CLIENT', 'UPLOAD_READ_AHEAD_BYTES']) {
    assert.ok(problems.has(variable), variable);
  }
});

function pick(limits: ProxyConfig['limits']) {
  const { uploadSockets, uploadSocketsPerClient, uploadReadAheadBytes } = limits;
  return { uploadSockets, uploadSocketsPerClient, uploadReadAheadBytes };
}
