import { describe, expect, it } from 'vitest';
import { compressSummaries, fitPurchaseModel } from '../../core/models/index.ts';
import { paretoNbdLogLikelihood, paretoNbdLogLikelihoodGradient } from '../../core/models/paretonbd.ts';
import { lgamma, logAddExp, logHyp2f1APlus1, logSubExp } from '../../core/models/special.ts';

/** The textbook closed form (Fader & Hardie 2005 note, eq. 22) with A0 written through ₂F₁. */
function closedFormLl(p: { r: number; alpha: number; s: number; beta: number }, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  const end = (tau: number) =>
    alpha >= beta
      ? logHyp2f1APlus1(rsx, s + 1, (alpha - beta) / (alpha + tau)) - rsx * Math.log(alpha + tau)
      : logHyp2f1APlus1(rsx, r + x, (beta - alpha) / (beta + tau)) - rsx * Math.log(beta + tau);
  const t1 = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const t2 = tx < T ? Math.log(s) - Math.log(rsx) + logSubExp(end(tx), end(T)) : -Infinity;
  return lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta) + logAddExp(t1, t2);
}

describe('Pareto/NBD likelihood by quadrature of the death-time integral', () => {
  const rows = [
    { x: 0, tx: 0, T: 38.86 }, { x: 2, tx: 30.43, T: 38.86 }, { x: 1, tx: 1.71, T: 38.86 },
    { x: 14, tx: 35.1, T: 38.86 }, { x: 40, tx: 12, T: 60 }, { x: 3, tx: 5, T: 5.5 },
  ];
  const paramSets = [
    { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.67 }, // CDNOW published
    { r: 2.1, alpha: 3, s: 0.4, beta: 80 }, // β > α
    { r: 0.3, alpha: 50, s: 2.5, beta: 2 }, // α > β
    { r: 0.82, alpha: 9.9, s: 0.01, beta: 300 }, // little drop-out
  ];
  for (const p of paramSets) {
    it(`equals the ₂F₁ closed form at ${JSON.stringify(p)}`, () => {
      for (const c of rows) {
        const h = compressSummaries([{ frequency: c.x, recency: c.tx, T: c.T }]);
        expect(paretoNbdLogLikelihood(p, h)).toBeCloseTo(closedFormLl(p, c.x, c.tx, c.T), 9);
      }
    });
  }

  // The ₂F₁ series serves small arguments z = |α−β|/(max(α,β)+τ), quadrature the rest: check both.
  for (const p of paramSets) {
    it(`has an analytic gradient matching finite differences at ${JSON.stringify(p)}`, () => {
      const h = compressSummaries(rows.map((c) => ({ frequency: c.x, recency: c.tx, T: c.T })));
      const names = ['r', 'alpha', 's', 'beta'] as const;
      const g: number[] = [0, 0, 0, 0];
      paretoNbdLogLikelihoodGradient(p, h, g);
      names.forEach((k, i) => {
        const eps = 1e-6;
        const up = { ...p, [k]: p[k] * Math.exp(eps) };
        const down = { ...p, [k]: p[k] * Math.exp(-eps) };
        const numeric = (paretoNbdLogLikelihood(up, h) - paretoNbdLogLikelihood(down, h)) / (2 * eps);
        expect(g[i]).toBeCloseTo(numeric, 4);
      });
    });
  }

  it('fits data with no drop-out (s → 0, β → ∞, where the ₂F₁ series needs ~10⁶ terms a row)', () => {
    // Poisson buyers who never leave: the MLE runs to s → 0, β → ∞.
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const rows: { frequency: number; recency: number; T: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      const lambda = -Math.log(rand()) * 0.2;
      const T = 20 + Math.floor(rand() * 32);
      let t = 0, x = -1, last = 0;
      while (t < T) { x++; last = t; t += -Math.log(rand()) / lambda; }
      rows.push({ frequency: Math.max(0, x), recency: x > 0 ? Math.round(last * 7) / 7 : 0, T });
    }
    const m = fitPurchaseModel('paretonbd', compressSummaries(rows));
    expect(Number.isFinite(m.fit.logLikelihood)).toBe(true);
    expect(m.fit.params.s / m.fit.params.beta).toBeLessThan(1e-3);
  });
});
