/** The mock's inspection page, as someone demoing the proxy uses it. */
import { randomBytes, randomUUID } from 'node:crypto';
import { craftToken } from '../contracts/testing/craft-token.js';
import { test, expect } from './fixtures.js';

test('the inspection page shows a POST sent through the proxy with its verdict, user and date', async ({
  page,
  request,
  stack,
  uniquePath,
}) => {
  await page.goto(`${stack.mockUrl}/__mock/`);
  await expect(page.locator('#requests')).toBeVisible();

  const res = await request.post(uniquePath, { data: { from: 'the inspection page test' } });
  expect(res.status()).toBe(200);
  const echo = (await res.json()) as { id: string; token: { claims?: { payload?: { date?: string } } } };
  const date = echo.token.claims?.payload?.date;
  expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

  // The page updates by itself: no reload.
  const row = page.locator(`#requests [data-id="${echo.id}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-code', 'TOKEN_VALID');
  await expect(row).toContainText(uniquePath);

  await row.click();
  const detail = page.locator('#detail');
  await expect(detail).toBeVisible();
  await expect(detail.locator('[data-field=user]')).toHaveText(stack.jwtUser);
  await expect(detail.locator('[data-field=date]')).toHaveText(date!);
});

test('the inspection page filters by verdict, method and session, explains an invalid token, exports it and lists the stubs in use', async ({
  page,
  request,
  stack,
  mockSession,
  uniquePath,
}) => {
  // A stub of this test's session, so the page has one to list (no body: it answers with the echo,
  // which contracts/openapi.yaml describes; a stub's own body could be anything).
  const stub = await request.post(`${stack.mockUrl}/__mock/stubs`, {
    data: { path: `${uniquePath}/stubbed`, session: mockSession, status: 201, times: 1 },
  });
  expect(stub.status()).toBe(201);
  const stubId = ((await stub.json()) as { id: string }).id;
  try {
    await page.goto(`${stack.mockUrl}/__mock/`);
    await expect(page.locator('#live')).toHaveText('live');

    // Through the proxy: valid; straight to the mock with a token signed by an unknown key: invalid.
    expect((await request.post(`${uniquePath}/valid`, { data: 'ok' })).status()).toBe(200);
    expect((await request.post(`${uniquePath}/stubbed`, { data: 'stub me' })).status()).toBe(201);
    const forged = craftToken({ claims: { iat: Math.floor(Date.now() / 1000), jti: randomUUID(), payload: { user: 'u', date: new Date().toISOString().slice(0, 10) } }, key: randomBytes(64) });
    const bad = await request.post(`${stack.mockUrl}${uniquePath}/forged`, { data: 'x', headers: { [stack.jwtHeader]: forged } });
    const badId = ((await bad.json()) as { id: string }).id;

    await page.locator('#filter-session').selectOption(mockSession);
    const rows = page.locator('#rows tr');
    await expect(rows).toHaveCount(3);
    await page.locator('#filter-verdict').selectOption('invalid');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-code', 'SIGNATURE_INVALID');
    await page.locator('#filter-verdict').selectOption('');
    await page.locator('#filter-method').selectOption('POST');
    await expect(rows).toHaveCount(3);

    await page.locator(`#rows [data-id="${badId}"]`).click();
    const detail = page.locator('#detail');
    await expect(detail.locator('[data-field=diagnosis]')).toContainText('the signature verifies under none of');
    await expect(detail.locator('#detail-extra')).toContainText(`session ${mockSession}`);
    await expect(detail.locator('#download-body')).toHaveAttribute('href', `requests/${badId}/body`);

    await detail.locator('#copy-curl').click();
    const curl = detail.locator('[data-field=curl]');
    await expect(curl).toBeVisible();
    await expect(curl).toContainText(`--request 'POST'`);
    await expect(curl).toContainText(`${uniquePath}/forged`);

    await expect(page.locator('#export-har')).toHaveAttribute('href', `requests.har?session=${mockSession}`);
    const stubRow = page.locator(`#stub-rows [data-stub="${stubId}"]`);
    await expect(stubRow).toContainText(`${uniquePath}/stubbed`);
    await expect(stubRow).toContainText('1 of 1');
  } finally {
    await request.delete(`${stack.mockUrl}/__mock/stubs`, { params: { session: mockSession } });
  }
});
