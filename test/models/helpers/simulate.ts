/** Seeded simulators for parameter-recovery tests and the benchmark. */
import { uniformOpen } from '../../../scripts/random.ts';

export const rng = uniformOpen;

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, rate) by Marsaglia & Tsang, with the shape < 1 boost. */
export function gamma(u: () => number, shape: number, rate: number): number {
  if (shape < 1) return gamma(u, shape + 1, rate) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const uu = u();
    if (Math.log(uu) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function beta(u: () => number, a: number, b: number): number {
  const x = gamma(u, a, 1);
  return x / (x + gamma(u, b, 1));
}

const exp = (u: () => number, rate: number) => -Math.log(u()) / rate;
/** Rounded to whole days, as real summaries are (fractional weeks = days / 7). */
const toDays = (t: number) => Math.round(t * 7) / 7;

export interface SimRow { frequency: number; recency: number; T: number }

/** BG/NBD customers with ages T drawn uniformly from [minT, maxT] weeks. */
export function simulateBgNbd(seed: number, n: number, p: { r: number; alpha: number; a: number; b: number }, minT: number, maxT: number): SimRow[] {
  const u = rng(seed);
  const rows: SimRow[] = [];
  for (let i = 0; i < n; i++) {
    const T = toDays(minT + (maxT - minT) * u());
    const lambda = gamma(u, p.r, p.alpha);
    const drop = beta(u, p.a, p.b);
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += exp(u, lambda);
      if (t > T) break;
      x++;
      tx = t;
      if (u() < drop) break;
    }
    rows.push({ frequency: x, recency: Math.min(toDays(tx), T), T });
  }
  return rows;
}

/** Pareto/NBD customers with ages T drawn uniformly from [minT, maxT]. */
export function simulateParetoNbd(seed: number, n: number, p: { r: number; alpha: number; s: number; beta: number }, minT: number, maxT: number): SimRow[] {
  const u = rng(seed);
  const rows: SimRow[] = [];
  for (let i = 0; i < n; i++) {
    const T = toDays(minT + (maxT - minT) * u());
    const lambda = gamma(u, p.r, p.alpha);
    const mu = gamma(u, p.s, p.beta);
    const end = Math.min(T, exp(u, mu));
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += exp(u, lambda);
      if (t > end) break;
      x++;
      tx = t;
    }
    rows.push({ frequency: x, recency: Math.min(toDays(tx), T), T });
  }
  return rows;
}

/** Customers of a known model, all of age T, followed on for t more periods: calibration (x, t_x), alive at T, purchases in (T, T+t]. */
export function simulateForward(kind: 'bgnbd' | 'mbgnbd' | 'paretonbd', p: Record<string, number>, n: number, T: number, t: number, seed: number) {
  const u = rng(seed);
  const rows: { x: number; tx: number; alive: boolean; future: number; fromStart: number }[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = gamma(u, p.r, p.alpha);
    let x = 0;
    let tx = 0;
    let future = 0;
    let death = Infinity;
    let time = 0;
    if (kind === 'paretonbd') death = -Math.log(u()) / gamma(u, p.s, p.beta);
    const drop = kind === 'paretonbd' ? 0 : beta(u, p.a, p.b);
    if (kind === 'mbgnbd' && u() < drop) death = 0;
    for (;;) {
      const next = time - Math.log(u()) / lambda;
      if (next > death || next > T + t) break;
      time = next;
      if (time <= T) {
        x++;
        tx = time;
      } else future++;
      if (kind !== 'paretonbd' && u() < drop) {
        death = time;
        break;
      }
    }
    rows.push({ x, tx, alive: death > T, future, fromStart: x + future });
  }
  return rows;
}

