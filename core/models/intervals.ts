/**
 * Intervals from parameter uncertainty: the fitted log-parameters are asymptotically normal with
 * the inverse observed information as covariance, so we draw parameter sets from that normal
 * (seeded, so the same inputs give the same intervals), recompute each customer's predictions
 * under every draw and report the central `level` share of them. Only the purchase model's
 * uncertainty is included (the spend per purchase is taken as fitted).
 *
 * Work is per distinct (x, t_x, T) histogram row and per distinct (x, T) for the discounted sums, not
 * per customer; the number of draws is reduced (and the report says so) when the rows are many.
 */
import type { PurchaseModel } from '../types.ts';
import { discountedIfAliveOnce } from './clv.ts';
import { mulberry32 } from './random.ts';
import { TupleSlots } from './slots.ts';
import { purchaseModelFromParams, SPECS } from './purchase.ts';

export interface IntervalOptions {
  /** Central probability of the interval, e.g. 0.8. */
  level: number;
  draws: number;
  seed: number;
  /**
   * Most (x, T) × draw evaluations a run spends on intervals (0 = no limit). Each costs a horizon's
   * worth of quadratures, so a large base would spend minutes here; beyond the budget the intervals
   * are skipped and the run says so. The profile's default is INTERVAL_BUDGET (core/config.ts).
   */
  budget?: number;
}

export interface PredictionIntervals {
  level: number;
  /** Draws used (fewer than asked when the rows are many: see DRAW_BUDGET). */
  draws: number;
  seed: number;
  /** Per input row: bounds of E[X(horizon)] and of the per-unit CLV (margin 1, spend 1). */
  expectedLow: Float64Array;
  expectedHigh: Float64Array;
  clvUnitLow: Float64Array;
  clvUnitHigh: Float64Array;
  /** Bounds of Σ weight_i · per-unit CLV_i (customer equity when weight = margin × spend) and of Σ E[X]. */
  totalLow: number;
  totalHigh: number;
  purchasesLow: number;
  purchasesHigh: number;
}

/** Draws × distinct rows evaluated at most; beyond it the draws are reduced (never below MIN_DRAWS). */
export const DRAW_BUDGET = 12_000;
const MIN_DRAWS = 20;

/**
 * Intervals for every row, or the reason there are none (no covariance: the fit did not converge).
 * `weights` (e.g. margin × expected spend) turn per-unit CLV into the customer-equity total.
 */
export function predictionIntervals(
  model: PurchaseModel,
  rows: ArrayLike<{ frequency: number; recency: number; T: number }>,
  weights: ArrayLike<number>,
  o: { horizon: number; discountPerPeriod: number } & IntervalOptions,
): PredictionIntervals | { skipped: string } {
  const fit = model.fit;
  const names = [...SPECS[model.kind].names];
  if (!fit.logCovariance) return { skipped: 'the fit has no covariance matrix (not converged)' };
  const L = cholesky(fit.logCovariance);
  if (!L) return { skipped: 'the covariance matrix is not positive definite' };
  const early = overBudget(rows, o);
  if (early) return { skipped: early };
  // Distinct rows, in first-seen order (rows arrive sorted by customer id, so this is deterministic).
  const slotOf = new Int32Array(rows.length);
  const keys = new TupleSlots();
  const distinct: { frequency: number; recency: number; T: number }[] = [];
  const slotWeight: number[] = [];
  const slotCount: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const s = keys.slotOf(r.frequency, r.recency, r.T);
    if (s === distinct.length) {
      distinct.push({ frequency: r.frequency, recency: r.recency, T: r.T });
      slotWeight.push(0);
      slotCount.push(0);
    }
    slotOf[i] = s;
    slotWeight[s] += Number.isFinite(weights[i]) ? weights[i] : 0;
    slotCount[s]++;
  }
  // Each distinct row's (x, T): the factors shared by rows alike in (x, T) are computed once per draw.
  const xtOf = new Int32Array(distinct.length);
  const xtKeys = new TupleSlots();
  for (let s = 0; s < distinct.length; s++) xtOf[s] = xtKeys.slotOf(distinct[s].frequency, distinct[s].T);
  const draws = Math.max(MIN_DRAWS, Math.min(o.draws, Math.floor(DRAW_BUDGET / Math.max(1, distinct.length))));
  const over = budgetExceeded(xtKeys.size, draws, o.budget);
  if (over) return { skipped: over };
  const m = distinct.length;
  const E = new Float64Array(draws * m);
  const C = new Float64Array(draws * m);
  const totals = new Float64Array(draws);
  const purchases = new Float64Array(draws);
  const normal = gaussianSource(o.seed);
  const xtDone = new Uint8Array(xtKeys.size);
  const xtExpected = new Float64Array(xtKeys.size);
  const xtDiscounted = new Float64Array(xtKeys.size);
  const mean = names.map((n) => Math.log(fit.params[n]));
  const end = { atHorizon: 0 }; // E[X(horizon) | alive], the discounted sum's last term
  for (let d = 0; d < draws; d++) {
    const z = names.map(() => normal());
    const params: Record<string, number> = {};
    names.forEach((n, i) => {
      let v = mean[i];
      for (let j = 0; j <= i; j++) v += L[i][j] * z[j];
      params[n] = Math.exp(v);
    });
    const drawn = purchaseModelFromParams(model.kind, params);
    // E[X(H)] = P(alive) · E[X(H) | alive] and per-unit CLV = P(alive) · Σ discounted E[ΔX | alive]: the
    // second factors depend on (x, T) only and are computed once per (x, T) and draw.
    xtDone.fill(0);
    for (let s = 0; s < m; s++) {
      const c = distinct[s];
      const k = xtOf[s];
      if (!xtDone[k]) {
        xtDiscounted[k] = discountedIfAliveOnce(drawn, c.frequency, c.T, o.horizon, o.discountPerPeriod, end);
        xtExpected[k] = end.atHorizon;
        xtDone[k] = 1;
      }
      const pa = drawn.pAlive(c.frequency, c.recency, c.T);
      const e = finite(pa * xtExpected[k]);
      const u = finite(pa * xtDiscounted[k]);
      E[s * draws + d] = e;
      C[s * draws + d] = u;
      totals[d] += slotWeight[s] * u;
      purchases[d] += slotCount[s] * e;
    }
  }
  const lo = (1 - o.level) / 2;
  const hi = 1 - lo;
  const eLow = new Float64Array(m), eHigh = new Float64Array(m), cLow = new Float64Array(m), cHigh = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    const es = E.subarray(s * draws, (s + 1) * draws).sort();
    const cs = C.subarray(s * draws, (s + 1) * draws).sort();
    eLow[s] = quantile(es, lo);
    eHigh[s] = quantile(es, hi);
    cLow[s] = quantile(cs, lo);
    cHigh[s] = quantile(cs, hi);
  }
  const pick = (a: Float64Array) => Float64Array.from(slotOf, (s) => a[s]);
  totals.sort();
  purchases.sort();
  return {
    level: o.level, draws, seed: o.seed,
    expectedLow: pick(eLow), expectedHigh: pick(eHigh), clvUnitLow: pick(cLow), clvUnitHigh: pick(cHigh),
    totalLow: quantile(totals, lo), totalHigh: quantile(totals, hi),
    purchasesLow: quantile(purchases, lo), purchasesHigh: quantile(purchases, hi),
  };
}

const finite = (v: number) => (Number.isFinite(v) ? v : 0);

/** Why `pairs` (x, T) × `draws` evaluations are over the budget, or undefined when they are not. */
function budgetExceeded(pairs: number, draws: number, budget = 0): string | undefined {
  if (!(budget > 0 && pairs * draws > budget)) return undefined;
  return `${pairs} distinct (frequency, T) pairs × ${draws} draws exceed the interval budget of ${budget} evaluations; --intervals-budget 0 (profile intervals.budget: 0) computes them anyway, slowly`;
}

/**
 * The budget check before the per-row work, from the (x, T) pairs alone: with at least
 * DRAW_BUDGET / MIN_DRAWS pairs there are as many distinct rows, so the draws are MIN_DRAWS whatever
 * was asked, and the answer (and its message) is the one the full pass would give.
 */
function overBudget(rows: ArrayLike<{ frequency: number; T: number }>, o: IntervalOptions): string | undefined {
  if (!(o.budget && o.budget > 0)) return undefined;
  const pairs = new TupleSlots();
  for (let i = 0; i < rows.length; i++) pairs.slotOf(rows[i].frequency, rows[i].T);
  return pairs.size >= DRAW_BUDGET / MIN_DRAWS ? budgetExceeded(pairs.size, MIN_DRAWS, o.budget) : undefined;
}

/** Linear interpolation between order statistics of a sorted sample (type 7, as R's default). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** Lower-triangular L with L·Lᵀ = A, or null when A is not positive definite. */
export function cholesky(A: number[][]): number[][] | null {
  const n = A.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** Standard normal deviates from a seeded mulberry32 stream (Box–Muller). */
function gaussianSource(seed: number): () => number {
  const next = mulberry32(seed);
  const uniform = () => (next() + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface CustomerIntervals {
  /** Per customer: [low, high] of CLV and of expected purchases over the horizon; DERT when the model has one. */
  clvLow: Float64Array;
  clvHigh: Float64Array;
  expectedLow: Float64Array;
  expectedHigh: Float64Array;
  dert?: Float64Array;
  /** The model-level figures for summary.json. */
  report: IntervalReport;
}

export type IntervalReport =
  | { level: number; draws: number; seed: number; customerEquity: [number, number]; expectedPurchases: [number, number]; dertDiscountRate?: number }
  | { skipped: string; dertDiscountRate?: number };

/**
 * The scoring run's intervals: per-unit CLV bounds scaled by each customer's margin × expected spend
 * and shifted by the same cost to serve as the point CLV; DERT at δ = log(1 + per-period discount rate).
 */
export function scoreIntervals(
  model: PurchaseModel,
  rows: ArrayLike<{ frequency: number; recency: number; T: number }>,
  value: { unit: Float64Array; unitClv: Float64Array; clv: Float64Array },
  o: { horizon: number; discountPerPeriod: number } & IntervalOptions,
): CustomerIntervals {
  const n = rows.length;
  const out: CustomerIntervals = {
    clvLow: new Float64Array(n).fill(NaN), clvHigh: new Float64Array(n).fill(NaN),
    expectedLow: new Float64Array(n).fill(NaN), expectedHigh: new Float64Array(n).fill(NaN),
    report: { skipped: 'intervals are off (draws = 0)' },
  };
  const spec = SPECS[model.kind];
  const delta = Math.log1p(o.discountPerPeriod);
  if (spec.dert) {
    const dert = new Float64Array(n);
    const slots = new TupleSlots();
    const found: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      const s = slots.slotOf(r.frequency, r.recency, r.T);
      if (s === found.length) found.push(finite(spec.dert(model.fit.params, delta, r.frequency, r.recency, r.T)));
      dert[i] = found[s];
    }
    out.dert = dert;
  }
  if (o.draws > 0) {
    const iv = predictionIntervals(model, rows, value.unit, o);
    if ('skipped' in iv) out.report = { skipped: iv.skipped };
    else {
      let cost = 0;
      for (let i = 0; i < n; i++) {
        const c = value.unit[i] * value.unitClv[i] - value.clv[i]; // cost to serve, netted out of CLV
        cost += c;
        out.clvLow[i] = value.unit[i] * iv.clvUnitLow[i] - c;
        out.clvHigh[i] = value.unit[i] * iv.clvUnitHigh[i] - c;
        out.expectedLow[i] = iv.expectedLow[i];
        out.expectedHigh[i] = iv.expectedHigh[i];
      }
      out.report = { level: iv.level, draws: iv.draws, seed: iv.seed, customerEquity: [iv.totalLow - cost, iv.totalHigh - cost], expectedPurchases: [iv.purchasesLow, iv.purchasesHigh] };
    }
  }
  if (out.dert) out.report.dertDiscountRate = delta;
  return out;
}
