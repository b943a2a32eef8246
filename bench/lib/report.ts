/**
 * Summaries, target checks and the Markdown/console table of a bench run.
 * Pure functions over the measurements, so the numbers in latest.json,
 * latest.md and the console always agree.
 */
import type { LoadResult } from './load.js';
import type { Sampling } from './processes.js';

export type Role = 'direct' | 'ours' | 'ours-info' | 'reference' | 'nginx' | 'cluster';
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
  readonly non2xx: number;
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
      non2xx: result.runs.reduce((sum, run) => sum + run.non2xx, 0),
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
    return {
      ...row,
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
  readonly non2xx: number;
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
const ratio = (value: number | null): string => (value === null ? '–' : pct(value));

/** The targets of issue #7, each PASS/FAIL (SKIP when a row it needs did not run). */
export function checkTargets(rows: readonly Summary[], leak: LeakCheck | undefined): TargetCheck[] {
  const row = (id: string) => rows.find((r) => r.id === id);
  const checks: TargetCheck[] = [];
  const signed = row('ours-post');
  const unsigned = row('ours-get');
  checks.push(
    signed?.vsReferencePaired != null
      ? {
          id: 'signed-post-throughput',
          target: 'signed POST req/s >= 80% of reference',
          measured: `${pct(signed.vsReferencePaired)} (median of per-round ratios; ratio of medians ${ratio(signed.vsReference)})`,
          verdict: signed.vsReferencePaired >= 0.8 ? 'PASS' : 'FAIL',
        }
      : { id: 'signed-post-throughput', target: 'signed POST req/s >= 80% of reference', measured: 'n/a', verdict: 'SKIP' },
  );
  checks.push(
    signed?.p99VsReferencePaired != null
      ? {
          id: 'signed-post-p99',
          target: 'signed POST p99 <= 1.5x reference',
          measured: `${signed.p99VsReferencePaired.toFixed(2)}x per round (medians ${signed.p99Ms} ms vs ${row('ref-post')?.p99Ms} ms)`,
          verdict: signed.p99VsReferencePaired <= 1.5 ? 'PASS' : 'FAIL',
        }
      : { id: 'signed-post-p99', target: 'signed POST p99 <= 1.5x reference', measured: 'n/a', verdict: 'SKIP' },
  );
  checks.push(
    unsigned?.vsReferencePaired != null
      ? {
          id: 'unsigned-get-throughput',
          target: 'unsigned GET req/s >= 85% of reference',
          measured: `${pct(unsigned.vsReferencePaired)} (median of per-round ratios; ratio of medians ${ratio(unsigned.vsReference)})`,
          verdict: unsigned.vsReferencePaired >= 0.85 ? 'PASS' : 'FAIL',
        }
      : { id: 'unsigned-get-throughput', target: 'unsigned GET req/s >= 85% of reference', measured: 'n/a', verdict: 'SKIP' },
  );
  const single = rows.filter((r) => r.role === 'ours' || r.role === 'ours-info');
  const peaks = [...single.map((r) => r.peakRssMb), ...(leak ? [leak.peakRssMb] : [])];
  checks.push(
    peaks.length > 0
      ? {
          id: 'peak-rss',
          target: 'peak RSS under load <= 120 MB (one proxy process)',
          measured: `${Math.max(...peaks).toFixed(1)} MB`,
          verdict: Math.max(...peaks) <= 120 ? 'PASS' : 'FAIL',
        }
      : { id: 'peak-rss', target: 'peak RSS under load <= 120 MB (one proxy process)', measured: 'n/a', verdict: 'SKIP' },
  );
  const leakTarget = leak
    ? `RSS after ${leak.largeRequests / 1000}k within 10% of after ${leak.smallRequests / 1000}k`
    : 'RSS after 200k within 10% of after 20k';
  checks.push(
    leak
      ? {
          id: 'rss-growth',
          target: leakTarget + (leak.scaledDown ? ' (scaled down: heap warm-up dominates, no verdict)' : ''),
          measured: `${leak.rssAfterSmallMb.toFixed(1)} -> ${leak.rssAfterLargeMb.toFixed(1)} MB (${leak.growth >= 0 ? '+' : ''}${pct(leak.growth)})`,
          verdict: leak.scaledDown ? 'INFO' : leak.growth <= 0.1 ? 'PASS' : 'FAIL',
        }
      : { id: 'rss-growth', target: leakTarget, measured: 'n/a', verdict: 'SKIP' },
  );
  return checks;
}

const num = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export const TABLE_HEADER = [
  'Configuration',
  'req/s (median)',
  'spread',
  'vs direct',
  'vs reference',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'p99 vs ref',
  'errors / non-2xx',
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
    num(row.p50Ms, 2),
    num(row.p99Ms, 2),
    num(row.p999Ms, 2),
    row.p99VsReferencePaired === null ? '–' : `${row.p99VsReferencePaired.toFixed(2)}x`,
    `${row.errors} / ${row.non2xx}`,
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
