import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BcryptGate } from './bcrypt-gate.js';
import { CredentialCache, credentialDigest } from './credential-cache.js';
import { FailureLimiter } from './failure-limiter.js';
import { createPeerTrust } from './trusted-peers.js';
import { parsePeerRange } from '../config/auth-config.js';
import type { PeerRange } from '../config/auth-config.js';
import { basicChallenge, isBasic, parseBasic } from './basic.js';
import { isValidUserName } from './user-name.js';

test('the credential cache keeps a digest for its TTL, forgets the oldest past its size, and empties on clear', () => {
  let now = 0;
  const cache = new CredentialCache({ maxEntries: 2, ttlMs: 100, now: () => now });
  const [a, b, c] = ['Basic a', 'Basic b', 'Basic c'].map(credentialDigest) as [Buffer, Buffer, Buffer];
  cache.set(a, 'alice');
  cache.set(b, 'bob');
  assert.equal(cache.get(a), 'alice');
  cache.set(c, 'carol');
  assert.equal(cache.get(a), undefined, 'the oldest went');
  assert.equal(cache.size, 2);
  now = 100;
  assert.equal(cache.get(b), undefined, 'expired at the TTL');
  cache.set(b, 'bob');
  cache.clear();
  assert.equal(cache.get(b), undefined);
});

test('the failure limiter answers a Retry-After past the limit, until its window ends, within a bounded map', () => {
  let now = 0;
  const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 10_000, maxClients: 2, now: () => now });
  limiter.fail('a');
  assert.equal(limiter.retryAfter('a'), 0);
  limiter.fail('a');
  assert.equal(limiter.retryAfter('a'), 10);
  now = 2_500;
  assert.equal(limiter.retryAfter('a'), 8);
  limiter.fail('b');
  limiter.fail('c');
  assert.equal(limiter.size, 2, 'the oldest client is forgotten');
  now = 20_000;
  assert.equal(limiter.retryAfter('c'), 0);
  limiter.fail('b');
  assert.equal(limiter.retryAfter('b'), 0, 'a new window starts');
  assert.equal(limiter.retryAfter('unknown'), 0);
});

test('the bcrypt gate runs at most its concurrency, queues a bounded number and refuses past it', async () => {
  const gate = new BcryptGate({ concurrency: 1, queue: 1 });
  const releases: (() => void)[] = [];
  const work = () => new Promise<string>((resolve) => releases.push(() => resolve('done')));
  const first = gate.run(work);
  const second = gate.run(work);
  assert.equal(gate.run(work), undefined, 'past the queue');
  assert.equal(gate.running, 1);
  assert.equal(gate.waiting, 1);
  releases.shift()?.();
  assert.equal(await first, 'done');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(gate.running, 1, 'the slot was handed over, not freed');
  releases.shift()?.();
  assert.equal(await second, 'done');
  assert.equal(gate.running, 0);
});

test('trusted peers match IPv4 and IPv6 ranges, and an IPv4-mapped address as IPv4', () => {
  const ranges = ['10.0.0.0/8', '::1', 'fd00::/8'].map(parsePeerRange) as PeerRange[];
  const trusted = createPeerTrust(ranges);
  assert.equal(trusted('10.1.2.3'), true);
  assert.equal(trusted('::ffff:10.1.2.3'), true);
  assert.equal(trusted('::ffff:11.1.2.3'), false);
  assert.equal(trusted('::1'), true);
  assert.equal(trusted('fd12::5'), true);
  assert.equal(trusted('fe80::1'), false);
  assert.equal(trusted('127.0.0.1'), false);
  assert.equal(trusted(undefined), false);
});

test('peer ranges parse addresses and CIDRs and refuse anything else', () => {
  assert.deepEqual(parsePeerRange('192.168.0.0/16'), { address: '192.168.0.0', prefix: 16, family: 'ipv4' });
  assert.deepEqual(parsePeerRange('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
  for (const bad of ['10.0.0.0/33', 'host.example', '10.0.0.0/8/1', '::/129', '10.0.0.0/x', '']) assert.equal(parsePeerRange(bad), undefined, bad);
});

test('Basic fields parse as RFC 7617 says and malformed ones do not', () => {
  const field = `Basic ${Buffer.from('al:ice:p:w').toString('base64')}`;
  assert.equal(isBasic(field), true);
  assert.equal(isBasic('bAsIc x'), true);
  assert.equal(isBasic('Bearer x'), false);
  assert.deepEqual(parseBasic(field), { user: 'al', password: 'ice:p:w' });
  assert.equal(parseBasic('Basic !!!!'), undefined);
  assert.equal(parseBasic('Basic abc'), undefined, 'not a multiple of 4');
  assert.equal(parseBasic(`Basic ${Buffer.from(':pw').toString('base64')}`), undefined, 'no name');
  assert.equal(parseBasic(`Basic ${Buffer.from('nocolon').toString('base64')}`), undefined);
  assert.equal(basicChallenge('r'), 'Basic realm="r", charset="UTF-8"');
});

test('names are checked: not empty, at most 256 bytes, no C0, DEL or C1, no lone surrogate', () => {
  assert.equal(isValidUserName('alice@example.com'), true);
  assert.equal(isValidUserName('Zoë 名前'), true);
  assert.equal(isValidUserName('a'.repeat(256)), true);
  for (const bad of ['', 'a'.repeat(257), 'é'.repeat(129), 'a\nb', 'a\u007fb', 'a\u0085b', 'a\ud800b', 'a\udc00']) {
    assert.equal(isValidUserName(bad), false, JSON.stringify(bad));
  }
});
