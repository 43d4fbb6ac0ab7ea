/**
 * The fits reuse numbers between evaluations (the gradient of the last likelihood pass, closed-form
 * ends per frequency and age, the ₂F₁ series' factors per (a, b), log(α + τ) per distinct τ). Each
 * reused number must be the very double a fresh computation gives, whatever was evaluated before.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compressSummaries, timeIndex } from '../../core/models/histogram.ts';
import { bgnbdLogLikelihood, bgnbdLogLikelihoodGradient, mbgnbdLogLikelihood, mbgnbdLogLikelihoodGradient } from '../../core/models/bgnbd.ts';
import { paretoNbdLogLikelihood, paretoNbdLogLikelihoodGradient, type ParetoNbdParams } from '../../core/models/paretonbd.ts';
import { hypOut, logHyp2f1APlus1WithGradient } from '../../core/models/special.ts';
import { simulateParetoNbd } from './helpers/simulate.ts';

const hist = compressSummaries(simulateParetoNbd(11, 3000, { r: 0.6, alpha: 8, s: 0.8, beta: 25 }, 10, 150));
const other = compressSummaries(simulateParetoNbd(12, 500, { r: 1.2, alpha: 3, s: 0.4, beta: 9 }, 0, 60));
const positive = fc.double({ min: 0.05, max: 60, noNaN: true });
const params = fc.record({ r: positive, alpha: positive, s: positive, beta: positive });
const same = (a: number[], b: number[]) => expect(a.map(String)).toEqual(b.map(String));

type Ll = (p: never, h: typeof hist) => number;
type Grad = (p: never, h: typeof hist, out: number[]) => void;
const models: [string, Ll, Grad, (p: ParetoNbdParams) => object][] = [
  ['BG/NBD', bgnbdLogLikelihood as Ll, bgnbdLogLikelihoodGradient as Grad, (p) => ({ r: p.r, alpha: p.alpha, a: p.s, b: p.beta })],
  ['MBG/NBD', mbgnbdLogLikelihood as Ll, mbgnbdLogLikelihoodGradient as Grad, (p) => ({ r: p.r, alpha: p.alpha, a: p.s, b: p.beta })],
  ['Pareto/NBD', paretoNbdLogLikelihood as Ll, paretoNbdLogLikelihoodGradient as Grad, (p) => p],
];

describe('numbers reused between evaluations are the ones a fresh evaluation gives', () => {
  for (const [name, ll, grad, as] of models) {
    it(`${name}: likelihood and gradient do not depend on what was evaluated before`, () => {
      fc.assert(
        fc.property(params, params, (p0, q0) => {
          const p = as(p0) as never;
          const q = as(q0) as never;
          // Fresh: the gradient at p computed by its own pass (the last likelihood pass was at q, on another histogram too).
          ll(q, hist);
          ll(q, other);
          const fresh = [0, 0, 0, 0];
          grad(p, hist, fresh);
          // Reused: the gradient right after the likelihood at p.
          const v1 = ll(p, hist);
          const reused = [0, 0, 0, 0];
          grad(p, hist, reused);
          same(reused, fresh);
          ll(q, hist);
          expect(String(ll(p, hist))).toBe(String(v1));
        }),
        { numRuns: 25 },
      );
    });
  }

  it('the ₂F₁ series gives the same doubles with its factor table warm or cold', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 50, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.double({ min: 0, max: 0.9, noNaN: true }), (a, bShare, z, zWarm) => {
        const b = bShare * (a + 1);
        logHyp2f1APlus1WithGradient(a + 3, b, 0.5); // another (a, b): the table starts over
        logHyp2f1APlus1WithGradient(a, b, z);
        const cold = [hypOut.value, hypOut.dA, hypOut.dB, hypOut.dZ];
        logHyp2f1APlus1WithGradient(a, b, zWarm);
        logHyp2f1APlus1WithGradient(a, b, z);
        same([hypOut.value, hypOut.dA, hypOut.dB, hypOut.dZ], cold);
      }),
      { numRuns: 200 },
    );
  });

  it("the time index gives every row's own t_x and T, NaN included", () => {
    const h = { ...hist, tx: hist.tx.slice(), T: hist.T.slice() };
    h.T[3] = NaN;
    h.tx[5] = -0;
    const ti = timeIndex(h);
    for (let i = 0; i < h.size; i++) {
      expect(Object.is(ti.times[ti.T[i]], h.T[i]) || ti.times[ti.T[i]] === h.T[i]).toBe(true);
      expect(ti.times[ti.tx[i]] === h.tx[i] || Number.isNaN(h.tx[i])).toBe(true);
    }
    // A histogram with new arrays gets a new index.
    const h2 = { ...h, T: h.T.map((v) => v + 1) };
    expect(timeIndex(h2).times[timeIndex(h2).T[0]]).toBe(h2.T[0]);
  });
});
