/**
 * The order of one round (issue 11: alternating paired rounds). Configurations
 * that share a group (jwt-proxy and the reference, for one method) always run
 * back to back, so a slow drift of a shared machine hits both alike and their
 * per-round ratio cancels it; inside a group the order flips every round, so
 * neither always runs first (ABBA); the groups themselves rotate.
 */
export interface Grouped {
  readonly id: string;
  readonly group: string;
}

export function roundOrder<T extends Grouped>(configs: readonly T[], round: number): T[] {
  const groups: T[][] = [];
  for (const config of configs) {
    const existing = groups.find((g) => g[0]?.group === config.group);
    if (existing === undefined) groups.push([config]);
    else existing.push(config);
  }
  const rotated = groups.map((_, i) => groups[(i + round) % groups.length] ?? []);
  return rotated.flatMap((group) => (round % 2 === 1 ? [...group].reverse() : group));
}
