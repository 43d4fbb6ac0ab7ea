/**
 * Model fits on a realistic export: reads a bench/orders.ts export once (three years at day
 * resolution), builds the compressed histogram and times each fit the pipeline makes — BG/NBD,
 * MBG/NBD and Pareto/NBD on all customers, MBG/NBD and Pareto/NBD on every customer's calibration
 * part (what `--model auto` refits), Gamma-Gamma — in CPU seconds (min and median of RUNS).
 *   npm run bench -- fits
 *   LINES=10000000 RUNS=1 npm run bench -- fits        a larger export (default 1M lines)
 *   VS=/path/to/older/checkout npm run bench -- fits   the older checkout's fits in turn, on the same
 *                                                      summaries: speed-up, and whether every fitted
 *                                                      number (parameters, log-likelihood, standard errors) is the same double
 *   BENCH_DIR=/tmp/pyramid-bench                       where the generated exports are kept between runs
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readTable } from '../io/read.ts';
import { resolveProfile } from '../core/config.ts';
import { ORDERS_AS_OF, writeOrders } from './orders.ts';

const LINES = Number(process.env.LINES ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));
const VS = process.env.VS ? resolve(process.env.VS) : undefined;
const dir = process.env.BENCH_DIR ?? join(tmpdir(), 'pyramid-bench');
mkdirSync(dir, { recursive: true });

interface Models {
  compressSummaries: (rows: ArrayLike<{ frequency: number; recency: number; T: number }>) => { size: number; customers: number };
  fitPurchaseModel: (kind: string, hist: unknown) => { fit: unknown };
  fitGammaGamma: (rows: unknown) => { fit: unknown };
}
async function models(checkout: string): Promise<Models> {
  const m = (f: string) => import(join(checkout, 'core/models', f));
  const [h, p, g] = await Promise.all([m('histogram.ts'), m('purchase.ts'), m('gammagamma.ts')]);
  return { compressSummaries: h.compressSummaries, fitPurchaseModel: p.fitPurchaseModel, fitGammaGamma: g.fitGammaGamma };
}

const file = join(dir, `orders-${LINES}.csv`);
if (!existsSync(file)) await writeOrders(file, LINES);
const { summaries } = await readTable(file, 'transactions', resolveProfile({ asOf: ORDERS_AS_OF }));
const split = summaries.map((s) => s.ownSplit).filter((s): s is NonNullable<typeof s> => !!s && s.frequency >= 0 && s.T > 0 && s.length > 0);

const checkouts: [string, Models][] = [['this', await models(resolve(import.meta.dirname, '..'))]];
if (VS) checkouts.push(['older', await models(VS)]);
const h0 = checkouts[0][1].compressSummaries(summaries);
console.log(`${LINES.toLocaleString('en')} lines: ${h0.customers.toLocaleString('en')} customers, ${h0.size.toLocaleString('en')} histogram rows (${(h0.customers / h0.size).toFixed(2)} customers per row); Node ${process.version}`);

/** What a fit runs on (built before the clock starts: compressSummaries is timed on its own row) and the fit. */
type Fit = [(m: Models) => unknown, (m: Models, input: unknown) => unknown];
const all = (m: Models) => m.compressSummaries(summaries);
const calibration = (m: Models) => m.compressSummaries(split);
const fits: [string, Fit][] = [
  ['histogram (all customers)', [() => undefined, (m) => { const h = all(m); return [h.size, h.customers]; }]],
  ['bgnbd', [all, (m, h) => m.fitPurchaseModel('bgnbd', h).fit]],
  ['mbgnbd', [all, (m, h) => m.fitPurchaseModel('mbgnbd', h).fit]],
  ['paretonbd', [all, (m, h) => m.fitPurchaseModel('paretonbd', h).fit]],
  ['mbgnbd (calibration)', [calibration, (m, h) => m.fitPurchaseModel('mbgnbd', h).fit]],
  ['paretonbd (calibration)', [calibration, (m, h) => m.fitPurchaseModel('paretonbd', h).fit]],
  ['gammaGamma (spend histogram included)', [() => undefined, (m) => m.fitGammaGamma(summaries).fit]],
];

const cpu = (f: () => unknown): [unknown, number] => {
  const c0 = process.cpuUsage();
  const out = f();
  const c = process.cpuUsage(c0);
  return [out, (c.user + c.system) / 1e6];
};
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
/** Every number of a fit report as a string that tells every double apart (−0 and NaN included). */
const digits = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'number' ? (Object.is(x, -0) ? '-0' : String(x)) : x));

const table: string[][] = [['fit', 'min CPU s', 'median CPU s', ...(VS ? ['older median', 'speed-up', 'same numbers'] : [])]];
for (const [name, [prepare, fit]] of fits) {
  const times = checkouts.map(() => [] as number[]);
  const reports = checkouts.map(() => '');
  // The checkouts run in turn (A B A B …), so a drifting machine load hits both alike.
  for (let r = 0; r < RUNS; r++) {
    checkouts.forEach(([, m], k) => {
      const input = prepare(m);
      const [report, s] = cpu(() => fit(m, input));
      times[k].push(s);
      reports[k] = digits(report);
    });
  }
  const row = [name, Math.min(...times[0]).toFixed(3), median(times[0]).toFixed(3)];
  if (VS) row.push(median(times[1]).toFixed(3), `${(median(times[1]) / median(times[0])).toFixed(2)}×`, reports[0] === reports[1] ? 'yes' : 'NO');
  table.push(row);
}
for (const row of table) console.log(`| ${row.join(' | ')} |`);
