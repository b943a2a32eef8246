/**
 * Aggregates a V8 .cpuprofile (from `node --cpu-prof`) into the tables that
 * answer "where does the proxy spend its time": self time by function, total
 * (inclusive) time by function, and self time by package or source file.
 *
 *   node dist/bench/cpuprofile-summary.js <file.cpuprofile> [--top 25] [--requests N]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface Entry {
  readonly key: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Time not spent idle: the denominator that matters for a saturated proxy. */
  readonly busyMs: number;
  readonly selfByFunction: readonly Entry[];
  readonly totalByFunction: readonly Entry[];
  readonly selfByModule: readonly Entry[];
}

/** `node_modules/<pkg>` (scoped too), `node:<internal area>`, a repo file, or a V8 pseudo-frame. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const nodeModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nodeModules?.[1] !== undefined) return nodeModules[1];
  if (url.startsWith('node:')) {
    const internal = /^node:(?:internal\/)?([^/]+(?:\/[^/]+)?)/.exec(url);
    return `node:${internal?.[1] ?? url.slice(5)}`;
  }
  const repo = /\/dist\/(.+)$/.exec(url);
  return repo?.[1] ?? url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, '');
}

function keyOf(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  return frame.url === '' ? name : `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, base: number, count: number): Entry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => ({ key, ms: us / 1000, percent: base > 0 ? (100 * us) / base : 0 }));
}

export function summariseProfile(profile: CpuProfile, count = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const modules = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (node === undefined) return;
    totalUs += delta;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += delta;
      return;
    }
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + delta);
    const module = moduleOf(node.callFrame.url, node.callFrame.functionName);
    modules.set(module, (modules.get(module) ?? 0) + delta);
    // Inclusive time: each function on the sampled stack once, however often it recurses.
    const onStack = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (frame !== undefined && frame.functionName !== '(root)') onStack.add(keyOf(frame));
    }
    for (const k of onStack) total.set(k, (total.get(k) ?? 0) + delta);
  });
  const busyUs = totalUs - idleUs;
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    selfByFunction: top(self, busyUs, count),
    totalByFunction: top(total, busyUs, count),
    selfByModule: top(modules, busyUs, count),
  };
}

/** Markdown tables; with `requests` (answered while profiling) each row also shows µs per request. */
export function formatSummary(summary: ProfileSummary, requests?: number): string {
  const perRequest = requests !== undefined && requests > 0;
  const section = (title: string, entries: readonly Entry[]) => [
    `## ${title}`,
    '',
    perRequest ? '| ms | µs/req | % of busy | function / module |' : '| ms | % of busy | function / module |',
    perRequest ? '| ---: | ---: | ---: | --- |' : '| ---: | ---: | --- |',
    ...entries.map((e) =>
      perRequest
        ? `| ${e.ms.toFixed(0)} | ${((e.ms * 1000) / requests).toFixed(1)} | ${e.percent.toFixed(1)} | \`${e.key}\` |`
        : `| ${e.ms.toFixed(0)} | ${e.percent.toFixed(1)} | \`${e.key}\` |`,
    ),
    '',
  ];
  return [
    `Profile: ${summary.totalMs.toFixed(0)} ms sampled, ${summary.busyMs.toFixed(0)} ms busy (not idle)` +
      (perRequest ? `, ${requests} requests: ${((summary.busyMs * 1000) / requests).toFixed(0)} µs busy per request.` : '.'),
    '',
    ...section('Self time by package / file', summary.selfByModule),
    ...section('Self time by function', summary.selfByFunction),
    ...section('Total (inclusive) time by function', summary.totalByFunction),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, requests: { type: 'string' } },
  });
  const file = positionals[0];
  if (file === undefined) {
    console.error('usage: node dist/bench/cpuprofile-summary.js <file.cpuprofile> [--top N]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const requests = values.requests === undefined ? undefined : Number(values.requests);
  console.log(formatSummary(summariseProfile(profile, Number(values.top)), requests));
}
