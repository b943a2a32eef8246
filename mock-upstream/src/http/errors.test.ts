import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { errorBody, JSON_HEADERS, MOCK_ERRORS, sendError } from './errors.js';
import type { MockErrorCode } from './errors.js';

/** The table, restated: a change to a code's status must be made here too, on purpose. */
const EXPECTED: Record<MockErrorCode, number> = {
  BAD_QUERY: 400,
  STUB_INVALID: 400,
  FAULT_HEADER_INVALID: 400,
  HOST_NOT_ALLOWED: 403,
  CROSS_SITE_REFUSED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  WAIT_TIMEOUT: 408,
  BODY_TRUNCATED: 409,
  TOO_MANY_STUBS: 409,
  STUB_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  PAGE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
};

/** Captures what sendError writes. */
function capture(): { res: ServerResponse; sent: { status: number; headers: Record<string, unknown>; body: string } } {
  const sent = { status: 0, headers: {} as Record<string, unknown>, body: '' };
  const res = {
    writeHead(status: number, headers: Record<string, unknown>) {
      sent.status = status;
      sent.headers = headers;
      return this;
    },
    end(body: Buffer) {
      sent.body = body.toString('utf8');
    },
  } as unknown as ServerResponse;
  return { res, sent };
}

describe('mock error table', () => {
  for (const [code, status] of Object.entries(EXPECTED) as [MockErrorCode, number][]) {
    it(`${code} answers ${status} with the envelope and the table's message`, () => {
      const { res, sent } = capture();
      sendError(res, code);
      assert.equal(sent.status, status);
      assert.deepEqual(JSON.parse(sent.body), { error: { code, message: MOCK_ERRORS[code].message } });
      assert.equal(sent.headers['x-content-type-options'], 'nosniff');
      assert.equal(sent.headers['content-type'], JSON_HEADERS['content-type']);
    });
  }

  it('has exactly the codes above', () => {
    assert.deepEqual(Object.keys(MOCK_ERRORS).sort(), Object.keys(EXPECTED).sort());
  });

  it('a specific message replaces the default, and extra fields sit beside error', () => {
    const { res, sent } = capture();
    sendError(res, 'WAIT_TIMEOUT', '1 of 2 arrived', { requests: [] });
    assert.deepEqual(JSON.parse(sent.body), { error: { code: 'WAIT_TIMEOUT', message: '1 of 2 arrived' }, requests: [] });
    assert.deepEqual(errorBody('NOT_FOUND'), { error: { code: 'NOT_FOUND', message: 'no such mock endpoint or entry' } });
  });
});
