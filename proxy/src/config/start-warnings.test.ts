import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from './config.js';
import { startWarnings } from './start-warnings.js';

const OWN_SECRET = 'k'.repeat(64);

test('warns about the published key and about PROXY_ALLOWED_HOSTS=*', () => {
  assert.deepEqual(
    startWarnings(parseConfig({ PROXY_ALLOWED_HOSTS: '*' }, 1)).map((warning) => warning.code),
    ['PUBLISHED_SECRET', 'ANY_FORWARD_HOST'],
  );
});

test('warns about nothing given an own key and the default allowlist', () => {
  assert.deepEqual(startWarnings(parseConfig({ JWT_SECRET: OWN_SECRET }, 1)), []);
  assert.deepEqual(startWarnings(parseConfig({ JWT_SECRET: OWN_SECRET, PROXY_ALLOWED_HOSTS: '*.example.com' }, 1)), []);
});
