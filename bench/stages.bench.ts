/**
 * The stages after the fits (predict, rank, classify, aggregate, retention — what `score` times —
 * and the report's aggregates, reportContent) on a realistic export, in CPU seconds of the process
 * (min and median of RUNS; the collector's threads included, as the operating system counts them).
 * The export is read and the models fitted once; every run scores the same fitted models.
 *   npm run bench -- stages
 *   LINES=10000000 RUNS=3 npm run bench -- stages     a larger export (default 1M lines)
 *   VS=/path/to/older/checkout npm run bench -- stages the older checkout's stages in turn (A B A B …)
 *                                                      on the same input: speed-up per stage, and
 *                                                      whether customers.csv's rows are the same
 *   BENCH_DIR=/tmp/pyramid-bench                       where the generated exports are kept between runs
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadDataset } from '../io/read.ts';
import { resolveProfile } from '../core/config.ts';
import { ORDERS_AS_OF, writeOrders } from './orders.ts';

const LINES = Number(process.env.LINES ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));
const VS = process.env.VS ? resolve(process.env.VS) : undefined;
const dir = process.env.BENCH_DIR ?? join(tmpdir(), 'pyramid-bench');
mkdirSync(dir, { recursive: true });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/* eslint-disable @typescript-eslint/no-explicit-any */
async function stages(checkout: string) {
  const m = (f: string) => import(join(checkout, 'core', f));
  const [input, predict, rank, classify, aggregate, retention, charts, table] = await Promise.all([
    m('pipeline/input.ts'), m('pipeline/predict.ts'), m('pipeline/rank.ts'), m('pipeline/classify.ts'),
    m('pipeline/aggregate.ts'), m('pipeline/retention.ts'), m('report/charts/index.ts'), m('report/table.ts'),
  ]);
  return { input, predict, rank, classify, aggregate, retention, charts, table } as Record<string, any>;
}

const file = join(dir, `orders-${LINES}.csv`);
if (!existsSync(file)) await writeOrders(file, LINES);
const profile = resolveProfile({ asOf: ORDERS_AS_OF });
const data = await loadDataset({ transactions: [file] }, profile, () => {}, () => {});
const here = resolve(import.meta.dirname, '..');
const { fit } = await import(join(here, 'core/pipeline/fit.ts'));
const checkouts: [string, Record<string, any>][] = [['this', await stages(here)]];
if (VS) checkouts.push(['older', await stages(VS)]);
const extra = { customers: data.customers, surveys: data.surveys };
const fitted = fit(checkouts[0][1].input.prepareInput(data.summaries, profile, extra));
console.log(`${LINES.toLocaleString('en')} lines: ${data.summaries.length.toLocaleString('en')} customers; Node ${process.version}`);

const STAGES = ['predict', 'rank', 'classify', 'aggregate', 'retention', 'score', 'reportContent'];
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
/** One run: CPU seconds per stage and a hash of customers.csv's rows. */
function once(s: Record<string, any>): [Record<string, number>, string] {
  const input = s.input.prepareInput(data.summaries, profile, extra);
  gc();
  const t: Record<string, number> = {};
  let c = cpu();
  const lap = (k: string) => { const now = cpu(); t[k] = now - c; c = now; };
  const p = s.predict.predict(input, fitted); lap('predict');
  const r = s.rank.rank(input, p); lap('rank');
  const customers = s.classify.classify(input, p, r); lap('classify');
  const totals = s.aggregate.aggregate(input, customers, r); lap('aggregate');
  const ret = s.retention.retention(input, customers); lap('retention');
  t.score = t.predict + t.rank + t.classify + t.aggregate + t.retention;
  const run = { asOf: profile.asOf, timeUnit: profile.timeUnit, customers, models: fitted.models, ...totals, retention: ret, satisfaction: null, warnings: [] };
  c = cpu();
  s.charts.reportContent(run, 'en'); lap('reportContent');
  const hash = createHash('sha256');
  for (const row of s.table.scoreTableRows(run, 'en').rows) hash.update(`${row.join(',')}\n`);
  return [t, hash.digest('hex')];
}

const times = checkouts.map(() => Object.fromEntries(STAGES.map((k) => [k, [] as number[]])));
const hashes = checkouts.map(() => new Set<string>());
for (let run = 0; run < RUNS; run++) {
  checkouts.forEach(([, s], k) => {
    const [t, h] = once(s);
    for (const st of STAGES) times[k][st].push(t[st]);
    hashes[k].add(h);
  });
}
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f = (x: number) => x.toFixed(3);
const rows = [['stage', 'min CPU s', 'median CPU s', ...(VS ? ['older median', 'speed-up'] : [])]];
for (const st of STAGES) {
  const a = times[0][st];
  rows.push([st, f(Math.min(...a)), f(median(a)), ...(VS ? [f(median(times[1][st])), `${(median(times[1][st]) / median(a)).toFixed(2)}×`] : [])]);
}
const width = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
for (const r of rows) console.log(r.map((c, j) => (j ? c.padStart(width[j]) : c.padEnd(width[j]))).join('  '));
if (VS) console.log(`customers.csv rows: ${hashes[0].size === 1 && [...hashes[0]][0] === [...hashes[1]][0] && hashes[1].size === 1 ? 'the same' : 'DIFFERENT'} in every run`);
