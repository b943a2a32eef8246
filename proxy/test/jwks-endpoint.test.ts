// Issue #12: GET /.well-known/jwks.json publishes the public halves of the ring's
// asymmetric keys, never a secret or private member; 404 with the error envelope
// when there is none; origin-form GET/HEAD only, like the other own endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyFolder, jwkSetText, publicOnly, vectorJwk } from '../../contracts/testing/key-fixtures.js';
import { JWKS_MAX_AGE_S } from '../src/keys/jwks.js';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { echoHandler, startUpstream, type Echo } from './support/upstreams.js';

const PATH = '/.well-known/jwks.json';
const PRIVATE = ['d', 'k', 'p', 'q', 'dp', 'dq', 'qi'];
const folder = createKeyFolder();

/** Every member name anywhere in a JSON document. */
function memberNames(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) memberNames(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [name, member] of Object.entries(value)) {
      into.add(name);
      memberNames(member, into);
    }
  }
  return into;
}

test('serves the public halves of the asymmetric keys, in file order, with Cache-Control max-age, and no private member', async (t) => {
  const keysFile = folder.write(
    'mixed.json',
    jwkSetText([vectorJwk('vector-rs256'), vectorJwk('vector-hs512'), vectorJwk('vector-es256'), publicOnly(vectorJwk('vector-ps256')), vectorJwk('vector-es384')]),
  );
  const proxy = await startProxy({ JWT_KEYS_FILE: keysFile });
  t.after(() => proxy.close());
  const res = await request(proxy.port, { path: PATH });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/jwk-set+json');
  assert.equal(res.headers['cache-control'], `public, max-age=${JWKS_MAX_AGE_S}`);
  const doc = res.json<{ keys: Record<string, string>[] }>();
  assert.deepEqual(doc.keys.map((k) => k.kid), ['vector-rs256', 'vector-es256', 'vector-ps256', 'vector-es384']);
  const names = memberNames(doc);
  for (const member of PRIVATE) assert.equal(names.has(member), false, `member "${member}" must never be served`);
  // Nor any of the secret's bytes, under any name.
  assert.doesNotMatch(res.text, new RegExp(String(vectorJwk('vector-hs512').k)));
  assert.doesNotMatch(res.text, new RegExp(String(vectorJwk('vector-rs256').d)));
  const rsa = doc.keys[0]!;
  assert.deepEqual(rsa, { ...publicOnly(vectorJwk('vector-rs256')) });
  const head = await request(proxy.port, { method: 'HEAD', path: PATH });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['cache-control'], `public, max-age=${JWKS_MAX_AGE_S}`);
});

for (const [what, env] of [
  ['only JWT_SECRET', (): Record<string, string> => ({})],
  ['only HMAC keys', (): Record<string, string> => ({ JWT_KEYS_FILE: folder.write('hmac.json', jwkSetText([vectorJwk('vector-hs512'), vectorJwk('vector-hs256')])) })],
] as const) {
  test(`answers 404 with the JSON error envelope given ${what}`, async (t) => {
    const proxy = await startProxy(env());
    t.after(() => proxy.close());
    const res = await request(proxy.port, { path: PATH });
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    assert.deepEqual(res.json(), {
      error: { code: 'JWKS_NOT_CONFIGURED', message: 'no asymmetric signing key is configured, so there is no public key to publish (JWT_KEYS_FILE)' },
    });
    assert.doesNotMatch(res.text, /"k"|"d"/);
  });
}

test('forwards a POST or an absolute-form GET of the JWKS path like any other request, never counting them as own', async (t) => {
  const upstream = await startUpstream(echoHandler);
  const keysFile = folder.write('fwd.json', jwkSetText([vectorJwk('vector-es256')]));
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, JWT_KEYS_FILE: keysFile });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const post = await request(proxy.port, { method: 'POST', path: PATH, body: 'x' });
  assert.equal(post.status, 200);
  const echo = post.json<Echo>();
  assert.equal(echo.url, PATH);
  assert.equal(typeof echo.headers['x-my-jwt'], 'string');
  const absolute = await request(proxy.port, { path: `${upstream.origin}${PATH}` });
  assert.equal(absolute.json<Echo>().url, PATH);
  const status = await request(proxy.port, { path: '/status' });
  assert.equal(status.json<{ requestsProcessed: number }>().requestsProcessed, 2);
});
