/**
 * Ingest throughput: N order lines (env N, default 2,000,000) through
 *  1. the core accumulator (rows already split into cells),
 *  2. a naive baseline: one object per row, Date parsing, Map of arrays, then summaries,
 *  3. the full io path on a temporary CSV file (read, decode, parse, accumulate),
 * plus the date parser against Date.parse on the same strings. Medians of RUNS (default 3) runs.
 * Run: npm run bench -- ingest   (or N=10000000 npx tsx bench/ingest.bench.ts)
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveProfile } from '../core/config.ts';
import { createTransactionIngest } from '../core/ingest/index.ts';
import { parseDateCell } from '../core/dates.ts';
import { readTable } from '../io/read.ts';

const N = Number(process.env.N ?? 2_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const CUSTOMERS = Math.max(10, Math.floor(N / 20));
const profile = resolveProfile({ asOf: '2024-12-31', timeUnit: 'week', exclusions: { codes: [], descriptions: [] } });

// Deterministic pools; rows reuse one cells array, as a streaming parser's consumer would see them.
let seed = 12345;
// mulberry32: a small, well-mixed 32-bit generator.
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const ids = Array.from({ length: CUSTOMERS }, (_, i) => `C${100000 + i}`);
const dates = Array.from({ length: 730 }, (_, d) => {
  const t = new Date(Date.UTC(2023, 0, 1) + d * 86400000);
  return `${t.toISOString().slice(0, 10)} ${String(8 + (d % 12)).padStart(2, '0')}:26:00`;
});
const amounts = Array.from({ length: 1000 }, (_, i) => (i % 50 === 0 ? `-${(i / 100).toFixed(2)}` : (1 + i / 10).toFixed(2)));
// Lines come in orders of 1–8 lines of one customer and day, like invoice-line exports.
const rowCust = new Int32Array(N), rowDate = new Int32Array(N), rowAmt = new Int32Array(N);
for (let i = 0; i < N;) {
  const c = Math.floor(rnd() * CUSTOMERS), d = Math.floor(rnd() * 730), k = 1 + Math.floor(rnd() * 8);
  for (let j = 0; j < k && i < N; j++, i++) { rowCust[i] = c; rowDate[i] = d; rowAmt[i] = Math.floor(rnd() * 1000); }
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (b: number) => (b / 1048576).toFixed(0);

function time<T>(f: () => T): { ms: number; value: T } {
  gc?.();
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

function coreRun(): number {
  const ing = createTransactionIngest(profile);
  ing.beginSource('bench', ['customer', 'date', 'amount']);
  const cells: string[] = ['', '', ''];
  for (let i = 0; i < N; i++) {
    cells[0] = ids[rowCust[i]]; cells[1] = dates[rowDate[i]]; cells[2] = amounts[rowAmt[i]];
    ing.row(cells, i + 2);
  }
  return ing.finish().summaries.length;
}

/** The obvious implementation: an object per row, Date for parsing, a Map of row arrays. */
function naiveRun(): number {
  const rows: { id: string; day: number; amount: number }[] = [];
  for (let i = 0; i < N; i++) {
    const d = new Date(dates[rowDate[i]].replace(' ', 'T') + 'Z');
    rows.push({ id: ids[rowCust[i]], day: Math.floor(d.getTime() / 86400000), amount: parseFloat(amounts[rowAmt[i]]) });
  }
  const by = new Map<string, { day: number; amount: number }[]>();
  for (const r of rows) { let a = by.get(r.id); if (!a) by.set(r.id, (a = [])); a.push(r); }
  let n = 0;
  for (const list of by.values()) {
    const days = new Map<number, number>();
    for (const r of list) if (r.amount > 0) days.set(r.day, (days.get(r.day) ?? 0) + r.amount);
    if (days.size) n++;
  }
  return n;
}

async function writeFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  await write('customer,date,amount\n');
  let buf = '';
  for (let i = 0; i < N; i++) {
    buf += `${ids[rowCust[i]]},${dates[rowDate[i]]},${amounts[rowAmt[i]]}\n`;
    if (buf.length > 1 << 20) { await write(buf); buf = ''; }
  }
  await write(buf);
  await new Promise<void>((res) => out.end(res));
}

function report(name: string, ms: number[], extra = '') {
  const m = median(ms);
  console.log(`${name.padEnd(28)} median ${m.toFixed(0).padStart(6)} ms  ${(N / (m / 1000) / 1e6).toFixed(2)} M lines/s ${extra}`);
  return m;
}

console.log(`N = ${N.toLocaleString('en')} lines, ${CUSTOMERS.toLocaleString('en')} customers, ${RUNS} runs`);
const core: number[] = [], naive: number[] = [];
let customers = 0;
for (let r = 0; r < RUNS; r++) {
  const a = time(coreRun); core.push(a.ms); customers = a.value;
  const heapCore = process.memoryUsage().heapUsed;
  const b = time(naiveRun); naive.push(b.ms);
  if (r === 0) console.log(`customers summarized: ${customers} (baseline ${b.value}); heap after core run ${mb(heapCore)} MB`);
}
const mCore = report('core accumulator', core);
const mNaive = report('naive object-per-row', naive);
console.log(`ratio naive / core: ${(mNaive / mCore).toFixed(2)}x`);

// Date parsing alone: the hand-written parser vs Date.parse on the same ISO-with-time strings.
const M = Math.min(N, 1_000_000);
const pd: number[] = [], dp: number[] = [];
for (let r = 0; r < RUNS; r++) {
  pd.push(time(() => { let s = 0; for (let i = 0; i < M; i++) s += parseDateCell(dates[rowDate[i]], 'UTC'); return s; }).ms);
  dp.push(time(() => { let s = 0; for (let i = 0; i < M; i++) s += Math.floor(Date.parse(dates[rowDate[i]].replace(' ', 'T') + 'Z') / 864e5); return s; }).ms);
}
console.log(`date parser: parseDateCell ${median(pd).toFixed(0)} ms vs Date.parse ${median(dp).toFixed(0)} ms for ${M.toLocaleString('en')} values (Date.parse reads neither D/M columns, YYYYMMDD, 星期, nor Excel serials)`);

const dir = mkdtempSync(join(tmpdir(), 'pyramid-bench-'));
try {
  const file = join(dir, 'orders.csv');
  await writeFile(file);
  const size = statSync(file).size;
  const io: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    gc?.();
    const t = performance.now();
    const res = await readTable(file, 'transactions', profile);
    io.push(performance.now() - t);
    if (res.counts.read !== N) throw new Error(`read ${res.counts.read} of ${N}`);
  }
  const m = report('full io path (CSV file)', io, `${(size / 1048576 / (median(io) / 1000)).toFixed(1)} MB/s, file ${mb(size)} MB`);
  void m;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB (includes the in-memory test data and the naive baseline)`);
