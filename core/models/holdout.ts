/** Calibration / holdout check: predicted vs actual repeat purchases by calibration frequency. */
import type { PurchaseModel } from '../types.ts';

export interface HoldoutReport {
  /** Per calibration-frequency bucket ("0" … "6", "7+"): customers and mean purchases per customer in the holdout. */
  buckets: { frequency: string; customers: number; predicted: number; actual: number }[];
  /** Customer-weighted mean over buckets of |predicted − actual|. */
  mae: number;
}

const TOP = 7;

export function holdoutValidation(
  model: PurchaseModel,
  rows: ArrayLike<{ frequency: number; recency: number; T: number; holdout?: { transactions: number } }>,
  holdoutLength: number,
): HoldoutReport {
  const n = new Float64Array(TOP + 1);
  const pred = new Float64Array(TOP + 1);
  const act = new Float64Array(TOP + 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!r.holdout) continue;
    const b = Math.min(TOP, Math.max(0, Math.floor(r.frequency)));
    n[b]++;
    pred[b] += model.expectedPurchases(holdoutLength, r.frequency, r.recency, r.T);
    act[b] += r.holdout.transactions;
  }
  const buckets: HoldoutReport['buckets'] = [];
  let err = 0;
  let total = 0;
  for (let b = 0; b <= TOP; b++) {
    if (n[b] === 0) continue;
    const p = pred[b] / n[b];
    const a = act[b] / n[b];
    buckets.push({ frequency: b === TOP ? `${TOP}+` : String(b), customers: n[b], predicted: p, actual: a });
    err += n[b] * Math.abs(p - a);
    total += n[b];
  }
  return { buckets, mae: total ? err / total : NaN };
}
