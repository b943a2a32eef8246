import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitsAnyHost, canonicalHost, isHostAllowed, parseAllowedHosts, upstreamOnly } from './host-patterns.js';
import type { HostPattern } from './host-patterns.js';

function patterns(value: string): readonly HostPattern[] {
  const parsed = parseAllowedHosts(value);
  assert.ok(!('invalid' in parsed), `valid: ${value}`);
  return parsed;
}

test('an IP-looking entry matches IP literals only, never a DNS name that starts like one', () => {
  const allowed = patterns('127.0.0.*:8081');
  assert.equal(allowed[0]?.kind, 'ipv4');
  assert.equal(isHostAllowed('127.0.0.2', 8081, allowed), true);
  assert.equal(isHostAllowed('127.0.0.2.attacker.invalid', 8081, allowed), false);
  assert.equal(isHostAllowed('127.0.0.200', 8081, allowed), true);
  assert.equal(isHostAllowed('127.0.0.1', 8082, allowed), false);
  // `*` is one octet, not any text.
  assert.equal(isHostAllowed('127.0.0.1.2', 8081, patterns('127.0.0.*')), false);
});

test('an IPv4-mapped IPv6 literal is matched as the IPv4 address it reaches', () => {
  const allowed = patterns('10.0.0.*');
  assert.equal(isHostAllowed('::ffff:a00:5', 80, allowed), true);
  assert.equal(isHostAllowed('::ffff:10.0.0.5', 80, allowed), true);
  assert.equal(isHostAllowed('::ffff:b00:5', 80, allowed), false);
});

test('a bracketed entry matches IPv6 literals only; a name entry matches names only', () => {
  const v6 = patterns('[fd00::*]:9000');
  assert.equal(v6[0]?.kind, 'ipv6');
  assert.equal(isHostAllowed('fd00::1', 9000, v6), true);
  assert.equal(isHostAllowed('fd00::1', 9001, v6), false);
  assert.equal(isHostAllowed('fd01::1', 9000, v6), false);
  const names = patterns('*.internal, api.example.com:8443');
  assert.equal(isHostAllowed('a.b.internal', 80, names), true);
  assert.equal(isHostAllowed('API.Example.com.', 8443, names), true);
  assert.equal(isHostAllowed('api.example.com', 443, names), false);
  assert.equal(isHostAllowed('internal', 80, names), false);
});

test('`*` admits any host and is flagged for the start warning', () => {
  const any = patterns('*');
  assert.equal(isHostAllowed('anything.example', 1, any), true);
  assert.equal(isHostAllowed('10.1.2.3', 65535, any), true);
  assert.equal(admitsAnyHost(any), true);
  assert.equal(admitsAnyHost(patterns('*:8080')), true);
  assert.equal(admitsAnyHost(patterns('*.example.com')), false);
});

test('the default admits exactly the upstream host and port', () => {
  const only = upstreamOnly('mock-upstream', 8081);
  assert.equal(only[0]?.source, 'mock-upstream:8081');
  assert.equal(isHostAllowed('mock-upstream', 8081, only), true);
  assert.equal(isHostAllowed('MOCK-UPSTREAM.', 8081, only), true);
  assert.equal(isHostAllowed('mock-upstream', 8082, only), false);
  assert.equal(isHostAllowed('mock-upstreamx', 8081, only), false);
  const ip = upstreamOnly('127.0.0.1', 8081);
  assert.equal(isHostAllowed('127.0.0.1', 8081, ip), true);
  assert.equal(isHostAllowed('::ffff:7f00:1', 8081, ip), true);
  assert.equal(isHostAllowed('127.0.0.2', 8081, ip), false);
  const v6 = upstreamOnly('::1', 9000);
  assert.equal(v6[0]?.source, '[::1]:9000');
  assert.equal(isHostAllowed('::1', 9000, v6), true);
  assert.equal(admitsAnyHost(ip), false);
});

test('refuses malformed entries and an empty list', () => {
  assert.deepEqual(parseAllowedHosts('ok.example, bad host, [zz::1], a:99999'), { invalid: ['bad host', '[zz::1]', 'a:99999'] });
  assert.deepEqual(parseAllowedHosts(' , '), { invalid: [' , '] });
});

test('canonicalHost reads every IPv4-mapped spelling as the IPv4 address', () => {
  for (const spelling of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '0000:0000:0000:0000:0000:FFFF:7F00:0001']) {
    assert.equal(canonicalHost(spelling), '127.0.0.1', spelling);
  }
  assert.equal(canonicalHost('::ffff:0.0.0.0'), '0.0.0.0');
  assert.equal(canonicalHost('::ffff:0:0'), '0.0.0.0');
  assert.equal(canonicalHost('::1'), '::1');
  assert.equal(canonicalHost('fd00::ffff:7f00:1'), 'fd00::ffff:7f00:1');
  assert.equal(canonicalHost('Example.COM.'), 'example.com');
});
