import { describe, expect, it } from 'vitest';
import { hyp2f1, lgamma, logAddExp, logHyp2f1APlus1, logSubExp, logSumExp } from '../../core/models/special.ts';

describe('special functions', () => {
  it('lgamma matches known values', () => {
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(1)).toBeCloseTo(0, 13);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lgamma(100)).toBeCloseTo(359.1342053695754, 10);
    expect(lgamma(1e-3)).toBeCloseTo(6.907178885383854, 10);
    expect(lgamma(2.5)).toBeCloseTo(Math.log(1.329340388179137), 13);
  });
  it('log-sum-exp is exact and overflow-free', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logSubExp(Math.log(5), Math.log(3))).toBeCloseTo(Math.log(2), 13);
    expect(logSubExp(2, 2)).toBe(-Infinity);
    expect(logSumExp([800, 800, 800])).toBeCloseTo(800 + Math.log(3), 12);
  });
  it('₂F₁ matches closed forms, including z near 1 and z < 0', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
      expect(hyp2f1(2.3, 1.7, 1.7, z)).toBeCloseTo(Math.pow(1 - z, -2.3), 6);
    }
    expect(hyp2f1(1, 1, 2, -3)).toBeCloseTo(Math.log(4) / 3, 12);
    expect(hyp2f1(1, 1, 2, -0.5)).toBeCloseTo(Math.log(1.5) / 0.5, 12);
    // ₂F₁(1/2, 1; 3/2; z²) = artanh(z)/z
    expect(hyp2f1(0.5, 1, 1.5, 0.81)).toBeCloseTo(Math.atanh(0.9) / 0.9, 10);
  });
  it('log ₂F₁(a, b; a+1; z) agrees with the direct series and stays finite for huge arguments', () => {
    for (const [a, b, z] of [[1.5, 1.6, 0.3], [30, 2, 0.8], [5, 25, 0.6]]) {
      expect(logHyp2f1APlus1(a, b, z)).toBeCloseTo(Math.log(hyp2f1(a, b, a + 1, z)), 10);
    }
    const big = logHyp2f1APlus1(2000, 1500, 0.999);
    expect(Number.isFinite(big)).toBe(true);
    expect(big).toBeGreaterThan(0);
  });
});
