/**
 * Parameter recovery: data simulated from known parameters (seeded, 50,000 customers each) must
 * give estimates within 10 % of the truth and within 4 reported standard errors.
 */
import { describe, expect, it } from 'vitest';
import { compressSummaries, fitGammaGamma, fitPurchaseModel, fitSbgFromTenure } from '../../core/models/index.ts';
import type { FitReport } from '../../core/types.ts';
import { beta, gamma, rng, simulateBgNbd, simulateParetoNbd } from './helpers/simulate.ts';

const N = 50_000;

function expectRecovered(fit: FitReport, truth: Record<string, number>) {
  expect(fit.converged).toBe(true);
  for (const [name, value] of Object.entries(truth)) {
    const est = fit.params[name];
    expect(Math.abs(est / value - 1), `${name}: ${est} vs ${value}`).toBeLessThan(0.1);
    expect(Math.abs(est - value), `${name}: ${est} vs ${value} (SE ${fit.standardErrors[name]})`).toBeLessThan(4 * fit.standardErrors[name]);
  }
}

describe('parameter recovery from simulated customers', () => {
  it('BG/NBD', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const fit = fitPurchaseModel('bgnbd', compressSummaries(simulateBgNbd(1, N, truth, 26, 104))).fit;
    expect(fit.customers).toBe(N);
    expectRecovered(fit, truth);
  });

  it('Pareto/NBD', () => {
    const truth = { r: 0.8, alpha: 8, s: 1.2, beta: 30 };
    expectRecovered(fitPurchaseModel('paretonbd', compressSummaries(simulateParetoNbd(2, N, truth, 52, 156))).fit, truth);
  });

  it('Gamma-Gamma', () => {
    const truth = { p: 5, q: 3, v: 10 };
    const u = rng(3);
    const rows = [];
    for (let i = 0; i < N; i++) {
      const x = 1 + Math.floor(u() * 10);
      const nu = gamma(u, truth.q, truth.v);
      let s = 0;
      for (let k = 0; k < x; k++) s += gamma(u, truth.p, nu);
      rows.push({ frequency: x, meanRepeatSpend: s / x });
    }
    const g = fitGammaGamma(rows);
    expectRecovered(g.fit, truth);
    expect(g.finiteMean).toBe(true);
  });

  it('sBG from tenure with churn flags (observation windows of 1–12 periods)', () => {
    const truth = { alpha: 0.7, beta: 2.5 };
    const u = rng(4);
    const tenure: number[] = [];
    const churned: boolean[] = [];
    for (let i = 0; i < N; i++) {
      const theta = beta(u, truth.alpha, truth.beta);
      const window = 1 + Math.floor(u() * 12);
      let t = 0;
      let lost = false;
      while (t < window) {
        t++;
        if (u() < theta) {
          lost = true;
          break;
        }
      }
      tenure.push(t);
      churned.push(lost);
    }
    expectRecovered(fitSbgFromTenure(tenure, churned).fit, truth);
  });
});
