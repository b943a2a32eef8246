import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_JWT_SECRET } from '../../../contracts/src/index.js';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  it('uses the documented defaults given an empty environment', usesDocumentedDefaults);

  it('reads MOCK_SIGNED_METHODS as the proxy reads JWT_METHODS: POST by default, upper-cased, invalid names refused', () => {
    assert.deepEqual([...parseConfig({}).signedMethods], ['POST']);
    assert.deepEqual([...parseConfig({ MOCK_SIGNED_METHODS: ' post, Put ' }).signedMethods], ['POST', 'PUT']);
    assert.throws(
      () => parseConfig({ MOCK_SIGNED_METHODS: 'POST,GE T' }),
      (error: unknown) => error instanceof ConfigError && /MOCK_SIGNED_METHODS.*"GE T".*POST,PUT/s.test(error.message),
    );
    assert.throws(() => parseConfig({ MOCK_SIGNED_METHODS: ' , ' }), ConfigError);
  });

  it('returns a frozen config', () => {
    const config = parseConfig({});
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.token));
  });

  it('reads every variable', () => {
    const config = parseConfig({
      HTTP_PORT: '9000',
      HOST: '127.0.0.1',
      JWT_SECRET: DEFAULT_JWT_SECRET,
      JWT_SECRET_ENCODING: 'hex',
      JWT_HEADER: 'X-Other-JWT',
      MOCK_REQUIRE_TOKEN: 'true',
      MOCK_CLOCK_SKEW_S: '5',
      MOCK_MAX_AGE_S: '30',
      MOCK_JOURNAL_SIZE: '10',
      MOCK_BODY_LIMIT: '0',
      MOCK_JOURNAL_FILE: ' /data/journal.jsonl ',
      LOG_LEVEL: 'DEBUG',
    });
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.port, 9000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.token.header, 'x-other-jwt');
    assert.deepEqual(config.token.key, Buffer.from(DEFAULT_JWT_SECRET, 'hex'));
    assert.equal(config.requireToken, true);
    assert.equal(config.clockSkewS, 5);
    assert.equal(config.maxAgeS, 30);
    assert.equal(config.journalSize, 10);
    assert.equal(config.bodyLimit, 0);
    assert.equal(config.journalFile, '/data/journal.jsonl');
  });

  it('throws one ConfigError naming every invalid variable', namesEveryInvalidVariable);

  it('refuses a hex secret that is not hex, as the proxy does', () => {
    assert.throws(() => parseConfig({ JWT_SECRET_ENCODING: 'hex', JWT_SECRET: 'zz'.repeat(64) }), /JWT_SECRET: must be hex digits \(0-9, a-f\) when JWT_SECRET_ENCODING=hex, but has "z"/);
  });
});

function usesDocumentedDefaults(): void {
  const config = parseConfig({});
  assert.deepEqual({ ...config, token: undefined }, {
    port: 8081,
    host: '0.0.0.0',
    token: undefined,
    profile: { fileKeys: [], jwksUrl: undefined, jwksCooldownMs: 30_000, issuer: undefined, audiences: undefined },
    requireToken: false,
    clockSkewS: 60,
    maxAgeS: 300,
    journalSize: 1000,
    bodyLimit: 65_536,
    journalFile: undefined,
    logLevel: 'info',
    sessionHeader: 'x-mock-session',
    allowedHosts: new Set(['localhost', '127.0.0.1', '::1', 'mock-upstream', 'mock-strict']),
    sseBufferBytes: 1_048_576,
    faultSeed: undefined,
    signedMethods: new Set(['POST']),
    maxStubs: 100,
    maxStubBytes: 131_072,
  });
  assert.equal(config.token.header, 'x-my-jwt');
  assert.equal(config.token.secretEncoding, 'utf8');
  assert.deepEqual(config.token.key, Buffer.from(DEFAULT_JWT_SECRET, 'utf8'));
}

function namesEveryInvalidVariable(): void {
  assert.throws(
    () =>
      parseConfig({
        HTTP_PORT: '70000',
        JWT_SECRET: 'short',
        JWT_SECRET_ENCODING: 'base64',
        JWT_HEADER: 'bad header',
        MOCK_REQUIRE_TOKEN: 'maybe',
        MOCK_CLOCK_SKEW_S: '-1',
        MOCK_MAX_AGE_S: '0',
        MOCK_JOURNAL_SIZE: 'lots',
        MOCK_BODY_LIMIT: '1.5',
        LOG_LEVEL: 'loud',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.deepEqual(
        error.problems.map((p) => p.variable).sort(),
        [
          'HTTP_PORT',
          'JWT_HEADER',
          'JWT_SECRET',
          'JWT_SECRET_ENCODING',
          'LOG_LEVEL',
          'MOCK_BODY_LIMIT',
          'MOCK_CLOCK_SKEW_S',
          'MOCK_JOURNAL_SIZE',
          'MOCK_MAX_AGE_S',
          'MOCK_REQUIRE_TOKEN',
        ],
      );
      assert.doesNotMatch(error.message, /short/, 'never echoes the secret');
      return true;
    },
  );
}
