/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves").
 * Each transaction's value is Gamma(p, ν); a customer's ν ~ Gamma(q, v). Fitted on repeat
 * customers only (x > 0, mean repeat spend m̄ > 0).
 */
import type { FitReport, SpendModel } from '../types.ts';
import { lgamma } from './special.ts';
import { maximizeLikelihood } from './mle.ts';

export interface GammaGammaParams { p: number; q: number; v: number }

/**
 * Distinct (x, m̄) rows sorted by x, with log m̄, log x and x·m̄ computed once (the likelihood reads
 * them on every evaluation).
 */
interface SpendHistogram {
  x: Float64Array; m: Float64Array; w: Float64Array; logM: Float64Array; logX: Float64Array; xm: Float64Array; size: number; customers: number;
  /** log(x·m̄ + v) per row for the v of `logXmVAt`: a central-difference gradient moves p and q at the same v. */
  logXmV: Float64Array; logXmVAt: number;
}

/** Distinct (x, m̄) pairs with weights, sorted by x then m̄ so the fit ignores row order. */
function compressSpend(rows: ArrayLike<{ frequency: number; meanRepeatSpend: number }>): SpendHistogram {
  // Frequencies are few: the spends are laid out by frequency (a counting sort), and each
  // frequency's spends sorted as a typed array (numeric order, no comparator calls).
  const groupOf = new Map<number, number>();
  const groupX: number[] = [];
  const counts: number[] = [];
  const rowGroup = new Int32Array(rows.length);
  const rowM = new Float64Array(rows.length);
  let customers = 0;
  for (let i = 0; i < rows.length; i++) {
    const { frequency: x, meanRepeatSpend: m } = rows[i];
    if (!(x > 0 && m > 0 && Number.isFinite(m))) continue;
    let g = groupOf.get(x);
    if (g === undefined) groupOf.set(x, (g = groupX.length)), groupX.push(x), counts.push(0);
    counts[g]++;
    rowGroup[customers] = g;
    rowM[customers++] = m;
  }
  const groups = groupX.map((_, g) => g).sort((a, b) => groupX[a] - groupX[b]);
  const start = new Int32Array(groupX.length);
  for (let k = 0, at = 0; k < groups.length; k++) (start[groups[k]] = at), (at += counts[groups[k]]);
  const sorted = new Float64Array(customers);
  const fill = start.slice();
  for (let i = 0; i < customers; i++) sorted[fill[rowGroup[i]]++] = rowM[i];
  const x: number[] = [];
  const m: number[] = [];
  const w: number[] = [];
  for (const g of groups) {
    const ms = sorted.subarray(start[g], start[g] + counts[g]).sort();
    for (let i = 0; i < ms.length; i++) {
      const k = x.length - 1;
      if (i > 0 && m[k] === ms[i]) w[k]++;
      else {
        x.push(groupX[g]);
        m.push(ms[i]);
        w.push(1);
      }
    }
  }
  const size = x.length;
  const h: SpendHistogram = {
    x: Float64Array.from(x), m: Float64Array.from(m), w: Float64Array.from(w), logM: new Float64Array(size), logX: new Float64Array(size),
    xm: new Float64Array(size), size, customers, logXmV: new Float64Array(size), logXmVAt: NaN,
  };
  for (let i = 0; i < size; i++) {
    h.logM[i] = Math.log(m[i]);
    h.logX[i] = Math.log(x[i]);
    h.xm[i] = x[i] * m[i];
  }
  return h;
}

export function gammaGammaLogLikelihood({ p, q, v }: GammaGammaParams, h: SpendHistogram): number {
  let ll = 0;
  const base = -lgamma(q) + q * Math.log(v);
  // The rows are sorted by x: the terms in x alone are recomputed only when x changes.
  let lastX = NaN;
  let px = 0;
  let head = 0;
  let pxLogX = 0;
  let pxMinus1 = 0;
  let pxPlusQ = 0;
  if (!Object.is(h.logXmVAt, v)) {
    for (let i = 0; i < h.size; i++) h.logXmV[i] = Math.log(h.xm[i] + v);
    h.logXmVAt = v;
  }
  const logXmV = h.logXmV;
  for (let i = 0; i < h.size; i++) {
    const x = h.x[i];
    if (x !== lastX) {
      lastX = x;
      px = p * x;
      head = base + lgamma(px + q) - lgamma(px);
      pxLogX = px * h.logX[i];
      pxMinus1 = px - 1;
      pxPlusQ = px + q;
    }
    ll += h.w[i] * (head + pxMinus1 * h.logM[i] + pxLogX - pxPlusQ * logXmV[i]);
  }
  return ll;
}

/** A spend model at given parameters. */
export function gammaGammaModel(params: GammaGammaParams, fit: FitReport = fixedFit(params)): SpendModel {
  const { p, q, v } = params;
  const finiteMean = q > 1;
  return {
    fit,
    finiteMean,
    expectedSpend(x: number, meanSpend: number): number {
      const own = Number.isFinite(meanSpend) && meanSpend > 0 ? meanSpend : 0;
      // With q ≤ 1 the population mean spend is infinite: fall back to the customer's own mean.
      if (!finiteMean) return own;
      if (!(x > 0) || own === 0) return (p * v) / (q - 1);
      return (p * (v + x * own)) / (p * x + q - 1);
    },
  };
}

export function fitGammaGamma(rows: ArrayLike<{ frequency: number; meanRepeatSpend: number }>): SpendModel {
  const h = compressSpend(rows);
  const warnings: string[] = [];
  if (h.customers < 2) {
    warnings.push('Fewer than two repeat customers with positive spend: Gamma-Gamma not fitted; expected spend is each customer\'s own mean.');
    const fit = { params: { p: NaN, q: NaN, v: NaN }, logLikelihood: NaN, converged: false, iterations: 0, standardErrors: { p: NaN, q: NaN, v: NaN }, customers: h.customers, warnings };
    return { fit, finiteMean: false, expectedSpend: (_x, m) => (Number.isFinite(m) && m > 0 ? m : 0) };
  }
  let meanM = 0;
  for (let i = 0; i < h.size; i++) meanM += h.w[i] * h.m[i];
  meanM /= h.customers;
  const fit = maximizeLikelihood(['p', 'q', 'v'], ([p, q, v]) => gammaGammaLogLikelihood({ p, q, v }, h), [1, 2, meanM], h.customers, warnings);
  const params = { p: fit.params.p, q: fit.params.q, v: fit.params.v };
  if (!(params.q > 1)) {
    fit.warnings.push(
      `Gamma-Gamma q = ${params.q.toFixed(3)} ≤ 1: mean spend is infinite under this model, so CLV is not computed from Gamma-Gamma.`,
    );
  }
  return gammaGammaModel(params, fit);
}

function fixedFit(params: GammaGammaParams): FitReport {
  return { params: { ...params }, logLikelihood: NaN, converged: true, iterations: 0, standardErrors: { p: NaN, q: NaN, v: NaN }, customers: 0, warnings: [] as string[] };
}
