/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987), in the form of Fader & Hardie's note
 * "A note on deriving the Pareto/NBD model and related expressions" (2005).
 * Purchases: Poisson with rate λ ~ Gamma(r, α). Lifetime: exponential with rate μ ~ Gamma(s, β).
 */
import type { Histogram } from './histogram.ts';
import { lgamma, logAddExp, logHyp2f1APlus1, logSubExp } from './special.ts';

export interface ParetoNbdParams { r: number; alpha: number; s: number; beta: number }

/**
 * The two terms of the likelihood's braces, in logs: the customer is still alive at T (term1), or
 * died between t_x and T (term2 = log(s/(r+s+x)·A0)). The ₂F₁ has c = a + 1 and is evaluated by
 * logHyp2f1APlus1, which never overflows; the larger of α, β sits in the denominator so z < 1.
 */
// Results of logTerms, kept in module scope so the likelihood loop allocates nothing per row.
let term1 = 0;
let term2 = 0;

function logTerms(p: ParetoNbdParams, x: number, tx: number, T: number): void {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  term1 = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  let hi: number;
  let lo: number;
  if (alpha >= beta) {
    hi = logHyp2f1APlus1(rsx, s + 1, (alpha - beta) / (alpha + tx)) - rsx * Math.log(alpha + tx);
    lo = logHyp2f1APlus1(rsx, s + 1, (alpha - beta) / (alpha + T)) - rsx * Math.log(alpha + T);
  } else {
    hi = logHyp2f1APlus1(rsx, r + x, (beta - alpha) / (beta + tx)) - rsx * Math.log(beta + tx);
    lo = logHyp2f1APlus1(rsx, r + x, (beta - alpha) / (beta + T)) - rsx * Math.log(beta + T);
  }
  term2 = Math.log(s) - Math.log(rsx) + logSubExp(hi, lo);
}

export function paretoNbdLogLikelihood(p: ParetoNbdParams, h: Histogram): number {
  const { r, alpha, s, beta } = p;
  const base = -lgamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  let ll = 0;
  let lastX = NaN;
  let lgx = 0;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    if (x !== lastX) (lastX = x), (lgx = lgamma(r + x));
    logTerms(p, x, h.tx[i], h.T[i]);
    ll += h.w[i] * (base + lgx + logAddExp(term1, term2));
  }
  return ll;
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
