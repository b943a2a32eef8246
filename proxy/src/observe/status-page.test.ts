import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STATUS_PAGE_CSP, humanDuration, recentRate, statusHtml } from './status-page.js';
import type { StatusDetails } from './status-page.js';
import { TrafficStats } from './traffic-stats.js';

function details(overrides: Partial<StatusDetails> = {}): StatusDetails {
  return {
    pid: 7,
    tokensSigned: 5,
    signingKey: { kid: null, alg: 'HS512' },
    mode: { reverse: 'http://mock-upstream:8081/', forward: ['mock-upstream:8081'] },
    signedMethods: ['POST'],
    traffic: new TrafficStats(() => 0).series(),
    ...overrides,
  };
}

test('the HTML page holds the numbers in their ids and escapes text', () => {
  const html = statusHtml(
    { startedAt: '<x>', uptimeSeconds: 3725, requestsProcessed: 42, inFlight: 0 },
    details({ signingKey: { kid: '<k1>', alg: 'HS512' }, mode: { reverse: 'http://a/"', forward: ['*'] } }),
  );
  assert.match(html, /<dd id="requests-processed">42<\/dd>/);
  assert.match(html, /<dd id="tokens-signed">5<\/dd>/);
  assert.match(html, /<dd id="uptime">1 h 02 min<\/dd>/);
  assert.match(html, /<dd id="key">HS512 · kid &#60;k1&#62;<\/dd>/);
  assert.match(html, /reverse → http:\/\/a\/&#34; · forward → \*/);
  assert.match(html, /&#60;x&#62;/);
  assert.doesNotMatch(html, /<x>/);
  assert.doesNotMatch(html, /id="workers"/);
  // No inline script or style: the CSP allows the page's own files only.
  assert.doesNotMatch(html, /<script>|<style>|style="/);
  assert.match(html, /<script src="\/status\/uplot\.min\.js" defer><\/script>/);
  assert.match(STATUS_PAGE_CSP, /script-src 'self';/);
});

test('under WORKERS the page lists every worker and says whose the charts are', () => {
  const clustered = statusHtml(
    {
      startedAt: 'now',
      uptimeSeconds: 1,
      requestsProcessed: 3,
      inFlight: 0,
      workers: [{ worker: 1, pid: 10, startedAt: 'now', uptimeSeconds: 1, requestsProcessed: 3, inFlight: 0 }],
    },
    details({ signingKey: { kid: 'k1', alg: 'HS512' } }),
  );
  assert.match(clustered, /<table id="workers">/);
  assert.match(clustered, /<td>1<\/td><td>10<\/td><td class="n">3<\/td>/);
  assert.match(clustered, /worker pid 7, the one that answered; totals: all 1 workers/);
  assert.match(clustered, /HS512 · kid k1/);
});

test('humanDuration reads like a person writes it', () => {
  assert.equal(humanDuration(-3), '0 s');
  assert.equal(humanDuration(42.9), '42 s');
  assert.equal(humanDuration(185), '3 min 05 s');
  assert.equal(humanDuration(3725), '1 h 02 min');
  assert.equal(humanDuration(90_000), '1 d 1 h');
});

test('recentRate averages the last complete seconds, leaving out the one still filling', () => {
  const base = details().traffic;
  assert.equal(recentRate({ ...base, requests: [9] }), 0);
  assert.equal(recentRate({ ...base, requests: [4, 2, 100] }), 3);
  assert.equal(recentRate({ ...base, requests: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 7] }, 10), 0.8);
});
