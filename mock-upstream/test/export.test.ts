/** Export (issue 13): HAR 1.2 checked against har-schema, copy as curl replayed, body download, jti= filter. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import type { AnySchemaObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, NOW_S, rawRequest, startMock } from './helpers.js';
import type { Mock } from './helpers.js';
import { validToken } from './tokens.js';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** A validator for HAR 1.2 from har-schema (draft-06 JSON Schemas, one per HAR object). */
function harValidator(): (value: unknown) => string[] {
  const schemas = require('har-schema') as Record<string, AnySchemaObject>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject);
  addFormats(ajv);
  for (const schema of Object.values(schemas)) ajv.addSchema(schema);
  const validate = ajv.getSchema('har.json#');
  assert.ok(validate, 'har-schema loaded');
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

describe('export', () => {
  let mock: Mock;
  let replay: Mock;
  before(async () => {
    mock = await startMock();
    replay = await startMock();
  });
  after(async () => {
    await mock.close();
    await replay.close();
  });

  it('GET /__mock/requests.har is HAR 1.2 that validates against har-schema, one entry per request, with filters', async () => {
    await fetch(`${mock.base}/har/text?q=1&r=two`, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain', 'x-my-jwt': validToken(NOW_S) } });
    await fetch(`${mock.base}/har/binary`, { method: 'PUT', body: new Uint8Array([0xff, 0x00]) });
    await fetch(`${mock.base}/har/empty`);
    const { status, body, headers } = await getJson<{ log: { version: string; entries: { request: { method: string; url: string; postData?: { text: string }; queryString: unknown[] }; _mock: { verdict: string } }[] } }>(
      `${mock.base}/__mock/requests.har?path=/har/`,
    );
    assert.equal(status, 200);
    assert.equal(headers.get('content-disposition'), 'attachment; filename="mock-upstream.har"');
    assert.deepEqual(harValidator()(body), []);
    assert.equal(body.log.version, '1.2');
    const [empty, binary, text] = body.log.entries;
    assert.equal(text?.request.url, `http://127.0.0.1:${mock.port}/har/text?q=1&r=two`);
    assert.deepEqual(text?.request.queryString, [{ name: 'q', value: '1' }, { name: 'r', value: 'two' }]);
    assert.equal(text?.request.postData?.text, 'hello');
    assert.equal(text?._mock.verdict, 'TOKEN_VALID');
    assert.equal(binary?.request.postData?.text, Buffer.from([0xff, 0x00]).toString('base64'));
    assert.equal(empty?.request.postData, undefined);
  });

  it('copy as curl reproduces the method, target, headers and body bytes (replayed against a second mock)', async () => {
    const body = "line one\nit's \"quoted\" $HOME `x`\n";
    const raw =
      'PATCH /curl/a%2Fb/../c?x=1&y=%20 HTTP/1.1\r\nHost: api.example:8443\r\nX-Custom: one\r\nx-custom: two\r\nX-Empty:\r\n' +
      `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
    const original = JSON.parse((await rawRequest(mock.port, raw)).body) as JournalEntry;
    const curl = await fetch(`${mock.base}/__mock/requests/${original.id}/curl?url=${encodeURIComponent(`${replay.base}${original.url}`)}`);
    assert.equal(curl.headers.get('content-type'), 'text/plain; charset=utf-8');
    const command = await curl.text();
    const { stdout } = await run('bash', ['-c', command], { timeout: 10_000 });
    const again = JSON.parse(stdout) as JournalEntry;
    assert.equal(again.method, 'PATCH');
    assert.equal(again.url, original.url);
    assert.equal(again.body.sha256, original.body.sha256);
    const pairs = (entry: JournalEntry) => {
      const out: string[] = [];
      for (let i = 0; i < entry.rawHeaders.length; i += 2) out.push(`${entry.rawHeaders[i]?.toLowerCase()}: ${entry.rawHeaders[i + 1]}`);
      return out.filter((line) => !line.startsWith('connection:')).sort();
    };
    assert.deepEqual(pairs(again), pairs(original), 'the same headers, no curl defaults added');
  });

  it('copy as curl pipes a binary body through base64', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x0a]);
    const original = (await (await fetch(`${mock.base}/curl/bin`, { method: 'POST', body: bytes })).json()) as JournalEntry;
    const command = await (await fetch(`${mock.base}/__mock/requests/${original.id}/curl?url=${encodeURIComponent(`${replay.base}/curl/bin`)}`)).text();
    assert.match(command, /base64 -d \| curl/);
    const again = JSON.parse((await run('bash', ['-c', command], { timeout: 10_000 })).stdout) as JournalEntry;
    assert.equal(again.body.sha256, original.body.sha256);
  });

  it('curl answers 400 BAD_QUERY given an unknown parameter or a url that is not http(s)', async () => {
    const original = (await (await fetch(`${mock.base}/curl/q`)).json()) as JournalEntry;
    for (const query of ['x=1', 'url=file:///etc/passwd', "url=http://a'b"]) {
      const { status, body } = await getJson<{ error: { code: string } }>(`${mock.base}/__mock/requests/${original.id}/curl?${query}`);
      assert.equal(status, 400, query);
      assert.equal(body.error.code, 'BAD_QUERY');
    }
  });

  it('GET /__mock/requests/:id/body downloads the exact bytes, never rendered (attachment, octet-stream, sandbox)', async () => {
    const html = '<script>alert(1)</script>';
    const original = (await (await fetch(`${mock.base}/dl`, { method: 'POST', body: html, headers: { 'content-type': 'text/html' } })).json()) as JournalEntry;
    const response = await fetch(`${mock.base}/__mock/requests/${original.id}/body`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="${original.id}.body"`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.equal(await response.text(), html);
  });

  it('the body download answers 409 BODY_TRUNCATED for a body over MOCK_BODY_LIMIT, 404 for an unknown entry or action', async () => {
    const small = await startMock({ MOCK_BODY_LIMIT: '4' });
    try {
      const original = (await (await fetch(`${small.base}/big`, { method: 'POST', body: 'too long' })).json()) as JournalEntry;
      const { status, body } = await getJson<{ error: { code: string } }>(`${small.base}/__mock/requests/${original.id}/body`);
      assert.equal(status, 409);
      assert.equal(body.error.code, 'BODY_TRUNCATED');
      assert.match(await (await fetch(`${small.base}/__mock/requests/${original.id}/curl`)).text(), /was over MOCK_BODY_LIMIT/);
      assert.equal((await fetch(`${small.base}/__mock/requests/nope/body`)).status, 404);
      assert.equal((await fetch(`${small.base}/__mock/requests/${original.id}/other`)).status, 404);
    } finally {
      await small.close();
    }
  });

  it('jti= finds the entry whose token carries that jti (the jti in a proxy log line)', async () => {
    const jti = 'log-line-jti-0123456789';
    await fetch(`${mock.base}/jti/a`, { method: 'POST', headers: { 'x-my-jwt': validToken(NOW_S, { jti }) } });
    await fetch(`${mock.base}/jti/b`, { method: 'POST', headers: { 'x-my-jwt': validToken(NOW_S) } });
    const { body } = await getJson<{ requests: JournalEntry[] }>(`${mock.base}/__mock/requests?jti=${jti}`);
    assert.deepEqual(body.requests.map((e) => e.path), ['/jti/a']);
  });
});
