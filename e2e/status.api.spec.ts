/** The proxy's own /status counts forwarded requests, and only those. */
import { test, expect, requestsProcessed } from './fixtures.js';

test('/status counts one forwarded POST exactly once and not its own requests', async ({ request, stack, uniquePath }) => {
  const before = await requestsProcessed(request, stack.proxyUrl);
  // Reading /status (and /healthz) is not forwarded, so it is not counted.
  expect((await request.get('/healthz')).ok()).toBe(true);
  expect(await requestsProcessed(request, stack.proxyUrl)).toBe(before);

  const res = await request.post(uniquePath, { data: 'count me' });
  expect(res.status()).toBe(200);

  expect(await requestsProcessed(request, stack.proxyUrl)).toBe(before + 1);
});

test('/status answers JSON with startedAt, uptimeSeconds and requestsProcessed', async ({ request }) => {
  const res = await request.get('/status', { headers: { accept: 'application/json' } });
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^application\/json/);
  const status = (await res.json()) as { startedAt: string; uptimeSeconds: number; requestsProcessed: number };
  expect(status).toMatchObject({
    startedAt: expect.any(String),
    uptimeSeconds: expect.any(Number),
    requestsProcessed: expect.any(Number),
  });
  expect(new Date(status.startedAt).toISOString()).toBe(status.startedAt);
});
