/**
 * Stage timings of a run, in seconds. The core reads no clock of its own: the caller passes one
 * (the CLI passes `performance.now`), and without it nothing is timed. Timings are reported beside
 * the scores and never change them.
 */

/** Milliseconds from an arbitrary origin, e.g. `performance.now`. */
export type Clock = () => number;

/** Seconds per stage, e.g. `{ "fit.bgnbd": 0.41, score: 1.2 }`. */
export type Timings = Record<string, number>;

export interface Stopwatch {
  timings: Timings;
  /** Runs `f`, adding its duration to `stage` (stages timed twice add up). */
  time<T>(stage: string, f: () => T): T;
}

/** A stopwatch on `clock`; without a clock it only runs the functions. */
export function stopwatch(clock?: Clock): Stopwatch {
  const timings: Timings = {};
  return {
    timings,
    time(stage, f) {
      if (!clock) return f();
      const start = clock();
      try {
        return f();
      } finally {
        timings[stage] = roundMs((timings[stage] ?? 0) + (clock() - start) / 1000);
      }
    },
  };
}

/** Seconds to the millisecond, as reported. */
export const roundMs = (seconds: number) => Math.round(seconds * 1000) / 1000;
