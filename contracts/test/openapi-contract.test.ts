import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenApiContract, type ObservedResponse } from '../testing/openapi-contract.js';

const contract = OpenApiContract.load();
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const JSON_TYPE: readonly [string, string] = ['Content-Type', 'application/json; charset=utf-8'];

function observe(partial: Partial<ObservedResponse> & Pick<ObservedResponse, 'role' | 'target'>): ObservedResponse {
  return { method: 'GET', status: 200, headers: [JSON_TYPE], body: Buffer.alloc(0), ...partial };
}

const entry = {
  id: 'e1',
  receivedAt: '2026-12-01T21:00:00.000Z',
  method: 'POST',
  url: '/a?b=1',
  path: '/a',
  query: 'b=1',
  httpVersion: '1.1',
  headers: { host: 'x', 'x-dup': ['1', '2'] },
  rawHeaders: ['Host', 'x', 'x-dup', '1', 'x-dup', '2'],
  body: { bytes: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', text: '', truncated: false },
  token: { present: false, valid: false, code: 'TOKEN_MISSING', message: 'no token header was present' },
  replayed: false,
};
const status = { startedAt: '2026-12-01T21:00:00.000Z', uptimeSeconds: 1.5, requestsProcessed: 3, inFlight: 0 };

test('a /status JSON body with every field conforms; one missing field or an extra one does not', () => {
  assert.deepEqual(contract.check(observe({ role: 'proxy', target: '/status', body: json(status), headers: [JSON_TYPE, ['Cache-Control', 'no-store']] })), []);
  const { inFlight: _gone, ...missing } = status;
  assert.match(contract.check(observe({ role: 'proxy', target: '/status?x', body: json(missing) })).join('\n'), /must have required property 'inFlight'/);
  assert.match(contract.check(observe({ role: 'proxy', target: '/status', body: json({ ...status, extra: 1 }) })).join('\n'), /unevaluated properties/);
});

test('the cluster /status with workers conforms, and the HTML form is a documented media type', () => {
  const workers = [{ ...status, worker: 1, pid: 10 }];
  assert.deepEqual(contract.check(observe({ role: 'proxy', target: '/status', body: json({ ...status, workers }) })), []);
  assert.deepEqual(contract.check(observe({ role: 'proxy', target: '/status', headers: [['content-type', 'text/html; charset=utf-8']], body: Buffer.from('<!doctype html>') })), []);
  assert.match(contract.check(observe({ role: 'proxy', target: '/status', headers: [['content-type', 'text/plain']], body: Buffer.from('x') })).join(''), /content-type "text\/plain" is not documented/);
});

test('a header declared with a schema is validated: Cache-Control on /status must be no-store', () => {
  const problems = contract.check(observe({ role: 'proxy', target: '/status', body: json(status), headers: [JSON_TYPE, ['cache-control', 'max-age=60']] }));
  assert.match(problems.join('\n'), /header Cache-Control: \(root\) must be equal to constant/);
});

test('a proxy error body must carry a code of errors.ts and nothing else', () => {
  const body = (code: string, extra = {}): Buffer => json({ error: { code, message: 'm', ...extra } });
  assert.deepEqual(contract.check(observe({ role: 'proxy', method: 'POST', target: '/x', status: 504, body: body('UPSTREAM_TIMEOUT') })), []);
  assert.match(contract.check(observe({ role: 'proxy', method: 'POST', target: '/x', status: 502, body: body('UPSTREAM_GONE') })).join('\n'), /anyOf/);
  assert.match(contract.check(observe({ role: 'proxy', method: 'POST', target: '/x', status: 502, body: body('UPSTREAM_RESET', { stack: 'at x' }) })).join('\n'), /additional properties/);
});

test('an absolute-form target at the proxy is a forwarded request, even for /status', () => {
  const problems = contract.check(observe({ role: 'proxy', target: 'http://mock:8081/status', body: json(entry), headers: [JSON_TYPE, ['x-mock-verdict', 'TOKEN_MISSING']] }));
  assert.deepEqual(problems, []);
  assert.match(contract.check(observe({ role: 'proxy', target: 'http://mock:8081/status', body: json(status) })).join('\n'), /forwardRequest\) 200 body: \(root\) must have required property .id./);
});

test('a recorded request must have the entry shape; a verdict code outside the list is refused', () => {
  assert.deepEqual(contract.check(observe({ role: 'mock', method: 'POST', target: '/a?b=1', body: json(entry) })), []);
  const bad = { ...entry, token: { ...entry.token, code: 'TOKEN_GOOD' } };
  assert.match(contract.check(observe({ role: 'mock', method: 'POST', target: '/a', body: json(bad) })).join('\n'), /token\/code must be equal to one of the allowed values/);
  assert.match(contract.check(observe({ role: 'mock', method: 'PATCH', target: '/a', body: json({ ...entry, secret: 'x' }) })).join('\n'), /unevaluated properties/);
});

test('the 401 of a strict mock is the entry plus error, with WWW-Authenticate required', () => {
  const body = json({ error: { code: 'SIGNATURE_INVALID', message: 'm' }, ...entry });
  assert.deepEqual(contract.check(observe({ role: 'mock', method: 'POST', target: '/a', status: 401, body, headers: [JSON_TYPE, ['WWW-Authenticate', 'JWT realm="m"']] })), []);
  assert.match(contract.check(observe({ role: 'mock', method: 'POST', target: '/a', status: 401, body })).join('\n'), /required header WWW-Authenticate is missing/);
});

test('the mock answers an undeclared method with 405 MockError and an unknown /__mock/ path with 404', () => {
  const error = (code: string): Buffer => json({ error: { code, message: 'm' } });
  assert.deepEqual(contract.check(observe({ role: 'mock', method: 'POST', target: '/__mock/stats', status: 405, body: error('METHOD_NOT_ALLOWED') })), []);
  assert.match(contract.check(observe({ role: 'mock', method: 'POST', target: '/__mock/stats', status: 200, body: json(entry) })).join('\n'), /undeclared method\): status 200 is not documented/);
  assert.deepEqual(contract.check(observe({ role: 'mock', target: '/__mock/nope', status: 404, body: error('NOT_FOUND') })), []);
  assert.match(contract.check(observe({ role: 'mock', target: '/__mock/nope', status: 404, body: error('GONE') })).join('\n'), /must be equal to one of the allowed values/);
});

test('concrete paths win over templates, a templated path segment is one segment', () => {
  assert.deepEqual(contract.check(observe({ role: 'mock', target: '/__mock/requests?limit=1', body: json({ requests: [entry] }) })), []);
  assert.deepEqual(contract.check(observe({ role: 'mock', target: '/__mock/requests/e1', body: json(entry) })), []);
  assert.deepEqual(contract.check(observe({ role: 'mock', target: '/__mock/app.js', headers: [['content-type', 'text/javascript; charset=utf-8']], body: Buffer.from('1') })), []);
  assert.match(contract.check(observe({ role: 'mock', target: '/__mock/requests/a/b', status: 200, body: json(entry) })).join('\n'), /unknown \/__mock\/ path\): status 200/);
});

test('an undocumented status, a body where none is documented, and a non-JSON JSON body are problems', () => {
  assert.match(contract.check(observe({ role: 'mock', target: '/healthz', status: 500, body: json({ status: 'ok' }) })).join(''), /getHealth\): status 500 is not documented/);
  assert.match(contract.check(observe({ role: 'mock', method: 'DELETE', target: '/__mock/requests', status: 204, body: Buffer.alloc(0) })).join(''), /^$/);
  assert.match(contract.check(observe({ role: 'mock', target: '/__mock', status: 308, headers: [['Location', '/__mock/']], body: Buffer.from('x') })).join(''), /documents no body, got 1 bytes/);
  assert.match(contract.check(observe({ role: 'mock', target: '/healthz', body: Buffer.from('{oops') })).join(''), /the body is not JSON/);
});

test('HEAD responses and 204s are not checked for a body; a required header still is', () => {
  assert.deepEqual(contract.check(observe({ role: 'proxy', method: 'HEAD', target: '/healthz', body: Buffer.alloc(0) })), []);
  assert.match(contract.check(observe({ role: 'mock', target: '/__mock', status: 308, headers: [], body: Buffer.alloc(0) })).join(''), /required header Location is missing/);
});

test('version is the document info.version', () => {
  assert.match(contract.version, /^\d+\.\d+\.\d+$/);
});
