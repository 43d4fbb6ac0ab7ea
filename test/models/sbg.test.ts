import { describe, expect, it } from 'vitest';
import { fitSbg, fitSbgFromTenure, sbgModel } from '../../core/models/index.ts';

// Fader & Hardie (2007), "How to project customer retention", survivors of 1000 in years 0–12.
const REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173];
const HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394];

describe('sBG on the published example (fitted on years 0–7)', () => {
  // The paper reports regular α = 0.704, β = 1.182 and high end α = 0.668, β = 3.806.
  const cases = [
    { name: 'regular', data: REGULAR, alpha: 0.704, beta: 1.182, projectionTolerance: 4 },
    { name: 'high end', data: HIGH_END, alpha: 0.668, beta: 3.806, projectionTolerance: 17 },
  ];
  for (const c of cases) {
    it(`${c.name}: parameters within 0.5 % of the paper, projections for years 8–12`, () => {
      const m = fitSbg(c.data.slice(0, 8));
      expect(Math.abs(m.fit.params.alpha / c.alpha - 1)).toBeLessThan(0.005);
      expect(Math.abs(m.fit.params.beta / c.beta - 1)).toBeLessThan(0.005);
      expect(m.fit.converged).toBe(true);
      const atPaper = sbgModel(c.alpha, c.beta);
      for (let t = 8; t <= 12; t++) {
        const projected = m.expectedSurvivors(1000, t);
        // Same projection as the paper's rounded parameters give, to within half a customer …
        expect(Math.abs(projected - atPaper.expectedSurvivors(1000, t))).toBeLessThan(0.5);
        // … and close to what actually happened (the paper's Figure: the high-end projection runs slightly low).
        expect(Math.abs(projected - c.data[t])).toBeLessThan(c.projectionTolerance);
      }
    });
  }

  it('per-customer tenures with churn flags give the same fit as the survival series', () => {
    const tenure: number[] = [];
    const churned: boolean[] = [];
    const s = REGULAR.slice(0, 8);
    for (let t = 1; t < s.length; t++) for (let k = 0; k < s[t - 1] - s[t]; k++) (tenure.push(t), churned.push(true));
    for (let k = 0; k < s[7]; k++) (tenure.push(7), churned.push(false));
    const a = fitSbg(s).fit;
    const b = fitSbgFromTenure(tenure, churned).fit;
    expect(b.params.alpha).toBeCloseTo(a.params.alpha, 6);
    expect(b.params.beta).toBeCloseTo(a.params.beta, 6);
    expect(b.logLikelihood).toBeCloseTo(a.logLikelihood, 6);
  });
});

describe('sBG formulas', () => {
  const m = sbgModel(0.704, 1.182);
  it('retention rate r_t = S(t)/S(t−1) = (β + t − 1)/(α + β + t − 1), rising with tenure', () => {
    for (let t = 1; t <= 12; t++) {
      expect(m.retentionRate(t)).toBeCloseTo(m.survival(t) / m.survival(t - 1), 12);
      if (t > 1) expect(m.retentionRate(t)).toBeGreaterThan(m.retentionRate(t - 1));
    }
    expect(m.retentionRate(1)).toBeCloseTo(1.182 / (0.704 + 1.182), 12);
  });
  it('DERL and CLV equal the discounted survival sums written out', () => {
    const d = 0.1;
    for (const renewals of [0, 1, 4]) {
      const n = renewals + 1;
      let sum = 0;
      for (let t = n; t < n + 20000; t++) sum += (m.survival(t) / m.survival(n - 1)) * Math.pow(1 + d, -(t - n));
      expect(m.discountedExpectedResidualLifetime(d, renewals)).toBeCloseTo(sum, 6);
    }
    let del = 0;
    for (let t = 0; t < 20000; t++) del += m.survival(t) * Math.pow(1 + d, -t);
    expect(m.clv(50, d)).toBeCloseTo(50 * del, 4);
    // Customers who have renewed more often are worth more (survivors are the loyal ones).
    expect(m.discountedExpectedResidualLifetime(d, 4)).toBeGreaterThan(m.discountedExpectedResidualLifetime(d, 0));
  });
});

describe('sBG when every customer churns at the same rate', () => {
  it('warns that α and β are not identified, and still projects the common churn rate', () => {
    // Exactly geometric survival with θ = 0.1: 10 % of the remaining customers leave each period.
    const survivors = [100000];
    for (let t = 1; t <= 10; t++) survivors.push(Math.round(survivors[t - 1] * 0.9));
    const m = fitSbg(survivors);
    expect(m.fit.warnings.join(' ')).toMatch(/not separately identified/);
    expect(m.retentionRate(5)).toBeCloseTo(0.9, 2);
    expect(m.expectedSurvivors(100000, 10)).toBeCloseTo(survivors[10], -2);
  });
});
