/** The mock's inspection page, as someone demoing the proxy uses it. */
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
