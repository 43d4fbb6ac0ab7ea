/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
 * they drop out with probability p ~ Beta(a, b). Times are in the profile's time unit.
 */
import { logShifted, timeIndex, type Histogram } from './histogram.ts';
import { digamma, lgamma } from './special.ts';
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
  const ll = familyPass(p, h, extraDrops, true);
  // A BFGS search asks for the gradient at every point it accepts, right after the likelihood there.
  const c = gradientCache(h, extraDrops);
  c.r = p.r, c.alpha = p.alpha, c.a = p.a, c.b = p.b;
  c.g[0] = pass.gr, c.g[1] = pass.ga, c.g[2] = pass.gA, c.g[3] = pass.gB;
  return ll;
}

/**
 * Gradient of familyLogLikelihood with respect to (log r, log α, log a, log b), written into `out`.
 * Analytic, so one pass over the histogram replaces the eight a central-difference gradient needs.
 * At the parameters of the last likelihood evaluation it is read from that pass, which summed it
 * with the same operations in the same order.
 */
function familyLogLikelihoodGradient(p: BgNbdParams, h: Histogram, out: number[], extraDrops: 0 | 1): void {
  const c = gradientCache(h, extraDrops);
  let gr: number, ga: number, gA: number, gB: number;
  if (c.r === p.r && c.alpha === p.alpha && c.a === p.a && c.b === p.b) (gr = c.g[0]), (ga = c.g[1]), (gA = c.g[2]), (gB = c.g[3]);
  else familyPass(p, h, extraDrops, false), (gr = pass.gr), (ga = pass.ga), (gA = pass.gA), (gB = pass.gB);
  out[0] = gr * p.r;
  out[1] = ga * p.alpha;
  out[2] = gA * p.a;
  out[3] = gB * p.b;
}

/** The gradient sums of the last likelihood pass per histogram and model, with the parameters they belong to. */
interface GradientCache { r: number; alpha: number; a: number; b: number; g: Float64Array }
const gradientCaches = [new WeakMap<Histogram, GradientCache>(), new WeakMap<Histogram, GradientCache>()];
function gradientCache(h: Histogram, extraDrops: 0 | 1): GradientCache {
  let c = gradientCaches[extraDrops].get(h);
  if (!c) gradientCaches[extraDrops].set(h, (c = { r: NaN, alpha: NaN, a: NaN, b: NaN, g: new Float64Array(4) }));
  return c;
}

// Gradient sums of the last familyPass (module scope: nothing allocated per evaluation).
const pass = { gr: 0, ga: 0, gA: 0, gB: 0 };
// log(α + τ) and α + τ per distinct τ of the histogram (histogram.ts timeIndex), refilled per pass.
let logAlphaT: Float64Array = new Float64Array(0);
let alphaT: Float64Array = new Float64Array(0);

/**
 * One pass over the histogram: the log-likelihood (when `wantLl`) and the gradient sums in the
 * natural parameters into `pass`. The histogram is sorted by x, so the x-only terms are recomputed
 * only when x changes; log(α + τ) is taken once per distinct τ.
 */
function familyPass(p: BgNbdParams, h: Histogram, extraDrops: 0 | 1, wantLl: boolean): number {
  const { r, alpha, a, b } = p;
  const ti = timeIndex(h);
  logAlphaT = logShifted(ti.times, alpha, logAlphaT);
  if (alphaT.length < ti.times.length) alphaT = new Float64Array(ti.times.length);
  for (let j = 0; j < ti.times.length; j++) alphaT[j] = alpha + ti.times[j];
  const base = -lgamma(r) + r * Math.log(alpha) + lgamma(a + b) - lgamma(b);
  const baseR = -digamma(r) + Math.log(alpha);
  const psiAB = digamma(a + b);
  const baseB = psiAB - digamma(b);
  const rOverAlpha = r / alpha;
  let ll = 0;
  let gr = 0;
  let ga = 0;
  let gA = 0;
  let gB = 0;
  let lastX = NaN;
  let A12 = 0;
  let logDrop = -Infinity;
  let dRx = 0;
  let dAx = 0;
  let dBx = 0;
  let bk1 = 0;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    const k = x + extraDrops;
    if (x !== lastX) {
      lastX = x;
      if (wantLl) A12 = lgamma(r + x) + lgamma(b + k) - lgamma(a + b + k);
      logDrop = k > 0 ? Math.log(a) - Math.log(b + k - 1) : -Infinity;
      const psiABK = digamma(a + b + k);
      dRx = digamma(r + x);
      dAx = psiAB - psiABK;
      dBx = baseB + digamma(b + k) - psiABK;
      bk1 = b + k - 1;
    }
    const jT = ti.T[i];
    const jtx = ti.tx[i];
    const lT = logAlphaT[jT];
    const ltx = logAlphaT[jtx];
    const A3 = -(r + x) * lT;
    const A4 = k > 0 ? logDrop - (r + x) * ltx : -Infinity;
    // logAddExp(A3, A4) (special.ts), keeping e^(A3 − A4) when it takes it: the branch weight needs it too.
    let e = NaN;
    let lse: number;
    if (A3 === -Infinity) lse = A4;
    else if (A4 === -Infinity) lse = A3;
    else if (A3 > A4) lse = A3 + Math.log1p(Math.exp(A4 - A3));
    else lse = A4 + Math.log1p((e = Math.exp(A3 - A4)));
    const w = h.w[i];
    if (wantLl) ll += w * (base + A12 + lse);
    // Weight of the "dropped out after the last purchase" branch.
    const w4 = A4 === -Infinity ? 0 : 1 / (1 + (e === e ? e : Math.exp(A3 - A4)));
    const w3 = 1 - w4;
    gr += w * (baseR + dRx - w3 * lT - w4 * ltx);
    ga += w * (rOverAlpha - (r + x) * (w3 / alphaT[jT] + w4 / alphaT[jtx]));
    gA += w * (dAx + w4 / a);
    gB += w * (dBx - (k > 0 ? w4 / bk1 : 0));
  }
  pass.gr = gr;
  pass.ga = ga;
  pass.gA = gA;
  pass.gB = gB;
  return ll;
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
