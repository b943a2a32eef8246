/**
 * Summaries, target checks and the Markdown/console table of a bench run.
 * Pure functions over the measurements, so the numbers in latest.json,
 * latest.md and the console always agree.
 */
import type { LoadResult } from './load-spec.js';
import type { Sampling } from './processes.js';

/** `obvious`: the design card built the obvious way (bench/peers/obvious.ts), the yardstick of issue #22's targets; `fastify`: bench/peers/fastify.ts. */
export type Role = 'direct' | 'ours' | 'ours-info' | 'reference' | 'obvious' | 'fastify' | 'nginx' | 'workers';
export type Method = 'GET' | 'POST';

export interface ConfigResult {
  readonly id: string;
  readonly label: string;
  readonly role: Role;
  readonly method: Method;
  readonly pinning: string;
  readonly token: string;
  readonly runs: readonly LoadResult[];
  readonly samplings: readonly Sampling[];
  /** Per run: CPU used by processes outside the bench, % of one core. */
  readonly foreignCpu: readonly number[];
}

export interface Summary {
  readonly id: string;
  readonly label: string;
  readonly role: Role;
  readonly method: Method;
  readonly pinning: string;
  readonly token: string;
  readonly rps: number;
  readonly rpsRuns: readonly number[];
  /** (max - min) / median of the runs' req/s: how much to trust a ratio. */
  readonly spread: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly errors: number;
  readonly badStatus: number;
  readonly peakRssMb: number;
  readonly cpuPercent: number;
  /** Server CPU per answered request, µs (median of runs): robust to a busy machine, unlike req/s. */
  readonly cpuUsPerRequest: number;
  readonly cpuVsReference: number | null;
  /** Median CPU taken by processes outside the bench during the runs (% of one core). */
  readonly foreignCpuPercent: number;
  readonly vsDirect: number | null;
  /** Ratio of the medians (this row's median req/s over the reference row's). */
  readonly vsReference: number | null;
  readonly p99VsReference: number | null;
  /**
   * Median over rounds of this row's req/s over the reference row's in the same round. Each round
   * runs the two back to back, so slow drifts of a shared machine cancel; the targets use these.
   */
  readonly vsReferencePaired: number | null;
  readonly p99VsReferencePaired: number | null;
  /** The same per-round ratios against the obvious design-card build of the method (issue #22's targets). */
  readonly vsObviousPaired: number | null;
  readonly p99VsObviousPaired: number | null;
  /** ...and against the fastify peer: what the design card's engine costs. */
  readonly vsFastifyPaired: number | null;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Medians per configuration, then ratios to the direct row and the reference row of the same method. */
export function summarise(results: readonly ConfigResult[]): Summary[] {
  const base = results.map((result) => {
    const rpsRuns = result.runs.map((run) => run.rps);
    const rps = median(rpsRuns);
    return {
      id: result.id,
      label: result.label,
      role: result.role,
      method: result.method,
      pinning: result.pinning,
      token: result.token,
      rps,
      rpsRuns,
      spread: rps > 0 ? (Math.max(...rpsRuns) - Math.min(...rpsRuns)) / rps : 0,
      p50Ms: median(result.runs.map((run) => run.p50Ms)),
      p99Ms: median(result.runs.map((run) => run.p99Ms)),
      p999Ms: median(result.runs.map((run) => run.p999Ms)),
      errors: result.runs.reduce((sum, run) => sum + run.errors + run.timeouts, 0),
      badStatus: result.runs.reduce((sum, run) => sum + run.badStatus, 0),
      peakRssMb: Math.max(0, ...result.samplings.map((s) => s.peakRssMb)),
      cpuPercent: median(result.samplings.map((s) => s.cpuPercent)),
      foreignCpuPercent: median(result.foreignCpu),
      cpuUsPerRequest: median(
        result.runs.map((run, i) => {
          const cpu = result.samplings[i]?.cpuSeconds ?? Number.NaN;
          const answered = run.requests + run.warmupRequests;
          return answered > 0 ? (cpu * 1e6) / answered : Number.NaN;
        }),
      ),
    };
  });
  const find = (role: Role, method: Method) => base.find((row) => row.role === role && row.method === method);
  const runsOf = (id: string) => results.find((r) => r.id === id)?.runs ?? [];
  const paired = (id: string, refId: string | undefined, pick: (run: LoadResult) => number): number | null => {
    if (refId === undefined) return null;
    const mine = runsOf(id);
    const theirs = runsOf(refId);
    const ratios = mine.flatMap((run, i) => {
      const other = theirs[i];
      return other !== undefined && pick(other) > 0 ? [pick(run) / pick(other)] : [];
    });
    return ratios.length > 0 ? median(ratios) : null;
  };
  return base.map((row) => {
    const direct = find('direct', row.method);
    const reference = find('reference', row.method);
    const obvious = find('obvious', row.method);
    return {
      ...row,
      vsObviousPaired: paired(row.id, obvious?.id, (run) => run.rps),
      p99VsObviousPaired: paired(row.id, obvious?.id, (run) => run.p99Ms),
      vsFastifyPaired: paired(row.id, find('fastify', row.method)?.id, (run) => run.rps),
      vsReferencePaired: paired(row.id, reference?.id, (run) => run.rps),
      p99VsReferencePaired: paired(row.id, reference?.id, (run) => run.p99Ms),
      vsDirect: direct && direct.rps > 0 ? row.rps / direct.rps : null,
      vsReference: reference && reference.rps > 0 ? row.rps / reference.rps : null,
      p99VsReference: reference && reference.p99Ms > 0 ? row.p99Ms / reference.p99Ms : null,
      cpuVsReference: reference && reference.cpuUsPerRequest > 0 ? row.cpuUsPerRequest / reference.cpuUsPerRequest : null,
    };
  });
}

export interface LeakCheck {
  readonly smallRequests: number;
  readonly largeRequests: number;
  readonly rssAfterSmallMb: number;
  readonly rssAfterLargeMb: number;
  readonly peakRssMb: number;
  readonly growth: number;
  readonly errors: number;
  readonly badStatus: number;
  readonly scaledDown: boolean;
}

/** INFO: measured, but too small a sample to judge (the --quick leak check). */
export type Verdict = 'PASS' | 'FAIL' | 'SKIP' | 'INFO';

export interface TargetCheck {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;
/** A change as a percentage with its sign: +1.8%, -0.1%. */
export const signedPct = (value: number): string => `${value >= 0 ? '+' : ''}${pct(value)}`;
const ratio = (value: number | null): string => (value === null ? '–' : pct(value));

type Outcome = { readonly measured: string; readonly verdict: Verdict };

/** One target; SKIP when the rows it is judged on did not run. */
function target(id: string, text: string, outcome: Outcome | undefined): TargetCheck {
  return outcome === undefined ? { id, target: text, measured: 'n/a', verdict: 'SKIP' } : { id, target: text, ...outcome };
}

const judged = (measured: string, pass: boolean): Outcome => ({ measured, verdict: pass ? 'PASS' : 'FAIL' });

/** A throughput target on a row's per-round ratio to the obvious design-card build. */
function throughput(id: string, text: string, row: Summary | undefined, min: number): TargetCheck {
  const paired = row?.vsObviousPaired;
  return target(id, text, row == null || paired == null ? undefined : judged(`${pct(paired)} (median of per-round ratios)`, paired >= min));
}

/**
 * Issue #22's targets, as numbers, so the checks, the table text and the tests read one definition.
 * The yardstick is the design card built the obvious way (bench/peers/obvious.ts), every Node row
 * with the image's flags; each ratio is the median of per-round paired ratios in one run.
 */
export const TARGETS = {
  /** Minimum req/s as a fraction of the obvious build's, signed POST and unsigned GET, LOG_LEVEL=warn. */
  minThroughput: 1.0,
  /** Minimum signed POST req/s in the default configuration (LOG_LEVEL=info, one line per request). */
  minThroughputDefaultConfig: 0.9,
  /** Maximum p99 latency as a multiple of the obvious build's, per method. */
  maxP99: 1.3,
  /** Peak RSS of one proxy process as a multiple of the obvious build's. */
  maxPeakRssVsObvious: 1.0,
  /**
   * RSS after the large phase of the leak check over RSS after the small one, minus 1. Only growth
   * counts (decided where the issue says "within 5%"): RSS that shrinks is not a leak.
   */
  maxRssGrowth: 0.05,
} as const;

/** A p99 target on a row's per-round ratio to the obvious build of its method. */
function tail(id: string, text: string, row: Summary | undefined, obvious: Summary | undefined): TargetCheck {
  const p99 = row?.p99VsObviousPaired;
  return target(
    id,
    text,
    row == null || p99 == null
      ? undefined
      : judged(`${p99.toFixed(2)}x per round (medians ${row.p99Ms.toFixed(2)} ms vs ${obvious?.p99Ms.toFixed(2) ?? '–'} ms)`, p99 <= TARGETS.maxP99),
  );
}

/**
 * The leak check of each side: ours, and the same 20k/200k signed POSTs through the obvious build, so
 * both peaks cover the same workloads (a peak taken over more requests on one side only is no match).
 */
export interface LeakChecks {
  readonly ours: LeakCheck | undefined;
  readonly obvious: LeakCheck | undefined;
}

const NO_LEAK_CHECKS: LeakChecks = { ours: undefined, obvious: undefined };

/** Each side's peak over its load rows and its own leak check. */
function peakRss(rows: readonly Summary[], leaks: LeakChecks): TargetCheck {
  const peaksOf = (roles: readonly Role[], leak: LeakCheck | undefined) => [
    ...rows.filter((r) => roles.includes(r.role)).map((r) => r.peakRssMb),
    ...(leak ? [leak.peakRssMb] : []),
  ];
  const ours = peaksOf(['ours', 'ours-info'], leaks.ours);
  const theirs = peaksOf(['obvious'], leaks.obvious);
  const peak = Math.max(...ours);
  const limit = Math.max(...theirs) * TARGETS.maxPeakRssVsObvious;
  return target(
    'peak-rss',
    "peak RSS of one proxy process <= the obvious build's",
    ours.length === 0 || theirs.length === 0 ? undefined : judged(`${peak.toFixed(1)} MB vs ${limit.toFixed(1)} MB`, peak <= limit),
  );
}

const growthText = (leak: LeakCheck): string =>
  `${leak.rssAfterSmallMb.toFixed(1)} -> ${leak.rssAfterLargeMb.toFixed(1)} MB (${signedPct(leak.growth)})`;

/** Judged on jwt-proxy's growth; the obvious build's, measured the same way, is shown beside it. */
function rssGrowth(leaks: LeakChecks): TargetCheck {
  const growth = pct(TARGETS.maxRssGrowth);
  const leak = leaks.ours;
  if (leak === undefined) return target('rss-growth', `RSS after 200k requests within ${growth} of after 20k`, undefined);
  return target(
    'rss-growth',
    `RSS after ${leak.largeRequests / 1000}k requests within ${growth} of after ${leak.smallRequests / 1000}k` +
      (leak.scaledDown ? ' (scaled down: heap warm-up dominates, no verdict)' : ''),
    {
      measured: growthText(leak) + (leaks.obvious ? `; the obvious build: ${growthText(leaks.obvious)}` : ''),
      verdict: leak.scaledDown ? 'INFO' : leak.growth <= TARGETS.maxRssGrowth ? 'PASS' : 'FAIL',
    },
  );
}

/** The targets of issue #22, each PASS/FAIL (SKIP when a row it needs did not run). */
export function checkTargets(rows: readonly Summary[], leaks: LeakChecks = NO_LEAK_CHECKS): TargetCheck[] {
  const row = (id: string) => rows.find((r) => r.id === id);
  const times = `${TARGETS.minThroughput.toFixed(2)}x`;
  return [
    throughput('signed-post-throughput', `signed POST req/s >= ${times} the obvious build's`, row('ours-post'), TARGETS.minThroughput),
    throughput('unsigned-get-throughput', `unsigned GET req/s >= ${times} the obvious build's`, row('ours-get'), TARGETS.minThroughput),
    throughput(
      'default-config-post-throughput',
      `signed POST req/s at LOG_LEVEL=info >= ${TARGETS.minThroughputDefaultConfig.toFixed(2)}x the obvious build's`,
      row('ours-post-info'),
      TARGETS.minThroughputDefaultConfig,
    ),
    tail('signed-post-p99', `signed POST p99 <= ${TARGETS.maxP99}x the obvious build's`, row('ours-post'), row('obvious-post')),
    tail('unsigned-get-p99', `unsigned GET p99 <= ${TARGETS.maxP99}x the obvious build's`, row('ours-get'), row('obvious-get')),
    peakRss(rows, leaks),
    rssGrowth(leaks),
  ];
}

const num = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export const TABLE_HEADER = [
  'Configuration',
  'req/s (median)',
  'spread',
  'vs direct',
  'vs reference',
  'vs obvious build',
  'vs fastify peer',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'p99 vs ref',
  'errors / HTTP >= 400',
  'peak RSS MB',
  'CPU %',
  'CPU µs/req',
  'CPU/req vs ref',
  'other CPU %',
  'token at upstream',
];

export function tableRows(rows: readonly Summary[]): string[][] {
  return rows.map((row) => [
    row.label,
    num(row.rps),
    `±${num((row.spread * 100) / 2)}%`,
    ratio(row.vsDirect),
    ratio(row.vsReferencePaired),
    ratio(row.vsObviousPaired),
    ratio(row.vsFastifyPaired),
    num(row.p50Ms, 2),
    num(row.p99Ms, 2),
    num(row.p999Ms, 2),
    row.p99VsReferencePaired === null ? '–' : `${row.p99VsReferencePaired.toFixed(2)}x`,
    `${row.errors} / ${row.badStatus}`,
    num(row.peakRssMb, 1),
    num(row.cpuPercent),
    num(row.cpuUsPerRequest),
    row.cpuVsReference === null ? '–' : `${row.cpuVsReference.toFixed(2)}x`,
    num(row.foreignCpuPercent),
    row.token,
  ]);
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A fixed-width table for the terminal. */
export function consoleTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
