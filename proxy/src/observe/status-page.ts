/**
 * The /status page a person opens (issue 23, item 6): the totals of GET /status, requests per second
 * and upstream latency p50/p99 over the last minutes (uPlot, served by the proxy itself from
 * node_modules, never a CDN), the status-code mix, tokens signed, the signing key, the mode and
 * upstream, and uptime. Rendered whole on the server (it reads without JavaScript, and refreshes
 * itself then), and kept live by page.js polling the JSON forms every 2 s.
 *
 * Everything the page runs or styles is a file of its own under /status/ (no inline script or
 * style), so the page is served with a CSP of 'self' only.
 */
import type { ClusterStatus, StatusSnapshot } from './status.js';
import { STATUS_CLASSES } from './traffic-stats.js';
import type { TrafficSeries } from './traffic-stats.js';

/** What GET /status/series serves: this process's traffic and what the page says about the setup. */
export interface StatusDetails {
  /** The process that answered (under WORKERS>1 the series is that worker's; /status has the totals). */
  readonly pid: number;
  readonly tokensSigned: number;
  readonly signingKey: { readonly kid: string | null; readonly alg: string };
  /** Reverse mode's UPSTREAM_URL; forward mode's allowed targets (PROXY_ALLOWED_HOSTS, `*` = any). */
  readonly mode: { readonly reverse: string; readonly forward: readonly string[] };
  readonly signedMethods: readonly string[];
  readonly traffic: TrafficSeries;
}

/** The page's own files, served under /status/ (own-endpoints.ts). */
export const STATUS_ASSETS = Object.freeze({
  script: '/status/page.js',
  style: '/status/page.css',
  uplotScript: '/status/uplot.min.js',
  uplotStyle: '/status/uplot.min.css',
  series: '/status/series',
});

/** The page's CSP: its own files only, fetches to itself only, never framed (clickjacking). */
export const STATUS_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "1 h 02 min", "3 min 05 s", "42 s": uptime as a person reads it. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s >= 86_400) return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  return `${s} s`;
}

/** Requests per second over the last `seconds` complete seconds (the newest one is still filling). */
export function recentRate(traffic: TrafficSeries, seconds = 10): number {
  const done = traffic.requests.slice(0, -1).slice(-seconds);
  if (done.length === 0) return 0;
  return Math.round((done.reduce((a, b) => a + b, 0) / done.length) * 10) / 10;
}

/** Three significant digits: a bucket's bound is within 19% of the truth, more digits would be noise. */
function ms(value: number | null): string {
  return value === null ? '—' : `${Number(value.toPrecision(3))} ms`;
}

function tile(id: string, label: string, value: string, extra = ''): string {
  return `<div class="tile${extra}"><dt>${label}</dt><dd id="${id}">${escapeHtml(value)}</dd></div>`;
}

function tilesHtml(status: StatusSnapshot, details: StatusDetails): string {
  const { traffic, signingKey, mode } = details;
  return [
    tile('requests-processed', 'Requests processed', String(status.requestsProcessed), ' big'),
    tile('rps', 'Requests / s (last 10 s)', String(recentRate(traffic)), ' big'),
    tile('in-flight', 'In flight', String(status.inFlight)),
    tile('tokens-signed', 'Tokens signed', String(details.tokensSigned)),
    tile('latency-p50', 'Upstream p50 (5 min)', ms(traffic.latency.p50Ms)),
    tile('latency-p99', 'Upstream p99 (5 min)', ms(traffic.latency.p99Ms)),
    tile('key', 'Signing key', `${signingKey.alg} · kid ${signingKey.kid ?? '(none: JWT_SECRET)'}`),
    tile('uptime', 'Uptime', humanDuration(status.uptimeSeconds)),
    tile('mode', 'Mode', `reverse → ${mode.reverse} · forward → ${mode.forward.join(', ')}`, ' wide'),
    tile('signed-methods', 'Signed methods', details.signedMethods.join(', ')),
    tile('started-at', 'Started at', status.startedAt),
  ].join('\n');
}

function mixHtml(traffic: TrafficSeries): string {
  const total = STATUS_CLASSES.reduce((sum, name) => sum + traffic.statusMix[name], 0);
  const rows = STATUS_CLASSES.map((name) => {
    const count = traffic.statusMix[name];
    const share = total === 0 ? 0 : Math.round((count / total) * 1000) / 10;
    return `<li data-class="${name}"><span class="swatch"></span><span class="name">${name}</span><span class="count">${count}</span><span class="share">${share}%</span></li>`;
  });
  return `<ul id="status-mix" class="mix">${rows.join('')}</ul>`;
}

function workersHtml(status: StatusSnapshot & { readonly workers?: ClusterStatus['workers'] }): string {
  if (status.workers === undefined) return '';
  const rows = status.workers
    .map(
      (w) =>
        `<tr><td>${w.worker}</td><td>${w.pid}</td><td class="n">${w.requestsProcessed}</td><td class="n">${w.inFlight}</td></tr>`,
    )
    .join('');
  return `<section class="card"><h2>Workers</h2><table id="workers"><thead><tr><th>worker</th><th>pid</th><th class="n">processed</th><th class="n">in flight</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The whole page, rendered with the numbers of the moment. */
export function statusHtml(status: StatusSnapshot & { readonly workers?: ClusterStatus['workers'] }, details: StatusDetails): string {
  const scope =
    status.workers === undefined ? '' : `<p class="note" id="scope">Charts: worker pid ${details.pid}, the one that answered; totals: all ${status.workers.length} workers.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>jwt-proxy status</title>
<link rel="icon" href="data:,">
<noscript><meta http-equiv="refresh" content="5"></noscript>
<link rel="stylesheet" href="${STATUS_ASSETS.uplotStyle}">
<link rel="stylesheet" href="${STATUS_ASSETS.style}">
<script src="${STATUS_ASSETS.uplotScript}" defer></script>
<script src="${STATUS_ASSETS.script}" defer></script>
</head>
<body>
<header><h1>jwt-proxy <span class="sub">status</span></h1><span id="live" class="live" data-state="static">updated on load</span></header>
<dl class="tiles">
${tilesHtml(status, details)}
</dl>
${scope}
<section class="card"><h2>Requests per second <span class="hint">last 5 minutes</span></h2><div id="chart-rps" class="chart"></div></section>
<section class="card"><h2>Upstream latency <span class="hint">p50 and p99 per second, ms</span></h2><div id="chart-latency" class="chart"></div></section>
<section class="card"><h2>Status codes <span class="hint">last 5 minutes</span></h2>${mixHtml(details.traffic)}</section>
${workersHtml(status)}
<footer>JSON: <a href="/status">/status</a> (with <code>Accept: application/json</code>) · <a href="${STATUS_ASSETS.series}">${STATUS_ASSETS.series}</a> · <a href="/metrics">/metrics</a></footer>
</body>
</html>
`;
}
