import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { parseAllowedHosts, parseUpstreamUrl } from '../config/config.js';
import type { HostPattern, UpstreamTarget } from '../config/config.js';
import { isHostAllowed, localAddresses, resolveTarget, reverseTarget } from './resolve-target.js';
import type { ListenerIdentity } from './resolve-target.js';

const upstream = parseUpstreamUrl('http://127.0.0.1:8081/base') as UpstreamTarget;
const reverse = reverseTarget(upstream);
const any = parseAllowedHosts('*') as readonly HostPattern[];
const listener: ListenerIdentity = { port: 8080, addresses: localAddresses('127.0.0.1') };

function resolve(url: string, method = 'GET', allowed = any) {
  return resolveTarget(url, method, reverse, upstream.pathPrefix, allowed, listener);
}

test('origin-form goes to the upstream with the prefix and the raw bytes', () => {
  assert.deepEqual(resolve('/a//b?%zz'), { mode: 'reverse', target: reverse, path: '/base/a//b?%zz' });
  assert.deepEqual(resolve('*', 'OPTIONS'), { mode: 'reverse', target: reverse, path: '*' });
  assert.deepEqual(resolve('*', 'GET'), { error: 'BAD_REQUEST_TARGET' });
});

test('absolute-form goes to that origin with the path and query unchanged', () => {
  assert.deepEqual(resolve('http://Example.COM:8081/x//y?q=%41'), {
    mode: 'forward',
    target: { protocol: 'http:', hostname: 'example.com', host: 'example.com:8081', port: 8081, path: '' },
    path: '/x//y?q=%41',
  });
  const bare = resolve('HTTP://example.com');
  assert.ok('mode' in bare);
  assert.equal(bare.path, '/');
  assert.equal(bare.target.port, 80);
  assert.equal(bare.target.host, 'example.com');
  const query = resolve('https://example.com?x');
  assert.ok('mode' in query);
  assert.equal(query.path, '/?x');
  assert.equal(query.target.port, 443);
  const v6 = resolve('http://[::2]:9000/p');
  assert.ok('mode' in v6);
  assert.equal(v6.target.hostname, '::2');
  assert.equal(v6.target.host, '[::2]:9000');
});

test('refuses other schemes, userinfo and malformed targets', () => {
  assert.deepEqual(resolve('ftp://example.com/'), { error: 'UNSUPPORTED_SCHEME' });
  assert.deepEqual(resolve('file:///etc/passwd'), { error: 'UNSUPPORTED_SCHEME' });
  assert.deepEqual(resolve('http:/x'), { error: 'BAD_REQUEST_TARGET' });
  assert.deepEqual(resolve('http://user:pw@example.com/'), { error: 'BAD_REQUEST_TARGET' });
  assert.deepEqual(resolve('http:///x'), { error: 'BAD_REQUEST_TARGET' });
  assert.deepEqual(resolve('http://exa mple.com/'), { error: 'BAD_REQUEST_TARGET' });
  assert.deepEqual(resolve('example.com:443'), { error: 'UNSUPPORTED_SCHEME' });
  assert.deepEqual(resolve('nonsense'), { error: 'BAD_REQUEST_TARGET' });
  assert.deepEqual(resolve('/a#b'), { error: 'BAD_REQUEST_TARGET' });
  assert.deepEqual(resolve('http://example.com/#x'), { error: 'BAD_REQUEST_TARGET' });
});

test('enforces PROXY_ALLOWED_HOSTS by host glob and port', () => {
  const allowed = parseAllowedHosts('*.example.com,api.test:8443') as readonly HostPattern[];
  assert.ok('mode' in resolve('http://a.example.com/', 'GET', allowed));
  assert.deepEqual(resolve('http://example.com/', 'GET', allowed), { error: 'FORWARD_HOST_FORBIDDEN' });
  assert.ok('mode' in resolve('https://api.test:8443/', 'GET', allowed));
  assert.deepEqual(resolve('https://api.test/', 'GET', allowed), { error: 'FORWARD_HOST_FORBIDDEN' });
  assert.equal(isHostAllowed('x', 1, []), false);
});

test('detects a forward target that is the proxy itself', () => {
  for (const url of [
    'http://127.0.0.1:8080/',
    'http://localhost:8080/',
    'http://127.9.9.9:8080/',
    'http://[::1]:8080/',
    `http://${hostname()}:8080/`,
    'http://0.0.0.0:8080/',
    'http://foo.localhost:8080/',
    'http://localhost.:8080/',
  ]) {
    assert.deepEqual(resolve(url), { error: 'LOOP_DETECTED' }, url);
  }
  assert.ok('mode' in resolve('http://127.0.0.1:8081/'));
  assert.ok('mode' in resolveTarget('http://127.0.0.1:8080/', 'GET', reverse, '', any, undefined));
});

test('the loop check catches IPv4-mapped IPv6 spellings of the listener', () => {
  for (const url of [
    'http://[::ffff:127.0.0.1]:8080/',
    'http://[0:0:0:0:0:ffff:7f00:1]:8080/',
    'http://[::ffff:0.0.0.0]:8080/',
    'http://[::ffff:7f00:2]:8080/',
    'http://0x7f.1:8080/',
  ]) {
    assert.deepEqual(resolve(url), { error: 'LOOP_DETECTED' }, url);
  }
  assert.ok('mode' in resolve('http://[::ffff:7f00:1]:8081/'), 'another port is not a loop');
});

test('the loop check catches the names /etc/hosts gives this machine', () => {
  const hosts = '127.0.0.1 localhost\n127.0.1.1 box.example.internal box # comment\n10.9.9.9 elsewhere\n';
  const own = localAddresses('127.0.0.1', hosts);
  assert.equal(own.has('box.example.internal'), true);
  assert.equal(own.has('elsewhere'), false);
  assert.equal(own.has('ip6-localhost'), true);
  assert.equal(own.has('box'), true);
  assert.deepEqual(
    resolveTarget('http://BOX.example.internal.:8080/', 'GET', reverse, '', any, { port: 8080, addresses: own }),
    { error: 'LOOP_DETECTED' },
  );
});
