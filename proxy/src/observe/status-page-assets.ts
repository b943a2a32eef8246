/**
 * The status page's own script and style, served as /status/page.js and /status/page.css
 * (status-page.ts). Kept as strings in the build: the proxy's image carries dist/ only.
 *
 * The script polls GET /status (JSON: the totals, every worker's) and GET /status/series (this
 * process's last minutes) every 2 s and writes what they say into the page with textContent, never
 * innerHTML. uPlot is global here (uplot.min.js, the IIFE build).
 */

export const STATUS_PAGE_JS = String.raw`/* jwt-proxy status page: live numbers and charts, no reload. */
(function () {
  'use strict';
  var POLL_MS = 2000;
  var CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'aborted'];
  var charts = {};
  function $(id) { return document.getElementById(id); }
  function set(id, text) { var el = $(id); if (el) el.textContent = text; }
  function ms(v) { return v === null ? '\u2014' : Number(v.toPrecision(3)) + ' ms'; }
  function pad(n) { return String(n).padStart(2, '0'); }
  function human(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    if (s >= 86400) return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
    if (s >= 3600) return Math.floor(s / 3600) + ' h ' + pad(Math.floor((s % 3600) / 60)) + ' min';
    if (s >= 60) return Math.floor(s / 60) + ' min ' + pad(s % 60) + ' s';
    return s + ' s';
  }
  function rate(requests) {
    var done = requests.slice(0, -1).slice(-10);
    if (done.length === 0) return 0;
    var sum = done.reduce(function (a, b) { return a + b; }, 0);
    return Math.round((sum / done.length) * 10) / 10;
  }
  function getJson(url) {
    return fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function chartWidth(el) { return Math.max(240, el.clientWidth); }
  function makeChart(id, series, yLabel) {
    var el = $(id);
    var opts = {
      width: chartWidth(el),
      height: 200,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
      axes: [{ stroke: '#555' }, { stroke: '#555', label: yLabel, size: 56 }],
      series: [{}].concat(series),
    };
    return new uPlot(opts, [[]].concat(series.map(function () { return []; })), el);
  }
  function ensureCharts() {
    if (typeof uPlot !== 'function' || charts.rps) return;
    charts.rps = makeChart('chart-rps', [{ label: 'requests/s', stroke: '#2563eb', fill: 'rgba(37,99,235,0.12)', width: 2 }], 'req/s');
    charts.latency = makeChart('chart-latency', [
      { label: 'p50', stroke: '#16a34a', width: 2, points: { show: true, size: 5 } },
      { label: 'p99', stroke: '#dc2626', width: 2, points: { show: true, size: 5 } },
    ], 'ms');
    window.addEventListener('resize', function () {
      charts.rps.setSize({ width: chartWidth($('chart-rps')), height: 200 });
      charts.latency.setSize({ width: chartWidth($('chart-latency')), height: 200 });
    });
  }
  function renderMix(mix) {
    var total = CLASSES.reduce(function (sum, name) { return sum + mix[name]; }, 0);
    CLASSES.forEach(function (name) {
      var row = document.querySelector('#status-mix [data-class="' + name + '"]');
      if (!row) return;
      row.querySelector('.count').textContent = String(mix[name]);
      row.querySelector('.share').textContent = (total === 0 ? 0 : Math.round((mix[name] / total) * 1000) / 10) + '%';
    });
  }
  function render(status, details) {
    var traffic = details.traffic;
    set('requests-processed', String(status.requestsProcessed));
    set('in-flight', String(status.inFlight));
    set('uptime', human(status.uptimeSeconds));
    set('rps', String(rate(traffic.requests)));
    set('tokens-signed', String(details.tokensSigned));
    set('latency-p50', ms(traffic.latency.p50Ms));
    set('latency-p99', ms(traffic.latency.p99Ms));
    set('key', details.signingKey.alg + ' \u00b7 kid ' + (details.signingKey.kid === null ? '(none: JWT_SECRET)' : details.signingKey.kid));
    renderMix(traffic.statusMix);
    ensureCharts();
    if (charts.rps) {
      charts.rps.setData([traffic.t, traffic.requests]);
      charts.latency.setData([traffic.t, traffic.p50Ms, traffic.p99Ms]);
    }
    var live = $('live');
    live.dataset.state = 'live';
    var now = new Date();
    live.textContent = 'live \u00b7 ' + pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds());
  }
  function tick() {
    Promise.all([getJson('/status'), getJson('/status/series')]).then(function (both) {
      render(both[0], both[1]);
    }, function () {
      var live = $('live');
      live.dataset.state = 'offline';
      live.textContent = 'offline: retrying';
    });
  }
  tick();
  setInterval(tick, POLL_MS);
})();
`;

export const STATUS_PAGE_CSS = `*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1b1b1b;background:#f5f6f8}
header{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem;margin-bottom:1rem}
h1{font-size:1.4rem;margin:0}h1 .sub{color:#667;font-weight:400}
h2{font-size:1rem;margin:0 0 .6rem}.hint{color:#667;font-weight:400;font-size:.85rem}
.live{font-size:.85rem;padding:.15rem .6rem;border-radius:999px;background:#e5e7eb;color:#374151}
.live[data-state=live]{background:#dcfce7;color:#166534}.live[data-state=offline]{background:#fee2e2;color:#991b1b}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.6rem;margin:0 0 1rem}
.tile{background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:.6rem .8rem;min-width:0}
.tile.wide{grid-column:span 2}
@media (max-width:30rem){.tile.wide{grid-column:1/-1}}
dt{color:#5b6170;font-size:.8rem}dd{margin:0;font-variant-numeric:tabular-nums;font-weight:600;overflow-wrap:anywhere}
.tile.big dd{font-size:1.8rem}
.card{background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:.8rem;margin-bottom:1rem;min-width:0;overflow:hidden}
.chart{width:100%;min-height:200px}
.note{color:#5b6170;font-size:.85rem;margin:0 0 1rem}
.mix{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(8rem,1fr));gap:.4rem}
.mix li{display:flex;align-items:center;gap:.4rem;font-variant-numeric:tabular-nums}
.mix .swatch{width:.8rem;height:.8rem;border-radius:3px;background:#9ca3af;flex:none}
.mix [data-class="2xx"] .swatch{background:#16a34a}.mix [data-class="3xx"] .swatch{background:#2563eb}
.mix [data-class="4xx"] .swatch{background:#d97706}.mix [data-class="5xx"] .swatch{background:#dc2626}
.mix .count{font-weight:600;margin-left:auto}.mix .share{color:#667;min-width:3.5rem;text-align:right}
table{border-collapse:collapse;width:100%}td,th{padding:.25rem .5rem;border-bottom:1px solid #e3e5e8;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}
footer{color:#667;font-size:.85rem;overflow-wrap:anywhere}
`;
