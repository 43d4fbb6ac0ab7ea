import { describe, expect, it } from 'vitest';
import { fitGammaGamma, gammaGammaModel } from '../../core/models/index.ts';
import { gamma, rng } from './helpers/simulate.ts';

describe('Gamma-Gamma expected spend', () => {
  it('E[M | x, m̄] = p(v + x·m̄)/(px + q − 1): a weighted mix of population and own mean', () => {
    const g = gammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
    const population = (6.25 * 15.44) / (3.74 - 1);
    expect(g.expectedSpend(3, 40)).toBeCloseTo((6.25 * (15.44 + 3 * 40)) / (6.25 * 3 + 3.74 - 1), 12);
    expect(g.expectedSpend(0, 0)).toBeCloseTo(population, 12);
    // More repeat purchases → more weight on the customer's own mean.
    expect(Math.abs(g.expectedSpend(20, 40) - 40)).toBeLessThan(Math.abs(g.expectedSpend(2, 40) - 40));
  });

  it('q ≤ 1: infinite mean spend is reported, and expected spend falls back to the own mean (never NaN or negative)', () => {
    const g = gammaGammaModel({ p: 2, q: 0.8, v: 10 });
    expect(g.finiteMean).toBe(false);
    expect(g.expectedSpend(3, 25)).toBe(25);
    expect(g.expectedSpend(0, 0)).toBe(0);
    expect(g.expectedSpend(2, NaN)).toBe(0);
  });

  it('a fit on heavy-tailed spend with q < 1 warns clearly', () => {
    const u = rng(11);
    const rows = [];
    for (let i = 0; i < 20_000; i++) {
      const x = 1 + Math.floor(u() * 5);
      const nu = gamma(u, 0.6, 5);
      let s = 0;
      for (let k = 0; k < x; k++) s += gamma(u, 2, nu);
      rows.push({ frequency: x, meanRepeatSpend: s / x });
    }
    const g = fitGammaGamma(rows);
    expect(g.fit.params.q).toBeLessThan(1);
    expect(g.finiteMean).toBe(false);
    expect(g.fit.warnings.join(' ')).toMatch(/mean spend is infinite.*CLV is not computed from Gamma-Gamma/);
    expect(g.expectedSpend(2, 30)).toBe(30);
  });

  it('ignores one-time buyers and non-positive spend; too few repeat customers → own mean, with a warning', () => {
    const g = fitGammaGamma([{ frequency: 0, meanRepeatSpend: 0 }, { frequency: 2, meanRepeatSpend: -3 }, { frequency: 1, meanRepeatSpend: 12 }]);
    expect(g.fit.customers).toBe(1);
    expect(g.fit.warnings.length).toBeGreaterThan(0);
    expect(g.expectedSpend(1, 12)).toBe(12);
  });
});
