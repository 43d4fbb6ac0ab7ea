/**
 * Model fitting speed: BG/NBD on 1,000,000 simulated customers, fitted on the compressed histogram
 * vs. one row per customer (the baseline), median of 3 runs each; then the optimizer comparison
 * (our BFGS with analytic or numeric gradient vs. a plain Nelder–Mead simplex) on the same likelihood,
 * counting likelihood evaluations; MBG/NBD and Pareto/NBD fit times on the same histogram (an analytic gradient pass costs about one evaluation).
 * Last, prediction throughput: P(alive), E[X(52)] and CLV for every customer (computed once per
 * distinct (x, t_x, T), as the pipeline does) at CDNOW's BG/NBD parameters and at extreme ones
 * (a, b ≈ 1e6, where the old series needed up to a million terms per call); the two should be within 2×.
 * Run: npm run bench -- models   (or: npx tsx bench/models.bench.ts [customers])
 */
import { clv, compressSummaries, fitPurchaseModel, purchaseLogLikelihood, purchaseModelFromParams } from '../core/models/index.ts';
import { predictionSteps } from '../core/models/betamix.ts';
import { bgnbdLogLikelihoodGradient } from '../core/models/bgnbd.ts';
import { uncompressedHistogram } from '../core/models/histogram.ts';
import { minimizeBfgs, minimizeNelderMead } from '../core/models/optimize.ts';
import { simulateBgNbd } from '../test/models/helpers/simulate.ts';

const customers = Number(process.argv[2] ?? 1_000_000);
const RUNS = 3;
const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, (performance.now() - t0) / 1000];
}

// Customers acquired on any day of the last 52 weeks, times in weeks at day resolution.
let t0 = performance.now();
const rows = simulateBgNbd(2024, customers, truth, 0, 52);
console.log(`simulated ${customers.toLocaleString('en')} BG/NBD customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const compressedTimes: number[] = [];
let size = 0;
let ll = 0;
for (let i = 0; i < RUNS; i++) {
  const [m, s] = time(() => fitPurchaseModel('bgnbd', compressSummaries(rows)));
  compressedTimes.push(s);
  size = compressSummaries(rows).size;
  ll = m.fit.logLikelihood;
}
const tc = median(compressedTimes);
console.log(`compressed:   histogram ${size.toLocaleString('en')} rows (${(customers / size).toFixed(1)} customers per row); compress + fit median ${tc.toFixed(2)} s of [${compressedTimes.map((t) => t.toFixed(2)).join(', ')}] → ${Math.round(customers / tc).toLocaleString('en')} customers/s; LL ${ll.toFixed(2)}`);

const rawTimes: number[] = [];
let llRaw = 0;
for (let i = 0; i < RUNS; i++) {
  const [m, s] = time(() => fitPurchaseModel('bgnbd', uncompressedHistogram(rows)));
  rawTimes.push(s);
  llRaw = m.fit.logLikelihood;
}
const tr = median(rawTimes);
console.log(`uncompressed: ${customers.toLocaleString('en')} rows; fit median ${tr.toFixed(2)} s of [${rawTimes.map((t) => t.toFixed(2)).join(', ')}] → ${Math.round(customers / tr).toLocaleString('en')} customers/s; LL ${llRaw.toFixed(2)}`);
console.log(`time ratio uncompressed / compressed: ${(tr / tc).toFixed(1)}×; |ΔLL| = ${Math.abs(ll - llRaw).toExponential(2)}`);

// MBG/NBD and Pareto/NBD on the same compressed histogram (with BG/NBD, the candidates of `--model auto`).
const hist = compressSummaries(rows);
for (const kind of ['mbgnbd', 'paretonbd'] as const) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(time(() => fitPurchaseModel(kind, hist))[1]);
  console.log(`${kind} on the compressed histogram: fit median ${median(times).toFixed(2)} s of [${times.map((t) => t.toFixed(2)).join(', ')}] (target ≤ 1 s at 1M customers)`);
}

// Optimizer comparison on the compressed histogram: same objective (mean negative LL over log-parameters), same start.
const analytic = (z: number[], out: number[]) => {
  bgnbdLogLikelihoodGradient({ r: Math.exp(z[0]), alpha: Math.exp(z[1]), a: Math.exp(z[2]), b: Math.exp(z[3]) }, hist, out);
  for (let i = 0; i < 4; i++) out[i] *= -1 / hist.customers;
};
for (const [name, minimize] of [
  ['BFGS (analytic gradient)', (f: (z: number[]) => number, z0: number[]) => minimizeBfgs(f, z0, { gradient: analytic })],
  ['BFGS (numeric gradient)', (f: (z: number[]) => number, z0: number[]) => minimizeBfgs(f, z0)],
  ['Nelder–Mead', (f: (z: number[]) => number, z0: number[]) => minimizeNelderMead(f, z0, 20_000, 1e-12)],
] as const) {
  const times: number[] = [];
  let evals = 0;
  let best = 0;
  let iters = 0;
  for (let i = 0; i < RUNS; i++) {
    evals = 0;
    const f = (z: number[]) => {
      evals++;
      const v = purchaseLogLikelihood('bgnbd', { r: Math.exp(z[0]), alpha: Math.exp(z[1]), a: Math.exp(z[2]), b: Math.exp(z[3]) }, hist);
      return Number.isFinite(v) ? -v / hist.customers : Infinity;
    };
    const [res, s] = time(() => minimize(f, [0, Math.log(26), 0, 0]));
    times.push(s);
    best = -res.fx * hist.customers;
    iters = res.iterations;
  }
  console.log(`optimizer ${name}: median ${median(times).toFixed(2)} s, ${evals} likelihood evaluations, ${iters} iterations, LL ${best.toFixed(3)}`);
}

// Prediction throughput at CDNOW parameters and at extreme ones.
function predictAll(params: Record<string, number>): { seconds: number; steps: number; distinct: number } {
  const model = purchaseModelFromParams('bgnbd', params);
  const cache = new Map<string, number>();
  const out = new Float64Array(rows.length);
  const before = predictionSteps.count;
  const t = performance.now();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const key = `${r.frequency},${r.recency},${r.T}`;
    let v = cache.get(key);
    if (v === undefined) {
      const pa = model.pAlive(r.frequency, r.recency, r.T);
      const e = model.expectedPurchases(52, r.frequency, r.recency, r.T);
      v = pa + e + clv(model, 1, r, { horizon: 52, discountPerPeriod: 0.0018, margin: 1 });
      cache.set(key, v);
    }
    out[i] = v;
  }
  return { seconds: (performance.now() - t) / 1000, steps: predictionSteps.count - before, distinct: cache.size };
}
const cdnowParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const extremeParams = { r: 0.243, alpha: 4.414, a: 1e6, b: 2.4e6 };
const cd = [0, 1, 2].map(() => predictAll(cdnowParams));
const ex = [0, 1, 2].map(() => predictAll(extremeParams));
const sCd = median(cd.map((r) => r.seconds));
const sEx = median(ex.map((r) => r.seconds));
console.log(`predictions (P(alive), E[X(52)], CLV over 52 weeks) for ${customers.toLocaleString('en')} customers, ${cd[0].distinct.toLocaleString('en')} distinct (x, t_x, T):`);
console.log(`  CDNOW parameters (a = 0.793, b = 2.426):  median ${sCd.toFixed(2)} s → ${Math.round(customers / sCd).toLocaleString('en')} customers/s; ${(cd[0].steps / cd[0].distinct).toFixed(0)} steps per distinct row`);
console.log(`  extreme parameters (a = 1e6, b = 2.4e6):  median ${sEx.toFixed(2)} s → ${Math.round(customers / sEx).toLocaleString('en')} customers/s; ${(ex[0].steps / ex[0].distinct).toFixed(0)} steps per distinct row`);
console.log(`  ratio extreme / CDNOW: ${(sEx / sCd).toFixed(2)}× (target: within 2×)`);
