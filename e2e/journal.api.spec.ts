/** Reverse mode through the real stack: what the proxy sends is what the mock records and verifies. */
import { test, expect, expectValidToken, sha256 } from './fixtures.js';

test('a POST through the proxy is recorded by the mock signed, with a token it verifies as valid', async ({
  request,
  journal,
  stack,
  uniquePath,
}) => {
  const body = Buffer.from(JSON.stringify({ marker: uniquePath, text: 'héllo, upstream' }));
  const res = await request.post(`${uniquePath}?q=1`, { data: body, headers: { 'content-type': 'application/json' } });
  expect(res.status()).toBe(200);
  const echo = (await res.json()) as { id: string; path: string };
  expect(echo.path).toBe(uniquePath);

  const entry = await journal.only(uniquePath);
  expect(entry.id).toBe(echo.id);
  expect(entry).toMatchObject({ method: 'POST', url: `${uniquePath}?q=1`, query: 'q=1', replayed: false });
  expect(entry.body).toMatchObject({ bytes: body.length, sha256: sha256(body), truncated: false });
  expect(typeof entry.headers[stack.jwtHeader], `one ${stack.jwtHeader} header`).toBe('string');
  expectValidToken(entry.token, stack.jwtUser);
});

test('a token forged by the client never reaches the mock: it gets the proxy’s own instead', async ({
  request,
  journal,
  stack,
  uniquePath,
}) => {
  const forged = 'eyJhbGciOiJub25lIn0.eyJmb3JnZWQiOnRydWV9.';
  const res = await request.post(uniquePath, { data: 'x', headers: { [stack.jwtHeader]: forged } });
  expect(res.status()).toBe(200);

  const entry = await journal.only(uniquePath);
  expect(entry.headers[stack.jwtHeader]).not.toBe(forged);
  expectValidToken(entry.token, stack.jwtUser);
});

test('a GET through the proxy is forwarded unsigned', async ({ request, journal, stack, uniquePath }) => {
  const res = await request.get(uniquePath);
  expect(res.status()).toBe(200);

  const entry = await journal.only(uniquePath);
  expect(entry.method).toBe('GET');
  expect(entry.headers[stack.jwtHeader]).toBeUndefined();
  expect(entry.token).toMatchObject({ present: false, valid: false, code: 'TOKEN_MISSING' });
});

test('each test has its own mock session: its entries carry it, and another session sees none of them', async ({
  request,
  journal,
  stack,
  uniquePath,
}) => {
  expect((await request.post(uniquePath, { data: 'mine' })).status()).toBe(200);
  const entry = await journal.only(uniquePath);
  expect(entry.session).toBe(journal.session);
  const other = await request.get(`${stack.mockUrl}/__mock/requests`, { params: { session: `${journal.session}-other`, path: uniquePath } });
  expect(((await other.json()) as { requests: unknown[] }).requests).toEqual([]);
});
