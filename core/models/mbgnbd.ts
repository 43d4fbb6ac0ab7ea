/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): like BG/NBD, but a customer may also drop out at
 * time zero, right after the first purchase, so one-time buyers can be inactive too.
 */
import type { Histogram } from './histogram.ts';
import type { BgNbdParams } from './bgnbd.ts';
import { betaMixtureExpectation } from './betamix.ts';

import { mbgnbdLogLikelihood, mbgnbdLogLikelihoodGradient } from './bgnbd.ts';
import type { PurchaseModelSpec } from './spec.ts';

// The likelihood and its gradient are BG/NBD's with one more drop-out chance: see bgnbd.ts.
export { mbgnbdLogLikelihood, mbgnbdLogLikelihoodGradient };

/** P(alive | x, t_x, T) (Batislam et al. 2007, eq. 9): one-time buyers can be inactive too. */
export function mbgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  const logOdds = Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/** E[X(t) | x, t_x, T] = P(alive) · E[X(t) | alive]. */
export function mbgnbdExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return mbgnbdExpectedIfAlive(p, t, x, T) * mbgnbdPAlive(p, x, tx, T);
}

/** E[X(t) | alive at T, x, T]: x + 1 drop-out chances survived, so p ~ Beta(a, b + x + 1) (see betamix.ts). */
export function mbgnbdExpectedIfAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  return betaMixtureExpectation(p.a, p.b + x + 1, p.r + x, t / (p.alpha + T));
}

/** E[X(t)] for a new customer, who survives the drop-out chance at time zero with probability b/(a+b). */
export function mbgnbdUnconditional(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  // E_{Beta(a,b)}[(1−p)·h(p)] = b/(a+b) · E_{Beta(a,b+1)}[h(p)]
  return (p.b / (p.a + p.b)) * betaMixtureExpectation(p.a, p.b + 1, p.r, t / p.alpha);
}

/** MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD's equations with one more drop-out chance, at time zero. */
export const mbgnbdSpec: PurchaseModelSpec<BgNbdParams> = {
  kind: 'mbgnbd',
  title: 'MBG/NBD',
  names: ['r', 'alpha', 'a', 'b'],
  start: (meanT) => [1, meanT, 1, 1],
  logLikelihood: mbgnbdLogLikelihood,
  gradient: mbgnbdLogLikelihoodGradient,
  pAlive: mbgnbdPAlive,
  expectedIfAlive: mbgnbdExpectedIfAlive,
  unconditional: mbgnbdUnconditional,
  oneTimeBuyersAlwaysAlive: false,
  shapes: ['r', 'a', 'b'],
  scales: ['alpha'],
};
