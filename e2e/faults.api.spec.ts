/** Upstream failures through the real stack, provoked with the mock's fault headers. */
import { test, expect, expectProxyError } from './fixtures.js';

test('returns 504 UPSTREAM_TIMEOUT given an upstream slower than UPSTREAM_TIMEOUT_MS', async ({ request, stack, uniquePath }) => {
  // Just past the proxy's timeout (the test stack sets it to 2 s); the mock caps delays at 60 s.
  const delayMs = Math.min(stack.upstreamTimeoutMs + 3_000, 60_000);
  test.setTimeout(delayMs + 30_000);

  const res = await request.post(uniquePath, {
    data: 'slow',
    headers: { 'x-mock-delay-ms': String(delayMs) },
    timeout: delayMs + 20_000,
  });
  await expectProxyError(res, 504, 'UPSTREAM_TIMEOUT');
});

test('returns 502 UPSTREAM_RESET given an upstream that closes the connection without answering', async ({
  request,
  uniquePath,
}) => {
  const res = await request.post(uniquePath, { data: 'close', headers: { 'x-mock-close': '1' } });
  await expectProxyError(res, 502, 'UPSTREAM_RESET');
});

test('relays an upstream error status unchanged', async ({ request, uniquePath }) => {
  const res = await request.post(uniquePath, { data: 'status', headers: { 'x-mock-status': '503' } });
  expect(res.status()).toBe(503);
  expect(((await res.json()) as { path: string }).path).toBe(uniquePath);
});
