import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, startMock } from './helpers.js';
import type { Mock } from './helpers.js';

type StubView = { id: string; used: number; remaining: number | null; status: number };
type ErrorBody = { error: { code: string; message: string } };

describe('stubs (/__mock/stubs)', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.close());
  beforeEach(async () => {
    await fetch(`${mock.base}/__mock/stubs`, { method: 'DELETE' });
  });

  const define = (stub: unknown): Promise<{ status: number; body: StubView & ErrorBody }> =>
    getJson(`${mock.base}/__mock/stubs`, { method: 'POST', body: JSON.stringify(stub), headers: { 'content-type': 'application/json' } });

  it('POST creates a stub (201, with id and remaining) that answers matching requests with its status, headers and text body', async () => {
    const created = await define({ method: 'POST', path: '/orders', status: 201, headers: { 'x-from': 'stub' }, body: 'created', times: 2 });
    assert.equal(created.status, 201);
    assert.equal(created.body.remaining, 2);
    const response = await fetch(`${mock.base}/orders`, { method: 'POST', body: 'x' });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('x-from'), 'stub');
    assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(response.headers.get('x-mock-stub-id'), created.body.id);
    assert.equal(await response.text(), 'created');
    const entry = (await getJson<JournalEntry>(`${mock.base}/__mock/requests/${response.headers.get('x-mock-entry-id')}`)).body;
    assert.equal(entry.stubId, created.body.id, 'the entry records the stub that answered');
  });

  it('the first matching stub wins, and times limits how often it answers; then the next one or the echo', async () => {
    const first = await define({ pathPrefix: '/p/', status: 202, times: 1 });
    const second = await define({ pathPrefix: '/p/', status: 203 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${mock.base}/p/${i}`)).status);
    assert.deepEqual(statuses, [202, 203, 203]);
    const list = await getJson<{ stubs: StubView[] }>(`${mock.base}/__mock/stubs`);
    assert.deepEqual(
      list.body.stubs.map((s) => [s.id, s.used, s.remaining]),
      [
        [first.body.id, 1, 0],
        [second.body.id, 2, null],
      ],
    );
  });

  it('without a body a stub answers the echo with its status; with base64 the exact bytes', async () => {
    await define({ path: '/echo-stub', status: 418 });
    const echo = await fetch(`${mock.base}/echo-stub`);
    assert.equal(echo.status, 418);
    assert.equal(((await echo.json()) as JournalEntry).path, '/echo-stub');
    await define({ path: '/bin', body: { base64: Buffer.from([0, 1, 254, 255]).toString('base64') } });
    const bin = await fetch(`${mock.base}/bin`);
    assert.equal(bin.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual([...new Uint8Array(await bin.arrayBuffer())], [0, 1, 254, 255]);
  });

  it('matches on method, exact path and session', async () => {
    await define({ method: 'PUT', path: '/m', session: 's1', status: 299 });
    assert.equal((await fetch(`${mock.base}/m`, { method: 'PUT', headers: { 'x-mock-session': 's1' } })).status, 299);
    assert.equal((await fetch(`${mock.base}/m`, { method: 'PUT', headers: { 'x-mock-session': 's2' } })).status, 200);
    assert.equal((await fetch(`${mock.base}/m`, { method: 'POST', headers: { 'x-mock-session': 's1' } })).status, 200);
    assert.equal((await fetch(`${mock.base}/m/x`, { method: 'PUT', headers: { 'x-mock-session': 's1' } })).status, 200);
  });

  it('without stubs the echo stays the answer', async () => {
    const response = await fetch(`${mock.base}/plain`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-mock-stub-id'), null);
    assert.equal('stubId' in ((await response.json()) as JournalEntry), false);
  });

  it('a stub delay holds the answer', async () => {
    await define({ path: '/slow', delayMs: 30 });
    const started = performance.now();
    await fetch(`${mock.base}/slow`);
    assert.ok(performance.now() - started >= 25);
  });

  it('GET/DELETE /__mock/stubs/:id show and remove one stub; DELETE ?session= removes that session’s', async () => {
    const one = await define({ path: '/one', session: 'a' });
    await define({ path: '/two', session: 'b' });
    assert.equal((await getJson<StubView>(`${mock.base}/__mock/stubs/${one.body.id}`)).body.id, one.body.id);
    assert.equal((await fetch(`${mock.base}/__mock/stubs?session=b`, { method: 'DELETE' })).status, 204);
    assert.deepEqual((await getJson<{ stubs: StubView[] }>(`${mock.base}/__mock/stubs`)).body.stubs.map((s) => s.id), [one.body.id]);
    assert.equal((await fetch(`${mock.base}/__mock/stubs/${one.body.id}`, { method: 'DELETE' })).status, 204);
    const gone = await getJson<ErrorBody>(`${mock.base}/__mock/stubs/${one.body.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'NOT_FOUND');
  });

  const bad: [string, unknown, string][] = [
    ['a status outside 200..599', { status: 99 }, 'status: must be a final status from 200 to 599'],
    ['path and pathPrefix together', { path: '/a', pathPrefix: '/a' }, 'pathPrefix: give path or pathPrefix, not both'],
    ['a path without a leading slash', { path: 'a' }, 'path: must start with /'],
    ['an unknown field', { stauts: 200 }, '(the whole value): Unrecognized key: "stauts"'],
    ['a framing header', { headers: { 'Content-Length': '3' } }, 'headers.Content-Length: is set by the mock (framing)'],
    ['an unknown fault', { fault: { type: 'explode' } }, 'fault.type'],
    ['a fault parameter out of range', { fault: { type: 'dribble', bytes: 0 } }, 'fault.bytes'],
    ['times 0', { times: 0 }, 'times: must be at least 1'],
    ['a body that is not base64', { body: { base64: '***' } }, 'body'],
  ];
  for (const [what, stub, path] of bad) {
    it(`answers 400 STUB_INVALID naming the field given ${what}`, async () => {
      const { status, body } = await define(stub);
      assert.equal(status, 400);
      assert.equal(body.error.code, 'STUB_INVALID');
      assert.ok(body.error.message.startsWith(path), `${body.error.message} starts with ${path}`);
      assert.deepEqual((await getJson<{ stubs: unknown[] }>(`${mock.base}/__mock/stubs`)).body.stubs, [], 'nothing defined');
    });
  }

  it('answers 400 STUB_INVALID given a JSON-typed body that is not JSON', async () => {
    const notJson = await getJson<ErrorBody>(`${mock.base}/__mock/stubs`, { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    assert.deepEqual(notJson.body, { error: { code: 'STUB_INVALID', message: '(the whole value): is not JSON' } });
  });

  // Issue #21, item 1: a cross-origin page can POST text/plain (a "simple" request) without a preflight.
  for (const type of [undefined, 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
    it(`answers 415 UNSUPPORTED_MEDIA_TYPE and plants nothing given a valid stub sent as ${type ?? 'no Content-Type'}`, async () => {
      const refused = await getJson<ErrorBody>(`${mock.base}/__mock/stubs`, {
        method: 'POST',
        body: new TextEncoder().encode(JSON.stringify({ path: '/x', headers: { 'content-type': 'text/html' }, body: '<script>1</script>' })),
        headers: type === undefined ? {} : { 'content-type': type },
      });
      assert.equal(refused.status, 415);
      assert.equal(refused.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
      assert.deepEqual((await getJson<{ stubs: unknown[] }>(`${mock.base}/__mock/stubs`)).body.stubs, [], 'nothing defined');
    });
  }

  it('accepts application/json with parameters, in any case', async () => {
    const created = await getJson<StubView>(`${mock.base}/__mock/stubs`, { method: 'POST', body: '{}', headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
    assert.equal(created.status, 201);
  });

  it('stub answers are sandboxed documents (CSP sandbox) unless the stub sets its own CSP; the JSON echo is nosniff instead', async () => {
    await define({ path: '/html', headers: { 'content-type': 'text/html' }, body: '<script>1</script>' });
    await define({ path: '/own-csp', headers: { 'Content-Security-Policy': "script-src 'none'" }, body: 'x' });
    await define({ path: '/echoed-with-status', status: 201 });
    assert.equal((await fetch(`${mock.base}/html`)).headers.get('content-security-policy'), 'sandbox');
    assert.equal((await fetch(`${mock.base}/own-csp`)).headers.get('content-security-policy'), "script-src 'none'");
    for (const path of ['/echoed-with-status', '/no-stub']) {
      const echo = await fetch(`${mock.base}${path}`);
      assert.equal(echo.headers.get('content-security-policy'), null, path);
      assert.equal(echo.headers.get('content-type'), 'application/json; charset=utf-8', path);
      assert.equal(echo.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });
});

// Issue #21, item 3: 1,200 stubs of 149 KB were all accepted (RSS 90 -> 434 MB).
describe('stub limits (MOCK_MAX_STUBS, MOCK_MAX_STUB_BYTES)', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock({ MOCK_MAX_STUBS: '3', MOCK_MAX_STUB_BYTES: '1024' });
  });
  after(() => mock.close());

  const post = (body: string): Promise<{ status: number; body: StubView & ErrorBody }> =>
    getJson(`${mock.base}/__mock/stubs`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('answers 413 STUB_TOO_LARGE given a definition one byte over MOCK_MAX_STUB_BYTES, and accepts one at it', async () => {
    const at = JSON.stringify({ body: 'x'.repeat(1024 - '{"body":""}'.length) });
    assert.equal(at.length, 1024);
    const accepted = await post(at);
    assert.equal(accepted.status, 201);
    const over = await post(JSON.stringify({ body: 'x'.repeat(1025 - '{"body":""}'.length) }));
    assert.equal(over.status, 413);
    assert.equal(over.body.error.code, 'STUB_TOO_LARGE');
    assert.match(over.body.error.message, /over 1024 bytes \(MOCK_MAX_STUB_BYTES\)/);
    await fetch(`${mock.base}/__mock/stubs/${accepted.body.id}`, { method: 'DELETE' });
  });

  it('answers 409 TOO_MANY_STUBS past MOCK_MAX_STUBS (spent stubs count until deleted), and accepts again after a DELETE', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(JSON.stringify({ path: `/s${i}`, times: 1 }))).status);
    assert.deepEqual(statuses, [201, 201, 201, 409, 409]);
    const refused = await post('{}');
    assert.equal(refused.body.error.code, 'TOO_MANY_STUBS');
    assert.match(refused.body.error.message, /3 stubs are defined \(MOCK_MAX_STUBS\)/);
    await fetch(`${mock.base}/s0`);
    assert.equal((await post('{}')).status, 409, 'a spent stub still counts');
    assert.equal((await getJson<{ stubs: unknown[] }>(`${mock.base}/__mock/stubs`)).body.stubs.length, 3);
    await fetch(`${mock.base}/__mock/stubs`, { method: 'DELETE' });
    assert.equal((await post('{}')).status, 201);
  });
});
