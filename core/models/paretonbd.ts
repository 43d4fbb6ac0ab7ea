/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987), in the form of Fader & Hardie's note
 * "A note on deriving the Pareto/NBD model and related expressions" (2005).
 * Purchases: Poisson with rate λ ~ Gamma(r, α). Lifetime: exponential with rate μ ~ Gamma(s, β).
 */
import type { Histogram } from './histogram.ts';
import { digamma, hypOut, lgamma, logAddExp, logHyp2f1APlus1, logHyp2f1APlus1WithGradient, logSubExp } from './special.ts';

export interface ParetoNbdParams { r: number; alpha: number; s: number; beta: number }

/**
 * The two terms of the likelihood's braces, in logs: the customer is still alive at T (term1), or
 * died between t_x and T (term2 = log(s/(r+s+x)·A0)). The ₂F₁ has c = a + 1 and is evaluated by
 * logHyp2f1APlus1, which never overflows; the larger of α, β sits in the denominator so z < 1.
 */
// Results of logTerms, kept in module scope so the likelihood loop allocates nothing per row.
let term1 = 0;
let term2 = 0;

/** One end of A0 in logs: log ₂F₁(…; z(τ)) − (r+s+x)·log(max(α, β) + τ). */
function logA0EndValue(p: ParetoNbdParams, x: number, tau: number): number {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  return alpha >= beta
    ? logHyp2f1APlus1(rsx, s + 1, (alpha - beta) / (alpha + tau)) - rsx * Math.log(alpha + tau)
    : logHyp2f1APlus1(rsx, r + x, (beta - alpha) / (beta + tau)) - rsx * Math.log(beta + tau);
}

/** `hi` (the t_x end) may be passed in when the caller already has it for this (x, t_x). */
function logTerms(p: ParetoNbdParams, x: number, tx: number, T: number, hi = logA0EndValue(p, x, tx)): void {
  const { r, s, alpha, beta } = p;
  term1 = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  term2 = tx < T ? Math.log(s) - Math.log(r + s + x) + logSubExp(hi, logA0EndValue(p, x, T)) : -Infinity;
}

export function paretoNbdLogLikelihood(p: ParetoNbdParams, h: Histogram): number {
  const { r, alpha, s, beta } = p;
  const base = -lgamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  let ll = 0;
  let lastX = NaN;
  let lastTx = NaN;
  let lgx = 0;
  let hi = 0;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    const tx = h.tx[i];
    if (x !== lastX) (lastX = x), (lgx = lgamma(r + x)), (lastTx = NaN);
    // Sorted by (x, t_x): rows sharing them (all one-time buyers, for a start) share the t_x end.
    if (tx !== lastTx) (lastTx = tx), (hi = logA0EndValue(p, x, tx));
    logTerms(p, x, tx, h.T[i], hi);
    ll += h.w[i] * (base + lgx + logAddExp(term1, term2));
  }
  return ll;
}

// Value and (r, α, s, β)-gradient of h(τ) = log ₂F₁(…; z(τ)) − A·log(max(α, β) + τ), one end of A0.
const hg = { v: 0, r: 0, alpha: 0, s: 0, beta: 0 };
function logA0End(p: ParetoNbdParams, x: number, tau: number): void {
  const { r, alpha, s, beta } = p;
  const A = r + s + x;
  if (alpha >= beta) {
    const den = alpha + tau;
    logHyp2f1APlus1WithGradient(A, s + 1, (alpha - beta) / den);
    const L = Math.log(den);
    hg.v = hypOut.value - A * L;
    hg.r = hypOut.dA - L;
    hg.s = hypOut.dA + hypOut.dB - L;
    hg.alpha = (hypOut.dZ * (beta + tau)) / (den * den) - A / den;
    hg.beta = -hypOut.dZ / den;
  } else {
    const den = beta + tau;
    logHyp2f1APlus1WithGradient(A, r + x, (beta - alpha) / den);
    const L = Math.log(den);
    hg.v = hypOut.value - A * L;
    hg.r = hypOut.dA + hypOut.dB - L;
    hg.s = hypOut.dA - L;
    hg.alpha = -hypOut.dZ / den;
    hg.beta = (hypOut.dZ * (alpha + tau)) / (den * den) - A / den;
  }
}

/**
 * Gradient of the log-likelihood with respect to (log r, log α, log s, log β), written into `out`,
 * from the ₂F₁ series differentiated term by term: one pass instead of eight likelihood evaluations.
 */
export function paretoNbdLogLikelihoodGradient(p: ParetoNbdParams, h: Histogram, out: number[]): void {
  const { r, alpha, s, beta } = p;
  let gr = 0;
  let ga = 0;
  let gs = 0;
  let gb = 0;
  const baseR = -digamma(r) + Math.log(alpha);
  let lastX = NaN;
  let psiRx = 0;
  let cx = NaN;
  let ctx = NaN;
  let hv = 0, hr = 0, ha = 0, hs = 0, hb = 0;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    if (x !== lastX) (lastX = x), (psiRx = digamma(r + x));
    const w = h.w[i];
    const T = h.T[i];
    const tx = h.tx[i];
    const A = r + s + x;
    const t1 = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
    // Branch "alive at T" (term1) and "died between t_x and T" (term2), weighted by their shares.
    let u2 = 0;
    let d2r = 0;
    let d2a = 0;
    let d2s = 0;
    let d2b = 0;
    if (tx < T) {
      if (x !== cx || tx !== ctx) {
        // Sorted by (x, t_x): the t_x end is shared with the previous row when both match.
        logA0End(p, x, tx);
        (cx = x), (ctx = tx), (hv = hg.v), (hr = hg.r), (ha = hg.alpha), (hs = hg.s), (hb = hg.beta);
      }
      logA0End(p, x, T);
      const diff = hg.v - hv; // lo − hi < 0
      const wh = 1 / -Math.expm1(diff);
      const wl = wh - 1;
      const t2 = Math.log(s) - Math.log(A) + hv + Math.log(-Math.expm1(diff));
      u2 = 1 / (1 + Math.exp(t1 - t2));
      d2r = -1 / A + wh * hr - wl * hg.r;
      d2s = 1 / s - 1 / A + wh * hs - wl * hg.s;
      d2a = wh * ha - wl * hg.alpha;
      d2b = wh * hb - wl * hg.beta;
    }
    const u1 = 1 - u2;
    gr += w * (baseR + psiRx + u1 * -Math.log(alpha + T) + u2 * d2r);
    ga += w * (r / alpha + u1 * (-(r + x) / (alpha + T)) + u2 * d2a);
    gs += w * (Math.log(beta) + u1 * -Math.log(beta + T) + u2 * d2s);
    gb += w * (s / beta + u1 * (-s / (beta + T)) + u2 * d2b);
  }
  out[0] = gr * r;
  out[1] = ga * alpha;
  out[2] = gs * s;
  out[3] = gb * beta;
}

export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  logTerms(p, x, tx, T);
  return Math.exp(term1 - logAddExp(term1, term2));
}

/** E[X(t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)]. */
export function paretoNbdExpectedPurchases(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  return paretoNbdPAlive(p, x, tx, T) * paretoNbdExpectedIfAlive(p, t, x, T);
}

/** E[X(t) | alive at T, x, T] = (r+x)/(α+T) · E[remaining lifetime within t]. */
export function paretoNbdExpectedIfAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  return ((p.r + x) / (p.alpha + T)) * expectedLifetimeWithin(p.s, p.beta + T, t);
}

/** Unconditional E[X(t)] for a new customer: rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)]. */
export function paretoNbdUnconditional(p: ParetoNbdParams, t: number): number {
  if (t <= 0) return 0;
  return (p.r / p.alpha) * expectedLifetimeWithin(p.s, p.beta, t);
}

/** E[min(lifetime, t)] when μ ~ Gamma(s, b): b/(s−1)·[1 − (b/(b+t))^(s−1)], b·log(1 + t/b) at s = 1. */
function expectedLifetimeWithin(s: number, b: number, t: number): number {
  const u = Math.log1p(t / b);
  if (Math.abs(s - 1) < 1e-8) return b * u;
  return (b / (s - 1)) * -Math.expm1(-(s - 1) * u);
}
