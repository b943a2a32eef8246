import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConfigError, DEFAULT_JWT_SECRET, EnvReader } from '../../../contracts/src/index.js';
import { checkPublishedKey, isPublishedKey } from './published-key.js';

test('recognises the published key under either encoding, and nothing else', () => {
  assert.equal(isPublishedKey(Buffer.from(DEFAULT_JWT_SECRET, 'utf8')), true);
  assert.equal(isPublishedKey(Buffer.from(DEFAULT_JWT_SECRET, 'hex')), true);
  assert.equal(isPublishedKey(randomBytes(64)), false);
});

test('refuses the published key under NODE_ENV=production unless JWT_ALLOW_PUBLISHED_SECRET=true', () => {
  const published = Buffer.from(DEFAULT_JWT_SECRET, 'utf8');
  const production = new EnvReader({ NODE_ENV: 'production' });
  assert.equal(checkPublishedKey(production, published), true);
  assert.throws(
    () => production.finish(),
    (err: unknown) => err instanceof ConfigError && err.problems.length === 1 && err.problems[0]?.variable === 'JWT_SECRET',
  );
  const acknowledged = new EnvReader({ NODE_ENV: 'production', JWT_ALLOW_PUBLISHED_SECRET: 'true' });
  assert.equal(checkPublishedKey(acknowledged, published), true);
  acknowledged.finish();
  const development = new EnvReader({});
  assert.equal(checkPublishedKey(development, published), true);
  development.finish();
  const own = new EnvReader({ NODE_ENV: 'production' });
  assert.equal(checkPublishedKey(own, randomBytes(64)), false);
  own.finish();
});
