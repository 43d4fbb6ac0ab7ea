import { describe, expect, it } from 'vitest';
import { digamma, hyp2f1, lgamma, logAddExp, logHyp2f1APlus1, logSubExp, logSumExp } from '../../core/models/special.ts';
import { bgnbdLogLikelihood, bgnbdLogLikelihoodGradient } from '../../core/models/bgnbd.ts';
import { compressSummaries } from '../../core/models/index.ts';
import { paretoNbdLogLikelihood, paretoNbdLogLikelihoodGradient } from '../../core/models/paretonbd.ts';
import { mbgnbdLogLikelihood, mbgnbdLogLikelihoodGradient } from '../../core/models/mbgnbd.ts';
import { simulateBgNbd, simulateParetoNbd } from './helpers/simulate.ts';

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

describe('digamma and the analytic BG/NBD gradient', () => {
  it('digamma matches known values', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 12);
    expect(digamma(10)).toBeCloseTo(2.251752589066721, 13);
    expect(digamma(1e-3)).toBeCloseTo(-1000.5755719318103, 8);
  });
  for (const [name, llFn, gradFn] of [
    ['BG/NBD', bgnbdLogLikelihood, bgnbdLogLikelihoodGradient],
    ['MBG/NBD', mbgnbdLogLikelihood, mbgnbdLogLikelihoodGradient],
  ] as const)
  it(`${name}: the analytic gradient equals central differences of the log-likelihood`, () => {
    const h = compressSummaries(simulateBgNbd(5, 3000, { r: 0.5, alpha: 6, a: 0.8, b: 2.5 }, 5, 60));
    const theta = [0.4, 5, 0.9, 2];
    const g = [0, 0, 0, 0];
    gradFn({ r: theta[0], alpha: theta[1], a: theta[2], b: theta[3] }, h, g);
    const ll = (z: number[]) => llFn({ r: Math.exp(z[0]), alpha: Math.exp(z[1]), a: Math.exp(z[2]), b: Math.exp(z[3]) }, h);
    const z = theta.map(Math.log);
    for (let i = 0; i < 4; i++) {
      const e = 1e-5;
      const up = z.slice();
      const down = z.slice();
      up[i] += e;
      down[i] -= e;
      const numeric = (ll(up) - ll(down)) / (2 * e);
      expect(Math.abs(g[i] - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
    }
  });
});

describe('analytic Pareto/NBD gradient', () => {
  const h = compressSummaries(simulateParetoNbd(5, 3000, { r: 0.8, alpha: 8, s: 1.2, beta: 30 }, 5, 100));
  // Both branches of the likelihood: α < β and α > β.
  for (const theta of [[0.6, 9, 1.0, 20], [1.2, 10, 0.5, 4]]) {
    it(`equals central differences at r, α, s, β = ${theta.join(', ')}`, () => {
      const g = [0, 0, 0, 0];
      paretoNbdLogLikelihoodGradient({ r: theta[0], alpha: theta[1], s: theta[2], beta: theta[3] }, h, g);
      const ll = (z: number[]) => paretoNbdLogLikelihood({ r: Math.exp(z[0]), alpha: Math.exp(z[1]), s: Math.exp(z[2]), beta: Math.exp(z[3]) }, h);
      const z = theta.map(Math.log);
      for (let i = 0; i < 4; i++) {
        const up = z.slice();
        const down = z.slice();
        up[i] += 1e-5;
        down[i] -= 1e-5;
        const numeric = (ll(up) - ll(down)) / 2e-5;
        expect(Math.abs(g[i] - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
      }
    });
  }
});
