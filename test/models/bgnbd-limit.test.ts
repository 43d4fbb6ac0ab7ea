import { describe, expect, it } from 'vitest';
import { purchaseModelFromParams } from '../../core/models/index.ts';

/**
 * When a and b grow with a/(a+b) = p fixed, every customer drops out with the same probability p
 * after each purchase. Then E[X(t) | alive, λ] = (1 − e^(−λpt))/p, and averaging over
 * λ ~ Gamma(r+x, α+T) gives (1/p)·(1 − ((α+T)/(α+T+pt))^(r+x)).
 */
function fixedDropoutExpectation(r: number, alpha: number, p: number, t: number, x: number, T: number): number {
  return (1 - Math.pow((alpha + T) / (alpha + T + p * t), r + x)) / p;
}

describe('BG/NBD and MBG/NBD with near-homogeneous drop-out (a, b in the thousands)', () => {
  const r = 0.5, alpha = 5, a = 7929, b = 47068;
  const p = a / (a + b);
  for (const kind of ['bgnbd', 'mbgnbd'] as const) {
    it(`${kind}: E[X(t)] is finite and matches the fixed-drop-out limit`, () => {
      const m = purchaseModelFromParams(kind, { r, alpha, a, b });
      for (const [x, tx, T] of [[0, 0, 30], [3, 20, 40], [12, 50, 52]]) {
        const got = m.expectedPurchases(52, x, tx, T);
        const limit = m.pAlive(x, tx, T) * fixedDropoutExpectation(r, alpha, p, 52, x, T);
        expect(Number.isFinite(got)).toBe(true);
        expect(got).toBeGreaterThan(0);
        expect(Math.abs(got - limit) / limit).toBeLessThan(0.01);
      }
    });
  }
});
