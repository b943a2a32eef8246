/**
 * Configuration is read once at start-up. Every problem is collected first,
 * then reported together, each naming the variable, the constraint and an
 * example (http-proxy-middleware's verifyConfig, fastify-http-proxy's checks).
 */
export interface ConfigProblem {
  readonly variable: string;
  readonly constraint: string;
  readonly example: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration:\n${problems
        .map((p) => `  - ${p.variable}: ${p.constraint} (example: ${p.variable}=${p.example})`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads typed values from an environment, collecting problems instead of throwing on the first. */
export class EnvReader {
  readonly #env: Env;
  readonly #problems: ConfigProblem[] = [];

  constructor(env: Env) {
    this.#env = env;
  }

  /** The raw value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    const value = this.#env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  problem(variable: string, constraint: string, example: string): void {
    this.#problems.push({ variable, constraint, example });
  }

  string(name: string, fallback: string): string {
    return this.raw(name)?.trim() ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number, example: string): number {
    const value = this.raw(name)?.trim();
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problem(name, `must be an integer from ${min} to ${max}, got "${value}"`, example);
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.trim().toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1' || value === 'yes') return true;
    if (value === 'false' || value === '0' || value === 'no') return false;
    this.problem(name, `must be true or false, got "${value}"`, String(!fallback));
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name)?.trim().toLowerCase();
    if (value === undefined) return fallback;
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) {
      this.problem(name, `must be one of ${allowed.join(', ')}, got "${value}"`, fallback);
      return fallback;
    }
    return match;
  }

  /** Throws one ConfigError naming every problem seen so far. */
  finish(): void {
    if (this.#problems.length > 0) throw new ConfigError([...this.#problems]);
  }
}
