/** Intervals from parameter uncertainty and Pareto/NBD's DERT. */
import { describe, expect, it } from 'vitest';
import { compressSummaries, fitPurchaseModel, predictionIntervals, purchaseModelFromParams } from '../../core/models/index.ts';
import { paretoNbdDert, paretoNbdPAlive } from '../../core/models/paretonbd.ts';
import { simulateBgNbd } from './helpers/simulate.ts';

const rows = simulateBgNbd(5, 2000, { r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, 26, 39);
const model = fitPurchaseModel('mbgnbd', compressSummaries(rows));
const opts = { horizon: 39, discountPerPeriod: 0.002, level: 0.8, draws: 200, seed: 1 };
const ones = new Float64Array(rows.length).fill(1);

describe('prediction intervals', () => {
  it('are deterministic for a seed and change with it', () => {
    const a = predictionIntervals(model, rows, ones, opts);
    const b = predictionIntervals(model, rows, ones, opts);
    const c = predictionIntervals(model, rows, ones, { ...opts, seed: 2 });
    expect('skipped' in a).toBe(false);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('are skipped, with the reason and the setting that lifts it, beyond the evaluation budget', () => {
    const pairs = new Set(rows.map((r) => `${r.frequency},${r.T}`)).size;
    const within = predictionIntervals(model, rows, ones, { ...opts, budget: pairs * 20 });
    expect('skipped' in within).toBe(false);
    const beyond = predictionIntervals(model, rows, ones, { ...opts, budget: pairs * 20 - 1 });
    if (!('skipped' in beyond)) throw new Error('expected the intervals to be skipped');
    expect(beyond.skipped).toContain(`${pairs} distinct (frequency, T) pairs × 20 draws`);
    expect(beyond.skipped).toContain('intervals.budget: 0');
    const unlimited = predictionIntervals(model, rows, ones, { ...opts, budget: 0 });
    expect(JSON.stringify(unlimited)).toBe(JSON.stringify(within));
  });

  it('give the same answer from the pairs alone when a base is large (the check before the per-row work)', () => {
    // 800 distinct (x, T) pairs: at least 600 distinct rows, so the draws are 20 whatever was asked.
    const many = Array.from({ length: 1600 }, (_, i) => ({ frequency: i % 4, recency: (i % 4) * 2, T: 20 + Math.floor(i / 8) * 0.25 + (i % 2) * 0.1 }));
    const pairs = new Set(many.map((r) => `${r.frequency},${r.T}`)).size;
    expect(pairs).toBeGreaterThanOrEqual(600);
    const w = new Float64Array(many.length).fill(1);
    const beyond = predictionIntervals(model, many, w, { ...opts, budget: pairs * 20 - 1 });
    expect(beyond).toEqual({ skipped: `${pairs} distinct (frequency, T) pairs × 20 draws exceed the interval budget of ${pairs * 20 - 1} evaluations; --intervals-budget 0 (profile intervals.budget: 0) computes them anyway, slowly` });
    const within = predictionIntervals(model, many, w, { ...opts, budget: pairs * 20 });
    expect('skipped' in within).toBe(false);
    if (!('skipped' in within)) expect(within.draws).toBe(20);
  });

  it('bracket the point predictions and narrow as the data grow', () => {
    const iv = predictionIntervals(model, rows, ones, opts);
    if ('skipped' in iv) throw new Error(iv.skipped);
    let inside = 0;
    rows.forEach((r, i) => {
      const e = model.expectedPurchases(39, r.frequency, r.recency, r.T);
      expect(iv.expectedLow[i]).toBeLessThanOrEqual(iv.expectedHigh[i]);
      if (iv.expectedLow[i] <= e && e <= iv.expectedHigh[i]) inside++;
    });
    expect(inside / rows.length).toBeGreaterThan(0.95);
    const big = simulateBgNbd(5, 8000, { r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, 26, 39);
    const bigModel = fitPurchaseModel('mbgnbd', compressSummaries(big));
    const bigIv = predictionIntervals(bigModel, big, new Float64Array(big.length).fill(1), opts);
    if ('skipped' in bigIv) throw new Error(bigIv.skipped);
    const width = (v: { purchasesLow: number; purchasesHigh: number }, n: number) => (v.purchasesHigh - v.purchasesLow) / n;
    // Four times the customers: the relative width of the total shrinks by about half.
    expect(width(bigIv, big.length)).toBeLessThan(0.7 * width(iv, rows.length));
  });

  it('are skipped, with the reason, for a fit without a covariance', () => {
    const fixed = purchaseModelFromParams('bgnbd', { r: 0.25, alpha: 4, a: 0.8, b: 2.5 });
    const iv = predictionIntervals(fixed, rows, ones, opts);
    expect(iv).toEqual({ skipped: 'the fit has no covariance matrix (not converged)' });
  });
});

describe('DERT (Pareto/NBD)', () => {
  const p = { r: 0.55, alpha: 10.58, s: 1.6, beta: 11.67 };
  it('matches a brute-force integral of the discounted survival', () => {
    const delta = Math.log(1.0017);
    const B = p.beta + 38.86;
    let s = 0;
    const dt = 0.02;
    for (let t = dt / 2; t < 40_000; t += dt) s += Math.exp(-delta * t) * Math.pow(B / (B + t), p.s) * dt;
    const brute = paretoNbdPAlive(p, 2, 30.43, 38.86) * ((p.r + 2) / (p.alpha + 38.86)) * s;
    expect(Math.abs(paretoNbdDert(p, delta, 2, 30.43, 38.86) / brute - 1)).toBeLessThan(1e-6);
  });

  it('tends to the expected lifetime purchases as the discount rate vanishes (s > 1)', () => {
    const lifetime = paretoNbdPAlive(p, 2, 30.43, 38.86) * ((p.r + 2) * (p.beta + 38.86)) / ((p.alpha + 38.86) * (p.s - 1));
    expect(Math.abs(paretoNbdDert(p, 1e-9, 2, 30.43, 38.86) / lifetime - 1)).toBeLessThan(1e-4);
  });
});
