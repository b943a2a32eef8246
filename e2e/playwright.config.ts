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
import type { Project } from '@playwright/test';
import { readStackEnv } from './fixtures.js';

// Fails here, once, with the variable's name, rather than in every test with a connection error.
const stack = readStackEnv(process.env);

/** Specs that read the proxy's global requestsProcessed and expect no other traffic meanwhile. */
const PROXY_COUNTER_SPECS = /(^|\/)status(-page)?\.(api|browser)\.spec\.ts$/;

/** Debian's Chromium: `npx playwright install` cannot download browsers here. */
const CHROMIUM: Project['use'] = {
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
};

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
    { name: 'api', testMatch: /\.api\.spec\.ts$/, testIgnore: PROXY_COUNTER_SPECS },
    { name: 'browser', testMatch: /\.browser\.spec\.ts$/, testIgnore: PROXY_COUNTER_SPECS, use: CHROMIUM },
    // The proxy's request counter is global: these specs assert exact counts, so they run alone,
    // one at a time, after everything else (a mock session cannot isolate a proxy-wide number).
    { name: 'counters', testMatch: PROXY_COUNTER_SPECS, dependencies: ['api', 'browser'], workers: 1, use: CHROMIUM },
  ],
});
