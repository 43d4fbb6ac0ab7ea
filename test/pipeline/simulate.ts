/**
 * Seeded simulation of a customer base from known BG/NBD + Gamma-Gamma parameters, for tests and
 * benchmarks. Times in weeks; days are whole calendar days.
 */
import type { CustomerSummary } from '../../core/types.ts';
import { uniform } from '../../scripts/random.ts';

export const prng = uniform;

function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, rate) by Marsaglia & Tsang (with the shape < 1 boost). */
export function gamma(rand: () => number, shape: number, rate: number): number {
  if (shape < 1) return gamma(rand, shape + 1, rate) * Math.pow(1 - rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v / rate;
  }
}

export function beta(rand: () => number, a: number, b: number): number {
  const x = gamma(rand, a, 1);
  return x / (x + gamma(rand, b, 1));
}

export interface SimParams {
  r: number; alpha: number; a: number; b: number;
  p: number; q: number; v: number;
}

export const SIM_DEFAULT: SimParams = { r: 0.25, alpha: 4, a: 0.8, b: 2.5, p: 6, q: 4, v: 15 };

/**
 * `n` customers with first purchases spread over the `spreadWeeks` before `asOfDay − minAgeWeeks`.
 * Returns summaries and whether each customer is still alive in the simulation.
 */
export function simulate(n: number, seed: number, asOfDay: number, params: SimParams = SIM_DEFAULT, spreadWeeks = 26, minAgeWeeks = 26, cutDay?: number) {
  const rand = prng(seed);
  const summaries: CustomerSummary[] = [];
  const alive: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = gamma(rand, params.r, params.alpha);
    const pDrop = beta(rand, params.a, params.b);
    const nu = gamma(rand, params.q, params.v);
    const ageDays = Math.round((minAgeWeeks + rand() * spreadWeeks) * 7);
    const firstDay = asOfDay - ageDays;
    const firstSpend = gamma(rand, params.p, nu);
    let t = 0;
    let lastDay = firstDay;
    let isAlive = true;
    const days = new Set<number>([firstDay]);
    let repeatSpend = 0;
    let frequency = 0;
    for (;;) {
      t += -Math.log(1 - rand()) / lambda; // weeks
      const day = firstDay + Math.floor(t * 7);
      if (day > asOfDay || !Number.isFinite(t)) break;
      if (!days.has(day)) {
        days.add(day);
        frequency++;
        repeatSpend += gamma(rand, params.p, nu);
        lastDay = day;
      }
      if (rand() < pDrop) { isAlive = false; break; }
    }
    if (cutDay !== undefined) {
      // calibration summary at cutDay; purchase days after it are the holdout
      const cal = [...days].filter((x) => x <= cutDay).sort((x, y) => x - y);
      const hold = days.size - cal.length;
      const calLast = cal[cal.length - 1];
      summaries.push({
        id: `c${String(i).padStart(7, '0')}`, firstDay, lastDay: calLast, transactions: cal.length, frequency: cal.length - 1,
        recency: (calLast - firstDay) / 7, T: (cutDay - firstDay) / 7, firstSpend, repeatSpend: 0, meanRepeatSpend: 0,
        totalSpend: firstSpend, returns: 0, netSpend: firstSpend, activePeriods: [], holdout: { transactions: hold, spend: 0 },
      });
      alive.push(isAlive);
      continue;
    }
    const totalSpend = firstSpend + repeatSpend;
    const months = [...new Set([...days].map((d) => Math.floor(d / 30.4375)))].sort((x, y) => x - y);
    summaries.push({
      id: `c${String(i).padStart(7, '0')}`,
      firstDay, lastDay,
      transactions: frequency + 1,
      frequency,
      recency: (lastDay - firstDay) / 7,
      T: ageDays / 7,
      firstSpend, repeatSpend,
      meanRepeatSpend: frequency ? repeatSpend / frequency : 0,
      totalSpend, returns: 0, netSpend: totalSpend,
      activePeriods: months,
    });
    alive.push(isAlive);
  }
  return { summaries, alive };
}

/** Fisher–Yates shuffle with a seeded PRNG (returns a new array). */
export function shuffled<T>(xs: T[], seed: number): T[] {
  const rand = prng(seed);
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
