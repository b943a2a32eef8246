/**
 * Playwright suites against a running stack (issue 5): `make test` brings one up (compose, or native
 * with STACK=native) and exports its addresses. Run by hand against any stack:
 *   PROXY_URL=http://127.0.0.1:8080 MOCK_URL=http://127.0.0.1:8081 \
 *   MOCK_URL_FROM_PROXY=http://mock-upstream:8081 npm run test:e2e
 *
 * Projects: `api` (*.api.spec.ts, the request fixture only, no browser) and `browser`
 * (*.browser.spec.ts, Debian's Chromium: `npx playwright install` cannot download browsers here).
 */
import { defineConfig } from '@playwright/test';
import { readStackEnv } from './fixtures.js';

// Fails here, once, with the variable's name, rather than in every test with a connection error.
const stack = readStackEnv(process.env);

export default defineConfig({
  testDir: '.',
  outputDir: 'test-results',
  reporter: [['list']],
  // Each test has its own mock session (fixtures.ts), so tests never read each other's records.
  workers: Number(process.env.E2E_WORKERS || 2),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: process.env.CI === 'true',
  use: {
    baseURL: stack.proxyUrl,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'api', testMatch: /\.api\.spec\.ts$/ },
    {
      name: 'browser',
      testMatch: /\.browser\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
  ],
});
