/**
 * Predictions in bounded time at any finite parameters (the fits on small or mixed data run to
 * a, b ≈ 1e6–1e10, where the old ₂F₁ series needed up to a million terms and, cut short, was wrong).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { betaMixtureByPanels, betaMixtureExpectation, predictionSteps } from '../../core/models/betamix.ts';
import { bgnbdExpectedIfAlive } from '../../core/models/bgnbd.ts';
import { purchaseModelFromParams } from '../../core/models/purchase.ts';

/** Steps (series terms, quadrature nodes) one E[X | alive] call may take. */
const STEP_BUDGET = 800;
/** Steps a full prediction (P(alive) and E[X(t)]) may take; Pareto/NBD's P(alive) has its own bounded quadrature. */
const PREDICTION_BUDGET = 4000;

function steps<T>(f: () => T): [T, number] {
  const before = predictionSteps.count;
  const v = f();
  return [v, predictionSteps.count - before];
}

describe('E[X(t) | alive] for the BG/NBD family', () => {
  it('matches mpmath (30 digits) on a grid of extreme parameters, within the step budget', () => {
    // [a, b′, k, u, value, method]: a, b′ ∈ 1e−4 … 1e7, k ∈ 1e−4 … 200, u ∈ 1e−4 … 1e5 (test/models/fixtures).
    const ref: [number, number, number, number, string, string][] = JSON.parse(
      readFileSync(path.join(import.meta.dirname, 'fixtures/bg-expectation-mpmath.json'), 'utf8'));
    expect(ref.length).toBeGreaterThan(900);
    for (const [a, b, k, u, v] of ref) {
      const [got, n] = steps(() => betaMixtureExpectation(a, b, k, u));
      expect(Math.abs(got / Number(v) - 1), `a=${a} b'=${b} k=${k} u=${u}`).toBeLessThan(1e-8);
      expect(n).toBeLessThanOrEqual(STEP_BUDGET);
    }
  });

  it('grows with the horizon at a, b ≈ 1e6 (the cut-short series gave one value for every horizon)', () => {
    const p = { r: 0.5144, alpha: 1.086, a: 5546000, b: 13410000 };
    const values = [4, 13, 52, 104].map((t) => bgnbdExpectedIfAlive(p, t, 2, 30));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1] * 1.2);
    // In the limit a, b → ∞ the drop-out probability is p₀ = a/(a+b) for everyone: E = h(p₀).
    const p0 = p.a / (p.a + p.b);
    const h = (t: number) => -Math.expm1(-(p.r + 2) * Math.log1p((p0 * t) / (p.alpha + 30))) / p0;
    [4, 13, 52, 104].forEach((t, i) => expect(Math.abs(values[i] / h(t) - 1)).toBeLessThan(1e-5));
  });

  const logUniform = (lo: number, hi: number) => fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);

  it('is finite, within its bounds, agrees with the panel quadrature and stays in budget for log-uniform parameters 1e−4 … 1e7', () => {
    fc.assert(
      fc.property(logUniform(1e-4, 1e7), logUniform(1e-4, 1e7), logUniform(1e-4, 1e7), logUniform(1e-4, 1e7), (a, b, k, u) => {
        const [v, n] = steps(() => betaMixtureExpectation(a, b, k, u));
        expect(Number.isFinite(v)).toBe(true);
        expect(n).toBeLessThanOrEqual(STEP_BUDGET);
        // h(p) lies between h(1) and h(0) = k·u, so does its mean.
        const h1 = -Math.expm1(-k * Math.log1p(u));
        expect(v).toBeLessThanOrEqual(k * u * (1 + 1e-9));
        expect(v).toBeGreaterThanOrEqual(h1 * (1 - 1e-9));
        const ref = betaMixtureByPanels(a, b, k, u);
        expect(Math.abs(v / ref - 1)).toBeLessThan(1e-7);
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });

  it('predicts P(alive) and E[X(t)] finitely and in budget for every model at any parameters', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('bgnbd' as const, 'mbgnbd' as const, 'paretonbd' as const),
        fc.array(logUniform(1e-4, 1e7), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0.1, max: 520, noNaN: true }),
        (kind, [r, alpha, c, d], x, share, T, t) => {
          const params: Record<string, number> = kind === 'paretonbd' ? { r, alpha, s: c, beta: d } : { r, alpha, a: c, b: d };
          const m = purchaseModelFromParams(kind, params);
          const tx = x === 0 ? 0 : share * T;
          const [[pa, e], n] = steps(() => [m.pAlive(x, tx, T), m.expectedPurchases(t, x, tx, T)]);
          expect(pa).toBeGreaterThanOrEqual(0);
          expect(pa).toBeLessThanOrEqual(1);
          expect(Number.isFinite(e) && e >= 0).toBe(true);
          expect(n).toBeLessThanOrEqual(PREDICTION_BUDGET);
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });
});
