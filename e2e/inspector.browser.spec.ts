/** The mock's inspection page, as someone demoing the proxy uses it. */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Page } from '@playwright/test';
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

test('a GET the proxy rightly left unsigned shows as unsigned, as configured: counted apart, filtered apart, never red', async ({
  page,
  request,
  stack,
  mockSession,
  uniquePath,
}) => {
  await page.goto(`${stack.mockUrl}/__mock/`);
  await expect(page.locator('#live')).toHaveText('live');
  // Through the proxy: a POST (signed, valid) and a GET (outside JWT_METHODS: unsigned, as promised);
  // straight to the mock: a POST without a token (a signed method without one: still invalid).
  expect((await request.post(`${uniquePath}/signed`, { data: 'x' })).status()).toBe(200);
  expect((await request.get(`${uniquePath}/unsigned`)).status()).toBe(200);
  expect((await request.post(`${stack.mockUrl}${uniquePath}/missing`, { data: 'x' })).status()).toBe(200);

  await page.locator('#filter-session').selectOption(mockSession);
  const rows = page.locator('#rows tr');
  await expect(rows).toHaveCount(3);
  await expect(page.locator('#count-valid')).toHaveText('1');
  await expect(page.locator('#count-invalid')).toHaveText('1');
  await expect(page.locator('#count-unsigned')).toHaveText('1');
  await expect(page.locator('#count-total')).toHaveText(/^3 of \d+$/);

  await page.locator('#filter-verdict').selectOption('unsigned');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-code', 'TOKEN_MISSING');
  await expect(rows.first()).toContainText(`${uniquePath}/unsigned`);
  const badge = rows.first().locator('.badge');
  await expect(badge).toHaveText('UNSIGNED');
  await expect(badge).toHaveAttribute('title', /^TOKEN_MISSING: unsigned, as configured/);
  await expect(badge).toHaveClass(/\bunsigned\b/);
  await rows.first().click();
  await expect(page.locator('#detail-diagnosis')).toContainText('unsigned, as configured: GET is not a signed method');

  await page.locator('#filter-verdict').selectOption('invalid');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`${uniquePath}/missing`);
  await expect(rows.first().locator('.badge')).toHaveClass(/\bbad\b/);
});

/** Layout facts at one width: nothing scrolls sideways, the filters are on screen, the columns do not overlap. */
async function expectLayoutFits(page: Page, width: number): Promise<void> {
  const fit = (await page.evaluate('({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth })')) as {
    scrollWidth: number;
    innerWidth: number;
  };
  expect(fit.innerWidth).toBe(width);
  expect(fit.scrollWidth, 'no horizontal overflow').toBeLessThanOrEqual(fit.innerWidth);
  for (const id of ['#filter', '#filter-verdict', '#filter-method', '#filter-session', '#export-har', '#clear']) {
    const control = page.locator(id);
    await expect(control, id).toBeVisible();
    const box = await control.boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.x, `${id} left edge`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${id} right edge`).toBeLessThanOrEqual(width);
    expect(box!.width, `${id} is not collapsed`).toBeGreaterThan(60);
  }
  // The visible cells of the first row and of the header, left to right, each ends before the next begins.
  for (const cells of [page.locator('#requests thead th'), page.locator('#rows tr').first().locator('td')]) {
    const boxes = (await cells.evaluateAll((nodes) =>
      nodes.map((node) => node.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => ({ left: r.left, right: r.right })),
    )) as { left: number; right: number }[];
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < boxes.length; i += 1) expect(boxes[i]!.left, `column ${i} starts after column ${i - 1}`).toBeGreaterThanOrEqual(boxes[i - 1]!.right - 0.5);
    expect(boxes.at(-1)!.right).toBeLessThanOrEqual(width);
  }
}

for (const [width, height, file] of [
  [1440, 900, 'mock-inspector.png'],
  [390, 844, 'mock-inspector-390.png'],
] as const) {
  test(`the inspection page fits ${width} px: no sideways scroll, filters on screen, columns apart (docs/${file})`, async ({
    page,
    request,
    stack,
    mockSession,
    uniquePath,
  }, testInfo) => {
    await page.setViewportSize({ width, height });
    await page.goto(`${stack.mockUrl}/__mock/`);
    await expect(page.locator('#live')).toHaveText('live');
    expect((await request.post(`${uniquePath}/orders`, { data: { order: 42 } })).status()).toBe(200);
    expect((await request.get(`${uniquePath}/orders?page=2`)).status()).toBe(200);
    const forged = craftToken({ claims: { iat: Math.floor(Date.now() / 1000), jti: randomUUID(), payload: { user: 'mallory', date: new Date().toISOString().slice(0, 10) } }, key: randomBytes(64) });
    expect((await request.post(`${stack.mockUrl}${uniquePath}/forged`, { data: 'x', headers: { [stack.jwtHeader]: forged } })).status()).toBe(200);
    // Only this test's entries, so the picture is the same whatever else ran.
    await page.locator('#filter-session').selectOption(mockSession);
    await expect(page.locator('#rows tr')).toHaveCount(3);
    await expectLayoutFits(page, width);
    if (width > 980) {
      // The wide picture shows the detail of the forged token, its diagnosis beside the list.
      await page.locator('#rows tr', { hasText: '/forged' }).click();
      await expect(page.locator('#detail-diagnosis')).toBeVisible();
      await expectLayoutFits(page, width);
    }
    await page.screenshot({ path: path.join(testInfo.config.rootDir, '..', 'docs', file) });
  });
}
