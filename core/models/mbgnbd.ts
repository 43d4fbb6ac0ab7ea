/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): like BG/NBD, but a customer may also drop out at
 * time zero, right after the first purchase, so one-time buyers can be inactive too.
 */
import type { Histogram } from './histogram.ts';
import type { BgNbdParams } from './bgnbd.ts';
import { digamma, lgamma, logAddExp, scaledHyp2f1 } from './special.ts';

export function mbgnbdLogLikelihood(p: BgNbdParams, h: Histogram): number {
  const { r, alpha, a, b } = p;
  const base = -lgamma(r) + r * Math.log(alpha) + lgamma(a + b) - lgamma(b);
  let ll = 0;
  // The histogram is sorted by x, so the x-only terms are recomputed only when x changes.
  let lastX = NaN;
  let A12 = 0;
  let logDrop = 0;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    if (x !== lastX) {
      lastX = x;
      A12 = lgamma(r + x) + lgamma(b + x + 1) - lgamma(a + b + x + 1);
      logDrop = Math.log(a) - Math.log(b + x);
    }
    const A3 = -(r + x) * Math.log(alpha + h.T[i]);
    const A4 = logDrop - (r + x) * Math.log(alpha + h.tx[i]);
    ll += h.w[i] * (base + A12 + logAddExp(A3, A4));
  }
  return ll;
}

/** Gradient of the log-likelihood with respect to (log r, log α, log a, log b), written into `out`. */
export function mbgnbdLogLikelihoodGradient(p: BgNbdParams, h: Histogram, out: number[]): void {
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
  let logDrop = 0;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    if (x !== lastX) {
      lastX = x;
      const psiABX = digamma(a + b + x + 1);
      dRx = digamma(r + x);
      dAx = psiAB - psiABX;
      dBx = baseB + digamma(b + x + 1) - psiABX;
      logDrop = Math.log(a) - Math.log(b + x);
    }
    const lT = Math.log(alpha + h.T[i]);
    const ltx = Math.log(alpha + h.tx[i]);
    const A3 = -(r + x) * lT;
    const A4 = logDrop - (r + x) * ltx;
    const w4 = 1 / (1 + Math.exp(A3 - A4));
    const w3 = 1 - w4;
    const w = h.w[i];
    gr += w * (baseR + dRx - w3 * lT - w4 * ltx);
    ga += w * (r / alpha - (r + x) * (w3 / (alpha + h.T[i]) + w4 / (alpha + h.tx[i])));
    gA += w * (dAx + w4 / a);
    gB += w * (dBx - w4 / (b + x));
  }
  out[0] = gr * r;
  out[1] = ga * alpha;
  out[2] = gA * a;
  out[3] = gB * b;
}

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
