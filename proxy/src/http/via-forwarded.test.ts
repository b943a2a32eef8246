import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { allowedMethods, maxForwards, traceEcho } from './max-forwards.js';
import { appendVia, applyForwardedHeaders, createApplyForwardedHeaders, createViaEntries, forwardedNode, forwardedValue, normaliseAddress, viaContains, viaEntry } from './via-forwarded.js';

test('Via: appends our entry after earlier ones', () => {
  assert.equal(viaEntry('1.1', 'jwt-proxy'), '1.1 jwt-proxy');
  assert.equal(appendVia(undefined, '1.1 p'), '1.1 p');
  assert.equal(appendVia('  ', '1.1 p'), '1.1 p');
  assert.equal(appendVia('1.0 fred, 1.1 nowhere.com (Apache/1.1)', '1.1 p'), '1.0 fred, 1.1 nowhere.com (Apache/1.1), 1.1 p');
  assert.equal(appendVia(['1.0 a', '1.1 b'], '1.1 p'), '1.0 a, 1.1 b, 1.1 p');
});

test('Via: finds our pseudonym as a received-by, in any case, ignoring comments', () => {
  assert.equal(viaContains('1.1 other, 1.1 JWT-Proxy', 'jwt-proxy'), true);
  assert.equal(viaContains('HTTP/1.1 jwt-proxy (a, b)', 'jwt-proxy'), true);
  assert.equal(viaContains('1.1 other (via jwt-proxy, really)', 'jwt-proxy'), false);
  assert.equal(viaContains('1.1 jwt-proxy-2', 'jwt-proxy'), false);
  assert.equal(viaContains(undefined, 'jwt-proxy'), false);
  assert.equal(viaContains(['1.1 a', '1.1 jwt-proxy'], 'jwt-proxy'), true);
  assert.equal(viaContains('garbage', 'jwt-proxy'), false);
});

test('addresses: IPv4-mapped IPv6 is unwrapped; IPv6 is bracketed and quoted in Forwarded', () => {
  assert.equal(normaliseAddress('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(normaliseAddress('::1'), '::1');
  assert.equal(normaliseAddress(undefined), 'unknown');
  assert.equal(normaliseAddress(''), 'unknown');
  assert.equal(forwardedNode('::1'), '"[::1]"');
  assert.equal(forwardedNode('10.0.0.1'), '10.0.0.1');
  assert.equal(forwardedValue('example.com'), 'example.com');
  assert.equal(forwardedValue('example.com:8080'), '"example.com:8080"');
  assert.equal(forwardedValue('a"b\\c d'), '"a\\"b\\\\c d"');
});

test('X-Forwarded-* and Forwarded replace client values when untrusted', () => {
  const headers: IncomingHttpHeaders = {
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil',
    forwarded: 'for=6.6.6.6',
  };
  applyForwardedHeaders(headers, { clientAddress: '::1', proto: 'http', host: 'h:8080', trust: false });
  assert.deepEqual(headers, {
    'x-forwarded-for': '::1',
    'x-forwarded-proto': 'http',
    'x-forwarded-host': 'h:8080',
    forwarded: 'for="[::1]";host="h:8080";proto=http',
  });
});

test('X-Forwarded-* and Forwarded extend client values when trusted', () => {
  const headers: IncomingHttpHeaders = {
    'x-forwarded-for': '1.1.1.1, 2.2.2.2',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'front',
    forwarded: 'for=1.1.1.1',
  };
  applyForwardedHeaders(headers, { clientAddress: '127.0.0.1', proto: 'http', host: 'h', trust: true });
  assert.deepEqual(headers, {
    'x-forwarded-for': '1.1.1.1, 2.2.2.2, 127.0.0.1',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'front',
    forwarded: 'for=1.1.1.1, for=127.0.0.1;host=h;proto=http',
  });
});

test('trusted but absent values are set; a missing Host drops X-Forwarded-Host', () => {
  const headers: IncomingHttpHeaders = { 'x-forwarded-host': 'stale' };
  applyForwardedHeaders(headers, { clientAddress: undefined, proto: 'http', host: undefined, trust: false });
  assert.deepEqual(headers, { 'x-forwarded-for': 'unknown', 'x-forwarded-proto': 'http', forwarded: 'for=unknown;proto=http' });
  const trusted: IncomingHttpHeaders = {};
  applyForwardedHeaders(trusted, { clientAddress: '10.0.0.2', proto: 'http', host: 'h', trust: true });
  assert.deepEqual(trusted, {
    'x-forwarded-for': '10.0.0.2',
    'x-forwarded-proto': 'http',
    'x-forwarded-host': 'h',
    forwarded: 'for=10.0.0.2;host=h;proto=http',
  });
});

test('Max-Forwards: 0 is answered, n becomes n-1, only on TRACE and OPTIONS', () => {
  assert.deepEqual(maxForwards('OPTIONS', '0'), { action: 'answer' });
  assert.deepEqual(maxForwards('TRACE', ' 0 '), { action: 'answer' });
  assert.deepEqual(maxForwards('OPTIONS', '5'), { action: 'decrement', value: '4' });
  assert.deepEqual(maxForwards('GET', '0'), { action: 'forward' });
  assert.deepEqual(maxForwards('OPTIONS', undefined), { action: 'forward' });
  assert.deepEqual(maxForwards('OPTIONS', 'abc'), { action: 'forward' });
  assert.deepEqual(maxForwards('OPTIONS', '99999999999999999999'), { action: 'decrement', value: String(Number.MAX_SAFE_INTEGER) });
});

test('Allow lists TRACE only when enabled', () => {
  assert.doesNotMatch(allowedMethods(false), /TRACE/);
  assert.match(allowedMethods(true), /, TRACE$/);
});

test('TRACE echo reflects the request without credentials or our token', () => {
  const body = traceEcho('TRACE', '/t', '1.1', ['Host', 'h', 'Authorization', 'x', 'Cookie', 'c', 'X-My-Jwt', 't', 'X-A', '1'], 'x-my-jwt');
  assert.equal(body, 'TRACE /t HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n');
});

test('Via entries are built once per HTTP version and match viaEntry for any version', () => {
  const entry = createViaEntries('p');
  assert.equal(entry('1.1'), '1.1 p');
  assert.equal(entry('1.0'), '1.0 p');
  assert.equal(entry('2.0'), '2.0 p');
  assert.equal(entry('1.1'), entry('1.1'));
});

test('the remembering Forwarded writer gives what applyForwardedHeaders gives, also when the client or Host changes', () => {
  for (const trust of [false, true]) {
    const apply = createApplyForwardedHeaders('http', trust);
    const cases: [string | undefined, string | undefined][] = [
      ['127.0.0.1', 'h'], ['127.0.0.1', 'h'], ['::ffff:10.0.0.1', 'h'], ['::1', 'h:8080'], ['::1', undefined], [undefined, 'h'],
    ];
    for (const [clientAddress, host] of cases) {
      const client = (): IncomingHttpHeaders => ({ 'x-forwarded-for': '1.1.1.1', 'x-forwarded-host': 'front', forwarded: 'for=1.1.1.1' });
      const expected = client();
      applyForwardedHeaders(expected, { clientAddress, proto: 'http', host, trust });
      const actual = client();
      apply(actual, clientAddress, host);
      assert.deepEqual(actual, expected, `${String(clientAddress)} ${String(host)} trust=${trust}`);
    }
  }
});
