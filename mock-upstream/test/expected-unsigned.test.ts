// Issue 23, item 5: a request the proxy rightly left unsigned (its method is outside
// MOCK_SIGNED_METHODS, the proxy's JWT_METHODS) is recorded as unsigned, as expected
// (`expected: false`, code still TOKEN_MISSING); a signed method without a token is still a failure.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, startMock } from './helpers.js';
import type { Mock } from './helpers.js';

describe('MOCK_SIGNED_METHODS', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock({ MOCK_SIGNED_METHODS: 'POST,PUT' });
  });
  after(() => mock.close());

  const cases: [string, boolean][] = [
    ['GET', true],
    ['DELETE', true],
    ['POST', false],
    ['PUT', false],
  ];
  for (const [method, expectedUnsigned] of cases) {
    it(`records a ${method} without a token as ${expectedUnsigned ? 'unsigned, as expected' : 'TOKEN_MISSING, a failure'}`, async () => {
      const { body } = await getJson<JournalEntry>(`${mock.base}/u/${method}`, { method, ...(method === 'GET' ? {} : { body: 'x' }) });
      const { body: recorded } = await getJson<JournalEntry>(`${mock.base}/__mock/requests/${body.id}`);
      assert.equal(recorded.token.code, 'TOKEN_MISSING');
      assert.equal(recorded.token.valid, false);
      assert.equal(recorded.token.expected, expectedUnsigned ? false : undefined);
      assert.equal(recorded.token.detail?.check, 'presence');
      if (expectedUnsigned) assert.match(recorded.token.detail?.summary ?? '', /^unsigned, as configured: /);
    });
  }
});
