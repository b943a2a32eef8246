/**
 * How the bench starts jwt-proxy: as its image does (issue 11: "on Node 24, the
 * runtime the images ship"). The Node flags come from Dockerfile.proxy's CMD, the
 * one place they are written, and NODE_ENV from its ENV, so a flag added there is
 * measured here without a second copy.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface ProxyLaunch {
  /** Node options between `node` and the entry script, e.g. ["--max-semi-space-size=4"]. */
  readonly nodeFlags: readonly string[];
  /** The image's environment (ENV lines), e.g. { NODE_ENV: "production" }. */
  readonly env: Readonly<Record<string, string>>;
}

/** The last exec-form CMD's flags and every `ENV NAME=value` of the final stage. */
export function parseProxyLaunch(dockerfile: string): ProxyLaunch {
  const stages = dockerfile.split(/^FROM\s/m);
  const last = stages[stages.length - 1] ?? '';
  const cmdLine = [...last.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].pop()?.[1];
  if (cmdLine === undefined) throw new Error('Dockerfile.proxy has no exec-form CMD ["node", ...]');
  const cmd = JSON.parse(cmdLine) as string[];
  const script = cmd.findIndex((arg, i) => i > 0 && !arg.startsWith('-'));
  if (cmd[0] !== 'node' || script < 0) throw new Error(`Dockerfile.proxy's CMD does not run node on a script: ${cmdLine}`);
  const env: Record<string, string> = {};
  for (const match of last.matchAll(/^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/gm)) {
    if (match[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2];
  }
  return { nodeFlags: cmd.slice(1, script), env };
}

export function readProxyLaunch(dockerfilePath: string): ProxyLaunch {
  return parseProxyLaunch(readFileSync(dockerfilePath, 'utf8'));
}

/**
 * The environment every bench harness (run, ab, profile) gives jwt-proxy: the image's NODE_ENV and a
 * fresh JWT_SECRET, since production refuses the published default key (same HMAC cost). Not the
 * image's HTTP_PORT: the harnesses pick free ports.
 */
export function benchProxyEnv(launch: ProxyLaunch): { readonly NODE_ENV: string; readonly JWT_SECRET: string } {
  return { NODE_ENV: launch.env['NODE_ENV'] ?? 'production', JWT_SECRET: randomBytes(64).toString('hex') };
}

/** Node flags written as one string (`--node-flags '--a=1 --b'`, `main.js|--a=1 --b`); '' = none. */
export function splitNodeFlags(text: string): string[] {
  return text.split(' ').filter((flag) => flag !== '');
}

/** One build of `bench:ab`: its environment on top of the shared one, its entry and its node flags. */
export interface BuildSpec {
  readonly env: Readonly<Record<string, string>>;
  readonly main: string;
  readonly nodeFlags: readonly string[];
}

const ENV_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * `[NAME=value ...] main.js[|node flags]`, as a shell writes an environment before a command:
 * `'PROXY_AUTH=basic PROXY_USERS_FILE=/tmp/users dist/proxy/src/main.js'` measures the same build
 * with authentication beside it without it (issue #24). Without `|` the flags are `defaultFlags`.
 */
export function parseBuildSpec(spec: string, defaultFlags: readonly string[]): BuildSpec {
  const words = spec.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length - 1; i++) {
    const match = ENV_ASSIGNMENT.exec(words[i] as string);
    if (match === null) break;
    env[match[1] as string] = match[2] as string;
  }
  const rest = words.slice(i).join(' ');
  const bar = rest.indexOf('|');
  return {
    env,
    main: bar === -1 ? rest : rest.slice(0, bar),
    nodeFlags: bar === -1 ? [...defaultFlags] : splitNodeFlags(rest.slice(bar + 1)),
  };
}
