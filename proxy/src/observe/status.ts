/**
 * The request counter behind GET /status. Each request that enters the
 * forwarding path is counted exactly once, when its response closes, whatever
 * its outcome (relayed, proxy error, client gone); the own endpoints are not.
 */

export interface StatusSnapshot {
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly requestsProcessed: number;
  readonly inFlight: number;
}

export interface WorkerStatus extends StatusSnapshot {
  readonly worker: number;
  readonly pid: number;
}

export interface ClusterStatus extends StatusSnapshot {
  readonly workers: readonly WorkerStatus[];
}

export class StatusCounter {
  readonly #now: () => number;
  readonly startedAtMs: number;
  #processed = 0;
  #inFlight = 0;

  constructor(now: () => number) {
    this.#now = now;
    this.startedAtMs = now();
  }

  /** A request entered the forwarding path. */
  started(): void {
    this.#inFlight += 1;
  }

  /** Its response closed (finished or aborted). Call once per started(). */
  finished(): void {
    this.#inFlight -= 1;
    this.#processed += 1;
  }

  get requestsProcessed(): number {
    return this.#processed;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  snapshot(): StatusSnapshot {
    return {
      startedAt: new Date(this.startedAtMs).toISOString(),
      uptimeSeconds: uptimeSeconds(this.startedAtMs, this.#now()),
      requestsProcessed: this.#processed,
      inFlight: this.#inFlight,
    };
  }
}

/** Seconds since start, to the millisecond, never negative (a clock stepped back). */
export function uptimeSeconds(startedAtMs: number, nowMs: number): number {
  return Math.max(0, Math.round(nowMs - startedAtMs)) / 1000;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small self-contained page; refreshes its numbers every 2 s from the JSON form. */
export function statusHtml(status: StatusSnapshot & { readonly workers?: readonly WorkerStatus[] }): string {
  const rows = (status.workers ?? [])
    .map(
      (w) =>
        `<tr><td>${w.worker}</td><td>${w.pid}</td><td class="n">${w.requestsProcessed}</td><td class="n">${w.inFlight}</td></tr>`,
    )
    .join('');
  const workers =
    status.workers === undefined
      ? ''
      : `<h2>Workers</h2><table id="workers"><thead><tr><th>worker</th><th>pid</th><th>processed</th><th>in flight</th></tr></thead><tbody>${rows}</tbody></table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>jwt-proxy status</title>
<link rel="icon" href="data:,">
<noscript><meta http-equiv="refresh" content="5"></noscript>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.4rem;margin:0 0 1rem}h2{font-size:1.1rem;margin-top:2rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1.5rem;margin:0}
dt{color:#555}dd{margin:0;font-variant-numeric:tabular-nums}
#requests-processed{font-size:2rem;font-weight:600}
table{border-collapse:collapse;width:100%}td,th{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}
</style>
</head>
<body>
<h1>jwt-proxy</h1>
<dl>
<dt>Requests processed</dt><dd id="requests-processed">${status.requestsProcessed}</dd>
<dt>In flight</dt><dd id="in-flight">${status.inFlight}</dd>
<dt>Started at</dt><dd id="started-at">${escapeHtml(status.startedAt)}</dd>
<dt>Uptime (s)</dt><dd id="uptime-seconds">${status.uptimeSeconds.toFixed(0)}</dd>
</dl>
${workers}
<script>
setInterval(async () => {
  try {
    const r = await fetch(location.pathname, { headers: { accept: 'application/json' } });
    const s = await r.json();
    document.getElementById('requests-processed').textContent = String(s.requestsProcessed);
    document.getElementById('in-flight').textContent = String(s.inFlight);
    document.getElementById('uptime-seconds').textContent = String(Math.round(s.uptimeSeconds));
  } catch {}
}, 2000);
</script>
</body>
</html>
`;
}
