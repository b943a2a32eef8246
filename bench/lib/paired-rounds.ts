/**
 * The figures of `bench/ab.ts`: every round measured each build once, the reference first.
 * A build's figure is the median over rounds of its req/s divided by the reference's in the
 * same round, so a machine whose speed drifts between rounds (here a fixed CPU loop took
 * 344–706 ms within one minute) slows both sides of each ratio alike.
 */
import { median } from './report.js';

export interface PairedFigure {
  readonly medianRps: number;
  /** Median over rounds of (this build's req/s / the reference's, same round). */
  readonly medianRatio: number;
  readonly minRatio: number;
  readonly maxRatio: number;
  /** Rounds that count: the reference answered something and so did this build. */
  readonly rounds: number;
}

/** `rounds[r][b]`: req/s of build b in round r; column 0 is the reference. */
export function summarisePairedRounds(rounds: readonly (readonly number[])[]): PairedFigure[] {
  const builds = rounds[0]?.length ?? 0;
  return Array.from({ length: builds }, (_, b) => {
    const ratios: number[] = [];
    const rps: number[] = [];
    for (const round of rounds) {
      const reference = round[0] ?? 0;
      const value = round[b] ?? 0;
      if (reference > 0 && value > 0) ratios.push(value / reference);
      rps.push(value);
    }
    return {
      medianRps: median(rps),
      medianRatio: median(ratios),
      minRatio: ratios.length === 0 ? Number.NaN : Math.min(...ratios),
      maxRatio: ratios.length === 0 ? Number.NaN : Math.max(...ratios),
      rounds: ratios.length,
    };
  });
}
