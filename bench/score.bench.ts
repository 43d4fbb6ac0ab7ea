/**
 * scoreCustomers on 1M simulated customer summaries (BG/NBD + Gamma-Gamma, seeded): customers/s and
 * peak memory, median of 3 runs. Baseline: the purchase-model stage done naively — BG/NBD fitted on
 * one histogram row per customer and predictions (P(alive), E[X], CLV) computed per customer —
 * against the same stage on the compressed histogram with predictions once per distinct (x, t_x, T).
 * Usage: npm run bench -- score      (CUSTOMERS=200000 for a quicker run; BASELINE=0 skips the slow baseline)
 */
import { scoreCustomers } from '../core/pipeline.ts';
import { DEFAULT_PROFILE } from '../core/config.ts';
import { clv, compressSummaries, fitPurchaseModel, periodDiscountRate } from '../core/models/index.ts';
import { uncompressedHistogram } from '../core/models/histogram.ts';
import type { CustomerSummary, PurchaseModel } from '../core/types.ts';
import { isoToDay } from '../core/report/format.ts';
import { simulate } from '../test/pipeline/simulate.ts';

const N = Number(process.env.CUSTOMERS ?? 1_000_000);
const AS_OF = '2024-06-30';
const profile = { ...DEFAULT_PROFILE, asOf: AS_OF };
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

const t0 = performance.now();
const { summaries } = simulate(N, 1, isoToDay(AS_OF));
console.log(`${N.toLocaleString('en')} simulated customers in ${((performance.now() - t0) / 1000).toFixed(1)} s; Node ${process.version}`);

function median3(label: string, f: () => void): number {
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < 3; i++) {
    gc();
    const before = process.memoryUsage();
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed - before.heapUsed); }, 20);
    const s = performance.now();
    f();
    times.push(performance.now() - s);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().heapUsed - before.heapUsed);
  }
  const med = times.sort((a, b) => a - b)[1];
  console.log(`${label.padEnd(44)} median ${(med / 1000).toFixed(2)} s  ${Math.round(N / (med / 1000)).toLocaleString('en')} customers/s  heap growth ≤ ${mb(peak)}  rss ${mb(process.memoryUsage().rss)}`);
  return med;
}

const d = periodDiscountRate(profile.discountRate, profile.timeUnit);
function predictAll(model: PurchaseModel, rows: CustomerSummary[], cached: boolean): number {
  let sum = 0;
  const cache = new Map<string, number>();
  const p = new Float64Array(rows.length), e = new Float64Array(rows.length), c = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i];
    const key = cached ? `${s.frequency},${s.recency},${s.T}` : '';
    const hit = cached ? cache.get(key) : undefined;
    if (hit !== undefined) {
      p[i] = p[hit]; e[i] = e[hit]; c[i] = c[hit];
    } else {
      p[i] = model.pAlive(s.frequency, s.recency, s.T);
      e[i] = model.expectedPurchases(profile.horizon, s.frequency, s.recency, s.T);
      c[i] = clv(model, 1, s, { horizon: profile.horizon, discountPerPeriod: d, margin: 1 });
      if (cached) cache.set(key, i);
    }
    sum += c[i];
  }
  return sum;
}

const distinct = compressSummaries(summaries).size;
console.log(`distinct (x, t_x, T): ${distinct.toLocaleString('en')} (${(N / distinct).toFixed(1)} customers per row)`);

const full = median3('scoreCustomers (BG/NBD + Pareto/NBD + GG)', () => { scoreCustomers(summaries, profile); });
const fast = median3('model stage, compressed + cached', () => {
  predictAll(fitPurchaseModel('bgnbd', compressSummaries(summaries)), summaries, true);
});
if (process.env.BASELINE !== '0') {
  const slow = median3('model stage, per customer (baseline)', () => {
    predictAll(fitPurchaseModel('bgnbd', uncompressedHistogram(summaries)), summaries, false);
  });
  console.log(`speed-up of the model stage from compression: ${(slow / fast).toFixed(1)}×; full pipeline ${(full / 1000).toFixed(2)} s`);
}
