/**
 * Token profiles (issue #12), provider and consumer sides, against a proxy and
 * a mock started here natively with a profile (the shared stack runs the
 * default token, so these servers are the suite's own):
 *
 *   proxy  JWT_KEYS_FILE = [ES256 (signs), HS256], every opt-in claim
 *   mock   MOCK_KEYS_FILE = [HS256], MOCK_JWKS_URL = the proxy's JWKS,
 *          MOCK_ISSUER, MOCK_AUDIENCE
 *
 * Provider: what the proxy signs verifies at the mock (through the JWKS) with
 * the profile's claims. Consumer: tokens crafted here with node:crypto get each
 * new verdict code: TOKEN_EXPIRED, TOKEN_NOT_YET_VALID, ISSUER_INVALID,
 * AUDIENCE_INVALID, KID_UNKNOWN.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { craftToken } from '../testing/craft-token.js';
import { createKeyFolder, generateJwk, jwkSetText, publicOnly } from '../testing/key-fixtures.js';
import { PRIVATE_JWK_MEMBERS } from '../src/jwk-set.js';
import { buildClaims } from '../src/token-contract.js';
import type { VerdictCode } from '../src/verdict.js';
import { CASE_ID_HEADER, describeEntry, findRecorded } from './mock-journal.js';
import { MOCK_MAIN, PROXY_MAIN, startServer } from './stack.js';
import { checkFetched, checkResponsesOf } from './contract-responses.js';
import type { RunningServer } from './stack.js';
import { freePort } from '../testing/listen.js';

const ISSUER = 'https://jwt-proxy.example';
const AUDIENCE = 'orders-api';
const SKEW_S = 60;
const signer = generateJwk('ES256', `suite-es256-${randomBytes(3).toString('hex')}`);
const hmac = generateJwk('HS256', `suite-hs256-${randomBytes(3).toString('hex')}`);
const hmacKey = Buffer.from(String(hmac.k), 'base64url');

let proxy: RunningServer;
let mock: RunningServer;

before(async () => {
  const folder = createKeyFolder();
  const proxyKeys = folder.write('proxy.json', jwkSetText([signer, hmac]));
  const mockKeys = folder.write('mock.json', jwkSetText([hmac]));
  // Free right now, so the mock can be told the proxy's JWKS URL before the proxy starts.
  const proxyPort = await freePort();
  mock = await startServer({
    name: 'mock-profile',
    script: MOCK_MAIN,
    env: {
      MOCK_KEYS_FILE: mockKeys,
      MOCK_JWKS_URL: `http://127.0.0.1:${proxyPort}/.well-known/jwks.json`,
      MOCK_ISSUER: ISSUER,
      MOCK_AUDIENCE: AUDIENCE,
      MOCK_CLOCK_SKEW_S: String(SKEW_S),
    },
  });
  proxy = await startServer({
    name: 'proxy-profile',
    script: PROXY_MAIN,
    env: {
      HTTP_PORT: String(proxyPort),
      UPSTREAM_URL: mock.url.href,
      JWT_KEYS_FILE: proxyKeys,
      JWT_TTL_S: '120',
      JWT_NOT_BEFORE_SKEW_S: '5',
      JWT_ISSUER: ISSUER,
      JWT_SUBJECT: 'jwt-proxy',
      JWT_AUDIENCE: `${AUDIENCE},billing-api`,
    },
  });
  checkResponsesOf({ proxyUrl: proxy.url, mockUrl: mock.url });
});
after(async () => {
  await Promise.all([proxy?.stop(), mock?.stop()]);
});

async function post(origin: URL, marker: string, headers: Record<string, string> = {}): Promise<unknown> {
  const url = new URL(`/pf/${marker}`, origin);
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', [CASE_ID_HEADER]: marker },
    body: JSON.stringify({ marker }),
    signal: AbortSignal.timeout(10_000),
  });
  return JSON.parse((await checkFetched(url, 'POST', response)).toString('utf8'));
}

test('provider: the proxy signs ES256 with the first key kid, and the mock verifies it through the proxy JWKS', async () => {
  const marker = `pf-provider-${randomUUID()}`;
  await post(proxy.url, marker);
  const [entry] = await findRecorded(mock.url, marker, `/pf/${marker}`);
  assert.ok(entry, `recorded: ${describeEntry(entry)}`);
  assert.equal(entry.token.code, 'TOKEN_VALID', `${entry.token.message}\n${proxy.logTail()}\n${mock.logTail()}`);
  assert.deepEqual(entry.token.header, { alg: 'ES256', typ: 'JWT', kid: signer.kid });
  const claims = entry.token.claims as Record<string, unknown>;
  assert.deepEqual(Object.keys(claims), ['iat', 'jti', 'payload', 'exp', 'nbf', 'iss', 'sub', 'aud']);
  const iat = claims.iat as number;
  assert.deepEqual(
    { exp: claims.exp, nbf: claims.nbf, iss: claims.iss, sub: claims.sub, aud: claims.aud },
    { exp: iat + 120, nbf: iat - 5, iss: ISSUER, sub: 'jwt-proxy', aud: [AUDIENCE, 'billing-api'] },
  );
});

test('provider: the JWKS serves the signing key public half only (no d, k, p, q, dp, dq, qi), never the HMAC key', async () => {
  const url = new URL('/.well-known/jwks.json', proxy.url);
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('cache-control') ?? '', /max-age=\d+/);
  const text = (await checkFetched(url, 'GET', response)).toString('utf8');
  const doc = JSON.parse(text) as { keys: Record<string, unknown>[] };
  assert.deepEqual(doc.keys, [publicOnly(signer)].map((k) => ({ ...k, use: 'sig' })));
  for (const member of PRIVATE_JWK_MEMBERS) assert.equal(doc.keys.some((k) => member in k), false, member);
  assert.equal(text.includes(String(hmac.k)), false);
});

// ---------------------------------------------------------------------------
// Consumer: one case per new code, crafted with node:crypto under the mock's HMAC key.

const nowS = (): number => Math.floor(Date.now() / 1000);
function hs256(claims: object, kid: unknown = hmac.kid): string {
  return craftToken({ header: { alg: 'HS256', typ: 'JWT', kid }, claims, key: hmacKey, algorithm: 'HS256' });
}
const profileClaims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...buildClaims(nowS() * 1000, randomUUID(), 'username'),
  exp: nowS() + 120,
  iss: ISSUER,
  aud: AUDIENCE,
  ...overrides,
});

const cases: ReadonlyArray<{ title: string; expected: VerdictCode; token: () => string }> = [
  { title: 'a profile token under a MOCK_KEYS_FILE key with matching iss and aud', expected: 'TOKEN_VALID', token: () => hs256(profileClaims()) },
  { title: `exp ${SKEW_S + 60} s ago (beyond MOCK_CLOCK_SKEW_S)`, expected: 'TOKEN_EXPIRED', token: () => hs256(profileClaims({ exp: nowS() - SKEW_S - 60 })) },
  { title: `nbf ${SKEW_S + 60} s ahead (beyond MOCK_CLOCK_SKEW_S)`, expected: 'TOKEN_NOT_YET_VALID', token: () => hs256(profileClaims({ nbf: nowS() + SKEW_S + 60 })) },
  { title: 'iss of another issuer', expected: 'ISSUER_INVALID', token: () => hs256(profileClaims({ iss: 'https://evil.example' })) },
  { title: 'no iss while MOCK_ISSUER is set', expected: 'ISSUER_INVALID', token: () => hs256(profileClaims({ iss: undefined })) },
  { title: 'aud naming only another audience', expected: 'AUDIENCE_INVALID', token: () => hs256(profileClaims({ aud: ['billing-api'] })) },
  { title: 'a kid neither in MOCK_KEYS_FILE nor in the JWKS', expected: 'KID_UNKNOWN', token: () => hs256(profileClaims(), 'retired-key') },
];

for (const consumerCase of cases) {
  test(`consumer: mock verdict ${consumerCase.expected} for ${consumerCase.title}, in the echo and the journal`, async () => {
    const marker = `pf-${consumerCase.expected.toLowerCase()}-${randomUUID()}`;
    const echo = (await post(mock.url, marker, { 'x-my-jwt': consumerCase.token() })) as { token?: { code?: string; message?: string } };
    assert.equal(echo.token?.code, consumerCase.expected, echo.token?.message);
    const [entry] = await findRecorded(mock.url, marker, `/pf/${marker}`);
    assert.equal(entry?.token.code, consumerCase.expected, describeEntry(entry));
    assert.equal(entry?.token.valid, consumerCase.expected === 'TOKEN_VALID');
  });
}
