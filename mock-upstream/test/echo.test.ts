import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, NOW_S, rawRequest, startMock } from './helpers.js';
import type { Mock } from './helpers.js';
import { claimsAt, craft, validToken } from './tokens.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('echo', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock({ MOCK_BODY_LIMIT: '32' });
  });
  after(() => mock.close());

  it('answers 200 with the whole entry for a signed POST, exactly as received', async () => {
    const claims = claimsAt(NOW_S);
    const token = craft({ claims });
    const body = '{"a":1}';
    const response = await rawRequest(
      mock.port,
      `POST /api/x%20y?q=1&b=%2F HTTP/1.1\r\nHost: upstream\r\nX-My-JWT: ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(response.headers['x-mock-entry-id'], 'e1');
    assert.equal(response.headers['x-mock-verdict'], 'TOKEN_VALID');
    const expected: JournalEntry = {
      id: 'e1',
      receivedAt: '2026-11-29T12:00:00.000Z',
      method: 'POST',
      url: '/api/x%20y?q=1&b=%2F',
      path: '/api/x%20y',
      query: 'q=1&b=%2F',
      httpVersion: '1.1',
      headers: {
        host: 'upstream',
        'x-my-jwt': token,
        'content-type': 'application/json',
        'content-length': String(body.length),
        connection: 'close',
      },
      rawHeaders: ['Host', 'upstream', 'X-My-JWT', token, 'Content-Type', 'application/json', 'Content-Length', String(body.length), 'Connection', 'close'],
      body: { bytes: 7, sha256: sha256(body), text: body, truncated: false },
      token: { present: true, valid: true, code: 'TOKEN_VALID', message: 'the token is valid', header: { alg: 'HS512', typ: 'JWT' }, claims },
      replayed: false,
    };
    assert.deepEqual(JSON.parse(response.body), expected);
    const recorded = await getJson<JournalEntry>(`${mock.base}/__mock/requests/e1`);
    assert.deepEqual(recorded.body, expected);
  });

  it('records a GET without a token and answers it 200 (GETs carry none by design)', async () => {
    const { status, body } = await getJson<JournalEntry>(`${mock.base}/some/page`);
    assert.equal(status, 200);
    assert.equal(body.method, 'GET');
    assert.equal(body.query, '');
    assert.deepEqual(body.token, {
      present: false,
      valid: false,
      code: 'TOKEN_MISSING',
      message: 'no token header was present',
      // Issue 23: GET is outside MOCK_SIGNED_METHODS (default POST), so no token was expected.
      expected: false,
      detail: {
        check: 'presence',
        summary: "unsigned, as configured: GET is not a signed method (MOCK_SIGNED_METHODS=POST, the proxy's JWT_METHODS), so the proxy sends it without a token",
      },
    });
    assert.deepEqual(body.body, { bytes: 0, sha256: sha256(''), text: '', truncated: false });
  });

  it('keeps repeated headers in order: an array under headers, every pair in rawHeaders', async () => {
    const response = await rawRequest(
      mock.port,
      'GET /r HTTP/1.1\r\nHost: h\r\nX-Multi: one\r\nx-multi: two\r\nX-MULTI: three\r\nConnection: close\r\n\r\n',
    );
    const entry = JSON.parse(response.body) as JournalEntry;
    assert.deepEqual(entry.headers['x-multi'], ['one', 'two', 'three']);
    assert.deepEqual(entry.rawHeaders, ['Host', 'h', 'X-Multi', 'one', 'x-multi', 'two', 'X-MULTI', 'three', 'Connection', 'close']);
  });

  it('answers TOKEN_MULTIPLE when the token header is sent twice', async () => {
    const token = validToken(NOW_S);
    const response = await rawRequest(mock.port, `POST /t HTTP/1.1\r\nHost: h\r\nx-my-jwt: ${token}\r\nX-My-Jwt: ${token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    const entry = JSON.parse(response.body) as JournalEntry;
    assert.equal(entry.token.code, 'TOKEN_MULTIPLE');
    assert.deepEqual(entry.headers['x-my-jwt'], [token, token]);
  });

  it('marks a replayed token in the echo and the journal', async () => {
    const token = validToken(NOW_S);
    const first = await getJson<JournalEntry>(`${mock.base}/replay`, { method: 'POST', headers: { 'x-my-jwt': token } });
    const second = await getJson<JournalEntry>(`${mock.base}/replay`, { method: 'POST', headers: { 'x-my-jwt': token } });
    assert.equal(first.body.replayed, false);
    assert.equal(second.body.token.code, 'TOKEN_REPLAYED');
    assert.equal(second.body.replayed, true);
    assert.equal(second.status, 200);
  });

  it('records a binary body as base64 with its sha256', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x01]);
    const { body } = await getJson<JournalEntry>(`${mock.base}/bin`, { method: 'POST', body: bytes });
    assert.deepEqual(body.body, { bytes: 5, sha256: sha256(bytes), base64: bytes.toString('base64'), truncated: false });
  });

  it('keeps UTF-8 text exactly, including a byte order mark', async () => {
    const text = '\ufeffhéllo wörld ✓';
    const { body } = await getJson<JournalEntry>(`${mock.base}/text`, { method: 'POST', body: text });
    assert.equal(body.body.text, text);
    assert.equal(body.body.bytes, Buffer.byteLength(text));
  });

  it('keeps a body exactly at the limit', async () => {
    const text = 'x'.repeat(32);
    const { body } = await getJson<JournalEntry>(`${mock.base}/limit`, { method: 'POST', body: text });
    assert.deepEqual(body.body, { bytes: 32, sha256: sha256(text), text, truncated: false });
  });

  it('records only size and sha256 of a body over the limit, streamed in chunks', async () => {
    const chunks = ['a'.repeat(20), 'b'.repeat(20), 'c'.repeat(1000)];
    const wire = chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('') + '0\r\n\r\n';
    const response = await rawRequest(mock.port, `POST /big HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${wire}`);
    const entry = JSON.parse(response.body) as JournalEntry;
    assert.deepEqual(entry.body, { bytes: 1040, sha256: sha256(chunks.join('')), truncated: true });
  });

  it('records the raw request-target of an absolute-form request and an HTTP/1.0 version', async () => {
    const response = await rawRequest(mock.port, 'GET http://example.test/p/q?x=1 HTTP/1.0\r\nHost: example.test\r\n\r\n');
    const entry = JSON.parse(response.body) as JournalEntry;
    assert.equal(entry.url, 'http://example.test/p/q?x=1');
    assert.equal(entry.path, 'http://example.test/p/q');
    assert.equal(entry.query, 'x=1');
    assert.equal(entry.httpVersion, '1.0');
  });

  it('does not record a request whose client went away mid-body, and keeps serving', async () => {
    const before = (await getJson<{ total: number }>(`${mock.base}/__mock/stats`)).body.total;
    await rawRequest(mock.port, 'POST /gone HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly a part', { hangUp: true });
    const { body } = await getJson<{ total: number }>(`${mock.base}/__mock/stats`);
    assert.equal(body.total, before);
    const list = await getJson<{ requests: JournalEntry[] }>(`${mock.base}/__mock/requests?path=/gone`);
    assert.deepEqual(list.body.requests, []);
  });
});

describe('echo with a failing dependency', () => {
  it('answers 500 with a JSON error and no internals when recording fails', async () => {
    const mock = await startMock({}, {
      randomId: () => {
        throw new Error('secret internals');
      },
    });
    try {
      const response = await getJson<unknown>(`${mock.base}/x`);
      assert.equal(response.status, 500);
      assert.deepEqual(response.body, { error: { code: 'INTERNAL', message: 'the mock upstream failed to handle this request' } });
      assert.ok(mock.logs.some((l) => l.level === 'error'));
    } finally {
      await mock.close();
    }
  });
});
