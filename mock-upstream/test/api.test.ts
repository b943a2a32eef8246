import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, NOW_S, startMock } from './helpers.js';
import type { Mock } from './helpers.js';
import { validToken } from './tokens.js';

type List = { requests: JournalEntry[] };
type ErrorBody = { error: { code: string; message: string } };

describe('journal API', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.close());
  beforeEach(async () => {
    const cleared = await fetch(`${mock.base}/__mock/requests`, { method: 'DELETE' });
    assert.equal(cleared.status, 204);
    await fetch(`${mock.base}/a/1`);
    await fetch(`${mock.base}/a/2`, { method: 'POST', headers: { 'x-my-jwt': validToken(NOW_S) }, body: 'x' });
    await fetch(`${mock.base}/b/3`, { method: 'POST', body: 'y' });
  });

  const paths = (list: List) => list.requests.map((e) => e.path);

  it('lists recorded requests newest first, each the same shape as the echo', async () => {
    const { status, body } = await getJson<List>(`${mock.base}/__mock/requests`);
    assert.equal(status, 200);
    assert.deepEqual(paths(body), ['/b/3', '/a/2', '/a/1']);
    const one = await getJson<JournalEntry>(`${mock.base}/__mock/requests/${encodeURIComponent(body.requests[1]!.id)}`);
    assert.deepEqual(one.body, body.requests[1]);
  });

  it('filters by method, path prefix, validity, code and limit', async () => {
    const list = async (query: string) => paths((await getJson<List>(`${mock.base}/__mock/requests?${query}`)).body);
    assert.deepEqual(await list('method=post'), ['/b/3', '/a/2']);
    assert.deepEqual(await list('path=%2Fa%2F'), ['/a/2', '/a/1']);
    assert.deepEqual(await list('valid=true'), ['/a/2']);
    assert.deepEqual(await list('valid=false'), ['/b/3', '/a/1']);
    assert.deepEqual(await list('code=TOKEN_MISSING&method=GET'), ['/a/1']);
    assert.deepEqual(await list('limit=1'), ['/b/3']);
    assert.deepEqual(await list('method=POST&path=/a&valid=true&limit=5'), ['/a/2']);
  });

  const badQueries: [string, RegExp][] = [
    ['verb=GET', /unknown parameter "verb"/],
    ['limit=1&limit=2', /more than once/],
    ['valid=maybe', /valid must be true or false/],
    ['limit=0', /limit must be an integer from 1/],
    ['limit=ten', /limit must be an integer from 1/],
    ['limit=9999999999', /limit must be an integer from 1/],
    ['code=NOPE', /code must be one of/],
    ['method=G%20T', /method must be an HTTP method/],
  ];
  for (const [query, message] of badQueries) {
    it(`answers 400 BAD_QUERY given ?${query}`, async () => {
      const { status, body } = await getJson<ErrorBody>(`${mock.base}/__mock/requests?${query}`);
      assert.equal(status, 400);
      assert.equal(body.error.code, 'BAD_QUERY');
      assert.match(body.error.message, message);
    });
  }

  it('answers 404 NOT_FOUND for an unknown id, and for an undecodable one', async () => {
    const unknown = await getJson<ErrorBody>(`${mock.base}/__mock/requests/nope`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error: { code: 'NOT_FOUND', message: 'no recorded request with id "nope"' } });
    const broken = await getJson<ErrorBody>(`${mock.base}/__mock/requests/%E0%A4%A`);
    assert.equal(broken.status, 404);
    assert.equal(broken.body.error.message, 'no recorded request with id "%E0%A4%A"');
  });

  it('counts requests by verdict code', async () => {
    const { body } = await getJson<{ total: number; byCode: Record<string, number> }>(`${mock.base}/__mock/stats`);
    assert.equal(body.total, 3);
    assert.equal(body.byCode.TOKEN_MISSING, 2);
    assert.equal(body.byCode.TOKEN_VALID, 1);
    assert.equal(body.byCode.TOKEN_STALE, 0);
  });

  it('DELETE clears the journal and the counts', async () => {
    await fetch(`${mock.base}/__mock/requests`, { method: 'DELETE' });
    assert.deepEqual((await getJson<List>(`${mock.base}/__mock/requests`)).body, { requests: [] });
    assert.equal((await getJson<{ total: number }>(`${mock.base}/__mock/stats`)).body.total, 0);
  });

  it('does not record its own endpoints', async () => {
    await fetch(`${mock.base}/__mock/stats`);
    await fetch(`${mock.base}/healthz`);
    assert.equal((await getJson<List>(`${mock.base}/__mock/requests`)).body.requests.length, 3);
  });

  it('describes its settings for the page', async () => {
    const { body } = await getJson<unknown>(`${mock.base}/__mock/info`);
    assert.deepEqual(body, {
      header: 'x-my-jwt',
      requireToken: false,
      clockSkewS: 60,
      maxAgeS: 300,
      journalSize: 1000,
      bodyLimit: 65536,
      journalFile: false,
      sessionHeader: 'x-mock-session',
      allowedHosts: ['localhost', '127.0.0.1', '::1', 'mock-upstream', 'mock-strict'],
      faultSeed: null,
      stubs: 0,
      waiters: 0,
      subscribers: 0,
      subscribersDropped: 0,
    });
  });

  const wrongMethods: [string, string, string][] = [
    ['POST', '/__mock/requests', 'GET, HEAD, DELETE'],
    ['POST', '/__mock/requests/wait', 'GET'],
    ['POST', '/__mock/requests.har', 'GET, HEAD'],
    ['PUT', '/__mock/stubs', 'GET, HEAD, POST, DELETE'],
    ['POST', '/__mock/stubs/x', 'GET, HEAD, DELETE'],
    ['DELETE', '/__mock/requests/x', 'GET, HEAD'],
    ['PUT', '/__mock/stats', 'GET, HEAD'],
    ['POST', '/__mock/info', 'GET, HEAD'],
    ['POST', '/__mock/events', 'GET'],
    ['POST', '/__mock/', 'GET, HEAD'],
    ['POST', '/healthz', 'GET, HEAD'],
  ];
  for (const [method, path, allow] of wrongMethods) {
    it(`answers 405 with Allow given ${method} ${path}`, async () => {
      const { status, body, headers } = await getJson<ErrorBody>(`${mock.base}${path}`, { method, body: method === 'POST' ? 'ignored' : null });
      assert.equal(status, 405);
      assert.equal(headers.get('allow'), allow);
      assert.equal(body.error.code, 'METHOD_NOT_ALLOWED');
    });
  }

  it('answers 404 JSON for an unknown mock endpoint', async () => {
    const { status, body } = await getJson<ErrorBody>(`${mock.base}/__mock/nope`);
    assert.equal(status, 404);
    assert.deepEqual(body, { error: { code: 'NOT_FOUND', message: 'no such mock endpoint: /__mock/nope' } });
  });
});

describe('health and page', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.close());

  it('GET /healthz answers {"status":"ok"}, with or without a query', async () => {
    for (const url of ['/healthz', '/healthz?probe=1']) {
      const { status, body, headers } = await getJson<unknown>(`${mock.base}${url}`);
      assert.equal(status, 200);
      assert.deepEqual(body, { status: 'ok' });
      assert.equal(headers.get('content-type'), 'application/json; charset=utf-8');
    }
  });

  it('redirects /__mock to /__mock/', async () => {
    const response = await fetch(`${mock.base}/__mock`, { redirect: 'manual' });
    assert.equal(response.status, 308);
    assert.equal(response.headers.get('location'), '/__mock/');
  });

  const files: [string, string, RegExp][] = [
    ['/__mock/', 'text/html; charset=utf-8', /<table id="requests">/],
    ['/__mock/index.html', 'text/html; charset=utf-8', /<aside id="detail"/],
    ['/__mock/app.js', 'text/javascript; charset=utf-8', /EventSource/],
    ['/__mock/style.css', 'text/css; charset=utf-8', /prefers-color-scheme: dark/],
  ];
  for (const [path, type, content] of files) {
    it(`serves ${path} as ${type.split(';')[0]}`, async () => {
      const response = await fetch(`${mock.base}${path}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), type);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.match(await response.text(), content);
    });
  }

  it('gives the page an inline favicon, so the browser never requests /favicon.ico', async () => {
    const html = await (await fetch(`${mock.base}/__mock/`)).text();
    assert.match(html, /<link rel="icon" href="data:image\/svg\+xml,/);
    assert.match(html, /data-field="user"/);
    assert.match(html, /data-field="date"/);
  });

  it('answers HEAD for the page without a body', async () => {
    const response = await fetch(`${mock.base}/__mock/`, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });
});

describe('page files missing', () => {
  it('answers 503 PAGE_UNAVAILABLE for the page and warns once at start', async () => {
    const mock = await startMock({}, { webDir: new URL('file:///nonexistent/web/') });
    try {
      const page = await getJson<ErrorBody>(`${mock.base}/__mock/`);
      assert.equal(page.status, 503);
      assert.equal(page.body.error.code, 'PAGE_UNAVAILABLE');
      assert.equal((await fetch(`${mock.base}/__mock/app.js`)).status, 404);
      assert.equal(mock.logs.filter((l) => l.level === 'warn').length, 1);
    } finally {
      await mock.close();
    }
  });
});
