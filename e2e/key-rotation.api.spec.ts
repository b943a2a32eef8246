/**
 * Key rotation end to end (issue #12) over the stack's proxy-keys / mock-keys pair, compose or
 * native alike: the spec writes JWT_KEYS_FILE in KEYS_DIR (by rename) and runs PROXY_KEYS_RELOAD
 * (`docker compose kill -s HUP proxy-keys`, or `kill -HUP <pid>` natively). A -> A+B with B
 * signing -> B alone while a bounded load runs: no request fails, every token verifies at the mock
 * (through the proxy's JWKS), and during the overlap a token signed with A still verifies.
 */
import { execSync } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import jwt from 'jsonwebtoken';
import { buildClaims } from '../contracts/src/token-contract.js';
import { createKeyFolder, generateJwk, jwkSetText } from '../contracts/testing/key-fixtures.js';
import type { Jwk } from '../contracts/testing/key-fixtures.js';
import { test, expect } from './fixtures.js';

const LOAD_LOOPS = 4;
/** Upper bound on the load, whatever the machine's speed. */
const MAX_REQUESTS = 1500;

const proxyKeysUrl = process.env.PROXY_KEYS_URL;
const mockKeysUrl = process.env.MOCK_KEYS_URL;
const keysDir = process.env.KEYS_DIR;
const reloadCommand = process.env.PROXY_KEYS_RELOAD;

interface Outcome {
  readonly status: number;
  readonly code: unknown;
  readonly kid: unknown;
}

async function post(api: APIRequestContext, url: string, token?: string): Promise<Outcome> {
  const res = await api.post(url, { data: { rotation: true }, headers: token === undefined ? {} : { 'x-my-jwt': token } });
  const body = (await res.json().catch(() => ({}))) as { token?: { code?: unknown; header?: { kid?: unknown } } };
  return { status: res.status(), code: body.token?.code, kid: body.token?.header?.kid };
}

function signedWith(jwk: Jwk): string {
  const claims = buildClaims(Date.now(), randomUUID(), 'username');
  return jwt.sign({ ...claims }, createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }), { algorithm: 'ES256', keyid: String(jwk.kid) });
}

test('rotates A -> A+B (B signs) -> B under load: no failed request, A still verifies in the overlap', async ({ request }) => {
  test.skip(
    !proxyKeysUrl || !mockKeysUrl || !keysDir || !reloadCommand,
    'PROXY_KEYS_URL, MOCK_KEYS_URL, KEYS_DIR and PROXY_KEYS_RELOAD name the stack\'s proxy-keys (make test sets them)',
  );
  test.setTimeout(120_000);
  const folder = createKeyFolder(keysDir!);
  const a = generateJwk('ES256', `e2e-a-${randomUUID().slice(0, 8)}`);
  const b = generateJwk('ES256', `e2e-b-${randomUUID().slice(0, 8)}`);
  const rotateTo = (keys: Jwk[]): void => {
    folder.write('jwt-keys.json', jwkSetText(keys));
    execSync(reloadCommand!, { stdio: 'inherit', timeout: 30_000 });
  };
  const target = (): string => `${proxyKeysUrl}/e2e/rotation/${randomUUID()}`;

  rotateTo([a]);
  await expect.poll(async () => (await post(request, target())).kid, { message: 'proxy-keys signs with A', timeout: 20_000 }).toBe(a.kid);

  const outcomes: Outcome[] = [];
  let stop = false;
  const loop = async (): Promise<void> => {
    while (!stop && outcomes.length < MAX_REQUESTS) outcomes.push(await post(request, target()).catch((error: Error) => ({ status: 0, code: error.message, kid: undefined })));
  };
  const load = Promise.all(Array.from({ length: LOAD_LOOPS }, loop));
  try {
    await expect.poll(() => outcomes.length, { message: 'the load is running', timeout: 20_000 }).toBeGreaterThan(20);
    rotateTo([b, a]);
    await expect.poll(() => outcomes.some((o) => o.kid === b.kid), { message: 'a token signed with B', timeout: 20_000 }).toBe(true);
    expect(await post(request, `${mockKeysUrl}/e2e/rotation/overlap-${randomUUID()}`, signedWith(a)), 'an A token in the overlap').toEqual({
      status: 200,
      code: 'TOKEN_VALID',
      kid: a.kid,
    });
    rotateTo([b]);
    await expect
      .poll(async () => ((await (await request.get(`${proxyKeysUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid), {
        message: 'the JWKS publishes B alone',
        timeout: 20_000,
      })
      .toEqual([b.kid]);
    const settled = outcomes.length;
    await expect.poll(() => outcomes.length, { message: 'more load after the last reload', timeout: 20_000 }).toBeGreaterThan(settled + 20);
  } finally {
    stop = true;
    await load;
  }
  const failed = outcomes.filter((o) => o.status !== 200 || o.code !== 'TOKEN_VALID');
  expect(failed, `${failed.length} of ${outcomes.length} requests failed or did not verify`).toEqual([]);
  expect(new Set(outcomes.map((o) => o.kid))).toEqual(new Set([a.kid, b.kid]));
});
