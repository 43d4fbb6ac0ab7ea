/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): like BG/NBD, but a customer may also drop out at
 * time zero, right after the first purchase, so one-time buyers can be inactive too.
 */
import type { Histogram } from './histogram.ts';
import type { BgNbdParams } from './bgnbd.ts';
import { scaledHyp2f1 } from './special.ts';

// The likelihood and its gradient are BG/NBD's with one more drop-out chance: see bgnbd.ts.
export { mbgnbdLogLikelihood, mbgnbdLogLikelihoodGradient } from './bgnbd.ts';

export function mbgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  const logOdds = Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/** E[X(t) | x, t_x, T]; the ₂F₁ term is Euler-transformed as in BG/NBD. */
export function mbgnbdExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return mbgnbdExpectedIfAlive(p, t, x, T) * mbgnbdPAlive(p, x, tx, T);
}

/** E[X(t) | alive at T, x, T]. */
export function mbgnbdExpectedIfAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  // (1−z)^(r+x) ₂F₁(r+x, b+x+1; a+b+x; z) = (1−z)^(a−1) ₂F₁(a+b−r, a−1; a+b+x; z)
  const tail = scaledHyp2f1(a - 1, a + b - r, a - 1, a + b + x, z);
  return ((a + b + x) / (a - 1)) * (1 - tail);
}

export function mbgnbdUnconditional(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + t);
  // (1−z)^r ₂F₁(r, b+1; a+b; z) = (1−z)^(a−1) ₂F₁(a+b−r, a−1; a+b; z)
  const tail = scaledHyp2f1(a - 1, a + b - r, a - 1, a + b, z);
  return (b / (a - 1)) * (1 - tail);
}
