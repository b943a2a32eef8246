// Issue #12: SIGHUP reload (app.reloadKeys, what start.ts calls on the signal):
// new tokens carry the new kid, a bad file keeps the old keys with one error
// line, /metrics counts reloads and failed reloads and names the active kid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyFolder, jwkSetText, vectorJwk } from '../../contracts/testing/key-fixtures.js';
import { decodeToken } from '../../contracts/testing/craft-token.js';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { echoHandler, startUpstream, type Echo } from './support/upstreams.js';

const folder = createKeyFolder();

test('reload: the next token carries the new kid; a bad file keeps the old key, logs one error and counts a failure', async (t) => {
  const upstream = await startUpstream(echoHandler);
  const keysFile = folder.write('ring.json', jwkSetText([vectorJwk('vector-hs512')]));
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, JWT_KEYS_FILE: keysFile });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const kidOfNextToken = async (): Promise<unknown> => {
    const echo = (await request(proxy.port, { method: 'POST', path: '/p', body: 'x' })).json<Echo>();
    const header = decodeToken(String(echo.headers['x-my-jwt']))?.header as { kid?: string; alg?: string };
    return `${header.kid}/${header.alg}`;
  };
  const metrics = async (): Promise<string> => (await request(proxy.port, { path: '/metrics' })).text;

  assert.equal(await kidOfNextToken(), 'vector-hs512/HS512');
  assert.match(await metrics(), /jwt_proxy_signing_key_info\{kid="vector-hs512",alg="HS512"\} 1/);

  folder.write('ring.json', jwkSetText([vectorJwk('vector-es384'), vectorJwk('vector-hs512')]));
  assert.equal((await proxy.app.reloadKeys()).result, 'reloaded');
  assert.equal(await kidOfNextToken(), 'vector-es384/ES384');

  folder.write('ring.json', '{"keys": [{"kty": "oct", "kid": "bad", "alg": "HS512", "k": "c2hvcnQ"}]}');
  const logsBefore = proxy.logs.length;
  assert.equal((await proxy.app.reloadKeys()).result, 'failed');
  assert.equal(await kidOfNextToken(), 'vector-es384/ES384');
  const errors = proxy.logs.slice(logsBefore).filter((line) => line.level === 50);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.msg, 'key reload failed, keeping the old keys');
  assert.match(String(errors[0]?.reason), /keys\[0\] \(kid "bad"\): the HMAC key is too short for HS512: 5 bytes, at least 64 needed/);
  assert.equal(errors[0]?.kid, 'vector-es384');
  assert.ok(proxy.logLines.every((line) => !line.includes(String(vectorJwk('vector-hs512').k))), 'no key material in the logs');

  const text = await metrics();
  assert.match(text, /jwt_proxy_key_reloads_total 1/);
  assert.match(text, /jwt_proxy_key_reload_failures_total 1/);
  assert.match(text, /jwt_proxy_signing_key_info\{kid="vector-es384",alg="ES384"\} 1/);
  assert.doesNotMatch(text, /kid="vector-hs512"/);
});

test('reload without JWT_KEYS_FILE changes nothing and counts nothing; the active key shows an empty kid', async (t) => {
  const proxy = await startProxy({});
  t.after(() => proxy.close());
  assert.equal((await proxy.app.reloadKeys()).result, 'no-file');
  const text = (await request(proxy.port, { path: '/metrics' })).text;
  assert.match(text, /jwt_proxy_key_reloads_total 0/);
  assert.match(text, /jwt_proxy_key_reload_failures_total 0/);
  assert.match(text, /jwt_proxy_signing_key_info\{kid="",alg="HS512"\} 1/);
});
