/**
 * What one bench run writes: bench/results/latest.json is the record, and every
 * text view of it (latest.md, the README's performance table, the results block
 * of docs/performance.md) is rendered from that JSON alone, so a rerun of
 * `npm run bench` (or `node dist/bench/readme.js` on an existing latest.json)
 * updates all of them together and they cannot disagree.
 */
import type { ConfigResult, LeakCheck, LeakChecks, Summary, TargetCheck } from './report.js';
import { markdownTable, signedPct, TABLE_HEADER, tableRows } from './report.js';

export interface MachineInfo {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly wrk: string | undefined;
  readonly autocannon: string;
  readonly nginx: string | undefined;
  readonly taskset: boolean;
  readonly commit: string | undefined;
}

/** One row of the WORKERS report: the same POST load on the same two cores, 1 worker against `auto`. */
export interface WorkersRow {
  readonly setting: string;
  /** Processes measured: 1 for WORKERS=1, the primary plus its workers otherwise. */
  readonly processes: number;
  readonly rps: number;
  readonly vsOneWorker: number | null;
  readonly peakRssMb: number;
  readonly cpuPercent: number;
}

/** The same pair measured with autocannon: if its ratio differs from wrk's, the generator limits one of them. */
export interface CrossCheckRow {
  readonly method: 'GET' | 'POST';
  readonly wrkRatio: number | null;
  readonly autocannonRatio: number | null;
  readonly autocannonOursRps: number;
  readonly autocannonReferenceRps: number;
}

export interface BenchResults {
  readonly machine: MachineInfo;
  readonly quick: boolean;
  /** Human-readable lines on how the run was made (connections, rounds, pinning, ratios). */
  readonly setup: readonly string[];
  readonly summary: readonly Summary[];
  readonly targets: readonly TargetCheck[];
  /** The leak check through jwt-proxy and, the same way, through the obvious build. */
  readonly leaks: LeakChecks;
  readonly workers: readonly WorkersRow[];
  readonly crossCheck: readonly CrossCheckRow[];
  readonly notes: readonly string[];
  readonly runs: readonly ConfigResult[];
  readonly options: Readonly<Record<string, unknown>>;
}

const pct = (value: number | null): string => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
const times = (value: number | null): string => (value === null ? '–' : `${value.toFixed(2)}x`);

export function machineLine(m: MachineInfo): string {
  const tools = [`Node ${m.node}`, m.wrk ?? 'wrk missing', `autocannon ${m.autocannon}`, ...(m.nginx ? [m.nginx] : [])];
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}; ${tools.join('; ')}`;
}

export function leakLine(leaks: LeakChecks): string {
  const { ours, obvious } = leaks;
  if (ours === undefined) return 'Leak check: not run.';
  return `${leakOf('jwt-proxy', ours)}${obvious ? ` ${leakOf('The obvious build', obvious)}` : ''}`;
}

function leakOf(who: string, leak: LeakCheck): string {
  return (
    `Leak check (${who}, fresh process, POST signed${leak.scaledDown ? ', SCALED DOWN' : ''}): RSS ${leak.rssAfterSmallMb.toFixed(1)} MB after ` +
    `${leak.smallRequests} requests, ${leak.rssAfterLargeMb.toFixed(1)} MB after ${leak.largeRequests} ` +
    `(${signedPct(leak.growth)}), peak ${leak.peakRssMb.toFixed(1)} MB, ` +
    `errors ${leak.errors}, HTTP >= 400 ${leak.badStatus}.`
  );
}

/** The line that says when, where and from which commit a run was made (`markQuick`: flag a quick run in it). */
function runLine(r: BenchResults, markQuick: boolean): string {
  const quick = markQuick && r.quick ? ' (QUICK run: indicative only)' : '';
  return `Run ${r.machine.date} on ${machineLine(r.machine)}. Commit ${r.machine.commit ?? 'unknown'}${quick}.`;
}

/** The whole results table, then how the run was made and the leak check, as latest.md and the docs show them. */
function runDetails(r: BenchResults): string[] {
  return [markdownTable(TABLE_HEADER, tableRows(r.summary)), '', ...r.setup.map((line) => `- ${line}`), `- ${leakLine(r.leaks)}`];
}

export function targetsTable(targets: readonly TargetCheck[]): string {
  return markdownTable(['Verdict', 'Target', 'Measured'], targets.map((t) => [t.verdict, t.target, t.measured]));
}

export function workersTable(rows: readonly WorkersRow[]): string {
  return markdownTable(
    ['WORKERS', 'processes', 'req/s (median)', 'x WORKERS=1', 'peak RSS MB (all processes)', 'CPU % (100 = one core)'],
    rows.map((r) => [r.setting, String(r.processes), r.rps.toFixed(0), times(r.vsOneWorker), r.peakRssMb.toFixed(1), r.cpuPercent.toFixed(0)]),
  );
}

export function crossCheckTable(rows: readonly CrossCheckRow[]): string {
  return markdownTable(
    ['Method', 'jwt-proxy / reference, wrk', 'jwt-proxy / reference, autocannon', 'autocannon req/s (jwt-proxy, reference)'],
    rows.map((r) => [r.method, pct(r.wrkRatio), pct(r.autocannonRatio), `${r.autocannonOursRps.toFixed(0)}, ${r.autocannonReferenceRps.toFixed(0)}`]),
  );
}

/** bench/results/latest.md (and each raw copy). */
export function resultsMarkdown(r: BenchResults): string {
  return [
    `# Benchmark results${r.quick ? ' (QUICK: indicative only)' : ''}`,
    '',
    runLine(r, false),
    '',
    ...runDetails(r),
    '',
    '## Targets (issue 11)',
    '',
    targetsTable(r.targets),
    '',
    ...(r.workers.length > 0 ? ['## WORKERS (a report, not a target)', '', workersTable(r.workers), ''] : []),
    ...(r.crossCheck.length > 0 ? ['## Cross-check with autocannon', '', crossCheckTable(r.crossCheck), ''] : []),
    ...(r.notes.length > 0 ? ['## Notes', '', ...r.notes.map((n) => `- ${n}`), ''] : []),
    'Reproduce: `npm run bench` (full run, about 10 minutes on a quiet machine) or `npm run bench -- --quick` (under a minute; writes only bench/results/raw/).',
    '',
  ].join('\n');
}

const README_HEADER = ['Configuration', 'req/s (median)', 'vs obvious build', 'vs fastify peer', 'vs reference', 'p50 ms', 'p99 ms', 'peak RSS MB', 'CPU µs/req'];

/** The README's performance table: the main columns of the results table, then the verdicts. */
export function readmeBlock(r: BenchResults): string {
  const keep = README_HEADER.map((name) => TABLE_HEADER.indexOf(name));
  const rows = tableRows(r.summary).map((row) => keep.map((i) => row[i] ?? ''));
  return [
    runLine(r, true),
    '',
    markdownTable(README_HEADER, rows),
    '',
    targetsTable(r.targets),
  ].join('\n');
}

/** The results block of docs/performance.md: the whole table, the verdicts, WORKERS and the cross-check. */
export function docsBlock(r: BenchResults): string {
  return [
    runLine(r, true),
    '',
    ...runDetails(r),
    '',
    targetsTable(r.targets),
    ...(r.workers.length > 0 ? ['', workersTable(r.workers)] : []),
    ...(r.crossCheck.length > 0 ? ['', crossCheckTable(r.crossCheck)] : []),
    ...(r.notes.length > 0 ? ['', ...r.notes.map((n) => `- note: ${n}`)] : []),
  ].join('\n');
}

/**
 * Replaces what stands between `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->` (written by the
 * bench from latest.json: hand edits between the markers are overwritten by the next run).
 * Throws when the markers are missing or out of order, so a rerun never silently skips a file.
 */
export function replaceBlock(text: string, name: string, content: string): string {
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${begin} ... ${end} not found in order`);
  return `${text.slice(0, from + begin.length)}\n${content}\n${text.slice(to)}`;
}
