import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, NOW_S, startMock } from './helpers.js';
import type { Mock } from './helpers.js';
import { claimsAt, craft, validToken } from './tokens.js';

type Answer = JournalEntry & { error?: { code: string; message: string } };

describe('MOCK_REQUIRE_TOKEN=true', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock({ MOCK_REQUIRE_TOKEN: 'true' });
  });
  after(() => mock.close());

  it('answers 401 with the verdict code and the entry to a POST without a token, and still records it', async () => {
    const { status, body, headers } = await getJson<Answer>(`${mock.base}/p/none`, { method: 'POST', body: 'x' });
    assert.equal(status, 401);
    assert.deepEqual(body.error, { code: 'TOKEN_MISSING', message: 'no token header was present' });
    assert.equal(body.path, '/p/none');
    assert.equal(body.token.code, 'TOKEN_MISSING');
    assert.equal(headers.get('www-authenticate'), 'JWT realm="mock-upstream", header="x-my-jwt"');
    const recorded = await getJson<JournalEntry>(`${mock.base}/__mock/requests/${body.id}`);
    assert.equal(recorded.status, 200);
  });

  const invalid: [string, string, string][] = [
    ['a stale token', validToken(NOW_S - 301), 'TOKEN_STALE'],
    ['an HS256 token', craft({ header: { alg: 'HS256', typ: 'JWT' }, claims: claimsAt(NOW_S), hash: 'sha256' }), 'ALG_NOT_ALLOWED'],
    ['a malformed token', 'not-a-token', 'TOKEN_MALFORMED'],
  ];
  for (const [name, token, code] of invalid) {
    it(`answers 401 ${code} to a POST with ${name}`, async () => {
      const { status, body } = await getJson<Answer>(`${mock.base}/p/bad`, { method: 'POST', headers: { 'x-my-jwt': token } });
      assert.equal(status, 401);
      assert.equal(body.error?.code, code);
    });
  }

  it('answers 200 to a POST with a valid token', async () => {
    const { status, body } = await getJson<Answer>(`${mock.base}/p/ok`, { method: 'POST', headers: { 'x-my-jwt': validToken(NOW_S) } });
    assert.equal(status, 200);
    assert.equal(body.error, undefined);
    assert.equal(body.token.valid, true);
  });

  it('does not affect other methods', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      assert.equal((await fetch(`${mock.base}/p/other`, { method })).status, 200, method);
    }
  });

  it('lets a fault header turn the valid answer into another status', async () => {
    const response = await fetch(`${mock.base}/p/fault`, { method: 'POST', headers: { 'x-my-jwt': validToken(NOW_S), 'x-mock-status': '502' } });
    assert.equal(response.status, 502);
  });
});

describe('MOCK_REQUIRE_TOKEN=true with MOCK_SIGNED_METHODS=POST,PUT', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock({ MOCK_REQUIRE_TOKEN: 'true', MOCK_SIGNED_METHODS: 'POST,PUT' });
  });
  after(() => mock.close());

  it('refuses a PUT without a token, as the proxy signs PUT there, and still lets a GET through', async () => {
    const put = await getJson<Answer>(`${mock.base}/p/put`, { method: 'PUT', body: 'x' });
    assert.equal(put.status, 401);
    assert.equal(put.body.error?.code, 'TOKEN_MISSING');
    assert.equal((await fetch(`${mock.base}/p/get`)).status, 200);
  });
});
