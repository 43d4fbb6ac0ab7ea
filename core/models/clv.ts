/** Customer lifetime value from a purchase model and an expected spend, in one explicit time unit. */
import type { PurchaseModel, TimeUnit } from '../types.ts';

const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7, month: 365.25 / 12 };

/** Converts an annual discount rate to one period of `unit`: (1 + annual)^(unitDays/365.25) − 1. */
export function periodDiscountRate(annualRate: number, unit: TimeUnit): number {
  const days = UNIT_DAYS[unit];
  if (days === undefined) throw new Error(`Unknown time unit: ${unit}`);
  return Math.pow(1 + annualRate, days / 365.25) - 1;
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
  const whole = Math.floor(opts.horizon);
  let prev = 0;
  let sum = 0;
  for (let k = 1; k <= whole; k++) {
    const cur = model.expectedPurchases(k, x, tx, T);
    sum += (cur - prev) / Math.pow(1 + opts.discountPerPeriod, k);
    prev = cur;
  }
  if (opts.horizon > whole) {
    const cur = model.expectedPurchases(opts.horizon, x, tx, T);
    sum += (cur - prev) / Math.pow(1 + opts.discountPerPeriod, opts.horizon);
  }
  return opts.margin * spend * sum;
}

/**
 * P(alive) `laterBy` periods from now, given no purchase in between: the same customer seen at age
 * T + laterBy with unchanged x and t_x.
 */
export function pAliveAt(model: PurchaseModel, c: { frequency: number; recency: number; T: number }, laterBy: number): number {
  return model.pAlive(c.frequency, c.recency, c.T + Math.max(0, laterBy));
}
