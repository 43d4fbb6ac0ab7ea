/**
 * RFM scores and named segments.
 * R is scored on days since the last purchase (fewer is better), F on transactions, M on net spend.
 * Scores 1..bins (bins = best) by quantile rank: with the n customers sorted from worst to best,
 * the customer at 0-based position p gets floor(p × bins / n) + 1, and tied values all take the
 * position of the first of them (so equal values always share a score, and ties lean low).
 * Custom cut points replace quantiles: score = 1 + number of cuts the value reaches (for R, cuts
 * are day counts and score = 1 + number of cuts the days-ago value is at or below, cuts descending).
 */
import { countsBelow } from './rank.ts';

export type RfmSegment =
  | 'champions' | 'loyal' | 'potentialLoyalist' | 'new' | 'promising' | 'needAttention'
  | 'aboutToSleep' | 'atRisk' | 'cantLoseThem' | 'hibernating' | 'lost';

/** A segment rule on the R score and the FM score (both on the 1..5 scale); the first match wins. */
export interface SegmentRule {
  segment: string;
  r: [number, number];
  fm: [number, number];
}

/**
 * The common R × FM segment grid (the usual 5×5 RFM map), with Lost split off the bottom corner.
 * FM = round((F + M) / 2), half up. Every (R, FM) pair in 1..5 matches exactly one rule;
 * a segment may take several rules.
 */
export const DEFAULT_SEGMENT_MAP: SegmentRule[] = [
  { segment: 'champions', r: [5, 5], fm: [4, 5] },
  { segment: 'loyal', r: [3, 4], fm: [4, 5] },
  { segment: 'potentialLoyalist', r: [4, 5], fm: [2, 3] },
  { segment: 'new', r: [5, 5], fm: [1, 1] },
  { segment: 'promising', r: [4, 4], fm: [1, 1] },
  { segment: 'needAttention', r: [3, 3], fm: [3, 3] },
  { segment: 'aboutToSleep', r: [3, 3], fm: [1, 2] },
  { segment: 'cantLoseThem', r: [1, 2], fm: [5, 5] },
  { segment: 'atRisk', r: [1, 2], fm: [3, 4] },
  { segment: 'lost', r: [1, 1], fm: [1, 1] },
  { segment: 'hibernating', r: [2, 2], fm: [1, 2] },
  { segment: 'hibernating', r: [1, 1], fm: [2, 2] },
];

export interface RfmOptions {
  bins: number;
  /** Custom cut points per dimension, ascending; R cuts are days since last purchase. */
  cuts?: { r?: number[]; f?: number[]; m?: number[] };
  segments?: SegmentRule[];
}

export interface RfmScores {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Grid position on the 1–5 scale: R, and FM = round((F + M) / 2) half up. */
  r5: Uint8Array;
  fm5: Uint8Array;
  /** Segment read from the grid (the pipeline then reconciles it with P(alive): core/scores/consistency.ts). */
  segment: string[];
}

/** Quantile-rank scores 1..bins where larger `values` are better. */
export function quantileScores(values: ArrayLike<number>, bins: number): Uint8Array {
  const n = values.length;
  const below = countsBelow(values);
  if (below) {
    // A score depends only on where its group of equal values starts: the number of values below
    // it (from one radix sort, much faster than sorting indices by comparator).
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor((below[i] * bins) / n) + 1;
    return out;
  }
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => values[a] - values[b]);
  const out = new Uint8Array(n);
  let groupStart = 0;
  for (let p = 0; p < n; p++) {
    if (p > 0 && values[idx[p]] !== values[idx[p - 1]]) groupStart = p;
    out[idx[p]] = Math.floor((groupStart * bins) / n) + 1;
  }
  return out;
}

/** Score = 1 + number of ascending `cuts` that `value` reaches (value ≥ cut). */
export function cutScore(value: number, cuts: number[]): number {
  let s = 1;
  for (const c of cuts) if (value >= c) s++;
  return s;
}

/** Rescales a score on 1..bins to the 1..5 scale of the segment map. */
export function toFive(score: number, bins: number): number {
  return bins === 5 ? score : Math.min(5, Math.max(1, Math.ceil((score * 5) / bins)));
}

export function segmentOf(r5: number, fm5: number, rules: SegmentRule[] = DEFAULT_SEGMENT_MAP): string {
  for (const rule of rules) {
    if (r5 >= rule.r[0] && r5 <= rule.r[1] && fm5 >= rule.fm[0] && fm5 <= rule.fm[1]) return rule.segment;
  }
  return 'hibernating';
}

/**
 * Scores every customer. `daysAgo` = as-of day − last purchase day; `transactions` and `monetary`
 * (net spend) per customer, all the same length.
 */
export function rfmScores(
  daysAgo: ArrayLike<number>,
  transactions: ArrayLike<number>,
  monetary: ArrayLike<number>,
  opts: RfmOptions,
): RfmScores {
  const n = daysAgo.length;
  const bins = Math.max(1, Math.floor(opts.bins));
  const negDays = new Float64Array(n);
  for (let i = 0; i < n; i++) negDays[i] = -daysAgo[i];
  const byCuts = (vals: ArrayLike<number>, cuts: number[]) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = cutScore(vals[i], cuts);
    return out;
  };
  // R cuts are days ascending; a recent customer (few days) must score high, so count cuts the
  // negated days reach against the negated, re-sorted cuts.
  const rCuts = opts.cuts?.r?.map((c) => -c).sort((a, b) => a - b);
  const r = rCuts ? byCuts(negDays, rCuts) : quantileScores(negDays, bins);
  const f = opts.cuts?.f ? byCuts(transactions, opts.cuts.f) : quantileScores(transactions, bins);
  const m = opts.cuts?.m ? byCuts(monetary, opts.cuts.m) : quantileScores(monetary, bins);
  const scale = (dimCuts: number[] | undefined) => (dimCuts ? dimCuts.length + 1 : bins);
  const rScale = scale(opts.cuts?.r), fScale = scale(opts.cuts?.f), mScale = scale(opts.cuts?.m);
  const rules = opts.segments ?? DEFAULT_SEGMENT_MAP;
  const segment = new Array<string>(n);
  const r5 = new Uint8Array(n);
  const fm5 = new Uint8Array(n);
  const grid = new Array<string | undefined>(256 * 256); // segment per (r5, fm5), each looked up once
  for (let i = 0; i < n; i++) {
    r5[i] = toFive(r[i], rScale);
    fm5[i] = Math.floor((toFive(f[i], fScale) + toFive(m[i], mScale)) / 2 + 0.5);
    const rr = r5[i], fm = fm5[i];
    segment[i] = grid[rr * 256 + fm] ??= segmentOf(rr, fm, rules);
  }
  return { r, f, m, r5, fm5, segment };
}
