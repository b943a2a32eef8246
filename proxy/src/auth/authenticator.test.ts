import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import type { AuthConfig } from '../config/auth-config.js';
import { createAuthenticator } from './authenticator.js';
import type { AuthOutcome, AuthRequest } from './authenticator.js';

const HASH = `$2y$04$${'a'.repeat(53)}`;
const config = (methods: AuthConfig['methods']): AuthConfig => ({
  methods,
  realm: 'r',
  usersFile: methods.includes('basic') ? '/nonexistent' : undefined,
  users: new Map([['alice', HASH]]),
  identityHeader: undefined,
  trustedPeers: [],
});
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function request(headers: Record<string, string>, overrides: Partial<AuthRequest> = {}): AuthRequest {
  return { forward: false, headers, socket: new Socket(), client: '127.0.0.1', identity: undefined, ...overrides };
}

/** A TLS socket as the listener leaves it: a certificate (or none) and whether it verified. */
function tlsSocket(certificate: Partial<PeerCertificate> | null, authorized: boolean): TLSSocket {
  const socket = Object.create(TLSSocket.prototype) as TLSSocket;
  Object.defineProperty(socket, 'authorized', { value: authorized });
  Object.defineProperty(socket, 'getPeerCertificate', { value: () => certificate });
  return socket;
}

test('basic compares an unknown name against a hash too, caches a match by digest, and counts each outcome', async () => {
  const compared: string[] = [];
  const counted: string[] = [];
  const auth = createAuthenticator({
    config: config(['basic']),
    now: () => 0,
    count: (method, result) => counted.push(`${method}:${result}`),
    compare: async (password, hash) => {
      compared.push(hash === HASH ? password : `dummy:${password}`);
      return password === 'right';
    },
  });
  assert.deepEqual(await auth.authenticate(request({ authorization: basic('mallory', 'right') })), { ok: false, code: 'AUTH_REQUIRED', headers: { 'www-authenticate': 'Basic realm="r", charset="UTF-8"' } });
  assert.deepEqual(await auth.authenticate(request({ authorization: basic('alice', 'right') })), { ok: true, user: 'alice', method: 'basic' });
  const cached = auth.authenticate(request({ authorization: basic('alice', 'right') }));
  assert.ok(!(cached instanceof Promise), 'a cached credential is answered without a Promise');
  assert.deepEqual(compared, ['right', 'right']);
  assert.equal(compared.length, 2);
  assert.deepEqual(counted, ['basic:failure', 'basic:success', 'basic:cached']);
  assert.deepEqual(auth.authenticate(request({ authorization: 'Basic !!' })), { ok: false, code: 'AUTH_REQUIRED', headers: { 'www-authenticate': 'Basic realm="r", charset="UTF-8"' } });
  await auth.close();
});

test('basic refuses at once with 503 AUTH_BUSY when the bcrypt queue is full', async () => {
  let release = (): void => {};
  const auth = createAuthenticator({
    config: config(['basic']),
    now: () => 0,
    count: () => {},
    tuning: { bcryptConcurrency: 1, bcryptQueue: 0 },
    compare: () => new Promise((resolve) => (release = () => resolve(false))),
  });
  const first = auth.authenticate(request({ authorization: basic('alice', 'x') }));
  assert.deepEqual(auth.authenticate(request({ authorization: basic('alice', 'y') })), { ok: false, code: 'AUTH_BUSY', headers: { 'retry-after': '1' } });
  release();
  assert.equal(((await first) as AuthOutcome).ok, false);
});

test('basic runs one comparison for the same credential arriving on many connections at once', async () => {
  let comparisons = 0;
  const counted: string[] = [];
  const auth = createAuthenticator({
    config: config(['basic']),
    now: () => 0,
    count: (method, result) => counted.push(`${method}:${result}`),
    tuning: { bcryptConcurrency: 1, bcryptQueue: 1 },
    compare: async (password) => {
      comparisons += 1;
      return password === 'right';
    },
  });
  const right = await Promise.all(Array.from({ length: 8 }, () => auth.authenticate(request({ authorization: basic('alice', 'right') }))));
  assert.ok(right.every((outcome) => outcome.ok), 'none was refused AUTH_BUSY although the queue holds one');
  assert.equal(comparisons, 1);
  // A wrong one shared by two clients: one comparison, a failure counted for each client.
  const wrong = await Promise.all(['10.0.0.1', '10.0.0.2'].map((client) => auth.authenticate(request({ authorization: basic('alice', 'no') }, { client }))));
  assert.deepEqual(wrong.map((outcome) => outcome.ok), [false, false]);
  assert.equal(comparisons, 2);
  assert.deepEqual(counted.filter((c) => c === 'basic:failure'), ['basic:failure', 'basic:failure']);
  await auth.close();
});

test('mtls names the user by the verified certificate subject CN, refuses an unverified one and passes without one', () => {
  const counted: string[] = [];
  const auth = createAuthenticator({ config: config(['mtls']), now: () => 0, count: (m, r) => counted.push(`${m}:${r}`) });
  const cert = (cn: unknown) => ({ subject: { CN: cn } }) as unknown as PeerCertificate;
  assert.deepEqual(auth.authenticate(request({}, { socket: tlsSocket(cert('svc-a'), true) })), { ok: true, user: 'svc-a', method: 'mtls' });
  assert.deepEqual(auth.authenticate(request({}, { socket: tlsSocket(cert('svc-a'), false), forward: true })), { ok: false, code: 'PROXY_AUTH_REQUIRED' });
  assert.deepEqual(auth.authenticate(request({}, { socket: tlsSocket(cert(['a', 'b']), true) })), { ok: false, code: 'IDENTITY_INVALID' });
  assert.deepEqual(auth.authenticate(request({}, { socket: tlsSocket({}, true) })), { ok: false, code: 'AUTH_REQUIRED' });
  assert.deepEqual(auth.authenticate(request({})), { ok: false, code: 'AUTH_REQUIRED' });
  assert.deepEqual(counted, ['mtls:success', 'mtls:failure', 'mtls:invalid_name', 'none:missing', 'none:missing']);
});

test('methods are tried in order and the first one that finds a credential decides', async () => {
  const auth = createAuthenticator({ config: config(['header', 'basic']), now: () => 0, count: () => {}, compare: async () => false });
  assert.deepEqual(auth.authenticate(request({ authorization: basic('alice', 'x') }, { identity: 'front' })), { ok: true, user: 'front', method: 'header' });
  assert.equal(((await auth.authenticate(request({ authorization: basic('alice', 'x') }))) as AuthOutcome).ok, false);
  assert.equal(auth.basicInAuthorization, true);
});
