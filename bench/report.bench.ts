/**
 * What report.html adds to a run of 1M simulated customers: the arquero aggregates, the chart
 * specs, vega rendering and the HTML. Time and memory growth (target ≤ 3 s and ≤ 200 MB), and the
 * page size — the charts use aggregates, so the page does not grow with customers.
 * Usage: npm run bench -- report      (CUSTOMERS=200000 for a quicker run)
 */
import { scoreCustomers } from '../core/pipeline.ts';
import { DEFAULT_PROFILE } from '../core/config.ts';
import { isoToDay } from '../core/report/format.ts';
import { groupTotals, pAliveMatrix, reportContent, reportTable, rfmGrid } from '../core/report/charts/index.ts';
import { renderReport, renderSvg } from '../io/report-html.ts';
import { datasetSummary } from '../core/report/index.ts';
import { simulate } from '../test/pipeline/simulate.ts';

const N = Number(process.env.CUSTOMERS ?? 1_000_000);
const AS_OF = '2024-06-30';
const profile = { ...DEFAULT_PROFILE, asOf: AS_OF };
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

const { summaries } = simulate(N, 1, isoToDay(AS_OF));
let s = performance.now();
const run = scoreCustomers(summaries, profile);
console.log(`${N.toLocaleString('en')} customers scored in ${((performance.now() - s) / 1000).toFixed(1)} s; Node ${process.version}`);
const summary = datasetSummary(profile, { summaries, counts: { transactions: { read: N, accepted: N, rejected: 0 } }, rejects: [], detections: [], warnings: [] }, run);

// Warm the renderer once on a tiny chart so the module load is reported apart from the work.
s = performance.now();
await renderSvg({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
console.log(`vega + vega-lite load and first render: ${((performance.now() - s) / 1000).toFixed(2)} s`);

/** Heap plus typed-array buffers (the report's columns live in ArrayBuffers, outside heapUsed). */
const used = () => { const u = process.memoryUsage(); return u.heapUsed + u.arrayBuffers; };
function measure<T>(label: string, f: () => Promise<T>): Promise<T> {
  gc();
  const before = used();
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, used() - before); }, 10);
  const t = performance.now();
  return f().then((r) => {
    clearInterval(timer);
    peak = Math.max(peak, used() - before);
    console.log(`${label.padEnd(34)} ${((performance.now() - t) / 1000).toFixed(2)} s  heap + buffers growth ≤ ${mb(peak)}  rss ${mb(process.memoryUsage().rss)}`);
    return r;
  });
}

await measure('  narrow table + 2 sorts', async () => reportTable(run));
const rt = reportTable(run);
await measure('  R × F grid (arquero groupby)', async () => rfmGrid(rt.table));
await measure('  P(alive) matrix (arquero groupby)', async () => pAliveMatrix(rt.table, rt.recencyStep));
await measure('  value classes (arquero groupby)', async () => groupTotals(rt.table, 'valueClass'));
await measure('aggregates + specs', async () => reportContent(run, 'en'));
const html = await measure('report.html (aggregates + render)', () => renderReport({ summary, run, profile }));
console.log(`report.html: ${(html.length / 1024).toFixed(0)} KB, ${(html.match(/<figure class="chart"/g) ?? []).length} charts`);
