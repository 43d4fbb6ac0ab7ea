/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
 * they drop out with probability p ~ Beta(a, b). Times are in the profile's time unit.
 */
import type { Histogram } from './histogram.ts';
import { digamma, lgamma, logAddExp } from './special.ts';
import { betaMixtureExpectation } from './betamix.ts';
import type { PurchaseModelSpec } from './spec.ts';

export interface BgNbdParams { r: number; alpha: number; a: number; b: number }

/**
 * The BG/NBD family's likelihood. A customer with x repeat purchases had k = x + extraDrops chances
 * to drop out: one after each repeat purchase, plus one right after the first purchase for MBG/NBD
 * (extraDrops = 1). With k = 0 the "dropped out after the last purchase" branch is empty.
 * Σ w · log L(r, α, a, b | x, t_x, T) over the histogram (eq. 6 of the paper, in log space).
 */
function familyLogLikelihood(p: BgNbdParams, h: Histogram, extraDrops: 0 | 1): number {
  const { r, alpha, a, b } = p;
  const base = -lgamma(r) + r * Math.log(alpha) + lgamma(a + b) - lgamma(b);
  let ll = 0;
  // The histogram is sorted by x, so the x-only terms are recomputed only when x changes.
  let lastX = NaN;
  let A12 = 0;
  let logDrop = -Infinity;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    const k = x + extraDrops;
    if (x !== lastX) {
      lastX = x;
      A12 = lgamma(r + x) + lgamma(b + k) - lgamma(a + b + k);
      logDrop = k > 0 ? Math.log(a) - Math.log(b + k - 1) : -Infinity;
    }
    const A3 = -(r + x) * Math.log(alpha + h.T[i]);
    const A4 = k > 0 ? logDrop - (r + x) * Math.log(alpha + h.tx[i]) : -Infinity;
    ll += h.w[i] * (base + A12 + logAddExp(A3, A4));
  }
  return ll;
}

/**
 * Gradient of familyLogLikelihood with respect to (log r, log α, log a, log b), written into `out`.
 * Analytic, so one pass over the histogram replaces the eight a central-difference gradient needs.
 */
function familyLogLikelihoodGradient(p: BgNbdParams, h: Histogram, out: number[], extraDrops: 0 | 1): void {
  const { r, alpha, a, b } = p;
  let gr = 0;
  let ga = 0;
  let gA = 0;
  let gB = 0;
  const baseR = -digamma(r) + Math.log(alpha);
  const psiAB = digamma(a + b);
  const baseB = psiAB - digamma(b);
  let lastX = NaN;
  let dRx = 0;
  let dAx = 0;
  let dBx = 0;
  let logDrop = -Infinity;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    const k = x + extraDrops;
    if (x !== lastX) {
      lastX = x;
      const psiABK = digamma(a + b + k);
      dRx = digamma(r + x);
      dAx = psiAB - psiABK;
      dBx = baseB + digamma(b + k) - psiABK;
      logDrop = k > 0 ? Math.log(a) - Math.log(b + k - 1) : -Infinity;
    }
    const lT = Math.log(alpha + h.T[i]);
    const ltx = Math.log(alpha + h.tx[i]);
    const A3 = -(r + x) * lT;
    const A4 = k > 0 ? logDrop - (r + x) * ltx : -Infinity;
    // Weight of the "dropped out after the last purchase" branch.
    const w4 = A4 === -Infinity ? 0 : 1 / (1 + Math.exp(A3 - A4));
    const w3 = 1 - w4;
    const w = h.w[i];
    gr += w * (baseR + dRx - w3 * lT - w4 * ltx);
    ga += w * (r / alpha - (r + x) * (w3 / (alpha + h.T[i]) + w4 / (alpha + h.tx[i])));
    gA += w * (dAx + w4 / a);
    gB += w * (dBx - (k > 0 ? w4 / (b + k - 1) : 0));
  }
  out[0] = gr * r;
  out[1] = ga * alpha;
  out[2] = gA * a;
  out[3] = gB * b;
}

export const bgnbdLogLikelihood = (p: BgNbdParams, h: Histogram): number => familyLogLikelihood(p, h, 0);
export const mbgnbdLogLikelihood = (p: BgNbdParams, h: Histogram): number => familyLogLikelihood(p, h, 1);
export const bgnbdLogLikelihoodGradient = (p: BgNbdParams, h: Histogram, out: number[]): void =>
  familyLogLikelihoodGradient(p, h, out, 0);
export const mbgnbdLogLikelihoodGradient = (p: BgNbdParams, h: Histogram, out: number[]): void =>
  familyLogLikelihoodGradient(p, h, out, 1);

/** P(alive | x, t_x, T). One-time buyers (x = 0) are always alive under BG/NBD. */
export function bgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logOdds = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[X(t) | x, t_x, T] (eq. 10) = P(alive) · E[X(t) | alive]. The second factor is an expectation over
 * the drop-out probability p ~ Beta(a, b + x), computed in bounded time by betamix.ts.
 */
export function bgnbdExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return bgnbdExpectedIfAlive(p, t, x, T) * bgnbdPAlive(p, x, tx, T);
}

/** E[X(t) | alive at T, x, T]: the factor of E[X(t) | x, t_x, T] that does not involve t_x. */
export function bgnbdExpectedIfAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  return betaMixtureExpectation(p.a, p.b + x, p.r + x, t / (p.alpha + T));
}

/** Unconditional E[X(t)] for a customer who has just made their first purchase (eq. 9): eq. 10 at x = 0, T = 0. */
export function bgnbdUnconditional(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  return betaMixtureExpectation(p.a, p.b, p.r, t / p.alpha);
}

/** BG/NBD: likelihood eq. 6, E[X(t)] eq. 9, E[Y(t) | x, t_x, T] eq. 10 of Fader, Hardie & Lee (2005); P(alive) from their 2008 note. */
export const bgnbdSpec: PurchaseModelSpec<BgNbdParams> = {
  kind: 'bgnbd',
  title: 'BG/NBD',
  names: ['r', 'alpha', 'a', 'b'],
  start: (meanT) => [1, meanT, 1, 1],
  logLikelihood: bgnbdLogLikelihood,
  gradient: bgnbdLogLikelihoodGradient,
  pAlive: bgnbdPAlive,
  expectedIfAlive: bgnbdExpectedIfAlive,
  unconditional: bgnbdUnconditional,
  oneTimeBuyersAlwaysAlive: true,
  shapes: ['r', 'a', 'b'],
  scales: ['alpha'],
};
