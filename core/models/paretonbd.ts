/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987), in the form of Fader & Hardie's note
 * "A note on deriving the Pareto/NBD model and related expressions" (2005).
 * Purchases: Poisson with rate λ ~ Gamma(r, α). Lifetime: exponential with rate μ ~ Gamma(s, β).
 */
import { logShifted, timeIndex, type Histogram, type TimeIndex } from './histogram.ts';
import { gaussLegendre } from './quadrature.ts';
import type { PurchaseModelSpec } from './spec.ts';
import { predictionSteps } from './betamix.ts';
import { digamma, hypOut, lgamma, logAddExp, logHyp2f1APlus1WithGradient, logSubExp } from './special.ts';

export interface ParetoNbdParams { r: number; alpha: number; s: number; beta: number }

/**
 * The likelihood's braces hold two terms, kept in logs: the customer is still alive at T
 * (term1 = −(r+x)·log(α+T) − s·log(β+T)), or died at some τ between t_x and T
 * (term2 = log s + log ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ).
 *
 * The integral is the closed form's s/(r+s+x)·A0 before it is written with ₂F₁. We integrate it
 * directly: the integrand is smooth and monotone, so Gauss–Legendre panels in u = log(α+τ) reach
 * machine precision in a few dozen evaluations for any parameters. The ₂F₁ series needs up to a
 * million terms per row when β ≫ α (data with almost no drop-out), which made such fits take minutes;
 * where its argument is small it is cheaper than quadrature, so it is kept there.
 */
const GL = gaussLegendre(12);
/** Panels are sized so the integrand changes by at most e^PANEL_LOG_RANGE across one. */
const PANEL_LOG_RANGE = 4;
const MAX_PANELS = 256;

// Results of deathIntegral, in module scope so the likelihood loop allocates nothing per row.
const di = { log: 0, r: 0, alpha: 0, s: 0, beta: 0 };
/**
 * The row's logs log(α + t_x), log(α + T), log(β + t_x), log(β + T), set before logTerms: the
 * likelihood passes read them from tables per distinct τ, single evaluations compute them.
 */
const ends = { aTx: 0, aT: 0, bTx: 0, bT: 0 };
function setEnds(p: ParetoNbdParams, tx: number, T: number): void {
  ends.aTx = Math.log(p.alpha + tx);
  ends.aT = Math.log(p.alpha + T);
  ends.bTx = Math.log(p.beta + tx);
  ends.bT = Math.log(p.beta + T);
}

/**
 * Quadrature: log I(x, t_x, T) into di.log and, when `grad`, d log I / d(r, α, s, β) into di.r … di.beta.
 * I = ∫_{t_x}^{T} f(τ) dτ with log f = −(r+x)·log(α+τ) − (s+1)·log(β+τ).
 */
function deathIntegralByQuadrature(p: ParetoNbdParams, x: number, grad: boolean): void {
  const { r, alpha, s, beta } = p;
  const k = r + x;
  const s1 = s + 1;
  const u0 = ends.aTx;
  const u1 = ends.aT;
  // With dτ = e^u du the integrand in u is exp((1−k)u − (s+1)·log(β−α+e^u)).
  const logF0 = -k * u0 - s1 * ends.bTx + u0;
  const logF1 = -k * u1 - s1 * ends.bT + u1;
  const range = Math.abs(k - 1) * (u1 - u0) + s1 * (ends.bT - ends.bTx) + Math.abs(logF1 - logF0);
  const panels = Math.min(MAX_PANELS, Math.max(1, Math.ceil(range / PANEL_LOG_RANGE)));
  const ref = Math.max(logF0, logF1);
  const nodes = GL.nodes;
  const weights = GL.weights;
  const n = nodes.length;
  predictionSteps.count += panels * n;
  const h = (u1 - u0) / panels;
  const halfH = 0.5 * h;
  const oneMinusK = 1 - k;
  const betaMinusAlpha = beta - alpha;
  let sum = 0;
  let sr = 0;
  let sa = 0;
  let ss = 0;
  let sb = 0;
  for (let j = 0; j < panels; j++) {
    const mid = u0 + (j + 0.5) * h;
    for (let i = 0; i < n; i++) {
      const u = mid + halfH * nodes[i];
      const aT = Math.exp(u); // α + τ
      const bT = betaMinusAlpha + aT; // β + τ
      const logBT = Math.log(bT);
      const f = weights[i] * Math.exp(oneMinusK * u - s1 * logBT - ref);
      sum += f;
      if (grad) {
        sr -= f * u;
        sa -= (f * k) / aT;
        ss -= f * logBT;
        sb -= (f * s1) / bT;
      }
    }
  }
  di.log = ref + Math.log(halfH * sum);
  if (grad) {
    di.r = sr / sum;
    di.alpha = sa / sum;
    di.s = ss / sum;
    di.beta = sb / sum;
  }
}

/** Above this ₂F₁ argument the series is slow (its terms shrink like zⁿ) and quadrature takes over. */
const SERIES_MAX_Z = 0.5;

// One end of the closed form and its (r, α, s, β)-gradient:
// h(τ) = log ₂F₁(…; z(τ)) − A·log(max(α, β) + τ), with A = r + s + x and I = (e^h(t_x) − e^h(T)) / A.
const hg = { v: 0, r: 0, alpha: 0, s: 0, beta: 0 };
function closedFormEnd(p: ParetoNbdParams, x: number, tau: number): void {
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
 * closedFormEnd of (x, τ) by τ's slot in the histogram's TimeIndex, within one likelihood pass and
 * one x (the histogram is sorted by x): rows sharing an age or a recency share that end.
 * A slot is valid while its stamp equals `endStamp`, which every new x and every new pass advance.
 */
let endStamp = 0;
let endCache = { stamp: new Int32Array(0), v: new Float64Array(0), r: new Float64Array(0), alpha: new Float64Array(0), s: new Float64Array(0), beta: new Float64Array(0) };
function prepareEndCache(slots: number): void {
  if (endCache.stamp.length < slots) {
    const a = () => new Float64Array(slots);
    endCache = { stamp: new Int32Array(slots), v: a(), r: a(), alpha: a(), s: a(), beta: a() };
    endStamp = 0;
  }
}
function cachedClosedFormEnd(p: ParetoNbdParams, x: number, tau: number, slot: number): void {
  const c = endCache;
  if (slot >= 0 && c.stamp[slot] === endStamp) {
    hg.v = c.v[slot];
    hg.r = c.r[slot];
    hg.alpha = c.alpha[slot];
    hg.s = c.s[slot];
    hg.beta = c.beta[slot];
    return;
  }
  closedFormEnd(p, x, tau);
  if (slot < 0) return;
  c.stamp[slot] = endStamp;
  c.v[slot] = hg.v;
  c.r[slot] = hg.r;
  c.alpha[slot] = hg.alpha;
  c.s[slot] = hg.s;
  c.beta[slot] = hg.beta;
}

// Math.log of the last two arguments asked for: a pass asks for log s on every row and log(r + s + x) on every row of one x.
const logMemo = { a: NaN, logA: NaN, b: NaN, logB: NaN, next: 0 };
function logOf(v: number): number {
  const m = logMemo;
  if (Object.is(v, m.a)) return m.logA;
  if (Object.is(v, m.b)) return m.logB;
  const l = Math.log(v);
  if (m.next === 0) (m.a = v), (m.logA = l), (m.next = 1);
  else (m.b = v), (m.logB = l), (m.next = 0);
  return l;
}

/** Closed form: log I and its gradient from the two ends (the t_x end is the larger); slots −1 when not cached. */
function deathIntegralByClosedForm(p: ParetoNbdParams, x: number, tx: number, T: number, txSlot: number, TSlot: number): void {
  const A = p.r + p.s + x;
  cachedClosedFormEnd(p, x, tx, txSlot);
  const hv = hg.v, hr = hg.r, ha = hg.alpha, hs = hg.s, hb = hg.beta;
  cachedClosedFormEnd(p, x, T, TSlot);
  di.log = logSubExp(hv, hg.v) - logOf(A);
  // d log(e^hi − e^lo) = wh·d hi − wl·d lo with wh = 1/(1 − e^(lo−hi)), wl = wh − 1.
  const wh = 1 / -Math.expm1(hg.v - hv);
  const wl = wh - 1;
  di.r = -1 / A + wh * hr - wl * hg.r;
  di.s = -1 / A + wh * hs - wl * hg.s;
  di.alpha = wh * ha - wl * hg.alpha;
  di.beta = wh * hb - wl * hg.beta;
}

/** log I(x, t_x, T) into di, with its gradient: the ₂F₁ series where it converges fast, quadrature elsewhere. */
function deathIntegral(p: ParetoNbdParams, x: number, tx: number, T: number, grad: boolean, txSlot: number, TSlot: number): void {
  const z = Math.abs(p.alpha - p.beta) / (Math.max(p.alpha, p.beta) + tx);
  if (z <= SERIES_MAX_Z) deathIntegralByClosedForm(p, x, tx, T, txSlot, TSlot);
  else deathIntegralByQuadrature(p, x, grad);
}

let term1 = 0;
let term2 = 0;
/** The row's two terms (see above), with `ends` set for (t_x, T); slots −1 outside a histogram pass. */
function logTerms(p: ParetoNbdParams, x: number, tx: number, T: number, grad = false, txSlot = -1, TSlot = -1): void {
  const { r, s } = p;
  term1 = -(r + x) * ends.aT - s * ends.bT;
  if (tx < T) {
    deathIntegral(p, x, tx, T, grad, txSlot, TSlot);
    term2 = logOf(s) + di.log;
  } else term2 = -Infinity;
}

/**
 * Each row's two terms and the gradient of log I from the last likelihood evaluation on a histogram.
 * A BFGS search asks for the gradient at every point it accepts, right after the likelihood there, so
 * the gradient reads these instead of redoing the integrals. They are the very numbers logTerms gives
 * (the quadrature's sum does not depend on whether the gradient is taken), so the results are the same.
 */
interface RowTerms { p: ParetoNbdParams; t1: Float64Array; t2: Float64Array; dr: Float64Array; da: Float64Array; ds: Float64Array; db: Float64Array }
const lastTerms = new WeakMap<Histogram, RowTerms>();

function rowTerms(h: Histogram): RowTerms {
  let c = lastTerms.get(h);
  if (!c || c.t1.length !== h.size) {
    const a = () => new Float64Array(h.size);
    c = { p: { r: NaN, alpha: NaN, s: NaN, beta: NaN }, t1: a(), t2: a(), dr: a(), da: a(), ds: a(), db: a() };
    lastTerms.set(h, c);
  }
  return c;
}

const sameParams = (a: ParetoNbdParams, b: ParetoNbdParams) => a.r === b.r && a.alpha === b.alpha && a.s === b.s && a.beta === b.beta;

// log(α + τ) and log(β + τ) per distinct τ of the histogram (histogram.ts timeIndex), refilled per pass.
let logAlphaT: Float64Array = new Float64Array(0);
let logBetaT: Float64Array = new Float64Array(0);
function fillLogTables(p: ParetoNbdParams, ti: TimeIndex): void {
  logAlphaT = logShifted(ti.times, p.alpha, logAlphaT);
  logBetaT = logShifted(ti.times, p.beta, logBetaT);
}
function setRowEnds(ti: TimeIndex, i: number): void {
  const jtx = ti.tx[i];
  const jT = ti.T[i];
  ends.aTx = logAlphaT[jtx];
  ends.aT = logAlphaT[jT];
  ends.bTx = logBetaT[jtx];
  ends.bT = logBetaT[jT];
}

export function paretoNbdLogLikelihood(p: ParetoNbdParams, h: Histogram): number {
  const { r, alpha, s, beta } = p;
  const base = -lgamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const c = rowTerms(h);
  c.p = { r: NaN, alpha: NaN, s: NaN, beta: NaN }; // invalid until the loop completes
  const ti = timeIndex(h);
  fillLogTables(p, ti);
  prepareEndCache(ti.times.length);
  let ll = 0;
  let lastX = NaN;
  let lgx = 0;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    if (x !== lastX) (lastX = x), (lgx = lgamma(r + x)), endStamp++;
    setRowEnds(ti, i);
    logTerms(p, x, h.tx[i], h.T[i], true, ti.tx[i], ti.T[i]);
    ll += h.w[i] * (base + lgx + logAddExp(term1, term2));
    c.t1[i] = term1;
    c.t2[i] = term2;
    c.dr[i] = di.r;
    c.da[i] = di.alpha;
    c.ds[i] = di.s;
    c.db[i] = di.beta;
  }
  endStamp++;
  c.p = { r, alpha, s, beta };
  return ll;
}

/** Gradient of the log-likelihood with respect to (log r, log α, log s, log β), written into `out`. */
export function paretoNbdLogLikelihoodGradient(p: ParetoNbdParams, h: Histogram, out: number[]): void {
  const { r, alpha, s, beta } = p;
  let gr = 0;
  let ga = 0;
  let gs = 0;
  let gb = 0;
  const baseR = -digamma(r) + Math.log(alpha);
  const c = lastTerms.get(h);
  const cached = c !== undefined && c.t1.length === h.size && sameParams(c.p, p);
  const ti = timeIndex(h);
  fillLogTables(p, ti);
  if (!cached) prepareEndCache(ti.times.length);
  let lastX = NaN;
  let psiRx = 0;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    if (x !== lastX) (lastX = x), (psiRx = digamma(r + x)), endStamp++;
    const w = h.w[i];
    const T = h.T[i];
    setRowEnds(ti, i);
    let t1: number, t2: number, dr: number, da: number, ds: number, db: number;
    if (cached) (t1 = c.t1[i]), (t2 = c.t2[i]), (dr = c.dr[i]), (da = c.da[i]), (ds = c.ds[i]), (db = c.db[i]);
    else logTerms(p, x, h.tx[i], T, true, ti.tx[i], ti.T[i]), (t1 = term1), (t2 = term2), (dr = di.r), (da = di.alpha), (ds = di.s), (db = di.beta);
    // Branch "alive at T" (term1) and "died between t_x and T" (term2), weighted by their shares.
    const u2 = t2 === -Infinity ? 0 : 1 / (1 + Math.exp(t1 - t2));
    const u1 = 1 - u2;
    const d2r = u2 ? dr : 0;
    const d2a = u2 ? da : 0;
    const d2s = u2 ? 1 / s + ds : 0;
    const d2b = u2 ? db : 0;
    gr += w * (baseR + psiRx + u1 * -ends.aT + u2 * d2r);
    ga += w * (r / alpha + u1 * (-(r + x) / (alpha + T)) + u2 * d2a);
    gs += w * (Math.log(beta) + u1 * -ends.bT + u2 * d2s);
    gb += w * (s / beta + u1 * (-s / (beta + T)) + u2 * d2b);
  }
  endStamp++;
  out[0] = gr * r;
  out[1] = ga * alpha;
  out[2] = gs * s;
  out[3] = gb * beta;
}

export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  setEnds(p, tx, T);
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

/** Pareto/NBD in the form of Fader & Hardie's 2005 note (likelihood, P(alive), E[X(t) | x, t_x, T]); DERT from Fader, Hardie & Shang (2010). */
export const paretoNbdSpec: PurchaseModelSpec<ParetoNbdParams> = {
  kind: 'paretonbd',
  title: 'Pareto/NBD',
  names: ['r', 'alpha', 's', 'beta'],
  start: (meanT) => [1, meanT, 1, meanT],
  logLikelihood: paretoNbdLogLikelihood,
  gradient: paretoNbdLogLikelihoodGradient,
  pAlive: paretoNbdPAlive,
  expectedIfAlive: paretoNbdExpectedIfAlive,
  unconditional: paretoNbdUnconditional,
  dert: (p, delta, x, tx, T) => paretoNbdDert(p, delta, x, tx, T),
  oneTimeBuyersAlwaysAlive: false,
  shapes: ['r', 's'],
  scales: ['alpha', 'beta'],
};

const DERT_GL = gaussLegendre(16);

/**
 * DERT: discounted expected residual transactions with continuous discount rate δ per time unit
 * (Fader, Hardie & Shang 2010, eq. 2; CLVTools' `DERT`), = P(alive) · (r+x)/(α+T) · E[∫₀^∞ e^(−δτ) 1{alive at T+τ} dτ].
 * With B = β + T the last factor is ∫₀^∞ e^(−δτ) (B/(B+τ))^s dτ = B · U(1, 2−s, δB) (Tricomi's U, equal
 * to the paper's (δB)^(s−1) Ψ(s, s; δB)); computed by Gauss–Legendre panels in v = log(1 + τ/B).
 */
export function paretoNbdDert(p: ParetoNbdParams, delta: number, x: number, tx: number, T: number): number {
  if (!(delta > 0)) return NaN;
  const B = p.beta + T;
  return paretoNbdPAlive(p, x, tx, T) * ((p.r + x) / (p.alpha + T)) * B * discountedSurvival(p.s, delta * B);
}

/** ∫₀^∞ e^(−z·t) (1+t)^(−s) dt for z > 0, with t = e^v − 1: ∫₀^∞ exp((1−s)v − z(e^v − 1)) dv. */
function discountedSurvival(s: number, z: number): number {
  // The integrand is negligible once z(e^v − 1) exceeds 40 + the peak of (1−s)v.
  const vMax = Math.log1p((45 + Math.max(0, (1 - s) * Math.log1p(1 / z))) / z);
  const panels = Math.min(64, Math.max(4, Math.ceil(vMax / 0.75)));
  const h = vMax / panels;
  let sum = 0;
  for (let j = 0; j < panels; j++) {
    const mid = (j + 0.5) * h;
    for (let i = 0; i < DERT_GL.nodes.length; i++) {
      const v = mid + 0.5 * h * DERT_GL.nodes[i];
      sum += DERT_GL.weights[i] * Math.exp((1 - s) * v - z * Math.expm1(v));
    }
  }
  predictionSteps.count += panels * DERT_GL.nodes.length;
  return 0.5 * h * sum;
}
