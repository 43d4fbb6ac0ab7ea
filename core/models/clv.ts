/** Customer lifetime value from a purchase model and an expected spend, in one explicit time unit. */
import type { PurchaseModel, TimeUnit } from '../types.ts';
import type { FactoredPurchaseModel } from './purchase.ts';
import { DAYS_PER_YEAR, UNIT_DAYS } from '../time-units.ts';

/** Converts an annual discount rate to one period of `unit`: (1 + annual)^(unitDays/365.25) − 1. */
export function periodDiscountRate(annualRate: number, unit: TimeUnit): number {
  const days = UNIT_DAYS[unit];
  if (days === undefined) throw new Error(`Unknown time unit: ${unit}`);
  return Math.pow(1 + annualRate, days / DAYS_PER_YEAR) - 1;
}

/**
 * CLV = Σ_{k=1..horizon} margin · spend · (E[X(k)] − E[X(k−1)]) / (1 + d)^k, where k counts periods
 * of the model's time unit, E[X(k)] is the expected number of purchases in the next k periods and d
 * is the per-period discount rate. A fractional horizon adds its last partial period.
 */
export function clv(
  model: PurchaseModel,
  expectedSpend: number,
  c: { frequency: number; recency: number; T: number },
  opts: { horizon: number; discountPerPeriod: number; margin: number },
): number {
  const spend = Number.isFinite(expectedSpend) && expectedSpend > 0 ? expectedSpend : 0;
  if (spend === 0 || !(opts.horizon > 0)) return 0;
  const { frequency: x, recency: tx, T } = c;
  const factored = (model as Partial<FactoredPurchaseModel>).expectedIfAlive;
  if (factored) {
    // E[X(k)] = P(alive) · E[X(k) | alive]: the discounted sum of the second factor depends only on
    // (x, T), so customers alike in those share it.
    return opts.margin * spend * model.pAlive(x, tx, T) * discountedIfAlive(model as FactoredPurchaseModel, x, T, opts.horizon, opts.discountPerPeriod);
  }
  return opts.margin * spend * discountedSum((k) => model.expectedPurchases(k, x, tx, T), opts.horizon, opts.discountPerPeriod);
}

/** Σ_k (E(k) − E(k−1)) / (1 + d)^k over whole periods, plus a final partial one. */
function discountedSum(E: (t: number) => number, horizon: number, d: number, end?: { atHorizon: number }): number {
  const whole = Math.floor(horizon);
  const powers = discountPowers(d, whole);
  let prev = 0;
  let sum = 0;
  for (let k = 1; k <= whole; k++) {
    const cur = E(k);
    sum += (cur - prev) / powers[k];
    prev = cur;
  }
  if (horizon > whole) {
    const cur = E(horizon);
    sum += (cur - prev) / Math.pow(1 + d, horizon);
    prev = cur;
  }
  // The last E asked for is E(horizon) (whole periods end at it when the horizon is whole).
  if (end) end.atHorizon = horizon > whole || whole >= 1 ? prev : E(horizon);
  return sum;
}

/** (1 + d)^k for k = 0 … whole, kept for the last (d, whole): every customer's sum uses the same table. */
let powersD = NaN;
let powersTable = new Float64Array(0);
function discountPowers(d: number, whole: number): Float64Array {
  if (!Object.is(d, powersD) || powersTable.length !== Math.max(0, whole) + 1) {
    powersTable = new Float64Array(Math.max(0, whole) + 1);
    for (let k = 1; k <= whole; k++) powersTable[k] = Math.pow(1 + d, k);
    powersD = d;
  }
  return powersTable;
}

// Per-model memo of the (x, T) factor; bounded, and a pure function of its key, so results never
// depend on call order.
const memo = new WeakMap<object, Map<string, number>>();
const MEMO_LIMIT = 200_000;

export function discountedIfAlive(model: FactoredPurchaseModel, x: number, T: number, horizon: number, d: number): number {
  let m = memo.get(model);
  if (!m) memo.set(model, (m = new Map()));
  const key = `${x}|${T}|${horizon}|${d}`;
  let v = m.get(key);
  if (v === undefined) {
    v = discountedIfAliveOnce(model, x, T, horizon, d);
    if (m.size >= MEMO_LIMIT) m.clear();
    m.set(key, v);
  }
  return v;
}

/**
 * discountedIfAlive without its memo, for callers that already compute each (x, T) once (the
 * intervals' draws, the scoring's distinct rows). `end`, when given, receives E[X(horizon) | alive],
 * the sum's last term, so a caller that needs it too does not compute it again.
 */
export function discountedIfAliveOnce(model: FactoredPurchaseModel, x: number, T: number, horizon: number, d: number, end?: { atHorizon: number }): number {
  return discountedSum((t) => model.expectedIfAlive(t, x, T), horizon, d, end);
}

/**
 * P(alive) `laterBy` periods from now, given no purchase in between: the same customer seen at age
 * T + laterBy with unchanged x and t_x.
 */
export function pAliveAt(model: PurchaseModel, c: { frequency: number; recency: number; T: number }, laterBy: number): number {
  return model.pAlive(c.frequency, c.recency, c.T + Math.max(0, laterBy));
}
